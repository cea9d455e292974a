"""The language model's options, each alone and all together, at the blog's size (not part of the test run).

    python benchmarks/lm_options.py [--steps 300] [--device cpu] [--threads 2] [--smoke]

Trains the text model (4 layers, 128 wide, 8 heads, context 128, no dropout) once per option: GPT-2's defaults, then
`pos='rope'`, `norm='rmsnorm'`, `mlp='swiglu'`, `n_kv_head=2` (grouped-query attention, 4 query heads per key/value
head), and all four together. Every run has the same budget: `--steps` Adam steps (the run's `Setup` optimizer) on
batches of 16 random windows of 128 characters of the training 90% of tiny Shakespeare, a cosine schedule with peak 3e-3
after 30 warm-up steps, gradients clipped at 1, seed 0. It then measures the mean loss on every window of the held-out
validation 5% (the test 5% is never read), and prints a markdown table: option, parameters, validation loss, seconds
of training and the device. `--smoke` runs 3 steps on a sliver of the validation text, to check the script.
"""
import argparse, time
from dataclasses import replace
import torch
from nanomm.data import get_shakespeare, split_text, TextBatches
from nanomm.tokenizer import CharTokenizer
from nanomm.gpt import GPT, GPTConfig
from nanomm.loop import lr_at, train_step
from nanomm.hardware import HardwareConfig, Setup
from machine import device_name

OPTIONS = [   # (name, changes to the blog's GPTConfig)
    ('GPT-2 (learned, layernorm, gelu, 8 kv heads)', {}),
    ('pos=rope', dict(pos='rope')),
    ('norm=rmsnorm', dict(norm='rmsnorm')),
    ('mlp=swiglu', dict(mlp='swiglu')),
    ('n_kv_head=2', dict(n_kv_head=2)),
    ('all four (Llama-2 style)', dict(pos='rope', norm='rmsnorm', mlp='swiglu', n_kv_head=2)),
]

def lm_loss(model, b):
    "Summed next-character loss, number of targets, statistics"
    _, loss = model(b['idx'], b['targets'])
    return loss * b['targets'].numel(), b['targets'].numel(), {}

@torch.no_grad()
def valid_loss(model, ids) -> float:
    "Mean next-character loss over every window of `ids`"
    model.eval()
    tot, n = 0., 0
    for b in TextBatches(ids, 64, 128, shuffle=False).epoch(0):
        tot += model(b['idx'], b['targets'])[1].item() * b['targets'].numel()
        n += b['targets'].numel()
    return tot / n

def train_one(cfg, train_ids, valid_ids, steps, dev, lr=3e-3, prep=None):
    "Seconds of training and validation loss of one config (`prep(model)` changes the model before it trains)"
    torch.manual_seed(0)
    model = GPT(cfg).to(dev)
    if prep is not None: model = prep(model)
    opt = Setup(HardwareConfig(str(dev))).optimizer(model.parameters(), lr)
    tb = TextBatches(train_ids, 16, 128, 'random', seed=0)
    batches = (b for e in range(10**6) for b in tb.epoch(e))
    t0 = time.time()
    for step in range(steps):
        for g in opt.param_groups: g['lr'] = lr_at(step, steps, lr, 'cosine', warmup=min(30, steps // 10))
        train_step(model, lm_loss, next(batches), opt, grad_clip=1.0)
    if dev.type == 'cuda': torch.cuda.synchronize()
    secs = time.time() - t0
    return model, secs, valid_loss(model, valid_ids)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=300)
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--smoke', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    tok = CharTokenizer()
    train_ids, valid_ids, _ = split_text(torch.tensor(tok.encode(get_shakespeare())))
    train_ids, valid_ids = train_ids.to(dev), valid_ids.to(dev)
    steps = 3 if a.smoke else a.steps
    if a.smoke: valid_ids = valid_ids[:2000]
    base = GPTConfig(dropout=0.0)
    print(f'{steps} steps of 16 x 128 characters each, on {device_name(dev)} (torch {torch.__version__})\n')
    print('| option | parameters | validation loss (nats/char) | seconds | device |')
    print('|---|---|---|---|---|')
    for name, change in OPTIONS:
        model, secs, loss = train_one(replace(base, **change), train_ids, valid_ids, steps, dev)
        n = sum(q.numel() for q in model.parameters())
        print(f'| {name} | {n:,} | {loss:.4f} | {secs:.0f} | {dev.type} |', flush=True)

if __name__ == '__main__': main()
