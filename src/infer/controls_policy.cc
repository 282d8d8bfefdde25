// Checking the controls a user asks for against a model's table, and drawing the rest per tune.
#include "abcrnn/infer/controls_policy.h"

#include <algorithm>
#include <functional>
#include <map>

#include "abcrnn/abc/key.h"
#include "abcrnn/abc/meter.h"
#include "abcrnn/abc/writer.h"

namespace abcrnn {
namespace {

using abc::ControlRow;
using Filter = std::function<bool(const ControlRow&)>;

// "reel (812), jig (640), ..." most frequent first.
std::string Known(const abc::ControlTable& table, const char* field, size_t most = 40) {
  std::vector<std::pair<std::string, int64_t>> v;
  for (const auto& kv : table.Counts(field)) v.emplace_back(kv.first, kv.second);
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string s;
  for (size_t i = 0; i < v.size() && i < most; ++i)
    s += (i ? ", " : "") + v[i].first + " (" + std::to_string(v[i].second) + ")";
  if (v.size() > most) s += ", ... (" + std::to_string(v.size() - most) + " more)";
  return s.empty() ? "none" : s;
}

std::string ModeOf(const std::string& key_text) {
  auto k = abc::ParseKey(key_text);
  if (!k.ok() || k->none) return "";
  return std::string(abc::ModeName(k->mode));
}

abc::Form FullFormOf(const std::string& form) {
  auto f = abc::ParseForm(form);
  return f.ok() ? *f : abc::Form{};
}

std::vector<int> FormOf(const std::string& form) { return FullFormOf(form).bars; }

bool AllBars(const std::vector<int>& form, int bars) {
  return !form.empty() && std::all_of(form.begin(), form.end(), [&](int b) { return b == bars; });
}

}  // namespace

std::string DrawnControls::Header() const {
  return abc::ControlLines(controls, abc::ControlLineOptions::All()) + "M:" + meter + "\nL:" +
         unit_length + "\nK:" + key + "\n";
}

Rng ControlStream(uint64_t seed, int index) {
  return Rng::ForStream(SplitMix64Mix(seed ^ 0x636f6e74726f6c73ull), static_cast<uint64_t>(index));  // "controls"
}

Status CheckRequest(const abc::ControlTable& table, ControlRequest* r) {
  if (table.empty())
    return Status::InvalidArgument("expected a model trained with controls (abcrnn train --controls) for --style, "
                                   "--parts and --bars, got one without them");
  if (!r->type.empty()) {
    const std::string t = abc::NormaliseTuneType(r->type);
    const auto types = table.Counts("type");
    if (t.empty() || types.count(t) == 0)
      return Status::InvalidArgument("--rhythm: expected a type this model knows: " + Known(table, "type") +
                                     "; got '" + r->type + "'");
    r->type = t;
  }
  if (!r->style.empty() && table.Counts("style").count(r->style) == 0)
    return Status::InvalidArgument("--style: expected a style this model knows: " + Known(table, "style") +
                                   "; got '" + r->style + "'");
  if (r->parts != -1 && (r->parts < 1 || r->parts > abc::kMaxParts))
    return Status::InvalidArgument("--parts: expected 1 to " + std::to_string(abc::kMaxParts) + ", got " +
                                   std::to_string(r->parts));
  if (r->bars != -1 && (r->bars < 1 || r->bars > abc::kMaxPartBars))
    return Status::InvalidArgument("--bars: expected 1 to " + std::to_string(abc::kMaxPartBars) + ", got " +
                                   std::to_string(r->bars));
  if (!r->meter.empty()) {
    auto m = abc::ParseMeter(r->meter);
    if (!m.ok()) return Status::InvalidArgument("--meter: " + m.status().message());
    if (!m->has_bars() && (r->parts > 0 || r->bars > 0))
      return Status::InvalidArgument("--parts/--bars: expected a meter with bars, got M:" + r->meter);
    r->meter = abc::MeterText(*m);
    // A hornpipe in a meter abc2midi refuses for one: no tune could be valid (the type is
    // normalised above: "Hornpipes" asks for one too).
    if (r->type == "hornpipe" && !abc::HornpipeMeterPlayed(*m))
      return Status::InvalidArgument("--meter " + r->meter + " with --rhythm hornpipe: expected C, 4/4 or 2/4 (abc2midi "
                                     "refuses a hornpipe in any other meter: \"Hornpipe must be in 2/4 or 4/4 time\")");
  }
  if (r->final_semitones != -1) {
    if (r->final_semitones < 0 || r->final_semitones > 11)
      return Status::InvalidArgument("--final: expected 0 to 11 semitones above the tonic, got " +
                                     std::to_string(r->final_semitones));
    if (table.Counts("final").empty())
      return Status::InvalidArgument("--final: expected a model trained with --final (its tunes say on which degree "
                                     "they end), got one without it");
  }
  if (!r->beat.empty()) {
    if (!abc::IsBeatName(r->beat))
      return Status::InvalidArgument("--beat: expected even, mixed or dotted, got '" + r->beat + "'");
    if (table.Counts("beat").empty())
      return Status::InvalidArgument("--beat: expected a model trained with --beat (its tunes say how much of them "
                                     "is in dotted pairs), got one without it");
  }
  if (!r->unit_length.empty()) {
    auto u = abc::ParseUnitLength(r->unit_length);
    if (!u.ok()) return Status::InvalidArgument("--unit: " + u.status().message());
    r->unit_length = abc::UnitLengthText(*u);
  }
  if (!r->key.empty()) {
    auto k = abc::ParseKey(r->key);
    if (!k.ok()) return Status::InvalidArgument("--key: " + k.status().message());
    r->key = abc::KeyText(*k);
  }
  if (!r->type.empty() || !r->style.empty()) {
    bool any = false;
    for (const auto& row : table.rows())
      any = any || ((r->type.empty() || row.type == r->type) && (r->style.empty() || row.style == r->style));
    if (!any) {
      abc::ControlTable of_type;
      for (const auto& row : table.rows())
        if (row.type == r->type) of_type.Add(row);
      return Status::InvalidArgument("--rhythm " + r->type + " --style " + r->style +
                                     ": expected a combination this model was trained on; its " + r->type +
                                     "s come from: " + Known(of_type, "style"));
    }
  }
  return Status::OK();
}

DrawnControls DrawControls(const abc::ControlTable& table, const ControlRequest& r, Rng& rng) {
  std::vector<const ControlRow*> rows;
  for (const auto& row : table.rows())
    if ((r.type.empty() || row.type == r.type) && (r.style.empty() || row.style == r.style)) rows.push_back(&row);
  const std::string want_mode = r.key.empty() ? "" : ModeOf(r.key);
  const bool form_asked = r.parts > 0 || r.bars > 0;
  const std::vector<Filter> soft = {
      // Parts and bars need a meter with bars (a row whose M:none header changes meter later has a
      // form, but the tune would be printed without bars to count).
      [&](const ControlRow& x) { return !form_asked || !r.meter.empty() || x.meter != "none"; },
      [&](const ControlRow& x) { return r.meter.empty() || x.meter == r.meter; },
      [&](const ControlRow& x) { return r.unit_length.empty() || x.unit_length == r.unit_length; },
      [&](const ControlRow& x) { return want_mode.empty() || ModeOf(x.key) == want_mode; },
      [&](const ControlRow& x) { return r.parts <= 0 || FormOf(x.form).size() == static_cast<size_t>(r.parts); },
      [&](const ControlRow& x) { return r.bars <= 0 || AllBars(FormOf(x.form), r.bars); },
      [&](const ControlRow& x) {
        return r.final_semitones < 0 || x.final_degree == abc::DegreeText(r.final_semitones);
      },
      [&](const ControlRow& x) { return r.beat.empty() || x.beat == r.beat; },
  };
  for (const Filter& f : soft) {
    std::vector<const ControlRow*> kept;
    for (const ControlRow* x : rows)
      if (f(*x)) kept.push_back(x);
    if (!kept.empty()) rows = std::move(kept);
  }
  int64_t total = 0;
  for (const ControlRow* x : rows) total += x->count;
  const ControlRow* pick = rows.empty() ? nullptr : rows.back();
  double u = rng.Uniform() * static_cast<double>(total);
  for (const ControlRow* x : rows) {
    u -= static_cast<double>(x->count);
    if (u < 0) {
      pick = x;
      break;
    }
  }
  DrawnControls d;
  if (pick) {
    d.controls.style = pick->style;
    d.controls.type = pick->type;
    abc::Form form = FullFormOf(pick->form);
    d.controls.part_bars = std::move(form.bars);
    d.controls.part_repeats = std::move(form.repeated);
    d.meter = pick->meter;
    d.unit_length = pick->unit_length;
    d.key = pick->key;
    if (auto degree = abc::ParseDegree(pick->final_degree); !pick->final_degree.empty() && degree.ok())
      d.controls.final_semitones = *degree;
    d.controls.beat = pick->beat;
  }
  if (r.final_semitones >= 0) d.controls.final_semitones = r.final_semitones;
  if (!r.beat.empty()) d.controls.beat = r.beat;
  if (!r.style.empty()) d.controls.style = r.style;
  if (!r.type.empty()) d.controls.type = r.type;
  if (!r.meter.empty()) d.meter = r.meter;
  if (!r.unit_length.empty()) d.unit_length = r.unit_length;
  if (!r.key.empty()) d.key = r.key;
  if (d.meter.empty()) d.meter = "4/4";
  if (d.unit_length.empty()) d.unit_length = "1/8";
  if (d.key.empty()) d.key = "C";
  std::vector<int>& form = d.controls.part_bars;
  if (r.parts > 0 || r.bars > 0) {
    const int parts = r.parts > 0 ? r.parts : (form.empty() ? 2 : static_cast<int>(form.size()));
    const int bars = r.bars > 0 ? r.bars : (form.empty() ? 8 : form.front());
    form.assign(parts, bars);
    // The drawn row's repeats go with its parts; a different number of parts leaves them open.
    if (d.controls.part_repeats.size() != form.size()) d.controls.part_repeats.clear();
  }
  auto meter = abc::ParseMeter(d.meter);
  if (meter.ok() && !meter->has_bars()) {  // M:none has no bars to count
    form.clear();
    d.controls.part_repeats.clear();
  }
  return d;
}

std::string DescribeControls(const abc::ControlTable& table) {
  std::string s = "tunes " + std::to_string(table.total()) + "\n";
  for (const char* f : {"type", "style", "form", "meter", "unit_length", "key", "final", "beat"}) {
    std::string name = f;
    if ((name == "final" || name == "beat") && table.Counts(f).empty()) continue;  // trained without them
    if (name == "type") name = "type (--rhythm)";
    if (name == "form") name = "form (--parts x --bars)";
    if (name == "unit_length") name = "unit (--unit)";
    if (name == "style") name = "style (--style)";
    if (name == "meter") name = "meter (--meter)";
    if (name == "key") name = "key (--key)";
    if (name == "final") name = "final degree (--final)";
    if (name == "beat") name = "beat (--beat)";
    s += name + ": " + Known(table, f, 60) + "\n";
  }
  return s;
}

}  // namespace abcrnn
