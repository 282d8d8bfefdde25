// How the fast engine holds its weights (generate --precision): float32, PyTorch's numbers, or a
// reduced precision that streams fewer bytes per step for the memory-bound one-tune case.
#pragma once

#include <string>

namespace abcrnn {

enum class WeightPrecision {
  kFloat32,  // the checkpoint's weights (the default: logits within 1e-4 of PyTorch's)
  kBf16,     // recurrent and head matrices rounded to bfloat16: half the bytes
  kInt8,     // recurrent matrices as int8 times a float scale per output row: a quarter of the
             // bytes; the head stays float32
};

// "float32", "bf16", "int8".
const char* PrecisionName(WeightPrecision precision);
// The precision named `name`; false for a name that is none.
bool ParsePrecision(const std::string& name, WeightPrecision* precision);

}  // namespace abcrnn
