"""Make the pictures and samples the README shows, from a trained run: `python tools/readme_assets.py RUN_DIR [OUT_DIR]`.

Writes OUT_DIR/captions.png (default OUT_DIR: nbs/images): the run's captions of the first 24 test images, green when
they name the true class; for a run with one image token per patch, also OUT_DIR/attention.png (where the captions of
four test images looked, from `image_attention` in 06). Prints what the README quotes: the captions of the two example
pictures with their confidence, and a Shakespeare sample. The numbers in the README's table come from
`nanomm eval --run RUN_DIR` and the benchmarks."""
import os, sys
from pathlib import Path
import torch
from nanomm.core import default_device
from nanomm.multimodal import load_model
from nanomm.inference import caption_images, generate_text, show_captions, image_attention, plot_attention
from nanomm.data import get_fashion_mnist
from nanomm.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent

if __name__ == '__main__':
    if len(sys.argv) not in (2, 3): sys.exit(__doc__)
    out = Path(sys.argv[2]) if len(sys.argv) == 3 else ROOT/'nbs'/'images'
    model, tok, _ = load_model(sys.argv[1], default_device())
    x, y = get_fashion_mnist('test')
    show_captions(x[:24], caption_images(model, x[:24], tok=tok), y[:24], path=out/'captions.png')
    # `nanomm caption nbs/images/ankle_boot.png nbs/images/pullover_on_white.jpg --run RUN_DIR`, from the repository
    run, here = str(Path(sys.argv[1]).resolve()), os.getcwd()
    os.chdir(ROOT)
    try: cli_main(['caption', 'nbs/images/ankle_boot.png', 'nbs/images/pullover_on_white.jpg', '--run', run])
    finally: os.chdir(here)
    # the same as `nanomm generate --prompt ROMEO: --max-new-tokens 120 --seed 0 --run RUN_DIR`
    print(generate_text(model, 'ROMEO:', 120, temperature=0.8, seed=0, tok=tok))
    if model.n_img > 1:
        idx = [0, 1, 2, 4]                                    # a boot, a pullover, trousers, a shirt
        caps, ws = image_attention(model, x[idx], tok=tok)
        plot_attention(x[idx], caps, ws, path=out/'attention.png')
