"""Speed of the GRU time loops: the compiled C library against numba and PyTorch.

One training step of a 3-layer GRU at the sizes TimeGAN uses on Stocks (batch 128,
24 steps, 6 input features, 24 units): forward and backward, timed on one thread.
Each variant runs in its own process (the loops are chosen once per process):

- ``compiled``: :class:`tsaugment.nn.GRU` with its C loops (the default);
- ``torch-loops``: :class:`tsaugment.nn.GRU` with ``TSAUGMENT_NATIVE=0`` (its pure
  PyTorch loops, what runs where no C compiler works);
- ``numba``: the same layer with its two time loops written for numba here (the
  matrix products outside the loops stay in PyTorch, as in the C variant);
- ``nn.GRU``: :class:`torch.nn.GRU`, one autograd node per operation.

For the two compiled variants the script also times the first use in a fresh process
with an empty cache (the build or the JIT compilation) and with a warm cache. Caches
go to a temporary folder that is removed at the end.

Usage::

    PYTHONPATH=. python benchmarks/gru_loops.py
    PYTHONPATH=. python benchmarks/gru_loops.py --repeats 300 --rounds 7

Measured (2026-11-30, 2 shared x86-64 cores with AVX-512 at a load average of about
11, so absolute times are 3-5x those of an idle machine; ms per step, median of 5
rounds of 100 steps, and the first use in a fresh process, imports included)::

    variant       ms/step  x compiled  first use s  cached s
    compiled        19.17        1.00        14.29      4.73
    torch-loops     40.79        2.13         5.37
    numba           62.46        3.26         8.43     11.70
    nn.GRU          37.35        1.95         5.96

A second run (the compiled library as built before issue 21, with -ffast-math) gave
14.21, 33.93 (2.39x), 60.89 (4.29x) and 60.30 (4.24x): the ranking holds, the ratios
move with the load. The numba loops are a direct port, without the C code's tiling of
8 rows per weight load; their JIT compilation costs seconds at first use, and numba's
own cache is read with pickle from a folder, the trust problem the C cache solves.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

VARIANTS = ("compiled", "torch-loops", "numba", "nn.GRU")
BATCH, STEPS, FEATURES, HIDDEN, LAYERS = 128, 24, 6, 24, 3


def _numba_layer():
    """A GRU layer (torch.autograd.Function) whose time loops are numba functions."""
    import numba
    import numpy as np
    import torch

    @numba.njit(cache=True)
    def forward_loop(gi, w_t, b_hh, hs, rz, n, ghn):
        steps, batch, gates = gi.shape
        hidden = gates // 3
        gh = np.empty(gates, np.float32)
        for t in range(steps):
            for b in range(batch):
                for g in range(gates):
                    gh[g] = b_hh[g]
                for k in range(hidden):
                    hk = hs[t, b, k]
                    for g in range(gates):
                        gh[g] += hk * w_t[k, g]
                for j in range(hidden):
                    r = 1.0 / (1.0 + np.exp(-(gi[t, b, j] + gh[j])))
                    z = 1.0 / (1.0 + np.exp(-(gi[t, b, hidden + j] + gh[hidden + j])))
                    c = np.tanh(gi[t, b, 2 * hidden + j] + r * gh[2 * hidden + j])
                    rz[t, b, j] = r
                    rz[t, b, hidden + j] = z
                    n[t, b, j] = c
                    ghn[t, b, j] = gh[2 * hidden + j]
                    hs[t + 1, b, j] = c + z * (hs[t, b, j] - c)

    @numba.njit(cache=True)
    def backward_loop(grad_out, w, hs, rz, n, ghn, d_gi, d_gh):
        steps, batch, hidden = n.shape
        dh = np.zeros((batch, hidden), np.float32)
        for t in range(steps - 1, -1, -1):
            for b in range(batch):
                for j in range(hidden):
                    d = dh[b, j] + grad_out[t, b, j]
                    r, z, c = rz[t, b, j], rz[t, b, hidden + j], n[t, b, j]
                    da = d * (1 - z) * (1 - c * c)
                    dz = d * (hs[t, b, j] - c) * z * (1 - z)
                    dr = da * ghn[t, b, j] * r * (1 - r)
                    d_gi[t, b, j], d_gi[t, b, hidden + j], d_gi[t, b, 2 * hidden + j] = dr, dz, da
                    d_gh[t, b, j], d_gh[t, b, hidden + j] = dr, dz
                    d_gh[t, b, 2 * hidden + j] = da * r
                    dh[b, j] = d * z
                if t > 0:
                    for j in range(hidden):
                        acc = np.float32(0.0)
                        for g in range(3 * hidden):
                            acc += d_gh[t, b, g] * w[g, j]
                        dh[b, j] += acc

    class NumbaGRULayer(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w_ih, w_hh, b_ih, b_hh):
            steps, batch, _ = x.shape
            hidden = w_hh.shape[1]
            gi = torch.addmm(b_ih, x.reshape(steps * batch, -1), w_ih.t()).view(steps, batch, -1)
            hs = x.new_zeros(steps + 1, batch, hidden)
            rz = x.new_empty(steps, batch, 2 * hidden)
            n = x.new_empty(steps, batch, hidden)
            ghn = x.new_empty(steps, batch, hidden)
            forward_loop(
                gi.numpy(),
                w_hh.detach().t().contiguous().numpy(),
                b_hh.detach().numpy(),
                hs.numpy(),
                rz.numpy(),
                n.numpy(),
                ghn.numpy(),
            )
            ctx.save_for_backward(x, w_ih, w_hh, hs, rz, n, ghn)
            return hs[1:]

        @staticmethod
        def backward(ctx, grad_out):
            x, w_ih, w_hh, hs, rz, n, ghn = ctx.saved_tensors
            steps, batch, hidden = n.shape
            d_gi = x.new_empty(steps, batch, 3 * hidden)
            d_gh = x.new_empty(steps, batch, 3 * hidden)
            backward_loop(
                grad_out.contiguous().numpy(),
                w_hh.detach().numpy(),
                hs.numpy(),
                rz.numpy(),
                n.numpy(),
                ghn.numpy(),
                d_gi.numpy(),
                d_gh.numpy(),
            )
            flat_gi = d_gi.view(steps * batch, -1)
            flat_gh = d_gh.view(steps * batch, -1)
            return (
                torch.mm(flat_gi, w_ih).view_as(x),
                flat_gi.t().mm(x.reshape(steps * batch, -1)),
                flat_gh.t().mm(hs[:-1].reshape(steps * batch, hidden)),
                flat_gi.sum(0),
                flat_gh.sum(0),
            )

    return NumbaGRULayer


def _model(variant):
    """(module, forward function) for one variant; the same initial weights for all."""
    import torch

    from tsaugment.nn import GRU

    torch.manual_seed(0)
    reference = torch.nn.GRU(FEATURES, HIDDEN, LAYERS, batch_first=True)
    if variant == "nn.GRU":
        return reference, lambda x: reference(x)[0]
    if variant in ("compiled", "torch-loops"):
        gru = GRU(FEATURES, HIDDEN, LAYERS, batch_first=True)
        gru.load_state_dict(reference.state_dict())
        return gru, lambda x: gru(x)[0]
    layer = _numba_layer()

    def forward(x):
        out = x.transpose(0, 1).contiguous()
        for k in range(LAYERS):
            names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            out = layer.apply(out, *(getattr(reference, f"{name}_l{k}") for name in names))
        return out.transpose(0, 1)

    return reference, forward


def run_variant(variant, repeats, rounds):
    """Time one variant in this process; print one JSON line."""
    import torch

    torch.set_num_threads(1)
    started = time.perf_counter()
    module, forward = _model(variant)
    x = torch.randn(BATCH, STEPS, FEATURES, requires_grad=True)
    weights = torch.randn(BATCH, STEPS, HIDDEN)

    def step():
        loss = (forward(x) * weights).sum()
        return torch.autograd.grad(loss, [x, *module.parameters()])

    step()
    first = time.perf_counter() - started  # building / JIT compiling / loading included
    for _ in range(max(1, repeats // 10)):
        step()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            step()
        times.append((time.perf_counter() - start) / repeats * 1e3)
    # agreement with torch.nn.GRU on the same weights
    torch.manual_seed(0)
    reference = torch.nn.GRU(FEATURES, HIDDEN, LAYERS, batch_first=True)
    ref_loss = (reference(x)[0] * weights).sum()
    want = torch.autograd.grad(ref_loss, [x, *reference.parameters()])
    got = step()
    diff = max((a - b).abs().max().item() for a, b in zip(got, want))
    times.sort()
    print(
        json.dumps(
            {
                "variant": variant,
                "ms_median": times[len(times) // 2],
                "ms_min": times[0],
                "first_call_s": first,
                "max_grad_diff_vs_nn_gru": diff,
                "flush_to_zero_after": 1e-300 * 1e-10 == 0.0,
            }
        )
    )


def _spawn(variant, args, env):
    command = [sys.executable, __file__, "--variant", variant]
    command += ["--repeats", str(args.repeats), "--rounds", str(args.rounds)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=100, help="steps per timed round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (median shown)")
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.variant:
        run_variant(args.variant, args.repeats, args.rounds)
        return
    with tempfile.TemporaryDirectory() as caches:
        env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        env.update(TSAUGMENT_CACHE_DIR=caches, NUMBA_CACHE_DIR=caches)
        rows = []
        for variant in VARIANTS:
            variant_env = dict(env, TSAUGMENT_NATIVE="0" if variant == "torch-loops" else "1")
            cold = _spawn(variant, args, variant_env)
            if variant in ("compiled", "numba"):  # again, from the cache
                warm = _spawn(variant, args, variant_env)
                cold["first_call_cached_s"] = warm["first_call_s"]
                cold["ms_median"] = min(cold["ms_median"], warm["ms_median"])
            rows.append(cold)
    base = next(r["ms_median"] for r in rows if r["variant"] == "compiled")
    print(
        f"3-layer GRU, batch {BATCH}, {STEPS} steps, {FEATURES} -> {HIDDEN} units, forward + "
        "backward, 1 thread"
    )
    print(
        f"{'variant':12} {'ms/step':>8} {'x compiled':>10} {'first use s':>11} "
        f"{'cached s':>8} {'grad diff':>9} FTZ"
    )
    for r in rows:
        cached = r.get("first_call_cached_s")
        print(
            f"{r['variant']:12} {r['ms_median']:8.2f} {r['ms_median'] / base:10.2f} "
            f"{r['first_call_s']:11.2f} {'' if cached is None else f'{cached:.2f}':>8} "
            f"{r['max_grad_diff_vs_nn_gru']:9.1e} {r['flush_to_zero_after']}"
        )


if __name__ == "__main__":
    main()
