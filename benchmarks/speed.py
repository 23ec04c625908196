"""Training and sampling speed of the generators on the Stocks data (TimeGAN benchmark).

Each generator is trained at its reference settings (its defaults, only ``n_iter``
lowered to ``--iterations``) and the script prints the iterations per second of every
training phase and the series sampled per second. Phases are timed by wrapping the
package's one training loop (``run_phase``), so the figures include the batch draws,
the loss bookkeeping and the NaN guard a real fit pays for.

Usage::

    PYTHONPATH=. python benchmarks/speed.py --iterations 100
    PYTHONPATH=. python benchmarks/speed.py --generators timegan --threads 1 2
    PYTHONPATH=. python benchmarks/speed.py --device cuda --iterations 500
"""

from __future__ import annotations

import argparse
import importlib
import time

import torch

from tsaugment.datasets import load_stocks

GENERATORS = {
    "timegan": ("tsaugment.generators._timegan", "TimeGANGenerator"),
    "avatar": ("tsaugment.generators._avatar", "AvatarGenerator"),
    "aae": ("tsaugment.generators._aae", "AAEGenerator"),
}


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _timed_phases(module, timings: dict):
    """Wrap ``module.run_phase`` so that each phase's wall time lands in ``timings``."""
    original = module.run_phase

    def timed(step, n_iter, *, phase, **kwargs):
        _sync()
        start = time.perf_counter()
        out = original(step, n_iter, phase=phase, **kwargs)
        _sync()
        timings[phase] = (n_iter, time.perf_counter() - start)
        return out

    module.run_phase = timed
    return original


def measure(name: str, X, *, iterations: int, device: str, n_sample: int, seed: int = 0):
    """Fit one generator for ``iterations`` per phase; return its timings."""
    module_name, class_name = GENERATORS[name]
    module = importlib.import_module(module_name)
    # AVATAR's and AAE's loops live in their own modules; the base class's in _aae
    modules = {module, importlib.import_module("tsaugment.generators._aae")}
    timings: dict = {}
    originals = {m: _timed_phases(m, timings) for m in modules}
    try:
        gen = getattr(module, class_name)(n_iter=iterations, device=device, random_state=seed)
        start = time.perf_counter()
        gen.fit(X)
        fit_s = time.perf_counter() - start
    finally:
        for m, original in originals.items():
            m.run_phase = original
    gen.sample(16)  # warm-up
    _sync()
    start = time.perf_counter()
    gen.sample(n_sample)
    _sync()
    sample_s = time.perf_counter() - start
    return {"phases": timings, "fit_s": fit_s, "samples_per_s": n_sample / sample_s}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=100, help="iterations per phase")
    parser.add_argument("--generators", nargs="+", default=list(GENERATORS), choices=GENERATORS)
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
            print(f"{name:<10}{threads:>8}{'sample':>14}{res['samples_per_s']:>10.0f} series/s")
            print(f"{name:<10}{threads:>8}{'fit total':>14}{res['fit_s']:>9.1f}s", flush=True)


if __name__ == "__main__":
    main()
