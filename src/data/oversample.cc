// ParseOversample and TuneRepeats: the --oversample option's rules.
#include "abcrnn/data/oversample.h"

#include <algorithm>
#include <charconv>

#include "abcrnn/abc/controls.h"

namespace abcrnn {

Result<std::map<std::string, int>> ParseOversample(const std::vector<std::string>& specs) {
  std::map<std::string, int> times;
  for (const std::string& spec : specs) {
    const size_t eq = spec.rfind('=');
    const std::string type = spec.substr(0, eq == std::string::npos ? spec.size() : eq);
    const auto& known = abc::KnownTuneTypes();
    if (eq == std::string::npos || std::find(known.begin(), known.end(), type) == known.end()) {
      std::string names;
      for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
      return Status::InvalidArgument("--oversample '" + spec + "': expected TYPE=N with TYPE one of " + names +
                                     " (as --list-controls spells them), e.g. hornpipe=2");
    }
    int n = 0;
    const char* first = spec.data() + eq + 1;
    const char* last = spec.data() + spec.size();
    auto [end, ec] = std::from_chars(first, last, n);
    if (ec != std::errc() || end != last || first == last || n < 1 || n > kMaxOversample)
      return Status::InvalidArgument("--oversample '" + spec + "': expected N, the times each " + type +
                                     " is trained on per epoch, a whole number from 1 to " +
                                     std::to_string(kMaxOversample));
    times[type] = n;
  }
  return times;
}

std::vector<int> TuneRepeats(const std::vector<std::string>& types, const std::map<std::string, int>& times) {
  std::vector<int> r(types.size(), 1);
  for (size_t i = 0; i < types.size(); ++i)
    if (auto it = times.find(types[i]); it != times.end()) r[i] = it->second;
  return r;
}

}  // namespace abcrnn
