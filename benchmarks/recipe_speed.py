"""Speed of the blog recipe's phases on the current device, the plain path against the fast one (not part of the test run).

    python benchmarks/recipe_speed.py [--device cuda] [--epochs 2] [--steps N] [--images N] [--run RUN_DIR]

For each path (`fast=False`: eager steps and AdamW; `fast=True`: on CUDA, fused AdamW and every step replayed as a CUDA
graph; on a CPU the two are the same) it times, in one process:
- an encoder epoch: the blog's ResNet on the 60,000 training images, batch 512 (`--images N`: N of them, scaled to 60,000);
- a text+caption epoch of the blog's configuration: 123 text batches of 64x128 and 118 caption batches of 512
  precomputed features (`--steps N`: N steps, scaled to the 241 of an epoch);
- the median of single text and caption steps;
- captioning the 10,000 test images (a trained run's model with `--run`; else an untrained one, which always writes the
  30 characters allowed, a bound from above).
The last of `--epochs` epochs counts (the first includes warm-up and recording the CUDA graphs). It prints one JSON line:
seconds per phase for each path and the ratios fast/plain.
"""
import argparse, json, platform, statistics, time
import torch
from nanomm.core import get_device
from nanomm.data import get_shakespeare, get_fashion_mnist, image_splits, split_text, TextBatches, CaptionBatches
from nanomm.tokenizer import CharTokenizer
from nanomm.hardware import HardwareConfig, Setup
from nanomm.tasks import PretrainConfig
from nanomm.train import pretrain_encoder
from nanomm.resblock_encoder import ResNetConfig, ResNetEncoder
from nanomm.gpt import GPT, GPTConfig
from nanomm.multimodal import MultiModal, load_model
from nanomm.loop import OnEpoch
from nanomm.tasks import TextTask, CaptionTask, TaskBatches, task_loss
from nanomm.inference import caption_features, caption_images

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize()

def encoder_epoch(dev, fast, epochs, images):
    "Seconds of the last epoch of the blog's encoder recipe, scaled to 60,000 images"
    s = image_splits('test')
    data = dict(train_x=s['train_x'][:images], train_y=s['train_y'][:images], valid_x=s['valid_x'][:1000], valid_y=s['valid_y'][:1000])
    torch.manual_seed(0)
    _, hist = pretrain_encoder(ResNetEncoder(ResNetConfig()).to(dev), data, PretrainConfig(epochs=epochs),
                               HardwareConfig(str(dev), fast=fast), progress=False)
    return hist[-1]['seconds'] * 60_000 / images

def caption_epoch(dev, fast, epochs, steps, text_ids):
    "Seconds of the last text+caption epoch (scaled to 241 steps), the step medians, and the model"
    torch.manual_seed(0)
    model = MultiModal(ResNetEncoder(ResNetConfig()), GPT(GPTConfig())).to(dev)
    feats, labels = torch.randn(60_000, 1, 512, device=dev), torch.arange(60_000, device=dev) % 10
    text = TextBatches(text_ids.to(dev), 64, 128, seed=0)
    caps = CaptionBatches(feats, labels, 512, seed=0)
    full = len(text) + len(caps)
    cap = None if steps is None else steps // 2
    su = Setup(HardwareConfig(str(dev), fast=fast))
    opt, step_fn, prec, secs = su.optimizer(model.trainable_parameters(), 1e-3), su.step_fn, su.precision, []
    tasks = [TextTask(text, max_batches=cap), CaptionTask(caps, max_batches=cap)]
    batch_loss = task_loss(tasks)
    su.fit(model, opt, batch_loss, lambda e: TaskBatches(tasks, e), epochs, grad_clip=1.0, progress=False,
           cbs=[OnEpoch(lambda e, t, s: secs.append(s))])
    n = full if cap is None else len(TaskBatches(tasks, 0))
    medians = {}
    for name, b in (('text', next(iter(tasks[0].batches(0)))), ('caption', next(iter(tasks[1].batches(0))))):
        ts = []
        for _ in range(20):
            sync(dev)
            t = time.perf_counter()
            step_fn(model, batch_loss, b, opt, prec, 1.0)
            sync(dev)
            ts.append(time.perf_counter() - t)
        medians[f'{name}_step_ms'] = round(1000 * statistics.median(ts), 2)
    return dict(epoch_s=round(secs[-1] * full / n, 2), **medians), model

def captioning(dev, model, run):
    "Seconds to caption the 10,000 test images"
    if run: model = load_model(run, dev)[0]
    x, _ = get_fashion_mnist('test')
    caption_images(model, x[:1000])
    sync(dev)
    t = time.perf_counter()
    if run: caption_images(model, x)
    else: caption_features(model, torch.randn(10_000, 1, 512, device=dev))
    sync(dev)
    return round(time.perf_counter() - t, 3)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default=None)
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--steps', type=int, default=None, help='time only this many steps of a text+caption epoch')
    p.add_argument('--images', type=int, default=60_000, help='time the encoder epoch on this many images')
    p.add_argument('--run', default=None, help='a trained run, to caption with')
    p.add_argument('--paths', default='plain,fast')
    a = p.parse_args()
    dev = get_device(a.device)
    text_ids = split_text(torch.tensor(CharTokenizer().encode(get_shakespeare())))[0]
    res = dict(device=str(dev), name=torch.cuda.get_device_name(dev) if dev.type == 'cuda' else platform.processor() or platform.machine(),
               torch=torch.__version__, threads=torch.get_num_threads())
    for path in a.paths.split(','):
        fast = path == 'fast'
        r = dict(encoder_epoch_s=round(encoder_epoch(dev, fast, a.epochs, a.images), 2))
        ep, model = caption_epoch(dev, fast, a.epochs, a.steps, text_ids)
        r.update(ep, caption_10k_s=captioning(dev, model, a.run))
        res[path] = r
        print(json.dumps({path: r}), flush=True)
    if 'plain' in res and 'fast' in res:
        res['fast_over_plain'] = {k: round(res['fast'][k] / res['plain'][k], 3) for k in res['plain']}
    print(json.dumps(res))

if __name__ == '__main__': main()
