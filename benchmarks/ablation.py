"""From the blog's recipe to the `best` preset, one lever at a time, measured on the validation set (not part of the test run).

    python benchmarks/ablation.py encoder [--device cuda] [--out DIR]
    python benchmarks/ablation.py gpt --encoder ENCODER_DIR [--device cuda] [--out DIR]

`encoder`: pretrains the blog's ResNet with the blog's recipe, then adds the levers one after another (a cosine schedule
with a higher peak and twice the epochs, shifts and flips, random erasing, label smoothing with weight decay), and
prints a JSON line per step: accuracy and loss on the 5,000 held-out validation images, and seconds of training.
`gpt`: trains the captioner (text and captions) on the frozen encoder in ENCODER_DIR with the blog's stage-2 recipe,
then adds its levers (a cosine schedule with a higher peak, random text windows, more epochs, weight decay), and prints the validation text and caption losses of each step. The test data is never read.
`--smoke` shrinks everything to check the script in seconds.
"""
import argparse, json, time
from dataclasses import replace, asdict
from pathlib import Path
import torch
from nanomm.core import get_device
from nanomm.data import image_splits
from nanomm.tasks import PretrainConfig
from nanomm.train import pretrain_encoder
from nanomm.resblock_encoder import ResNetConfig, ResNetEncoder
from nanomm.train import TrainConfig, train

ENCODER_STEPS = [   # (lever, changes to the recipe so far)
    ('blog recipe: Adam 1e-3, 15 epochs', {}),
    ('+ cosine schedule, peak 2e-3, 40 epochs', dict(schedule='cosine', lr=2e-3, epochs=40)),
    ('+ shifts and flips', dict(augment=True)),
    ('+ random erasing (p=0.5)', dict(erase=0.5)),
    ('+ label smoothing 0.1, weight decay 0.05', dict(label_smoothing=0.1, weight_decay=0.05)),
]
GPT_STEPS = [
    ('blog recipe: Adam 1e-3, 30 epochs, chunks, dropout 0.1', {}),
    ('+ cosine schedule, peak 2e-3', dict(optim=dict(schedule='cosine', lr=2e-3))),
    ('+ random text windows', dict(data=dict(text_mode='random'))),
    ('+ 80 epochs', dict(optim=dict(epochs=80))),
    ('+ weight decay 0.1', dict(optim=dict(weight_decay=0.1))),
]

def encoder_ablation(dev, out, smoke):
    s = image_splits('holdout')
    if smoke: s = dict(train_x=s['train_x'][:512], train_y=s['train_y'][:512], valid_x=s['valid_x'][:256], valid_y=s['valid_y'][:256])
    recipe, arch = PretrainConfig(), ResNetConfig(channels=(8, 8, 8, 8) if smoke else (64, 128, 256, 512))
    for lever, change in ENCODER_STEPS:
        recipe = replace(recipe, **change)
        run = replace(recipe, epochs=1) if smoke else recipe
        torch.manual_seed(0)
        t = time.time()
        _, hist = pretrain_encoder(ResNetEncoder(arch).to(dev), s, run, device=dev, progress=False)
        print(json.dumps(dict(part='encoder', lever=lever, valid_acc=hist[-1]['valid_acc'], valid_loss=hist[-1]['valid_loss'],
                              best_valid_acc=max(h['valid_acc'] for h in hist), seconds=round(time.time() - t, 1),
                              recipe=asdict(run))), flush=True)

def gpt_ablation(dev, out, encoder, smoke):
    cfg = TrainConfig(preset='ablation', encoder_dir=encoder, hardware=dict(device=str(dev)))
    if smoke: cfg = cfg.updated(encoder=dict(channels=(8, 8, 8, 8)), optim=dict(epochs=1),
                                data=dict(text_batches=2, caption_batches=2, train_images=512))
    for i, (lever, change) in enumerate(GPT_STEPS):
        cfg = cfg.updated(**change)
        run = cfg.updated(optim=dict(epochs=1)) if smoke else cfg
        t = time.time()
        _, hist = train(run, Path(out)/f'gpt-{i}', progress=False)
        h = hist[-1]
        print(json.dumps(dict(part='gpt', lever=lever, valid_text_loss=h['valid_text_loss'],
                              valid_caption_loss=h['valid_caption_loss'], best_valid_text_loss=min(e['valid_text_loss'] for e in hist),
                              seconds=round(time.time() - t, 1), changes=change)), flush=True)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('part', choices=['encoder', 'gpt'])
    p.add_argument('--encoder', default=None, help='a pretrained encoder folder (for gpt)')
    p.add_argument('--device', default=None)
    p.add_argument('--out', default='runs/ablation')
    p.add_argument('--smoke', action='store_true')
    a = p.parse_args()
    dev = get_device(a.device)
    if a.part == 'encoder': encoder_ablation(dev, a.out, a.smoke)
    else: gpt_ablation(dev, a.out, a.encoder, a.smoke)

if __name__ == '__main__': main()
