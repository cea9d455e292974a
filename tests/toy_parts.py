"""Parts written outside nanomm, as a learner would: an encoder, a dataset with its own captions, an LM block, a pretraining
objective and a task a run trains on"""
from dataclasses import dataclass
import torch, torch.nn as nn, torch.nn.functional as F
from nanomm.vision import register_encoder, ImageClassifier
from nanomm.tasks import ClassifyTask, register_objective, TextTask, register_task
from nanomm.data import TextBatches
from nanomm.data import ImageSpec, ImageDataset, register_dataset, SPLITS
from nanomm.gpt import GPTConfig, SelfAttention, register_block

@dataclass
class GridConfig:
    "A tiny encoder: one linear map per 7x7 patch"
    kind = 'grid'          # the name it is registered under (a class attribute, saved beside the fields)
    width:int = 16         # features per patch
    in_channels:int = 1    # grey pictures
    @property
    def n_out(self) -> int: return self.width
    @property
    def n_patches(self) -> int: return 16

class GridEncoder(nn.Module):
    "Patches of 7x7 pixels, each mapped to `width` features; the pooled vector is their mean"
    def __init__(self, cfg:GridConfig):
        super().__init__()
        self.cfg, self.embed = cfg, nn.Linear(49, cfg.width)
    def forward(self, x, tokens='pooled'):
        B = x.shape[0]
        patches = x.reshape(B, 4, 7, 4, 7).permute(0, 1, 3, 2, 4).reshape(B, 16, 49)   # (B, 16, 49)
        h = F.relu(self.embed(patches))                                                 # (B, 16, width)
        return h.mean(1, keepdim=True) if tokens == 'pooled' else h

register_encoder('grid', GridConfig, GridEncoder)

@register_dataset('halves')
class Halves(ImageDataset):
    "Pictures lit on their top or bottom half, captioned in words of their own"
    name, classes, spec = 'halves', ['top', 'bottom'], ImageSpec(mean=(0.3,), std=(0.4,))
    captions = [['light above', 'the top is lit'], ['light below', 'the bottom is lit']]
    def __init__(self, n:int=512, seed:int=0): self.n, self.seed = n, seed

    def splits(self, validation='holdout', root=None, download=True, test=True):
        g = torch.Generator().manual_seed(self.seed)
        def part(n):
            y = torch.randint(0, 2, (n,), generator=g)
            x = torch.randint(0, 60, (n, 28, 28), generator=g, dtype=torch.uint8)
            rows = torch.arange(28)[None, :, None]
            lit = (rows < 14) == (y[:, None, None] == 0)                                # (n, 28, 1)
            return torch.where(lit, x + 180, x), y
        parts = dict(zip(SPLITS, (part(self.n), part(self.n // 4), part(self.n // 4))))
        return {f'{k}_{xy}': v for k, p in parts.items() if test or k != 'test' for xy, v in zip('xy', p)}

class ReluBlock(nn.Module):
    "A pre-RMSNorm block whose MLP is Linear(C, 2C) -> ReLU -> Linear(2C, C)"
    def __init__(self, cfg:GPTConfig):
        super().__init__()
        C = cfg.n_embd
        self.norm_1, self.attn, self.norm_2 = nn.RMSNorm(C), SelfAttention(cfg), nn.RMSNorm(C)
        self.mlp = nn.Sequential(nn.Linear(C, 2 * C), nn.ReLU(), nn.Linear(2 * C, C))
    def forward(self, x, cache=None, layer=0, mask=None, attn=None):
        x = x + self.attn(self.norm_1(x), cache, layer, mask, attn)
        return x + self.mlp(self.norm_2(x))                                              # (B, T, C)

register_block('relu', ReluBlock)

@register_dataset('colours')
class Colours(ImageDataset):
    "Colour pictures of 24x16 pixels whose class is the colour that dominates them"
    name, classes = 'colours', ['red', 'green', 'blue']
    spec = ImageSpec(3, (24, 16), (0.35, 0.35, 0.35), (0.3, 0.3, 0.3))
    captions = [['a red picture', 'something red'], ['a green picture', 'something green'],
                ['a blue picture', 'something blue']]
    def __init__(self, n:int=384, seed:int=0): self.n, self.seed = n, seed

    def splits(self, validation='holdout', root=None, download=True, test=True):
        g = torch.Generator().manual_seed(self.seed)
        def part(n):
            y = torch.randint(0, 3, (n,), generator=g)
            x = torch.randint(0, 70, (n, 3, 24, 16), generator=g)
            x[torch.arange(n), y] += 160                                                  # channel y is lit
            return x.to(torch.uint8), y
        parts = dict(zip(SPLITS, (part(self.n), part(self.n // 4), part(self.n // 4))))
        return {f'{k}_{xy}': v for k, p in parts.items() if test or k != 'test' for xy, v in zip('xy', p)}

@register_dataset('unlabelled')
class Unlabelled(Colours):
    "The colour pictures without class names: caption groups only"
    name, classes = 'unlabelled', None

@register_objective('inverted')
class Inverted(ClassifyTask):
    "A pretraining objective that needs no labels: every second picture of a batch is inverted; which ones?"
    name = 'inverted'
    def model(self, encoder, n_classes=10, hidden=1024, dataset=None): return ImageClassifier(encoder, 2, hidden)
    def _loss(self, model, b, label_smoothing, fmt=torch.channels_last):
        x, odd = b['x'], torch.arange(len(b['x']), device=b['x'].device) % 2
        x = torch.where(odd.bool().view(-1, *[1] * (x.ndim - 1)), 255 - x, x)
        return super()._loss(model, {'x': x, 'y': odd}, label_smoothing, fmt)

def caption_text(cfg, data, feats, captions, dev):
    "A run task of one's own: every phrasing of the run's captions, one after another, as text to continue"
    rows = [captions.ids[g, k, :captions.lengths[g, k]] for g in range(len(captions.ids)) for k in range(captions.n_syn)]
    ids = torch.cat(rows).repeat(20).to(dev)                                         # a stream long enough to batch
    d, T = cfg.data, cfg.lm.block_size
    return TextTask(TextBatches(ids, d.caption_bs, T, seed=cfg.seed), TextBatches(ids, d.caption_bs, T, 'chunks', shuffle=False),
                    d.caption_batches, name='caption_text')

register_task('caption_text', caption_text)
