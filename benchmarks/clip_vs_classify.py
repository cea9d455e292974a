"""Pretraining the encoder as a classifier or as CLIP does, on one small Fashion-MNIST budget (not part of the test run).

    python benchmarks/clip_vs_classify.py [--images 5000] [--epochs 3] [--device cpu] [--threads 2] [--smoke]

For each objective ('classify': the class labels; 'clip': the captions alone, 10_folders) the same small ResNet
(channels 16, 32, 64, 128, seed 0) pretrains on the first `--images` training pictures for `--epochs` epochs (batches
of 128, AdamW, cosine schedule with peak 3e-3, fp32) and validates on 1,000 of the 5,000 held-out training pictures.
Then, with the encoder frozen:
- a linear probe: a logistic regression (L-BFGS, 200 steps, L2 1e-4) on the standardised pooled features of the same
  training pictures, its accuracy on the 10,000 test pictures;
- a captioner: `train()` on captions only (a 2-layer, 64-wide LM, 2 epochs of 80 batches of 64 of the same pictures),
  its caption accuracy (the lenient one of `nanomm eval`) on the first 2,000 test pictures.
Writes benchmarks/results/clip_vs_classify.json (read by nbs/10_folders.ipynb) and prints a markdown table.
`--smoke` runs a sliver of everything, to check the script, and writes nothing.
"""
import argparse, json, platform, tempfile, time
from pathlib import Path
import torch, torch.nn.functional as F
import nanomm.folders  # noqa: F401  registers the 'clip' objective
from nanomm.data import get_dataset
from nanomm.vision import build_encoder, encoder_config, encode_images, save_encoder
from nanomm.tasks import PretrainConfig
from nanomm.train import pretrain_encoder
from nanomm.hardware import HardwareConfig
from nanomm.run import TrainConfig
from nanomm.train import train
from nanomm.inference import evaluate

OUT = Path(__file__).parent/'results'/'clip_vs_classify.json'
CHANNELS = (16, 32, 64, 128)

def probe(enc, train_x, train_y, test_x, test_y, spec, steps:int=200) -> float:
    "Test accuracy of a logistic regression on the frozen encoder's standardised pooled features"
    f_tr = encode_images(enc, train_x, 'pooled', spec=spec)[:, 0].float()
    f_te = encode_images(enc, test_x, 'pooled', spec=spec)[:, 0].float()
    mu, sd = f_tr.mean(0), f_tr.std(0) + 1e-6
    f_tr, f_te = (f_tr - mu) / sd, (f_te - mu) / sd
    W = torch.zeros(f_tr.shape[1], 10, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    opt = torch.optim.LBFGS([W, b], max_iter=steps, line_search_fn='strong_wolfe')
    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(f_tr @ W + b, train_y) + 1e-4 * (W ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    with torch.no_grad(): return ((f_te @ W + b).argmax(1) == test_y).float().mean().item()

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--images', type=int, default=5000)
    p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--smoke', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    n, epochs, n_test = (256, 1, 256) if a.smoke else (a.images, a.epochs, 2000)
    ds = get_dataset('fashion_mnist')
    s = ds.splits('holdout')
    data = dict(train_x=s['train_x'][:n], train_y=s['train_y'][:n], valid_x=s['valid_x'][:1000],
                valid_y=s['valid_y'][:1000])
    hw = HardwareConfig(device=a.device, mixed_precision=False)
    rows = []
    for objective in ('classify', 'clip'):
        t0 = time.perf_counter()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            enc = build_encoder(encoder_config({'kind': 'resnet', 'channels': CHANNELS}, ds.spec))
        recipe = PretrainConfig(epochs=epochs, bs=128, lr=3e-3, schedule='cosine', objective=objective)
        model, hist = pretrain_encoder(enc, data, recipe, hw, progress=False, spec=ds.spec, dataset=ds)
        pre_secs = time.perf_counter() - t0
        acc = probe(model.encoder, data['train_x'], data['train_y'], s['test_x'], s['test_y'], ds.spec)
        with tempfile.TemporaryDirectory() as d:
            save_encoder(model.encoder, Path(d)/'encoder', hist, ds.spec)
            cfg = TrainConfig.from_preset('quick', encoder=dict(channels=CHANNELS), encoder_dir=str(Path(d)/'encoder'),
                                          lm=dict(n_layer=2, n_head=2, n_embd=64, block_size=48),
                                          data=dict(tasks=('caption',), caption_bs=64, caption_batches=8 if a.smoke else 80,
                                                    train_images=n),
                                          optim=dict(epochs=1 if a.smoke else 2, lr=3e-3),
                                          hardware=dict(device=a.device, mixed_precision=False))
            t1 = time.perf_counter()
            captioner, _ = train(cfg, Path(d)/'run', progress=False)
            cap_secs = time.perf_counter() - t1
            r = evaluate(captioner, 'test', run_dir=Path(d)/'run', n_images=n_test, dataset=ds, text=False)
        rows.append(dict(objective=objective, pretrain_valid_acc=hist[-1]['valid_acc'], probe_test_acc=acc,
                         caption_accuracy=r['caption_accuracy'], strict_accuracy=r['strict_accuracy'],
                         exact_match=r['exact_match'], caption_loss=r['caption_loss'],
                         pretrain_seconds=round(pre_secs), caption_seconds=round(cap_secs)))
        print(rows[-1], flush=True)
    print('\n| pretraining | encoder linear probe (test) | caption accuracy (test, 2,000) |\n|---|---|---|')
    for r in rows: print(f"| {r['objective']} | {r['probe_test_acc']:.2%} | {r['caption_accuracy']:.2%} |")
    if a.smoke: return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(dict(images=n, epochs=epochs, channels=CHANNELS, test_images_caption=n_test,
                                   device=a.device, threads=a.threads, torch=torch.__version__,
                                   machine=platform.processor() or platform.machine(),
                                   note='seconds measured on a shared CPU', rows=rows), indent=1) + '\n')

if __name__ == '__main__': main()
