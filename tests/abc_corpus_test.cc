// The parser over the whole shared corpus (../shared/data): nothing crashes, every problem points
// into its tune, every duration is exact and valid, and at least 99% of the tunes outside the
// Essen collection parse without a syntax error. Prints the measured rates per collection.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "abcrnn/abc/parser.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {

struct Stats {
  int tunes = 0;
  int syntax_clean = 0;
  int valid = 0;
  int overfull = 0;   // tunes with at least one overfull bar
  int underfull = 0;  // tunes with at least one underfull-bar warning
  std::map<std::string, int> syntax_kinds;  // tunes per syntax kind
};

std::string Collection(const std::string& corpus, const std::string& path) {
  std::string rel = path.substr(corpus.size() + 1);
  return rel.substr(0, rel.find('/'));
}

TEST(AbcCorpus, EveryTuneParsesAndNinetyNinePercentOutsideEssenHaveNoSyntaxError) {
  ABCRNN_REQUIRE_CORPUS();
  std::string corpus = ::abcrnn::testing::CorpusDir();
  auto files = ExpandPaths({corpus}, {".abc"});
  ASSERT_TRUE(files.ok());
  std::map<std::string, Stats> by_collection;
  auto start = std::chrono::steady_clock::now();
  for (const std::string& path : *files) {
    auto parsed = ReadAbcFile(path);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    Stats& s = by_collection[Collection(corpus, path)];
    for (const Tune& tune : parsed->tunes) {
      ++s.tunes;
      bool syntax = false, over = false, under = false;
      std::map<std::string, bool> kinds;
      for (const Diagnostic& d : tune.diagnostics) {
        ASSERT_GE(d.pos.line, tune.start.line) << d.ToString();
        ASSERT_LE(d.pos.line, tune.end_line) << d.ToString();
        ASSERT_FALSE(d.message.empty());
        if (IsSyntaxKind(d.kind)) {
          syntax = true;
          kinds[std::string(KindName(d.kind))] = true;
        }
        over = over || d.kind == DiagnosticKind::kOverfullBar;
        under = under || d.kind == DiagnosticKind::kUnderfullBar;
      }
      for (const auto& [k, unused] : kinds) ++s.syntax_kinds[k];
      if (!syntax) ++s.syntax_clean;
      if (tune.valid()) ++s.valid;
      if (over) ++s.overfull;
      if (under) ++s.underfull;
      for (const Voice& v : tune.voices) {
        ASSERT_TRUE(v.end.valid());
        Fraction last(0);
        for (const Element& e : v.elements) {
          if (const Note* n = e.get_if<Note>()) {
            ASSERT_TRUE(n->duration.valid() && n->onset.valid());
            ASSERT_GE(n->onset, last) << path << ":" << e.pos.line;
            last = n->onset;
          }
        }
      }
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int outside = 0, outside_clean = 0, total = 0;
  std::printf("%-12s %6s %12s %7s %9s %10s\n", "collection", "tunes", "no-syntax-%", "valid",
              "overfull", "underfull");
  for (const auto& [name, s] : by_collection) {
    std::printf("%-12s %6d %11.2f%% %7d %9d %10d\n", name.c_str(), s.tunes,
                100.0 * s.syntax_clean / s.tunes, s.valid, s.overfull, s.underfull);
    for (const auto& [k, n] : s.syntax_kinds) std::printf("    %-28s %d tunes\n", k.c_str(), n);
    total += s.tunes;
    if (name != "essen") {
      outside += s.tunes;
      outside_clean += s.syntax_clean;
    }
  }
  double rate = 100.0 * outside_clean / outside;
  std::printf("outside essen: %d of %d tunes without a syntax error (%.2f%%); %d tunes in %.2f s\n",
              outside_clean, outside, rate, total, seconds);
  EXPECT_GT(total, 12000);
  EXPECT_GE(rate, 99.0);
}

}  // namespace
}  // namespace abcrnn::abc
