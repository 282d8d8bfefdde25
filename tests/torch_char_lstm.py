"""The character model in PyTorch, as ../shared/bench/torch_reference.py builds it (Embedding "embed",
LSTM "lstm" with batch_first, Linear "head"; with cell="gru", GRU "gru" instead of the LSTM): the
model both PyTorch reference scripts in tests/ load abcrnn's weights into. Imported by
torch_logits_dump.py and torch_reference_dump.py.
With clock_rows, a form clock (doc/checkpoint-format.md): Embedding "clock", whose rows per step
(three in scheme 1, four in scheme 2) are added to the character's embedding.
"""
import torch


class CharLSTM(torch.nn.Module):
    def __init__(self, vocab, embed, hidden, layers, clock_rows=0, cell="lstm"):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, embed)
        self.clock = torch.nn.Embedding(clock_rows, embed) if clock_rows else None
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.cell = cell  # the module's name, as the checkpoint's tensors are named (lstm.*, gru.*)
        self.add_module(cell, rnn(embed, hidden, layers, batch_first=True))
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, x, state=None, clock=None):
        e = self.embed(x)
        if self.clock is not None:
            e = e + self.clock(clock).sum(2)  # clock: (B, T, fields) rows
        y, state = getattr(self, self.cell)(e, state)
        return self.head(y), state
