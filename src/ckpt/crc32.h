// CRC-32 (the zlib / PNG polynomial, reflected 0xEDB88320) for checkpoint integrity checks.
#pragma once

#include <cstddef>
#include <cstdint>

namespace abcrnn {

// CRC of `n` bytes, continuing from `crc` (0 to start).
uint32_t Crc32(const void* data, size_t n, uint32_t crc = 0);
// The same by the definition, one bit at a time: the reference Crc32 is tested against.
uint32_t Crc32Bitwise(const void* data, size_t n, uint32_t crc = 0);

}  // namespace abcrnn
