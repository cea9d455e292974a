"""Run the notebooks that hold pictures in a real Jupyter kernel, as a learner does, and check that the pictures show.

nbdev's test runner (execnb) registers matplotlib's PNG formatter itself, so `test_notebooks.py` cannot see a
figure that a plain kernel would print as `<Figure size 1040x300 with 16 Axes>`. Here each notebook whose committed
outputs hold a picture runs in a `python3` kernel (this venv's python, this checkout's nanomm, every cell but the
`nbdev_export()` one, `#| slow` and `#| cuda` included: they guard themselves); the cells that hold a picture in the
committed outputs must make one again (or, where `long_cell` skipped the work, say "Skipped"), and no output may be a
figure's text."""
import functools, json, os, re, sys
from pathlib import Path
import nbformat, pytest
from nbclient import NotebookClient

ROOT = Path(__file__).parent.parent
NBS_DIR = ROOT/'nbs'
FIGURE_TEXT = re.compile(r'<\w*Figure size')            # what IPython prints for a figure it cannot draw
CHECK = ("import json, sys, nanomm\n"                     # appended to each notebook: what ran it
         "print(json.dumps(dict(executable=sys.executable, nanomm=nanomm.__file__, "
         "pyplot='matplotlib.pyplot' in sys.modules)))")

def _has_png(outputs): return any('image/png' in o.get('data', {}) for o in outputs)

def picture_cells(nb) -> list:
    "Indices of the code cells whose committed outputs hold a PNG"
    return [i for i, c in enumerate(nb.cells) if c.cell_type == 'code' and _has_png(c.get('outputs', []))]

NBS = [p for p in sorted(NBS_DIR.glob('*.ipynb')) if picture_cells(nbformat.read(p, as_version=4))]

def _texts(o):
    "The text of an output: a stream, the textual parts of a display or result, a traceback"
    if o.output_type == 'stream': return [o.text]
    if o.output_type == 'error': return o.traceback
    return [v if isinstance(v, str) else ''.join(v) for k, v in o.get('data', {}).items() if not k.startswith('image/')]

def run_in_kernel(nb, timeout=600):
    "Execute `nb` (a copy) in a fresh `python3` kernel started from `nbs/`; return it with its outputs"
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for c in (c for c in nb.cells if c.cell_type == 'code'):
        c.outputs = []
        if 'nbdev_export(' in c.source: c.metadata.setdefault('tags', []).append('skip-execution')   # writes nanomm/
    nb.cells.append(nbformat.v4.new_code_cell(CHECK))
    NotebookClient(nb, timeout=timeout, kernel_name='python3', allow_errors=False,
                   resources={'metadata': {'path': str(NBS_DIR)}}).execute()
    return nb

@pytest.fixture
def kernel_env(monkeypatch):
    "The environment a learner's kernel gets: this checkout's nanomm first, no test or slow switches"
    monkeypatch.setenv('PYTHONPATH', os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    for k in ('NANOMM_SLOW', 'NANOMM_RUN', 'IN_TEST', 'MPLBACKEND'): monkeypatch.delenv(k, raising=False)

@functools.cache
def _data_missing() -> str:
    "Why the notebooks' data cells would skip themselves here ('' when the data is found)"
    from nanomm.data import DataNotFoundError, get_fashion_mnist, get_shakespeare
    try:
        get_shakespeare(download=False)
        for split in ('train', 'test'): get_fashion_mnist(split, download=False)
    except DataNotFoundError as e: return str(e).splitlines()[0].removesuffix(' Looked in:')
    return ''

def test_found_picture_notebooks():
    assert {'06_inference', '05_train'} <= {p.stem for p in NBS}, [p.stem for p in NBS]

@pytest.mark.parametrize('path', NBS, ids=[p.stem for p in NBS])
def test_pictures_show_in_jupyter(path, kernel_env):
    committed = nbformat.read(path, as_version=4)
    pics = picture_cells(committed)
    assert pics, f'{path.name}: no committed picture to check'
    if why := _data_missing(): pytest.skip(f'the pictures need the data (see NANOMM_DATA): {why}')
    nb = run_in_kernel(committed)
    ran = json.loads(nb.cells[-1].outputs[-1].text)
    assert Path(ran['executable']).resolve() == Path(sys.executable).resolve(), ran
    assert Path(ran['nanomm']).resolve().is_relative_to(ROOT.resolve()), ran
    assert not ran['pyplot'], f'{path.name} imported pyplot, whose inline backend would hide a figure that cannot show'
    for i in pics:
        outs = nb.cells[i].outputs
        if 'long_cell(' in nb.cells[i].source and not _has_png(outs):
            skipped = any(o.output_type == 'stream' and 'Skipped:' in o.text for o in outs)
            assert skipped, f'{path.name} cell {i} made no picture and did not say it skipped: {outs}'
            continue
        n = sum('image/png' in o.get('data', {}) for o in outs)
        assert n == 1, f'{path.name} cell {i} made {n} pictures, not 1:\n{nb.cells[i].source}\n{outs}'
    for i, c in enumerate(nb.cells):
        for o in c.get('outputs', []):
            for t in _texts(o):
                assert '<Figure size' not in t, f'{path.name} cell {i} shows a bare matplotlib Figure: {t[:200]}'
                assert not FIGURE_TEXT.search(t) or _has_png([o]), f'{path.name} cell {i} shows no picture: {t[:200]}'

def _figure_nb(*cells): return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in cells])

FIG = "from nanomm.core import new_figure\nfig = new_figure(figsize=(2, 1))\nfig.subplots().plot([0, 1])\nfig"

INLINE = ("from matplotlib.figure import Figure\n"       # pyplot imported? the inline backend's PNG formatter on?
          "fmt = get_ipython().display_formatter.formatters['image/png']\n"
          "'matplotlib.pyplot' in sys.modules, Figure in fmt.type_printers")
PYPLOT = "import matplotlib.pyplot as plt\nplt.close(plt.figure())\n"   # a pyplot figure loads the inline backend

def _text(outs): return [o.data['text/plain'] for o in outs if o.output_type == 'execute_result']

def test_new_figure_in_a_plain_kernel(kernel_env):
    "No data needed: one PNG without pyplot, and still one once pyplot's inline backend registers its own formatter"
    nb = run_in_kernel(_figure_nb(FIG, 'import sys\n' + INLINE, PYPLOT + INLINE, 'fig'))
    first, before, after, again = [c.outputs for c in nb.cells[:4]]
    assert _text(before) == ['(False, False)'], before           # so the first picture came from `_repr_png_`
    assert _text(after) == ['(True, True)'], after               # and the last one from the inline backend
    n_png = [sum('image/png' in o.get('data', {}) for o in outs) for outs in (first, again)]
    assert n_png == [1, 1], (first, again)
    assert first[0].data['image/png'].startswith('iVBORw0KGgo')     # base64 of b'\x89PNG\r\n\x1a\n'

def test_new_figure_under_execnb():
    "nbdev_test's shell registers matplotlib's formatter; the figure still shows once"
    from execnb.nbio import mk_cell, new_nb
    from execnb.shell import CaptureShell
    nb = new_nb([mk_cell(FIG)])
    CaptureShell().run_all(nb)
    outs = nb.cells[0].outputs
    assert [o.output_type for o in outs] == ['execute_result'] and 'image/png' in outs[0]['data'], outs
