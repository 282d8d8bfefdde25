// Meter (M:), unit length (L:) and tempo (Q:) values, and the standard's default unit length.
#include "abcrnn/abc/meter.h"

#include "abc/text_util.h"

namespace abcrnn::abc {
namespace {

// "a/b" or "a" at the whole of `s` → fraction; false otherwise. Numbers up to 9 digits.
bool ParseFractionText(std::string_view s, Fraction* out) {
  s = Trim(s);
  size_t i = 0;
  int64_t num = 0, den = 1;
  bool overflow = false;
  if (!ParseSmallInt(s, &i, &num, &overflow)) return false;
  if (i < s.size() && s[i] == '/') {
    ++i;
    if (!ParseSmallInt(s, &i, &den, &overflow)) return false;
  }
  if (i != s.size() || overflow || den == 0) return false;
  *out = Fraction(num, den);
  return true;
}

}  // namespace

Fraction Meter::BarLength() const {
  if (kind == Kind::kNone || denominator <= 0) return Fraction(0);
  int64_t sum = 0;
  for (int n : numerators) sum += n;
  return Fraction(sum, denominator);
}

Result<Meter> ParseMeter(std::string_view value) {
  Meter m;
  std::string_view v = Trim(value);
  m.text = std::string(v);
  auto bad = [&] {
    return Status::InvalidArgument("expected a meter such as 6/8, C, C| or none, got '" +
                                   std::string(v) + "'");
  };
  if (v.empty() || ToLowerAscii(v) == "none") return m;
  if (v == "C") {
    m.kind = Meter::Kind::kCommon;
    m.numerators = {4};
    m.denominator = 4;
    return m;
  }
  if (v == "C|") {
    m.kind = Meter::Kind::kCut;
    m.numerators = {2};
    m.denominator = 2;
    return m;
  }
  // (2+3)/8, 2+3/8, 6/8
  size_t i = 0;
  bool paren = false;
  if (v[i] == '(') {
    paren = true;
    ++i;
  }
  bool overflow = false;
  while (true) {
    while (i < v.size() && v[i] == ' ') ++i;
    int64_t n = 0;
    if (!ParseSmallInt(v, &i, &n, &overflow)) return bad();
    if (n <= 0 || n > 64) return bad();
    m.numerators.push_back(static_cast<int>(n));
    while (i < v.size() && v[i] == ' ') ++i;
    if (i < v.size() && v[i] == '+') {
      ++i;
      continue;
    }
    break;
  }
  if (paren) {
    if (i >= v.size() || v[i] != ')') return bad();
    ++i;
  }
  while (i < v.size() && v[i] == ' ') ++i;
  if (i >= v.size() || v[i] != '/') return bad();
  ++i;
  while (i < v.size() && v[i] == ' ') ++i;
  int64_t d = 0;
  if (!ParseSmallInt(v, &i, &d, &overflow)) return bad();
  if (i != v.size() || overflow || d <= 0 || d > 128) return bad();
  m.kind = Meter::Kind::kNumeric;
  m.denominator = static_cast<int>(d);
  return m;
}

Result<Fraction> ParseUnitLength(std::string_view value) {
  Fraction f;
  std::string_view v = Trim(value);
  if (!ParseFractionText(v, &f) || !f.is_positive() || f > Fraction(16) || f < Fraction(1, 1024)) {
    return Status::InvalidArgument("expected a unit length such as 1/8 or 1/16, got '" +
                                   std::string(v) + "'");
  }
  // abc2midi: "Missing /" and "Default length must be 1/X"; abcm2ps: "Bad unit note length".
  const size_t slash = v.find('/');
  if (slash == std::string_view::npos || Trim(v.substr(0, slash)) != "1") {
    return Status::InvalidArgument("expected a unit length written 1/X (1/8, 1/16), got '" + std::string(v) + "'");
  }
  if ((f.den() & (f.den() - 1)) != 0) {
    // abc2midi: "is not a power of 2"; abcm2ps: "Incorrect unit note length".
    return Status::InvalidArgument("expected a unit length whose denominator is a power of two (1/8, 1/16), got '" +
                                   std::string(v) + "'");
  }
  return f;
}

Fraction DefaultUnitLength(const Meter& meter) {
  if (!meter.has_bars()) return Fraction(1, 8);
  return meter.BarLength() < Fraction(3, 4) ? Fraction(1, 16) : Fraction(1, 8);
}

Result<Tempo> ParseTempo(std::string_view value, Fraction unit_length) {
  Tempo t;
  std::string_view v = Trim(value);
  t.text = std::string(v);
  t.present = true;
  auto bad = [&] {
    return Status::InvalidArgument(
        "expected a tempo such as 1/4=120 or \"Allegro\" 1/4=120, got '" + std::string(v) + "'");
  };
  // Drop quoted text.
  std::string rest;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '"') {
      size_t j = v.find('"', i + 1);
      if (j == std::string_view::npos) return bad();
      i = j;
      rest.push_back(' ');
    } else {
      rest.push_back(v[i]);
    }
  }
  std::string_view r = Trim(rest);
  if (r.empty()) return t;
  size_t eq = r.find('=');
  int64_t bpm = 0;
  bool overflow = false;
  if (eq == std::string_view::npos) {
    size_t i = 0;
    if (!ParseSmallInt(r, &i, &bpm, &overflow) || i != r.size()) return bad();
    t.beat = unit_length;
  } else {
    std::string_view lhs = Trim(r.substr(0, eq));
    std::string_view rhs = Trim(r.substr(eq + 1));
    size_t i = 0;
    if (!ParseSmallInt(rhs, &i, &bpm, &overflow) || i != rhs.size()) return bad();
    Fraction beat(0);
    if (!lhs.empty() && lhs[0] == 'C') {  // old "C=120": crotchet; "C2" etc.
      beat = Fraction(1, 4);
    } else {
      for (std::string_view w : SplitWords(lhs)) {
        Fraction f;
        if (!ParseFractionText(w, &f) || !f.is_positive()) return bad();
        beat += f;
      }
    }
    if (!beat.is_positive()) return bad();
    t.beat = beat;
  }
  if (overflow || bpm <= 0 || bpm > 10000) return bad();
  t.bpm = static_cast<int>(bpm);
  return t;
}

bool HornpipeMeterPlayed(const Meter& m) {
  int beats = 0;
  for (int k : m.numerators) beats += k;
  return m.kind == Meter::Kind::kNone || m.kind == Meter::Kind::kCommon ||
         (m.kind == Meter::Kind::kNumeric && m.denominator == 4 && (beats == 4 || beats == 2));
}

}  // namespace abcrnn::abc
