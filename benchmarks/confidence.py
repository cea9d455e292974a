"""How well a run's confidence is calibrated, and how well its scores tell Fashion-MNIST items from other pictures.

    python benchmarks/confidence.py RUN_DIR [--device cuda] [--quantile 0.01] [--plot PATH] [--refit-only]

Calibration, on the 10,000 test images: the expected calibration error (ECE, ten equal bins), the reliability table and
the AUROC of right against wrong captions for the confidence `nanomm caption` prints (the captioner's class posterior,
calibrated as the run saved it; see notebook 06), for the same posterior uncalibrated, and for the old score made a
probability, exp(the caption's mean log-probability).

Unusual pictures: six scores per picture: the caption's mean log-probability, the confidence, the frozen encoder's own
class probability (the largest softmax output of its pretraining head), the picture's familiarity to the encoder
(minus the squared Mahalanobis distance of its pooled vector to the nearest class mean of 20,000 training images), and
then what `nanomm caption` marks: `blank` (almost no contrast) and `flag` (blank, or familiarity below the run's saved
threshold). The first four get a threshold each, the `quantile` of their scores on the 5,000 validation images. For
each, the share of pictures flagged among the test images and among pictures that are not clothing: blank pictures of
random grey levels, uniform noise, inverted test images (dark clothes on white), digits drawn with PIL, tiny crops (a
7x7 corner of a test image blown up), shrunken items (a test image shrunk to 8x8 in the middle of the frame), all-black
and all-white pictures; and the mean confidence on each.

Also fits the calibration again as training does (`refit`; alone with `--refit-only`), timed: what calibrating adds
to a training run. Prints one JSON line on stdout and the same results as markdown tables on stderr; `--plot` draws the
reliability diagram.
"""
import argparse, json, sys, time
import numpy as np, torch, torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFont
from nanomm.core import get_device
from nanomm.data import get_fashion_mnist, image_splits, normalize_images, caption_classes
from nanomm.vision import load_encoder, ImageClassifier, fit_familiarity, familiarity, encode_images
from nanomm.multimodal import load_model
from nanomm.cli import run_settings
from nanomm.inference import (caption_features, features_confidence, fit_confidence, calibrate, reliability,
                              plot_reliability, is_blank, picture_flags, load_familiarity)

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
    return dict(blank=levels.expand(n, 28, 28).contiguous(),
                noise=torch.randint(0, 256, (n, 28, 28), generator=g, dtype=torch.uint8),
                inverted=255 - xs, digits=digits(n, g), tiny_crop=tiny.round().clamp(0, 255).to(torch.uint8),
                shrunk=small, all_black=torch.zeros(1, 28, 28, dtype=torch.uint8),
                all_white=torch.full((1, 28, 28), 255, dtype=torch.uint8))

@torch.no_grad()
def encoder_prob(clf, x, dev):
    "The largest class probability the pretraining head gives each picture"
    ps = [F.softmax(clf(normalize_images(x[i:i+1000].to(dev)))[0].float(), -1).amax(-1).cpu()
          for i in range(0, len(x), 1000)]
    return torch.cat(ps)

def auroc(score, right):
    "The chance that a right caption scores above a wrong one (ties count half)"
    s, r = score.double(), right.bool()
    _, inv, cnt = s.unique(return_inverse=True, return_counts=True)
    ranks = ((cnt.cumsum(0) - cnt) + (cnt + 1) / 2).double()[inv]    # 1-based ranks, ties given their mean
    n1, n0 = int(r.sum()), int((~r).sum())
    return ((ranks[r].sum() - n1 * (n1 + 1) / 2) / max(n1 * n0, 1)).item()

def scored(model, tok, calibration, x):
    "Captions, their mean log-probability, the uncalibrated and the calibrated confidence of the pictures `x`"
    feats = encode_images(model.encoder, x, model.image_tokens)
    caps, lps = caption_features(model, feats, tok=tok, return_scores=True)
    raw = features_confidence(model, feats, caps, tok=tok).cpu()
    return dict(captions=caps, logprob=torch.tensor(lps), raw=raw, confidence=calibrate(raw, calibration))

def refit(model, tok, splits):
    "The calibration fitted again on the first 2,000 validation images, as training fits it, and the seconds it took"
    feats = encode_images(model.encoder, splits['valid_x'][:2000], model.image_tokens)   # training has them already
    t = time.perf_counter()
    cal = fit_confidence(model, feats, splits['valid_y'], 2000, tok)
    return dict(cal, seconds=round(time.perf_counter() - t, 2))

def _pct(v): return f'{v:.1%}'

