"""The package's GRU computes what torch.nn.GRU computes, on every path it takes."""

import pytest
import torch

from tsaugment.nn import _gru, _native
from tsaugment.nn._gru import GRU
from tsaugment.nn._recurrent import RecurrentStack

PATHS = ["native", "torch"]


@pytest.fixture(params=PATHS)
def path(request, monkeypatch):
    if request.param == "native":
        if _native.load() is None:
            pytest.skip("no C compiler: the compiled loops are unavailable here")
    else:
        monkeypatch.setattr(_native, "load", lambda: None)
    return request.param


def _pair(input_size, hidden_size, num_layers, seed=0):
    torch.manual_seed(seed)
    reference = torch.nn.GRU(input_size, hidden_size, num_layers, batch_first=True)
    fast = GRU(input_size, hidden_size, num_layers, batch_first=True)
    fast.load_state_dict(reference.state_dict())
    return reference, fast


@pytest.mark.parametrize(
    "batch, steps, input_size, hidden, layers",
    [(128, 24, 6, 24, 3), (7, 5, 3, 5, 1), (70, 9, 30, 17, 2), (1, 1, 2, 3, 1)],
)
def test_matches_torch_gru_forward_and_gradients(path, batch, steps, input_size, hidden, layers):
    reference, fast = _pair(input_size, hidden, layers)
    x = torch.randn(batch, steps, input_size, requires_grad=True)
    weights = torch.randn(batch, steps, hidden)
    outputs = [m(x) for m in (reference, fast)]
    torch.testing.assert_close(outputs[1][0], outputs[0][0], rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(outputs[1][1], outputs[0][1], rtol=1e-5, atol=1e-5)
    grads = []
    for module, (out, h_n) in zip((reference, fast), outputs):
        loss = (out * weights).sum() + h_n.pow(2).sum()
        grads.append(torch.autograd.grad(loss, [x, *module.parameters()]))
    for got, want in zip(grads[1], grads[0]):
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)


def test_rows_split_across_threads_give_the_same_result(monkeypatch):
    if _native.load() is None:
        pytest.skip("no C compiler")
    _, fast = _pair(4, 8, 2)
    x = torch.randn(1000, 6, 4, requires_grad=True)
    monkeypatch.setattr(torch, "get_num_threads", lambda: 1)
    one = fast(x)[0]
    (g_one,) = torch.autograd.grad(one.sum(), [x])
    monkeypatch.setattr(torch, "get_num_threads", lambda: 3)
    three = fast(x)[0]
    (g_three,) = torch.autograd.grad(three.sum(), [x])
    torch.testing.assert_close(three, one, rtol=0, atol=0)
    torch.testing.assert_close(g_three, g_one, rtol=0, atol=0)


def test_other_calls_go_to_torch_implementation(monkeypatch):
    reference, fast = _pair(3, 4, 1)
    x = torch.randn(5, 6, 3)
    h0 = torch.randn(1, 5, 4)

    def fail(*args):
        raise AssertionError("the fast path must not run with an initial state")

    monkeypatch.setattr(_gru._NativeGRULayer, "apply", fail)
    monkeypatch.setattr(_gru._TorchGRULayer, "apply", fail)
    torch.testing.assert_close(fast(x, h0)[0], reference(x, h0)[0])
    fast, reference = fast.double(), reference.double()
    torch.testing.assert_close(fast(x.double())[0], reference(x.double())[0])


def test_no_grad_inference_and_extreme_inputs_stay_finite(path):
    _, fast = _pair(2, 6, 2)
    x = torch.randn(16, 10, 2) * 1e4  # saturated gates
    with torch.no_grad():
        out = fast(x)[0]
    assert torch.isfinite(out).all()
    assert out.abs().max() <= 1.0


def test_tied_stack_applies_one_layer_repeatedly():
    torch.manual_seed(0)
    stack = RecurrentStack(4, 4, 3, tied=True)
    rnn = stack.layers[0]
    assert all(layer is rnn for layer in stack.layers)
    assert sum(p.numel() for p in stack.parameters()) == sum(p.numel() for p in rnn.parameters())
    x = torch.randn(5, 7, 4, requires_grad=True)
    expected = rnn(rnn(rnn(x)))
    torch.testing.assert_close(stack(x), expected)
    stack(x).sum().backward()  # gradients from all three uses reach the one weight set
    assert rnn.rnn.weight_hh_l0.grad.abs().sum() > 0
