#!/usr/bin/env bash
# Usage: bash benchmarks/runs/ucr_resnet_small/gpu_run.sh UCR_ROOT OUT WORKERS SECONDS DATASETS
#
# The ResNet cells of DATASETS (comma-separated, in that order) on one GPU machine:
# WORKERS cellqueue.py workers for at most SECONDS, each running its cell's generator
# on one CPU core and its ResNet on the GPU (through CUDA MPS when the daemon starts,
# so the workers' small kernels run side by side). Then the workers' rows are merged
# into OUT/results.csv and their logs into OUT/workers.log.
set -u
ROOT=$1 OUT=$2 WORKERS=$3 SECONDS_LEFT=$4 DATASETS=$5
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
PY=${PYTHON:-python3}
export PYTHONPATH=$PWD OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1 TSAUGMENT_GENERATOR_DEVICE=cpu
export TSAUGMENT_CACHE_DIR=$WORK/cache
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | head -2
$PY -c "import torch, numpy, sklearn, pandas, scipy, platform
print('python', platform.python_version(), 'torch', torch.__version__, 'cuda', torch.cuda.is_available(),
      'numpy', numpy.__version__, 'sklearn', sklearn.__version__, 'pandas', pandas.__version__)"
nproc --all
if command -v nvidia-cuda-mps-control >/dev/null && [ "${MPS:-1}" = 1 ]; then
  export CUDA_MPS_PIPE_DIRECTORY=$WORK/mps CUDA_MPS_LOG_DIRECTORY=$WORK/mpslog
  mkdir -p "$CUDA_MPS_PIPE_DIRECTORY" "$CUDA_MPS_LOG_DIRECTORY"
  nvidia-cuda-mps-control -d
  if timeout 60 $PY -c "import torch; print((torch.ones(4, device='cuda') * 2).sum().item())"; then
    echo "MPS: on"
  else
    echo quit | nvidia-cuda-mps-control; sleep 2
    unset CUDA_MPS_PIPE_DIRECTORY CUDA_MPS_LOG_DIRECTORY
    echo "MPS: failed, off"
  fi
else
  echo "MPS: off"
fi
# One smoke cell per path (a compiled-GRU generator on the CPU, the ResNet on the
# device): stop here if either breaks, before the workers spend the lease.
$PY - "$ROOT" "${DATASETS%%,*}" "$HERE" <<'PY' || exit 1
import sys, time
sys.path.insert(0, sys.argv[3])
import cellqueue
from tsaugment.benchmark._grid import Cell, run_cell
cellqueue.use_generator_device("cpu")
for aug in ("none", "avatar"):
    start = time.perf_counter()
    row = run_cell(Cell(sys.argv[2], aug, "resnet", 0, 1.0, "smoke"), sys.argv[1])
    print("smoke", aug, row["status"], row["error"][:200], round(time.perf_counter() - start, 1), "s")
    if row["status"] != "ok":
        sys.exit(1)
PY
# DONE: a results.csv of cells already finished elsewhere, which the workers skip
mkdir -p "$WORK/grid"
[ -n "${DONE:-}" ] && cp "$DONE" "$WORK/grid/results.csv"
START=$(date +%s)
for i in $(seq 1 "$WORKERS"); do
  timeout "$SECONDS_LEFT" $PY "$HERE/cellqueue.py" "w$i" "$WORK/grid" "$ROOT" "$DATASETS" \
    >"$WORK/w$i.log" 2>&1 &
done
wait
echo "workers ran $(( $(date +%s) - START )) s"
echo quit | nvidia-cuda-mps-control 2>/dev/null
cat "$WORK"/w*.log >"$OUT/workers.log"
# the workers' rows as written (one header, then every row line): no float round trip
set -- "$WORK"/grid/q_*/results.csv
if [ -e "$1" ]; then
  { head -n 1 "$1"; for f in "$@"; do tail -n +2 "$f"; done; } >"$OUT/results.csv"
  $PY - "$OUT/results.csv" <<'PY'
import sys
import pandas as pd
rows = pd.read_csv(sys.argv[1])
print(rows.groupby("dataset").agg(cells=("key", "size"), errors=("status", lambda s: (s != "ok").sum()),
      resnet_s=("classifier_time", "mean"), generator_s=("generator_fit_time", "mean")).round(1).to_string())
PY
fi
