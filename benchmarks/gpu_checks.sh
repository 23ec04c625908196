#!/usr/bin/env bash
# The GPU checks of Diffusion-TS (issue 19) in one run, through the product's CLI:
# training steps and series sampled per second on the GPU (Diffusion-TS, TimeGAN,
# AVATAR), and Stocks and Sines at the paper's settings, 3 training seeds each, all six
# fits side by side on one GPU. Everything it writes goes to one archive in $OUT.
#
# On a machine whose Python lacks some of tsaugment's dependencies (the lent GPU
# machine has PyTorch, numba, scikit-learn and pandas but not sktime), first download
# them as wheels beside the checkout, on a machine that reaches the package index:
#
#     echo /.whl/ >> .git/info/exclude
#     python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
#         --implementation cp --platform manylinux2014_x86_64 -d .whl \
#         sktime==1.2.0 scikit-base==1.1.1 imbalanced-learn==0.14.2 \
#         sklearn-compat==0.1.6 scikit-posthocs==0.17.1
#
# and the script installs them into /tmp/site (never over the machine's packages).
# Then, from the repository root:
#
#     OUT=/some/folder bash benchmarks/gpu_checks.sh            # device: cuda
#     OUT=/tmp/x DEVICE=cpu SCALE=500 SAMPLING_STEPS=2 METRIC_RUNS=1 METRIC_ITERATIONS=20 \
#         bash benchmarks/gpu_checks.sh     # a rehearsal: 4 minutes here beside two other jobs
#
# SCALE divides every training iteration count (1: the paper's runs; the rehearsal
# above runs 20 and 24 steps); METRIC_RUNS (default 10) and METRIC_ITERATIONS (default:
# the protocol's 2,000 and 5,000) set the post-hoc runs, SAMPLING_STEPS the
# sampler (default None: the paper's 500-step one). The speed line runs first,
# alone on the device; the six fits then share it.
# Time on one H200 is not measured yet: the six fits are 10,000 or 12,000 steps each
# plus 500-step draws and 10 + 10 post-hoc GRU runs; give the call the most time a
# command may have, and read the partial CSVs in the archive if it stops early.
set -uo pipefail
: "${OUT:?set OUT to the folder receiving the results}"
DEVICE=${DEVICE:-cuda}
SCALE=${SCALE:-1}
METRIC_RUNS=${METRIC_RUNS:-10}
SAMPLING_STEPS=${SAMPLING_STEPS:-None}
METRIC_ITERATIONS=${METRIC_ITERATIONS:+--metric-iterations $METRIC_ITERATIONS}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'tar -czf "$OUT/gpu_checks.tar.gz" -C "$work" . 2>/dev/null; rm -rf "$work"' EXIT

if ! python3 -c "import sktime, imblearn, scikit_posthocs" 2>/dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
        --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
fi
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
{ python3 -c "import torch, tsaugment; print('tsaugment', tsaugment.__version__, 'torch',
torch.__version__, 'cuda', torch.cuda.is_available())"; nvidia-smi -L 2>/dev/null; } \
    > "$work/environment.txt" 2>&1
cat "$work/environment.txt"

quality() {  # NAME ITERATIONS SEED [PARAM=VALUE ...]: one fit, its draw, its scores
    local name=$1 iterations=$(( $2 / SCALE )) seed=$3
    shift 3
    python3 -m tsaugment quality --datasets "$name" --generators diffusion_ts \
        --iterations "$iterations" --seeds "$seed" --metric-runs "$METRIC_RUNS" \
        ${METRIC_ITERATIONS} --device "$DEVICE" --no-floor --verbose --output "$work/${name}_seed$seed.csv" \
        --set sampling_steps="$SAMPLING_STEPS" "$@" > "$work/${name}_seed$seed.log" 2>&1
}

start=$(date +%s)
python3 benchmarks/speed.py --device "$DEVICE" --generators diffusion_ts timegan avatar \
    --iterations $(( 500 / SCALE > 1 ? 500 / SCALE : 2 )) --n-sample 3661 \
    > "$work/speed.log" 2>&1
echo "speed done in $(( $(date +%s) - start )) s"
for seed in 0 1 2; do
    # Stocks: the generator's defaults are the paper's; at 10,000 iterations the
    # catalogue's warm-up and plateau patience are the paper's 500 and 2,000
    quality stocks 10000 "$seed" &
    # Sines (Config/sines.yaml): one encoder layer, batches of 2 x 128, patience 3,000
    quality sines 12000 "$seed" n_layers_enc=1 batch_size=128 warmup_iter=500 \
        plateau_patience=3000 &
done
wait
echo "all done in $(( $(date +%s) - start )) s" | tee "$work/done.txt"
tail -n 3 "$work"/*.log
