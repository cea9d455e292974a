"""Time batched captioning of the 10,000 Fashion-MNIST test images with a trained run (not part of the test run).

    python benchmarks/caption_speed.py RUN_DIR [--repeats 3] [--device cuda]

Prints the seconds of each `caption_images` call over the whole test split and their median.
"""
import argparse, statistics, time
import torch
from nanomm.core import get_device
from nanomm.data import get_fashion_mnist
from nanomm.inference import caption_images
from nanomm.multimodal import load_model

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('run')
p.add_argument('--repeats', type=int, default=3)
p.add_argument('--device', default=None)
a = p.parse_args()
dev = get_device(a.device)
model, tok, _ = load_model(a.run, dev)
x, _ = get_fashion_mnist('test')
caption_images(model, x[:1000], tok=tok)                       # warm-up
ts = []
for _ in range(a.repeats):
    if dev.type == 'cuda': torch.cuda.synchronize()
    t = time.perf_counter()
    caption_images(model, x, tok=tok)
    if dev.type == 'cuda': torch.cuda.synchronize()
    ts.append(time.perf_counter() - t)
print(f'caption_images on {len(x):,} test images on {dev}: {[round(t, 2) for t in ts]} s, median {statistics.median(ts):.2f} s '
      f'({torch.get_num_threads()} threads)')
