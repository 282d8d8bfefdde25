// BuildCorpus: split, vocabulary, encoding and the unigram entropy (the baseline a model must beat).
#include "abcrnn/data/corpus.h"

#include <cmath>

#include "abcrnn/abc/controls.h"
#include "abcrnn/data/augment.h"
#include "abcrnn/data/split.h"

namespace abcrnn {

Result<std::vector<int>> EncodeTune(const Vocab& vocab, const std::string& text) {
  auto ids = vocab.Encode(text);
  if (!ids.ok()) return ids.status();
  std::vector<int> out;
  out.reserve(ids->size() + 2);
  out.push_back(Vocab::kBos);
  out.insert(out.end(), ids->begin(), ids->end());
  out.push_back(Vocab::kEos);
  return out;
}

std::vector<abc::FormClock> FormClockOfIds(const Vocab& vocab, const std::vector<int>& ids) {
  std::vector<std::string> symbols;
  for (size_t i = 1; i + 1 < ids.size(); ++i) symbols.push_back(vocab.symbol(ids[i]));
  std::vector<abc::FormClock> clocks = abc::FormClockOfSymbols(symbols);  // <bos> and each character
  clocks.push_back(abc::HeaderClock());                                   // the <eos> input
  return clocks;
}

void AddFormClocks(Corpus* corpus) {
  corpus->train_clock.clear();
  corpus->valid_clock.clear();
  for (const auto& ids : corpus->train) corpus->train_clock.push_back(FormClockOfIds(corpus->vocab, ids));
  for (const auto& ids : corpus->valid) corpus->valid_clock.push_back(FormClockOfIds(corpus->vocab, ids));
}

Result<Corpus> BuildCorpus(const std::vector<std::string>& tunes, double valid_fraction, const Vocab* vocab,
                           const std::vector<int>& augment_transpose, const CleanOptions& clean,
                           int valid_per_type, Tokenizer tokenizer) {
  if (!(valid_fraction >= 0 && valid_fraction < 1))
    return Status::InvalidArgument("valid fraction: expected a number in [0, 1), got " +
                                   std::to_string(valid_fraction));
  DataSplit split = SplitTunes(tunes, valid_fraction, valid_per_type);
  if (split.train.empty())
    return Status::InvalidArgument("expected at least one training tune, got " + std::to_string(tunes.size()) +
                                   " tunes of which " + std::to_string(split.valid.size()) +
                                   " went to validation; give more tunes or a smaller --valid-fraction");
  Corpus c;
  c.fingerprint = DataFingerprint(tunes);
  if (!augment_transpose.empty()) {
    AugmentResult a = AugmentByTransposition(split.train, augment_transpose, clean);
    c.augmented = a.added;
    split.train = std::move(a.tunes);
  }
  c.vocab = vocab                               ? *vocab
            : tokenizer == Tokenizer::kToken ? Vocab::BuildTokens(split.train)
                                             : Vocab::Build(split.train);
  for (size_t i = 0; i < split.train.size(); ++i) {
    auto ids = EncodeTune(c.vocab, split.train[i]);
    if (!ids.ok())
      return Status::InvalidArgument("training tune " + std::to_string(i + 1) + ": " + ids.status().message());
    c.train_chars += static_cast<int64_t>(ids->size()) - 1;
    c.train.push_back(std::move(ids).value());
    c.train_type.push_back(abc::ReadControlLines(split.train[i]).type);
  }
  for (const auto& t : split.valid) {
    auto ids = EncodeTune(c.vocab, t);
    if (!ids.ok()) {
      ++c.valid_dropped;
      continue;
    }
    c.valid_chars += static_cast<int64_t>(ids->size()) - 1;
    c.valid_text_chars += static_cast<int64_t>(SplitCharacters(t).size()) + 1;
    c.valid.push_back(std::move(ids).value());
  }
  std::vector<int64_t> counts(c.vocab.size(), 0);
  for (const auto& ids : c.train)
    for (size_t k = 1; k < ids.size(); ++k) ++counts[ids[k]];
  for (int64_t n : counts)
    if (n > 0) {
      double p = static_cast<double>(n) / static_cast<double>(c.train_chars);
      c.unigram_bits -= p * std::log2(p);
    }
  return c;
}

double ValidBitsPerChar(const Corpus& corpus, double nats_per_symbol) {
  if (corpus.valid_text_chars == 0) return nats_per_symbol / std::log(2.0);
  // For characters the ratio is exactly 1: the figure is the loss in bits, unchanged.
  const double symbols_per_char = static_cast<double>(corpus.valid_chars) / static_cast<double>(corpus.valid_text_chars);
  return nats_per_symbol * symbols_per_char / std::log(2.0);
}

}  // namespace abcrnn
