// Controls of a tune: parts and bars as musicians count them, the type from R:, the title or the
// rhythm, and the header lines that carry them in the training form (doc/controls.md).
#include "abcrnn/abc/controls.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "abcrnn/abc/key.h"
#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {
namespace {

// Lower-case words of letters only ("Slip-Jig" -> {"slip", "jig"}).
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      words.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  return words;
}

bool Has(const std::vector<std::string>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool HasPrefix(const std::vector<std::string>& words, std::string_view prefix) {
  for (const auto& w : words)
    if (w.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

bool HasInside(const std::vector<std::string>& words, std::string_view part) {
  for (const auto& w : words)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

// The dance types a title may name ("Miss Drummond's Strathspey"); air and song are left to R:,
// since titles use those words for other things.
std::string TypeFromTitle(std::string_view title) {
  std::string t = NormaliseTuneType(title);
  return t == "air" || t == "song" ? "" : t;
}

// Calls visit(line, start, end) for each line of the header before its K: line (`end`: where the
// line's newline is, or the text's end), until visit returns true.
template <typename Visit>
void ForEachHeaderLine(std::string_view text, Visit visit) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    if (line.compare(0, 2, "K:") == 0 || visit(line, start, end)) return;
    start = end + 1;
  }
}

}  // namespace

bool IsSectionEnd(const BarLine& b) {
  return b.repeat_end || b.repeat_start || b.kind == BarKind::kDouble || b.kind == BarKind::kFinal ||
         b.kind == BarKind::kStart;
}

TuneParts SplitIntoParts(const Tune& tune) {
  TuneParts out;
  if (tune.voices.empty()) return out;
  const Voice& voice = tune.voices.front();
  Fraction part(0);
  bool repeated = false;  // the part so far holds a first ending
  bool in_later_ending = false;
  out.bar_length = voice.initial.meter.BarLength();
  for (const auto& e : voice.elements) {
    if (const auto* n = e.get_if<Note>()) {
      if (!in_later_ending) part += n->duration;
    } else if (const auto* r = e.get_if<Rest>()) {
      if (!in_later_ending) part += r->duration;
    } else if (const auto* ending = e.get_if<Ending>()) {
      out.has_repeats = true;
      in_later_ending =
          std::none_of(ending->numbers.begin(), ending->numbers.end(), [](int k) { return k == 1; });
      if (!in_later_ending) repeated = true;
    } else if (const auto* b = e.get_if<BarLine>()) {
      if (b->repeat_end) out.has_repeats = true;
      if (IsSectionEnd(*b)) {
        if (part.is_positive()) {
          out.durations.push_back(part);
          out.repeated.push_back(repeated || b->repeat_end);
        }
        part = Fraction(0);
        repeated = false;
        // Every section end closes a later ending, "|:" too: "[2 ceg c'2g||: c'2e ..." starts the
        // next part (as the strict-mode form guard reads it), where the music after it was left
        // out until the next first ending.
        in_later_ending = false;
      }
    } else if (const auto* fc = e.get_if<FieldChange>()) {
      if (fc->field.letter == 'M') out.bar_length = fc->state->meter.BarLength();
    }
  }
  if (part.is_positive()) {
    out.durations.push_back(part);
    out.repeated.push_back(repeated);
  }
  return out;
}

Form FormOfParts(const TuneParts& parts) {
  Form form;
  if (!parts.bar_length.is_positive()) return form;
  // A stretch shorter than half a bar (a pickup before |:, a note after the last repeat) joins
  // the part after it, or the one before it at the end.
  Fraction carry(0);
  for (size_t i = 0; i < parts.durations.size(); ++i) {
    const Fraction with = parts.durations[i] + carry;
    const double b = (with / parts.bar_length).ToDouble();
    if (b < 0.5) {
      carry = with;
      continue;
    }
    carry = Fraction(0);
    form.bars.push_back(static_cast<int>(std::lround(b)));
    form.repeated.push_back(i < parts.repeated.size() && parts.repeated[i]);
  }
  if (carry.is_positive() && !form.bars.empty())
    form.bars.back() = static_cast<int>(
        std::lround((Fraction(form.bars.back()) + carry / parts.bar_length).ToDouble()));
  return form;
}

std::vector<int> PartBars(const TuneParts& parts) { return FormOfParts(parts).bars; }

const std::vector<std::string>& KnownTuneTypes() {
  static const std::vector<std::string> kTypes = {"reel",  "jig",        "slip jig", "hornpipe",
                                                  "polka", "waltz",      "strathspey", "march",
                                                  "slide", "mazurka",    "air",      "song"};
  return kTypes;
}

std::string NormaliseTuneType(std::string_view text) {
  const auto w = Words(text);
  if (w.empty()) return "";
  if ((Has(w, "slip") && HasPrefix(w, "jig")) || Has(w, "slipjig")) return "slip jig";
  if (HasPrefix(w, "jig")) return "jig";
  if (HasPrefix(w, "reel")) return "reel";
  if (HasPrefix(w, "hornpipe")) return "hornpipe";
  if (HasPrefix(w, "strathspey")) return "strathspey";
  if (HasPrefix(w, "polka")) return "polka";
  if (HasPrefix(w, "waltz") || Has(w, "valse")) return "waltz";
  if (Has(w, "march") || Has(w, "marsch")) return "march";
  if (Has(w, "slide")) return "slide";
  if (HasPrefix(w, "mazurka")) return "mazurka";
  if (Has(w, "air") || Has(w, "aire")) return "air";
  if (Has(w, "song") || HasInside(w, "lied") || HasPrefix(w, "ballad") || HasPrefix(w, "romanze") ||
      Has(w, "xiaodiao") || Has(w, "shange") || Has(w, "haozi") || Has(w, "lullaby"))
    return "song";
  return "";
}

namespace {

std::vector<Fraction> NoteDurations(const Tune& tune) {
  std::vector<Fraction> notes;
  if (tune.voices.empty()) return notes;
  for (const auto& e : tune.voices.front().elements)
    if (const auto* n = e.get_if<Note>()) notes.push_back(n->duration);
  return notes;
}

// The share of `notes` in pairs for which is_pair(first, second) holds, each note in one pair at
// most, taken in order.
template <typename IsPair>
double ShareInPairs(const std::vector<Fraction>& notes, IsPair is_pair) {
  if (notes.empty()) return 0;
  int pairs = 0;
  for (size_t i = 0; i + 1 < notes.size(); ++i) {
    if (is_pair(notes[i], notes[i + 1])) {
      ++pairs;
      ++i;
    }
  }
  return 2.0 * pairs / static_cast<double>(notes.size());
}

}  // namespace

double DottedShare(const Tune& tune) {
  const std::vector<Fraction> notes = NoteDurations(tune);
  if (notes.size() < 8) return -1;
  return ShareInPairs(notes, [](const Fraction& a, const Fraction& b) { return a == b * 3 || b == a * 3; });
}

std::string BeatOf(const Tune& tune) {
  const double share = DottedShare(tune);
  if (share < 0) return "";
  return share >= kDottedBeatShare ? "dotted" : share >= kMixedBeatShare ? "mixed" : "even";
}

bool IsBeatName(std::string_view name) { return name == "even" || name == "mixed" || name == "dotted"; }

std::string InferTuneType(const Tune& tune) {
  if (tune.voices.empty()) return "";
  const Meter& meter = tune.voices.front().initial.meter;
  if (!meter.has_bars()) return "";
  const std::vector<Fraction> notes = NoteDurations(tune);
  if (notes.size() < 16) return "";
  const Fraction eighth(1, 8), dotted(3, 16), sixteenth(1, 16);
  const double n = static_cast<double>(notes.size());
  const double eighths = std::count(notes.begin(), notes.end(), eighth) / n;
  const double dotted_pairs = ShareInPairs(notes, [&](const Fraction& a, const Fraction& b) {
    return (a == dotted && b == sixteenth) || (a == sixteenth && b == dotted);
  });
  const bool compound = meter.kind == Meter::Kind::kNumeric && meter.denominator == 8 && meter.numerators.size() == 1;
  if (compound && eighths >= 0.5) {
    if (meter.numerators[0] == 6) return "jig";
    if (meter.numerators[0] == 9) return "slip jig";
    if (meter.numerators[0] == 12) return "slide";
    return "";
  }
  if (meter.BarLength() != Fraction(1)) return "";  // 4/4, C, 2/2, C|
  if (dotted_pairs >= 0.5) return "hornpipe";
  if (eighths >= 0.6 && dotted_pairs < 0.1) return "reel";
  return "";
}

TuneControls DeriveControls(const Tune& tune, std::string style) {
  TuneControls c;
  c.style = std::move(style);
  for (const auto& f : tune.header)
    if (f.letter == 'R' && c.type.empty()) c.type = NormaliseTuneType(f.value);
  if (c.type.empty()) c.type = TypeFromTitle(tune.title());
  if (c.type.empty()) {
    bool has_rhythm_field = false;
    for (const auto& f : tune.header) has_rhythm_field = has_rhythm_field || f.letter == 'R';
    // A source that names a type abcrnn does not know ("Gavotte") is not second-guessed.
    if (!has_rhythm_field) c.type = InferTuneType(tune);
  }
  Form form = FormOfParts(SplitIntoParts(tune));
  if (static_cast<int>(form.bars.size()) > kMaxParts ||
      std::any_of(form.bars.begin(), form.bars.end(), [](int b) { return b > kMaxPartBars || b < 1; }))
    form = Form{};
  c.part_bars = std::move(form.bars);
  c.part_repeats = std::move(form.repeated);
  c.final_semitones = FinalSemitones(tune);
  c.beat = BeatOf(tune);
  return c;
}

int FinalSemitones(const Tune& tune) {
  if (tune.voices.empty()) return -1;
  const Voice& voice = tune.voices.front();
  KeySignature key = voice.initial.key;  // the key in force at the end: body K: fields change it
  bool keyed = tune.has_key;
  const Pitch* last = nullptr;
  for (const auto& e : voice.elements) {
    if (const auto* fc = e.get_if<FieldChange>()) {
      if (fc->field.letter == 'K') key = fc->state->key, keyed = true;
    } else if (const auto* n = e.get_if<Note>()) {
      for (const auto& p : n->pitches)
        if (&p == &n->pitches.front() || p.midi > last->midi) last = &p;
    }
  }
  if (!keyed || key.none || last == nullptr) return -1;
  const int tonic = LetterSemitones(key.tonic) + AccidentalSemitones(key.tonic_accidental);
  return ((last->midi - tonic) % 12 + 12) % 12;
}

std::string DegreeText(int semitones) {
  static const char* const kNames[12] = {"1", "b2", "2", "b3", "3", "4", "#4", "5", "b6", "6", "b7", "7"};
  return kNames[((semitones % 12) + 12) % 12];
}

Result<int> ParseDegree(std::string_view text) {
  static const int kMajor[7] = {0, 2, 4, 5, 7, 9, 11};
  int alter = 0;
  std::string_view d = text;
  if (!d.empty() && (d[0] == 'b' || d[0] == '#')) {
    alter = d[0] == 'b' ? -1 : 1;
    d.remove_prefix(1);
  }
  if (d.size() != 1 || d[0] < '1' || d[0] > '7')
    return Status::InvalidArgument("expected a degree of the scale, 1 to 7 with an optional b or # before it "
                                   "(1 the tonic, 5 the fifth, b3 a minor third), got '" +
                                   std::string(text) + "'");
  return ((kMajor[d[0] - '1'] + alter) % 12 + 12) % 12;
}

std::string FormText(const std::vector<int>& part_bars, const std::vector<bool>& repeats) {
  std::string s;
  for (size_t i = 0; i < part_bars.size(); ++i) s += (i ? "+" : "") + std::to_string(part_bars[i]);
  if (!part_bars.empty() && repeats.size() == part_bars.size()) {
    s += ' ';
    for (size_t i = 0; i < repeats.size(); ++i) s.append(repeats[i] ? 2 : 1, static_cast<char>('A' + i));
  }
  return s;
}

Result<Form> ParseForm(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("expected a form such as 8+8 or 8+8 AABB (1 to " + std::to_string(kMaxParts) +
                                   " parts of 1 to " + std::to_string(kMaxPartBars) +
                                   " bars, each part's letter once or, played twice, twice), got '" +
                                   std::string(text) + "'");
  };
  Form form;
  const size_t space = text.find(' ');
  const std::string_view bars = text.substr(0, space);
  size_t i = 0;
  while (i <= bars.size()) {
    size_t j = bars.find('+', i);
    if (j == std::string_view::npos) j = bars.size();
    std::string_view part = bars.substr(i, j - i);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return bad();
    const int b = std::stoi(std::string(part));
    if (b < 1 || b > kMaxPartBars) return bad();
    form.bars.push_back(b);
    if (static_cast<int>(form.bars.size()) > kMaxParts) return bad();
    i = j + 1;
  }
  if (space == std::string_view::npos) return form;
  const std::string_view letters = text.substr(space + 1);
  size_t k = 0;
  for (size_t part = 0; part < form.bars.size(); ++part) {
    const char letter = static_cast<char>('A' + part);
    if (k >= letters.size() || letters[k] != letter) return bad();
    const bool twice = k + 1 < letters.size() && letters[k + 1] == letter;
    form.repeated.push_back(twice);
    k += twice ? 2 : 1;
  }
  if (k != letters.size()) return bad();
  return form;
}

