// Making tunes with the fast engine, and scoring tunes under it. A tune is the sequence
// <bos>, its symbols in training form (abc/clean.h): characters, or tokens of a token vocabulary
// (vocab/vocab.h), <eos>. Lengths are counted in characters whatever the vocabulary. Tune i of a run draws only from
// Rng::ForStream(seed, i), and the engine's logits for a sequence do not depend on the batch, so
// tune i is the same text whether made alone, in a batch of 64, or with any thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "abcrnn/infer/match_model.h"
#include "abcrnn/infer/engine.h"
#include "abcrnn/infer/sampler.h"
#include "abcrnn/infer/strict.h"
#include "abcrnn/util/status.h"
#include "abcrnn/vocab/vocab.h"

namespace abcrnn {

struct GenerateOptions {
  uint64_t seed = 0;
  int first = 0;        // index of the first tune (its random stream); tunes first..first+num-1
  int num = 1;          // how many tunes
  int length = 1000;    // most characters per tune, the prime included (a token past it is cut)
  SamplerOptions sampler;
  std::string prime;    // the tune's beginning in training form (header lines and/or music)
  // When set, tune i's prime instead of `prime` (a generation session draws each tune's
  // controls); called on the calling thread, in index order. An invalid one is an error.
  std::function<std::string(int index)> prime_for;
  int batch = 64;       // tunes stepped together (memory and speed only; the tunes are the same)
  // Only valid ABC (infer/strict.h): a drawn character that would make the tune invalid is
  // masked out and the draw repeated from the renormalised rest (rejection, with the same random
  // stream); <eos> only where the tune is complete; at the length limit the tune is cut back to
  // its last complete point (a bar line). A tune that reaches a dead end (no character allowed) or
  // stalls (no note or rest for StrictChecker::kMaxStall characters) goes back to just before its
  // last single bar line, engine state included, and goes on drawing from its stream (up to 24
  // times an attempt); then it starts again from the prime (up to 8 attempts) on the same stream;
  // a tune still stalling after that is marked failed.
  bool strict = false;
  // Strict mode also keeps the form a tune's header asks for ("N:form 8+8", abc/controls.h):
  // StrictChecker(true). With a model without a form clock, where the form is complete but the
  // model would rather go on, its last bar is drawn again (up to 8 times); a model with one knows
  // where its parts end.
  bool enforce_form = false;
  // Strict mode also ends a tune on the final its header asks for ("N:final 1", abc/controls.h):
  // where the tune would end on another degree, its last bar is drawn again (up to 8 times an
  // attempt; then it ends as drawn). Rejection sampling of the last bar on the final: the cadence
  // is the model's own.
  bool keep_final = false;
  // The match model (infer/match_model.h): when not empty, each draw is from the LSTM's
  // distribution mixed with the match model's prediction from the tune so far (prime included);
  // temperature, top-k and top-p then apply to the mixture.
  MatchMix match;
  // Draws give the plain, non-periodic match a larger share than its fitted weight w:
  // w + match_boost (1 - w). The weights are fitted one character at a time; drawn tune after
  // tune at temperature 0.8 they brought back half the figures real tunes do (doc/match-model.md).
  // 0: the fitted weights. REQUIRES: 0 <= match_boost < 1.
  double match_boost = 0.0;
  // Asked between steps (every character of the batch); true ends GenerateTunes at once with OK:
  // the tunes already handed to the sink stay, the unfinished ones are dropped. For Ctrl-C and a
  // server's time limit. Unset: never stop.
  std::function<bool()> stop;
};

struct GeneratedTune {
  int index = 0;         // stream index: first + k for the k-th tune
  std::string text;      // training form: the prime then the sampled characters (no <eos>)
  bool ended = false;    // true when the model chose <eos>; false when cut at options.length
  int sampled = 0;       // characters sampled after the prime (kept ones)
  // Strict mode: draws made, and draws whose first choice was masked out (their ratio estimates
  // the model's probability mass on invalid characters); attempts (1 = first try); failed when no
  // attempt gave a complete tune (the text is then the last attempt's, not valid).
  int64_t draws = 0;
  int64_t first_rejected = 0;
  int attempts = 1;
  int backtracks = 0;  // strict: times a dead end or stall went back to the last bar line
  int final_redraws = 0;  // strict with keep_final: times the last bar was drawn again for its final
  bool failed = false;
};

// Called with each tune in index order, as soon as it and all before it are done. Returning false
// stops the generation early (e.g. the reader closed the pipe); that is not an error.
using TuneSink = std::function<bool(const GeneratedTune&)>;

// Makes the tunes. InvalidArgument when the prime has characters outside the vocabulary (named,
// with their position) or is not shorter than `length`, or an option is out of range.
// <bos> is never sampled; <eos> ends a tune.
Status GenerateTunes(const FastEngine& engine, const Vocab& vocab, const GenerateOptions& options,
                     const TuneSink& sink);

struct TuneScore {
  Status status;          // InvalidArgument when the text has characters the model does not know
  double bits = 0;        // -log2 P(text, <eos> | <bos>)
  int64_t predicted = 0;  // symbols + 1 (<eos>): characters, or tokens
  int64_t chars = 0;      // characters + 1 (<eos>), whatever the vocabulary
};

// Scores every text (training form) as <bos> text <eos>; bits per character = bits / chars (the
// same text gives the same denominator under every model), bits per symbol = bits / predicted.
// Log-probabilities in double from the engine's float logits.
// With `match`, each character's probability is the LSTM's mixed with the match model's
// (infer/match_model.h); with `observations`, every character the match model predicts is added to
// it (the LSTM's and the match model's probability of it, for FitMatchMix), in no set order.
std::vector<TuneScore> ScoreTexts(const FastEngine& engine, const Vocab& vocab,
                                  const std::vector<std::string>& texts, int batch = 64,
                                  const MatchMix* match = nullptr,
                                  std::vector<MatchObservation>* observations = nullptr);

}  // namespace abcrnn
