# Makes layer_reference.json: PyTorch reference outputs for tandem's fused CPU kernels.
#
# tests/kernels/reference_values_test.cc loads the JSON and checks tandem's GRU and LSTM cells,
# additive attention scores with masked softmax, label-smoothed cross-entropy (value and
# gradient) and layer norm against the values computed here, independently of our code.
#
# Run from the repository root (Debian's Python, which has torch; the pyenv python3 has not):
#   /usr/bin/python3 tests/reference/make_layer_reference.py
# Made with torch 1.13.0a0 (Debian's python3-torch package). The output is
# deterministic for a given torch version (seeded generator, CPU, float64).
#
# Every input is drawn, rounded to float32 and only then widened to float64, so the C++ side,
# which reads the numbers as float32, starts from exactly the same inputs; all arithmetic here is
# float64, so the expected values carry no float32 rounding of their own and the test's
# tolerance only has to cover tandem's float32 arithmetic. Inputs are written with 9 significant
# digits, which parse back to exactly the same float32 (see tensor_in); expected values are
# written with 12, far finer than any tolerance the test uses.
#
# Layout: {"meta": {...}, "gru": [case, ...], "lstm": [...], "attention": [...],
#          "cross_entropy": [...], "layer_norm": [...]}; a case has a "name", scalar settings,
# and tensors stored as {"shape": [...], "data": [flat, row-major]}. Masked attention scores
# are null in the JSON (the C++ side expects -inf there).

import json
import math
import os

import torch
import torch.nn.functional as F

SEED = 20240611
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layer_reference.json")


def f32(t):
    """Rounds to float32 and widens back: the exact inputs both sides will use."""
    return t.detach().to(torch.float32).to(torch.float64)


def randn(*shape, scale=1.0, offset=0.0):
    return f32(torch.randn(*shape, dtype=torch.float64) * scale + offset)


def uniform(*shape, bound):
    return f32((torch.rand(*shape, dtype=torch.float64) * 2.0 - 1.0) * bound)


def tensor_in(t):
    """An input: exact float32 values, each written with 9 significant digits. Nine digits name
    a float32 uniquely, and the decimal lies so close to it (≤ 5e-10 relative, against 3e-8 to
    the nearest rounding boundary) that parsing to double and then narrowing to float32, as the
    C++ side does, gives back exactly this value; the assert checks that."""
    t = t.detach()
    values = t.reshape(-1).tolist()
    data = [float("%.9g" % x) for x in values]
    exact = torch.tensor(data, dtype=torch.float64).to(torch.float32).to(torch.float64)
    assert exact.tolist() == values, "an input did not survive its decimal form"
    return {"shape": list(t.shape), "data": data}


def tensor_out(t, nullify=None):
    """An expected value, to 12 significant digits; entries where `nullify` is true become null."""
    t = t.detach()
    values = t.reshape(-1).tolist()
    flags = nullify.reshape(-1).tolist() if nullify is not None else [False] * len(values)
    data = [None if flag else float("%.12g" % x) for x, flag in zip(values, flags)]
    return {"shape": list(t.shape), "data": data}


def gru_case(name, batch, inp, hidden, scale=1.0):
    """torch.nn.GRUCell (gate order r, z, n); `scale` widens the weights and inputs so the
    gate pre-activations reach well into the saturated range of σ and tanh."""
    cell = torch.nn.GRUCell(inp, hidden, dtype=torch.float64)
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(f32(p * scale))
    x = randn(batch, inp, scale=scale)
    h = uniform(batch, hidden, bound=1.0)  # a GRU state is always in (−1, 1)
    with torch.no_grad():
        h_next = cell(x, h)
    return {
        "name": name,
        "batch": batch,
        "input": inp,
        "hidden": hidden,
        "x": tensor_in(x),
        "h": tensor_in(h),
        "w_ih": tensor_in(cell.weight_ih),
        "w_hh": tensor_in(cell.weight_hh),
        "b_ih": tensor_in(cell.bias_ih),
        "b_hh": tensor_in(cell.bias_hh),
        "h_next": tensor_out(h_next),
    }


