"""A tfjs-gan recipe trained in PyTorch, for the time-to-quality race of `npm run bench:quality`.

The recipe comes as tfjs-gan's own JSON (`recipes.mnist().config`): the DCGAN pair of the library's
builders for 28x28 images (generator: dense to 7x7x(2*width), conditional batch norm, ReLU, stride-2 4x4
transposed convolutions; discriminator: stride-2 4x4 convolutions with LeakyReLU 0.2, spectral norm,
a projection head), its loss (hinge or non-saturating), Adam (epsilon 1e-7, tfjs's), the EMA generator (with tfjs-gan's warm-up
decay min(decay, (1 + n) / (10 + n))), the linear learning-rate decay and the batch size.

It trains on the digits bench/quality.ts exported, for --budget seconds of training time, and every
--every seconds writes the EMA generator's samples for fixed latents and labels (--count samples, the
classes in turn) as raw float32 NHWC in [-1, 1] to --out/samples-<k>.f32, with an index
--out/index.json. Evaluation is left to tfjs-gan (the same metrics for both sides); the time spent
writing samples is not counted.

Usage: python3 bench/pytorch_recipe.py --recipe recipe.json --data DIR --out DIR --budget 600 --every 60
Needs Debian's python3-torch (installed by hand, never by CI).
"""
import argparse
import copy
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm


class ConditionalBatchNorm(nn.Module):
    """Batch norm without affine parameters, then a per-class scale (init 1) and offset (init 0).

    `flat` normalises each feature of a [batch, features] input (BatchNorm1d), as tfjs-gan's generator
    does after its first dense layer (before the reshape to 7x7); otherwise each channel of [N, C, H, W].
    Momentum 0.1 is tfjs's 0.9 (PyTorch weights the new batch, Keras the old average).
    """

    def __init__(self, channels, num_classes, flat=False):
        super().__init__()
        norm = nn.BatchNorm1d if flat else nn.BatchNorm2d
        self.flat = flat
        self.bn = norm(channels, affine=False, momentum=0.1, eps=1e-5)
        self.gamma = nn.Embedding(num_classes, channels)
        self.beta = nn.Embedding(num_classes, channels)
        nn.init.ones_(self.gamma.weight)
        nn.init.zeros_(self.beta.weight)

    def forward(self, x, y):
        out = self.bn(x)
        if self.flat:
            return out * self.gamma(y) + self.beta(y)
        return out * self.gamma(y)[:, :, None, None] + self.beta(y)[:, :, None, None]


class Generator(nn.Module):
    def __init__(self, latent_dim, width, num_classes):
        super().__init__()
        self.base = 2 * width
        self.fc = nn.Linear(latent_dim, 7 * 7 * self.base, bias=False)
        self.bn0 = ConditionalBatchNorm(7 * 7 * self.base, num_classes, flat=True)
        self.up1 = nn.ConvTranspose2d(self.base, width, 4, stride=2, padding=1, bias=False)
        self.bn1 = ConditionalBatchNorm(width, num_classes)
        self.up2 = nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1)
        for m in (self.fc, self.up1, self.up2):
            nn.init.normal_(m.weight, 0, 0.02)

    def forward(self, z, y):
        x = F.relu(self.bn0(self.fc(z), y)).view(-1, self.base, 7, 7)
        x = F.relu(self.bn1(self.up1(x), y))
        return torch.tanh(self.up2(x))


class Discriminator(nn.Module):
    def __init__(self, width, num_classes, sn):
        super().__init__()
        wrap = spectral_norm if sn else (lambda m: m)
        c1 = nn.Conv2d(1, width, 4, stride=2, padding=1)
        c2 = nn.Conv2d(width, 2 * width, 4, stride=2, padding=1)
        for m in (c1, c2):
            nn.init.normal_(m.weight, 0, 0.02)
        self.c1, self.c2 = wrap(c1), wrap(c2)
        self.fc = nn.Linear(7 * 7 * 2 * width, 1)
        self.embed = nn.Embedding(num_classes, 7 * 7 * 2 * width)
        nn.init.normal_(self.fc.weight, 0, 0.02)
        nn.init.normal_(self.embed.weight, 0, 0.02)

    def forward(self, x, y):
        h = F.leaky_relu(self.c1(x), 0.2)
        h = F.leaky_relu(self.c2(h), 0.2).flatten(1)
        return self.fc(h).view(-1) + (self.embed(y) * h).sum(1)


