// Fraction arithmetic: exact, in 128-bit intermediates, normalised after every operation; a
// result outside +-2^62 becomes the invalid value (see fraction.h).
#include "abcrnn/abc/fraction.h"

#include <algorithm>
#include <utility>

namespace abcrnn::abc {
namespace {

__int128 Gcd(__int128 a, __int128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    __int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

}  // namespace

Fraction Fraction::Make(__int128 num, __int128 den) {
  if (den == 0) return Invalid();
  // Fast path: both parts fit in 64 bits (almost always), so the gcd runs on int64.
  constexpr __int128 k64 = __int128(1) << 62;
  if (num > -k64 && num < k64 && den > -k64 && den < k64) {
    int64_t n = static_cast<int64_t>(num), d = static_cast<int64_t>(den);
    if (d < 0) {
      n = -n;
      d = -d;
    }
    Fraction f;
    if (d == 1 || n == 0) {
      f.num_ = n;
      f.den_ = n == 0 ? 1 : d;
      return f;
    }
    // A power-of-two denominator (1/8, 3/16: most lengths in ABC): the gcd is the common power of two.
    if ((d & (d - 1)) == 0) {
      const int shift = std::min(__builtin_ctzll(static_cast<uint64_t>(n)), __builtin_ctzll(static_cast<uint64_t>(d)));
      f.num_ = n >> shift;
      f.den_ = d >> shift;
      return f;
    }
    // Binary gcd: no divisions in the loop.
    uint64_t a = static_cast<uint64_t>(n < 0 ? -n : n), b = static_cast<uint64_t>(d);
    int shift = __builtin_ctzll(a | b);
    a >>= __builtin_ctzll(a);
    while (b != 0) {
      b >>= __builtin_ctzll(b);
      if (a > b) std::swap(a, b);
      b -= a;
    }
    int64_t g = static_cast<int64_t>(a << shift);
    f.num_ = g > 1 ? n / g : n;
    f.den_ = g > 1 ? d / g : d;
    return f;
  }
  if (den < 0) {
    num = -num;
    den = -den;
  }
  __int128 g = Gcd(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  if (num >= kLimit || num <= -kLimit || den >= kLimit) return Invalid();
  Fraction f;
  f.num_ = static_cast<int64_t>(num);
  f.den_ = static_cast<int64_t>(den);
  return f;
}

Fraction operator+(const Fraction& a, const Fraction& b) {
  if (!a.valid() || !b.valid()) return Fraction::Invalid();
  if (a.den_ == b.den_) return Fraction::Make(__int128(a.num_) + b.num_, a.den_);
  return Fraction::Make(__int128(a.num_) * b.den_ + __int128(b.num_) * a.den_,
                        __int128(a.den_) * b.den_);
}

Fraction operator-(const Fraction& a, const Fraction& b) { return a + (-b); }

Fraction operator*(const Fraction& a, const Fraction& b) {
  if (!a.valid() || !b.valid()) return Fraction::Invalid();
  return Fraction::Make(__int128(a.num_) * b.num_, __int128(a.den_) * b.den_);
}

Fraction operator/(const Fraction& a, const Fraction& b) {
  if (!a.valid() || !b.valid() || b.num_ == 0) return Fraction::Invalid();
  return Fraction::Make(__int128(a.num_) * b.den_, __int128(a.den_) * b.num_);
}

bool operator<(const Fraction& a, const Fraction& b) {
  if (!a.valid()) return false;
  if (!b.valid()) return true;
  return __int128(a.num_) * b.den_ < __int128(b.num_) * a.den_;
}

std::string Fraction::ToString() const {
  if (!valid()) return "invalid";
  if (den_ == 1) return std::to_string(num_);
  return std::to_string(num_) + "/" + std::to_string(den_);
}

}  // namespace abcrnn::abc
