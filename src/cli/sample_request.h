// One generation request, as `abcrnn generate` and `abcrnn serve` take it: the options that decide
// the tunes, turned into a generation session's options for a loaded model (the header shortcuts
// of a model without controls, the title taken from the prime, when drawn forms are kept), and
// each finished tune framed as ABC with the % line that remakes it. Output, time limits and
// novelty guards are the callers'.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abcrnn/infer/sampling_defaults.h"
#include "abcrnn/infer/session.h"
#include "abcrnn/util/status.h"
#include "cli/sample_model.h"

namespace abcrnn::cli {

// The match boost of a default draw (GenerateOptions::match_boost). Measured on the shipped model
// at temperature 0.8, 300 tunes per type: with the fitted weights, reels, jigs and hornpipes
// brought back 16-17% of their four-interval figures (real reels 33%) and their interval
// overlap was 0.851 / 0.847 / 0.875; with 0.3, 24-25% and 0.906 / 0.918 / 0.904.
constexpr double kDefaultMatchBoost = 0.3;

// Field by field `abcrnn generate`'s options of the same names.
struct TuneRequest {
  uint64_t seed = 0;
  int first = 0;
  int num = 1;
  int length = 1000;
  // Not given: the model's recommendation (LoadedModel::sampling, its checkpoint's "generation"
  // record), which is 0.9, 0 and 1 for a checkpoint without one.
  std::optional<double> temperature;
  std::optional<int> top_k;
  std::optional<double> top_p;
  std::string prime;  // real newlines; its T: line, if any, becomes the title
  std::string title;  // T: of every tune ("TITLE N" when several); default: the prime's T:, else "Generated N"
  std::string meter, key, rhythm, unit;
  // Controls (a model trained with --controls): not given = drawn per tune.
  std::string style;
  int parts = -1, bars = -1;  // -1: not given
  std::string final_degree;   // --final: "1", "5", "b3"; "" not given
  std::string beat;           // --beat: "even", "mixed", "dotted"; "" not given
  // Drawn forms are kept (strict mode) when a type is asked for, left to the model otherwise
  // (models/README.md measures both); these flags say which.
  bool free_form = false;
  bool keep_form = false;
  bool keep_final = false;  // strict mode keeps drawn finals too (a given --final always is)
  bool strict = true;
  bool no_match_model = false;  // the network (LSTM or GRU) alone
  double match_boost = kDefaultMatchBoost;
  bool allow_copies = false;  // no copy guard (the checkpoint's note runs)
  int batch = 64;
  std::string precision = "float32";  // the engine's weights: "float32", "bf16" or "int8" (other tunes)
  // Layout of the printed tunes (abc::LayoutMusicLines): bars a line, 0 for the model's own line
  // ends (long lines still broken). Not a change to the tune, so not in the remake line.
  int bars_per_line = 4;
};

// A request made ready for GenerationSession::Create.
struct PreparedRequest {
  SessionModel model;
  SessionOptions session;  // everything but generate.stop (the caller's)
  std::string prime;       // the prime the tunes start from (header shortcuts added, T: taken out)
  std::string title;       // the request's title, else the prime's
  bool controls = false;   // the model was trained with controls
  SamplingDefaults sampling;  // what the tunes are drawn with: the request's, else the model's
  std::vector<std::string> warnings;  // what the caller should say but not refuse
};

// InvalidArgument (with the option's name) for what the model cannot do: --style, --parts or
// --bars with a model without controls, an unknown --rhythm of such a model, --prime after the
// header shortcuts without --key. REQUIRES: `model` outlives the result.
Result<PreparedRequest> PrepareRequest(const LoadedModel& model, const TuneRequest& request);

// The tune's title: numbered when there are several, else "Generated N".
std::string TitleOf(const SessionTune& tune, const std::string& title, int num);
// "% abcrnn generate --seed ... (model FP, abcrnn V)": the command that makes tune `index` again,
// titled `tune_title` (TitleOf) when the request or its prime gave a title.
std::string RemakeLine(const TuneRequest& request, const PreparedRequest& prepared, const std::string& fingerprint,
                       int index, const std::string& tune_title);
// One tune as ABC: X:, T:, the remake line, the music laid out `bars_per_line` bars a line
// (abc::LayoutMusicLines), or with 0 as the model wrote it with long lines broken.
std::string TuneAbc(const SessionTune& tune, const std::string& title, int num, const std::string& remake,
                    int bars_per_line);

}  // namespace abcrnn::cli
