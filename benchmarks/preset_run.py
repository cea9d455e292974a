"""A preset end to end as a user runs it: seconds by stage, memory epoch by epoch, test metrics (not part of the tests).

    python benchmarks/preset_run.py quick [scenes audio ...] [--out DIR] [--device cpu] [--json FILE] [--smoke]

For each preset it runs `nanomm train --preset P --out OUT/P` in a process of its own (start-up included) and samples
that process's resident memory (VmRSS in /proc, every 0.2 s) while it runs: the peak, and the memory when each epoch's
line is printed, so growth from epoch to epoch shows. The epoch lines also split the wall time into start-up and
stage 1 (the encoder's pretraining, up to the 'stage 2' line) and stage 2 (the captioner, to the exit). Then
`nanomm eval --run OUT/P --split test --json` measures the run on its test data. It prints one JSON line per preset
and a markdown table. OUT is a new temporary folder unless `--out` names one (where no run of the preset may be yet).
"""
import argparse, json, os, subprocess, tempfile, threading, time
from pathlib import Path
from machine import device_name, load
from cli_run import CLI, SMOKE, nanomm

def _rss_mib(pid:int) -> float|None:
    "The resident memory of process `pid` in MiB (None once it has gone)"
    try:
        for line in open(f'/proc/{pid}/status'):
            if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024
    except OSError: return None

def train_watched(preset:str, run:Path, device:str, extra:list=()) -> dict:
    "Run `nanomm train` for `preset` (and `extra` options): seconds by stage, peak memory, memory after epochs (MiB)"
    t0 = time.perf_counter()
    p = subprocess.Popen([*CLI, 'train', '--preset', preset, '--out', str(run), '--device', device, *extra],
                         stdout=subprocess.PIPE, text=True, env={**os.environ, 'PYTHONUNBUFFERED': '1'})
    samples = []
    def sample():
        while p.poll() is None:
            if (m := _rss_mib(p.pid)) is not None: samples.append(m)
            time.sleep(0.2)
    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    stage, marks, epochs = 1, {}, {1: [], 2: []}
    for line in p.stdout:
        now = time.perf_counter() - t0
        if line.startswith('stage 1'): marks['stage1'] = now
        elif line.startswith('stage 2'): stage, marks['stage2'] = 2, now
        elif line.startswith('epoch '): epochs[stage].append(round(_rss_mib(p.pid) or 0))
    if p.wait(): raise SystemExit(f'nanomm train --preset {preset} failed ({p.returncode})')
    watcher.join()
    total = time.perf_counter() - t0
    s1, s2 = marks.get('stage1'), marks.get('stage2')               # None: the run printed no such line
    r1 = lambda v: None if v is None else round(v, 1)
    both = s1 is not None and s2 is not None
    return dict(seconds=r1(total), startup_s=r1(s1), stage1_s=r1(s2 - s1 if both else None),
                stage2_s=r1(total - s2 if s2 is not None else None), peak_rss_mib=round(max(samples, default=0)),
                rss_mib_after_encoder_epochs=epochs[1], rss_mib_after_epochs=epochs[2])

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('presets', nargs='+')
    ap.add_argument('--out', default=None, help='where the runs go (default: a new temporary folder)')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--json', default=None, help='also write the results here')
    ap.add_argument('--smoke', action='store_true', help='tiny settings to check the script (numbers mean nothing)')
    a = ap.parse_args()
    rows, out = [], Path(a.out or tempfile.mkdtemp(prefix='preset_run-'))
    for preset in a.presets:
        run, before = out/preset, load()
        r = dict(preset=preset, day=time.strftime('%Y-%m-%d'), load_before=before,
                 **train_watched(preset, run, a.device, SMOKE if a.smoke else []), load_after=load())
        ev = json.loads(nanomm('eval', '--run', run, '--split', 'test', '--json', '--device', a.device))
        keys = ('caption_accuracy', 'strict_accuracy', 'encoder_accuracy', 'text_test_loss', 'exact_match', 'scores')
        r.update({k: ev.get(k) for k in keys})
        rows.append(r)
        print(json.dumps(r), flush=True)
    res = dict(device=device_name(a.device), smoke=a.smoke, rows=rows)
    if a.json: Path(a.json).write_text(json.dumps(res, indent=1) + '\n')
    print(f"\n{res['device']}\n")
    fmt = lambda v, spec: 'n/a' if v is None else format(v, spec)
    pct, sec = lambda v: fmt(v, '.2%'), lambda v: fmt(v, '.0f')
    print('| preset | seconds (start-up / stage 1 / stage 2) | peak memory | memory after stage-2 epochs | '
          'captions (strict) | text test loss |')
    print('|---|---|---|---|---|---|')
    for r in rows:
        m = r['rss_mib_after_epochs']
        print(f"| `{r['preset']}` | {sec(r['seconds'])} ({sec(r['startup_s'])} / {sec(r['stage1_s'])} / "
              f"{sec(r['stage2_s'])}) | {r['peak_rss_mib']:,} MiB | {', '.join(map(str, m))} MiB | "
              f"{pct(r['caption_accuracy'])} ({pct(r['strict_accuracy'])}) | {fmt(r['text_test_loss'], '.3f')} |")

if __name__ == '__main__': main()
