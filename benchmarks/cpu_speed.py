"""How attention drops out, and what it costs on this CPU: step times side by side, and the validation loss (not part of the test run).

    python benchmarks/cpu_speed.py [--repeats 10] [--quality-steps 200] [--out FILE]
    python benchmarks/cpu_speed.py --profile     # where a step of `heads` spends its time, by kind of operation

In one process, taking turns step by step so that the machine's mood hits all alike, it times training steps of the
blog's configuration (4 layers, 128 wide, 8 heads, dropout 0.1, AdamW, gradients clipped at 1, fp32) in three variants:
- `weights`: `GPTConfig(dropout_at='weights')`, nanoGPT's placement (the fused attention kernel of a CPU cannot take it);
- `heads_torch`: `dropout_at='heads'`, the blog's code's placement (dropout on each head's output, the fused kernel
  runs), with PyTorch's `nn.Dropout` for every dropout, as nanomm had it until 2026-12-06;
- `heads`: the same with nanomm's `Dropout` (03), which draws its mask more cheaply on a CPU.
Each is timed on a text step (64 windows of 128 characters) and a caption step (512 pictures' precomputed features,
one image token, and their captions). Then, for quality, it trains the text model (dropout 0.1) in each variant as
`lm_options.py` trains its options: `--quality-steps` steps of 16 random windows, cosine schedule, seed 0, the same
batches; and measures the mean loss on every window of the validation 5% of tiny Shakespeare (the test 5% is never
read). It prints one JSON line: the machine, step medians in ms, ratios against `heads`, validation losses, peak
resident memory.
"""
import argparse, json, resource, statistics, time
import torch, torch.nn as nn
from nanomm.data import get_shakespeare, split_text, TextBatches, CaptionBatches
from nanomm.tokenizer import CharTokenizer
from nanomm.gpt import GPT, GPTConfig, Dropout
from nanomm.resblock_encoder import ResNetConfig, ResNetEncoder
from nanomm.multimodal import MultiModal
from nanomm.tasks import TextTask, CaptionTask, task_loss

batch_loss = task_loss([TextTask(), CaptionTask()])   # a text or caption batch's loss, by its `task`
from nanomm.hardware import HardwareConfig, Setup
from nanomm.loop import train_step
from lm_options import train_one   # the same budget and validation as the LM options' table
from machine import cpu_name, load

VARIANTS = dict(weights=('weights', False), heads_torch=('heads', True), heads=('heads', False))  # (dropout_at, torch's)

def torch_dropout(model:nn.Module) -> nn.Module:
    "`model` with each of nanomm's `Dropout` modules replaced by PyTorch's `nn.Dropout` of the same rate"
    for m in list(model.modules()):
        for name, c in m.named_children():
            if isinstance(c, Dropout): setattr(m, name, nn.Dropout(c.p))
    return model

def make(variant):
    at, torch_drop = VARIANTS[variant]
    torch.manual_seed(0)
    m = MultiModal(ResNetEncoder(ResNetConfig()), GPT(GPTConfig(dropout_at=at)))
    return torch_dropout(m) if torch_drop else m

def blog_steps(text_ids):
    "The blog configuration in each variant: the setup, models, their optimizers, and a text and a caption batch"
    su = Setup(HardwareConfig('cpu'))
    models = {v: make(v).train() for v in VARIANTS}
    opts = {at: su.optimizer(m.trainable_parameters(), 1e-3) for at, m in models.items()}
    feats, labels = torch.randn(5_000, 1, 512), torch.arange(5_000) % 10   # a frozen encoder's features, once per run
    batches = dict(text=next(TextBatches(text_ids, 64, 128, seed=0).epoch(0)),
                   caption=next(CaptionBatches(feats, labels, 512, seed=0).epoch(0)))
    return su, models, opts, batches

