"""The `quick` preset's encoder pretraining, one lever at a time, on the validation set (the test data is never read).

    python benchmarks/quick_encoder.py [--levers NAME ...] [--json FILE] [--smoke]

Pretrains quick's ResNet with quick's recipe (`TrainConfig.from_preset('quick')`, the run's seed) without its label
smoothing (the row `none`), then with each lever on top of that (`label_smoothing` is the preset as it is), and prints a
JSON line per row: the accuracy and loss on the 5,000 held-out validation images after the last epoch, and the seconds
of training (validation included) on this machine. Time it alone: on 2 cores a second process slows both. `--json`
also writes the rows, the machine and the command to FILE. `--smoke` shrinks everything to check the script in seconds.
"""
import argparse, json, shlex, sys, time
from pathlib import Path
from dataclasses import replace, asdict
import torch
from nanomm.data import image_splits
from nanomm.run import TrainConfig
from nanomm.vision import build_encoder
from nanomm.train import pretrain_encoder
from machine import device_name, load

LEVERS = {   # name -> changes to quick's pretraining recipe without smoothing
    'none': {},
    'label_smoothing': dict(label_smoothing=0.1),
    'shifts_flips': dict(augment=True),
    'erase': dict(erase=0.25),
    'shifts_flips+label_smoothing': dict(augment=True, label_smoothing=0.1),
    'label_smoothing+weight_decay': dict(label_smoothing=0.1, weight_decay=0.05),
    'label_smoothing+4_epochs': dict(label_smoothing=0.1, epochs=4),
}

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--levers', nargs='+', choices=list(LEVERS), default=list(LEVERS))
    p.add_argument('--json', help='also write the rows to this file')
    p.add_argument('--smoke', action='store_true')
    a = p.parse_args()
    cfg = TrainConfig.from_preset('quick')
    s = image_splits('holdout')
    if a.smoke:
        cfg = cfg.updated(encoder=dict(channels=(8, 8, 8, 8)), pretrain=dict(epochs=1))
        s = {k: v[:256] for k, v in s.items()}
    rows = []
    for name in a.levers:
        recipe = replace(cfg.pretrain_config(), **{'label_smoothing': 0., **LEVERS[name]})
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(cfg.seed)
            enc = build_encoder(cfg.encoder)
        t = time.time()
        _, hist = pretrain_encoder(enc, s, recipe, progress=False, device='cpu')
        rows.append(dict(lever=name, valid_acc=hist[-1]['valid_acc'], valid_loss=round(hist[-1]['valid_loss'], 4),
                         seconds=round(time.time() - t, 1), load=load(), recipe=asdict(recipe)))
        print(json.dumps(rows[-1]), flush=True)
    if a.json:
        out = dict(device=device_name('cpu'), day=time.strftime('%Y-%m-%d'), smoke=a.smoke,
                   encoder=asdict(cfg.encoder), command=shlex.join(['python', *sys.argv]), rows=rows)
        Path(a.json).write_text(json.dumps(out, indent=1))

if __name__ == '__main__': main()