Result<std::vector<int>> ParseFormText(std::string_view text) {
  auto form = ParseForm(text);
  if (!form.ok()) return form.status();
  return std::move(form->bars);
}

bool IsStyleName(std::string_view name) {
  if (name.empty() || name.size() > 40) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::string ControlLines(const TuneControls& c, const ControlLineOptions& options) {
  std::string s;
  if (!c.style.empty()) s += "S:" + c.style + "\n";
  if (!c.type.empty()) s += "R:" + c.type + "\n";
  if (!c.part_bars.empty())
    s += "N:form " + FormText(c.part_bars, options.repeats ? c.part_repeats : std::vector<bool>{}) + "\n";
  if (options.final && c.final_semitones >= 0) s += "N:final " + DegreeText(c.final_semitones) + "\n";
  if (options.beat && IsBeatName(c.beat)) s += "N:beat " + c.beat + "\n";
  return s;
}

TuneControls ReadControlLines(std::string_view text) {
  TuneControls c;
  ForEachHeaderLine(text, [&c](std::string_view line, size_t, size_t) {
    if (line.compare(0, 2, "S:") == 0) c.style = std::string(line.substr(2));
    if (line.compare(0, 2, "R:") == 0) c.type = std::string(line.substr(2));
    if (line.compare(0, 7, "N:form ") == 0) {
      auto form = ParseForm(line.substr(7));
      if (form.ok()) {
        c.part_bars = std::move(form->bars);
        c.part_repeats = std::move(form->repeated);
      }
    }
    if (line.compare(0, 8, "N:final ") == 0) {
      auto degree = ParseDegree(line.substr(8));
      if (degree.ok()) c.final_semitones = *degree;
    }
    if (line.compare(0, 7, "N:beat ") == 0 && IsBeatName(line.substr(7))) c.beat = std::string(line.substr(7));
    return false;
  });
  return c;
}

std::vector<int> FormOfHeader(std::string_view text) { return ReadControlLines(text).part_bars; }

std::string SplitKeyText(std::string_view text) {
  std::string out;
  size_t kept = 0;  // text before this is in `out` or left out
  ForEachHeaderLine(text, [&](std::string_view line, size_t start, size_t end) {
    if (line.compare(0, 8, "N:final ") == 0 || line.compare(0, 7, "N:beat ") == 0) {
      out.append(text.substr(kept, start - kept));
      kept = std::min(end + 1, text.size());
    }
    return false;
  });
  out.append(text.substr(kept));
  return out;
}

std::string HornpipeInCommonTime(const std::string& text) {
  if (ReadControlLines(text).type != "hornpipe") return text;
  std::string out = text;
  ForEachHeaderLine(text, [&](std::string_view line, size_t start, size_t end) {
    if (line != "M:C|" && line != "M:2/2") return false;
    out = text.substr(0, start) + (line == "M:C|" ? "M:C" : "M:4/4") + text.substr(end);
    return true;
  });
  return out;
}

}  // namespace abcrnn::abc
