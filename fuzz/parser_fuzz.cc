// libFuzzer target for the ABC parser: any bytes, parsed as a whole file, as one tune and as an
// unfinished tune (prefix mode), with every diagnostic formatted. Built with -DABCRNN_FUZZ=ON
// under clang with AddressSanitizer and UndefinedBehaviorSanitizer (see fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "abcrnn/abc/check.h"
#include "abcrnn/abc/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace abcrnn::abc;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseOptions options;
  options.file_name = "fuzz.abc";
  AbcFile file = ParseAbcFile(text, options);
  size_t total = 0;
  for (const Tune& tune : file.tunes) {
    for (const Diagnostic& d : tune.diagnostics) total += d.ToString().size();
    for (const Voice& v : tune.voices) total += SplitBars(v).size();
  }
  ParseOptions prefix = options;
  prefix.prefix = true;
  Tune tune = ParseTune(text, prefix);
  total += tune.diagnostics.size();
  return total == static_cast<size_t>(-1) ? 1 : 0;
}
