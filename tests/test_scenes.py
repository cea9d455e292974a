"""Fashion-MNIST scenes through the command line: train a tiny run on `fmnist_scenes_small`, `nanomm eval` prints the
scene metrics, `nanomm caption` captions a 56x56 PNG the test writes."""
import json
import numpy as np, pytest
from nanomm.data import get_fashion_mnist, DataNotFoundError

try: get_fashion_mnist('test', download=False)
except DataNotFoundError: pytest.skip('Fashion-MNIST is not here', allow_module_level=True)

from cli_helpers import cache, cli   # noqa: F401 (cache: each test's own feature cache, autouse)

def test_scenes_cli(tmp_path):
    from PIL import Image
    run = tmp_path/'run'
    code, out, err = cli('train', '--preset', 'scenes', '--data.dataset', 'fmnist_scenes_small', '--out', run,
                         '--encoder.channels', '8,16,32,64', '--lm.n-layer', 1, '--lm.n-embd', 32, '--lm.n-head', 2,
                         '--data.tasks', 'caption', '--data.caption-batches', 4, '--pretrain.epochs', 1,
                         '--optim.epochs', 1, '--device', 'cpu')
    assert code == 0, err
    conf = json.loads((run/'config.json').read_text())
    assert conf['train']['projector']['image_tokens'] == 'patches' and 'confidence' not in conf
    code, out, err = cli('eval', '--run', run, '--device', 'cpu')
    assert code == 0, err
    for line in ('exact scene', 'per item', 'class only', 'unparsed'): assert line in out, out
    assert 'confusion' not in out and 'caption accuracy' not in out
    x, _ = get_fashion_mnist('test', download=False)
    pic = np.zeros((56, 56), np.uint8)
    pic[:28, :28], pic[28:, 28:] = x[0].numpy(), x[1].numpy()      # two items: top left and bottom right
    Image.fromarray(pic).save(tmp_path/'scene.png')
    code, out, err = cli('caption', tmp_path/'scene.png', '--run', run, '--device', 'cpu')
    assert code == 0 and out.startswith(f'{tmp_path/"scene.png"}: ') and 'confidence' not in out, (out, err)
