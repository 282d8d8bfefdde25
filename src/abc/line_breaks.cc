// BreakLongLines: counts bar-line tokens along each music line and breaks long lines after them.
#include "abcrnn/abc/line_breaks.h"

#include <cctype>
#include <string_view>
#include <vector>

#include "abc/text_util.h"

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

}  // namespace abcrnn::abc
