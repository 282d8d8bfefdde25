// The cleaner: parses every tune, drops those with errors, overfull bars, several voices or no
// music, optionally moves each to a common tonic, writes the training form and drops duplicates
// by a transposition-invariant fingerprint of the melody (pitches relative to the first note,
// exact durations).
#include "abcrnn/abc/clean.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <filesystem>
#include <unordered_set>
#include <utility>

#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/transpose.h"
#include "abcrnn/abc/writer.h"
#include "abcrnn/util/file.h"

namespace abcrnn {
namespace {

// The melody as text that ignores key, spelling and transposition: per note or rest its pitches
// relative to the tune's first pitch (chords sorted) and its duration in whole notes.
std::string MelodyFingerprint(const abc::Tune& tune) {
  std::string key;
  int base = -1000;
  if (tune.voices.empty()) return key;
  for (const auto& e : tune.voices.front().elements) {
    if (const auto* n = e.get_if<abc::Note>()) {
      std::vector<int> ps;
      for (const auto& p : n->pitches) ps.push_back(p.midi);
      std::sort(ps.begin(), ps.end());
      if (base == -1000 && !ps.empty()) base = ps.front();
      for (int p : ps) key += std::to_string(p - base) + ",";
      key += ":" + n->duration.ToString() + ";";
    } else if (const auto* r = e.get_if<abc::Rest>()) {
      key += "z:" + r->duration.ToString() + ";";
    }
  }
  return key;
}

// 128 bits of a melody fingerprint (two independent 64-bit hashes): a set of these finds repeated
// melodies in a file of 155,000 tunes in a few megabytes; two different melodies collide with
// a chance of about 1e-29 per pair.
using MelodyDigest = std::pair<uint64_t, uint64_t>;
struct MelodyDigestHash {
  size_t operator()(const MelodyDigest& d) const { return static_cast<size_t>(d.first ^ (d.second * 0x9E3779B97F4A7C15ull)); }
};

MelodyDigest Digest(const std::string& fingerprint) {
  uint64_t fnv = 1469598103934665603ull;  // FNV-1a, 64 bits
  for (unsigned char c : fingerprint) fnv = (fnv ^ c) * 1099511628211ull;
  return {static_cast<uint64_t>(std::hash<std::string>()(fingerprint)), fnv};
}

bool HasMusic(const abc::Tune& tune) {
  for (const auto& v : tune.voices)
    for (const auto& e : v.elements)
      if (e.kind() == abc::ElementKind::kNote) return true;
  return false;
}

// Why a parsed tune cannot be used, or "" when it can. A decoration written apart from its note,
// or one that makes a broken rhythm's notes unequal to abc2midi, is no reason where the training
// form leaves decorations out, nor abc2midi's hornpipe swing and
// hornpipe meters where it leaves out the R: field that turns them on (--controls writes its own
// R:, and generation writes a hornpipe drawn in cut time in common time).
std::string DropReason(const abc::Tune& tune, const CleanOptions& options) {
  bool overfull = false, other = false;
  for (const auto& d : tune.diagnostics) {
    if (d.severity != abc::Severity::kError) continue;
    if ((d.kind == abc::DiagnosticKind::kDetachedDecoration || d.kind == abc::DiagnosticKind::kHeldBrokenRhythm) &&
        !options.keep_decorations)
      continue;
    if ((d.kind == abc::DiagnosticKind::kHornpipeSwing || d.kind == abc::DiagnosticKind::kHornpipeMeter) &&
        !options.keep_fields)
      continue;
    (d.kind == abc::DiagnosticKind::kOverfullBar ? overfull : other) = true;
  }
  if (other) return "errors";
  if (overfull) return "overfull-bar";
  if (tune.voices.size() > 1) return "several-voices";
  if (!HasMusic(tune)) return "no-music";
  return "";
}

// A tune already in training form with controls (generated or held-out tunes being scored) keeps
// its style: an S: field whose value is a style name wins over the input's label.
// Runs of bar lines with no note, rest or ending between ("| | |", "| ||") become one: the last
// that is not a plain "|", else the first (a run of two repeat signs keeps both).
void CollapseEmptyBars(abc::Tune* tune) {
  auto plain = [](const abc::Element& e) { return e.get_if<abc::BarLine>()->kind == abc::BarKind::kSingle; };
  for (abc::Voice& v : tune->voices) {
    std::vector<abc::Element> kept;
    kept.reserve(v.elements.size());
    size_t run = std::string::npos;  // the run's bar line in `kept`
    for (abc::Element& e : v.elements) {
      const abc::ElementKind kind = e.kind();
      if (kind == abc::ElementKind::kBarLine) {
        if (run != std::string::npos && plain(e)) continue;
        if (run != std::string::npos && plain(kept[run]))
          kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(run));  // the stronger one, where it stands
        run = kept.size();
      } else if (kind != abc::ElementKind::kSpace && kind != abc::ElementKind::kLineBreak &&
                 kind != abc::ElementKind::kComment) {
        run = std::string::npos;
      }
      kept.push_back(std::move(e));
    }
    v.elements = std::move(kept);
  }
}

std::string StyleOf(const abc::Tune& tune, const std::string& label) {
  for (const auto& f : tune.header)
    if (f.letter == 'S' && abc::IsStyleName(f.value)) return f.value;
  return label;
}

class Cleaner {
 public:
  // Each kept tune goes to `sink` as soon as it is written; without one, into Take()'s result.
  explicit Cleaner(const CleanOptions& options, CleanSink sink = nullptr)
      : options_(options), write_(TrainingWriteOptions(options)), sink_(std::move(sink)) {}

