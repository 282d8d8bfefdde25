// The baseline the LSTM is compared with: a character n-gram model with interpolated modified
// Kneser-Ney smoothing (Chen & Goodman 1998, three discounts per order), trained on tune texts
// as <bos>^(order-1) text <eos>. Scores held-out tunes in bits per character and samples tunes.
// Immutable after Train; scoring and sampling are const and thread-safe. See doc/eval.md.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "abcrnn/eval/rng.h"
#include "abcrnn/util/status.h"
#include "abcrnn/vocab/vocab.h"

namespace abcrnn::eval {

struct NgramOptions {
  int order = 10;  // n: the model looks at the last n-1 symbols; 1..16 (10: doc/eval.md)
  // Discounts D1, D2, D3+ used for every order instead of the ones estimated from the counts
  // of counts (for tests and experiments). Each Dk must lie in [0, k].
  std::optional<std::array<double, 3>> fixed_discounts;
};

// Bits per character of a set of texts; every character and each tune's <eos> is predicted.
struct NgramScore {
  double bits = 0;      // total -log2 P over the predicted symbols
  int64_t symbols = 0;  // characters + one <eos> per text
  int64_t unknown = 0;  // characters not in the model's vocabulary (skipped, not scored)
  double bits_per_char() const { return symbols ? bits / static_cast<double>(symbols) : 0.0; }
};

class NgramModel {
 public:
  // Counts every n-gram of `texts` (each one tune's training form). InvalidArgument when the
  // order is outside 1..8, texts is empty, or a fixed discount is out of range.
  static Result<NgramModel> Train(const std::vector<std::string>& texts,
                                  const NgramOptions& options);

  NgramModel(NgramModel&&) noexcept;
  NgramModel& operator=(NgramModel&&) noexcept;
  ~NgramModel();

  int order() const;
  const Vocab& vocab() const;
  // The discounts D1, D2, D3+ of each order n = 1..order (index n-1).
  std::vector<std::array<double, 3>> discounts() const;
  // Distinct n-grams stored (all orders, incl. the <bos> contexts).
  int64_t nodes() const;

  // P(next | history): `history` holds vocabulary ids (no <bos> padding needed: it is added
  // for a history shorter than order-1). `next` is a vocabulary id other than <bos>.
  double Probability(const std::vector<int>& history, int next) const;
  // The full distribution over the vocabulary after `history` (index = id; <bos> gets 0).
  std::vector<double> Distribution(const std::vector<int>& history) const;

  // Bits per character of `texts` (each as <bos>... text <eos>).
  NgramScore Score(const std::vector<std::string>& texts) const;

  // One tune: symbols drawn from the model until <eos> or `max_chars` characters.
  std::string Sample(Rng* rng, int max_chars) const;

 private:
  struct Impl;
  explicit NgramModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace abcrnn::eval
