#!/usr/bin/python3
"""Trains a small character LSTM with PyTorch on tunes in training form (the output of
`abcrnn clean`) for a fixed time and writes it as an abcrnn checkpoint (doc/checkpoint-format.md,
written here with json/struct/zlib only). A stand-in trained model for measuring the sampler's
strict mode until `abcrnn train` ships one; not part of the build or the tests.

  abcrnn clean ../shared/data/nottingham -o /tmp/nott.abc
  /usr/bin/python3 bench/tiny_train.py /tmp/nott.abc /tmp/tiny-trained.ckpt --seconds 300
"""
import argparse, json, math, random, struct, time, zlib
import torch


def read_tunes(path):
    tunes = []
    for block in open(path, encoding="utf-8").read().split("\n\n"):
        lines = [l for l in block.strip("\n").split("\n") if l and not l.startswith("X:")]
        if lines:
            tunes.append("\n".join(lines) + "\n")
    return tunes


class CharLSTM(torch.nn.Module):
    def __init__(self, vocab, embed, hidden, layers):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, embed)
        self.lstm = torch.nn.LSTM(embed, hidden, layers, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, x):
        y, _ = self.lstm(self.embed(x))
        return self.head(y)


def write_checkpoint(path, model, vocab, shape, metadata):
    names = ["embed.weight"]
    for k in range(shape["layers"]):
        names += [f"lstm.weight_ih_l{k}", f"lstm.weight_hh_l{k}", f"lstm.bias_ih_l{k}", f"lstm.bias_hh_l{k}"]
    names += ["head.weight", "head.bias"]
    state = model.state_dict()
    tensors, blobs, offset = [], [], 0
    for n in names:
        raw = state[n].detach().contiguous().numpy().astype("<f4").tobytes()
        tensors.append({"name": n, "section": "weights", "shape": list(state[n].shape), "offset": offset,
                        "crc32": zlib.crc32(raw)})
        pad = (-len(raw)) % 64
        blobs.append(raw + b"\0" * pad)
        offset += len(raw) + pad
    header = json.dumps({"format": "abcrnn-checkpoint", "version": 1, "model": shape, "vocab": vocab,
                         "metadata": metadata, "trainer_state": None, "tensors": tensors,
                         "data_bytes": offset}).encode("utf-8")
    out = b"ABCRNNCK" + struct.pack("<IIQ", 1, zlib.crc32(header), len(header)) + header
    out += b"\0" * ((-len(out)) % 64)
    open(path, "wb").write(out + b"".join(blobs))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("tunes")
    p.add_argument("out")
    p.add_argument("--seconds", type=float, default=300)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--embed", type=int, default=32)
    p.add_argument("--batch", type=int, default=16)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    random.seed(0)
    tunes = read_tunes(a.tunes)
    chars = sorted({c for t in tunes for c in t})
    vocab = ["<bos>", "<eos>"] + chars
    ids = {c: i + 2 for i, c in enumerate(chars)}
    seqs = [[0] + [ids[c] for c in t] + [1] for t in tunes if len(t) < 500]
    random.shuffle(seqs)
    valid, train = seqs[:50], seqs[50:]
    shape = {"vocab_size": len(vocab), "embed": a.embed, "hidden": a.hidden, "layers": a.layers, "dropout": 0.0}
    model = CharLSTM(len(vocab), a.embed, a.hidden, a.layers)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    def batch_loss(group):
        n = max(len(s) for s in group)
        x = torch.full((len(group), n), 1, dtype=torch.long)
        for i, s in enumerate(group):
            x[i, : len(s)] = torch.tensor(s)
        mask = torch.zeros(len(group), n - 1)
        for i, s in enumerate(group):
            mask[i, : len(s) - 1] = 1
        logits = model(x[:, :-1])
        nll = torch.nn.functional.cross_entropy(logits.reshape(-1, len(vocab)), x[:, 1:].reshape(-1), reduction="none")
        return (nll * mask.reshape(-1)).sum(), mask.sum()

    start, step = time.time(), 0
    while time.time() - start < a.seconds:
        group = random.sample(train, a.batch)
        opt.zero_grad()
        total, count = batch_loss(group)
        (total / count).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
    with torch.no_grad():
        total, count = batch_loss(valid)
    bpc = (total / count).item() / math.log(2)
    write_checkpoint(a.out, model, vocab, shape, {"trainer": "bench/tiny_train.py", "steps": step,
                                                  "seconds": a.seconds, "valid_bits_per_char": bpc})
    print(json.dumps({"steps": step, "valid_bits_per_char": round(bpc, 4), "vocab": len(vocab)}))


if __name__ == "__main__":
    main()
