"""The `nanomm` command line as the benchmarks run it: in a process of its own, as a user would."""
import subprocess, sys

CLI = [sys.executable, '-c', 'import sys; from nanomm.cli import main; sys.exit(main())']
SMOKE = ['--optim.epochs', '1', '--pretrain.epochs', '1', '--data.text-batches', '4', '--data.caption-batches', '4',
         '--data.train-images', '512']

def nanomm(*args) -> str:
    "Run `nanomm ARGS`; its stdout (stderr passed through)"
    r = subprocess.run([*CLI, *map(str, args)], stdout=subprocess.PIPE, text=True)
    if r.returncode: raise SystemExit(f'nanomm {" ".join(map(str, args))} failed ({r.returncode})')
    return r.stdout
