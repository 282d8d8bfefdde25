// From cleaned tune texts to what the trainer consumes: the split, the vocabulary (from the
// training side), the encoded tunes (<bos> ids... <eos>), the unigram entropy and the fingerprint.
// No LibTorch.
#pragma once

#include <string>
#include <vector>

#include "abcrnn/abc/clean.h"
#include "abcrnn/abc/form_clock.h"
#include "abcrnn/util/status.h"
#include "abcrnn/vocab/vocab.h"

namespace abcrnn {

struct Corpus {
  Vocab vocab;
  std::vector<std::vector<int>> train;  // ids, <bos> first, <eos> last
  std::vector<std::vector<int>> valid;
  std::vector<std::string> train_type;  // each training tune's type (its R: control), "" none
  int64_t train_chars = 0;      // predictions per training epoch (symbols + <eos>: characters or tokens)
  int64_t valid_chars = 0;
  int64_t valid_text_chars = 0;  // characters + <eos> of the validation tunes, whatever the vocabulary
  int valid_dropped = 0;        // validation tunes with a character the training side lacks
  std::string fingerprint;      // DataFingerprint of all tunes given, in order
  double unigram_bits = 0;      // entropy of the training targets' frequencies, bits per symbol
  int augmented = 0;            // transposed copies added to the training side
  // With AddFormClocks: each tune's form clock per id (abc/form_clock.h), the <bos> input first.
  std::vector<std::vector<abc::FormClock>> train_clock;
  std::vector<std::vector<abc::FormClock>> valid_clock;
};

// Splits `tunes` (cleaned texts) by SplitTunes (with `valid_per_type`), builds the vocabulary from the training
// side (by `tokenizer`: Vocab::Build or Vocab::BuildTokens; or uses `vocab` when given, e.g. on
// --resume) and encodes both sides. With
// `augment_transpose` shifts (semitones), the training side also gets each tune transposed by
// each shift (AugmentByTransposition, written with `clean`'s settings) before the vocabulary is
// built. InvalidArgument when no training tune is left, or when a training tune has a character
// outside a given vocab.
Result<Corpus> BuildCorpus(const std::vector<std::string>& tunes, double valid_fraction,
                           const Vocab* vocab = nullptr, const std::vector<int>& augment_transpose = {},
                           const CleanOptions& clean = {}, int valid_per_type = 0,
                           Tokenizer tokenizer = Tokenizer::kChar);

// Validation bits per character of the text from a loss in nats per predicted symbol (the
// trainer's): the same number for every vocabulary of the same tunes.
double ValidBitsPerChar(const Corpus& corpus, double nats_per_symbol);

// Fills train_clock and valid_clock from the encoded tunes (the clock of each input: <bos>, then
// each character; the <eos> input, never scored, gets abc::HeaderClock()).
void AddFormClocks(Corpus* corpus);
// The clock of each input of one encoded tune (<bos> ... <eos>), as AddFormClocks computes it.
std::vector<abc::FormClock> FormClockOfIds(const Vocab& vocab, const std::vector<int>& ids);

// <bos>, the ids of `text`, <eos>.
Result<std::vector<int>> EncodeTune(const Vocab& vocab, const std::string& text);

}  // namespace abcrnn
