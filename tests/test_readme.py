"README.md is generated from nbs/index.ipynb by `python tools/readme.py`; it must be current, and what it tells a user to run must run."
import re, shlex, subprocess, sys
from pathlib import Path
root = Path(__file__).parent.parent
sys.path.insert(0, str(root/'tools'))
from readme import render_readme

README = (root/'README.md').read_text()

def _blocks(lang): return re.findall(rf'```{lang}\n(.*?)```', README, flags=re.S)

def test_readme_up_to_date():
    assert README == render_readme(root/'nbs'/'index.ipynb'), 'README.md is stale: run `python tools/readme.py` and commit README.md'

def test_python_blocks_run_as_shown(tmp_path):
    "Every ```python block, pasted as is into a fresh Python outside the repository, runs"
    blocks = _blocks('python')
    assert blocks
    for code in blocks:
        r = subprocess.run([sys.executable, '-c', code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f'this README block fails:\n{code}\n{r.stderr[-2000:]}'

def test_nanomm_commands_parse():
    "Every `nanomm ...` line of the shell blocks has a real command and real options"
    from nanomm.cli import make_parser
    lines = [l.split(' #')[0].strip() for b in _blocks('sh') for l in b.splitlines()]
    cmds = [l for l in lines if l.startswith('nanomm ')]
    assert len(cmds) >= 3
    for c in cmds:
        try: make_parser().parse_args(shlex.split(c)[1:])
        except SystemExit as e: raise AssertionError(f'README command does not parse: {c}') from e

def test_install_line_names_the_repository():
    "The README installs from the repository that settings.ini names (until a release is on PyPI)"
    from nbdev.config import get_config
    assert f'pip install git+{get_config().git_url}\n' in README
