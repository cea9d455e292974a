"""Draw where a scenes run's captions look: `python tools/scene_attention.py RUN_DIR [OUT_PNG]`.

For the first three test scenes of `fmnist_scenes`, the run's caption and, for each word, the attention of the
characters that spell it on the 16 patch tokens (`image_attention` and `word_attention` in 06), drawn over the scene.
Writes OUT_PNG (default: nbs/images/scene_attention.png), the picture 09 shows. RUN_DIR: a run of the `scenes` preset
(`nanomm train --preset scenes --out RUN_DIR`)."""
import sys
from pathlib import Path
from nanomm.core import default_device
from nanomm.multimodal import load_model
from nanomm.inference import image_attention, word_attention, plot_attention
from nanomm.data import get_dataset

ROOT = Path(__file__).resolve().parent.parent

if __name__ == '__main__':
    if len(sys.argv) not in (2, 3): sys.exit(__doc__)
    out = Path(sys.argv[2]) if len(sys.argv) == 3 else ROOT/'nbs'/'images'/'scene_attention.png'
    model, tok, _ = load_model(sys.argv[1], default_device())
    if model.n_img < 2: sys.exit(f'error: the run in {sys.argv[1]} has one image token: there is no layout to look at')
    x = get_dataset('fmnist_scenes').splits(test=True)['test_x'][:3]
    caps, ws = image_attention(model, x, max_len=102, tok=tok)       # the longest scene caption has 101
    words, wws = zip(*[word_attention(c, w) for c, w in zip(caps, ws)])
    plot_attention(x, caps, list(wws), max_chars=16, labels=list(words), path=out)
    for c in caps: print(c)
    print(f'wrote {out}')
