"""Make the pictures and samples the README shows, from a trained run: `python tools/readme_assets.py RUN_DIR`.

Writes nbs/images/captions.png (the run's captions of the first 24 test images, green when they name the true class)
and prints what the README quotes: the captions of the two example pictures and a Shakespeare sample.
The numbers in the README's table come from `nanomm eval --run RUN_DIR` and `python benchmarks/caption_speed.py RUN_DIR`."""
import sys
from pathlib import Path
import torch
from nanomm.inference import load_model, caption_images, generate_text, show_captions
from nanomm.data import get_fashion_mnist
from nanomm.cli import load_image_file

ROOT = Path(__file__).resolve().parent.parent

if __name__ == '__main__':
    if len(sys.argv) != 2: sys.exit(__doc__)
    model, tok, _ = load_model(sys.argv[1])
    x, y = get_fashion_mnist('test')
    show_captions(x[:24], caption_images(model, x[:24], tok=tok), y[:24], path=ROOT/'nbs'/'images'/'captions.png')
    pics = ['nbs/images/ankle_boot.png', 'nbs/images/pullover_on_white.jpg']
    for p, c in zip(pics, caption_images(model, torch.stack([load_image_file(ROOT/p) for p in pics]), tok=tok)): print(f'{p}: {c}')
    # the same as `nanomm generate --prompt ROMEO: --max-new-tokens 120 --seed 0 --run RUN_DIR`
    print(generate_text(model, 'ROMEO:', 120, temperature=0.8, seed=0, tok=tok))
