// The metrics' and the n-gram baseline's random generator is the sampler's: xoshiro256** seeded
// through splitmix64 (infer/sampler.h), so the same seed gives the same numbers on every platform
// and there is one implementation to trust.
#pragma once

#include "abcrnn/infer/sampler.h"

namespace abcrnn::eval {

using Rng = ::abcrnn::Rng;

}  // namespace abcrnn::eval
