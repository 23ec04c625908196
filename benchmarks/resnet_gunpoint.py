"""ResNetClassifier with its default settings on GunPoint: test accuracy and CPU fit time.

Trains on the 50 training series at the defaults (the published protocol: 1,500 epochs,
weights of the lowest training loss; a few minutes per fit on one CPU core), tests on
the 150 test series, over several seeds, and prints mean ± std.
Published ResNet accuracy on GunPoint: about 0.99 (Wang et al. 2017; Fawaz et al. 2019).

Usage::

    PYTHONPATH=. python benchmarks/resnet_gunpoint.py [--seeds 0 1 2] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import torch

from tsaugment import ResNetClassifier
from tsaugment.datasets import load_ucr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    X_train, y_train = load_ucr("GunPoint", split="train")
    X_test, y_test = load_ucr("GunPoint", split="test")
    print(
        f"GunPoint train {X_train.shape} test {X_test.shape}; torch {torch.__version__}, "
        f"torch.get_num_threads()={torch.get_num_threads()}, os.cpu_count()={os.cpu_count()}, "
        f"{platform.processor() or platform.machine()}, load average {os.getloadavg()}"
    )
    accs, times = [], []
    for seed in args.seeds:
        clf = ResNetClassifier(random_state=seed)
        start = time.perf_counter()
        clf.fit(X_train, y_train)
        elapsed = time.perf_counter() - start
        acc = clf.score(X_test, y_test)
        accs.append(acc)
        times.append(elapsed)
        print(
            f"seed {seed}: test accuracy {acc:.4f}, fit {elapsed:.1f} s, "
            f"{clf.n_epochs_} epochs (best {clf.best_epoch_}, monitor {clf.monitor_})",
            flush=True,
        )
    print(
        f"ResNetClassifier() on GunPoint over {len(accs)} seeds: accuracy "
        f"{np.mean(accs):.4f} ± {np.std(accs):.4f} (min {np.min(accs):.4f}); fit time "
        f"{np.mean(times):.1f} ± {np.std(times):.1f} s; load average now {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
