"""Training and sampling speed of DiffusionTSGenerator and the authors' code, side by side.

Same process, one torch thread, interleaved (ours, theirs, ours, theirs), so both see
the same machine load. Training: 200 steps at the Stocks settings (2 x 64 windows,
the paper's model) from a fresh model. Sampling: 256 Stocks-shaped series with the
500-step ancestral sampler (ours after its 200-step fit, theirs from their EMA model).
Set-up as in ``run_reference.py``::

    OMP_NUM_THREADS=1 PYTHONPATH=. python speed_reference.py --code /tmp/dts_ref \\
        --deps /tmp/refdeps --scratch /tmp/speed --repeats 2

Prints steps per second and series per second of each repeat, then their means.
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
    parser.add_argument("--scratch", type=Path, required=True, help="for their checkpoints")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--series", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    sys.path[:0] = [str(args.deps), str(args.code)]

    import torch
    from Data.build_dataloader import build_dataloader
    from engine.solver import Trainer
    from Utils.io_utils import instantiate_from_config, load_yaml_config

    from tsaugment import DiffusionTSGenerator
    from tsaugment.datasets import load_stocks

    torch.set_num_threads(1)
    X = np.ascontiguousarray(load_stocks()[..., ::-1])  # the file's order, as theirs reads it

    def ours():
        gen = DiffusionTSGenerator(n_iter=args.steps, random_state=0, device="cpu")
        start = time.perf_counter()
        gen.fit(X)
        train = args.steps / (time.perf_counter() - start)
        start = time.perf_counter()
        gen.sample(args.series)
        return train, args.series / (time.perf_counter() - start)

    def theirs():
        config = load_yaml_config(str(args.code / "Config" / "stocks.yaml"))
        config["solver"]["max_epochs"] = args.steps
        config["solver"]["results_folder"] = str(args.scratch / "checkpoints")
        data = config["dataloader"]["train_dataset"]["params"]
        data["data_root"] = str(args.code / "Data" / "datasets" / "stock_data.csv")

        class RunArgs:
            save_dir = str(args.scratch / "run")
            name = "speed"

        torch.manual_seed(0)
        model = instantiate_from_config(config["model"])
        loader = build_dataloader(config, RunArgs)
        trainer = Trainer(config=config, args=RunArgs, model=model, dataloader=loader)
        start = time.perf_counter()
        trainer.train()
        train = args.steps / (time.perf_counter() - start)
        start = time.perf_counter()
        with torch.no_grad():
            trainer.ema.ema_model.generate_mts(batch_size=args.series)
        return train, args.series / (time.perf_counter() - start)

    rows = []
    for repeat in range(args.repeats):
        row = dict(zip(["ours_train", "ours_sample"], ours()))
        row.update(zip(["theirs_train", "theirs_sample"], theirs()))
        rows.append(row)
        print(repeat, {k: round(v, 2) for k, v in row.items()}, flush=True)
    print("mean", {k: round(float(np.mean([r[k] for r in rows])), 2) for k in rows[0]})


if __name__ == "__main__":
    main()
