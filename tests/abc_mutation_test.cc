// Deterministic robustness test of the parser (the normal suite's stand-in for the libFuzzer run
// in fuzz/): corpus tunes and hand-written snippets are mutated with a seeded generator (bytes
// flipped to ABC's special characters, inserted, deleted, duplicated, huge numbers and octave
// marks) and parsed; every result must stay well-formed.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "abcrnn/abc/check.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/util/file.h"
#include "support/paths.h"

namespace abcrnn::abc {
namespace {

constexpr char kAlphabet[] =
    "[]{}()|:!+\"^_=,'/<>-~.%\\$&0123456789zZxXyKLMVTabcdefgABCDEFG \n\t\r\x80\xe9";

std::string Mutate(std::string s, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
  int ops = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < ops; ++k) {
    size_t at = pick(s.size() + 1);
    char c = kAlphabet[pick(sizeof(kAlphabet) - 1)];
    switch (rng() % 8) {
      case 0: if (at < s.size()) s[at] = c; break;
      case 1: s.insert(at, 1, c); break;
      case 2: s.erase(at, pick(16)); break;
      case 3: { size_t len = pick(64); s.insert(at, s.substr(at, len)); break; }
      case 4: s.insert(at, "999999999999999999"); break;
      case 5: s.insert(at, std::string(pick(40), rng() % 2 ? ',' : '\'')); break;
      case 6: s.resize(at); break;
      default: s.insert(at, rng() % 2 ? "[K:" : "(9:1:99"); break;
    }
  }
  return s;
}

void ExpectWellFormed(const Tune& tune, const std::string& input) {
  for (const Diagnostic& d : tune.diagnostics) {
    ASSERT_GE(d.pos.line, 0) << input;
    ASSERT_FALSE(d.message.empty());
    ASSERT_FALSE(KindName(d.kind).empty());
  }
  for (const Voice& v : tune.voices) {
    ASSERT_TRUE(v.end.valid()) << input;
    Fraction last(0);
    for (const Element& e : v.elements) {
      const Note* n = e.get_if<Note>();
      if (!n) continue;
      ASSERT_TRUE(n->duration.valid()) << input;
      ASSERT_GE(n->duration, Fraction(0)) << input;
      ASSERT_GE(n->onset, last) << input;
      last = n->onset;
      ASSERT_FALSE(n->pitches.empty());
    }
    for (const BarSpan& b : SplitBars(v)) ASSERT_TRUE(b.duration.valid()) << input;
  }
}

TEST(AbcMutation, MutatedTunesNeverCrashAndStayWellFormed) {
  std::vector<std::string> seeds = {
      "X:1\nT:t\nM:6/8\nL:1/8\nK:G\n|:G>AB (3cde [CEG]2 {/g}A2-|A2 z Z2 \"Am\"!trill!c:|[2 d3||\n",
      "X:2\nT:u\nM:C|\nK:Hp\nV:1\n[K:D =c] ^^f__g=a (5:4:5abcde c'',, x2 [M:3/4][L:1/16]A//|]\n",
  };
  std::string corpus = ::abcrnn::testing::CorpusDir();
  if (!corpus.empty()) {
    auto files = ExpandPaths({corpus}, {".abc"});
    ASSERT_TRUE(files.ok());
    for (size_t f = 0; f < files->size(); f += 3) {
      auto text = ReadFile((*files)[f]);
      ASSERT_TRUE(text.ok());
      AbcFile parsed = ParseAbcFile(*text);
      for (size_t t = 0; t < parsed.tunes.size(); t += 97) seeds.push_back(parsed.tunes[t].text);
    }
  }
  std::mt19937_64 rng(20261125);
  auto start = std::chrono::steady_clock::now();
  int runs = 0;
  while (runs < 20000 &&
         std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2500)) {
    const std::string& seed = seeds[rng() % seeds.size()];
    std::string input = Mutate(seed, rng);
    AbcFile file = ParseAbcFile(input);
    for (const Tune& tune : file.tunes) ExpectWellFormed(tune, input);
    ParseOptions prefix;
    prefix.prefix = true;
    ExpectWellFormed(ParseTune(input, prefix), input);
    if (HasFailure()) return;
    ++runs;
  }
  std::printf("parsed %d mutated inputs from %zu seeds\n", runs, seeds.size());
  EXPECT_GT(runs, 500);
}

}  // namespace
}  // namespace abcrnn::abc
