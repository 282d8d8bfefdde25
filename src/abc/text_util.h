// Small text helpers for the ABC code: trimming, ASCII case, splitting into words, UTF-8
// validation and the Latin-1 fallback. Internal to src/abc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace abcrnn::abc {

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsNoteLetter(char c) { return (c >= 'A' && c <= 'G') || (c >= 'a' && c <= 'g'); }
// A music line that begins with a note letter and ':' ("f:|"): abcm2ps reads such a line as a
// field line ("tune info 'f:' not treated"), so the checker refuses it and writers avoid it.
inline bool StartsLikeFieldLine(std::string_view line) {
  return line.size() >= 2 && line[1] == ':' && IsNoteLetter(line[0]);
}

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

inline std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Words separated by white space.
std::vector<std::string_view> SplitWords(std::string_view s);

// Removes a trailing "% comment" (a '%' not preceded by a backslash).
std::string_view StripComment(std::string_view s);

bool IsValidUtf8(std::string_view s);

// In a tune in training form: where the music starts, just after the first complete "K:" line
// (newline included); npos while the header is not over.
size_t MusicStart(std::string_view text);
// Every byte as a Latin-1 code point, encoded in UTF-8.
std::string Latin1ToUtf8(std::string_view s);

// Parses a decimal integer of at most 9 digits at s[*i]; advances *i. False (no advance) when no
// digit is there; *overflow set when more digits follow (value then saturates).
bool ParseSmallInt(std::string_view s, size_t* i, int64_t* value, bool* overflow);

}  // namespace abcrnn::abc
