// The form clock (abc/form_clock.h): one pass over the parsed prefix, measuring the part being
// written as SplitIntoParts and PartBars measure whole tunes.
#include "abcrnn/abc/form_clock.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/parser.h"
#include "abc/text_util.h"

namespace abcrnn::abc {
namespace {

constexpr int kDoneNone = 16;
constexpr int kLeftBase = kFormClockLeftBase, kLeftOver = 33, kLeftComplete = 34, kLeftNone = 35;
constexpr int kPartsBase = 36, kPartsNone = 40;
constexpr int kCap = 15;
constexpr int kTypeNone = kFormClockTypeBase + kFormClockTypeRows - 1;
constexpr int kFinalNone = kFormClockFinalBase + kFormClockFinalRows - 1;

// The type and final rows of the tune's complete header lines (each ends with '\n'): its R: line's
// type and its "N:final" line's degree, kTypeNone and kFinalNone without them.
std::pair<int, int> HeaderRows(std::string_view text) {
  const std::vector<std::string>& types = KnownTuneTypes();
  int type = kTypeNone, final_row = kFinalNone;
  size_t at = 0;
  for (size_t end; (end = text.find('\n', at)) != std::string_view::npos; at = end + 1) {
    const std::string_view line = text.substr(at, end - at);
    if (line.size() >= 2 && line[0] == 'K' && line[1] == ':') break;  // the header's last line
    if (type == kTypeNone && line.size() >= 2 && line[0] == 'R' && line[1] == ':') {
      const auto it = std::find(types.begin(), types.end(), NormaliseTuneType(line.substr(2)));
      if (it != types.end()) type = kFormClockTypeBase + static_cast<int>(it - types.begin());
    }
    if (line.compare(0, 8, "N:final ") == 0) {
      const auto degree = ParseDegree(line.substr(8));
      if (degree.ok()) final_row = kFormClockFinalBase + *degree;
    }
  }
  return {type, final_row};
}

// True when text[i] belongs to a bar line: '|', ':', ']', or an ending's number after '|' or '['
// ("|1", ":|2", "[2").
bool InBarLine(std::string_view text, size_t i) {
  const char c = text[i];
  if (c == '|' || c == ':' || c == ']') return true;
  return c >= '1' && c <= '9' && i > 0 && (text[i - 1] == '|' || text[i - 1] == '[');
}


int Bars(const Fraction& music, const Fraction& bar) {
  return static_cast<int>(std::floor((music / bar).ToDouble() + 1e-9));
}

FormClock Position(int part_index, int done, const std::vector<int>& part_bars) {
  const int parts = static_cast<int>(part_bars.size());
  if (part_index >= parts) return {kDoneNone, kLeftComplete, kPartsBase, kTypeNone, kFinalNone};
  const int left = part_bars[part_index] - done;
  return {std::min(done, kCap), left < 0 ? kLeftOver : kLeftBase + std::min(left, kCap),
          kPartsBase + std::min(parts - part_index, 3), kTypeNone, kFinalNone};
}

// The form fields of `text`, a prefix that ends just after a complete bar line or line.
FormClock MeasureForm(std::string_view text) {
  if (MusicStart(text) == std::string_view::npos) return HeaderClock();
  const std::vector<int> part_bars = FormOfHeader(text);
  if (part_bars.empty()) return HeaderClock();
  ParseOptions o;
  o.prefix = true;
  o.keep_text = false;
  o.check_bars = false;
  const Tune tune = ParseTune(text, o);
  if (tune.voices.empty()) return HeaderClock();
  const Voice& voice = tune.voices.front();
  const Fraction bar = voice.initial.meter.BarLength();
  if (!bar.is_positive()) return HeaderClock();
  int k = 0;                // parts closed
  Fraction part(0);         // the open part's music (a carried pickup included), later endings left out
  Fraction closed(0);       // the length of the part closed last
  Fraction first(0);        // music under the current first ending
  Fraction later(0);        // music under the current later ending
  bool in_first = false, in_later = false;
  for (const auto& e : voice.elements) {
    Fraction d(0);
    if (const auto* n = e.get_if<Note>()) {
      d = n->duration;
    } else if (const auto* r = e.get_if<Rest>()) {
      d = r->duration;
    } else if (const auto* ending = e.get_if<Ending>()) {
      const bool is_first = std::any_of(ending->numbers.begin(), ending->numbers.end(), [](int n) { return n == 1; });
      in_first = is_first;
      in_later = !is_first;
      (is_first ? first : later) = Fraction(0);
      continue;
    } else if (const auto* b = e.get_if<BarLine>()) {
      if (IsSectionEnd(*b)) {
        if ((part / bar).ToDouble() >= 0.5) {  // a shorter stretch (a pickup) closes no part
          closed = part;
          part = Fraction(0);
          ++k;
        }
        in_later = false;  // every section end closes a later ending, "|:" too (SplitIntoParts)
        in_first = false;
      }
      continue;
    } else {
      continue;
    }
    if (in_later) {
      later += d;
    } else {
      part += d;
      if (in_first) first += d;
    }
  }
  if (in_later && k > 0) {  // a later ending stands in for the closed part's first ending
    return Position(k - 1, Bars(closed - first + later, bar), part_bars);
  }
  return Position(k, Bars(part, bar), part_bars);
}

FormClock Measure(std::string_view text) {
  FormClock c = MeasureForm(text);
  std::tie(c[3], c[4]) = HeaderRows(text);
  return c;
}

}  // namespace

bool KnownFormClockScheme(int scheme) { return scheme >= 1 && scheme <= 3; }
int FormClockFields(int scheme) { return scheme + 2; }
int FormClockRows(int scheme) {
  return scheme == 1 ? kFormClockTypeBase
         : scheme == 2 ? kFormClockFinalBase
                       : kFormClockFinalBase + kFormClockFinalRows;
}

FormClock HeaderClock() { return {kDoneNone, kLeftNone, kPartsNone, kTypeNone, kFinalNone}; }

bool FormClockMoves(std::string_view text) {
  if (text.empty()) return false;
  const char last = text.back();
  if (last == '\n') return true;
  const size_t n = text.size();
  return n >= 2 && InBarLine(text, n - 2) && !InBarLine(text, n - 1);
}

FormClock AdvanceFormClock(std::string_view text, const FormClock& before) {
  if (!FormClockMoves(text)) return before;
  // A newline completes what is before it (and a K: line); any other symbol is left out: it
  // begins what the bar line before it is followed by.
  const bool newline = text.back() == '\n';
  return Measure(newline ? text : text.substr(0, text.size() - 1));
}

std::vector<FormClock> FormClockOfSymbols(const std::vector<std::string>& symbols) {
  std::vector<FormClock> out;
  out.reserve(symbols.size() + 1);
  out.push_back(HeaderClock());
  std::string text;
  for (const auto& s : symbols) {
    text += s;
    out.push_back(AdvanceFormClock(text, out.back()));
  }
  return out;
}

}  // namespace abcrnn::abc