  Status Init() {
    if (options_.transpose_to.empty()) return Status::OK();
    auto t = abc::ParseTonic(options_.transpose_to);
    if (!t.ok()) {
      bad_tonic_ = true;
      return t.status();
    }
    tonic_ = *t;
    transpose_ = true;
    return Status::OK();
  }

  // Reads the tunes one at a time: memory holds the training forms, never the parsed file.
  void Add(abc::TuneReader& reader, const std::string& source, const std::string& style) {
    abc::Tune tune;
    while (reader.Next(&tune)) Add(tune, source, style);
  }

  void Add(const abc::Tune& tune, const std::string& source, const std::string& style) {
    ++result_.report.read;
    std::string reason = bad_tonic_ ? "invalid-transpose-to" : DropReason(tune, options_);
    if (!reason.empty()) {
      ++result_.report.dropped[reason];
      return;
    }
    const abc::Tune* use = &tune;
    abc::Tune moved;
    if (options_.collapse_empty_bars) {
      moved = tune;
      CollapseEmptyBars(&moved);
      use = &moved;
    }
    if (transpose_) {
      auto r = abc::TransposeToTonic(*use, tonic_);
      if (!r.ok()) {
        ++result_.report.dropped["transpose-out-of-range"];
        return;
      }
      moved = std::move(r).value();
      use = &moved;
    }
    std::string text = abc::WriteTune(*use, write_);
    // What is dropped can change how a tool reads the rest (without its P: fields abc2midi lays
    // out a tune's repeats anew): a training text must be as valid as its source.
    abc::ParseOptions po;
    po.keep_text = false;
    if (!DropReason(abc::ParseTune(text, po), options_).empty()) {
      ++result_.report.dropped["invalid-once-cleaned"];
      return;
    }
    if (options_.drop_duplicates && !seen_.insert(Digest(MelodyFingerprint(*use))).second) {
      ++result_.report.dropped["duplicate"];
      return;
    }
    CleanedTune c;
    c.source = source;
    c.line = tune.start.line;
    c.x = tune.x >= 0 ? std::to_string(tune.x) : "";
    c.title = tune.title();
    c.text = std::move(text);
    if (options_.controls) {
      c.controls = abc::DeriveControls(tune, StyleOf(tune, style));
      if (!options_.final_degree) c.controls.final_semitones = -1;
      if (!options_.beat) c.controls.beat.clear();
      c.text = abc::ControlLines(c.controls, ControlLineOptionsOf(options_)) + c.text;
      if (!tune.voices.empty()) {
        const abc::MusicState& st = tune.voices.front().initial;
        c.key = abc::KeyText(st.key);
        c.meter = abc::MeterText(st.meter);
        c.unit_length = abc::UnitLengthText(st.unit_length);
      }
    }
    ++result_.report.kept;
    if (sink_)
      sink_(std::move(c));
    else
      result_.tunes.push_back(std::move(c));
  }

  CleanResult Take() { return std::move(result_); }

 private:
  const CleanOptions& options_;
  abc::WriteOptions write_;
  bool transpose_ = false;
  bool bad_tonic_ = false;
  abc::SpelledNote tonic_;
  std::unordered_set<MelodyDigest, MelodyDigestHash> seen_;  // of the tunes kept so far
  CleanSink sink_;
  CleanResult result_;
};

}  // namespace

CleanOptions CleanOptions::KeepAll() {
  CleanOptions o;
  o.keep_fields = o.keep_comments = o.keep_lyrics = o.keep_chord_symbols = true;
  o.keep_decorations = o.keep_grace_notes = o.keep_slurs = true;
  o.drop_duplicates = false;
  return o;
}

CleanResult CleanText(std::string_view text, const std::string& source,
                      const CleanOptions& options, const std::string& style) {
  Cleaner cleaner(options);
  (void)cleaner.Init();  // an invalid tonic drops every tune as "invalid-transpose-to"
  abc::ParseOptions po;
  po.file_name = source;
  po.keep_text = false;
  po.line_end_bars = options.line_end_bars;
  abc::TuneReader reader(text, po);
  cleaner.Add(reader, source, style);
  return cleaner.Take();
}

