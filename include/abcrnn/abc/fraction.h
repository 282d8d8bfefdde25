// Exact rationals for ABC durations (whole notes) and written lengths (multiples of L:).
// Always normalised (gcd 1, positive denominator). Arithmetic is exact in 128-bit intermediates;
// a result whose numerator or denominator leaves +-2^62 becomes the invalid value (denominator 0),
// which every later operation keeps, so absurd input never overflows: callers test valid().
#pragma once

#include <cstdint>
#include <string>

namespace abcrnn::abc {

class Fraction {
 public:
  static constexpr int64_t kLimit = int64_t{1} << 62;  // |num|, den stay below this

  constexpr Fraction() = default;  // 0
  Fraction(int64_t num, int64_t den = 1) { Set(num, den); }  // NOLINT: implicit from integers
  // The invalid value (overflow, division by zero).
  static Fraction Invalid() { Fraction f; f.num_ = 0; f.den_ = 0; return f; }

  int64_t num() const { return num_; }
  int64_t den() const { return den_; }
  bool valid() const { return den_ != 0; }
  bool is_zero() const { return valid() && num_ == 0; }
  bool is_positive() const { return valid() && num_ > 0; }
  double ToDouble() const { return valid() ? double(num_) / double(den_) : 0.0; }

  // "3/8", "2" (integers without denominator), "-1/4", "invalid".
  std::string ToString() const;

  friend Fraction operator+(const Fraction& a, const Fraction& b);
  friend Fraction operator-(const Fraction& a, const Fraction& b);
  friend Fraction operator*(const Fraction& a, const Fraction& b);
  friend Fraction operator/(const Fraction& a, const Fraction& b);
  Fraction operator-() const { return valid() ? Make(-__int128(num_), den_) : Invalid(); }
  Fraction& operator+=(const Fraction& b) { return *this = *this + b; }
  Fraction& operator-=(const Fraction& b) { return *this = *this - b; }
  Fraction& operator*=(const Fraction& b) { return *this = *this * b; }
  Fraction& operator/=(const Fraction& b) { return *this = *this / b; }

  // Equality is exact (invalid == invalid). Ordering between valid values only; an invalid
  // value orders after every valid one.
  friend bool operator==(const Fraction& a, const Fraction& b) {
    return a.num_ == b.num_ && a.den_ == b.den_;
  }
  friend bool operator!=(const Fraction& a, const Fraction& b) { return !(a == b); }
  friend bool operator<(const Fraction& a, const Fraction& b);
  friend bool operator>(const Fraction& a, const Fraction& b) { return b < a; }
  friend bool operator<=(const Fraction& a, const Fraction& b) { return !(b < a); }
  friend bool operator>=(const Fraction& a, const Fraction& b) { return !(a < b); }

 private:
  static Fraction Make(__int128 num, __int128 den);
  void Set(int64_t num, int64_t den) { *this = Make(num, den); }
  int64_t num_ = 0;
  int64_t den_ = 1;
};

}  // namespace abcrnn::abc
