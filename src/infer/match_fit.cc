// FitMatchModel: the match model's weights fitted to a model's training tunes (EM over the
// characters the match model predicts), with the bits per character before and after.
#include <algorithm>
#include <cmath>

#include "abcrnn/infer/match_model.h"
#include "abcrnn/infer/generate.h"

namespace abcrnn {
namespace {

double BitsPerSymbol(const std::vector<TuneScore>& scores, int64_t* symbols, int* skipped) {
  double bits = 0;
  int64_t n = 0;
  int bad = 0;
  for (const auto& s : scores) {
    if (!s.status.ok()) {
      ++bad;
      continue;
    }
    bits += s.bits;
    n += s.predicted;
  }
  if (symbols != nullptr) *symbols = n;
  if (skipped != nullptr) *skipped = bad;
  return n > 0 ? bits / static_cast<double>(n) : 0.0;
}

}  // namespace

MatchFit FitMatchModel(const FastEngine& engine, const Vocab& vocab, const std::vector<std::string>& texts) {
  MatchFit fit;
  std::vector<MatchObservation> observations;
  const MatchMix start = MatchMix::Initial(engine.config().form_clock != 0);
  fit.bits_alone = BitsPerSymbol(ScoreTexts(engine, vocab, texts, 64, nullptr, &observations), &fit.symbols,
                                 &fit.skipped);
  fit.observations = static_cast<int64_t>(observations.size());
  fit.mix = FitMatchMix(observations, start);
  // The fitted mixture's likelihood, from the same observations (the characters the match model
  // does not predict keep the LSTM's probability).
  double gain = 0;
  for (MatchObservation o : observations) {
    o.p_model = std::max(o.p_model, 1e-300);
    gain += std::log2(MixedProbability(fit.mix, o)) - std::log2(o.p_model);
  }
  fit.bits_mixed = fit.symbols > 0 ? fit.bits_alone - gain / static_cast<double>(fit.symbols) : 0.0;
  return fit;
}

}  // namespace abcrnn
