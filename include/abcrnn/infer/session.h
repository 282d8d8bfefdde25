// A generation session: the policy between a model and the tunes a user gets. It builds each
// tune's prime (the controls the user gave, the rest drawn per tune; the user's prime), moves it
// to the tonic of a key-normalised model and each tune back, runs GenerateTunes, replaces tunes
// that strict mode could not finish, that share a run of notes with the training tunes (the copy
// guard, when the model carries their note runs) or that an acceptor drops (a novelty guard),
// within a budget, and hands finished tunes to a sink in order. Shared by `abcrnn generate` and the web page.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "abcrnn/abc/control_table.h"
#include "abcrnn/eval/note_runs.h"
#include "abcrnn/infer/controls_policy.h"
#include "abcrnn/infer/generate.h"
#include "abcrnn/infer/key_shift.h"
#include "abcrnn/infer/engine.h"
#include "abcrnn/util/status.h"
#include "abcrnn/vocab/vocab.h"

namespace abcrnn {

// What the session needs of a loaded model; the pointers must outlive the session.
struct SessionModel {
  const FastEngine* engine = nullptr;
  const Vocab* vocab = nullptr;
  std::string tonic;                         // a key-normalised model's tonic ("C"); "" none
  const abc::ControlTable* controls = nullptr;  // its training tunes' controls; null or empty: none
  const eval::NoteRunSet* note_runs = nullptr;  // its training tunes' note runs; null or empty: none
  // Its training form's form lines say which parts repeat ("N:form 8+8 AABB",
  // CleanOptions::form_repeats): drawn headers say so too, and strict mode keeps the repeats.
  bool form_repeats = false;
  // Its match model (infer/match_model.h); null or empty: none.
  const MatchMix* match = nullptr;
};

struct SessionOptions {
  GenerateOptions generate;  // seed, first, num, length, sampler, batch, strict (prime: see below)
  // The user's prime in training form. With a model that has controls and a prime without
  // header lines, each tune's header is drawn (request) and the prime's music follows it; a prime
  // with header lines is used as written.
  std::string prime;
  ControlRequest request;  // with a model that has controls
  // Strict mode keeps the drawn or given form (infer/strict.h). Given parts or bars are always
  // kept; this decides for drawn forms.
  bool enforce_drawn_form = true;
  // Strict mode ends each tune on the final its header asks for (GenerateOptions::keep_final).
  // A final the request gives is always kept; this decides for drawn ones (off: the model
  // follows its header's final as it learnt to, which lands nearer the real tunes' share of
  // tonic endings than keeping it; models/README.md).
  bool keep_drawn_final = false;
  // Drop (and replace) a tune that shares a run of model.note_runs->notes() notes, in any key,
  // with a training tune. Off: kept, as the model wrote it.
  bool copy_guard = true;
  // Draw from the LSTM mixed with the model's match model (the tune's own earlier text), when it
  // has one. Off: the LSTM alone.
  bool match_model = true;
  // Tunes tried at most, as a multiple of num (replacements included).
  int budget_factor = 20;
  // Strict mode: stop (stats.hopeless) once this many tunes have found no valid ending before any
  // was accepted: the model cannot end tunes (an under-trained one), and trying the whole budget
  // would take minutes to say so. 0: never.
  int give_up_after = 8;
};

struct SessionTune {
  int x = 0;                 // 1-based place in the output: first + k + 1
  GeneratedTune raw;         // as the model wrote it (in its tonic)
  std::string text;          // in the key asked for or drawn, training form
  std::string header;        // the header the tune was primed with (in that key)
  int moved_semitones = 0;   // how far `text` was moved from the model's tonic
  std::string move_error;    // a --no-strict tune that could not be moved (text left unmoved)
};

struct SessionStats {
  int tunes = 0;
  int64_t draws = 0, first_rejected = 0;
  int retried = 0, cut = 0, failed = 0, dropped = 0;
  int copies = 0;  // dropped by the copy guard (not counted in dropped)
  int64_t backtracks = 0;
  bool exhausted = false;  // the budget ran out before num tunes were accepted
  bool hopeless = false;   // give_up_after tunes failed before one was accepted
  bool stopped = false;    // options.generate.stop said so before num tunes were made
};

// False: the tune is dropped and replaced (its reason in *why).
using TuneAcceptor = std::function<bool(const SessionTune&, std::string* why)>;
// False: stop (the reader has gone); not an error.
using SessionSink = std::function<bool(const SessionTune&)>;
// Said once per dropped or failed tune (for a log).
using SessionLog = std::function<void(const std::string&)>;

class GenerationSession {
 public:
  // InvalidArgument for a request the model cannot serve (CheckRequest) or a prime that cannot be
  // moved to the model's tonic.
  static Result<GenerationSession> Create(const SessionModel& model, SessionOptions options);

  // Makes options.generate.num tunes (tune streams first, first+1, ...; replacements take the
  // next streams after the last). Errors from GenerateTunes (a bad prime) come back as they are.
  Status Run(const SessionSink& sink, const TuneAcceptor& accept = nullptr, const SessionLog& log = nullptr);

  const SessionStats& stats() const { return stats_; }
  bool drawing() const { return drawing_; }  // headers are drawn per tune
  // The copy guard's run length, 0 when it is off (not asked for, or the model has no note runs).
  int guard_notes() const;
  // The header tune stream `index` is primed with, in the key asked or drawn ("" when the prime
  // is one for all). With music primed in strict mode, the first of kPrimeFitDraws draws on the
  // stream that the music fits (its repeats and bars under the header's form and meter).
  std::string HeaderFor(int index) const;
  static constexpr int kPrimeFitDraws = 64;

 private:
  GenerationSession(const SessionModel& model, SessionOptions options) : model_(model), o_(std::move(options)) {}
  // The prime of stream `index` in the model's tonic; records its move back.
  std::string ModelPrime(int index);
  // One header drawn from the model's controls for the request.
  std::string DrawHeader(Rng* rng) const;
  // True when `header` + the user's music, moved to the model's tonic, is a beginning strict mode
  // accepts (infer/strict.h, with the session's form rule).
  bool PrimeFits(const std::string& header) const;

  SessionModel model_;
  SessionOptions o_;
  bool drawing_ = false;
  bool enforce_form_ = false;
  std::string fixed_prime_;      // in the model's tonic, when not drawing
  KeyShift fixed_shift_;              // the prime's move (model_prime unused)
  std::map<int, KeyShift> shifts_;  // per stream, when drawing (model_prime unused)
  SessionStats stats_;
};

}  // namespace abcrnn
