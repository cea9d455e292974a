"Run every notebook in `nbs/` through nbdev's own test runner, one pytest case per notebook."
import os
from pathlib import Path
import pytest
import nbdev.test as nbt   # a module, so pytest does not collect `test_nb` itself
from nbdev.config import get_config

NBS = sorted(p for p in (Path(__file__).parent.parent/'nbs').glob('*.ipynb') if not p.name.startswith('_'))

def _flags():
    "Flags to skip (settings.ini `tst_flags`) and to force (`$NANOMM_TEST_FLAGS`, e.g. 'slow')"
    force = os.environ.get('NANOMM_TEST_FLAGS', '').split()
    return [f for f in get_config().tst_flags.split() if f not in force], force

@pytest.mark.parametrize('nb', NBS, ids=[p.stem for p in NBS])
def test_notebook(nb, monkeypatch):
    skip, force = _flags()
    if 'slow' in force: monkeypatch.setenv('NANOMM_SLOW', '1')   # the long cells check it too (see 00a's `long_cell`)
    ok, secs = nbt.test_nb(nb, skip_flags=skip, force_flags=force)
    assert ok, f'{nb.name} failed (see the traceback above)'

def test_found_notebooks(): assert len(NBS) >= 3
