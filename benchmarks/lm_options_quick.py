"""The language model's options in whole captioning runs: the `quick` preset's budget on one frozen encoder (not part of the test run).

    python benchmarks/lm_options_quick.py [--out DIR] [--device cpu] [--json FILE] [--smoke]

`lm_options.py` trains the text model alone; this trains the captioner. For each option of its table (GPT-2's
defaults, `pos='rope'`, `norm='rmsnorm'`, `mlp='swiglu'`, `n_kv_head=2`, and all four together; positions are
learned unless the option says rope) it runs `nanomm train --preset quick` with that option: 8 epochs of 160 text
batches of 16 windows and 160 caption batches of 64 pictures, no dropout, a cosine schedule. The first run pretrains
the preset's encoder; every later run reads it with `--encoder-dir`, so the rows differ in the GPT alone. Then
`nanomm eval --json` measures each on the 5,000 validation images and the validation 5% of tiny Shakespeare (what a
choice may read), and on the 10,000 test images and the test 5% (measured once, to report). It prints a markdown table:
option, trainable parameters (GPT and projector), text loss and caption accuracy (strict) on validation and on test,
the seconds of the run's stage-2 steps (from its history) and the device. The runs go to a new temporary folder unless
`--out` names one. `--smoke` trains one tiny epoch per row, to check the script (its numbers mean nothing).
"""
import argparse, json, tempfile, time
from pathlib import Path
from machine import device_name, load
from cli_run import SMOKE, nanomm
from lm_options import OPTIONS

def trainable_parameters(run:Path) -> int:
    "The trainable parameters of the run's model: the GPT and the projector (the encoder is frozen)"
    from nanomm.multimodal import load_model
    model, _, _ = load_model(run, 'cpu')
    return sum(p.numel() for p in model.trainable_parameters())

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', default=None, help='where the runs go (default: a new temporary folder)')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--json', default=None, help='also write the results here')
    ap.add_argument('--smoke', action='store_true', help='tiny settings to check the script (numbers mean nothing)')
    a = ap.parse_args()
    out, rows, enc = Path(a.out or tempfile.mkdtemp(prefix='lm_options_quick-')), [], None
    for i, (name, change) in enumerate(OPTIONS):
        run = out/f'option{i}'
        opts = [x for k, v in {'pos': 'learned', **change}.items() for x in (f'--lm.{k.replace("_", "-")}', v)]
        nanomm('train', '--preset', 'quick', '--out', run, '--device', a.device, *opts,
               *(['--encoder-dir', enc] if enc else []), *(SMOKE if a.smoke else []))
        enc = enc or run/'encoder'
        va, ev = (json.loads(nanomm('eval', '--run', run, '--split', s, '--json', '--device', a.device))
                  for s in ('valid', 'test'))
        hist = json.loads((run/'config.json').read_text())['history']
        rows.append(dict(option=name, lm=change, parameters=trainable_parameters(run),
                         text_valid_loss=va['text_valid_loss'], valid_caption_accuracy=va['caption_accuracy'],
                         valid_strict_accuracy=va['strict_accuracy'], text_test_loss=ev['text_test_loss'],
                         caption_accuracy=ev['caption_accuracy'], strict_accuracy=ev['strict_accuracy'],
                         steps_seconds=round(sum(h['seconds'] for h in hist), 1), load_after=load()))
        print(json.dumps(rows[-1]), flush=True)
    res = dict(device=device_name(a.device), day=time.strftime('%Y-%m-%d'), smoke=a.smoke, rows=rows)
    if a.json: Path(a.json).write_text(json.dumps(res, indent=1) + '\n')
    print(f"\n{res['device']}, {res['day']}\n")
    print('| option | trainable parameters | validation: text loss | captions (strict) | test: text loss | captions (strict) '
          '| seconds of steps |')
    print('|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['option']} | {r['parameters']:,} | {r['text_valid_loss']:.3f} | {r['valid_caption_accuracy']:.2%} "
              f"({r['valid_strict_accuracy']:.2%}) | {r['text_test_loss']:.3f} | {r['caption_accuracy']:.2%} "
              f"({r['strict_accuracy']:.2%}) | {r['steps_seconds']:.0f} |")

if __name__ == '__main__': main()
