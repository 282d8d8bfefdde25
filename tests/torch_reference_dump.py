#!/usr/bin/python3
"""PyTorch reference for abcrnn's CharLSTM: dumps weights, inputs, logits, loss, gradients and the
weights after one clipped Adam step, as JSON, for tests/torch/model_reference_test.cc.

Run with Debian's python3-torch: /usr/bin/python3 tests/torch_reference_dump.py OUT.json
The model is the one of ../shared/bench/torch_reference.py (Embedding "embed", LSTM "lstm" with
batch_first, Linear "head"); targets of -1 are ignored as abcrnn's padding is. Exit 3 without torch.
"""
import json
import sys

try:
    import torch
except ImportError:
    sys.exit(3)


from torch_char_lstm import CharLSTM  # noqa: E402 (after the torch check)


def flat(t):
    return {"shape": list(t.shape), "data": t.detach().double().reshape(-1).tolist()}


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    V, E, H, L, B, T = 13, 6, 8, 2, 3, 5
    model = CharLSTM(V, E, H, L)
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, V, (B, T), generator=g)
    y = torch.randint(0, V, (B, T), generator=g)
    y[1, 3] = -1  # padding: not scored
    x2 = torch.randint(0, V, (B, T), generator=g)
    out = {"config": {"vocab": V, "embed": E, "hidden": H, "layers": L, "batch": B, "seq": T},
           "weights": {n: flat(p) for n, p in model.named_parameters()},
           "order": [n for n, _ in model.named_parameters()],
           "x": x.reshape(-1).tolist(), "y": y.reshape(-1).tolist(), "x2": x2.reshape(-1).tolist()}
    logits, state = model(x)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1), ignore_index=-1)
    logits2, _ = model(x2, state)  # the state carried into a second window
    loss.backward()
    out["logits"] = flat(logits)
    out["logits2"] = flat(logits2)
    out["h"] = flat(state[0])
    out["c"] = flat(state[1])
    out["loss"] = loss.item()
    out["grads"] = {n: flat(p.grad) for n, p in model.named_parameters()}
    clip, lr = 0.1, 0.01  # the norm is about 0.26: clipping acts
    out["grad_norm"] = torch.nn.utils.clip_grad_norm_(model.parameters(), clip).item()
    out["clip"], out["lr"] = clip, lr
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    opt.step()
    out["after_step"] = {n: flat(p) for n, p in model.named_parameters()}
    with open(sys.argv[1], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