def check_recipe(r):
    """Refuses what this script does not implement, rather than training something else."""
    g, d = r['generator'], r['discriminator']
    problems = []
    if r['architecture'] != 'dcgan' or not r['conditional']:
        problems.append('a conditional dcgan recipe')
    if g.get('conditioning') != 'cbn' or d.get('conditioning') != 'projection':
        problems.append("conditioning 'cbn' + 'projection'")
    if g.get('kernelSize', 4) != 4 or d.get('kernelSize', 4) != 4:
        problems.append('kernel size 4')
    if r['loss'] not in ('hinge', 'non-saturating'):
        problems.append('loss hinge or non-saturating')
    if r['penalties'] or r['augment'] or r['discriminatorSteps'] != 1:
        problems.append('no penalties, no augmentation, one discriminator step')
    if problems:
        raise SystemExit('pytorch_recipe.py implements ' + ', '.join(problems) + f'; the recipe is {json.dumps(r)}')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--recipe', required=True)
    parser.add_argument('--data', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--budget', type=float, default=600)
    parser.add_argument('--every', type=float, default=60)
    parser.add_argument('--count', type=int, default=2000)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    with open(args.recipe) as f:
        r = json.load(f)
    check_recipe(r)
    torch.set_num_threads(args.threads)
    torch.manual_seed(r['seed'])
    meta = json.load(open(os.path.join(args.data, 'data.json')))
    n = meta['count']
    images = torch.from_numpy(np.fromfile(os.path.join(args.data, 'images.f32'), dtype=np.float32).reshape(n, 28, 28, 1)).permute(0, 3, 1, 2).contiguous()
    labels = torch.from_numpy(np.fromfile(os.path.join(args.data, 'labels.i32'), dtype=np.int32).astype(np.int64))
    num_classes = meta['numClasses']
    latent_dim = r['generator'].get('latentDim', 64)
    g = Generator(latent_dim, r['generator'].get('width', 32), num_classes)
    d = Discriminator(r['discriminator'].get('width', 32), num_classes, bool(r['discriminator'].get('spectralNorm', False)))
    ema = copy.deepcopy(g).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    betas = (r['beta1'], r['beta2'])
    g_opt = torch.optim.Adam(g.parameters(), lr=r['generatorLearningRate'], betas=betas, eps=1e-7)
    d_opt = torch.optim.Adam(d.parameters(), lr=r['discriminatorLearningRate'], betas=betas, eps=1e-7)
    batch, steps, decay = r['batchSize'], r['steps'], r['learningRateDecay']

    def multiplier(step):
        if decay['kind'] == 'none':
            return 1.0
        start = decay.get('start', 0) * steps
        if step <= start:
            return 1.0
        return 1 - (1 - decay.get('final', 0.1)) * min(1.0, (step - start) / max(1, steps - start))

    hinge = r['loss'] == 'hinge'
    gen = torch.Generator().manual_seed(7)
    fixed_z = torch.randn(args.count, latent_dim, generator=gen)
    fixed_y = torch.arange(args.count) % num_classes
    os.makedirs(args.out, exist_ok=True)
    fixed_y.numpy().astype(np.int32).tofile(os.path.join(args.out, 'labels.i32'))
    index = {'recipe': r['name'], 'torch': torch.__version__, 'threads': args.threads, 'count': args.count, 'snapshots': []}
    trained = 0.0
    next_snapshot = args.every
    step = 0
    perm = torch.randperm(n)
    cursor = 0
    while trained < args.budget:
        start = time.perf_counter()
        for group in g_opt.param_groups:
            group['lr'] = r['generatorLearningRate'] * multiplier(step)
        for group in d_opt.param_groups:
            group['lr'] = r['discriminatorLearningRate'] * multiplier(step)
        if cursor + batch > n:
            perm, cursor = torch.randperm(n), 0
        idx = perm[cursor:cursor + batch]
        cursor += batch
        real, real_y = images[idx], labels[idx]
        fake_y = torch.randint(0, num_classes, (batch,))
        with torch.no_grad():
            fake = g(torch.randn(batch, latent_dim), fake_y)
        d_opt.zero_grad(set_to_none=True)
        real_logits, fake_logits = d(real, real_y), d(fake, fake_y)
        if hinge:
            d_loss = F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
        else:
            d_loss = F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad(set_to_none=True)
        gen_y = torch.randint(0, num_classes, (batch,))
        logits = d(g(torch.randn(batch, latent_dim), gen_y), gen_y)
        g_loss = -logits.mean() if hinge else F.softplus(-logits).mean()
        g_loss.backward()
        g_opt.step()
        step += 1
        with torch.no_grad():
            k = step - r['emaStart']
            beta = 0.0 if (r['emaDecay'] is False or k <= 0) else min(r['emaDecay'], (1 + k) / (10 + k))
            for pe, p in zip(ema.parameters(), g.parameters()):
                pe.mul_(beta).add_(p, alpha=1 - beta)
            for be, b in zip(ema.buffers(), g.buffers()):
                be.copy_(b)
        trained += time.perf_counter() - start
        if trained >= next_snapshot or trained >= args.budget:
            with torch.no_grad():
                samples = torch.cat([ema(fixed_z[i:i + 500], fixed_y[i:i + 500]) for i in range(0, args.count, 500)])
            name = f'samples-{len(index["snapshots"])}.f32'
            samples.permute(0, 2, 3, 1).contiguous().numpy().astype(np.float32).tofile(os.path.join(args.out, name))
            index['snapshots'].append({'file': name, 'step': step, 'seconds': round(trained, 2)})
            with open(os.path.join(args.out, 'index.json'), 'w') as f:
                json.dump(index, f)
            next_snapshot += args.every
    print(json.dumps({'steps': step, 'seconds': round(trained, 1), 'stepsPerSecond': round(step / trained, 2)}))


if __name__ == '__main__':
    main()
