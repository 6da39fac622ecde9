#!/usr/bin/env python3
"""PyTorch peer of `./keyshield bench`: the same workloads, threads and batch sizes, on the same cores.

Run by the bench (Debian's python3-torch / python3-torchvision); prints one JSON object on stdout:
{"torch": version, "threads": n, "workloads": {name: {"value": ..., "unit": ..., "peak_rss_mb": ...}}}.
Each figure is the median of --runs timed runs after --warmup untimed ones.
"""
import argparse
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torchvision.models.vision_transformer import VisionTransformer


def vit_b16():
    # torchvision's ViT-B/16: the same architecture as timm's vit_base_patch16_224 (86.6 M parameters)
    return VisionTransformer(image_size=224, patch_size=16, num_layers=12, num_heads=12, hidden_dim=768,
                             mlp_dim=3072, num_classes=1000)


def vit_cifar():
    # the small CIFAR ViT of the keyed fine-tuning experiments: img 32, patch 4, dim 192, depth 6, heads 3
    return VisionTransformer(image_size=32, patch_size=4, num_layers=6, num_heads=3, hidden_dim=192,
                             mlp_dim=768, num_classes=10)


def timed(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def forward_throughput(model, batch, size, warmup, runs):
    model.eval()
    x = torch.rand(batch, 3, size, size)
    with torch.no_grad():
        sec = timed(lambda: model(x), warmup, runs)
    return batch / sec


def train_throughput(model, batch, size, classes, warmup, runs):
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.05)
    x = torch.rand(batch, 3, size, size)
    y = torch.randint(0, classes, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return batch / timed(step, warmup, runs)


def pgd_throughput(model, batch, warmup, runs, steps=10, eps=8 / 255, alpha=2 / 255):
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    x = torch.rand(batch, 3, 32, 32)
    y = torch.randint(0, 10, (batch,))

    def attack():
        adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
        for _ in range(steps):
            adv.requires_grad_(True)
            loss = F.cross_entropy(model(adv), y)
            g, = torch.autograd.grad(loss, adv)
            adv = torch.min(torch.max(adv.detach() + alpha * g.sign(), x - eps), x + eps).clamp(0, 1)
        return adv

    return batch / timed(attack, warmup, runs)


def gemm_gflops(m, k, n, warmup, runs):
    a, b = torch.rand(m, k), torch.rand(k, n)
    out = torch.empty(m, n)
    sec = timed(lambda: torch.mm(a, b, out=out), warmup, runs)
    return 2.0 * m * k * n / sec / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="comma-separated workload names")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    warmup, runs = (1, 3) if args.quick else (2, 5)
    only = set(filter(None, args.only.split(",")))
    out = {}

    def record(name, fn, unit):
        if only and name not in only:
            return
        value = fn()
        out[name] = {"value": value, "unit": unit, "peak_rss_mb": peak_rss_mb()}
        print(f"peer_torch: {name} = {value:.2f} {unit}", file=sys.stderr, flush=True)

    for (m, k, n) in [(1576, 768, 2304), (1576, 768, 3072), (1576, 3072, 768), (1576, 768, 768), (2048, 2048, 2048)]:
        record(f"gemm_{m}x{k}x{n}", lambda: gemm_gflops(m, k, n, warmup, runs), "GFLOP/s")
    record("vit_cifar_train_b128", lambda: train_throughput(vit_cifar(), 128, 32, 10, warmup, runs), "img/s")
    record("vit_cifar_pgd10_b128", lambda: pgd_throughput(vit_cifar(), 128, 1 if args.quick else warmup, runs), "img/s")
    record("vit_b16_forward_b8", lambda: forward_throughput(vit_b16(), 8, 224, warmup, runs), "img/s")
    record("vit_b16_train_b8", lambda: train_throughput(vit_b16(), 8, 224, 1000, 1, 3 if args.quick else runs), "img/s")
    # plain PyTorch at batch 32 (no checkpointing: it fits without)
    record("vit_b16_train_b32", lambda: train_throughput(vit_b16(), 32, 224, 1000, 1, 3), "img/s")
    json.dump({"torch": torch.__version__, "threads": args.threads, "workloads": out}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
