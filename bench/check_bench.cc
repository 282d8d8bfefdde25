// Time to parse and check the whole shared corpus (../shared/data), files already in memory:
// the ABC core's speed. Prints the best and median of N runs (default 10) in milliseconds and
// the throughput; `check_bench [CORPUS_DIR] [RUNS]`. Results go into bench/README.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "abcrnn/abc/parser.h"
#include "abcrnn/util/file.h"

int main(int argc, char** argv) {
  std::string corpus = argc > 1 ? argv[1] : std::string(ABCRNN_SHARED_DIR) + "/data";
  int runs = argc > 2 ? std::atoi(argv[2]) : 10;
  auto files = abcrnn::ExpandPaths({corpus}, {".abc"});
  if (!files.ok() || files->empty()) {
    std::fprintf(stderr, "check_bench: expected ABC files under %s, got none\n", corpus.c_str());
    return 2;
  }
  std::vector<std::string> texts;
  size_t bytes = 0;
  for (const std::string& f : *files) {
    auto t = abcrnn::ReadFile(f);
    if (!t.ok()) {
      std::fprintf(stderr, "check_bench: %s\n", t.status().ToString().c_str());
      return 2;
    }
    bytes += t->size();
    texts.push_back(std::move(*t));
  }
  std::vector<double> ms;
  size_t tunes = 0, problems = 0, notes = 0;
  for (int r = 0; r < std::max(runs, 1); ++r) {
    tunes = problems = notes = 0;
    auto start = std::chrono::steady_clock::now();
    for (const std::string& text : texts) {
      abcrnn::abc::AbcFile file = abcrnn::abc::ParseAbcFile(text);
      tunes += file.tunes.size();
      for (const auto& tune : file.tunes) {
        problems += tune.diagnostics.size();
        for (const auto& v : tune.voices) notes += v.elements.size();
      }
    }
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  double best = ms.front(), median = ms[ms.size() / 2];
  std::printf("parse+check %zu files, %.2f MB, %zu tunes, %zu elements, %zu problems\n",
              texts.size(), bytes / 1e6, tunes, notes, problems);
  std::printf("best %.1f ms, median %.1f ms over %d runs (%.1f MB/s at the median)\n", best, median,
              runs, bytes / 1e6 / (median / 1e3));
  return 0;
}
