// CRC-32 (the zlib / PNG polynomial, reflected 0xEDB88320) for checkpoint integrity checks.
#pragma once

#include <cstddef>
#include <cstdint>

namespace abcrnn {

// CRC of `n` bytes, continuing from `crc` (0 to start): folded with PCLMULQDQ where the CPU has it.
uint32_t Crc32(const void* data, size_t n, uint32_t crc = 0);
// The same with the tables alone (`pclmul` false), or folding the whole 16-byte blocks of 64 bytes or
// more first (`pclmul` true; REQUIRES: CpuHasPclmul()).
uint32_t Crc32Using(const void* data, size_t n, uint32_t crc, bool pclmul);
// Whether the CPU has PCLMULQDQ and SSE4.1.
bool CpuHasPclmul();
// The same by the definition, one bit at a time: the reference both paths are tested against.
uint32_t Crc32Bitwise(const void* data, size_t n, uint32_t crc = 0);

}  // namespace abcrnn
