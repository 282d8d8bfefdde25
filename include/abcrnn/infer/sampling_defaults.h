// The sampling a model recommends for itself, recorded in its checkpoint (metadata "generation",
// as Hugging Face's generation_config.json beside a model's weights): the temperature, top-k and
// top-p that `abcrnn generate` and `abcrnn serve` use when the request names none. A model that
// fits its data more closely is sharper, and the temperature its tunes sound best at moves with it
// (models/README.md measures one at 0.95 where the shipped model was tuned at 0.9). No LibTorch.
#pragma once

#include <string>

#include "abcrnn/util/status.h"

namespace abcrnn {

struct SamplingDefaults {
  // A checkpoint without a "generation" record gets these, so older models draw as they always
  // have. 0.9 by measurement on the first shipped models: with the match model it ends tunes on
  // the tonic as often as real ones and keeps their style overlaps (models/README.md).
  double temperature = 0.9;
  int top_k = 0;       // 0: no limit
  double top_p = 1.0;  // 1: no limit
};

// InvalidArgument naming the field unless temperature >= 0 (finite), top_k >= 0 and 0 < top_p <= 1.
Status CheckSampling(const SamplingDefaults& s);

// The "generation" record from its JSON text: fields it leaves out keep the defaults above.
// InvalidArgument when it is malformed or out of range.
Result<SamplingDefaults> SamplingDefaultsFromJson(const std::string& record_json);

// The checkpoint's recommendation from its metadata JSON text (the "generation" object): the
// defaults above for a checkpoint without one, and for a field it leaves out. InvalidArgument when
// the metadata is not JSON or the record is malformed or out of range.
Result<SamplingDefaults> SamplingDefaultsOfMetadata(const std::string& metadata_json);

// `metadata_json` with its "generation" record set to `s` (the other keys kept as they are).
// REQUIRES: metadata_json is a JSON object's text and CheckSampling(s).ok().
std::string WithSamplingDefaults(const std::string& metadata_json, const SamplingDefaults& s);

}  // namespace abcrnn
