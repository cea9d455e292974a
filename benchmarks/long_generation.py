"""Characters a second of long text generation on the CPU, old window against chunked (not part of the test run).

    python benchmarks/long_generation.py [--tokens 5000] [--repeats 3] [--threads N]

Builds the quick preset's GPT (`TrainConfig.from_preset('quick').lm`, random weights: speed does not depend on them)
and times `GPT.generate` of `--tokens` new characters after a one-character prompt, sampled at temperature 0.8 with a
seeded generator, as `nanomm generate` does: `use_cache=False` (the old path, which recomputes the last block_size
characters for every new one past the first context) against the default (KV cache, the window moved in chunks of
block_size/2). Runs alternate between the two; prints each run's characters a second and the medians, the CPU, its
load, the torch version and threads, and checks that both paths agree on the first context's worth of characters.
"""
import argparse, statistics, time
import torch
from machine import device_name, load
from nanomm.gpt import GPT
from nanomm.run import TrainConfig

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('--tokens', type=int, default=5000, help='new characters per run (default: 5000)')
p.add_argument('--repeats', type=int, default=3, help='runs of each path; the median is reported (default: 3)')
p.add_argument('--threads', type=int, default=None, help="torch's CPU threads (default: torch's own choice)")
a = p.parse_args()
if a.threads: torch.set_num_threads(a.threads)

cfg = TrainConfig.from_preset('quick').lm
torch.manual_seed(0)
model = GPT(cfg).eval()
prompt = torch.zeros(1, 1, dtype=torch.long)               # a newline, as `nanomm generate` starts

def run(use_cache, n=a.tokens):
    "The generated ids and the characters a second of one call"
    t = time.perf_counter()
    out = model.generate(prompt, n, temperature=0.8, generator=torch.Generator().manual_seed(0), use_cache=use_cache)
    return out, n / (time.perf_counter() - t)

run(True, 200)                                             # warm-up
run(False, 200)
n_same = cfg.block_size                                    # new tokens before the cache first fills: block_size - T + 1
same = torch.equal(run(True, n_same)[0], run(False, n_same)[0])
speed = {'old (use_cache=False)': [], 'chunked (default)': []}
for _ in range(a.repeats):
    for name, use_cache in (('old (use_cache=False)', False), ('chunked (default)', True)):
        speed[name].append(run(use_cache)[1])
        print(f'  {name}: {speed[name][-1]:,.0f} characters/s', flush=True)

print(f'CPU: {device_name("cpu")}; load {load()} (1-minute average, after the runs); torch {torch.__version__}')
print(f'GPT of the quick preset: block_size {cfg.block_size}, n_embd {cfg.n_embd}, n_layer {cfg.n_layer}, '
      f'n_head {cfg.n_head}, pos {cfg.pos}; {a.tokens:,} new characters, median of {a.repeats}')
med = {k: statistics.median(v) for k, v in speed.items()}
for k, v in med.items(): print(f'{k:>22}: {v:,.0f} characters/s ({a.tokens / v:.1f} s)')
print(f'speed-up {med["chunked (default)"] / med["old (use_cache=False)"]:.1f}x; '
      f'first {n_same} new characters the same on both paths: {same}')
