"""fp32 against bf16 autocast on this CPU, for the two kinds of step nanomm takes (not part of the test run).

    python benchmarks/cpu_precision.py

Times a training step of the blog's ResNet classifier at batch 128 and a text step of the quick preset's GPT (16 windows
of 128 characters, no dropout), each in fp32 and under bf16 autocast, alternating, and prints the medians. On CPUs
without native bf16 (no avx512_bf16 or AMX) bf16 is emulated and much slower.
"""
import statistics, time, torch
from nanomm.precision import _native_cpu_bf16
from nanomm.loop import train_step
from nanomm.hardware import HardwareConfig, Setup
from nanomm.vision import ImageClassifier
from nanomm.tasks import ClassifyTask
from nanomm.resblock_encoder import ResNetConfig, ResNetEncoder
from nanomm.gpt import GPT, GPTConfig

def lm_loss(model, b):
    _, loss = model(b['idx'], b['targets'])
    return loss * b['targets'].numel(), b['targets'].numel(), {}

class Autocast:
    "A stand-in for `Precision` that autocasts to bf16 on the CPU, or does nothing (even without native bf16, to time it)"
    def __init__(self, on): self.on, self.scaler = on, None
    def autocast(self): return torch.autocast('cpu', dtype=torch.bfloat16, enabled=self.on)

def median_step(make, loss_fn, batch, on, n=6):
    torch.manual_seed(0)
    model = make()
    opt, prec, ts = Setup(HardwareConfig('cpu')).optimizer(model.parameters(), 1e-3), Autocast(on), []
    for i in range(n + 2):
        t = time.perf_counter()
        train_step(model, loss_fn, batch, opt, prec)
        if i >= 2: ts.append(time.perf_counter() - t)
    return statistics.median(ts)

img = dict(x=torch.randint(0, 256, (128, 28, 28), dtype=torch.uint8), y=torch.randint(0, 10, (128,)))
txt = dict(idx=torch.randint(0, 65, (16, 128)), targets=torch.randint(0, 65, (16, 128)))
print(f'native bf16: {_native_cpu_bf16()}, {torch.get_num_threads()} threads')
for name, make, loss_fn, b in (('ResNet step, batch 128', lambda: ImageClassifier(ResNetEncoder(ResNetConfig())), ClassifyTask().loss, img),
                               ('GPT text step, 16x128', lambda: GPT(GPTConfig(dropout=0.0)), lm_loss, txt)):
    fp32, bf16 = median_step(make, loss_fn, b, False), median_step(make, loss_fn, b, True)
    print(f'{name}: fp32 {fp32:.3f} s, bf16 {bf16:.3f} s')
