"""Engine steps/s against a plain hand-written PyTorch loop of the same config.

Both run in this process, alternating in rounds, so machine noise hits both alike.
Prints the median steps/s of each and their ratio. Usage:
    python benchmarks/train_speed.py [--seconds 3] [--rounds 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gan_core.device import configure_threads  # noqa: E402
from gan_core.targets import get_target  # noqa: E402
from gan_core.run import Run  # noqa: E402
from gan_core.variants import config_for  # noqa: E402

CASES = {
    "default (3x128, batch 256, NS-GAN, eight_gaussians)":
        config_for("nsgan", target="eight_gaussians"),
    "GAN Lab largest (5x100, batch 150, kD 2, kG 1)":
        config_for("nsgan", target="eight_gaussians", g_depth=5, g_width=100, d_depth=5,
                   d_width=100, batch_size=150, k_d=2, k_g=1),
}


def plain_mlp(in_dim, width, depth, out_dim):
    layers, dim = [], in_dim
    for _ in range(depth):
        layers += [nn.Linear(dim, width), nn.ReLU()]
        dim = width
    return nn.Sequential(*layers, nn.Linear(dim, out_dim))


class PlainLoop:
    """What a careful person writes by hand from the PyTorch DCGAN example."""

    def __init__(self, cfg):
        torch.manual_seed(cfg.seed)
        self.cfg, self.target = cfg, get_target(cfg.target)
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.G = plain_mlp(cfg.latent_dim, cfg.g_width, cfg.g_depth, 2)
        self.D = plain_mlp(2, cfg.d_width, cfg.d_depth, 1)
        betas = (cfg.beta1, cfg.beta2)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=cfg.lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=cfg.lr_d, betas=betas)

    def real(self):
        x, _ = self.target.sample(self.cfg.batch_size, self.gen)
        return self.target.normalise(x)

    def z(self):
        return torch.randn(self.cfg.batch_size, self.cfg.latent_dim, generator=self.gen)

    def step(self):
        for _ in range(self.cfg.k_d):
            d_real, d_fake = self.D(self.real()), self.D(self.G(self.z()).detach())
            loss_d = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real)) + \
                F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
            self.opt_d.zero_grad()
            loss_d.backward()
            self.opt_d.step()
        for _ in range(self.cfg.k_g):
            d_fake = self.D(self.G(self.z()))
            loss_g = F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))
            self.opt_g.zero_grad()
            loss_g.backward()
            self.opt_g.step()
        return loss_d.item(), loss_g.item()  # logged every step, as the engine does


def steps_per_s(step, seconds):
    """(steps per wall second, steps per CPU second of this process). CPU time is far
    less disturbed by other programs on a shared machine; wall time is what users feel."""
    for _ in range(3):  # warm-up
        step()
    n, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        step()
        n += 1
    return n / (time.perf_counter() - start), n / max(time.process_time() - cpu, 1e-9)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=0.5, help="per measurement")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    threads = configure_threads()
    print(f"torch {torch.__version__}, {threads} threads, {args.rounds} rounds x {args.seconds}s")
    for label, cfg in CASES.items():
        engine = Run(cfg, device=torch.device("cpu"))
        plain = PlainLoop(cfg)
        rounds = []
        for _ in range(args.rounds):
            rounds.append((steps_per_s(plain.step, args.seconds),
                           steps_per_s(engine.step, args.seconds)))
        print(label)
        for i, clock in enumerate(("wall", "CPU")):
            p_rates = [r[0][i] for r in rounds]
            e_rates = [r[1][i] for r in rounds]
            ratios = sorted(e / p for e, p in zip(e_rates, p_rates))
            q1, q3 = ratios[len(ratios) // 4], ratios[(3 * len(ratios)) // 4]
            print(f"  {clock:4s} engine {statistics.median(e_rates):7.1f} it/s   plain "
                  f"{statistics.median(p_rates):7.1f} it/s   ratio "
                  f"{statistics.median(ratios):.2f}x (median of {len(ratios)} paired rounds, "
                  f"interquartile {q1:.2f}-{q3:.2f})")


if __name__ == "__main__":
    main()
