"The docs checker (`tools/docs.py`) finds what it says it finds; CI runs the whole build with it."
import json, sys
from pathlib import Path
root = Path(__file__).parent.parent
sys.path.insert(0, str(root/'tools'))
import docs

def test_pandoc_ids():
    "Headings get the ids Quarto gives them, so anchors are checked as the published site resolves them"
    assert docs.pandoc_id('The encoder') == 'the-encoder'
    assert docs.pandoc_id('What is `x`?') == 'what-is-x'
    assert docs.pandoc_id('1. Attention, then the block') == 'attention-then-the-block'
    assert docs.pandoc_id('ResNetEncoder.forward') == 'resnetencoder.forward'

def _nb(tmp_path, *srcs):
    p = tmp_path/'n.ipynb'
    p.write_text(json.dumps({'cells': [dict(cell_type='code', source=s, metadata={}, outputs=[]) for s in srcs]}))
    return p

def test_mixed_import_cells_are_found(tmp_path):
    probs = docs.Problems()
    docs.check_imports(_nb(tmp_path, 'import torch', '#| export\nimport os\nx = 1', '#| hide\nimport nbdev; nbdev.nbdev_export()'), probs)
    assert probs == []
    docs.check_imports(_nb(tmp_path, 'import torch\nx = torch.ones(2)', 'if True:\n    import os'), probs)
    assert len(probs) == 2 and 'cell 0 mixes imports' in probs[0] and 'cell 1' in probs[1]

def test_links_and_anchors(tmp_path):
    html = {'a.html': '<h2 id="intro">Intro</h2><a href="b.html#there">ok</a><a href="b.html#nowhere">x</a>',
            'b.html': '<h2 id="there">There</h2><a href="c.html">missing</a><a href="images/captions.png">pic</a>'
                      '<a href="https://github.com/nanomm/nanomm/blob/main/tools/docs.py">file</a>'
                      '<a href="https://github.com/nanomm/nanomm/blob/main/no/such.py">no file</a>'}
    probs = docs.Problems()
    docs.check_links(tmp_path, html, probs)
    assert sorted(probs) == ['a.html: link to a missing anchor: b.html#nowhere', 'b.html: broken link: c.html',
                             'b.html: link to a repository file that does not exist: https://github.com/nanomm/nanomm/blob/main/no/such.py']

def test_tracebacks_are_found():
    nb = {'cells': [{'cell_type': 'code', 'source': 'f()', 'outputs': [{'output_type': 'error', 'ename': 'E', 'evalue': ''}]},
                    {'cell_type': 'code', 'source': 'g()', 'outputs': [{'output_type': 'stream', 'name': 'stdout', 'text': 'fine'}]}]}
    probs = docs.Problems()
    docs.check_outputs('p.html', nb, probs)
    assert len(probs) == 1 and "'f()'" in probs[0]

def test_every_notebook_in_the_reading_order():
    "nbs/sidebar.yml lists each notebook once, and the reading time counts what a reader sees"
    pages = {p.stem: p.stem + '.html' for p in (root/'nbs').glob('*.ipynb')}
    probs = docs.Problems()
    nav, sections = docs.sidebar(pages, probs)
    assert probs == [], probs
    assert sections['Start'] == ['index'] and '00_tokenizer' in sum(sections.values(), [])
    r = docs.reading({'cells': [dict(cell_type='markdown', source='one two three four'),
                                dict(cell_type='code', source='a = 1\nb = 2', outputs=[{'data': {'image/png': ''}}])]})
    assert (r['words'], r['code_lines'], r['pictures']) == (4, 2, 1)
    assert abs(r['minutes'] - (4/200 + 2/20)) < 1e-9
