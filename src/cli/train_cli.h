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
  CleanOptions clean;
  TrainOptions train;
  int verbosity = 0;
  bool quiet = false;  // no progress display and no samples
  bool force = false;  // start a new run in an --out that holds one
  PlanGiven given;     // which plan settings the command line gave (for --resume)
};

// Declares every option of abcrnn-train on `app`, bound to `o`.
void AddTrainOptions(CLI::App& app, TrainCliOptions& o);

// Progress on standard error: a bar redrawn in place when it is a terminal, a plain line every
// few seconds otherwise. Log lines are printed above the bar.
class Progress {
 public:
  explicit Progress(bool enabled);
  void Step(const StepInfo& s);
  void Line(const std::string& text);  // a log line (clears the bar first)
  void Finish();

 private:
  bool enabled_;
  bool tty_;
  bool bar_shown_ = false;
  std::chrono::steady_clock::time_point last_;
};

// The whole program after parsing; returns the exit code.
int RunTrain(TrainCliOptions& o);

}  // namespace abcrnn::cli
