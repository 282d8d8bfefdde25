// Running abc2midi over a batch of tunes and comparing the melodies it plays.
#include "support/peer.h"

#include <filesystem>

#include "support/paths.h"

namespace abcrnn::testing {
namespace fs = std::filesystem;

Result<std::map<int, SmfFile>> RunAbc2Midi(const std::string& abc_path) {
  fs::path p(abc_path);
  std::string dir = p.parent_path().string(), stem = p.stem().string();
  if (dir.empty()) dir = ".";
  CommandResult r = RunCommand("cd '" + dir + "' && abc2midi '" + p.filename().string() +
                               "' -quiet -silent >/dev/null 2>&1");
  if (r.exit_code == 127) return Status::NotFound("expected abc2midi on PATH, got none");
  std::map<int, SmfFile> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".mid" || name.compare(0, stem.size(), stem) != 0) continue;
    std::string num = name.substr(stem.size(), name.size() - stem.size() - 4);
    if (num.empty() || num.find_first_not_of("0123456789") != std::string::npos) continue;
    auto f = ReadSmf(e.path().string());
    if (!f.ok()) return f.status();
    out[std::stoi(num)] = std::move(f).value();
  }
  if (ec) return Status::IOError("cannot list " + dir + ": " + ec.message());
  return out;
}

MelodyDiff CompareMelodies(const std::vector<SmfNote>& expected, const std::vector<SmfNote>& actual,
                           int semitones) {
  auto describe = [](const SmfNote& n, int shift) {
    return "pitch " + std::to_string(n.pitch - shift) + " at " + std::to_string(n.onset) + " for " +
           std::to_string(n.duration) + " ticks";
  };
  size_t n = std::min(expected.size(), actual.size());
  for (size_t i = 0; i < n; ++i) {
    const SmfNote& e = expected[i];
    const SmfNote& a = actual[i];
    const char* cause = e.onset != a.onset              ? "onset"
                        : e.pitch != a.pitch - semitones ? "pitch"
                        : e.duration != a.duration       ? "duration"
                                                         : nullptr;
    if (cause)
      return {cause, "note " + std::to_string(i) + ": expected " + describe(e, 0) + ", got " +
                         describe(a, semitones) + (semitones ? " (after shifting back)" : "")};
  }
  if (expected.size() != actual.size())
    return {"note-count", "expected " + std::to_string(expected.size()) + " notes, got " +
                              std::to_string(actual.size())};
  return {};
}

}  // namespace abcrnn::testing