def tables(res) -> str:
    "The results as markdown"
    cal, out = res['test_calibration'], []
    out += ['| on the 10,000 test images | ECE | AUROC (right vs wrong) |', '|---|---|---|']
    out += [f"| {k} | {cal[k]['ece']:.4f} | {cal[k]['auroc']:.4f} |"
            for k in ('confidence', 'uncalibrated', 'exp_logprob')]
    out += ['', f"accuracy {cal['accuracy']:.4f}; mean log-probability, 1st to 99th percentile: "
            f"{cal['logprob_p01']:.3f} to {cal['logprob_p99']:.3f} (right captions), "
            f"{cal['logprob_wrong_p01']:.3f} to {cal['logprob_wrong_p99']:.3f} (wrong ones)", '',
            '| confidence bin | captions | mean confidence | share right |', '|---|---|---|---|']
    out += [f"| {b['lo']:.1f}-{b['hi']:.1f} | {b['n']} | {b['confidence']:.3f} | {b['accuracy']:.3f} |"
            for b in cal['confidence']['bins'] if b['n']]
    sets = list(res['flag'])                                          # test, then the pictures that are not clothing
    out += ['', '| flagged | ' + ' | '.join(sets) + ' |', '|---' * (len(sets) + 1) + '|']
    for name in ('logprob', 'confidence', 'encoder_prob', 'familiarity', 'blank', 'flag'):
        if name in res: out.append(f'| {name} | ' + ' | '.join(_pct(res[name][k]) for k in sets) + ' |')
    out.append('| mean confidence | ' + ' | '.join(f"{res['mean_confidence'][k]:.2f}" for k in sets) + ' |')
    return '\n'.join(out)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('run')
    p.add_argument('--device', default=None)
    p.add_argument('--quantile', type=float, default=0.01)
    p.add_argument('--plot', default=None, help='write the reliability diagram (PNG) here')
    p.add_argument('--refit-only', action='store_true', help='only fit the calibration again, timed')
    a = p.parse_args()
    t0, dev = time.time(), get_device(a.device)
    model, tok, conf = load_model(a.run, dev)
    calibration = conf.get('confidence')
    if calibration is None:
        print(f'{a.run} has no saved calibration: its confidence is the raw posterior', file=sys.stderr)
    clf = load_encoder(f'{a.run}/encoder', dev)
    clf = clf if isinstance(clf, ImageClassifier) else None
    splits = image_splits(run_settings(conf).data.validation)
    if a.refit_only:
        print(json.dumps(dict(run=a.run, calibration=calibration, refit=refit(model, tok, splits))))
        return
    test, test_y = get_fashion_mnist('test')
    sets = dict(test=test, **not_clothing(test))
    s = {k: scored(model, tok, calibration, x) for k, x in dict(valid=splits['valid_x'], **sets).items()}

    right = torch.tensor([int(y) in caption_classes(c) for c, y in zip(s['test']['captions'], test_y.tolist())])
    lp = s['test']['logprob']
    q = lambda t, v: t.quantile(v).item() if len(t) else float('nan')
    cal = dict(n=len(right), accuracy=right.double().mean().item(), logprob_p01=q(lp[right], .01),
               logprob_p99=q(lp[right], .99), logprob_wrong_p01=q(lp[~right], .01),
               logprob_wrong_p99=q(lp[~right], .99))
    curves = dict(confidence=s['test']['confidence'], uncalibrated=s['test']['raw'], exp_logprob=lp.exp())
    for k, v in curves.items(): cal[k] = dict(reliability(v, right), auroc=auroc(v, right))
    if a.plot:
        plot_reliability({'confidence (calibrated)': cal['confidence'], 'uncalibrated posterior': cal['uncalibrated'],
                          'exp(mean log-probability)': cal['exp_logprob']}, a.plot)

    scores = {'logprob': lambda k: s[k]['logprob'], 'confidence': lambda k: s[k]['confidence']}
    x_of = dict(valid=splits['valid_x'], **sets)
    if clf is not None: scores['encoder_prob'] = lambda k: encoder_prob(clf, x_of[k], dev)
    fam = fit_familiarity(model.encoder, splits['train_x'][:20_000], splits['train_y'][:20_000])
    scores['familiarity'] = lambda k: familiarity(model.encoder, fam, x_of[k]).cpu()
    res = dict(run=a.run, quantile=a.quantile, stored_threshold=conf.get('familiarity_threshold'),
               calibration=calibration, test_calibration=cal)
    for name, score in scores.items():
        thr = torch.quantile(score('valid').double(), a.quantile).item()
        res[name] = dict(threshold=round(thr, 4), **{k: round((score(k) < thr).float().mean().item(), 4) for k in sets})
    stored = load_familiarity(a.run)
    res['blank'] = {k: round(is_blank(x).float().mean().item(), 4) for k, x in sets.items()}
    res['flag'] = {k: round(sum(f is not None for f in picture_flags(model.encoder, stored, x)) / len(x), 4)
                   for k, x in sets.items()}
    res['mean_confidence'] = {k: round(s[k]['confidence'].mean().item(), 4) for k in sets}
    res['refit'] = refit(model, tok, splits)
    res['seconds'] = round(time.time() - t0, 1)
    print(json.dumps(res))
    print(tables(res), file=sys.stderr)

if __name__ == '__main__': main()
