"The installed `nanomm` console script: help for every command, and one-line errors without tracebacks."
import json, os, shutil, subprocess, sys
from pathlib import Path
import pytest

_beside = Path(sys.executable).parent/'nanomm'   # the venv running the tests first, then PATH
EXE = str(_beside) if _beside.exists() else shutil.which('nanomm')
pytestmark = pytest.mark.skipif(EXE is None, reason='the nanomm console script is not installed (pip install -e .)')

def run(*args, **kw): return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120, **kw)

def test_help():
    r = run('--help')
    assert r.returncode == 0 and all(c in r.stdout for c in ['pretrain-encoder', 'train', 'caption', 'generate', 'eval', 'cache'])
    r = run('caption', '--help')
    assert r.returncode == 0 and 'light object on' in r.stdout
    r = run()                                                       # no command: the help, not an error
    assert r.returncode == 0 and 'COMMAND' in r.stdout and not r.stderr

def test_train_help_documents_every_field():
    from nanomm.train import TrainConfig, flat
    out = run('train', '--help').stdout
    names = [k for k in flat(TrainConfig().to_dict()) if k not in ('preset', 'lm.vocab_size', 'pretrain.seed', 'hardware.device')]
    assert len(names) > 30 and all('--' + k.replace('_', '-') in out for k in names), out
    assert '--device' in out and '--encoder.kind' in out and '--epochs' not in out    # 0.1.0's spellings work, unlisted

@pytest.mark.parametrize('args,msg', [
    (['generate', '--prompt', 'hello', '--run', '/nonexistent/run'], 'does not exist'),
    (['caption', '/nonexistent/picture.png', '--run', '/nonexistent/run'], 'no such file'),
    (['eval', '--run', '/nonexistent/run'], 'does not exist'),
    (['train', '--data', '/nonexistent/data'], 'no such folder'),
])
def test_one_line_errors(args, msg, tmp_path):
    r = run(*args, env={'NANOMM_CACHE': str(tmp_path), 'PATH': os.environ.get('PATH', '/usr/bin:/bin')})
    assert r.returncode == 1, r
    assert 'Traceback' not in r.stderr and r.stderr.count('\n') == 1 and msg in r.stderr, r.stderr

def test_no_run_recorded(tmp_path):
    r = run('generate', '--prompt', 'hi', env={'NANOMM_CACHE': str(tmp_path), 'PATH': os.environ.get('PATH', '/usr/bin:/bin')})
    assert r.returncode == 1 and 'no run given' in r.stderr and 'Traceback' not in r.stderr

# what a command imported: `python -m nanomm.cli ARGS`, reporting its top-level modules as it exits
_REPORT = ("import atexit, json, runpy, sys; f = sys.argv.pop(1); "
           "atexit.register(lambda: open(f, 'w').write(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))); "
           "runpy.run_module('nanomm.cli', run_name='__main__', alter_sys=True)")

def imported(tmp_path, *args, path:str='') -> tuple:
    "The exit code, stdout, stderr and top-level modules imported by `python -m nanomm.cli ARGS`"
    out, env = tmp_path/'modules.json', {**os.environ, 'NANOMM_CACHE': str(tmp_path)}
    if path: env['PYTHONPATH'] = os.pathsep.join([path, os.environ.get('PYTHONPATH', '')])
    r = subprocess.run([sys.executable, '-c', _REPORT, str(out), *args], capture_output=True, text=True, timeout=120,
                       env=env)
    return r.returncode, r.stdout, r.stderr, set(json.loads(out.read_text()))

@pytest.mark.parametrize('args,code,says', [
    (['--help'], 0, 'pretrain-encoder'),
    (['train', '--help'], 0, '--optim.epochs INT'),
    (['caption', '--help'], 0, 'light object on'),
    (['--version'], 0, 'nanomm '),
    (['train', '--optim.epochs', 'x'], 2, "invalid int value: 'x'"),
    (['train', '--encoder.kind', 'nope'], 2, "invalid choice: 'nope'"),
    (['nocommand'], 2, 'invalid choice'),
])
def test_help_and_errors_before_torch(tmp_path, args, code, says):
    rc, out, err, mods = imported(tmp_path, *args)
    assert rc == code and says in out + err, (rc, out[-500:], err[-2000:])
    assert 'nanomm' in mods and not {'torch', 'numpy'} & mods, sorted(mods)

def test_plugin_options_in_help(tmp_path):
    "A plugin that registers an encoder gets the parser made from the configs, with its options"
    rc, out, err, mods = imported(tmp_path, '--plugin', 'toy_parts', 'train', '--help', path=str(Path(__file__).parent))
    assert rc == 0 and 'torch' in mods, err
    assert '--encoder.kind {grid,resnet,vit}' in out and '--encoder.width INT' in out, out[:3000]

def test_saved_parser_is_current():
    "nanomm/cli_spec.json holds the calls `make_parser` makes from these sources (else: python tools/cli_spec.py)"
    r = subprocess.run([sys.executable, str(Path(__file__).parent.parent/'tools'/'cli_spec.py'), '--check'],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
