"""The proof that a part is one module: a toy encoder, a toy dataset with its own captions, a toy LM block, a toy
pretraining objective and a toy run task, all in
tests/toy_parts.py and registered from there, train a run through `train()` and through `nanomm train`, caption with it
and resume it, without any edit to nanomm."""
import contextlib, io, json, os, subprocess, sys
from pathlib import Path
import pytest, torch
import toy_parts
from nanomm.cli import main
from nanomm.core import InputError
from nanomm.data import get_dataset
from nanomm.multimodal import load_model
from nanomm.inference import caption_images
from nanomm.train import TrainConfig, train, load_train_state

# the toy block takes no rope=, so these runs learn their positions (the quick preset's are rotary)
SETTINGS = dict(encoder=dict(kind='grid', width=8),
                lm=dict(n_layer=1, n_head=2, n_embd=16, block_size=32, block='relu', pos='learned'),
                data=dict(dataset='halves', tasks=('caption',), caption_bs=32, caption_batches=4),
                pretrain=dict(epochs=1, bs=64), optim=dict(epochs=2, lr=3e-3), hardware=dict(device='cpu'))

from cli_helpers import cache, cli   # noqa: F401 (cache: each test's own feature cache, autouse)

def test_config_knows_the_parts():
    cfg = TrainConfig.from_preset('quick', **SETTINGS)
    assert (cfg.encoder, cfg.lm.block, cfg.data.dataset) == (toy_parts.GridConfig(width=8), 'relu', 'halves')
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(InputError, match="lm: block 'relu' takes no rope=, so it cannot use pos='rope'"):
        TrainConfig.from_preset('quick', **{**SETTINGS, 'lm': {**SETTINGS['lm'], 'pos': 'rope'}})   # before any training
    assert cfg.updated(encoder=dict(width=4)).encoder == toy_parts.GridConfig(width=4)   # of its kind, changed
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit): main(['--plugin', 'toy_parts', 'train', '--help'])
    assert '--encoder.width' in out.getvalue() and 'grid' in out.getvalue()   # the encoder's own settings are options

def test_train_caption_resume(tmp_path):
    cfg = TrainConfig.from_preset('quick', **SETTINGS)
    class Stop(Exception): pass
    def stop(epoch, step):
        if epoch == 1: raise Stop()
    with pytest.raises(Stop): train(cfg, tmp_path/'run', progress=False, on_step=stop)
    assert load_train_state(tmp_path/'run')['epoch'] == 1
    model, hist = train(cfg, tmp_path/'run', resume=True, progress=False)
    assert [h['epoch'] for h in hist] == [1, 2] and hist[-1]['train_caption_loss'] < hist[0]['train_caption_loss']
    unbroken, _ = train(cfg, tmp_path/'unbroken', progress=False)
    assert all(torch.equal(v, unbroken.state_dict()[k]) for k, v in model.state_dict().items())   # exact resume
    again, tok, conf = load_model(tmp_path/'run')
    assert type(again.gpt.transformer.h[0]).__name__ == 'ReluBlock' and conf['model']['modules'] == ['toy_parts']
    ds = get_dataset('halves')
    caps = caption_images(again, ds.splits()['valid_x'][:4], tok=tok)
    assert all(isinstance(c, str) for c in caps)

