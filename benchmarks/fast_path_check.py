"""On a GPU: does the fast path (fused AdamW, CUDA graphs) give the plain path's results, and does a run killed and
resumed on it end bit-identical to an unbroken one? (Not part of the test run; the CPU tests cover the plain path.)

    python benchmarks/fast_path_check.py [--device cuda]

Prints a JSON line after each part (the last has everything): the largest difference between the plain and fast paths' per-epoch losses and final weights
after a few epochs of the blog-sized model (bf16, dropout on, same seed), and, for each path, whether a run crashed in
its second epoch and resumed ends with exactly the weights of the unbroken run (and whether two unbroken runs agree at
all: GPU kernels that add up in a varying order make a path not repeatable). The runs share one pretrained encoder.
"""
import argparse, json, tempfile
from pathlib import Path
import torch
from nanomm.core import get_device
from nanomm.data import TextBatches, CaptionBatches, image_splits, get_shakespeare, split_text
from nanomm.tokenizer import CharTokenizer
from nanomm.hardware import HardwareConfig, Setup
from nanomm.resblock_encoder import ResNetConfig, ResNetEncoder
from nanomm.gpt import GPT, GPTConfig
from nanomm.multimodal import MultiModal
from nanomm.loop import OnEpoch
from nanomm.tasks import TextTask, CaptionTask, TaskBatches, task_loss
from nanomm.vision import save_encoder
from nanomm.tasks import PretrainConfig
from nanomm.train import TrainConfig, train, pretrain_encoder

def curves(dev, fast, text_ids, steps=40, epochs=3):
    "Per-epoch mean losses and final weights of a few epochs on the given path"
    torch.manual_seed(0)
    model = MultiModal(ResNetEncoder(ResNetConfig()), GPT(GPTConfig())).to(dev)
    g = torch.Generator().manual_seed(0)
    feats, labels = torch.randn(20_000, 1, 512, generator=g).to(dev), (torch.arange(20_000) % 10).to(dev)
    text, caps = TextBatches(text_ids.to(dev), 64, 128, seed=0), CaptionBatches(feats, labels, 512, seed=0)
    su = Setup(HardwareConfig(str(dev), fast=fast))
    opt = su.optimizer(model.trainable_parameters(), 1e-3)
    out = []
    tasks = [TextTask(text, max_batches=steps // 2), CaptionTask(caps, max_batches=steps // 2)]
    su.fit(model, opt, task_loss(tasks), lambda e: TaskBatches(tasks, e), epochs, grad_clip=1.0, progress=False,
           cbs=[OnEpoch(lambda e, t, s: out.append(t['text_loss'] / t['text_n']))])
    return out, {k: v.float() for k, v in model.state_dict().items()}

def resumes_exactly(dev, fast, data, encoder):
    "Whether two unbroken runs agree, and whether a run crashed in its second epoch and resumed ends as the unbroken one"
    cfg = TrainConfig(preset='check', encoder=dict(channels=(16, 32, 64, 128)), encoder_dir=str(encoder),
                      optim=dict(epochs=3, schedule='cosine'), data=dict(text_batches=6, caption_batches=6),
                      hardware=dict(device=str(dev), fast=fast))
    d = Path(tempfile.mkdtemp())
    a, _ = train(cfg, d/'a', data=data, progress=False)
    a2, _ = train(cfg, d/'a2', data=data, progress=False)
    class Crash(Exception): pass
    def crash(epoch, step):
        if (epoch, step) == (1, 7): raise Crash()
    try: train(cfg, d/'b', data=data, progress=False, on_step=crash)
    except Crash: pass
    b, _ = train(cfg, d/'b', resume=True, data=data, progress=False)
    same = lambda m: all(torch.equal(v, m.state_dict()[k]) for k, v in a.state_dict().items())
    return dict(repeatable=same(a2), resumed_exact=same(b))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default=None)
    p.add_argument('--skip-curves', action='store_true')
    a = p.parse_args()
    dev = get_device(a.device)
    ids = torch.tensor(CharTokenizer().encode(get_shakespeare()))
    text_train = split_text(ids)[0]
    res = dict(device=str(dev), name=torch.cuda.get_device_name(dev) if dev.type == 'cuda' else 'cpu')
    try:
        if a.skip_curves: raise RuntimeError('skipped')
        (lp, wp), (lf, wf) = curves(dev, False, text_train), curves(dev, True, text_train)
        res.update(plain_losses=lp, fast_losses=lf, max_loss_diff=max(abs(x - y) for x, y in zip(lp, lf)),
                   max_weight_diff=max((wp[k] - wf[k]).abs().max().item() for k in wp))
    except Exception as e: res['curves_error'] = f'{type(e).__name__}: {e}'
    print(json.dumps(res), flush=True)                     # a line per part, in case a later one runs out of time
    s = image_splits('holdout')
    data = dict(text_train=text_train[:200_000], text_valid=split_text(ids)[1], train_x=s['train_x'][:4096],
                train_y=s['train_y'][:4096], caption_x=s['train_x'][:4096], caption_y=s['train_y'][:4096],
                valid_x=s['valid_x'][:1024], valid_y=s['valid_y'][:1024])
    enc = Path(tempfile.mkdtemp())/'encoder'              # one pretrained encoder for all the runs below
    torch.manual_seed(0)
    clf, _ = pretrain_encoder(ResNetEncoder(ResNetConfig(channels=(16, 32, 64, 128))).to(dev), data,
                              PretrainConfig(epochs=1), device=dev, progress=False)
    save_encoder(clf, enc)
    for fast in (False, True):
        name = f'resume_{"fast" if fast else "plain"}'
        try: res[name] = resumes_exactly(dev, fast, data, enc)
        except Exception as e: res[name] = f'{type(e).__name__}: {e}'
        print(json.dumps(res), flush=True)

if __name__ == '__main__': main()
