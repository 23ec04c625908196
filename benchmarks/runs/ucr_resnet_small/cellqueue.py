"""Usage: PYTHONPATH=. python benchmarks/runs/ucr_resnet_small/cellqueue.py WORKER OUTPUT UCR_ROOT [DATASETS]

Work through the ResNet grid, data set by data set, with any number of workers.

DATASETS, a comma-separated list, restricts the run to those data sets, in that order
(default: all 15, cheapest first). Each worker claims one cell at a time (an O_EXCL file per cell), so workers finish
data sets in order together. Cells finished in OUTPUT/results.csv or in any
OUTPUT/*/results.csv are skipped; after a kill, delete OUTPUT/claims before restarting
(a claimed cell that never finished then runs again). Same cells as
`tsaugment benchmark --datasets <d> --augmenters <all> --classifiers resnet
--seeds 0 1 2 --budget small`.
"""

import glob
import os
import sys

from tsaugment.benchmark._grid import Cell, run_cell
from tsaugment.benchmark._store import ResultsStore

ORDER = (
    "ItalyPowerDemand TwoLeadECG ECGFiveDays CBF DiatomSizeReduction GunPoint Coffee "
    "FaceFour ArrowHead ECG200 BeetleFly Wine Beef SyntheticControl Trace"
).split()
AUGMENTERS = (
    "none jitter scaling magnitude_warp window_warp window_slice vae aae avatar timegan"
).split()
worker, BASE, ROOT = sys.argv[1:4]
if len(sys.argv) > 4:
    ORDER = sys.argv[4].split(",")
store = ResultsStore(f"{BASE}/q_{worker}/results.csv")
os.makedirs(f"{BASE}/claims", exist_ok=True)
done = set()
for path in glob.glob(f"{BASE}/results.csv") + glob.glob(f"{BASE}/*/results.csv"):
    done |= ResultsStore(path).done_keys()
for d in ORDER:
    for seed in (0, 1, 2):
        for a in AUGMENTERS:
            cell = Cell(d, a, "resnet", seed, 1.0, "small")
            if cell.key in done:
                continue
            claim = f"{BASE}/claims/{cell.key.replace('|', '__').replace('=', '')}"
            try:
                os.close(os.open(claim, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                continue
            row = run_cell(cell, ROOT, synthetic_dir=f"{BASE}/q_{worker}/synthetic")
            store.append(row)
            print(
                row["key"],
                row["status"],
                row.get("accuracy"),
                row.get("generator_fit_time"),
                row.get("classifier_time"),
                row["error"][:80],
                flush=True,
            )
