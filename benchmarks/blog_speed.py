"""nanomm against the blog's own code on this CPU: the blog configuration's training steps side by side (not part of the test run).

    git clone https://github.com/tripathysagar/NanoTransformer /tmp/NanoTransformer
    git -C /tmp/NanoTransformer checkout 05088cb   # the blog's code (later commits rename a layer that forward still calls)
    python benchmarks/blog_speed.py --reference /tmp/NanoTransformer [--repeats 10] [--out FILE]

The reference is run as its author wrote it, imported from the clone and never edited or copied: its `MultiModal` model
(its GPT, its ResNet frozen, its projector), its data loaders' batches (64 windows of 128 characters; 512 Fashion-MNIST
pictures with their padded captions), and the step of its training loop `multi_modal_train`: zero the gradients, its
model and `cal_loss` under `torch.autocast`, backward, clip the gradients at 1, AdamW step, `loss.item()`. At import its
modules download tiny Shakespeare and Fashion-MNIST into `../static`; this script runs them in a scratch folder whose
`static/` already holds nanomm's copies (from `NANOMM_DATA` or nanomm's cache), and turns fastcore's `urlsave` into a
no-op for files already there, so nothing is fetched.

Its loop autocasts to float16 on a CPU (its `multiConfig.dtype`); bf16 and plain fp32 are also tried, two steps each, and
the fastest is taken as its best path on this CPU. Then its best path and nanomm's steps (`train_step` of the blog
configuration in fp32, in `cpu_speed.py`'s three variants: attention dropout on the weights, nanoGPT's placement; on
each head's output, the blog's, with PyTorch's `nn.Dropout`; and the same with nanomm's `Dropout`; a caption step reads
the frozen encoder's features, which a nanomm run computes once) are timed interleaved step by step, `--repeats` times
after a warm-up, in one process. It prints one JSON line: the CPU, medians in ms and the ratios reference / nanomm.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import torch
from nanomm.data import get_shakespeare, find_file, read_verified, FMNIST_FILES, FMNIST_IDX_MD5, split_text
from nanomm.tokenizer import CharTokenizer
from nanomm.tasks import TextTask, CaptionTask, task_loss

batch_loss = task_loss([TextTask(), CaptionTask()])   # a text or caption batch's loss, by its `task`
from nanomm.loop import train_step
from cpu_speed import blog_steps   # nanomm's side: the same models and batches as the placements' table
from machine import cpu_name, load

DTYPES = dict(fp32=None, bf16=torch.bfloat16, fp16=torch.float16)   # autocast to these (None: off)
MODULES = ('NanoTransformer.data', 'NanoTransformer.GPTText2Text', 'NanoTransformer.ImageEncoder', 'NanoTransformer.MultiModal')

def stage_data(scratch:Path):
    "`scratch/static` as the reference's modules expect it, filled from nanomm's data; returns the folder to run in"
    static = scratch/'static'; raw = static/'FashionMNIST'/'raw'
    raw.mkdir(parents=True)
    (static/'input.txt').write_bytes(get_shakespeare().encode('utf-8'))
    for name in (*FMNIST_FILES['train'], *FMNIST_FILES['test']):   # torchvision looks for the unzipped files
        f = find_file(name, ('fashion_mnist', 'fashion-mnist'), FMNIST_IDX_MD5[name], debian=True)
        (raw/name.removesuffix('.gz')).write_bytes(read_verified(f, FMNIST_IDX_MD5[name]))
    (scratch/'nbs').mkdir()
    return scratch/'nbs'                                             # its `path = Path('../static')`

def import_reference(repo:Path, scratch:Path):
    "The reference's modules, imported from `repo` in `scratch` with nothing downloaded"
    if not (repo/'NanoTransformer'/'MultiModal.py').exists():
        sys.exit(f'error: {repo} is not a clone of tripathysagar/NanoTransformer (no NanoTransformer/MultiModal.py)')
    import fastcore.all, fastcore.net
    def urlsave(url, dest='.', **kw):                                # its data module calls it at import
        p = Path(dest)/url.split('/')[-1]
        if not p.exists(): raise FileNotFoundError(f'{p} is missing and this benchmark downloads nothing')
        return p
    fastcore.net.urlsave = fastcore.all.urlsave = urlsave
    cwd = os.getcwd(); os.chdir(stage_data(scratch)); sys.path.insert(0, str(repo))
    try:
        import importlib
        mods = [importlib.import_module(m) for m in MODULES]
    finally: os.chdir(cwd)
    mm = mods[-1]
    model = mm.MultiModal()
    try: model(torch.zeros(1, 4, dtype=torch.long))
    except AttributeError as e:
        sys.exit(f'error: the reference at {repo} does not run ({e}); check out commit 05088cb, the blog\'s code')
    return mm, model

def ref_step(mm, model, opt, batch, dtype):
    "One step of the reference's `multi_modal_train` loop, as it runs it, with autocast to `dtype` (None: fp32)"
    x, y, ims = batch
    opt.zero_grad()
    with torch.autocast('cpu', dtype=dtype or torch.bfloat16, enabled=dtype is not None):
        loss = mm.cal_loss(mm.pred(model, x, ims), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), mm.gptConfig.max_grad_norm)
    opt.step()
    return loss.item()

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--reference', required=True, type=Path, help='a clone of tripathysagar/NanoTransformer at 05088cb')
    p.add_argument('--repeats', type=int, default=10)
    p.add_argument('--out', default=None, help='also write the JSON here')
    a = p.parse_args()
    res = dict(cpu=cpu_name(), torch=torch.__version__, threads=torch.get_num_threads(), day=time.strftime('%Y-%m-%d'),
               repeats=a.repeats, load_before=load())
    with tempfile.TemporaryDirectory() as scratch:
        mm, ref = import_reference(a.reference.resolve(), Path(scratch))
        res['reference_commit'] = _commit(a.reference)
        ref.train()
        ref_opt = torch.optim.AdamW(ref.parameters(), lr=mm.multiConfig.lr)   # as its loop builds it
        x, y = next(iter(mm.text_dl['train']))
        ims, cx, cy = next(iter(mm.vision_dl['train']))
        ref_batches = dict(text=(x, y, None), caption=(cx, cy, ims))
        # its best path on this CPU: two steps of each precision, the fastest per kind
        for kind, b in ref_batches.items():
            for name, dtype in DTYPES.items():
                ts = []
                for _ in range(2):
                    t = time.perf_counter(); ref_step(mm, ref, ref_opt, b, dtype); ts.append(time.perf_counter() - t)
                res[f'reference_{kind}_probe_ms_{name}'] = round(1000 * min(ts), 1)
        best = {kind: min(DTYPES, key=lambda n: res[f'reference_{kind}_probe_ms_{n}']) for kind in ref_batches}
        res.update({f'reference_{kind}_best': n for kind, n in best.items()})

        su, models, opts, our_batches = blog_steps(split_text(torch.tensor(CharTokenizer().encode(get_shakespeare())))[0])
        ts = {}
        for i in range(a.repeats + 2):                               # two warm-up rounds, then interleaved
            for kind in ref_batches:
                t = time.perf_counter(); ref_step(mm, ref, ref_opt, ref_batches[kind], DTYPES[best[kind]])
                if i >= 2: ts.setdefault(('reference', kind), []).append(time.perf_counter() - t)
                for at, m in models.items():
                    t = time.perf_counter(); train_step(m, batch_loss, our_batches[kind], opts[at], su.precision, 1.0)
                    if i >= 2: ts.setdefault((at, kind), []).append(time.perf_counter() - t)
    res['load_after'] = load()
    for (who, kind), v in ts.items(): res[f'{kind}_step_ms_{who}'] = round(1000 * statistics.median(v), 1)
    for kind in ref_batches:
        for at in models: res[f'{kind}_reference_over_{at}'] = round(res[f'{kind}_step_ms_reference'] / res[f'{kind}_step_ms_{at}'], 2)
    print(json.dumps(res))
    if a.out: open(a.out, 'w').write(json.dumps(res, indent=1) + '\n')

def _commit(repo) -> str:
    return subprocess.run(['git', '-C', str(repo), 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()

if __name__ == '__main__': main()
