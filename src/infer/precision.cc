// Names of the fast engine's weight precisions (abcrnn/infer/precision.h).
#include "abcrnn/infer/precision.h"

namespace abcrnn {

const char* PrecisionName(WeightPrecision precision) {
  switch (precision) {
    case WeightPrecision::kBf16: return "bf16";
    case WeightPrecision::kInt8: return "int8";
    case WeightPrecision::kFloat32: break;
  }
  return "float32";
}

bool ParsePrecision(const std::string& name, WeightPrecision* precision) {
  for (WeightPrecision p : {WeightPrecision::kFloat32, WeightPrecision::kBf16, WeightPrecision::kInt8}) {
    if (name != PrecisionName(p)) continue;
    *precision = p;
    return true;
  }
  return false;
}

}  // namespace abcrnn
