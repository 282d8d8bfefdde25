// BreakLongLines: counts bar-line tokens along each music line and breaks long lines after them.
#include "abcrnn/abc/line_breaks.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

#include "abc/text_util.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/abc/tune.h"

namespace abcrnn::abc {
namespace {

// A music line longer than this many characters is broken even with few bars: abcm2ps cannot
// shrink it into a staff ("Line too much shrunk" at about 90 characters of sixteenths).
constexpr size_t kMaxDenseLine = 64;

bool IsFieldLine(std::string_view line) {
  return line.size() >= 2 && std::isalpha(static_cast<unsigned char>(line[0])) && line[1] == ':';
}

// Offsets just after each bar-line token of `line` where a break may go: after a run of '|' and
// ':' (with a ']' that closes "|]"), unless an ending number follows at once. Text inside quotes
// and inline fields ("[K:D]") is skipped.
std::vector<size_t> BreakPoints(std::string_view line) {
  std::vector<size_t> points;
  size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    if (c == '"') {
      const size_t close = line.find('"', i + 1);
      i = close == std::string_view::npos ? line.size() : close + 1;
      continue;
    }
    if (c == '[' && i + 2 < line.size() && std::isalpha(static_cast<unsigned char>(line[i + 1])) && line[i + 2] == ':') {
      const size_t close = line.find(']', i);
      i = close == std::string_view::npos ? line.size() : close + 1;
      continue;
    }
    if (c == '|' || (c == ':' && i + 1 < line.size() && (line[i + 1] == '|' || line[i + 1] == ':'))) {
      size_t j = i;
      bool bar = false;
      while (j < line.size() && (line[j] == '|' || line[j] == ':')) bar |= line[j++] == '|';
      if (j < line.size() && line[j] == ']' && line[j - 1] == '|') ++j;
      const bool ending_follows = j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]));
      if (bar && !ending_follows && j < line.size()) points.push_back(j);
      i = j;
      continue;
    }
    ++i;
  }
  return points;
}

}  // namespace

std::string BreakLongLines(const std::string& text, int bars_per_line, int max_bars) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  bool in_body = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool has_newline = end != std::string::npos;
    if (!has_newline) end = text.size();
    std::string_view line = std::string_view(text).substr(start, end - start);
    const bool field = IsFieldLine(line);
    if (!in_body || field || line.find('%') != std::string_view::npos || line.empty() || line.back() == '\\') {
      out += line;
    } else {
      const std::vector<size_t> points = BreakPoints(line);
      // The bars this line holds; a dense line (many short notes) is broken from 5 bars on.
      const int bars = static_cast<int>(points.size()) + 1;
      if (bars <= max_bars && !(bars > bars_per_line && line.size() > kMaxDenseLine)) {
        out += line;
      } else {
        // A piece that would start with a note letter and ':' ("f:|") would read as a field line
        // to abcm2ps: a space keeps the note and the repeat apart.
        auto put = [&out](std::string_view piece) {
          while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
          if (StartsLikeFieldLine(piece)) {
            out += piece.front();
            out += ' ';
            piece.remove_prefix(1);
          }
          out += piece;
        };
        size_t from = 0;
        for (size_t k = bars_per_line - 1; k < points.size(); k += bars_per_line) {
          put(line.substr(from, points[k] - from));
          out += '\n';
          from = points[k];
        }
        put(line.substr(from));
      }
    }
    if (field && line.compare(0, 2, "K:") == 0) in_body = true;
    if (has_newline) out += '\n';
    start = end + 1;
  }
  return out;
}

namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A line of notes and bars alone (continued with a "\\" or not), which may be joined to its
// neighbours. The parser reads a field after leading spaces (" M:3/4"), and "+:" continues one.
bool IsPlainMusicLine(std::string_view line) {
  const std::string_view t = Trimmed(line);
  return !t.empty() && !IsFieldLine(t) && t.rfind("+:", 0) != 0 && t.find('%') == std::string_view::npos &&
         t != "\\";
}

