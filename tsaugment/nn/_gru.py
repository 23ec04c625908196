"""A GRU with a hand-written backward pass, for the small recurrent nets of this package.

The generators here train stacks of narrow GRUs (24 units, batches of 128) for tens of
thousands of iterations. At that size a CPU spends most of the time of
:class:`torch.nn.GRU` not in arithmetic but in the autograd graph it records: a dozen
nodes per time step and layer, each with its own bookkeeping in the backward pass.
:class:`GRU` computes the same function with the same parameters (it *is* an
``nn.GRU``: names, shapes, initialisation and state dicts are shared), but each layer is
one autograd node. What is one big matrix product stays in PyTorch (the input
projections of all time steps; in the backward pass the input and weight gradients,
skipped for frozen networks); the loop over time runs

* in C (``_native/gru.c``, compiled on first use): per step, the recurrent product
  and all gates in one pass over a tile of rows, the rows split across PyTorch's
  OpenMP threads;
* or, where no C compiler works (one ``NativeLibraryWarning`` per process says so),
  in PyTorch operations on contiguous gate-major buffers, with everything that does
  not depend on the incoming gradient computed for all steps at once.

It is used on the CPU for float32 input in batch-first layout with a zero initial
state (how every network of this package calls it); anything else (CUDA, where cuDNN
is the faster kernel, an initial state, a bidirectional layer, dropout while
training) goes to ``nn.GRU``'s own implementation. Double backward is not supported
on the fast path.
"""

from __future__ import annotations

import torch
from torch import nn

from . import _native

__all__ = ["GRU"]


