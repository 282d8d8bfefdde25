// CRC-32 by folding 64 bytes at a time with carry-less multiplication where the CPU has PCLMULQDQ
// (Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ", as zlib in Chromium
// does it), else by "slicing by 8" (eight tables, eight bytes per step; zlib's method); beside the
// plain bit-by-bit definition both are tested against. The tables are built once, at compile time.
// The folding exists on x86 only; elsewhere the tables do all of it.
#include "ckpt/crc32.h"

#include "util/arch.h"

#include <array>
#include <cstring>

namespace abcrnn {
namespace {

constexpr uint32_t kPoly = 0xEDB88320u;

// kTables[0] is the classic byte table; kTables[k][i] is byte i followed by k zero bytes.
constexpr std::array<std::array<uint32_t, 256>, 8> MakeTables() {
  std::array<std::array<uint32_t, 256>, 8> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? kPoly ^ (c >> 1) : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i)
    for (int k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
  return t;
}
constexpr std::array<std::array<uint32_t, 256>, 8> kTables = MakeTables();

#if ABCRNN_X86
__attribute__((target("pclmul,sse4.1"))) inline __m128i Load(const unsigned char* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
// x.lo * k.lo ^ x.hi * k.hi (carry-less): x moved forward by the distance k stands for.
__attribute__((target("pclmul,sse4.1"))) inline __m128i Fold(__m128i x, __m128i k) {
  return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

// The running (inverted) CRC state after `len` bytes, len >= 64 and a multiple of 16: four lanes of
// 128 bits folded forward 64 bytes at a time, then into one, then reduced (Barrett) to 32 bits.
// The constants are x^k mod P for the reflected polynomial, from the paper.
__attribute__((target("pclmul,sse4.1"))) uint32_t FoldPclmul(const unsigned char* buf, size_t len, uint32_t state) {
  const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
  const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
  const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124);
  const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
  __m128i x1 = _mm_xor_si128(Load(buf), _mm_cvtsi32_si128(static_cast<int>(state)));
  __m128i x2 = Load(buf + 16), x3 = Load(buf + 32), x4 = Load(buf + 48);
  buf += 64;
  len -= 64;
  for (; len >= 64; buf += 64, len -= 64) {
    x1 = _mm_xor_si128(Fold(x1, k1k2), Load(buf));
    x2 = _mm_xor_si128(Fold(x2, k1k2), Load(buf + 16));
    x3 = _mm_xor_si128(Fold(x3, k1k2), Load(buf + 32));
    x4 = _mm_xor_si128(Fold(x4, k1k2), Load(buf + 48));
  }
  x1 = _mm_xor_si128(Fold(x1, k3k4), x2);
  x1 = _mm_xor_si128(Fold(x1, k3k4), x3);
  x1 = _mm_xor_si128(Fold(x1, k3k4), x4);
  for (; len >= 16; buf += 16, len -= 16) x1 = _mm_xor_si128(Fold(x1, k3k4), Load(buf));
  // 128 bits to 64.
  const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);
  x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), _mm_clmulepi64_si128(x1, k3k4, 0x10));
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, low32), k5k0, 0x00), _mm_srli_si128(x1, 4));
  // Barrett reduction to 32 bits.
  __m128i t = _mm_clmulepi64_si128(_mm_and_si128(x1, low32), poly, 0x10);
  t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), poly, 0x00);
  return static_cast<uint32_t>(_mm_extract_epi32(_mm_xor_si128(x1, t), 1));
}
#endif  // ABCRNN_X86

}  // namespace

bool CpuHasPclmul() {
#if ABCRNN_X86
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
#else
  return false;
#endif
}

uint32_t Crc32(const void* data, size_t n, uint32_t crc) {
  return Crc32Using(data, n, crc, CpuHasPclmul());
}

uint32_t Crc32Using(const void* data, size_t n, uint32_t crc, bool pclmul) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "slicing by 8 reads little-endian words");
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
#if ABCRNN_X86
  if (pclmul && n >= 64) {
    const size_t whole = n & ~size_t{15};
    crc = FoldPclmul(p, whole, crc);
    p += whole;
    n -= whole;
  }
#else
  (void)pclmul;  // never true here (CpuHasPclmul)
#endif
  for (; n >= 8; n -= 8, p += 8) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= crc;
    crc = kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF] ^
          kTables[4][lo >> 24] ^ kTables[3][hi & 0xFF] ^ kTables[2][(hi >> 8) & 0xFF] ^
          kTables[1][(hi >> 16) & 0xFF] ^ kTables[0][hi >> 24];
  }
  for (; n > 0; --n, ++p) crc = kTables[0][(crc ^ *p) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint32_t Crc32Bitwise(const void* data, size_t n, uint32_t crc) {
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc & 1) ? kPoly ^ (crc >> 1) : crc >> 1;
  }
  return ~crc;
}

}  // namespace abcrnn