def lstm_case(name, batch, inp, hidden, scale=1.0):
    """torch.nn.LSTMCell (gate order i, f, g, o)."""
    cell = torch.nn.LSTMCell(inp, hidden, dtype=torch.float64)
    with torch.no_grad():
        for p in cell.parameters():
            p.copy_(f32(p * scale))
    x = randn(batch, inp, scale=scale)
    h = uniform(batch, hidden, bound=1.0)
    c = randn(batch, hidden, scale=1.5)  # a cell state is unbounded
    with torch.no_grad():
        h_next, c_next = cell(x, (h, c))
    return {
        "name": name,
        "batch": batch,
        "input": inp,
        "hidden": hidden,
        "x": tensor_in(x),
        "h": tensor_in(h),
        "c": tensor_in(c),
        "w_ih": tensor_in(cell.weight_ih),
        "w_hh": tensor_in(cell.weight_hh),
        "b_ih": tensor_in(cell.bias_ih),
        "b_hh": tensor_in(cell.bias_hh),
        "h_next": tensor_out(h_next),
        "c_next": tensor_out(c_next),
    }


def attention_case(name, src_len, batch, dim, mask_rows):
    """Bahdanau et al. 2015, appendix A.1.2, written out: e[b, s] = v·tanh(q[b] + keys[s, b]).
    mask_rows[b] lists the masked source positions of batch row b."""
    q = randn(batch, dim)
    keys = randn(src_len, batch, dim)
    v = uniform(dim, bound=1.0)
    mask = torch.ones(batch, src_len, dtype=torch.float64)
    for b, masked in enumerate(mask_rows):
        for s in masked:
            mask[b, s] = 0.0
    assert bool((mask.sum(dim=1) > 0).all()), "every row needs an unmasked position"
    scores = (torch.tanh(q.unsqueeze(0) + keys) * v).sum(dim=-1).transpose(0, 1)  # (B, S)
    masked = mask == 0
    filled = scores.masked_fill(masked, -math.inf)
    weights = torch.softmax(filled, dim=-1)
    return {
        "name": name,
        "src_len": src_len,
        "batch": batch,
        "dim": dim,
        "q": tensor_in(q),
        "keys": tensor_in(keys),
        "v": tensor_in(v),
        "mask": tensor_in(mask),
        "scores": tensor_out(scores, nullify=masked),
        "weights": tensor_out(weights),
    }


def cross_entropy_case(name, rows, vocab, smoothing, ignore_index, ignored_rows, scale=2.0,
                       offset=0.0):
    """F.cross_entropy with label smoothing and an ignore index; the gradients come from
    autograd. `offset` shifts all logits, to check the max-subtraction for large values."""
    logits = randn(rows, vocab, scale=scale, offset=offset)
    targets = torch.randint(0, vocab, (rows,))
    if ignore_index >= 0:  # an in-vocabulary pad id must not appear as a real target
        targets[targets == ignore_index] = (ignore_index + 1) % vocab
    for r in ignored_rows:
        targets[r] = ignore_index
    assert len(ignored_rows) < rows, "the mean needs a counted row"
    result = {
        "name": name,
        "rows": rows,
        "vocab": vocab,
        "smoothing": smoothing,
        "ignore_index": ignore_index,
        "logits": tensor_in(logits),
        "targets": [int(t) for t in targets.tolist()],
    }
    for reduction in ("mean", "sum"):
        x = logits.clone().requires_grad_(True)
        loss = F.cross_entropy(x, targets, ignore_index=ignore_index, label_smoothing=smoothing,
                               reduction=reduction)
        loss.backward()
        result["loss_" + reduction] = float("%.12g" % loss.item())
        result["grad_" + reduction] = tensor_out(x.grad)
    return result


