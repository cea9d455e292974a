"""Captioning Fashion-MNIST scenes with pooled against patch image tokens, linear against mlp projector (not part of
the test run).

    python benchmarks/scenes_table.py [--out benchmarks/results/scenes_table.json] [--device cpu] [--threads 2] [--smoke]

Pretrains one scene encoder the `scenes` preset's way (04e: the ResNet of channels 16-32-64-128, 3 epochs of the
per-cell objective `'cells'` on the 20,000 training scenes, batches of 128), measures its per-cell head on the 5,000 test scenes (the
share of filled cells whose class it names: what the encoder knows of single items in their cells), freezes it, and
trains the `scenes` preset's captioner on it once per row: patches or pooled image tokens, linear or mlp projector
(6 epochs of 200 caption batches of 16, captions only, seed 0; `--pretrain-epochs`, `--epochs` and
`--caption-batches` change the budget). Each row is scored on the 5,000 test scenes (the first `--test-scenes` of them) by
`evaluate(...)['scores']` (09: exact scene, per item, class only, unparsed); the validation scenes only validate.
Writes the rows as JSON (read by nbs/09_scenes.ipynb) and prints a markdown table. `--smoke` runs a tiny version on
`fmnist_scenes_small` to check the script (its numbers mean nothing).
"""
import argparse, json, tempfile, time
from pathlib import Path
import torch
from nanomm.data import get_dataset
from nanomm.run import TrainConfig, load_run_data
from nanomm.tokenizer import CharTokenizer
from nanomm.vision import build_encoder, save_encoder
from nanomm.train import pretrain_encoder
from nanomm.train import train
from nanomm.inference import evaluate
from nanomm.tasks import evaluate_images
from machine import device_name, load

ROWS = [('patches', 'linear'), ('pooled', 'linear'), ('patches', 'mlp'), ('pooled', 'mlp')]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default='benchmarks/results/scenes_table.json')
    p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--pretrain-epochs', type=int, default=None, help="the encoder's epochs (the preset's if not given)")
    p.add_argument('--epochs', type=int, default=None, help="the captioner's epochs (the preset's if not given)")
    p.add_argument('--caption-batches', type=int, default=None, help='caption batches per epoch (the preset\'s if not given)')
    p.add_argument('--test-scenes', type=int, default=None, help='score only the first N test scenes (None: all)')
    p.add_argument('--rows', default=','.join(f'{t}-{k}' for t, k in ROWS), help='image tokens-projector pairs')
    p.add_argument('--smoke', action='store_true')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    over = dict(hardware=dict(device=a.device))
    if a.smoke: over.update(data=dict(dataset='fmnist_scenes_small', caption_batches=5, text_batches=5),
                            pretrain=dict(epochs=1), optim=dict(epochs=1))
    budget = dict(pretrain=dict(epochs=a.pretrain_epochs), optim=dict(epochs=a.epochs),
                  data=dict(caption_batches=a.caption_batches))
    for part, d in budget.items():
        for k, v in d.items():
            if v is not None: over.setdefault(part, {})[k] = v
    cfg = TrainConfig.from_preset('scenes', **over)
    ds = get_dataset(cfg.data.dataset)
    tok = CharTokenizer()
    data = load_run_data(cfg, tok)
    test = ds.splits(test=True)
    tmp = Path(tempfile.mkdtemp())
    t0 = time.time()
    torch.manual_seed(cfg.seed)
    clf, hist = pretrain_encoder(build_encoder(cfg.encoder).to(dev), data, cfg.pretrain_config(), cfg.hardware,
                                 progress=True, device=dev, spec=ds.spec, dataset=ds)
    enc_secs = time.time() - t0
    cells = evaluate_images(clf, test['test_x'][:a.test_scenes], test['test_y'][:a.test_scenes], spec=ds.spec, how='cells')
    save_encoder(clf.encoder, tmp/'encoder', hist, ds.spec)
    out = dict(device=device_name(dev), torch=torch.__version__, day=time.strftime('%Y-%m-%d'), load_before=load(),
               dataset=ds.name, smoke=a.smoke,
               test_scenes=len(test['test_y'][:a.test_scenes]),
               encoder=dict(kind=cfg.encoder.kind, channels=list(cfg.encoder.channels), pretrain_epochs=cfg.pretrain.epochs,
                            seconds=round(enc_secs, 1), test_cell_accuracy=cells['acc'], test_item_accuracy=cells['item_acc']),
               captioner=dict(epochs=cfg.optim.epochs, text_batches=cfg.data.text_batches, caption_batches=cfg.data.caption_batches,
                              caption_bs=cfg.data.caption_bs, lm=dict(n_layer=cfg.lm.n_layer, n_embd=cfg.lm.n_embd)),
               rows=[])
    print(f"encoder: per-cell accuracy {cells['acc']:.4f}, filled cells {cells['item_acc']:.4f} (test scenes)", flush=True)
    for tokens, proj in [r.split('-') for r in a.rows.split(',')]:
        run_cfg = cfg.updated(projector=dict(image_tokens=tokens, kind=proj), encoder_dir=str(tmp/'encoder'))
        t0 = time.time()
        model, _ = train(run_cfg, tmp/f'{tokens}-{proj}', data=data, progress=False)
        secs = time.time() - t0
        r = evaluate(model, 'test', run_dir=tmp/f'{tokens}-{proj}', dataset=ds, tok=tok, text=False,
                     n_images=a.test_scenes)
        n = sum(q.numel() for q in model.trainable_parameters())
        row = dict(encoder=f"resnet {'-'.join(map(str, cfg.encoder.channels))}", image_tokens=tokens, projector=proj,
                   trainable_parameters=n, **r['scores'], caption_loss=r['caption_loss'], seconds=round(secs, 1))
        out['rows'].append(row)
        print(json.dumps(row), flush=True)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1) + '\n')
    print('\n| encoder | image tokens | projector | trainable parameters | exact scene | per item | class only | unparsed | seconds (shared CPU) |')
    print('|---|---|---|---|---|---|---|---|---|')
    for r in out['rows']:
        print(f"| {r['encoder']} | {r['image_tokens']} | {r['projector']} | {r['trainable_parameters']:,} | "
              f"{r['exact_scene']:.2%} | {r['per_item']:.2%} | {r['class_only']:.2%} | {r['unparsed']:.2%} | {r['seconds']:.0f} |")

if __name__ == '__main__': main()
