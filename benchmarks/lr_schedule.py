"""The GPT alone on text: a constant learning rate against the cosine schedule (not part of the test run).

    python benchmarks/lr_schedule.py SCHEDULE STEPS LR      e.g.  python benchmarks/lr_schedule.py cosine 500 3e-3

Trains the blog-sized GPT (no dropout) on batches the size of the quick preset's (16 random windows of 128 characters of
the training 90% of tiny Shakespeare), seed 0, on one CPU thread, with `lr_at` setting the rate and `train_step` taking
each step; then prints the mean loss on the first 6 validation batches (6 x 64 windows of the validation 5%) and the
seconds it took.
"""
import argparse, time, torch
from nanomm.data import get_shakespeare, split_text, TextBatches
from nanomm.tokenizer import CharTokenizer
from nanomm.gpt import GPT, GPTConfig
from nanomm.loop import lr_at, train_step
from nanomm.hardware import HardwareConfig, Setup

def lm_loss(model, b):
    "Summed next-character loss, number of targets, statistics"
    _, loss = model(b['idx'], b['targets'])
    return loss * b['targets'].numel(), b['targets'].numel(), {}

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('schedule', choices=['constant', 'cosine'])
    p.add_argument('steps', type=int)
    p.add_argument('lr', type=float)
    a = p.parse_args()
    torch.set_num_threads(1)
    tok = CharTokenizer()
    train_ids, valid_ids, _ = split_text(torch.tensor(tok.encode(get_shakespeare())))
    torch.manual_seed(0)
    model = GPT(GPTConfig(dropout=0.0))
    opt = Setup(HardwareConfig('cpu')).optimizer(model.parameters(), a.lr)
    tb = TextBatches(train_ids, 16, 128, 'random', seed=0)
    batches = (b for e in range(10**6) for b in tb.epoch(e))
    t0 = time.time()
    for step in range(a.steps):
        for g in opt.param_groups: g['lr'] = lr_at(step, a.steps, a.lr, a.schedule, warmup=30)
        train_step(model, lm_loss, next(batches), opt, grad_clip=1.0)
    model.eval()
    losses = []
    with torch.no_grad():
        for i, b in enumerate(TextBatches(valid_ids, 64, 128, shuffle=False).epoch(0)):
            if i == 6: break
            losses.append(model(b['idx'], b['targets'])[1].item())
    print(f'{a.schedule} {a.steps} steps lr {a.lr}: validation loss {sum(losses) / len(losses):.4f} nats/char, '
          f'{time.time() - t0:.0f} s')

if __name__ == '__main__': main()
