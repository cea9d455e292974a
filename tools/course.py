"""Run notebooks and keep what they show, so the pages carry real results: `python tools/course.py [--run RUN] NB [NB ...]`.

Each notebook runs top to bottom as `nbdev_test` runs it (cells flagged `slow` or `cuda` are skipped and keep the
outputs they have, unless `--flags slow` forces them) and is written back with its new outputs; progress bars and
other stderr are dropped, then `nbdev_clean` tidies the metadata. `--run` points `NANOMM_RUN` at a trained run (make
one with `nanomm train --preset quick --out runs/quick`), so the cells that show a model's behaviour show that run's,
not a tiny one's. The data comes from `NANOMM_DATA` (or the cache), as for any notebook.

The course's committed outputs come from:
    NANOMM_DATA=../shared/data python tools/course.py --run runs/quick nbs/*.ipynb"""
import argparse, os, re, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _flags(src:str) -> set:
    return {m for l in src.splitlines() if l.startswith('#|') for m in l[2:].strip().split()[:1]}

def run_notebook(path:Path, force=()):
    "Run notebook `path` as nbdev_test does and write it back with its outputs"
    from execnb.nbio import read_nb, write_nb
    from execnb.shell import CaptureShell
    from nbdev.config import get_config
    from fastcore.xtras import working_directory
    skip = set(get_config().tst_flags.split()) - set(force)
    nb = read_nb(path)
    def _skip(cell):
        if cell.cell_type != 'code' or 'nbdev_export()' in cell.source: return True
        if re.search(r'^#\|\s*eval:\s*false', cell.source, re.M): return True
        return bool(skip & _flags(cell.source))
    def _tidy(cell):
        cell.outputs = [o for o in cell.get('outputs', []) if not (o.get('output_type') == 'stream' and o.get('name') == 'stderr')]
    k = CaptureShell(path, mpl_format='png')       # pictures at their own dpi, not twice it: notebooks stay small
    with working_directory(path.parent): k.run_all(nb, exc_stop=True, preproc=_skip, postproc=_tidy)
    write_nb(nb, path)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='+', help='notebooks to run (nbs/06_inference.ipynb ...)')
    ap.add_argument('--run', help="a trained run's folder: the pages show its results")
    ap.add_argument('--flags', default='', help="flags to run too, e.g. 'slow'")
    a = ap.parse_args(argv)
    if a.run:
        if not (Path(a.run)/'config.json').exists(): sys.exit(f'{a.run} is not a run folder (no config.json): train one first')
        os.environ['NANOMM_RUN'] = str(Path(a.run).resolve())
    os.environ.setdefault('MPLBACKEND', 'agg')
    for nb in a.notebooks:
        t = time.time()
        run_notebook(Path(nb).resolve(), a.flags.split())
        print(f'{nb}: {time.time() - t:.0f} s')
    subprocess.run(['nbdev_clean'], cwd=ROOT, check=True)

if __name__ == '__main__': main()
