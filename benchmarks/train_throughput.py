"""Training throughput of the blog configuration on the current device (not part of the test run).

    python benchmarks/train_throughput.py [--steps 20] [--device cuda|mps|cpu] [--threads N]

Times `steps` text steps (64 x 128 characters) and `steps` caption steps (512 images, from precomputed encoder
features, as `train` does) of the blog's model, after a few warm-up steps, and prints one line of JSON: text tokens/s,
caption samples/s, and the seconds one blog epoch (123 text + 118 caption batches, validation excluded) would take.
Inputs are random token ids, features and captions of the right shapes: throughput does not depend on their values.
"""
import argparse, json, platform, time
import torch
from nanomm.data import default_device, CaptionTable
from nanomm.gpt import GPT
from nanomm.multimodal import MultiModal
from nanomm.resblock_encoder import VisionEncoder, amp_setup
from nanomm.train import TrainConfig, batch_losses

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=20); p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--device', default=None); p.add_argument('--threads', type=int, default=None)
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    cfg = TrainConfig.from_preset('blog')
    dev = torch.device(a.device) if a.device else default_device()
    torch.manual_seed(0)
    model = MultiModal(VisionEncoder(cfg.encoder_config()), GPT(cfg.gpt_config())).to(dev).train()
    opt = torch.optim.Adam(model.trainable_parameters(), lr=cfg.lr)
    autocast, scaler = amp_setup(dev, cfg.mixed_precision)
    params = model.trainable_parameters()
    text = dict(task='text', idx=torch.randint(0, 65, (cfg.text_bs, cfg.block_size), device=dev))
    text['targets'] = torch.randint(0, 65, (cfg.text_bs, cfg.block_size), device=dev)
    g = torch.Generator().manual_seed(0)
    vis = dict(task='vision', features=torch.randn(cfg.vision_bs, 512, device=dev),
               **{k: v.to(dev) for k, v in CaptionTable().batch(torch.randint(0, 10, (cfg.vision_bs,), generator=g),
                                                                 torch.randint(0, 20, (cfg.vision_bs,), generator=g)).items()})
    def step(b):
        with autocast(): loss = batch_losses(model, b)[0]
        opt.zero_grad(set_to_none=True); scaler.scale(loss).backward()
        scaler.unscale_(opt); torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip); scaler.step(opt); scaler.update()
    def timed(b):
        for _ in range(a.warmup): step(b)
        if dev.type == 'cuda': torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(a.steps): step(b)
        if dev.type == 'cuda': torch.cuda.synchronize()
        return (time.perf_counter() - t) / a.steps
    t_text, t_vis = timed(text), timed(vis)
    print(json.dumps(dict(device=str(dev), device_name=torch.cuda.get_device_name(dev) if dev.type == 'cuda' else platform.processor() or platform.machine(),
                          torch=torch.__version__, threads=torch.get_num_threads(), steps=a.steps,
                          text_tokens_per_s=round(cfg.text_bs * cfg.block_size / t_text, 1),
                          vision_samples_per_s=round(cfg.vision_bs / t_vis, 1),
                          seconds_per_epoch=round(123 * t_text + 118 * t_vis, 1))))

if __name__ == '__main__': main()
