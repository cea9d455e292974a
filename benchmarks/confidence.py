"""How well a run's confidence separates Fashion-MNIST items from pictures that are not clothing (not part of the test run).

    python benchmarks/confidence.py RUN_DIR [--device cuda] [--quantile 0.01]

Three scores per picture: the caption's mean log-probability, the frozen encoder's own class probability (the largest
softmax output of its pretraining head), and the picture's familiarity to the encoder (minus the Mahalanobis distance of
its pooled vector to the nearest class mean of the training images: what `nanomm caption` uses). Each gets a threshold: the `quantile` of its
scores on the 5,000 validation images. Prints, as one JSON line, the share of pictures below each threshold for the
test images and for pictures that are not clothing: blank pictures of random grey levels, uniform noise, inverted test
images (dark clothes on white), digits drawn with PIL, tiny crops (a 7x7 corner of a test image blown up) and shrunken
items (a test image shrunk to 8x8 in the middle of the frame).
"""
import argparse, json
import numpy as np, torch, torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFont
from nanomm.core import get_device
from nanomm.data import get_fashion_mnist, image_splits, normalize_images
from nanomm.vision import load_encoder, ImageClassifier, fit_familiarity, familiarity
from nanomm.multimodal import load_model
from nanomm.inference import caption_images

def digits(n, g):
    "n pictures of a digit drawn in white on black with PIL, of random size and place"
    out = []
    for i in range(n):
        im = Image.new('L', (28, 28), 0)
        size = int(torch.randint(14, 26, (1,), generator=g))
        try: font = ImageFont.load_default(size=size)
        except TypeError: font = ImageFont.load_default()            # Pillow < 10.1: one small bitmap font
        dx, dy = torch.randint(0, 8, (2,), generator=g).tolist()
        ImageDraw.Draw(im).text((dx + 2, dy - 2), str(i % 10), fill=255, font=font)
        out.append(torch.from_numpy(np.array(im, dtype=np.uint8)))
    return torch.stack(out)

def not_clothing(x, n=500, seed=0):
    "Sets of pictures that are not Fashion-MNIST items, each uint8 (n, 28, 28)"
    g = torch.Generator().manual_seed(seed)
    xs = x[torch.randperm(len(x), generator=g)[:n]]
    levels = torch.randint(0, 256, (n, 1, 1), generator=g).to(torch.uint8)
    r, c = torch.randint(0, 21, (2,), generator=g).tolist()
    tiny = F.interpolate(xs[:, None, r:r+7, c:c+7].float(), size=28, mode='bilinear', align_corners=False)[:, 0]
    small = torch.zeros_like(xs)
    small[:, 10:18, 10:18] = F.interpolate(xs[:, None].float(), size=8, mode='area')[:, 0].round().to(torch.uint8)
    return dict(blank=levels.expand(n, 28, 28).contiguous(), noise=torch.randint(0, 256, (n, 28, 28), generator=g, dtype=torch.uint8),
                inverted=255 - xs, digits=digits(n, g), tiny_crop=tiny.round().clamp(0, 255).to(torch.uint8), shrunk=small)

@torch.no_grad()
def encoder_prob(clf, x, dev):
    "The largest class probability the pretraining head gives each picture"
    ps = [F.softmax(clf(normalize_images(x[i:i+1000].to(dev)))[0].float(), -1).amax(-1).cpu() for i in range(0, len(x), 1000)]
    return torch.cat(ps)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('run')
    p.add_argument('--device', default=None)
    p.add_argument('--quantile', type=float, default=0.01)
    a = p.parse_args()
    dev = get_device(a.device)
    model, tok, conf = load_model(a.run, dev)
    clf = load_encoder(f'{a.run}/encoder', dev)
    clf = clf if isinstance(clf, ImageClassifier) else None
    splits = image_splits(conf.get('train', {}).get('validation', 'holdout'))
    valid = splits['valid_x']
    test, _ = get_fashion_mnist('test')
    sets = dict(test=test, **not_clothing(test))
    scores = {'logprob': lambda x: torch.tensor(caption_images(model, x, tok=tok, return_scores=True)[1])}
    if clf is not None: scores['encoder_prob'] = lambda x: encoder_prob(clf, x, dev)
    fam = fit_familiarity(model.encoder, splits['train_x'][:20_000], splits['train_y'][:20_000])
    scores['familiarity'] = lambda x: familiarity(model.encoder, fam, x).cpu()
    res = dict(run=a.run, quantile=a.quantile, stored_threshold=conf.get('familiarity_threshold'))
    for name, score in scores.items():
        thr = torch.quantile(score(valid), a.quantile).item()
        res[name] = dict(threshold=round(thr, 4), **{k: round((score(v) < thr).float().mean().item(), 4) for k, v in sets.items()})
    print(json.dumps(res))

if __name__ == '__main__': main()