def step_times(text_ids, repeats):
    "Median ms of text and caption steps for each variant, interleaved step by step"
    su, models, opts, batches = blog_steps(text_ids)
    ts, names = {(at, kind): [] for at in models for kind in batches}, list(models)
    for i in range(repeats + 2):
        for kind, b in batches.items():
            for at in names[i % 3:] + names[:i % 3]:             # each variant first in turn
                m = models[at]
                m.train()
                t = time.perf_counter()
                train_step(m, batch_loss, b, opts[at], su.precision, 1.0)
                if i >= 2: ts[at, kind].append(time.perf_counter() - t)
    return {f'{kind}_step_ms_{at}': round(1000 * statistics.median(v), 1) for (at, kind), v in ts.items()}

def quality(train_ids, valid_ids, steps):
    "Seconds of training and validation loss after `steps` text steps in each variant (lm_options.py's protocol)"
    res = {}
    for v, (at, torch_drop) in VARIANTS.items():
        prep = torch_dropout if torch_drop else None
        _, secs, loss = train_one(GPTConfig(dropout_at=at), train_ids, valid_ids, steps, torch.device('cpu'), prep=prep)
        res[f'train_s_{v}'], res[f'valid_loss_{v}'] = round(secs, 1), round(loss, 4)
    return res

# operations by name, or (ending in '*') by the start of their name; the rest: elementwise, norms, the optimizer
GROUPS = dict(matmul=('aten::mm', 'aten::addmm', 'aten::bmm'), attention=('aten::_scaled_dot_product*',),
              dropout=('aten::random_', 'aten::bernoulli_', 'aten::ge'))

def group(op:str) -> str:
    "The group of `GROUPS` that the operation `op` belongs to, or 'other'"
    return next((g for g, names in GROUPS.items()
                 if any(op.startswith(n[:-1]) if n.endswith('*') else op == n for n in names)), 'other')

def profile(text_ids, repeats:int=3) -> dict:
    "Self CPU ms of one step of `heads` by group of operations (`GROUPS`), medians of `repeats` profiled steps"
    from torch.profiler import profile as torch_profile
    su, models, opts, batches = blog_steps(text_ids)
    m, opt, res = models['heads'], opts['heads'], {}
    for kind, b in batches.items():
        for _ in range(2): train_step(m, batch_loss, b, opt, su.precision, 1.0)     # warm-up
        runs = []
        for _ in range(repeats):
            with torch_profile() as p: train_step(m, batch_loss, b, opt, su.precision, 1.0)
            ms = {g: 0. for g in (*GROUPS, 'other')}
            for e in p.key_averages():
                ms[group(e.key)] += e.self_cpu_time_total / 1000
            runs.append(ms)
        res.update({f'{kind}_profile_ms_{g}': round(statistics.median(r[g] for r in runs), 1) for g in runs[0]})
    return res

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=10)
    p.add_argument('--quality-steps', type=int, default=200)
    p.add_argument('--out', default=None, help='also write the JSON here')
    p.add_argument('--profile', action='store_true', help='only profile a step of `heads` (self CPU ms by group)')
    a = p.parse_args()
    train_ids, valid_ids, _ = split_text(torch.tensor(CharTokenizer().encode(get_shakespeare())))
    res = dict(cpu=cpu_name(), torch=torch.__version__, threads=torch.get_num_threads(), day=time.strftime('%Y-%m-%d'),
               repeats=a.repeats, load_before=load())
    if a.profile:
        res.update(profile(train_ids))
        print(json.dumps(res))
        if a.out: open(a.out, 'w').write(json.dumps(res, indent=1) + '\n')
        return
    res.update(step_times(train_ids, a.repeats))
    for kind in ('text', 'caption'):
        for v in ('weights', 'heads_torch'):
            res[f'{kind}_{v}_over_heads'] = round(res[f'{kind}_step_ms_{v}'] / res[f'{kind}_step_ms_heads'], 2)
    print(json.dumps(res), flush=True)
    if a.quality_steps: res.update(quality(train_ids, valid_ids, a.quality_steps))
    res['peak_rss_mib'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    res['load_after'] = load()
    print(json.dumps(res))
    if a.out: open(a.out, 'w').write(json.dumps(res, indent=1) + '\n')

if __name__ == '__main__': main()
