"""Time batched captioning of the 10,000 Fashion-MNIST test images with a trained run (not part of the test run).

    python benchmarks/caption_speed.py RUN_DIR [--repeats 3]

Prints the seconds of each `caption_images` call over the whole test split and their median.
"""
import argparse, statistics, time
import torch
from nanomm.inference import load_model, caption_images
from nanomm.data import get_fashion_mnist

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('run'); p.add_argument('--repeats', type=int, default=3)
a = p.parse_args()
model, tok, _ = load_model(a.run)
x, _ = get_fashion_mnist('test')
ts = []
for _ in range(a.repeats):
    t = time.perf_counter(); caption_images(model, x, tok=tok); ts.append(time.perf_counter() - t)
print(f'caption_images on {len(x):,} test images: {[round(t, 1) for t in ts]} s, median {statistics.median(ts):.1f} s '
      f'({torch.get_num_threads()} threads)')
