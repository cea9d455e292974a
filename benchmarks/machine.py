"""What machine a benchmark ran on, in words its results can carry: the CPU's model and what it computes natively."""
import os, platform
import torch
from nanomm.precision import _native_cpu_bf16   # what decides whether nanomm uses bf16 on a CPU

def cpu_name() -> str:
    "The CPU's model name (with family and model where /proc/cpuinfo gives them), vector unit and native bf16"
    info = {}
    try:
        for line in open('/proc/cpuinfo'):
            k, _, v = line.partition(':')
            info.setdefault(k.strip(), v.strip())
    except OSError: pass
    name = info.get('model name') or platform.processor() or platform.machine()
    if 'cpu family' in info: name += f" (family {info['cpu family']} model {info.get('model')})"
    flags = set(info.get('flags', '').split())
    simd = ['AVX-512'] if 'avx512f' in flags else ['AVX2'] if 'avx2' in flags else []
    return ', '.join([name, *simd, 'native bf16' if _native_cpu_bf16() else 'no native bf16'])

def device_name(dev) -> str:
    "The GPU's name, or the CPU's and the number of threads torch uses"
    dev = torch.device(dev)
    if dev.type == 'cuda': return torch.cuda.get_device_name(dev)
    return f'{cpu_name()}, {torch.get_num_threads()} threads'

def load() -> float|None:
    "The machine's load average over the last minute (None where the OS does not say): other work running shows here"
    try: return round(os.getloadavg()[0], 2)
    except OSError: return None

if __name__ == '__main__': print(device_name('cpu'), f'load {load()}')