// A bar line of a joined line: where it starts and ends (bytes), the length of the bar it closes,
// whether it closes a part, opens a repeat, or carries an ending number (no break after it then).
struct BarMark {
  size_t begin = 0, end = 0;
  Fraction length, full;
  bool part_end = false, repeat_start = false, ending_follows = false;
};

// Every note's and rest's pitches, tie, onset and duration in the first voice, in order, with
// its bar lines, endings and fields.
std::vector<std::string> NoteTimes(const Tune& t) {
  std::vector<std::string> out;
  if (t.voices.empty()) return out;
  for (const Element& e : t.voices[0].elements) {
    std::string s;
    if (const Note* n = e.get_if<Note>()) {
      for (const Pitch& p : n->pitches) s += std::to_string(p.midi) + (p.tie ? "-," : ",");
      s += n->onset.ToString() + "+" + n->duration.ToString();
    } else if (const Rest* r = e.get_if<Rest>()) {
      s = "z" + r->onset.ToString() + "+" + r->duration.ToString();
    } else if (const BarLine* b = e.get_if<BarLine>()) {
      s = "bar " + b->text;
    } else if (const Ending* en = e.get_if<Ending>()) {
      s = "ending " + en->text;
    } else if (const FieldChange* f = e.get_if<FieldChange>()) {
      s = std::string("field ") + f->field.letter + ":" + f->field.value;
    } else {
      continue;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::string LayoutMusicLines(const std::string& text, int bars_per_line) {
  auto fallback = [&] { return BreakLongLines(text, bars_per_line, std::max(8, bars_per_line)); };
  const std::vector<std::string> lines = SplitLines(text);
  size_t body = 0;
  while (body < lines.size() && lines[body].compare(0, 2, "K:") != 0) ++body;
  if (body == lines.size()) return fallback();
  ++body;
  // Lyrics follow their music line by line, and voices are laid out together: left as they are.
  for (size_t i = body; i < lines.size(); ++i) {
    const std::string_view t = Trimmed(lines[i]);
    if (t.rfind("w:", 0) == 0 || t.rfind("W:", 0) == 0 || t.rfind("V:", 0) == 0 || t.find("[V:") != t.npos ||
        (IsPlainMusicLine(t) && t.find('&') != t.npos))
      return fallback();
  }
  std::vector<std::string> out(lines.begin(), lines.begin() + body);
  std::vector<bool> joined(out.size(), false);
  for (size_t i = body; i < lines.size();) {
    if (!IsPlainMusicLine(lines[i])) {
      out.push_back(lines[i++]);
      joined.push_back(false);
      continue;
    }
    std::string run;
    bool continued = false;  // the last line ended in "\\"
    for (; i < lines.size() && IsPlainMusicLine(lines[i]); ++i) {
      std::string_view next = Trimmed(lines[i]);
      // A space ends a beam group, as the line end did, and keeps the tokens on either side apart
      // (after a "\\" too). After a bar line none is needed, unless the next line starts with
      // another ("|" + "|" would read "||") or a number (an ending).
      const bool after_bar = !run.empty() && (run.back() == '|' || run.back() == ':') &&
                             std::string_view("|:[]0123456789").find(next.front()) == std::string_view::npos;
      if (!run.empty() && !after_bar) run += ' ';
      continued = next.back() == '\\';
      if (continued) next = Trimmed(next.substr(0, next.size() - 1));
      run += next;
    }
    if (continued) run += '\\';  // continued into a line that is not music: left so
    out.push_back(run);
    joined.push_back(true);
  }
  std::string joined_text;
  for (const std::string& l : out) joined_text += l + "\n";
  const Tune tune = ParseTune(joined_text);
  if (tune.voices.size() != 1) return fallback();

  // The bar lines of each joined line, with the length of the bar each closes.
  std::vector<std::vector<BarMark>> marks(out.size());
  const Voice& voice = tune.voices[0];
  Fraction now(0), bar_start(0);
  for (size_t k = 0; k < voice.elements.size(); ++k) {
    const Element& e = voice.elements[k];
    if (const Note* n = e.get_if<Note>()) now = n->onset + n->duration;
    if (const Rest* r = e.get_if<Rest>()) now = r->onset + r->duration;
    const size_t line = static_cast<size_t>(e.pos.line - 1);  // lines count from 1, from the text's start
    if (const Ending* en = e.get_if<Ending>()) {
      if (en->attached && line < marks.size() && !marks[line].empty()) marks[line].back().ending_follows = true;
      continue;
    }
    const BarLine* b = e.get_if<BarLine>();
    if (b == nullptr) continue;
    if (line >= out.size() || !joined[line]) {
      bar_start = now;
      continue;
    }
    BarMark m;
    m.begin = static_cast<size_t>(e.pos.column - 1);  // columns count from 1
    m.end = out[line].find(b->text, m.begin);
    if (m.end != m.begin) return fallback();  // the parser placed it elsewhere
    m.end += b->text.size();
    if (m.end < out[line].size() && out[line][m.end] == ']' && b->text.back() == '|') ++m.end;
    m.length = now - bar_start;
    m.full = StateAt(voice, k).meter.BarLength();
    m.part_end = b->repeat_end || b->kind == BarKind::kDouble || b->kind == BarKind::kFinal;
    m.repeat_start = b->repeat_start && !b->repeat_end;
    marks[line].push_back(m);
    bar_start = now;
  }

  std::string result;
  auto put = [&result](std::string_view piece) {
    piece = Trimmed(piece);
    if (piece.empty()) return;
    // "f:|" at the start of a line would read as an "f:" field: a space keeps them apart.
    if (StartsLikeFieldLine(piece)) {
      result += piece.front();
      result += ' ';
      piece.remove_prefix(1);
    }
    result += piece;
    result += '\n';
  };
  bool part_start = true;  // the next bar opens a part (or the tune): it may be an upbeat
  for (size_t i = 0; i < out.size(); ++i) {
    if (!joined[i]) {
      result += out[i] + "\n";
      continue;
    }
    const std::string_view line = out[i];
    size_t from = 0;
    int bars = 0;  // full bars on the line being made
    const std::vector<BarMark>& ms = marks[i];
    // Full bars from mark k to the end of its part (or of the line): a last bar alone is not
    // given a line of its own.
    auto bars_left = [&ms](size_t k) {
      int n = 0;
      for (; k < ms.size(); ++k) {
        n += ms[k].length > Fraction(0) ? 1 : 0;
        if (ms[k].part_end) break;
      }
      return n;
    };
    for (size_t k = 0; k < ms.size(); ++k) {
      const BarMark& m = ms[k];
      const bool upbeat = bars == 0 && part_start && m.full > Fraction(0) && m.length < m.full;
      if (m.length > Fraction(0) && !upbeat) ++bars;
      if (m.length > Fraction(0)) part_start = false;
      // A |: after another bar line ("|| |:") starts the next line; one right after a note ends
      // its bar and stays where it is (a line must not end inside a bar).
      if (m.repeat_start && bars > 0 && m.length == Fraction(0) && m.begin > from) {
        put(line.substr(from, m.begin - from));
        from = m.begin;
        bars = 0;
        part_start = true;
        continue;
      }
      if (m.part_end) part_start = true;
      if (m.ending_follows || m.end >= line.size()) continue;
      if (m.part_end || (bars >= bars_per_line && bars_left(k + 1) > 1)) {
        put(line.substr(from, m.end - from));
        from = m.end;
        bars = 0;
      }
    }
    put(line.substr(from));
  }
  if (!text.empty() && text.back() != '\n' && !result.empty()) result.pop_back();
  // The same notes at the same times, or the source's layout: a source that breaks a line inside
  // a note or chord ("[f3a" / "3]") reads differently once joined.
  if (NoteTimes(ParseTune(result)) != NoteTimes(ParseTune(text))) return fallback();
  return result;
}

}  // namespace abcrnn::abc
