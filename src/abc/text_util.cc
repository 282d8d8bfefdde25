// Text helpers for the ABC code (see text_util.h).
#include "abc/text_util.h"

namespace abcrnn::abc {

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

std::string_view StripComment(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && (i == 0 || s[i - 1] != '\\')) return s.substr(0, i);
  }
  return s;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else
      return false;
    for (int k = 1; k <= extra; ++k) {
      if (i + k >= n) return false;
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

bool ParseSmallInt(std::string_view s, size_t* i, int64_t* value, bool* overflow) {
  size_t j = *i;
  if (j >= s.size() || !IsDigit(s[j])) return false;
  int64_t v = 0;
  int digits = 0;
  while (j < s.size() && IsDigit(s[j])) {
    if (digits < 9) {
      v = v * 10 + (s[j] - '0');
    } else if (overflow) {
      *overflow = true;
    }
    ++digits;
    ++j;
  }
  *i = j;
  *value = v;
  return true;
}

size_t MusicStart(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) return std::string_view::npos;
    if (text.compare(start, 2, "K:") == 0) return end + 1;
    start = end + 1;
  }
  return std::string_view::npos;
}

}  // namespace abcrnn::abc
