#!/usr/bin/python3
"""PyTorch reference for abcrnn's engines: reads an abcrnn checkpoint using only the layout in
doc/checkpoint-format.md (json, struct, zlib), loads its weights into torch.nn.Embedding, LSTM or
GRU (model.architecture) and Linear (strict state dict), feeds a sequence of token ids and writes
the logits of every step.

  /usr/bin/python3 tests/torch_logits_dump.py MODEL.ckpt IDS.txt LOGITS.f32 [MODEL IDS LOGITS ...]

IDS.txt: whitespace-separated token ids; with a form clock in the model, IDS.txt.clock holds five
clock rows per id (abc::kFormClockFields; a scheme 1 model reads the first three, scheme 2 four). LOGITS.f32: float32 little-endian, (steps, V) row-major.
Needs Debian's python3-torch; exits 3 with a message when torch is missing.
"""
import json, struct, sys, zlib

try:
    import torch
except ImportError:
    sys.stderr.write("python3-torch is not installed (apt-get install python3-torch)\n")
    sys.exit(3)


def read_checkpoint(path):
    data = open(path, "rb").read()
    if data[:8] != b"ABCRNNCK":
        raise SystemExit(f"{path}: expected magic ABCRNNCK, got {data[:8]!r}")
    version, header_crc, n = struct.unpack_from("<IIQ", data, 8)
    if version not in (1, 2):
        raise SystemExit(f"{path}: expected format version 1 or 2, got {version}")
    header = data[24 : 24 + n]
    if zlib.crc32(header) != header_crc:
        raise SystemExit(f"{path}: header checksum mismatch")
    h = json.loads(header.decode("utf-8"))
    base = (24 + n + 63) // 64 * 64
    if len(data) != base + h["data_bytes"]:
        raise SystemExit(f"{path}: expected {base + h['data_bytes']} bytes, got {len(data)}")
    weights = {}
    for t in h["tensors"]:
        if t["section"] != "weights":
            continue
        count = 1
        for d in t["shape"]:
            count *= d
        raw = data[base + t["offset"] : base + t["offset"] + 4 * count]
        if zlib.crc32(raw) != t["crc32"]:
            raise SystemExit(f"{path}: checksum mismatch in {t['name']}")
        weights[t["name"]] = torch.frombuffer(bytearray(raw), dtype=torch.float32).reshape(t["shape"])
    return h["model"], weights


from torch_char_lstm import CharLSTM  # noqa: E402 (after the torch check)


def main():
    args = sys.argv[1:]
    if not args or len(args) % 3:
        raise SystemExit(__doc__)
    torch.set_num_threads(1)
    for i in range(0, len(args), 3):
        dump(*args[i : i + 3])


def dump(model_path, ids_path, out_path):
    shape, weights = read_checkpoint(model_path)
    clock_rows = weights["clock.weight"].shape[0] if shape.get("form_clock", 0) else 0
    cell = shape.get("architecture", "lstm")  # version 1 files have none: an LSTM
    model = CharLSTM(shape["vocab_size"], shape["embed"], shape["hidden"], shape["layers"], clock_rows, cell).eval()
    model.load_state_dict(weights, strict=True)
    ids = torch.tensor([[int(t) for t in open(ids_path).read().split()]], dtype=torch.long)
    clock = None
    if clock_rows:
        clock = torch.tensor([int(t) for t in open(ids_path + ".clock").read().split()], dtype=torch.long)
        fields = shape["form_clock"] + 2  # the file holds 5 per id; scheme 1 reads 3, scheme 2 reads 4
        clock = clock.view(1, -1, 5)[:, :, :fields]
    with torch.no_grad():
        logits, _ = model(ids, clock=clock)  # the whole sequence in one call: (1, T, V)
    open(out_path, "wb").write(logits[0].contiguous().numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    main()
