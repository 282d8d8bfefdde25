// Internals shared by the trainer's files: the loop's position and bookkeeping (everything a
// --resume needs besides weights and Adam moments), evaluation and sampling, and the conversion
// of all of it to and from a Checkpoint. Only src/train includes this.
#pragma once

#include <torch/optim/adam.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "abcrnn/data/batches.h"
#include "abcrnn/data/corpus.h"
#include "abcrnn/train/trainer.h"
#include "model/char_lstm.h"

namespace abcrnn::train {

// Where the loop stands. Saved in trainer_state_json (and carry in the optimizer tensors).
struct LoopState {
  int64_t step = 0;    // steps done
  int64_t epoch = 0;   // epoch of the next step
  int64_t window = 0;  // index of the next window in that epoch's plan
  int64_t total_steps = 0;
  double best_valid_loss = std::numeric_limits<double>::infinity();  // nats per char
  int64_t best_step = -1;
  int evals_since_best = 0;
  double train_seconds = 0;      // training time so far (all processes, evaluation excluded)
  int64_t train_chars = 0;       // characters trained so far
  int64_t ema_updates = 0;       // updates of the weight average (TrainOptions::ema) so far
  nlohmann::json history = nlohmann::json::array();  // one object per validation
  LstmState carry;               // the LSTM state carried into the next window (undefined: zeros)
};

// Mean loss in nats per character of `tunes` (each from a zero state, masked padding), with the
// model in eval mode. NaN when `tunes` is empty. `clocks`: each tune's form clock (with a model
// that has one), else nullptr.
double EvaluateLoss(CharLSTM& model, const std::vector<std::vector<int>>& tunes, int batch, int seq,
                    const std::vector<std::vector<abc::FormClock>>* clocks = nullptr);

// A window's clock rows as a (B,T,3) tensor, or an undefined tensor when it has none.
torch::Tensor ClockTensor(const Window& w);

// The first `rows` rows of a carried state ((L,B,H) each; undefined stays undefined), for a
// window whose later rows are padding (Window::rows). REQUIRES: rows <= the state's rows.
LstmState FirstRows(const LstmState& state, int64_t rows);

// A tune sampled from <bos> until <eos> or `max_chars` with the sampler's draw (infer/sampler.h)
// at temperature 1, <bos> masked out, and its own Rng seeded by `seed` (the global torch
// generator is not touched).
std::string SampleTune(CharLSTM& model, const Vocab& vocab, int max_chars, uint64_t seed);

// The checkpoint of the current moment: weights, Adam moments, carry, metadata and loop state.
// `kind` is "best" or "last". With weight averaging the model holds the average and `live` the
// weights training goes on from (model->parameters()' order), saved as "live.<param>".
Checkpoint MakeCheckpoint(const TrainOptions& options, const Corpus& corpus, CharLSTM& model,
                          torch::optim::Adam& optimizer, const LoopState& state, const std::string& kind,
                          const std::vector<torch::Tensor>* live = nullptr);

// Restores weights, Adam moments, carry and loop state from `ckpt`. When the checkpoint has the
// live weights of an averaged run, `live` gets them (model->parameters()' order) and the model
// the average; else `live` is left empty. Corruption naming what is missing or inconsistent.
Status RestoreCheckpoint(const Checkpoint& ckpt, CharLSTM& model, torch::optim::Adam& optimizer,
                         LoopState* state, std::vector<torch::Tensor>* live = nullptr);

// The training options as recorded in the metadata ("training" object) and back.
nlohmann::json OptionsToJson(const TrainOptions& options);

// A seed for step `step` of a run seeded `seed` (splitmix64 of both).
uint64_t MixSeed(uint64_t seed, uint64_t salt);

}  // namespace abcrnn::train
