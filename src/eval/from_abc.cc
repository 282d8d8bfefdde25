// The metrics' view of a parsed tune: its melody line (MelodyFromTune), its form (AnalyzeForm),
// and the bar index of a set of ABC files with its cache (LoadOrBuildBarIndex).
#include <algorithm>
#include <filesystem>

#include "abcrnn/abc/check.h"
#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/eval/form.h"
#include "abcrnn/eval/melody.h"
#include "abcrnn/eval/novelty.h"
#include "abcrnn/util/file.h"

namespace abcrnn::eval {
namespace {

Duration ToDuration(const abc::Fraction& f) {
  return f.valid() ? Duration::Of(f.num(), f.den()) : Duration{};
}

Duration Add(Duration a, Duration b) {
  return Duration::Of(a.num * b.den + b.num * a.den, a.den * b.den);
}

int TonicPitchClass(const abc::KeySignature& key) {
  if (key.none) return -1;
  return ((abc::LetterSemitones(key.tonic) + abc::AccidentalSemitones(key.tonic_accidental)) % 12 +
          12) %
         12;
}

}  // namespace

Melody MelodyFromTune(const abc::Tune& tune) {
  Melody m;
  m.name = !tune.title().empty() ? tune.title() : "X:" + std::to_string(tune.x);
  m.tonic = tune.has_key ? TonicPitchClass(tune.initial.key) : -1;
  if (tune.voices.empty()) return m;
  const abc::Voice& voice = tune.voices.front();
  for (const abc::BarSpan& span : abc::SplitBars(voice)) {
    if (!span.duration.is_positive()) continue;
    MelodyBar bar;
    bar.duration = ToDuration(span.duration);
    bar.expected = ToDuration(span.expected);
    bool tied = false;  // the previous note of this bar ties into the next
    for (size_t i = span.first_element; i < span.end_element && i < voice.elements.size(); ++i) {
      const abc::Element& e = voice.elements[i];
      if (const abc::Note* note = e.get_if<abc::Note>()) {
        if (note->pitches.empty()) continue;
        const abc::Pitch* top = &note->pitches.front();
        for (const auto& p : note->pitches)
          if (p.midi > top->midi) top = &p;
        const Duration d = ToDuration(note->duration);
        if (tied && !bar.notes.empty() && bar.notes.back().pitch == top->midi) {
          bar.notes.back().duration = Add(bar.notes.back().duration, d);
        } else {
          bar.notes.push_back(MelodyNote{top->midi, d});
        }
        tied = top->tie || note->chord_tie;
      } else if (const abc::Rest* rest = e.get_if<abc::Rest>()) {
        bar.notes.push_back(MelodyNote{-1, ToDuration(rest->duration)});
        tied = false;
      }
    }
    m.bars.push_back(std::move(bar));
  }
  return m;
}

TuneForm AnalyzeForm(const abc::Tune& tune) {
  TuneForm f;
  bool other_errors = false, bar_problems = false;
  for (const auto& d : tune.diagnostics) {
    if (d.kind == abc::DiagnosticKind::kOverfullBar || d.kind == abc::DiagnosticKind::kUnderfullBar)
      bar_problems = true;
    else if (d.severity == abc::Severity::kError && !abc::IsPlayerKind(d.kind))
      other_errors = true;  // a player's rule (a hornpipe in C|) leaves the music readable
  }
  f.parses = !other_errors;
  f.valid = tune.valid();
  f.bars_ok = f.parses && !bar_problems;
  bool meter = false, key = false;
  for (const auto& field : tune.header) {
    meter = meter || field.letter == 'M';
    key = key || field.letter == 'K';
  }
  f.has_header = meter && key && tune.has_key;

  const Melody melody = MelodyFromTune(tune);
  f.bars = static_cast<int>(melody.bars.size());
  for (size_t i = 1; i < melody.bars.size(); ++i) {
    const MelodyBar& bar = melody.bars[i];
    if (std::none_of(bar.notes.begin(), bar.notes.end(), [](const MelodyNote& n) { return !n.is_rest(); })) continue;
    for (size_t k = 1; k <= static_cast<size_t>(kEchoReach) && k <= i; ++k) {
      if (melody.bars[i - k].notes == bar.notes) {
        ++f.echo_bars;
        break;
      }
    }
  }
  const auto pitches = melody.Pitches();
  if (!pitches.empty()) {
    const auto [lo, hi] = std::minmax_element(pitches.begin(), pitches.end());
    f.pitch_range = *hi - *lo;
  }
  if (tune.voices.empty()) return f;
  const int final_semitones = abc::FinalSemitones(tune);  // the last note above the end's tonic
  if (final_semitones >= 0) f.ends_on_tonic = final_semitones == 0 ? 1 : 0;

  // Parts as musicians count them and the form line writes them (abc::PartBars): a pickup before
  // |: joins the part after it, each part rounds to whole bars, bars under ending 2+ left out.
  // Rounding forgives a closing bar that leaves out the next part's pickup, not a short bar inside
  // a part, so a tune with a bar of the wrong length has no parts of equal length.
  const abc::TuneParts split = abc::SplitIntoParts(tune);
  f.has_repeats = split.has_repeats;
  const std::vector<int> bars = abc::PartBars(split);
  f.equal_parts = f.bars_ok && bars.size() >= 2 &&
                  std::all_of(bars.begin(), bars.end(), [&](int b) { return b == bars.front(); });
  return f;
}

Result<BarIndex> LoadOrBuildBarIndex(const std::vector<std::string>& paths,
                                     const std::string& cache_path) {
  auto files = ExpandPaths(paths, {".abc"});
  if (!files.ok()) return files.status();
  auto fingerprint = FingerprintFiles(*files);
  if (!fingerprint.ok()) return fingerprint.status();
  std::error_code ec;
  if (!cache_path.empty() && std::filesystem::exists(cache_path, ec)) {
    auto cached = BarIndex::Load(cache_path);
    if (cached.ok() && cached->source_fingerprint() == *fingerprint) return cached;
  }
  std::vector<Melody> melodies;
  abc::ParseOptions options;
  options.keep_text = false;
  for (const auto& path : *files) {
    auto reader = abc::TuneReader::Open(path, options);  // one tune at a time
    if (!reader.ok()) return reader.status();
    abc::Tune tune;
    while ((*reader)->Next(&tune)) melodies.push_back(MelodyFromTune(tune));
    if (!(*reader)->status().ok()) return (*reader)->status();
  }
  BarIndex index = BarIndex::Build(melodies, *fingerprint);
  if (!cache_path.empty()) {
    Status s = index.Save(cache_path);
    if (!s.ok()) return s;
  }
  return index;
}

}  // namespace abcrnn::eval
