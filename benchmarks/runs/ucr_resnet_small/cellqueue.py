"""Work through the ResNet grid, data set by data set, with any number of workers.

Usage (from the repository root)::

    PYTHONPATH=. python benchmarks/runs/ucr_resnet_small/cellqueue.py \\
        WORKER OUTPUT UCR_ROOT [DATASETS]

DATASETS, a comma-separated list, restricts the run to those data sets, in that order
(default: all 15, cheapest first). Each worker claims one cell at a time (an O_EXCL
file per cell), so workers finish data sets in order together. Cells finished in
OUTPUT/results.csv or in any OUTPUT/*/results.csv are skipped; after a kill, delete
OUTPUT/claims before restarting (a claimed cell that never finished then runs again).
Same cells as `tsaugment benchmark --datasets <d> --augmenters <all> --classifiers
resnet --seeds 0 1 2 --budget small`.

With TSAUGMENT_GENERATOR_DEVICE set (e.g. "cpu"), the learned generators run there
while the ResNet keeps its own device ("auto": CUDA when there is one). The GPU run
(gpu_run.sh) fits the generators on the CPU cores, with the same compiled GRU loops as
the CPU cells, and trains only the ResNets on the GPU.
"""

import glob
import os
import sys
import time

from tsaugment.benchmark import _grid
from tsaugment.benchmark._grid import Cell, run_cell
from tsaugment.benchmark._store import ResultsStore

ORDER = (
    "ItalyPowerDemand TwoLeadECG ECGFiveDays CBF DiatomSizeReduction GunPoint Coffee "
    "FaceFour ArrowHead ECG200 BeetleFly Wine Beef SyntheticControl Trace"
).split()
AUGMENTERS = (
    "none jitter scaling magnitude_warp window_warp window_slice vae aae avatar timegan"
).split()


def use_generator_device(device):
    """Make the grid build every learned generator with ``device=device``."""
    make_augmenter = _grid.make_augmenter

    def make_augmenter_on_device(name, settings, seed):
        generator = make_augmenter(name, settings, seed)
        if generator is not None and "device" in generator.get_params():
            generator.set_params(device=device)
        return generator

    _grid.make_augmenter = make_augmenter_on_device


def main(worker, base, root, datasets=ORDER):
    store = ResultsStore(f"{base}/q_{worker}/results.csv")
    os.makedirs(f"{base}/claims", exist_ok=True)
    done = set()
    for path in glob.glob(f"{base}/results.csv") + glob.glob(f"{base}/*/results.csv"):
        done |= ResultsStore(path).done_keys()
    for d in datasets:
        for seed in (0, 1, 2):
            for a in AUGMENTERS:
                cell = Cell(d, a, "resnet", seed, 1.0, "small")
                if cell.key in done:
                    continue
                claim = f"{base}/claims/{cell.key.replace('|', '__').replace('=', '')}"
                try:
                    os.close(os.open(claim, os.O_CREAT | os.O_EXCL))
                except FileExistsError:
                    continue
                row = run_cell(cell, root, synthetic_dir=f"{base}/q_{worker}/synthetic")
                store.append(row)
                print(
                    time.strftime("%H:%M:%S"),
                    row["key"],
                    row["status"],
                    row.get("accuracy"),
                    row.get("generator_fit_time"),
                    row.get("classifier_time"),
                    row["error"][:80],
                    flush=True,
                )


if __name__ == "__main__":
    if os.environ.get("TSAUGMENT_GENERATOR_DEVICE"):
        use_generator_device(os.environ["TSAUGMENT_GENERATOR_DEVICE"])
    main(*sys.argv[1:4], *([sys.argv[4].split(",")] if len(sys.argv) > 4 else []))
