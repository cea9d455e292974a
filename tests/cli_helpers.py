"What the tests that drive `nanomm` in-process share: a cache folder of their own, and `cli`"
import contextlib, io
import pytest
from nanomm.cli import main

@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    "Each test its own feature cache (import it into a test module to use it there)"
    monkeypatch.setenv('NANOMM_CACHE', str(tmp_path/'cache'))

def cli(*args):
    "Run `nanomm ARGS` in this process: the exit code, stdout and stderr"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()