def test_cli_train_caption_resume(tmp_path):
    from PIL import Image
    import numpy as np
    run = tmp_path/'run'
    args = ['--encoder.kind', 'grid', '--encoder.width', 8, '--lm.n-layer', 1, '--lm.n-head', 2, '--lm.n-embd', 16,
            '--lm.block-size', 32, '--lm.block', 'relu', '--lm.pos', 'learned', '--data.dataset', 'halves',
            '--data.tasks', 'caption',
            '--data.caption-bs', 32, '--data.caption-batches', 4, '--pretrain.epochs', 1, '--optim.epochs', 1,
            '--device', 'cpu']
    code, out, err = cli('--plugin', 'toy_parts', 'train', '--out', run, *args)
    assert code == 0, err
    assert json.loads((run/'config.json').read_text())['train']['data']['dataset'] == 'halves'
    pic = np.zeros((28, 28), np.uint8)
    pic[:14] = 220                                                     # lit above
    Image.fromarray(pic).save(tmp_path/'top.png')
    env = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(Path(__file__).parent), os.environ.get('PYTHONPATH', '')])}
    for args in (['caption', tmp_path/'top.png', '--run', run], ['train', '--resume', '--out', run, '--optim.epochs', 2]):
        p = subprocess.run([sys.executable, '-m', 'nanomm.cli', *map(str, args)], env=env, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr                             # a new process, no --plugin: the run says what
    assert 'confidence' in subprocess.run([sys.executable, '-m', 'nanomm.cli', 'caption', tmp_path/'top.png', '--run',
                                           run], env=env, capture_output=True, text=True).stdout
    assert json.loads((run/'config.json').read_text())['epoch'] == 2
    code, out, err = cli('train', '--resume', '--out', run, '--data.dataset', 'fashion_mnist', '--optim.epochs', 3)
    assert code == 1 and 'differs from this config in data.dataset' in err
    code, out, err = cli('--plugin', 'toy_parts', 'train', '--out', tmp_path/'bad', '--encoder.kind', 'grid',
                         '--encoder.channels', '8,8,8,8')
    assert code == 1 and err.count('\n') == 1 and 'grid encoder configs have no field channels' in err

def test_an_objective_of_ones_own(tmp_path):
    "A pretraining objective registered from outside nanomm: in the recipe of a run, and of `nanomm pretrain-encoder`"
    cfg = TrainConfig.from_preset('quick', **{**SETTINGS, 'pretrain': dict(epochs=2, bs=64, lr=3e-3, objective='inverted')})
    model, hist = train(cfg, tmp_path/'run', progress=False)
    enc = json.loads((tmp_path/'run'/'encoder'/'config.json').read_text())
    assert enc['head']['n_classes'] == 2 and enc['history'][-1]['valid_acc'] > 0.9, enc['history']
    assert type(model.encoder).__name__ == 'GridEncoder' and len(hist) == 2
    code, out, err = cli('--plugin', 'toy_parts', 'pretrain-encoder', '--data.dataset', 'halves', '--encoder.kind', 'grid',
                         '--pretrain.objective', 'inverted', '--pretrain.epochs', 2, '--pretrain.bs', 32,
                         '--pretrain.lr', 3e-3, '--device', 'cpu', '--out', tmp_path/'enc')
    assert code == 0 and 'test accuracy' in out, err
    acc = float(out.split('test accuracy ')[1].split(';')[0])
    assert acc > 0.9, out                                              # measured the way it was trained

def test_a_task_of_ones_own(tmp_path):
    "A run task registered from outside nanomm trains beside the captions, is validated, and has its history entries"
    from nanomm.run import history_tasks
    cfg = TrainConfig.from_preset('quick', **{**SETTINGS, 'data': {**SETTINGS['data'], 'tasks': ('caption', 'caption_text')}})
    model, hist = train(cfg, tmp_path/'run', progress=False)
    assert history_tasks(hist) == ['caption', 'caption_text'] and len(hist) == 2
    assert hist[-1]['valid_caption_text_loss'] < hist[0]['valid_caption_text_loss'], hist   # it learned the captions' text
    with pytest.raises(InputError, match="unknown task 'nope'"):
        TrainConfig.from_preset('quick', **{**SETTINGS, 'data': {**SETTINGS['data'], 'tasks': ('caption', 'nope')}})

COLOUR = dict(encoder=dict(channels=(8, 16)), lm=dict(n_layer=1, n_head=2, n_embd=16, block_size=32),
              data=dict(dataset='colours', tasks=('caption',), caption_bs=32, caption_batches=12),
              pretrain=dict(epochs=2, bs=32, lr=3e-3), optim=dict(epochs=10, lr=1e-2), hardware=dict(device='cpu'))

def test_colour_pictures_of_another_size(tmp_path):
    "A dataset of 3x24x16 colour pictures: the encoder takes its channels and size from it, trains, captions, evals"
    from PIL import Image
    import numpy as np
    from nanomm.inference import evaluate
    cfg = TrainConfig.from_preset('quick', **COLOUR)
    assert (cfg.encoder.in_channels, cfg.encoder.image_size) == (3, (24, 16))
    with pytest.raises(Exception, match='encoder.in_channels 1 contradicts'): cfg.updated(encoder=dict(in_channels=1))
    model, hist = train(cfg, tmp_path/'run', progress=False)
    enc_hist = json.loads((tmp_path/'run'/'encoder'/'config.json').read_text())
    assert enc_hist['history'][-1]['valid_acc'] > 0.9 and enc_hist['spec']['channels'] == 3
    again, tok, conf = load_model(tmp_path/'run')                    # the spec comes back with the run
    assert again.spec == get_dataset('colours').spec and conf['model']['spec']['size'] == [24, 16]
    s = get_dataset('colours').splits()
    caps = caption_images(again, s['valid_x'], tok=tok)
    right = sum(c in get_dataset('colours').captions[int(y)] for c, y in zip(caps, s['valid_y']))
    assert right / len(caps) > 0.8, (hist, caps[:8])
    r = evaluate(again, 'test', run_dir=tmp_path/'run', tok=tok, dataset='colours', text=False)
    assert len(r['confusion']) == 3 and r['caption_accuracy'] > 0.8 and r['text_test_loss'] is None
    assert r['encoder_accuracy'] > 0.9
    r = evaluate(again, 'test', run_dir=tmp_path/'run', tok=tok, dataset='unlabelled', text=False)   # no labels:
    assert r['caption_accuracy'] is None and r['confusion'] is None and r['exact_match'] > 0.8      # exact captions

    pic = np.zeros((48, 32, 3), np.uint8)
    pic[..., 2] = 230                                                  # a blue picture, twice the run's size
    Image.fromarray(pic).save(tmp_path/'blue.png')
    code, out, err = cli('--plugin', 'toy_parts', 'caption', tmp_path/'blue.png', '--run', tmp_path/'run')
    assert code == 0 and 'blue' in out and 'confidence' in out, (out, err)
    code, out, err = cli('--plugin', 'toy_parts', 'eval', '--run', tmp_path/'run')
    assert code == 0 and 'blue' in out and 'text test loss          n/a' in out, (out, err)
    code, out, err = cli('--plugin', 'toy_parts', 'eval', '--run', tmp_path/'run', '--json')
    assert code == 0 and len(json.loads(out)['confusion']) == 3, err

def test_colour_cli_pretrain_and_train(tmp_path):
    "`nanomm pretrain-encoder` and `nanomm train` on the colour dataset; a dataset without labels is refused in one line"
    args = ['--encoder.channels', '8,16', '--pretrain.epochs', 2, '--pretrain.bs', 32, '--device', 'cpu',
            '--out', tmp_path/'enc']
    code, out, err = cli('--plugin', 'toy_parts', 'pretrain-encoder', '--data.dataset', 'colours', *args)
    assert code == 0 and 'test accuracy' in out, err
    assert json.loads((tmp_path/'enc'/'config.json').read_text())['encoder']['in_channels'] == 3
    code, out, err = cli('--plugin', 'toy_parts', 'train', '--out', tmp_path/'run', '--encoder-dir', tmp_path/'enc',
                         '--encoder.channels', '8,16', '--lm.n-layer', 1, '--lm.n-head', 2, '--lm.n-embd', 16,
                         '--lm.block-size', 32, '--data.dataset', 'colours', '--data.tasks', 'caption',
                         '--data.caption-bs', 32, '--data.caption-batches', 4, '--optim.epochs', 1, '--device', 'cpu')
    assert code == 0 and 'captions of validation images' in out, err
    code, out, err = cli('--plugin', 'toy_parts', 'pretrain-encoder', '--data.dataset', 'unlabelled', *args)
    assert code == 1 and err.count('\n') == 1 and 'needs class labels' in err, err
    code, out, err = cli('--plugin', 'toy_parts', 'pretrain-encoder', '--data.dataset', 'colours',
                         '--encoder.in-channels', 1, *args[:-2], '--out', tmp_path/'enc2')
    assert code == 1 and err.count('\n') == 1 and 'contradicts the pictures' in err, err
    assert not (tmp_path/'enc2').exists()
