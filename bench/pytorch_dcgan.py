"""The DCGAN-MNIST reference step of tfjs-gan's bench in PyTorch, for a side-by-side ratio.

G = dense 100 -> 7x7x128 (no bias), BN, ReLU, convT 64 k5 s2 (no bias), BN, ReLU, convT 1 k5 s2, tanh;
D = conv 64 k5 s2, LeakyReLU 0.2, conv 128 k5 s2, LeakyReLU 0.2, dense 1. Non-saturating loss on
logits, Adam(2e-4, 0.5, 0.999), batch 64: the same step as tfjs-gan's Trainer (a discriminator step
on a real and a fake batch, then a generator step).

Usage: python3 bench/pytorch_dcgan.py --threads N --steps S  -> prints one JSON line.
Needs Debian's python3-torch (installed by hand, never by CI); use OpenBLAS (libopenblas0-pthread).
"""
import argparse
import ctypes
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Generator(nn.Module):
    def __init__(self, latent_dim=100):
        super().__init__()
        self.fc = nn.Linear(latent_dim, 7 * 7 * 128, bias=False)
        self.bn0 = nn.BatchNorm1d(7 * 7 * 128, momentum=0.1, eps=1e-5)
        self.up1 = nn.ConvTranspose2d(128, 64, 5, stride=2, padding=2, output_padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64, momentum=0.1, eps=1e-5)
        self.up2 = nn.ConvTranspose2d(64, 1, 5, stride=2, padding=2, output_padding=1)

    def forward(self, z):
        x = F.relu(self.bn0(self.fc(z))).view(-1, 128, 7, 7)
        x = F.relu(self.bn1(self.up1(x)))
        return torch.tanh(self.up2(x))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 64, 5, stride=2, padding=2)
        self.c2 = nn.Conv2d(64, 128, 5, stride=2, padding=2)
        self.fc = nn.Linear(7 * 7 * 128, 1)

    def forward(self, x):
        x = F.leaky_relu(self.c1(x), 0.2)
        x = F.leaky_relu(self.c2(x), 0.2)
        return self.fc(x.flatten(1)).view(-1)


def blas_kernel():
    """The BLAS that PyTorch calls (Debian's libblas.so.3 alternative) and, for OpenBLAS, the core kernel it picked."""
    try:
        lib = ctypes.CDLL('libblas.so.3')
    except OSError:
        return 'libblas.so.3 not loadable'
    try:
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return 'OpenBLAS %s, core %s' % (lib.openblas_get_config().decode().strip(), lib.openblas_get_corename().decode())
    except AttributeError:
        return 'not OpenBLAS (reference BLAS?)'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    g, d = Generator(), Discriminator()
    g_opt = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real_data = torch.rand(1024, 1, 28, 28) * 2 - 1
    times = []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        idx = torch.randint(0, 1024, (64,))
        real = real_data[idx]
        with torch.no_grad():
            fake = g(torch.randn(64, 100))
        d_opt.zero_grad(set_to_none=True)
        d_loss = F.softplus(-d(real)).mean() + F.softplus(d(fake)).mean()
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad(set_to_none=True)
        g_loss = F.softplus(-d(g(torch.randn(64, 100)))).mean()
        g_loss.backward()
        g_opt.step()
        float(d_loss), float(g_loss)
        if step >= args.warmup:
            times.append(time.perf_counter() - start)
    print(json.dumps({'secondsPerStep': statistics.median(times), 'threads': args.threads,
                      'torch': torch.__version__, 'steps': args.steps, 'blas': blas_kernel()}))


if __name__ == '__main__':
    main()
