// abcrnn-sample's shared pieces: the subcommands it registers, where the default model is looked
// up, loading a checkpoint into the fast engine, and output that ends quietly on a closed pipe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "abcrnn/abc/clean.h"
#include "abcrnn/abc/control_table.h"
#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/eval/note_runs.h"
#include "abcrnn/infer/match_model.h"
#include "abcrnn/infer/sampling_defaults.h"
#include "abcrnn/infer/engine.h"
#include "abcrnn/util/status.h"
#include "cli/common.h"

namespace CLI {
class App;
}

namespace abcrnn::cli {

void RegisterGenerate(CLI::App& app, RunFn& run);
void RegisterScore(CLI::App& app, RunFn& run);
void RegisterServe(CLI::App& app, RunFn& run);

// The places `--model` defaults to, in order: $ABCRNN_MODEL; <program dir>/../share/abcrnn/models/
// default.ckpt (installed); <source tree>/models/default.ckpt (a build tree's program).
std::vector<std::string> DefaultModelCandidates();

struct LoadedModel {
  std::string path;
  std::string fingerprint;
  Checkpoint checkpoint;  // weights moved out into the engine
  // How its training tunes were cleaned (metadata "cleaning", as abcrnn-train records it; the
  // defaults when absent). transpose_to is the tonic of a key-normalised model.
  CleanOptions cleaning;
  // Its training tunes' controls (metadata "controls"; empty for a model trained without them).
  abc::ControlTable controls;
  // Its match model (metadata "match_model", infer/match_model.h; empty for a checkpoint without one).
  MatchMix match;
  // The sampling it recommends (metadata "generation"; the old defaults when absent): what a
  // request that names no temperature, top-k or top-p draws with.
  SamplingDefaults sampling;
  bool sampling_recorded = false;  // the checkpoint has a "generation" record
  // Its training tunes' note runs (the copy guard; empty for a checkpoint without them).
  eval::NoteRunSet note_runs;
  std::unique_ptr<FastEngine> engine;  // the checkpoint's networks' (NewModelEngine)
};

// Reads `path` ("" = the first existing default) and packs it for `threads` threads,
// with its weights held at `precision` ("float32", "bf16", "int8"; FastEngineOptions::precision).
Result<LoadedModel> LoadModel(const std::string& path, int threads, const std::string& precision = "float32");

// --precision float32|bf16|int8 on `sub`, into `precision`.
void AddPrecisionOption(CLI::App* sub, std::string* precision);

// Writes to standard output and flushes; false when the reader has gone (EPIPE), after which the
// caller stops quietly with exit code 0. SIGPIPE is ignored by abcrnn-sample's main.
bool WriteOut(const std::string& text);

}  // namespace abcrnn::cli