Result<CleanResult> CleanFiles(const std::vector<std::string>& paths, const CleanOptions& options) {
  CleanResult result;
  Result<CleanReport> report =
      CleanFilesEach(paths, options, [&result](CleanedTune&& t) { result.tunes.push_back(std::move(t)); });
  if (!report.ok()) return report.status();
  result.report = *report;
  return result;
}

Result<CleanReport> CleanFilesEach(const std::vector<std::string>& paths, const CleanOptions& options,
                                   const CleanSink& sink) {
  if (options.controls && options.keep_fields)
    return Status::InvalidArgument("expected either controls or kept fields, got both: R: would be written twice");
  if (options.form_repeats && !options.controls)
    return Status::InvalidArgument("--form-repeats: expected --controls too (the repeats are written on the controls' form line)");
  if (options.final_degree && !options.controls)
    return Status::InvalidArgument("--final: expected --controls too (the final is written as a control line)");
  if (options.beat && !options.controls)
    return Status::InvalidArgument("--beat: expected --controls too (the beat is written as a control line)");
  Cleaner cleaner(options, sink);
  Status s = cleaner.Init();
  if (!s.ok()) return s;
  for (const auto& input : paths) {
    std::string label, path = input;
    const size_t eq = input.find('=');
    if (eq != std::string::npos && eq > 0 && !std::filesystem::exists(input)) {
      label = input.substr(0, eq);
      path = input.substr(eq + 1);
      if (!abc::IsStyleName(label))
        return Status::InvalidArgument("expected a style name of lower-case letters, digits, '-' and '_' before '=' in '" +
                                       input + "', got '" + label + "'");
    }
    auto files = ExpandPaths({path}, {".abc"});
    if (!files.ok()) return files.status();
    for (const auto& file : *files) {
      abc::ParseOptions po;
      po.keep_text = false;
      po.line_end_bars = options.line_end_bars;
      auto reader = abc::TuneReader::Open(file, po);
      if (!reader.ok()) return reader.status();
      cleaner.Add(**reader, file, label.empty() ? StyleOfFile(path, file) : label);
      if (!(*reader)->status().ok()) return (*reader)->status();
    }
  }
  return cleaner.Take().report;
}

std::string FormatCleanReport(const CleanReport& report) {
  std::vector<std::pair<std::string, int>> reasons(report.dropped.begin(), report.dropped.end());
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  int dropped = 0;
  for (const auto& r : reasons) dropped += r.second;
  std::string s =
      "kept " + std::to_string(report.kept) + " of " + std::to_string(report.read) + " tunes";
  if (dropped == 0) return s;
  s += "; dropped " + std::to_string(dropped) + ":";
  for (size_t i = 0; i < reasons.size(); ++i)
    s += (i ? ", " : " ") + std::to_string(reasons[i].second) + " " + reasons[i].first;
  return s;
}

std::string StyleOfFile(const std::string& given, const std::string& file) {
  namespace fs = std::filesystem;
  std::string name;
  const fs::path g = fs::path(given).lexically_normal();
  const fs::path f = fs::path(file).lexically_normal();
  const fs::path rel = f.lexically_relative(g);
  const auto depth = std::distance(rel.begin(), rel.end());
  if (given == "-") {
    name = "stdin";
  } else if (f == g || rel.empty() || *rel.begin() == "..") {
    name = f.stem().string();  // a file given as itself
  } else if (depth >= 2) {
    name = rel.begin()->string();  // data/nottingham/jigs.abc given as data
  } else {
    name = (g.has_filename() ? g : g.parent_path()).filename().string();  // a file in the folder given
  }
  std::string style;
  for (char c : name) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    style += (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_' || l == '-' ? l : '-';
  }
  if (style.size() > 40) style.resize(40);
  return style.empty() ? "unnamed" : style;
}

abc::ControlLineOptions ControlLineOptionsOf(const CleanOptions& o) {
  abc::ControlLineOptions lines;
  lines.repeats = o.form_repeats;
  lines.final = o.final_degree;
  lines.beat = o.beat;
  return lines;
}

abc::WriteOptions TrainingWriteOptions(const CleanOptions& o) {
  abc::WriteOptions w = abc::WriteOptions::Training();
  w.fields = o.keep_fields;
  w.comments = o.keep_comments;
  w.lyrics = o.keep_lyrics;
  w.chord_symbols = o.keep_chord_symbols;
  w.decorations = o.keep_decorations;
  w.grace_notes = o.keep_grace_notes;
  w.slurs = o.keep_slurs;
  return w;
}

}  // namespace abcrnn