class _TorchGRULayer(torch.autograd.Function):
    """One GRU layer over a time-major sequence, loops in PyTorch operations."""

    @staticmethod
    def forward(ctx, x, w_ih, w_hh, b_ih, b_hh):
        # x: (time, batch, input); returns (time, batch, hidden).
        # At these sizes the element-wise kernels are fast only on contiguous memory,
        # and indexing a tensor inside the loop costs more than the arithmetic. So
        # the gates are kept gate-major, (time, gate, batch, hidden), each step's views
        # are made once with ``unbind``, and the candidate's tanh is computed as
        # 2 sigmoid(2a) - 1 (sigmoid has the faster kernel).
        steps, batch, _ = x.shape
        hidden = w_hh.shape[1]
        gi = torch.addmm(b_ih, x.reshape(steps * batch, -1), w_ih.t())
        gi = gi.view(steps, batch, 3, hidden).transpose(1, 2)  # (time, gate, batch, hidden)
        # acc[t] = [W_ir x + b_ir + b_hr, W_iz x + b_iz + b_hz, b_hn] before step t; the
        # step adds W_h{r,z,n} h, leaving the r/z pre-activations and W_hn h + b_hn
        b_hh3 = b_hh.view(3, 1, hidden)
        acc = x.new_empty(steps, 3, batch, hidden)
        torch.add(gi[:, :2], b_hh3[:2], out=acc[:, :2])
        acc[:, 2] = b_hh3[2]
        gi_n2 = gi[:, 2] * 2
        w_hh3 = w_hh.view(3, hidden, hidden).transpose(1, 2).contiguous()
        rz = x.new_empty(steps, 2, batch, hidden)  # reset and update gates
        n = x.new_empty(steps, batch, hidden)  # candidate states
        s = x.new_empty(batch, hidden)
        hs = x.new_empty(steps + 1, batch, hidden)  # hs[t + 1]: state after step t
        hs[0].zero_()
        minus_one = x.new_full((), -1.0)
        acc_t, rz_t, n_t, hs_t, gi_n2_t = (v.unbind(0) for v in (acc, rz, n, hs, gi_n2))
        a_rz_t, gh_n_t = acc[:, :2].unbind(0), acc[:, 2].unbind(0)
        r_t, z_t = rz[:, 0].unbind(0), rz[:, 1].unbind(0)
        for t in range(steps):
            acc_t[t].baddbmm_(hs_t[t].expand(3, batch, hidden), w_hh3)
            torch.sigmoid(a_rz_t[t], out=rz_t[t])
            torch.sigmoid(torch.addcmul(gi_n2_t[t], r_t[t], gh_n_t[t], value=2), out=s)
            torch.add(minus_one, s, alpha=2, out=n_t[t])
            torch.lerp(n_t[t], hs_t[t], z_t[t], out=hs_t[t + 1])
        ctx.save_for_backward(x, w_ih, w_hh3, acc, rz, n, hs)
        return hs[1:]

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_out):
        x, w_ih, w_hh3, acc, rz, n, hs = ctx.saved_tensors
        steps, batch, hidden = n.shape
        r, z = rz[:, 0], rz[:, 1]
        # gate derivatives, all steps at once: with a the pre-activation of n,
        # dL/da = dh (1 - z)(1 - n^2), dL/d(pre z) = dh (h_prev - n) z (1 - z),
        # dL/d(pre r) = dL/da (W_hn h + b_hn) r (1 - r)
        d_a = (1 - z) * (1 - n * n)
        d_z = (hs[:-1] - n) * z * (1 - z)
        d_r = acc[:, 2] * r * (1 - r)
        d_gh = torch.empty_like(acc)  # gradient of the recurrent projections, gate-major
        d_pre_n = torch.empty_like(n)  # gradient of the candidate's pre-activation
        w_hh3_t = w_hh3.transpose(1, 2)
        g_t, z_t, r_t = grad_out.unbind(0), z.unbind(0), r.unbind(0)
        d_a_t, d_z_t, d_r_t = d_a.unbind(0), d_z.unbind(0), d_r.unbind(0)
        d_gh_t, d_pre_n_t = d_gh.unbind(0), d_pre_n.unbind(0)
        d_gh_r_t, d_gh_z_t, d_gh_n_t = (d_gh[:, k].unbind(0) for k in range(3))
        dh = g_t[steps - 1]
        for t in range(steps - 1, -1, -1):
            torch.mul(dh, d_a_t[t], out=d_pre_n_t[t])
            torch.mul(dh, d_z_t[t], out=d_gh_z_t[t])
            torch.mul(d_pre_n_t[t], d_r_t[t], out=d_gh_r_t[t])
            torch.mul(d_pre_n_t[t], r_t[t], out=d_gh_n_t[t])
            if t:
                dh = torch.addcmul(g_t[t - 1], dh, z_t[t]).add_(
                    torch.bmm(d_gh_t[t], w_hh3_t).sum(0)
                )
        # back to rows of (r, z, n) per time step and batch row for the weight gradients
        d_gi = torch.stack([d_gh[:, 0], d_gh[:, 1], d_pre_n], dim=2)
        return _input_and_weight_grads(ctx, x, w_ih, hs, d_gi, d_gh.transpose(1, 2))


def _ptr(t: torch.Tensor) -> int:
    return t.data_ptr()


