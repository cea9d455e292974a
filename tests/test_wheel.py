"""The package as a user gets it: build the wheel, install it with its dependencies into a fresh virtual environment
outside the repository, and use it there. Slow (it installs PyTorch), so it runs only with NANOMM_TEST_WHEEL=1, as
`.ci/run` sets; it needs the data (NANOMM_DATA) for the round trip."""
import json, os, subprocess, sys
from pathlib import Path
import pytest

root = Path(__file__).parent.parent
pytestmark = pytest.mark.skipif(not os.environ.get('NANOMM_TEST_WHEEL'), reason='set NANOMM_TEST_WHEEL=1 to build and install the wheel')

def sh(*args, **kw):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=1800, **kw)
    assert r.returncode == 0, f'{args} failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}'
    return r.stdout

def test_wheel_installs_and_runs(tmp_path):
    sh(sys.executable, '-m', 'build', '--wheel', '--outdir', tmp_path/'dist', root)
    wheel, = (tmp_path/'dist').glob('nanomm-*.whl')
    sh(sys.executable, '-m', 'venv', tmp_path/'venv')
    bin_ = tmp_path/'venv'/'bin'
    sh(bin_/'python', '-m', 'pip', 'install', '-q', wheel)
    pkgs = json.loads(sh(bin_/'python', '-m', 'pip', 'list', '--format', 'json'))
    print(f"pip install nanomm: {len(pkgs)} packages in the environment:", ' '.join(sorted(p['name'] for p in pkgs)))
    assert not {'fastprogress', 'python-fasthtml', 'starlette', 'uvicorn'} & {p['name'].lower() for p in pkgs}
    env = {**os.environ, 'NANOMM_CACHE': str(tmp_path/'cache'), 'PATH': f"{bin_}:{os.environ['PATH']}"}
    env.pop('PYTHONPATH', None)
    work = tmp_path/'work'
    work.mkdir()                                         # nothing of the clone is on the path here
    assert 'pretrain-encoder' in sh(bin_/'nanomm', '--help', cwd=work, env=env)
    if os.environ.get('NANOMM_DATA'): _round_trip(bin_, work, env)
    # the README's install line, `pip install git+URL`, with a clone of this repository as the URL
    clone = tmp_path/'clone'
    sh('git', 'clone', '-q', root, clone)
    sh(bin_/'python', '-m', 'pip', 'install', '-q', '--force-reinstall', '--no-deps', f'git+file://{clone}')
    assert 'pretrain-encoder' in sh(bin_/'nanomm', '--help', cwd=work, env=env)
    if not os.environ.get('NANOMM_DATA'): pytest.skip('no NANOMM_DATA: --help works, the round trip needs the data')

def _round_trip(bin_, work, env):
    "Train a tiny run with the installed `nanomm`, then caption a picture with it"
    sh(bin_/'nanomm', 'train', '--preset', 'quick', '--out', 'run', '--device', 'cpu', '--n-layer', 1, '--n-head', 2,
       '--n-embd', 16, '--block-size', 32, '--enc-channels', '8,8,8,8', '--enc-epochs', 0, '--epochs', 1, '--text-batches', 2,
       '--caption-batches', 2, '--train-images', 256, cwd=work, env=env)
    sh(bin_/'python', '-c', 'from PIL import Image; Image.new("L", (40, 60), 255).save("pic.png")', cwd=work, env=env)
    out = sh(bin_/'nanomm', 'caption', 'pic.png', '--run', 'run', cwd=work, env=env)
    assert out.startswith('pic.png: ') and 'confidence' in out, out
