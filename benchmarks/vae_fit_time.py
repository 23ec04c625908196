"""Time to fit LatentVAEAugmenter at its defaults on UCR data sets (CPU by default).

    python benchmarks/vae_fit_time.py --root ../shared/data/ucr [--datasets Coffee Wine]

Prints one row per data set: training series, channels, length, fit seconds.
"""

import argparse
import time

import torch

from tsaugment import LatentVAEAugmenter
from tsaugment.datasets import list_ucr, load_ucr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="../shared/data/ucr")
    parser.add_argument("--datasets", nargs="*", help="default: every data set under --root")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    names = args.datasets or list_ucr(args.root)["root"]
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, device {args.device}")
    print(f"{'dataset':22s} {'n_train':>7s} {'C':>2s} {'T':>5s} {'fit_s':>8s}")
    total = 0.0
    for name in names:
        X, y = load_ucr(name, split="train", root=args.root)
        start = time.perf_counter()
        LatentVAEAugmenter(device=args.device, random_state=0).fit(X, y)
        seconds = time.perf_counter() - start
        total += seconds
        n, c, t = X.shape
        print(f"{name:22s} {n:7d} {c:2d} {t:5d} {seconds:8.1f}", flush=True)
    print(f"{'total':22s} {'':7s} {'':2s} {'':5s} {total:8.1f}")


if __name__ == "__main__":
    main()
