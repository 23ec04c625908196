"""Training and sampling speed of the generators on the Stocks data (TimeGAN benchmark).

Each generator is built as the benchmark builds it (its defaults, the iteration budget
``--iterations``: ``n_iter`` per phase for the adversarial generators) and the script
prints the iterations per second of every training phase and the series sampled per
second. Phase times come from the fitted generator itself: ``history_`` holds each
phase's losses (one value per iteration) and, where the estimator records them, its
wall-clock seconds (``history_["phase_seconds"]``), which include the batch draws,
the loss bookkeeping and the NaN guard a real fit pays for. A generator that does not
record phase seconds gets one line for its whole fit instead.

Usage::

    python benchmarks/speed.py --iterations 100
    python benchmarks/speed.py --generators timegan --threads 1 2
    python benchmarks/speed.py --device cuda --iterations 500
"""

from __future__ import annotations

import argparse
import time

import torch

from tsaugment.benchmark import AUGMENTERS, make_augmenter, resolve_budget
from tsaugment.datasets import load_stocks


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def phase_rates(history: dict) -> dict:
    """``{phase: (iterations, seconds)}`` from a fitted generator's ``history_``."""
    seconds = history.get("phase_seconds", {})
    rates = {}
    for phase, spent in seconds.items():
        losses = history.get(phase, {})
        n_iter = max((len(v) for v in losses.values() if isinstance(v, list)), default=0)
        rates[phase] = (n_iter, spent)
    return rates


def measure(name: str, X, *, iterations: int, device: str, n_sample: int, seed: int = 0):
    """Fit one generator at ``iterations`` per phase; return its timings."""
    generator = make_augmenter(name, resolve_budget(iterations), seed)
    if "device" in generator.get_params():
        generator.set_params(device=device)
    _sync()
    start = time.perf_counter()
    generator.fit(X)
    _sync()
    fit_s = time.perf_counter() - start
    generator.sample(16)  # warm-up
    _sync()
    start = time.perf_counter()
    generator.sample(n_sample)
    _sync()
    sample_s = time.perf_counter() - start
    phases = phase_rates(getattr(generator, "history_", {}))
    return {"phases": phases, "fit_s": fit_s, "samples_per_s": n_sample / sample_s}


def main(argv=None) -> None:
    names = [name for name in AUGMENTERS if name != "none"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=100, help="iterations per phase")
    parser.add_argument(
        "--generators", nargs="+", default=["timegan", "avatar", "aae"], choices=names
    )
    parser.add_argument("--device", default="cpu", help="cpu, cuda, auto")
    parser.add_argument(
        "--threads", type=int, nargs="+", default=[torch.get_num_threads()], help="torch threads"
    )
    parser.add_argument("--n-sample", type=int, default=10000, help="series to sample")
    args = parser.parse_args(argv)

    X = load_stocks()
    print(f"Stocks: {X.shape}, torch {torch.__version__}, device {args.device}")
    print(f"{'generator':<10}{'threads':>8}{'phase':>14}{'it/s':>10}")
    for threads in args.threads:
        torch.set_num_threads(threads)
        for name in args.generators:
            res = measure(
                name, X, iterations=args.iterations, device=args.device, n_sample=args.n_sample
            )
            for phase, (n_iter, seconds) in res["phases"].items():
                print(f"{name:<10}{threads:>8}{phase:>14}{n_iter / seconds:>10.2f}")
            if not res["phases"]:
                print(f"{name:<10}{threads:>8}  (no phase seconds in history_: whole fit only)")
            print(f"{name:<10}{threads:>8}{'sample':>14}{res['samples_per_s']:>10.0f} series/s")
            print(f"{name:<10}{threads:>8}{'fit total':>14}{res['fit_s']:>9.1f}s", flush=True)


if __name__ == "__main__":
    main()
