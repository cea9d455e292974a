"""What adding a sense costs or buys: the `quick` preset (text + clothing) against `senses` (text + clothing + spoken
digits, one GPT) at the same budget (not part of the test run).

    python benchmarks/senses_table.py [--out runs/senses_table] [--device cpu] [--presets quick senses] [--smoke]

Trains each preset with `nanomm train --preset P` (seed 0) in its own process, one after the other, then measures it
with `nanomm eval --split test --json` on data no run trained or validated on: the 10,000 Fashion-MNIST test images,
the test 5% of tiny Shakespeare and, for a run that hears, the 300 official FSDD test recordings. Both presets give
text and clothing the same batches (160 of each per epoch, 8 epochs); `senses` adds 150 batches of 16 recordings per
epoch and pretrains a second encoder. It prints a markdown table (and writes `results.json` under `--out`): preset,
tasks, clothing caption accuracy (lenient and strict), encoder accuracy, text test loss, digit caption and encoder
accuracy, the seconds of `nanomm train` and the device. `--smoke` trains one epoch on tiny settings, to check the script.
"""
import argparse, json, time
from pathlib import Path
from cli_run import SMOKE, nanomm
from machine import device_name

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default='runs/senses_table')
    p.add_argument('--device', default='cpu')
    p.add_argument('--presets', nargs='+', default=['quick', 'senses'])
    p.add_argument('--smoke', action='store_true')
    a = p.parse_args()
    rows, out = [], Path(a.out)
    for preset in a.presets:
        run = out/preset
        t = time.perf_counter()
        nanomm('train', '--preset', preset, '--out', run, '--device', a.device, *(SMOKE if a.smoke else []))
        secs = time.perf_counter() - t
        r = json.loads(nanomm('eval', '--run', run, '--split', 'test', '--json', '--device', a.device))
        ear = r.get('senses', {}).get('fsdd', {})
        rows.append(dict(preset=preset, seconds=round(secs, 1), caption_accuracy=r['caption_accuracy'],
                         strict_accuracy=r['strict_accuracy'], encoder_accuracy=r['encoder_accuracy'],
                         text_test_loss=r['text_test_loss'], digit_caption_accuracy=ear.get('caption_accuracy'),
                         digit_encoder_accuracy=ear.get('encoder_accuracy'), digit_samples=ear.get('n_images')))
        print(json.dumps(rows[-1]), flush=True)
    dev = device_name(a.device)                       # the CPU's model and threads, or the GPU's name
    res = dict(device=dev, day=time.strftime('%Y-%m-%d'), smoke=a.smoke, rows=rows)
    (out/'results.json').write_text(json.dumps(res, indent=1))
    pct = lambda v: 'n/a' if v is None else f'{v:.2%}'
    print('| preset | tasks | clothing captions (strict) | clothing encoder | text test loss | digit captions | '
          'digit encoder | train seconds |')
    print('|---|---|---|---|---|---|---|---|')
    for r in rows:
        tasks = 'text, clothing' + (', digits' if r['digit_samples'] else '')
        print(f"| `{r['preset']}` | {tasks} | {pct(r['caption_accuracy'])} ({pct(r['strict_accuracy'])}) | "
              f"{pct(r['encoder_accuracy'])} | {r['text_test_loss']:.3f} | {pct(r['digit_caption_accuracy'])} | "
              f"{pct(r['digit_encoder_accuracy'])} | {r['seconds']:.0f} |")
    print(f'device: {dev}')

if __name__ == '__main__': main()
