// Timing of the novelty guard's parts on the shared corpus: building the bar index from every
// tune, saving and loading its cache, and per-tune queries (longest copied run, nearest tune).
// Plain timing program: `build/bench/novelty_bench [DATA]` (default ../shared/data).
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "abcrnn/abc/parser.h"
#include "abcrnn/eval/melody.h"
#include "abcrnn/eval/novelty.h"
#include "abcrnn/util/file.h"

namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace abcrnn;
  const std::string data = argc > 1 ? argv[1] : std::string(ABCRNN_SHARED_DIR) + "/data";
  const std::string cache = "/tmp/abcrnn_novelty_bench.barindex";
  std::remove(cache.c_str());
  auto t0 = std::chrono::steady_clock::now();
  auto built = eval::LoadOrBuildBarIndex({data}, cache);
  if (!built.ok()) {
    std::fprintf(stderr, "%s\n", built.status().ToString().c_str());
    return 2;
  }
  const double build_s = Since(t0);
  t0 = std::chrono::steady_clock::now();
  auto loaded = eval::LoadOrBuildBarIndex({data}, cache);  // fingerprint check + load
  const double load_s = Since(t0);

  // Queries: every 10th tune of the corpus against the index.
  std::vector<eval::Melody> queries;
  auto files = ExpandPaths({data}, {".abc"});
  for (const auto& f : *files) {
    auto parsed = abc::ReadAbcFile(f);
    if (!parsed.ok()) continue;
    for (const auto& t : parsed->tunes) queries.push_back(eval::MelodyFromTune(t));
  }
  std::vector<eval::Melody> sample;
  for (size_t i = 0; i < queries.size(); i += 10) sample.push_back(queries[i]);
  t0 = std::chrono::steady_clock::now();
  long long bars = 0;
  for (const auto& m : sample) bars += loaded->LongestCopiedRun(m).bars;
  const double run_s = Since(t0);
  t0 = std::chrono::steady_clock::now();
  double dist = 0;
  for (const auto& m : sample) dist += loaded->Nearest(m).distance;
  const double near_s = Since(t0);
  std::printf(
      "index: %d tunes, %lld bars; build (parse + index + save) %.3f s; cached load %.3f s\n",
      loaded->tune_count(), static_cast<long long>(loaded->bar_count()), build_s, load_s);
  std::printf(
      "longest copied run: %.3f ms per tune; nearest tune: %.3f ms per tune (%zu tunes; checksum "
      "%lld %.3f)\n",
      1e3 * run_s / sample.size(), 1e3 * near_s / sample.size(), sample.size(), bars, dist);
  std::remove(cache.c_str());
  return 0;
}
