"""A folder of your own captioned pictures through `nanomm train`, `caption`, `generate` and `eval`: a small folder of
coloured shapes (mixed sizes, modes and formats) is drawn here, nothing is downloaded."""
import json
from pathlib import Path
import pytest
from PIL import Image, ImageDraw

from cli_helpers import cache, cli   # noqa: F401 (cache: each test's own feature cache, autouse)

COLOURS = dict(red=(220, 30, 30), green=(30, 200, 60), blue=(40, 70, 240))

def shapes(d:Path, n:int=24, layout:str='csv') -> Path:
    "`n` pictures of coloured squares and circles of mixed sizes and modes, captioned in `layout` ('csv' or 'json')"
    d.mkdir(parents=True)
    rows, images, anns = [], [], []
    for i in range(n):
        col, shape = list(COLOURS)[i % 3], ('square', 'circle')[(i // 3) % 2]
        W, H = [(40, 40), (64, 48), (30, 50)][i % 3]
        im = Image.new('RGB', (W, H))
        box = (W * .25, H * .25, W * .75, H * .75)
        (ImageDraw.Draw(im).rectangle if shape == 'square' else ImageDraw.Draw(im).ellipse)(box, fill=COLOURS[col])
        name = f'{i}.' + ('jpg' if i % 2 else 'png')
        (im.convert('RGBA') if i % 4 == 2 else im).save(d/name)
        caps = [f'a {col} {shape}', f'{col} {shape}'][:1 + i % 2]
        rows += [f'{name},{c}\n' for c in caps]
        images.append(dict(id=i, file_name=name))
        anns += [dict(image_id=i, caption=c) for c in caps]
    if layout == 'csv': (d/'captions.csv').write_text('image,caption\n' + ''.join(rows))
    else: (d/'captions.json').write_text(json.dumps(dict(images=images, annotations=anns)))
    return d

TINY = ['--encoder.channels', '8,16', '--lm.n-layer', 1, '--lm.n-head', 2, '--lm.n-embd', 32, '--lm.block-size', 32,
        '--data.tasks', 'caption', '--data.caption-bs', 8, '--pretrain.epochs', 1, '--pretrain.bs', 8,
        '--optim.epochs', 1, '--device', 'cpu']

@pytest.mark.parametrize('layout', ['csv', 'json'])
def test_train_caption_eval_a_folder(tmp_path, layout):
    pics, run = shapes(tmp_path/'pics', layout=layout), tmp_path/'run'
    name = f'folder:{pics}' + ('?size=24x20&channels=1' if layout == 'json' else '')   # the name's options: grey 24x20
    code, out, err = cli('train', '--out', run, '--data.dataset', name, *TINY)
    assert code == 0 and 'captions of validation images' in out, err
    conf = json.loads((run/'config.json').read_text())
    spec = conf['model']['spec']
    assert conf['train']['data']['dataset'] == name, conf['train']['data']
    assert (spec['channels'], spec['size']) == ((1, [24, 20]) if layout == 'json' else (3, [32, 32])), spec
    assert json.loads((run/'encoder'/'config.json').read_text())['model'] == 'encoder'   # CLIP's picture encoder
    code, out, err = cli('caption', pics/'0.png', pics/'1.jpg', '--run', run)
    assert code == 0 and out.count('confidence') == 2, err
    code, out, err = cli('eval', '--run', run)
    assert code == 0 and 'exact captions' in out and 'need class labels' in out, err
    code, out, err = cli('eval', '--run', run, '--json')
    r = json.loads(out)
    assert code == 0 and r['caption_accuracy'] is None and 0 <= r['exact_match'] <= 1 and r['n_images'] == 2, err

def test_folder_errors_in_one_line(tmp_path):
    pics = shapes(tmp_path/'pics', n=6)
    (pics/'captions.csv').unlink()
    code, out, err = cli('train', '--out', tmp_path/'run', '--data.dataset', f'folder:{pics}', *TINY)
    assert code == 1 and err.count('\n') == 1 and 'pictures but no captions file' in err, err
    assert not (tmp_path/'run').exists()                                  # nothing half-written
    (pics/'captions.csv').write_text('image,caption\n0.png,a red square\nmissing.png,a lost square\n')
    code, out, err = cli('train', '--out', tmp_path/'run', '--data.dataset', f'folder:{pics}', *TINY)
    assert code == 1 and 'captions.csv line 3: the picture missing.png is not in' in err, err

def test_a_caption_vocabulary_of_its_own(tmp_path):
    pics = shapes(tmp_path/'pics', n=6)
    text = (pics/'captions.csv').read_text().replace('a red square', 'un carré rouge')
    (pics/'captions.csv').write_text(text)
    code, out, err = cli('train', '--out', tmp_path/'run', '--data.dataset', f'folder:{pics}', *TINY)
    assert code == 0, err
    assert 'é' in json.loads((tmp_path/'run'/'config.json').read_text())['tokenizer']['chars']
    code, out, err = cli('generate', '--prompt', 'carré', '--max-new-tokens', 3, '--run', tmp_path/'run')
    assert code == 0 and out.startswith('carré'), err
    code, out, err = cli('generate', '--prompt', 'über', '--run', tmp_path/'run')
    assert code == 1 and err.count('\n') == 1 and "character 'ü' at position 0 is not in the vocabulary" in err, err
