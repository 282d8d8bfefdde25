// SplitMusicalUnits: a small scanner over training-form text. It never fails: a character it has
// no rule for is a unit by itself, so the units always concatenate back to the text.
#include "abcrnn/vocab/tokenizer.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace abcrnn {
namespace {

bool In(char c, const char* set) { return c != 0 && std::strchr(set, c) != nullptr; }
bool Digit(char c) { return c >= '0' && c <= '9'; }

// Length of the UTF-8 character at s[i] (1 for a byte that starts none: the vocabulary reads it
// as Latin-1, one character).
size_t CharLength(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

// The unit of music starting at s[i] (not a newline): its length in bytes.
size_t MusicUnit(std::string_view s, size_t i) {
  const size_t n = s.size();
  size_t j = i;
  auto at = [&](size_t k) { return k < n ? s[k] : '\0'; };
  // A note or rest: accidentals, letter, octave marks, length ("^^c'3/2", "z2", "A//").
  while (In(at(j), "^_=")) ++j;
  if (In(at(j), "ABCDEFGabcdefgzxZX")) {
    const bool note = !In(at(j), "zxZX");
    ++j;
    if (note)
      while (In(at(j), ",'")) ++j;
    while (Digit(at(j))) ++j;
    while (at(j) == '/') {
      ++j;
      while (Digit(at(j))) ++j;
    }
    return j - i;
  }
  if (j > i) return j - i;  // accidentals alone
  const char c = s[i];
  // A bar line: a run of '|' and ':', with '[' before or ']' after a '|', and an ending number
  // ("|", "||", "|]", "[|", "|:", ":|", "::", ":|2", "|1", "[2").
  if (c == '|' || c == ':' || (c == '[' && (at(i + 1) == '|' || Digit(at(i + 1))))) {
    if (c == '[') ++j;
    while (In(at(j), "|:")) ++j;
    if (at(j) == ']' && j > i && s[j - 1] == '|') ++j;
    if ((s[j - 1] == '|' || s[j - 1] == '[') && Digit(at(j))) {
      while (Digit(at(j))) ++j;
      while (at(j) == ',' && Digit(at(j + 1))) {
        j += 2;
        while (Digit(at(j))) ++j;
      }
    }
    return j - i;
  }
  // A tuplet mark: "(3", "(3:2", "(3:2:3".
  if (c == '(' && Digit(at(i + 1))) {
    j = i + 2;
    while (Digit(at(j))) ++j;
    for (int k = 0; k < 2 && at(j) == ':'; ++k) {
      ++j;
      while (Digit(at(j))) ++j;
    }
    return j - i;
  }
  // A broken rhythm: ">", ">>", "<".
  if (c == '>' || c == '<') {
    while (at(j) == c) ++j;
    return j - i;
  }
  // An inline field "[K:G]", a chord symbol or annotation "\"Am\"", a decoration "!trill!": whole,
  // when closed on the same line.
  const char close = c == '[' && std::isalpha(static_cast<unsigned char>(at(i + 1))) && at(i + 2) == ':' ? ']'
                     : c == '"' ? '"'
                     : c == '!' ? '!'
                                : '\0';
  if (close != '\0') {
    const size_t end = s.find_first_of(std::string{close, '\n'}, i + 1);
    if (end != std::string_view::npos && s[end] == close) return end + 1 - i;
  }
  return CharLength(s, i);
}

}  // namespace

std::vector<std::string> SplitMusicalUnits(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t line_end = std::min(text.find('\n', i), text.size());
    // A field line ("K:D", "N:form 8+8 AABB", a key change in the music): one unit.
    const bool field = line_end - i >= 2 && std::isalpha(static_cast<unsigned char>(text[i])) && text[i + 1] == ':';
    if (field) {
      out.emplace_back(text.substr(i, line_end - i));
      i = line_end;
    }
    while (i < line_end) {
      const size_t len = MusicUnit(text.substr(0, line_end), i);
      out.emplace_back(text.substr(i, len));
      i += len;
    }
    if (i < text.size()) {  // the newline
      out.emplace_back("\n");
      ++i;
    }
  }
  return out;
}

}  // namespace abcrnn
