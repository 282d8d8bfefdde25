// Pieces of abcrnn-train: its options (one struct, declared once with defaults and help), the
// progress display on standard error, and the run function. See train_main.cc for the flow.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "abcrnn/abc/clean.h"
#include "abcrnn/data/batches.h"
#include "abcrnn/train/trainer.h"

namespace CLI {
class App;
}

namespace abcrnn::cli {

struct TrainCliOptions {
  std::vector<std::string> data;  // files, folders, "-"
  std::string resume;             // a checkpoint, or a folder holding last.ckpt
  std::string batching = BatchingName(TrainOptions{}.batching);  // the library's default
  std::string vocab = "char";     // the tokenizer of a new run's vocabulary (vocab/vocab.h)
  std::vector<std::string> oversample;  // TYPE=N specs (data/oversample.h), parsed into train.oversample
  CleanOptions clean;
  TrainOptions train;
  int verbosity = 0;
  bool quiet = false;  // no progress display and no samples
  bool force = false;  // start a new run in an --out that holds one
  PlanGiven given;     // which plan settings the command line gave (for --resume)
  int nproc = 1;       // local worker processes to launch (--nproc), each a rank of one run
};

// Declares every option of abcrnn-train on `app`, bound to `o`.
void AddTrainOptions(CLI::App& app, TrainCliOptions& o);

// Progress on standard error: a bar redrawn in place when it is a terminal, a plain line every
// few seconds otherwise. Log lines are printed above the bar.
class Progress {
 public:
  // `lines` false: no log lines either (the ranks of a run but rank 0).
  explicit Progress(bool enabled, bool lines = true);
  void Step(const StepInfo& s);
  void Line(const std::string& text);  // a log line (clears the bar first)
  void Finish();

 private:
  bool enabled_;
  bool lines_;
  bool tty_;
  bool bar_shown_ = false;
  std::chrono::steady_clock::time_point last_;
};

// The whole program after parsing; returns the exit code.
int RunTrain(TrainCliOptions& o);

// Fills --rank, --world-size and --master from torchrun's variables RANK, WORLD_SIZE,
// MASTER_ADDR and MASTER_PORT where the command line did not give them. InvalidArgument naming a
// variable that is not a number.
Status DistributedFromEnvironment(TrainOptions* t, bool rank_given, bool world_given, bool master_given);

// --nproc N: runs this program N times on this machine as ranks 0..N-1 of one run (argv less
// --nproc, plus --rank, --world-size and --master 127.0.0.1:<a free port>) and waits. When a rank
// fails the others are ended and the exit code is non-zero, with a message naming the rank.
int LaunchLocalRanks(int nproc, int argc, char** argv);
// Set by LaunchLocalRanks for its ranks: the --nproc they were started with (for the resume hint).
inline constexpr const char* kLaunchedNprocEnv = "ABCRNN_LAUNCHED_NPROC";

}  // namespace abcrnn::cli
