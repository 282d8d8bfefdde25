// Training a CharLSTM on an encoded Corpus: Adam with gradient-norm clipping, warm-up then cosine
// learning rate, validation in nats and bits per character, early stopping, best and last
// checkpoints, metrics (JSON lines) and a log in the output folder, exact --resume.
// This header is LibTorch-free; the work happens in src/train (the only LibTorch user besides
// src/model). Not thread-safe: one Train call at a time per process (LibTorch's global state).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/data/batches.h"
#include "abcrnn/data/corpus.h"
#include "abcrnn/util/status.h"

namespace abcrnn {

struct TrainOptions {
  // Model shape (vocab_size is taken from the corpus).
  std::string cell = "lstm";  // the recurrent cell, "lstm" or "gru": the checkpoint's architecture
  int layers = 2;
  int hidden = 512;
  int embed = 64;
  float dropout = 0.1f;
  float output_dropout = 0.0f;  // on the last layer's output, before the head (char-rnn's top dropout)
  float weight_drop = 0.0f;     // DropConnect on the hidden-to-hidden weights (AWD-LSTM's WeightDrop)
  // The form clock's scheme (abc/form_clock.h), 0 for none: the model also sees where each
  // character stands in its tune's form, and the tune's type; the caller fills the corpus's clocks
  // (AddFormClocks). New runs use abc::kFormClockScheme; a resumed run keeps its checkpoint's.
  int form_clock = 0;
  // Optimisation.
  double lr = 2e-3;               // peak learning rate (Adam)
  double min_lr_fraction = 0.1;   // the cosine ends at lr * this
  int64_t warmup_steps = 100;     // linear warm-up from lr / warmup_steps
  double clip = 1.0;              // gradient-norm clipping threshold (0 = off)
  // Weight averaging (Polyak; timm's ModelEmaV2): after every step the average moves towards the
  // weights by 1 - min(ema, (1 + n) / (10 + n)), n the updates so far. Validation, best.ckpt and
  // last.ckpt's weights are the average; training goes on from the weights as they are (kept in
  // the checkpoint's optimiser section as "live.<param>" for --resume). 0: off.
  double ema = 0;
  int batch = 64;                 // B, tunes or lanes per step
  int seq = 128;                  // T, steps of back-propagation through time
  // Bucket by default: every tune starts from a zero state, as in generation and validation.
  // Packed lanes start almost every tune from the previous tune's state, and a model trained so
  // gave 'M' (every tune's first character) only 27% after <bos> from a zero state.
  Batching batching = Batching::kBucket;
  // Length: --steps wins when > 0, else --epochs.
  int64_t epochs = 10;
  int64_t steps = 0;
  uint64_t seed = 1;
  // Evaluation.
  double valid_fraction = 0.05;
  int valid_per_type = 0;  // hold out about this many tunes of each type (data/split.h); 0: off
  // Each training tune of these types is in an epoch this many times (data/oversample.h;
  // Corpus::train_type); the split and the control table do not change.
  std::map<std::string, int> oversample;
  int64_t eval_every = 0;  // also validate every this many steps (0: at the end of each epoch only)
  int patience = 3;        // stop after this many validations without improvement (0: never)
  int sample_chars = 400;  // characters of the sample tune shown at each validation (0: none)
  // Machine and files.
  int threads = 0;       // LibTorch intra-op threads; 0 = the measured default (see bench/README.md)
  // Data parallel (doc/distributed.md): this process is `rank` of `world_size`, each taking rows
  // [rank*B/W, (rank+1)*B/W) of every global batch; they meet at `master` ("host:port", rank 0
  // listens there), and a collective waits `dist_timeout_s` for a peer. Not recorded: a checkpoint
  // resumes with any world size.
  int rank = 0;
  int world_size = 1;
  std::string master;
  double dist_timeout_s = 60;
  // Gradients are summed in buckets of about this many MB, each started as soon as backward has
  // filled it, so the sums travel while backward goes on (PyTorch DDP's bucket_cap_mb); 0: one
  // sum after backward.
  double bucket_mb = 1;
  bool reference_lstm = false;  // torch::nn::LSTM instead of the fused layers (to compare; LSTM only)
  std::string out_dir;   // best.ckpt, last.ckpt, metrics.jsonl, train.log
  std::string cleaning_json = "{}";  // the cleaning options, recorded in the checkpoint
  std::string controls_json;         // the training tunes' ControlTable (abc/control_table.h), "" none
  NoteRunHashes note_runs;           // the data's note runs, for generate's copy guard (none: empty)
  std::vector<int> augment_transpose;  // transposition shifts added to the training side (recorded)
  int64_t data_tunes_read = 0;       // tunes read before cleaning, recorded
};

// Progress after each training step.
struct StepInfo {
  int64_t step = 0;         // steps done
  int64_t total_steps = 0;  // planned
  int64_t epoch = 0;        // 0-based epoch of the step
  double epoch_fraction = 0;
  double loss = 0;          // this step's training loss, nats per character
  double lr = 0;
  double chars_per_s = 0;   // training characters per second over the recent steps
  double eta_s = 0;         // estimated seconds left
};

struct EvalInfo {
  int64_t step = 0;
  int64_t epoch = 0;
  double train_loss = 0;   // mean over the steps since the previous validation, nats per char
  double valid_loss = 0;   // nats per character (NaN when there is no validation tune)
  double valid_bits = 0;   // bits per character
  bool best = false;       // the best so far (best.ckpt written)
  std::string sample;      // a short sample tune from the model
};

struct TrainHooks {
  std::function<void(const StepInfo&)> on_step;  // may be empty
  std::function<void(const EvalInfo&)> on_eval;  // may be empty
  std::function<void(const std::string&)> log;   // one line of log text (also written to train.log)
  const std::atomic<bool>* stop = nullptr;       // when set to true: save last.ckpt and return
};

struct TrainSummary {
  int64_t steps = 0;
  int64_t epochs_done = 0;
  double best_valid_loss = 0;  // nats per char (NaN without validation)
  double last_train_loss = 0;
  double chars_per_s = 0;      // training characters per second over the whole run (no eval)
  bool interrupted = false;    // stopped by hooks.stop
  bool early_stopped = false;  // stopped by patience
  std::string last_checkpoint;
  std::string best_checkpoint;
};

// Checks options that need no data (ranges, the output folder can be created and written).
// InvalidArgument / IOError with the option's name.
Status CheckTrainOptions(const TrainOptions& options);

// Trains from scratch, or continues `resume` (a checkpoint written by Train) exactly where it
// stopped. REQUIRES: corpus built with the resumed checkpoint's vocabulary when resuming.
Result<TrainSummary> Train(const TrainOptions& options, const Corpus& corpus, const TrainHooks& hooks,
                           const Checkpoint* resume = nullptr);

// Which settings of a run's plan a --resume command line gave (the others continue as recorded).
struct PlanGiven {
  bool length = false;      // --steps or --epochs
  bool eval_every = false;  // --eval-every
  bool patience = false;    // --patience
  bool ema = false;         // --ema (the average starts from the resumed weights if it was off)
};

// The training options recorded in a checkpoint's metadata, with the thread and output settings
// taken from `overrides`, and the length and evaluation settings too where `given` says so (what
// a --resume may change). Corruption when the metadata lacks them.
Result<TrainOptions> OptionsFromCheckpoint(const Checkpoint& ckpt, const TrainOptions& overrides,
                                           const PlanGiven& given = {});

// Sets LibTorch's intra-op threads (0 = the measured default). Returns the count in use.
int SetTrainThreads(int threads);

}  // namespace abcrnn
