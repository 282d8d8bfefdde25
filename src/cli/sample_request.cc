// A generation request made ready for a session (see sample_request.h): header shortcuts for a
// model without controls, the request for one with them, and the framing of each finished tune.
#include "cli/sample_request.h"

#include <sstream>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/line_breaks.h"
#include "abcrnn/abc/meter.h"
#include "cli/common.h"

namespace abcrnn::cli {
namespace {

struct RhythmDefaults {
  const char* name;
  const char* meter;
  const char* unit;
};

// Common dance and tune types and the header they usually have.
constexpr RhythmDefaults kRhythms[] = {
    {"air", "4/4", "1/8"},         {"barndance", "4/4", "1/8"}, {"hornpipe", "4/4", "1/8"},
    {"jig", "6/8", "1/8"},         {"march", "4/4", "1/8"},     {"mazurka", "3/4", "1/8"},
    {"polka", "2/4", "1/8"},       {"polska", "3/4", "1/8"},    {"reel", "4/4", "1/8"},
    {"schottische", "4/4", "1/8"}, {"slide", "12/8", "1/8"},    {"slip jig", "9/8", "1/8"},
    {"slipjig", "9/8", "1/8"},     {"strathspey", "4/4", "1/8"}, {"waltz", "3/4", "1/8"}};

// A newline, a tab and a backslash as "\n", "\t" and "\\" (what --prime reads back).
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : c == '\\' ? std::string("\\\\") : std::string(1, c);
  return out;
}

// The standard's default unit length for `meter` (1/16 below 3/4, else 1/8; "2+3/8" is 5/8), or
// 1/8 when the meter does not parse (the prime's check then names it).
std::string DefaultUnit(const std::string& meter) {
  Result<abc::Meter> m = abc::ParseMeter(meter);
  return m.ok() ? abc::DefaultUnitLength(*m).ToString() : "1/8";
}

// Removes the T: lines from the prime's header (the training form has none, and the model's
// vocabulary may not spell them) and returns the first title, "" when there is none.
std::string TakeTitle(std::string* prime) {
  std::string title, kept;
  size_t start = 0;
  bool header = true;
  while (start < prime->size()) {
    size_t end = prime->find('\n', start);
    const bool last = end == std::string::npos;
    if (last) end = prime->size();
    const std::string line = prime->substr(start, end - start);
    if (header && line.rfind("T:", 0) == 0 && !last) {
      if (title.empty()) title = line.substr(2);
    } else {
      kept += line + (last ? "" : "\n");
    }
    if (line.rfind("K:", 0) == 0) header = false;
    start = end + 1;
  }
  while (!title.empty() && title.front() == ' ') title.erase(title.begin());
  *prime = kept;
  return title;
}

// The prime of a model without controls: header lines from the shortcuts (M:, L:, then K: when
// given) and then `prime`.
Result<std::string> BuildPrime(const TuneRequest& o, std::string prime) {
  if (o.meter.empty() && o.key.empty() && o.rhythm.empty() && o.unit.empty()) return prime;
  std::string meter = o.meter, unit = o.unit;
  if (!o.rhythm.empty()) {
    const RhythmDefaults* found = nullptr;
    std::string known;
    for (const RhythmDefaults& r : kRhythms) {
      if (o.rhythm == r.name) found = &r;
      known += std::string(known.empty() ? "" : ", ") + r.name;
    }
    if (!found) return Status::InvalidArgument("--rhythm: expected one of " + known + "; got '" + o.rhythm + "'");
    if (meter.empty()) meter = found->meter;
    if (unit.empty()) unit = found->unit;
  }
  if (meter.empty()) meter = "4/4";
  if (unit.empty()) unit = DefaultUnit(meter);
  std::string header = "M:" + meter + "\nL:" + unit + "\n";
  if (!o.key.empty()) header += "K:" + o.key + "\n";
  if (!prime.empty() && o.key.empty())
    return Status::InvalidArgument("--prime with --meter/--unit/--rhythm: expected --key too (the prime "
                                   "follows the K: line), got no --key");
  return header + prime;
}

}  // namespace