def layer_norm_case(name, rows, cols, scale=1.0, offset=0.0, tiny_row=None):
    """F.layer_norm over the last axis with weight and bias, eps = 1e-5. tiny_row, if given,
    gets a spread of ~1e-3 (variance ~1e-6, below eps) so the placement of eps matters. That
    row is centred near 0.05, not 1: there 1/σ approaches 1/sqrt(eps) ≈ 316, which multiplies
    the float32 rounding of the row mean (half an ulp, 3e-8 at 0.5) into ~1e-5 of error in y.
    That is float32's limit, not a kernel's (torch's own float32 layer_norm is off by 5e-6 on
    such a row centred at 0.5), so the test would measure the conditioning, not the code."""
    x = torch.randn(rows, cols, dtype=torch.float64) * scale + offset
    if tiny_row is not None:
        x[tiny_row] = torch.randn(cols, dtype=torch.float64) * 1e-3 + 0.05
    x = f32(x)
    gamma = f32(1.0 + 0.5 * torch.randn(cols, dtype=torch.float64))
    beta = randn(cols, scale=0.5)
    y = F.layer_norm(x, (cols,), weight=gamma, bias=beta, eps=1e-5)
    return {
        "name": name,
        "rows": rows,
        "cols": cols,
        "eps": 1e-5,
        "x": tensor_in(x),
        "gamma": tensor_in(gamma),
        "beta": tensor_in(beta),
        "y": tensor_out(y),
    }


def main():
    torch.manual_seed(SEED)
    data = {
        "meta": {
            "generator": "tests/reference/make_layer_reference.py",
            "torch": torch.__version__,
            "seed": SEED,
        },
        "gru": [
            gru_case("b1_i4_h3", 1, 4, 3),
            gru_case("b7_i5_h5", 7, 5, 5),
            gru_case("b3_i8_h17", 3, 8, 17),
            gru_case("b2_i3_h1", 2, 3, 1),
            gru_case("b4_i6_h9_saturated", 4, 6, 9, scale=4.0),
        ],
        "lstm": [
            lstm_case("b1_i4_h3", 1, 4, 3),
            lstm_case("b7_i5_h5", 7, 5, 5),
            lstm_case("b3_i8_h17", 3, 8, 17),
            lstm_case("b2_i3_h1", 2, 3, 1),
            lstm_case("b4_i6_h9_saturated", 4, 6, 9, scale=4.0),
        ],
        "attention": [
            # One row partially masked, one unmasked.
            attention_case("s5_b2_a3", 5, 2, 3, [[3, 4], []]),
            attention_case("s1_b1_a4", 1, 1, 4, [[]]),
            # Padding-style masks of various lengths, one row with a single unmasked position,
            # one with a hole in the middle.
            attention_case("s6_b7_a5", 6, 7, 5,
                           [[], [5], [4, 5], [1, 2, 3, 4, 5], [], [2], [0, 5]]),
            attention_case("s9_b3_a16", 9, 3, 16, [[7, 8], [], [3, 4, 5, 6, 7, 8]]),
        ],
        "cross_entropy": [
            cross_entropy_case("n1_v5_plain", 1, 5, 0.0, -100, []),
            cross_entropy_case("n7_v11_ls0.1_pad0", 7, 11, 0.1, 0, [2, 5]),
            cross_entropy_case("n5_v3_ls0.2_ign-100", 5, 3, 0.2, -100, [0]),
            cross_entropy_case("n6_v37_ls0.1_none_ignored", 6, 37, 0.1, -1, []),
            cross_entropy_case("n4_v9_ls0.1_large_logits", 4, 9, 0.1, 3, [1], scale=8.0,
                               offset=60.0),
        ],
        "layer_norm": [
            layer_norm_case("r1_c3", 1, 3),
            layer_norm_case("r7_c5", 7, 5, scale=2.0),
            layer_norm_case("r4_c32_offset", 4, 32, scale=0.5, offset=3.0),
            layer_norm_case("r3_c17_tiny_variance_row", 3, 17, tiny_row=1),
        ],
    }
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %s (%d bytes)" % (OUT, os.path.getsize(OUT)))


if __name__ == "__main__":
    main()
