"""Where the start-up time of the `nanomm` command goes (not part of the test run).

    python benchmarks/cli_startup.py [--run RUN] [--repeat 5] [--src DIR] [--label NAME] [--out FILE.json]

Runs each command `--repeat` times in a fresh process, as `python -m nanomm.cli ...` (what the `nanomm` script runs):
`--help`, `train --help`, an argument error (`train --optim.epochs x`) and `caption PICTURE --run RUN`, where PICTURE
is a 28x28 PNG it draws and RUN a tiny run it trains first in a temporary folder (1 layer of 16, one epoch of 2 text
and 2 caption batches, no encoder pretraining) unless --run names one. For each it reports the median wall time and
the median peak resident memory (the child's own `ru_maxrss`). It then breaks one caption down, `--repeat` times in
fresh processes, median per phase, in the command's order: starting Python (`python -c pass`), importing `nanomm.cli`,
parsing the arguments, importing torch, importing the other nanomm modules the command uses, reading the run's
settings, reading the picture, loading the model, captioning, flagging blank or unfamiliar pictures, printing, and
what is left; and lists the slowest imports of one caption (`python -X importtime`). Prints one JSON line and writes
it to --out. `--src DIR` measures the nanomm in the folder DIR (another checkout, e.g. `git archive COMMIT | tar -x -C
DIR`) instead of this one; every process runs in a temporary folder, so that the current folder's nanomm is not the
one imported. The caches are a temporary folder ($NANOMM_CACHE), so your runs and your last run are not touched; the
data comes from $NANOMM_DATA or the cache.
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY = ['--device', 'cpu', '--lm.n-layer', '1', '--lm.n-head', '2', '--lm.n-embd', '16', '--lm.block-size', '32',
        '--encoder.channels', '8,8,8,8', '--pretrain.epochs', '0', '--optim.epochs', '1', '--data.text-batches', '2',
        '--data.caption-batches', '2', '--data.train-images', '256', '--data.text-bs', '4', '--data.caption-bs', '8',
        '--no-hardware.mixed-precision']

# one caption, phase by phase: the command's own functions, wrapped in timers (run in a fresh process)
DRIVER = r'''
import time
t = [time.perf_counter()]
import builtins, functools, json, sys
out, modules, argv = sys.argv[1], sys.argv[2].split(','), sys.argv[3:]
T = {}
def lap(name):
    now = time.perf_counter()
    T[name] = T.get(name, 0.) + now - t[0]
    t[0] = now
import nanomm.cli as cli
lap('import_cli')
a = (getattr(cli, 'load_parser', None) or cli.make_parser)().parse_args(argv)
lap('parse')
import torch
lap('import_torch')
import importlib
for m in modules: importlib.import_module(m)
lap('import_nanomm')
import nanomm.multimodal as mm, nanomm.inference as inf
def timed(mod, name, phase):
    f = getattr(mod, name, None) or getattr(builtins, name)
    @functools.wraps(f)
    def g(*a, **kw):
        lap('other')
        try: return f(*a, **kw)
        finally: lap(phase)
    setattr(mod, name, g)
    if mod is not cli and getattr(cli, name, None) is f: setattr(cli, name, g)   # a cli that imported it by name
for mod, name, phase in [(cli, '_run_dataset', 'read_settings'), (cli, 'open_pictures', 'read_picture'),
                         (cli, 'open_samples', 'read_picture'), (cli, 'stack_pictures', 'read_picture'),
                         (mm, 'load_model', 'load_model'), (inf, 'caption_confidence', 'caption'),
                         (inf, 'load_familiarity', 'flags'), (inf, 'picture_flags', 'flags'), (cli, 'print', 'print')]:
    if hasattr(mod, name) or name == 'print': timed(mod, name, phase)
cli.COMMANDS[a.cmd](a)
lap('other')
code = 0
json.dump({'code': code, 'phases': T}, open(out, 'w'))
'''

# the nanomm modules a command imported (run in a fresh process)
MODULES = ("import atexit, runpy, sys; f = sys.argv.pop(1); atexit.register(lambda: open(f, 'w').write(','.join("
           "sorted(m for m in sys.modules if m.startswith('nanomm'))))); "
           "runpy.run_module('nanomm.cli', run_name='__main__', alter_sys=True)")

def child(args, env, cwd) -> tuple:
    "Wall seconds, peak resident MiB and exit code of the process `args`"
    t0 = time.perf_counter()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_maxrss / 1024, p.returncode                    # Linux: ru_maxrss is in KiB

def median_of(args, env, cwd, n:int, code:int=0) -> dict:
    "The median wall time and peak memory of `n` runs of `args`, which must exit with `code`"
    runs = [child(args, env, cwd) for _ in range(n)]
    bad = [r[2] for r in runs if r[2] != code]
    if bad: sys.exit(f'{" ".join(args)} exited with {bad[0]}, not {code}')
    return {'wall_s': round(statistics.median(r[0] for r in runs), 3),
            'peak_rss_mib': round(statistics.median(r[1] for r in runs), 1)}

def slowest_imports(args, env, cwd, k:int=8) -> list:
    "The `k` imports of `args` that took longest themselves (`python -X importtime`), as [module, ms]"
    r = subprocess.run([sys.executable, '-X', 'importtime', *args], capture_output=True, text=True, env=env, cwd=cwd)
    rows = []
    for line in r.stderr.splitlines():
        if not line.startswith('import time:') or 'self [us]' in line: continue
        self_us, _, name = line[len('import time:'):].split('|')
        rows.append((name.strip(), int(self_us) / 1000))
    return [[n, round(ms, 1)] for n, ms in sorted(rows, key=lambda r: -r[1])[:k]]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--run', default=None, help='a run to caption with (default: train a tiny one)')
    ap.add_argument('--repeat', type=int, default=5, help='fresh processes per measurement (the median is kept)')
    ap.add_argument('--src', type=lambda d: str(Path(d).resolve()), default=str(ROOT),
                    help='the checkout whose nanomm is measured (default: this one)')
    ap.add_argument('--label', default=None, help='what is measured, for the record (default: the git commit of --src)')
    ap.add_argument('--out', default=None, help='JSON file to write (default: print only)')
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix='cli_startup-'))
    env = {**os.environ, 'PYTHONPATH': a.src, 'NANOMM_CACHE': str(tmp/'cache'), 'NANOMM_NO_DOWNLOAD': '1'}
    env.pop('NANOMM_PLUGINS', None)
    cli = [sys.executable, '-m', 'nanomm.cli']
    run = a.run
    if run is None:
        run = str(tmp/'run')
        r = subprocess.run([*cli, 'train', '--preset', 'quick', '--out', run, *TINY], capture_output=True, text=True,
                           env=env, cwd=tmp)
        if r.returncode: sys.exit(f'training the tiny run failed:\n{r.stderr[-2000:]}')
    from PIL import Image, ImageDraw
    pic = tmp/'shirt.png'
    im = Image.new('L', (28, 28), 0)
    ImageDraw.Draw(im).rectangle((6, 4, 21, 24), fill=200)              # a light shape on black
    im.save(pic)
    caption = ['caption', str(pic), '--run', run]
    res = {'what': 'nanomm start-up: median of fresh processes (wall seconds, peak resident MiB)', 'repeat': a.repeat,
           'label': a.label or subprocess.run(['git', '-C', a.src, 'rev-parse', '--short', 'HEAD'], capture_output=True,
                                              text=True).stdout.strip() or a.src,
           'machine': f'{platform.machine()}, {os.cpu_count()} CPUs (shared CPU: other processes ran meanwhile)',
           'python': platform.python_version(), 'run': 'tiny (trained here)' if a.run is None else a.run,
           'commands': {}}
    for name, args, code in [('help', ['--help'], 0), ('train_help', ['train', '--help'], 0),
                             ('argument_error', ['train', '--optim.epochs', 'x'], 2), ('caption', caption, 0)]:
        res['commands'][name] = median_of([*cli, *args], env, tmp, a.repeat, code)
    res['commands']['python_only'] = median_of([sys.executable, '-c', 'pass'], env, tmp, a.repeat)
    mods = tmp/'modules.txt'
    subprocess.run([sys.executable, '-c', MODULES, str(mods), *caption], env=env, cwd=tmp, capture_output=True,
                   check=True)
    phases = []
    for i in range(a.repeat):
        out = tmp/f'phases{i}.json'
        subprocess.run([sys.executable, '-c', DRIVER, str(out), mods.read_text(), *caption], env=env, cwd=tmp,
                       capture_output=True, check=True)
        phases.append(json.loads(out.read_text())['phases'])
    names = ['import_cli', 'parse', 'import_torch', 'import_nanomm', 'read_settings', 'read_picture', 'load_model',
             'caption', 'flags', 'print', 'other']
    res['caption_phases_s'] = {'python_start': res['commands']['python_only']['wall_s'],
                               **{n: round(statistics.median(p.get(n, 0.) for p in phases), 3) for n in names}}
    res['caption_nanomm_modules'] = mods.read_text().split(',')
    res['caption_slowest_imports_ms'] = slowest_imports(['-m', 'nanomm.cli', *caption], env, tmp)
    line = json.dumps(res)
    print(line)
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(line + '\n')

if __name__ == '__main__': main()
