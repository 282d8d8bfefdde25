// The novelty guard and the per-tune listening files of `abcrnn generate`.
#include "cli/sample_output.h"

#include <cstdlib>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "abcrnn/abc/parser.h"
#include "abcrnn/eval/melody.h"
#include "abcrnn/midi/export.h"
#include "abcrnn/midi/tune_midi.h"
#include "abcrnn/util/file.h"

namespace abcrnn::cli {
namespace fs = std::filesystem;

namespace {
std::string DefaultCache() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  fs::path dir = xdg && *xdg ? fs::path(xdg) / "abcrnn" : home && *home ? fs::path(home) / ".cache" / "abcrnn" : fs::path();
  if (dir.empty()) return {};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    spdlog::warn("novelty guard: cannot create the cache folder {} ({}); the bar index is not cached",
                 dir.string(), ec.message());
    return {};
  }
  return (dir / "bar-index.bin").string();
}

Status EnsureDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError(dir + ": cannot create the folder: " + ec.message());
  return Status::OK();
}
}  // namespace

Result<NoveltyGuard> NoveltyGuard::Open(const std::vector<std::string>& paths, std::string cache, int max_bars) {
  if (cache.empty()) cache = DefaultCache();
  auto index = eval::LoadOrBuildBarIndex(paths, cache);
  if (!index.ok()) return index.status();
  NoveltyGuard g;
  g.index_ = std::move(index.value());
  g.max_bars_ = max_bars;
  return g;
}

bool NoveltyGuard::Accept(const std::string& abc, int* run, std::string* copied_from) const {
  eval::CopiedRun r = index_.LongestCopiedRun(eval::MelodyFromTune(abc::ParseTune(abc)));
  *run = r.bars;
  *copied_from = r.tune >= 0 ? index_.name(r.tune) : std::string();
  return r.bars <= max_bars_;
}

Status RenderTune(const std::string& abc, const std::string& dir, const std::string& stem,
                  const midi::PerformOptions& perform) {
  Status d = EnsureDir(dir);
  if (!d.ok()) return d;
  midi::ExportOptions options;
  options.perform = perform;
  auto files = midi::ExportTune(abc, dir, stem, options);
  if (!files.ok()) return files.status();
  for (const auto& why : files->skipped) spdlog::warn("{}: {}", stem, why);
  return Status::OK();
}

Status WriteTuneMidi(const std::string& abc, const std::string& path, const midi::PerformOptions& perform,
                     AtomicFileBatch* batch) {
  const std::string dir = fs::path(path).parent_path().string();
  if (!dir.empty()) {
    Status d = EnsureDir(dir);
    if (!d.ok()) return d;
  }
  auto bytes = midi::AbcToMidi(abc, perform);
  if (!bytes.ok()) return bytes.status();
  return batch != nullptr ? batch->Add(path, *bytes) : WriteFileAtomically(path, *bytes);
}

}  // namespace abcrnn::cli
