"""What machine a benchmark ran on, in words its results can carry: the CPU's model and what it computes natively."""
import platform
import torch

def cpu_name() -> str:
    "The CPU's model name, family and model, widest vector unit and native bf16, from /proc/cpuinfo where there is one"
    info = {}
    try:
        for line in open('/proc/cpuinfo'):
            k, _, v = line.partition(':')
            info.setdefault(k.strip(), v.strip())
    except OSError: return platform.processor() or platform.machine()
    flags = set(info.get('flags', '').split())
    simd = 'AVX-512' if 'avx512f' in flags else 'AVX2' if 'avx2' in flags else 'no AVX2'
    bf16 = 'native bf16' if flags & {'avx512_bf16', 'amx_bf16'} else 'no native bf16'
    return f"{info.get('model name', platform.machine())} (family {info.get('cpu family')} model {info.get('model')}), {simd}, {bf16}"

def device_name(dev) -> str:
    "The GPU's name, or the CPU's and the number of threads torch uses"
    dev = torch.device(dev)
    if dev.type == 'cuda': return torch.cuda.get_device_name(dev)
    return f'{cpu_name()}, {torch.get_num_threads()} threads'

if __name__ == '__main__': print(device_name('cpu'))
