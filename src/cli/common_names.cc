// The names of per-tune files (TuneFileNames, TuneFileStem): one rule, STEM-X.EXT with -2, -3 ...
// for a name already given, for every command that writes a file per tune. Where the files go and
// what they hold is the commands' business.
#include <cctype>
#include <filesystem>
#include <string>

#include "cli/common.h"

namespace abcrnn::cli {

std::string TuneFileNames::Next(const std::string& stem, int x, int place) {
  const std::string base = stem + "-" + std::to_string(x >= 0 ? x : place);
  std::string name = base + ext_;
  if (given_.insert(name).second) return name;
  int k = 2;
  while (!given_.insert(name = base + "-" + std::to_string(k) + ext_).second) ++k;
  if (renamed_++ == 0) first_renamed_ = name;
  return name;
}

std::string TuneFileNames::RenamedWarning() const {
  if (renamed_ == 0) return {};
  return std::to_string(renamed_) +
         " tune(s) share an X: number with an earlier tune; each was written under its number and a suffix "
         "(the first: " + first_renamed_ + "), so none replaced another";
}

std::string TuneFileStem(const std::string& input) {
  if (input.empty() || input == "-") return "tune";
  const std::string stem = std::filesystem::path(input).stem().string();
  return stem.empty() ? "tune" : stem;
}

bool IsMidiFileName(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".mid" || ext == ".midi";
}

}  // namespace abcrnn::cli