Result<PreparedRequest> PrepareRequest(const LoadedModel& model, const TuneRequest& o) {
  PreparedRequest p;
  p.controls = !model.controls.empty();
  p.prime = o.prime;
  const std::string from_prime = TakeTitle(&p.prime);
  p.title = o.title.empty() ? from_prime : o.title;
  SessionOptions& so = p.session;
  // A model trained with controls gets them as a request (drawn per tune); an older one gets the
  // header shortcuts as M:, L:, K: lines before the prime.
  if (p.controls) {
    so.request = {o.style, o.rhythm, o.parts, o.bars, o.meter, o.unit, o.key, -1, o.beat};
    if (!o.final_degree.empty()) {
      auto degree = abc::ParseDegree(o.final_degree);
      if (!degree.ok()) return Status::InvalidArgument("--final: " + degree.status().message());
      so.request.final_semitones = *degree;
    }
    // Only for a meter that is one (a bad --meter is refused with its own message below).
    if (const auto meters = model.controls.Counts("meter");
        !o.meter.empty() && meters.count(o.meter) == 0 && abc::ParseMeter(o.meter).ok()) {
      std::string known;
      for (const auto& [m, n] : meters) known += (known.empty() ? "" : ", ") + m;
      p.warnings.push_back("--meter " + o.meter + ": the model was trained on no tune in " + o.meter + " (it knows " +
                           known + "); its bars are kept, its rhythm may not be that of the meter");
    }
  } else {
    if (!o.style.empty() || o.parts != -1 || o.bars != -1 || !o.final_degree.empty() || !o.beat.empty())
      return Status::InvalidArgument("--style, --parts, --bars, --final and --beat: expected a model trained with "
                                     "controls (abcrnn train --controls), got " + model.fingerprint + " without them");
    Result<std::string> built = BuildPrime(o, p.prime);
    if (!built.ok()) return built.status();
    p.prime = *built;
  }
  so.prime = p.prime;
  // Drawn forms are kept unless --free-form when a type is asked for, and with a model that sees
  // the form clock (it closes parts where the form says, so keeping the form costs little) when no
  // music is primed: a primed beginning the drawn form does not fit (`--prime '|:'` before a
  // pickup) made 14 of 10 tunes fail and start again (models/README.md has the forms measured).
  const bool clocked = model.engine->config().form_clock != 0;
  so.enforce_drawn_form = o.keep_form || (!o.free_form && (!o.rhythm.empty() || (clocked && p.prime.empty())));
  so.keep_drawn_final = o.keep_final;
  GenerateOptions& g = so.generate;
  g.seed = o.seed;
  g.first = o.first;
  g.num = o.num;
  g.length = o.length;
  p.sampling = {o.temperature.value_or(model.sampling.temperature), o.top_k.value_or(model.sampling.top_k),
                o.top_p.value_or(model.sampling.top_p)};
  g.sampler.temperature = p.sampling.temperature;
  g.sampler.top_k = p.sampling.top_k;
  g.sampler.top_p = p.sampling.top_p;
  g.match_boost = o.match_boost;
  g.batch = o.batch;
  g.strict = o.strict;
  so.copy_guard = !o.allow_copies;
  so.match_model = !o.no_match_model;
  p.model = {model.engine.get(), &model.checkpoint.vocab, model.cleaning.transpose_to,
             p.controls ? &model.controls : nullptr, &model.note_runs, model.cleaning.form_repeats, &model.match};
  return p;
}

std::string TitleOf(const SessionTune& t, const std::string& title, int num) {
  if (title.empty()) return "Generated " + std::to_string(t.x);
  return num > 1 ? title + " " + std::to_string(t.x) : title;
}

std::string RemakeLine(const TuneRequest& o, const PreparedRequest& p, const std::string& fingerprint, int index,
                       const std::string& tune_title) {
  std::ostringstream s;
  s << "% abcrnn generate --seed " << o.seed << " --first " << index << " --num 1 --length " << o.length
    << " --temperature " << p.sampling.temperature << " --top-k " << p.sampling.top_k << " --top-p "
    << p.sampling.top_p;
  if (o.no_match_model)
    s << " --no-match-model";
  else if (o.match_boost != kDefaultMatchBoost)
    s << " --match-boost " << o.match_boost;
  // Quoted for the shell: a prime or title may hold quotes, "$" or spaces.
  if (!p.prime.empty()) s << " --prime " << ShellQuote(Escape(p.prime));
  if (!p.title.empty()) s << " --title " << ShellQuote(tune_title);
  if (p.controls) {  // the request; the rest is drawn again from the same stream
    if (!o.rhythm.empty()) s << " --rhythm \"" << o.rhythm << "\"";
    if (!o.style.empty()) s << " --style " << o.style;
    if (o.parts > 0) s << " --parts " << o.parts;
    if (o.bars > 0) s << " --bars " << o.bars;
    if (!o.meter.empty()) s << " --meter " << o.meter;
    if (!o.unit.empty()) s << " --unit " << o.unit;
    if (!o.key.empty()) s << " --key " << o.key;
    if (!o.final_degree.empty()) s << " --final " << o.final_degree;
    if (!o.beat.empty()) s << " --beat " << o.beat;
    if (o.free_form) s << " --free-form";
    if (o.keep_form) s << " --keep-form";
    if (o.keep_final) s << " --keep-final";
  }
  if (!o.strict) s << " --no-strict";
  if (o.precision != "float32") s << " --precision " << o.precision;
  s << " (model " << fingerprint << ", abcrnn " << ABCRNN_VERSION << ")";
  return s.str();
}

std::string TuneAbc(const SessionTune& t, const std::string& title, int num, const std::string& remake,
                    int bars_per_line) {
  // Layout only, for abcm2ps and readers: `text` keeps the model's line ends.
  std::string abc = "X:" + std::to_string(t.x) + "\nT:" + TitleOf(t, title, num) + "\n" + remake + "\n" +
                    (bars_per_line > 0 ? abc::LayoutMusicLines(t.text, bars_per_line) : abc::BreakLongLines(t.text));
  if (abc.back() != '\n') abc += '\n';
  return abc;
}

}  // namespace abcrnn::cli
