"README.md is generated from nbs/index.ipynb by `python tools/readme.py`; fail when it is stale."
import sys
from pathlib import Path
root = Path(__file__).parent.parent
sys.path.insert(0, str(root/'tools'))
from readme import render_readme

def test_readme_up_to_date():
    assert (root/'README.md').read_text() == render_readme(root/'nbs'/'index.ipynb'), \
        'README.md is stale: run `python tools/readme.py` and commit README.md'
