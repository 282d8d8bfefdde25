// StrictChecker: prefix validity and completeness of a growing tune, on top of the ABC parser's
// prefix mode (abc/parser.h) and its bar checks.
#include "abcrnn/infer/strict.h"

#include <cctype>
#include <cstring>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/vocab/vocab.h"
#include "abc/text_util.h"
#include "form_guard.h"

namespace abcrnn {
namespace {

using abc::DiagnosticKind;
using abc::Severity;

abc::ParseOptions StrictParseOptions(bool prefix) {
  abc::ParseOptions o;
  o.prefix = prefix;
  o.keep_text = false;
  o.check_bars = true;
  return o;
}

// The tune `text` parses to in prefix mode: the cache's (until its next question), or without
// one, parsed into `own`.
const abc::Tune& ParsePrefix(std::string_view text, abc::PrefixParser* cache, abc::Tune* own) {
  if (cache != nullptr) return cache->Parse(text);
  *own = abc::ParseTune(text, StrictParseOptions(true));
  return *own;
}

// "K:D" style: a letter and a colon start the line.
bool IsFieldLine(std::string_view line) {
  return line.size() >= 2 && std::isalpha(static_cast<unsigned char>(line[0])) && line[1] == ':';
}

// A line still being typed in the header: "", "M", "M:...".
bool CouldBeFieldLine(std::string_view line) {
  return line.empty() || (std::isalpha(static_cast<unsigned char>(line[0])) && (line.size() == 1 || line[1] == ':'));
}

// The field letters a generated tune may use: ABC 2.1's header and body fields, less X: (ours to
// write) and V: (one voice). Unknown letters would only be warnings to the parser, and a model
// that writes "p:..." or "f:-" lines would escape the bar checks with them.
bool KnownFieldLetter(char c) { return c != 0 && std::strchr("ABCDFGHIKLMNOPQRSTUWZw", c) != nullptr; }

// True when a line of `text` starts with `field` ("M:").
bool HasFieldLine(std::string_view text, const char* field) {
  for (size_t start = 0; start < text.size();) {
    if (text.compare(start, 2, field) == 0) return true;
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return false;
}

bool HeaderDone(std::string_view text) { return abc::MusicStart(text) != std::string_view::npos; }

// An error strict mode lets the model make because the session mends it before printing: a
// hornpipe in cut time, which it writes in common time (abc::HornpipeInCommonTime; the printed
// tune is checked again).
bool MendedLater(const abc::Tune& tune, const abc::Diagnostic& d) {
  if (d.kind != DiagnosticKind::kHornpipeMeter) return false;
  const abc::Meter& m = tune.initial.meter;
  return m.text == "C|" || m.text == "2/2";
}

bool HasErrorsOtherThan(const abc::Tune& tune, DiagnosticKind allowed) {
  for (const auto& d : tune.diagnostics)
    if (d.severity == Severity::kError && d.kind != allowed && !MendedLater(tune, d)) return true;
  return false;
}

// Valid, and no bar shorter than the meter except where the parser lets it be (pickups, bars
// beside repeats and endings that complement each other, the last bar).
bool ValidWithFullBars(const abc::Tune& tune) {
  for (const auto& d : tune.diagnostics)
    if ((d.severity == Severity::kError && !MendedLater(tune, d)) || d.kind == DiagnosticKind::kUnderfullBar)
      return false;
  return true;
}


}  // namespace

abc::PrefixParser StrictChecker::NewCache() { return abc::PrefixParser(StrictParseOptions(true)); }

bool StrictChecker::AllowsNext(const std::string& text, const std::string& next, abc::PrefixParser* cache) const {
  if (next.size() > 1) {  // a symbol of several characters (a token) is valid when each of them is
    const std::vector<std::string> chars = SplitCharacters(next);
    if (chars.size() > 1) {
      std::string so_far = text;
      for (const std::string& ch : chars) {
        if (!AllowsNext(so_far, ch, cache)) return false;
        so_far += ch;
      }
      return true;
    }
  }
  const std::string s = text + next;
  const size_t nl = s.rfind('\n');
  const std::string_view line = nl == std::string::npos ? std::string_view(s) : std::string_view(s).substr(nl + 1);
  if (next == "\n") {  // a blank line, or one of spaces only, would end the tune for every reader
    const size_t prev = text.rfind('\n');
    const std::string_view ending = prev == std::string::npos ? std::string_view(text) : std::string_view(text).substr(prev + 1);
    if (ending.find_first_not_of(" \t") == std::string_view::npos) return false;
  }
  if (line.size() >= 2 && line[0] == 'X' && line[1] == ':') return false;        // X: is ours to write
  if (!HeaderDone(s)) {
    if (!CouldBeFieldLine(line)) return false;
    if (!line.empty() && !KnownFieldLetter(line[0])) return false;
    // The training form's header: M: and L: come before K: (abc/clean.h).
    if (!line.empty() && line[0] == 'K') {
      std::string_view before = std::string_view(s).substr(0, s.size() - line.size());
      if (!HasFieldLine(before, "M:") || !HasFieldLine(before, "L:")) return false;
    }
    if (next != "\n") return true;  // the line is judged when it ends
    // Every finished header line must parse; only the K: is still missing.
    abc::Tune own;
    return !HasErrorsOtherThan(ParsePrefix(s, cache, &own), DiagnosticKind::kMissingKey);
  }
  if (IsFieldLine(line) && !KnownFieldLetter(line[0])) return false;
  // A field line in the music ("K:G" for a change of key) starts with its letter, which alone
  // is not music: the colon may still come.
  if (line.size() == 1 && KnownFieldLetter(line[0]) && !(line[0] >= 'A' && line[0] <= 'G')) return true;
  if (IsFieldLine(line) && next != "\n") return true;  // a field in the music: judged at its end
  const abc::TuneControls asked = enforce_form_ ? abc::ReadControlLines(s) : abc::TuneControls{};
  const std::vector<int>& form = asked.part_bars;
  // "|||...": a model that would rather end than start the next part writes bar lines, each of
  // which could still become a repeat sign; three in a row never do.
  if (!form.empty() && next == "|" && text.size() >= 2 && text.compare(text.size() - 2, 2, "||") == 0) return false;
  auto fits = [&](const std::string& text) {
    abc::Tune own;
    const abc::Tune& tune = ParsePrefix(text, cache, &own);
    return ValidWithFullBars(tune) && (form.empty() || infer::JudgeForm(tune, form, asked.part_repeats).ok);
  };
  // A newline ends its line: the line is judged as closed (a chord, grace group or accidental
  // left open at its end is an error), by parsing the text with a comment line after it.
  if (next == "\n") return fits(s + "%");
  if (fits(s)) return true;
  // A last token that more bar-line characters complete (":" of ":|", "|" of "||" or "|:", ...):
  // allowed when one of them fits. Not a note's letter, length or accidental, which the parser
  // already judges as open at the end: most characters asked about are rejected draws of notes
  // in a full bar, and each more parse costs as much as the first.
  if (next.size() == 1 && std::strchr("ABCDEFGabcdefgzx0123456789/^_=,'", next[0]) != nullptr) return false;
  if (fits(s + "|")) return true;
  if (form.empty() || (s.back() != '|' && s.back() != ':' && s.back() != '[')) return false;
  for (const char* more : {"]", ":", "|]"})
    if (fits(s + more)) return true;
  return false;
}

size_t StrictChecker::ValidPrefixChars(const std::string& text) const {
  abc::PrefixParser cache = NewCache();
  std::string so_far;
  size_t valid = 0;
  for (const std::string& ch : SplitCharacters(text)) {
    if (!AllowsNext(so_far, ch, &cache)) break;
    so_far += ch;
    ++valid;
  }
  return valid;
}

bool StrictChecker::AtPartEnd(const std::string& text, abc::PrefixParser* cache) const {
  if (!enforce_form_) return false;
  const abc::TuneControls asked = abc::ReadControlLines(text);
  if (asked.part_bars.empty() || !HeaderDone(text)) return false;
  abc::Tune own;
  const infer::FormVerdict v = infer::JudgeForm(ParsePrefix(text, cache, &own), asked.part_bars, asked.part_repeats);
  return v.ok && (v.part_full || v.complete);
}

bool StrictChecker::EndsOnAskedFinal(const std::string& text) const {
  const int asked = abc::ReadControlLines(text).final_semitones;
  return asked < 0 || abc::FinalSemitones(abc::ParseTune(text, StrictParseOptions(false))) == asked;
}

bool StrictChecker::Stalled(const std::string& text) const {
  const size_t music = abc::MusicStart(text);
  if (music == std::string::npos) return false;
  int run = 0;
  for (size_t j = text.size(); j > music; --j) {
    const char ch = text[j - 1];
    if (std::strchr("ABCDEFGabcdefgzZxX", ch) != nullptr && ch != 0) {
      const size_t nl = j >= 2 ? text.rfind('\n', j - 2) : std::string::npos;
      const size_t line = nl == std::string::npos ? 0 : nl + 1;
      if (!IsFieldLine(std::string_view(text).substr(line, j - line + 1))) return false;
    }
    if (++run > kMaxStall) return true;
  }
  return false;
}

bool StrictChecker::IsComplete(const std::string& text) const {
  const abc::Tune tune = abc::ParseTune(text, StrictParseOptions(false));
  if (!ValidWithFullBars(tune) || !tune.has_key || tune.voices.empty()) return false;
  if (enforce_form_) {
    const abc::TuneControls asked = abc::ReadControlLines(text);
    if (!asked.part_bars.empty() && !infer::JudgeForm(tune, asked.part_bars, asked.part_repeats).complete)
      return false;
  }
  for (const abc::Voice& voice : tune.voices) {
    bool has_note = false, open_repeat = false;
    const abc::BarLine* last_bar = nullptr;
    bool after_last_bar = false;  // a note, rest or other symbol after the last bar line
    for (const abc::Element& e : voice.elements) {
      switch (e.kind()) {
        case abc::ElementKind::kBarLine: {
          const auto* bar = e.get_if<abc::BarLine>();
          if (bar->repeat_end) open_repeat = false;
          if (bar->repeat_start) open_repeat = true;
          last_bar = bar;
          after_last_bar = false;
          break;
        }
        case abc::ElementKind::kSpace:
        case abc::ElementKind::kLineBreak:
        case abc::ElementKind::kComment:
          break;
        case abc::ElementKind::kNote:
          has_note = true;
          after_last_bar = true;
          break;
        default:
          after_last_bar = true;
          break;
      }
    }
    if (!has_note || open_repeat || last_bar == nullptr || after_last_bar) return false;
    if (last_bar->repeat_start || last_bar->kind == abc::BarKind::kStart) return false;
  }
  return true;
}

}  // namespace abcrnn
