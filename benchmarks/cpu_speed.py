"""Where attention drops out, and what it costs on this CPU: step times side by side, and the validation loss (not part of the test run).

    python benchmarks/cpu_speed.py [--repeats 10] [--quality-steps 200] [--out FILE]

In one process, alternating the two so that the machine's mood hits both alike, it times training steps of the blog's
configuration (4 layers, 128 wide, 8 heads, dropout 0.1, AdamW, gradients clipped at 1, fp32) with
`GPTConfig(dropout_at='weights')` (nanoGPT's placement: the fused attention kernel of a CPU cannot take it) against
`dropout_at='heads'` (the blog's code's placement: dropout on each head's output, the fused kernel runs):
- a text step: 64 windows of 128 characters;
- a caption step: 512 pictures' precomputed features (one image token) and their captions.
Then, for quality, it trains the text model (dropout 0.1) with each placement as `lm_options.py` trains its options:
`--quality-steps` steps of 16 random windows, cosine schedule, seed 0, the same batches; and measures the mean loss on
every window of the validation 5% of tiny Shakespeare (the test 5% is never read). It prints one JSON line: step medians in ms, the ratio weights/heads, validation losses, peak resident memory.
"""
import argparse, json, platform, resource, statistics, time
import torch
from nanomm.data import get_shakespeare, split_text, TextBatches, CaptionBatches
from nanomm.tokenizer import CharTokenizer
from nanomm.gpt import GPT, GPTConfig
from nanomm.resblock_encoder import ResNetConfig, ResNetEncoder
from nanomm.multimodal import MultiModal, batch_loss
from nanomm.hardware import HardwareConfig, Setup
from nanomm.loop import train_step
from lm_options import train_one   # the same budget and validation as the LM options' table

def make(at):
    torch.manual_seed(0)
    return MultiModal(ResNetEncoder(ResNetConfig()), GPT(GPTConfig(dropout_at=at)))

def blog_steps(text_ids):
    "The blog configuration with each placement: the setup, models, their optimizers, and a text and a caption batch"
    su = Setup(HardwareConfig('cpu'))
    models = {at: make(at).train() for at in ('weights', 'heads')}
    opts = {at: su.optimizer(m.trainable_parameters(), 1e-3) for at, m in models.items()}
    feats, labels = torch.randn(5_000, 1, 512), torch.arange(5_000) % 10   # a frozen encoder's features, once per run
    batches = dict(text=next(TextBatches(text_ids, 64, 128, seed=0).epoch(0)),
                   caption=next(CaptionBatches(feats, labels, 512, seed=0).epoch(0)))
    return su, models, opts, batches

def step_times(text_ids, repeats):
    "Median ms of text and caption steps for each placement, the two interleaved step by step"
    su, models, opts, batches = blog_steps(text_ids)
    ts = {(at, kind): [] for at in models for kind in batches}
    for i in range(repeats + 2):
        for kind, b in batches.items():
            for at, m in models.items():
                m.train()
                t = time.perf_counter()
                train_step(m, batch_loss, b, opts[at], su.precision, 1.0)
                if i >= 2: ts[at, kind].append(time.perf_counter() - t)
    return {f'{kind}_step_ms_{at}': round(1000 * statistics.median(v), 1) for (at, kind), v in ts.items()}

def quality(train_ids, valid_ids, steps):
    "Seconds of training and validation loss after `steps` text steps with each placement (lm_options.py's protocol)"
    res = {}
    for at in ('weights', 'heads'):
        _, secs, loss = train_one(GPTConfig(dropout_at=at), train_ids, valid_ids, steps, torch.device('cpu'))
        res[f'train_s_{at}'], res[f'valid_loss_{at}'] = round(secs, 1), round(loss, 4)
    return res

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=10)
    p.add_argument('--quality-steps', type=int, default=200)
    p.add_argument('--out', default=None, help='also write the JSON here')
    a = p.parse_args()
    train_ids, valid_ids, _ = split_text(torch.tensor(CharTokenizer().encode(get_shakespeare())))
    res = dict(cpu=platform.processor() or platform.machine(), torch=torch.__version__, threads=torch.get_num_threads(),
               day=time.strftime('%Y-%m-%d'))
    res.update(step_times(train_ids, a.repeats))
    for kind in ('text', 'caption'):
        res[f'{kind}_weights_over_heads'] = round(res[f'{kind}_step_ms_weights'] / res[f'{kind}_step_ms_heads'], 2)
    print(json.dumps(res), flush=True)
    if a.quality_steps: res.update(quality(train_ids, valid_ids, a.quality_steps))
    res['peak_rss_mib'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(res))
    if a.out: open(a.out, 'w').write(json.dumps(res, indent=1) + '\n')

if __name__ == '__main__': main()
