// GenerationSession: primes per tune (drawn controls or the user's header), key moves both ways,
// and the replacement loop around GenerateTunes.
#include "abcrnn/infer/session.h"

#include <algorithm>
#include <cctype>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/eval/melody.h"
#include "abcrnn/infer/key_shift.h"
#include "abcrnn/infer/strict.h"

namespace abcrnn {
namespace {

// True when the prime starts with a header line ("M:6/8", "K:D").
bool HasHeaderLines(const std::string& prime) {
  return prime.size() >= 2 && std::isalpha(static_cast<unsigned char>(prime[0])) && prime[1] == ':';
}

bool RequestGiven(const ControlRequest& r) {
  return !r.style.empty() || !r.type.empty() || r.parts != -1 || r.bars != -1 || !r.meter.empty() ||
         !r.unit_length.empty() || !r.key.empty() || r.final_semitones != -1 || !r.beat.empty();
}

}  // namespace

Result<GenerationSession> GenerationSession::Create(const SessionModel& model, SessionOptions options) {
  GenerationSession s(model, std::move(options));
  const bool has_controls = model.controls != nullptr && !model.controls->empty();
  if (HasHeaderLines(s.o_.prime)) {
    if (RequestGiven(s.o_.request))
      return Status::InvalidArgument("--prime with header lines: expected no --rhythm, --style, --parts, --bars, "
                                     "--meter, --unit, --key, --final or --beat as well (the prime's header says it "
                                     "all), got both");
  } else if (has_controls) {
    Status st = CheckRequest(*model.controls, &s.o_.request);
    if (!st.ok()) return st;
    s.drawing_ = true;
  } else if (RequestGiven(s.o_.request)) {
    return Status::InvalidArgument("expected a model trained with controls (abcrnn train --controls) for "
                                   "--style, --parts and --bars, got one without them");
  }
  s.enforce_form_ =
      s.o_.generate.strict && (s.o_.request.parts > 0 || s.o_.request.bars > 0 || s.o_.enforce_drawn_form);
  if (!s.drawing_) {
    auto plan = PlanKeyShift(s.o_.prime, model.tonic);
    if (!plan.ok())
      return Status::InvalidArgument("moving the prime to " + model.tonic + ", the tonic the model was trained in: " +
                                     plan.status().message());
    s.fixed_prime_ = plan->model_prime;
    s.fixed_shift_ = {"", plan->semitones, plan->tonic};
  }
  return s;
}

int GenerationSession::guard_notes() const {
  return o_.copy_guard && model_.note_runs != nullptr && !model_.note_runs->empty() ? model_.note_runs->notes() : 0;
}

std::string GenerationSession::DrawHeader(Rng* rng) const {
  DrawnControls d = DrawControls(*model_.controls, o_.request, *rng);
  // A model that never saw repeat letters in its form lines is not shown them.
  if (!model_.form_repeats) d.controls.part_repeats.clear();
  std::string header = d.Header();
  // A vocabulary that cannot spell the repeat letters (no "H" for an eighth part) gets the form
  // without them: its parts are then not held to their repeats.
  if (model_.vocab != nullptr && !d.controls.part_repeats.empty() && !model_.vocab->Encode(header).ok()) {
    d.controls.part_repeats.clear();
    header = d.Header();
  }
  return header;
}

bool GenerationSession::PrimeFits(const std::string& header) const {
  const std::string prime = header + o_.prime;
  auto plan = PlanKeyShift(prime, model_.tonic);
  const std::string text = plan.ok() ? plan->model_prime : prime;
  return StrictChecker(enforce_form_).ValidPrefixChars(text) == SplitCharacters(text).size();
}

std::string GenerationSession::HeaderFor(int index) const {
  if (!drawing_) return "";
  Rng rng = ControlStream(o_.generate.seed, index);
  const std::string first = DrawHeader(&rng);
  // Music primed under a header it does not fit (`|:` under a form whose first part is played
  // once, a bar too long for the drawn meter) would stop the whole run in strict mode: the header
  // is drawn again, on the same stream, until one fits. The first draw stands when none does, and
  // the prime's error then names the tune.
  if (o_.prime.empty() || !o_.generate.strict || PrimeFits(first)) return first;
  for (int draw = 1; draw < kPrimeFitDraws; ++draw) {
    std::string header = DrawHeader(&rng);
    if (PrimeFits(header)) return header;
  }
  return first;
}

std::string GenerationSession::ModelPrime(int index) {
  const std::string prime = HeaderFor(index) + o_.prime;
  auto plan = PlanKeyShift(prime, model_.tonic);
  if (!plan.ok()) return prime;  // a header this session drew always moves; GenerateTunes judges the rest
  shifts_[index] = {"", plan->semitones, plan->tonic};
  return plan->model_prime;
}

Status GenerationSession::Run(const SessionSink& sink, const TuneAcceptor& accept, const SessionLog& log) {
  GenerateOptions g = o_.generate;
  g.enforce_form = enforce_form_;
  g.keep_final = o_.generate.strict && (o_.request.final_semitones >= 0 || o_.keep_drawn_final);
  if (o_.match_model && model_.match != nullptr) g.match = *model_.match;
  if (drawing_)
    g.prime_for = [this](int index) { return ModelPrime(index); };
  else
    g.prime = fixed_prime_;
  const int num = o_.generate.num;
  int accepted = 0;
  bool stop = false;
  auto on_tune = [&](const GeneratedTune& t) {
    if (accepted >= num) return false;
    if (t.failed) {  // strict mode found no valid ending: never printed, replaced
      ++stats_.failed;
      if (o_.give_up_after > 0 && accepted == 0 && stats_.failed >= o_.give_up_after) {
        stats_.hopeless = true;
        stop = true;
        return false;
      }
      if (log)
        log("tune " + std::to_string(t.index + 1) + ": no valid ending found in " + std::to_string(t.attempts) +
            " attempts; dropped, sampling another");
      return true;
    }
    SessionTune out;
    out.raw = t;
    out.text = t.text;
    out.header = HeaderFor(t.index);
    const KeyShift shift = drawing_ ? shifts_[t.index] : fixed_shift_;
    shifts_.erase(t.index);
    const int semitones = shift.semitones;
    if (semitones != 0) {
      Result<std::string> moved = ShiftTune(t.text, semitones, shift.tonic);
      if (moved.ok()) {
        out.text = *moved;
        out.moved_semitones = semitones;
      } else {  // only a --no-strict tune with errors
        out.move_error = moved.status().message();
      }
    }
    if (o_.request.meter.empty()) {
      // A drawn cut-time meter for a hornpipe is written as common time, which abc2midi accepts.
      out.text = abc::HornpipeInCommonTime(out.text);
      out.header = abc::HornpipeInCommonTime(out.header);
    }
    // Strict mode judged the model's own text; the key move and the cut-time rewrite write it
    // again, and a rewrite can change what the tools accept (a hornpipe's G2/ comes back as G,
    // which abc2midi swings). What is printed must pass `abcrnn check` too, rewritten or not (a
    // hornpipe in cut time that was not rewritten does not).
    if (o_.generate.strict) {
      abc::ParseOptions po;
      po.keep_text = false;
      if (!abc::ParseTune(out.text, po).valid()) {
        ++stats_.dropped;
        if (log)
          log("tune " + std::to_string(t.index + 1) + ": invalid once moved to its key or meter; dropped, sampling another");
        return true;
      }
    }
    if (guard_notes() > 0) {
      abc::ParseOptions po;
      po.keep_text = false;
      const int at = model_.note_runs->FirstShared(eval::MelodyFromTune(abc::ParseTune(out.text, po)));
      if (at >= 0) {
        ++stats_.copies;
        if (log)
          log("tune " + std::to_string(t.index + 1) + ": notes " + std::to_string(at + 1) + " to " +
              std::to_string(at + guard_notes()) + " stand in a training tune (copy guard); dropped, sampling another");
        return true;
      }
    }
    std::string why;
    if (accept && !accept(out, &why)) {
      ++stats_.dropped;
      if (log) log("tune " + std::to_string(t.index + 1) + ": " + why + "; dropped, sampling another");
      return true;
    }
    ++accepted;
    out.x = o_.generate.first + accepted;
    ++stats_.tunes;
    stats_.draws += t.draws;
    stats_.first_rejected += t.first_rejected;
    stats_.retried += t.attempts > 1;
    stats_.backtracks += t.backtracks;
    stats_.cut += !t.ended;
    if (!sink(out)) {
      stop = true;
      return false;
    }
    return true;
  };
  // Replacements take the next random streams (first + num, ...), so every kept tune can still be
  // made again alone with its --first.
  const int64_t budget = static_cast<int64_t>(std::max(o_.budget_factor, 1)) * std::max(num, 1);
  int64_t next = o_.generate.first;
  while (accepted < num && !stop) {
    if (g.stop && g.stop()) {
      stats_.stopped = true;
      break;
    }
    if (next - o_.generate.first >= budget) {
      stats_.exhausted = true;
      break;
    }
    g.first = static_cast<int>(next);
    g.num = num - accepted;
    next += g.num;
    Status st = GenerateTunes(*model_.engine, *model_.vocab, g, on_tune);
    if (!st.ok()) return st;
  }
  if (accepted < num && g.stop && g.stop()) stats_.stopped = true;
  return Status::OK();
}

}  // namespace abcrnn
