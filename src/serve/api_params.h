// The API's input checks (doc/serve-api.md): a generate request's JSON body, and the numbers in a
// query string, each bounded; InvalidArgument says which field, what was expected and what came.
#pragma once

#include <string>

#include "abcrnn/serve/server.h"
#include "abcrnn/util/status.h"

namespace abcrnn::serve {

constexpr int kMaxTunes = 8;              // tunes per generate request
constexpr size_t kMaxPrimeBytes = 1000;   // the prime, in bytes
constexpr size_t kMaxControlBytes = 40;   // each control's value
constexpr double kMinTemperature = 0.05, kMaxTemperature = 2.0;
constexpr size_t kMaxBodyBytes = 16 * 1024;  // a request body

// The body of POST /api/generate: a JSON object with only the fields of GenerateParams (and
// "seed" absent: `fresh_seed` is used). InvalidArgument for malformed JSON, an unknown field, a
// wrong type, a value out of range, or a prime or control with characters other than printable
// ASCII (and newlines in the prime).
Result<GenerateParams> ParseGenerateParams(const std::string& body, uint64_t fresh_seed);

constexpr size_t kMaxAbcBytes = 8000;  // an edited tune to render

// The body of POST /api/render: {"abc": text, "format": "wav"|"mid"|"svg", "tempo": 30..300,
// "program": 1..128}; tempo and program may be absent (120, 41). InvalidArgument as above; the
// ABC may hold UTF-8 (titles) but no control characters other than newlines and tabs.
struct RenderParams {
  std::string abc;
  std::string format;
  int tempo = 120;
  int program = 41;
};
Result<RenderParams> ParseRenderParams(const std::string& body);

// An integer query parameter: `fallback` when empty, else a whole number in [lo, hi].
Result<int> ParseBoundedInt(const std::string& name, const std::string& text, int fallback, int lo, int hi);

}  // namespace abcrnn::serve
