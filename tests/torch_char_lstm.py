"""The character LSTM in PyTorch, as ../shared/bench/torch_reference.py builds it (Embedding "embed",
LSTM "lstm" with batch_first, Linear "head"): the model both PyTorch reference scripts in tests/
load abcrnn's weights into. Imported by torch_logits_dump.py and torch_reference_dump.py.
"""
import torch


class CharLSTM(torch.nn.Module):
    def __init__(self, vocab, embed, hidden, layers):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, embed)
        self.lstm = torch.nn.LSTM(embed, hidden, layers, batch_first=True)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        y, state = self.lstm(self.embed(x), state)
        return self.head(y), state