def _threads(batch: int, hidden: int) -> int:
    """Threads for the compiled loops: torch's count, with enough work for each.

    Below about 1,500 state values per thread (say 64 rows of 24 units) a thread's
    share of a time step costs less than waking it (measured on 2 cores).
    """
    return max(1, min(torch.get_num_threads(), batch * hidden // 1536))


class _NativeGRULayer(torch.autograd.Function):
    """One GRU layer over a time-major sequence, loops in the compiled ``gru.c``."""

    @staticmethod
    def forward(ctx, x, w_ih, w_hh, b_ih, b_hh):
        lib = _native.load()
        steps, batch, _ = x.shape
        hidden = w_hh.shape[1]
        gates, gates_p = 3 * hidden, _padded(3 * hidden)
        gi = torch.addmm(b_ih, x.reshape(steps * batch, -1), w_ih.t())
        w_t = x.new_zeros(hidden, gates_p)  # W_hh transposed, columns padded
        w_t[:, :gates] = w_hh.t()
        b_p = x.new_zeros(gates_p)
        b_p[:gates] = b_hh
        hs = x.new_empty(steps + 1, batch, hidden)
        hs[0].zero_()
        rz = x.new_empty(steps, batch, 2 * hidden)
        n = x.new_empty(steps, batch, hidden)
        ghn = x.new_empty(steps, batch, hidden)
        buffers = (gi, w_t, b_p, hs, rz, n, ghn)
        args = (steps, batch, hidden, gates_p, *map(_ptr, buffers))
        lib.gru_forward(*args, _threads(batch, hidden))
        ctx.save_for_backward(x, w_ih, w_hh, hs, rz, n, ghn)
        return hs[1:]

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_out):
        lib = _native.load()
        x, w_ih, w_hh, hs, rz, n, ghn = ctx.saved_tensors
        steps, batch, hidden = n.shape
        hidden_p = _padded(hidden)
        grad_out = grad_out.contiguous()
        w_p = x.new_zeros(3 * hidden, hidden_p)  # W_hh, columns padded
        w_p[:, :hidden] = w_hh
        d_gi = x.new_empty(steps, batch, 3 * hidden)
        d_gh = x.new_empty(steps, batch, 3 * hidden)
        buffers = (grad_out, w_p, hs, rz, n, ghn, d_gi, d_gh)
        args = (steps, batch, hidden, hidden_p, *map(_ptr, buffers))
        lib.gru_backward(*args, _threads(batch, hidden))
        return _input_and_weight_grads(ctx, x, w_ih, hs, d_gi, d_gh)


def _padded(width: int) -> int:
    """``width`` rounded up to the compiled code's vector width."""
    return -(-width // _native.VEC) * _native.VEC


def _input_and_weight_grads(ctx, x, w_ih, hs, d_gi, d_gh):
    """Gradients of a layer's input and parameters from those of its projections.

    ``d_gi``/``d_gh``: gradients of the input and recurrent projections,
    ``(time, batch, 3 * hidden)`` (any layout that reshapes to rows of gates).
    """
    steps, batch, hidden = hs.shape[0] - 1, hs.shape[1], hs.shape[2]
    flat_gi = d_gi.reshape(steps * batch, 3 * hidden)
    flat_gh = d_gh.reshape(steps * batch, 3 * hidden)
    # only what is asked for: frozen networks (weights without requires_grad) pass
    # gradients through to their input but need no weight gradients
    needs = ctx.needs_input_grad
    grad_x = torch.mm(flat_gi, w_ih).view_as(x) if needs[0] else None
    grad_w_ih = flat_gi.t().mm(x.reshape(steps * batch, -1)) if needs[1] else None
    grad_w_hh = flat_gh.t().mm(hs[:-1].reshape(steps * batch, hidden)) if needs[2] else None
    grad_b_ih = flat_gi.sum(0) if needs[3] else None
    grad_b_hh = flat_gh.sum(0) if needs[4] else None
    return grad_x, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh


class GRU(nn.GRU):
    """``torch.nn.GRU`` with a faster CPU path for training small recurrent networks.

    Same constructor, parameters and results as :class:`torch.nn.GRU` (up to float
    rounding); see the module's documentation for when the fast path is taken.

    Examples
    --------
    >>> import torch
    >>> gru = GRU(3, 8, num_layers=2, batch_first=True)
    >>> out, h_n = gru(torch.rand(4, 10, 3))
    >>> out.shape, h_n.shape
    (torch.Size([4, 10, 8]), torch.Size([2, 4, 8]))
    """

    def _fast_path(self, x, hx) -> bool:
        return (
            hx is None
            and self.batch_first
            and self.bias
            and not self.bidirectional
            and (self.dropout == 0 or not self.training)
            and self.proj_size == 0
            and x.dim() == 3
            and x.device.type == "cpu"
            and x.dtype == torch.float32
            and x.shape[0] > 0
            and x.shape[1] > 0
        )

    def forward(self, x, hx=None):  # noqa: D102
        if not self._fast_path(x, hx):
            return super().forward(x, hx)
        out = x.transpose(0, 1).contiguous()  # time-major, as the layers want
        layer = _NativeGRULayer if _native.load() is not None else _TorchGRULayer
        finals = []
        for k in range(self.num_layers):
            weights = [getattr(self, f"{name}_l{k}") for name in ("weight_ih", "weight_hh")]
            biases = [getattr(self, f"{name}_l{k}") for name in ("bias_ih", "bias_hh")]
            out = layer.apply(out, *weights, *biases)
            finals.append(out[-1])
        return out.transpose(0, 1), torch.stack(finals)
