"""Train the Diffusion-TS authors' code on Stocks on the CPU and save its draw.

A measurement tool, not part of the package: it drives the authors' own modules
(Y-debug-sys/Diffusion-TS, MIT), which tsaugment does not ship, unchanged, from a
checkout outside this repository, with the versions their ``requirements.txt`` pins
for the two small packages tsaugment's environment lacks::

    git clone https://github.com/Y-debug-sys/Diffusion-TS /tmp/dts_ref
    mkdir -p /tmp/dts_ref/Data/datasets && cp <stock_data.csv> /tmp/dts_ref/Data/datasets/
    pip install --target /tmp/refdeps --no-deps einops==0.6.0 ema-pytorch==0.2.1
    OMP_NUM_THREADS=1 python run_reference.py --code /tmp/dts_ref --deps /tmp/refdeps \\
        --seed 12345 --out OUT

What their ``main.py --train`` and then ``--sample 0`` do, without the CUDA calls: the
seed set as their ``seed_everything`` sets it (their default seed is 12345), their
``Config/stocks.yaml`` (10,000 steps of 2 x 64 windows, warm-up to 8e-4 over 500
steps, then halving on a plateau of 2,000, EMA 0.995 every 10 steps), their data
loader (file order, min-max scaled, to [-1, 1], shuffled epochs dropping the last
batch), their ``Trainer.train``, and their sampling: ``generate_mts`` of the EMA model
in batches of 2,001 until there are more than the 3,662 windows (4,002), mapped back to
[0, 1]. One torch thread.

Writes ``OUT/ref_s<seed>_all.npy`` (every draw, ``(4002, 24, 6)``, as their notebook
loads it) and ``OUT/ref_s<seed>.npy`` (the first 3,661 in tsaugment's layout
``(n, channels, time)``: the notebook keeps the first 3,662, and TimeGAN's windows, as
``load_stocks`` cuts them, are one fewer), and prints the fit and sampling seconds.
Score the draw with ``benchmarks/diffusion_ts_stocks.py --time-order file --synth``.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, required=True, help="the authors' checkout")
    parser.add_argument("--deps", type=Path, required=True, help="einops and ema_pytorch")
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--iterations", type=int, default=10000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    sys.path[:0] = [str(args.deps), str(args.code)]

    import torch
    from Data.build_dataloader import build_dataloader
    from engine.solver import Trainer
    from Models.interpretable_diffusion.model_utils import unnormalize_to_zero_to_one
    from Utils.io_utils import instantiate_from_config, load_yaml_config, seed_everything

    torch.set_num_threads(1)
    seed_everything(args.seed)
    config = load_yaml_config(str(args.code / "Config" / "stocks.yaml"))
    config["solver"]["max_epochs"] = args.iterations
    config["solver"]["results_folder"] = str(args.out / f"ckpt_s{args.seed}")
    data = config["dataloader"]["train_dataset"]["params"]
    data["data_root"] = str(args.code / "Data" / "datasets" / "stock_data.csv")

    class RunArgs:  # what their Trainer and loader read from main.py's arguments
        save_dir = str(args.out / f"s{args.seed}")
        name = f"stock_s{args.seed}"

    model = instantiate_from_config(config["model"])
    loader = build_dataloader(config, RunArgs)
    trainer = Trainer(config=config, args=RunArgs, model=model, dataloader=loader, logger=None)
    start = time.perf_counter()
    trainer.train()
    fit_s = time.perf_counter() - start

    n_windows = len(loader["dataset"])
    start = time.perf_counter()
    draws = [
        trainer.ema.ema_model.generate_mts(batch_size=2001).detach().cpu().numpy()
        for _ in range(n_windows // 2001 + 1)
    ]
    samples = unnormalize_to_zero_to_one(np.concatenate(draws))
    sample_s = time.perf_counter() - start
    np.save(args.out / f"ref_s{args.seed}_all.npy", samples)
    ours = samples[:n_windows].transpose(0, 2, 1)[:3661]
    np.save(args.out / f"ref_s{args.seed}.npy", np.ascontiguousarray(ours))
    print(f"seed {args.seed} fit_s {fit_s:.1f} sample_s {sample_s:.1f} n {len(samples)}")


if __name__ == "__main__":
    main()
