// Specification of the data pipeline: the hash split, the fingerprint, the corpus and the two
// batch layouts (packing with carried state, bucketing with masked padding).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "abcrnn/data/augment.h"
#include "abcrnn/data/batches.h"
#include "abcrnn/data/corpus.h"
#include "abcrnn/data/oversample.h"
#include "abcrnn/data/split.h"

namespace abcrnn {
namespace {

std::vector<std::string> Tunes(int n) {
  std::vector<std::string> t;
  for (int i = 0; i < n; ++i) t.push_back("M:6/8\nK:D\n" + std::string(1 + i % 7, "ABcdef"[i % 6]) + "|" + std::to_string(i) + "\n");
  return t;
}

TEST(SplitTest, AddingTunesNeverMovesAnOldTuneAcrossTheSplit) {
  auto few = Tunes(200);
  auto more = Tunes(400);
  DataSplit a = SplitTunes(few, 0.2);
  DataSplit b = SplitTunes(more, 0.2);
  std::set<std::string> valid_b(b.valid.begin(), b.valid.end());
  for (const auto& t : a.valid) EXPECT_TRUE(valid_b.count(t)) << t;
  for (const auto& t : a.train) EXPECT_FALSE(valid_b.count(t)) << t;
}

TEST(SplitTest, FractionIsRespectedWithinSamplingError) {
  auto tunes = Tunes(4000);
  DataSplit s = SplitTunes(tunes, 0.1);
  EXPECT_EQ(s.train.size() + s.valid.size(), tunes.size());
  // Binomial(4000, 0.1): sd = 19; 5 sd either side.
  EXPECT_NEAR(static_cast<double>(s.valid.size()), 400.0, 95.0);
  EXPECT_TRUE(SplitTunes(tunes, 0.0).valid.empty());
}

TEST(SplitTest, HashIsFnv1a64) {
  EXPECT_EQ(TuneHash(""), 14695981039346656037ull);
  EXPECT_EQ(TuneHash("a"), 0xaf63dc4c8601ec8cull);  // the published FNV-1a test vector
}

TEST(SplitTest, FingerprintDependsOnTextsOrderAndBoundaries) {
  std::string f = DataFingerprint({"ab", "c"});
  EXPECT_EQ(f.size(), 16u);
  EXPECT_EQ(f, DataFingerprint({"ab", "c"}));
  EXPECT_NE(f, DataFingerprint({"c", "ab"}));
  EXPECT_NE(f, DataFingerprint({"a", "bc"}));
}

TEST(CorpusTest, EncodesTunesBetweenBosAndEosWithTheTrainingVocabulary) {
  auto c = BuildCorpus({"AB\n", "BA\n"}, 0.0);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->train.size(), 2u);
  EXPECT_EQ(c->train[0].front(), Vocab::kBos);
  EXPECT_EQ(c->train[0].back(), Vocab::kEos);
  EXPECT_EQ(c->train[0].size(), 5u);
  EXPECT_EQ(c->train_chars, 8);  // 3 characters + <eos>, twice
  // Targets: A B \n <eos> twice: four symbols, each 1/4: 2 bits.
  EXPECT_NEAR(c->unigram_bits, 2.0, 1e-12);
}

TEST(CorpusTest, NoTrainingTuneIsAClearError) {
  auto c = BuildCorpus({}, 0.1);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(c.status().message().find("expected at least one training tune"), std::string::npos);
}

TEST(CorpusTest, ValidationTunesWithUnknownCharactersAreLeftOutAndCounted) {
  // Find a tune that the split sends to validation, give it a character no other tune has.
  std::vector<std::string> tunes = Tunes(50);
  std::string odd;
  for (int i = 0; !IsValidationTune(odd = "K:C\n~" + std::to_string(i) + "\n", 0.3); ++i) {
  }
  tunes.push_back(odd);
  auto c = BuildCorpus(tunes, 0.3);
  ASSERT_TRUE(c.ok());
  EXPECT_GE(c->valid_dropped, 1);
  EXPECT_EQ(c->vocab.Id("~"), -1);
}

// Every target of every tune is scored exactly once per epoch, in the right context.
void ExpectEachPredictionOnce(const std::vector<std::vector<int>>& tunes, Batching mode, int batch, int seq) {
  EpochPlan plan(tunes, mode, batch, seq, 7, 3, true);
  std::map<std::pair<int, int>, int> seen;  // (previous id, target) -> count
  std::map<std::pair<int, int>, int> want;
  int64_t want_total = 0;
  for (const auto& t : tunes)
    for (size_t k = 0; k + 1 < t.size(); ++k) {
      ++want[{t[k], t[k + 1]}];
      ++want_total;
    }
  int64_t counted = 0;
  for (int64_t i = 0; i < plan.size(); ++i) {
    Window w = plan.At(i);
    ASSERT_EQ(w.inputs.size(), static_cast<size_t>(w.batch * w.seq));
    ASSERT_LE(w.seq, seq);
    for (int k = 0; k < w.batch * w.seq; ++k)
      if (w.targets[k] != kIgnoreTarget) ++seen[{w.inputs[k], w.targets[k]}];
    counted += w.counted;
  }
  EXPECT_EQ(counted, plan.counted());
  if (mode == Batching::kBucket) {
    EXPECT_EQ(seen, want);  // nothing lost to packing's lane ends
    EXPECT_EQ(counted, want_total);
  } else {
    // Packing drops at most the tail that does not fill the last lane (< batch ids).
    EXPECT_GE(counted, want_total - batch);
    for (const auto& [k, n] : seen) EXPECT_LE(n, want[k]);
  }
}

std::vector<std::vector<int>> IdTunes() {
  std::vector<std::vector<int>> t;
  for (int i = 0; i < 37; ++i) {
    std::vector<int> ids{Vocab::kBos};
    for (int k = 0; k < 5 + (i * 7) % 40; ++k) ids.push_back(2 + (i + k) % 9);
    ids.push_back(Vocab::kEos);
    t.push_back(ids);
  }
  return t;
}

TEST(EpochPlanTest, BucketingScoresEveryPredictionOfEveryTuneOnce) {
  ExpectEachPredictionOnce(IdTunes(), Batching::kBucket, 4, 8);
  ExpectEachPredictionOnce(IdTunes(), Batching::kBucket, 5, 64);
}

TEST(EpochPlanTest, PackingScoresAllButTheLastLaneTailAndNeverTheSeam) {
  ExpectEachPredictionOnce(IdTunes(), Batching::kPack, 4, 8);
  EpochPlan plan(IdTunes(), Batching::kPack, 3, 16, 1, 0, true);
  for (int64_t i = 0; i < plan.size(); ++i) {
    Window w = plan.At(i);
    EXPECT_EQ(w.reset_state, i == 0);
    for (size_t k = 0; k < w.targets.size(); ++k) EXPECT_NE(w.targets[k], Vocab::kBos);
  }
}

TEST(EpochPlanTest, PackedLanesContinueFromWindowToWindow) {
  auto tunes = IdTunes();
  EpochPlan plan(tunes, Batching::kPack, 2, 8, 1, 0, false);
  ASSERT_GE(plan.size(), 2);
  Window a = plan.At(0), b = plan.At(1);
  // Unshuffled lane 0 starts with the first tune; window 1 continues where window 0 stopped.
  EXPECT_EQ(a.inputs[0], Vocab::kBos);
  EXPECT_EQ(a.inputs[1], tunes[0][1]);
  EXPECT_EQ(a.targets[7], b.inputs[0]);
}

TEST(EpochPlanTest, BucketGroupsStartFromAZeroStateAndPadWithMaskedTargets) {
  auto tunes = IdTunes();
  EpochPlan plan(tunes, Batching::kBucket, 4, 16, 1, 0, true);
  int64_t cells = 0, counted = 0;
  for (int64_t i = 0; i < plan.size(); ++i) {
    Window w = plan.At(i);
    cells += w.batch * w.seq;
    counted += w.counted;
    if (w.reset_state) {
      for (int r = 0; r < w.batch; ++r) {
        if (w.targets[r * w.seq] != kIgnoreTarget) {
          EXPECT_EQ(w.inputs[r * w.seq], Vocab::kBos);
        }
      }
    }
  }
  // Tunes of similar length share a group: padding stays well under half the cells.
  EXPECT_LT(static_cast<double>(cells - counted) / cells, 0.5);
}

TEST(EpochPlanTest, BucketWindowsEndAtTheirGroupsLongestTune) {
  // With T longer than every tune, each group is one window exactly as long as its longest tune.
  auto tunes = IdTunes();
  EpochPlan plan(tunes, Batching::kBucket, 4, 512, 1, 0, true);
  for (int64_t i = 0; i < plan.size(); ++i) {
    Window w = plan.At(i);
    EXPECT_TRUE(w.reset_state);  // one window per group
    int longest = 0;
    for (int r = 0; r < w.batch; ++r) {
      int n = 0;
      while (n < w.seq && w.targets[r * w.seq + n] != kIgnoreTarget) ++n;
      longest = std::max(longest, n);
    }
    EXPECT_EQ(longest, w.seq);  // the last step scores some row
    EXPECT_LT(w.seq, 512);
  }
}

// Window::rows: every row at or after it is padding, every row before it holds a tune; in a
// bucket group the longest tunes come first, so rows falls as shorter tunes end, and the cells a
// consumer computes (rows x T) are far fewer than B x T where a group's lengths spread.
TEST(EpochPlanTest, BucketRowsAfterWindowRowsArePaddingAndRowsFallAsTunesEnd) {
  std::vector<std::vector<int>> tunes;
  for (int len : {40, 12, 9, 33, 7, 26, 15, 11, 30}) {
    std::vector<int> t(len, 5);
    t.front() = Vocab::kBos;
    t.back() = Vocab::kEos;
    tunes.push_back(t);
  }
  EpochPlan plan(tunes, Batching::kBucket, 4, 8, 3, 0, true);
  int64_t all_cells = 0, row_cells = 0, counted = 0;
  bool fell = false;
  int previous = 0;
  for (int64_t i = 0; i < plan.size(); ++i) {
    Window w = plan.At(i);
    ASSERT_GE(w.rows, 1);
    ASSERT_LE(w.rows, w.batch);
    for (int r = 0; r < w.batch; ++r) {
      bool data = false;
      for (int t = 0; t < w.seq; ++t) data |= w.targets[r * w.seq + t] != kIgnoreTarget;
      EXPECT_EQ(data, r < w.rows) << "window " << i << " row " << r;
    }
    if (!w.reset_state) {
      EXPECT_LE(w.rows, previous);  // a group's rows only end
      fell |= w.rows < previous;
    }
    previous = w.rows;
    all_cells += static_cast<int64_t>(w.batch) * w.seq;
    row_cells += static_cast<int64_t>(w.rows) * w.seq;
    counted += w.counted;
  }
  EXPECT_TRUE(fell);
  EXPECT_EQ(counted, plan.counted());
  EXPECT_EQ(row_cells, plan.cells());
  EXPECT_LT(row_cells, all_cells);
  // Packing fills every row.
  EpochPlan pack(tunes, Batching::kPack, 4, 8, 3, 0, true);
  for (int64_t i = 0; i < pack.size(); ++i) EXPECT_EQ(pack.At(i).rows, 4);
  EXPECT_EQ(pack.cells(), pack.size() * 4 * 8);
}

TEST(EpochPlanTest, SameSeedAndEpochGiveTheSameOrderOtherEpochsAnother) {
  auto tunes = IdTunes();
  for (Batching mode : {Batching::kPack, Batching::kBucket}) {
    EpochPlan a(tunes, mode, 4, 8, 5, 1, true), b(tunes, mode, 4, 8, 5, 1, true), c(tunes, mode, 4, 8, 5, 2, true);
    EXPECT_EQ(a.At(0).inputs, b.At(0).inputs);
    bool differs = false;
    for (int64_t i = 0; i < std::min(a.size(), c.size()); ++i) differs |= a.At(i).inputs != c.At(i).inputs;
    EXPECT_TRUE(differs) << BatchingName(mode);
  }
}

// Each tune's predictions are in the epoch repeats[i] times: (previous id, target) pairs counted
// with that multiplicity, bucketed exactly, packed but for the last lane's tail.
TEST(EpochPlanTest, RepeatsPutEachTuneInTheEpochThatManyTimes) {
  const auto tunes = IdTunes();
  std::vector<int> repeats(tunes.size());
  for (size_t i = 0; i < tunes.size(); ++i) repeats[i] = static_cast<int>(i % 4);  // 0 leaves a tune out
  std::map<std::pair<int, int>, int> want;
  int64_t want_total = 0;
  for (size_t i = 0; i < tunes.size(); ++i)
    for (size_t k = 0; k + 1 < tunes[i].size(); ++k) {
      want[{tunes[i][k], tunes[i][k + 1]}] += repeats[i];
      want_total += repeats[i];
    }
  for (Batching mode : {Batching::kBucket, Batching::kPack}) {
    EpochPlan plan(tunes, mode, 4, 8, 7, 3, true, nullptr, &repeats);
    std::map<std::pair<int, int>, int> seen;
    int64_t counted = 0;
    for (int64_t i = 0; i < plan.size(); ++i) {
      Window w = plan.At(i);
      for (int k = 0; k < w.batch * w.seq; ++k)
        if (w.targets[k] != kIgnoreTarget) ++seen[{w.inputs[k], w.targets[k]}];
      counted += w.counted;
    }
    EXPECT_EQ(counted, plan.counted()) << BatchingName(mode);
    if (mode == Batching::kBucket) {
      EXPECT_EQ(seen, want);
      EXPECT_EQ(counted, want_total);
    } else {
      EXPECT_GE(counted, want_total - 4);
      for (const auto& [k, n] : seen) EXPECT_LE(n, want[k]);
    }
  }
}

// Repeats of one are the plan without repeats, window for window (a run without --oversample
// resumes on the order it started with); any repeat of two lengthens and reorders the epoch.
TEST(EpochPlanTest, RepeatsOfOneChangeNothing) {
  const auto tunes = IdTunes();
  const std::vector<int> ones(tunes.size(), 1);
  std::vector<int> twice = ones;
  twice[5] = 2;
  for (Batching mode : {Batching::kBucket, Batching::kPack}) {
    EpochPlan plain(tunes, mode, 4, 8, 5, 2, true), same(tunes, mode, 4, 8, 5, 2, true, nullptr, &ones);
    ASSERT_EQ(plain.size(), same.size());
    for (int64_t i = 0; i < plain.size(); ++i) {
      EXPECT_EQ(plain.At(i).inputs, same.At(i).inputs) << BatchingName(mode) << " window " << i;
      EXPECT_EQ(plain.At(i).targets, same.At(i).targets);
    }
    EpochPlan more(tunes, mode, 4, 8, 5, 2, true, nullptr, &twice);
    if (mode == Batching::kBucket)
      EXPECT_EQ(more.counted(), plain.counted() + static_cast<int64_t>(tunes[5].size()) - 1);
    else  // packing drops up to a lane's tail (< 4 ids); the copy adds at least 7
      EXPECT_GT(more.counted(), plain.counted());
  }
}

TEST(CorpusTest, TrainingTunesCarryTheTypeOfTheirRControlThroughAugmentation) {
  const std::vector<std::string> tunes = {"R:hornpipe\nM:4/4\nK:C\nABcd|\n", "M:6/8\nK:D\nABc|\n",
                                          "R:reel\nM:4/4\nK:G\nGABc|\n"};
  auto c = BuildCorpus(tunes, 0.0);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->train_type, (std::vector<std::string>{"hornpipe", "", "reel"}));
  CleanOptions controls;  // copies are written again with the cleaning options: controls keep R:
  controls.controls = true;
  auto a = BuildCorpus(tunes, 0.0, nullptr, {2}, controls);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->train.size(), 6u);
  ASSERT_EQ(a->train_type.size(), 6u);
  EXPECT_EQ(std::count(a->train_type.begin(), a->train_type.end(), "hornpipe"), 2);
  EXPECT_EQ(std::count(a->train_type.begin(), a->train_type.end(), "reel"), 2);
}

TEST(OversampleTest, ParsesTypeEqualsTimesAndRefusesAnythingElseNamingTheSpec) {
  auto t = ParseOversample({"hornpipe=2", "slip jig=3", "hornpipe=4"});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, (std::map<std::string, int>{{"hornpipe", 4}, {"slip jig", 3}}));  // the last of a type wins
  EXPECT_TRUE(ParseOversample({})->empty());
  for (const char* bad : {"hornpipe", "hornpipe=", "hornpipe=0", "hornpipe=17", "hornpipe=2x", "hornpipe=-1",
                          "Hornpipe=2", "hornpipes=2", "=2"}) {
    auto r = ParseOversample({"reel=2", bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(std::string("'") + bad + "'"), std::string::npos) << r.status().message();
  }
  EXPECT_NE(ParseOversample({"hornpipes=2"}).status().message().find("hornpipe"), std::string::npos);
}

TEST(OversampleTest, TuneRepeatsGiveANamedTypeItsTimesAndEveryOtherTuneOne) {
  EXPECT_EQ(TuneRepeats({"hornpipe", "", "reel", "hornpipe"}, {{"hornpipe", 3}}), (std::vector<int>{3, 1, 1, 3}));
  EXPECT_EQ(TuneRepeats({"jig"}, {}), std::vector<int>{1});
}

TEST(EpochPlanTest, PermutationIsFixedAcrossPlatforms) {
  // splitmix64-driven Fisher-Yates: these values are part of the resume contract.
  std::vector<int> p = Permutation(8, 1, 0);
  EXPECT_EQ(p, (std::vector<int>{2, 5, 4, 6, 7, 3, 1, 0}));
  EXPECT_NE(p, Permutation(8, 2, 0));
}

TEST(AugmentTest, TransposedCopiesRespellKeyAndAccidentals) {
  auto r = AugmentByTransposition({"M:4/4\nL:1/8\nK:D\nDEFG ABcd|^c2 d6|]\n"}, {2, -2}, CleanOptions{});
  ASSERT_EQ(r.added, 2) << r.skipped;
  ASSERT_EQ(r.tunes.size(), 3u);
  EXPECT_NE(r.tunes[1].find("K:E\n"), std::string::npos) << r.tunes[1];
  EXPECT_NE(r.tunes[1].find("EFGA Bcde"), std::string::npos) << r.tunes[1];
  EXPECT_NE(r.tunes[2].find("K:C\n"), std::string::npos) << r.tunes[2];
  EXPECT_NE(r.tunes[2].find("B2 c6"), std::string::npos) << r.tunes[2];  // ^c in D is B in C
}

// With --controls a copy keeps its original's control lines (style, type, form with its repeats):
// generation asks for them, the form clock reads them and --oversample finds the type there.
TEST(AugmentTest, CopiesKeepTheControlLinesTheCleanerWrote) {
  CleanOptions o;
  o.controls = true;
  o.form_repeats = true;
  const std::string tune = "S:nottingham\nR:hornpipe\nN:form 1+1 AABB\nM:4/4\nL:1/8\nK:D\n|:DEFG ABcd:|\n|:d8:|\n";
  auto r = AugmentByTransposition({tune}, {2}, o);
  ASSERT_EQ(r.added, 1) << r.skipped;
  EXPECT_EQ(r.tunes[1].rfind("S:nottingham\nR:hornpipe\nN:form 1+1 AABB\nM:4/4\n", 0), 0u) << r.tunes[1];
  EXPECT_NE(r.tunes[1].find("K:E\n"), std::string::npos) << r.tunes[1];
  o.form_repeats = false;  // as the cleaner writes the form without --form-repeats
  r = AugmentByTransposition({tune}, {2}, o);
  EXPECT_EQ(r.tunes[1].rfind("S:nottingham\nR:hornpipe\nN:form 1+1\nM:4/4\n", 0), 0u) << r.tunes[1];
  r = AugmentByTransposition({tune}, {2}, CleanOptions{});  // without --controls, none
  EXPECT_EQ(r.tunes[1].find("R:"), std::string::npos) << r.tunes[1];
  // The final is a degree of the key: a transposed copy ends on the same one.
  o.form_repeats = true;
  o.final_degree = true;
  const std::string finalled = "S:nottingham\nR:hornpipe\nN:form 1+1 AABB\nN:final 5\nM:4/4\nL:1/8\nK:D\n"
                               "|:DEFG ABcd:|\n|:d4 A4:|\n";
  r = AugmentByTransposition({finalled}, {2}, o);
  ASSERT_EQ(r.added, 1) << r.skipped;
  EXPECT_EQ(r.tunes[1].rfind("S:nottingham\nR:hornpipe\nN:form 1+1 AABB\nN:final 5\nM:4/4\n", 0), 0u) << r.tunes[1];
  // So is the beat: a copy moves its notes, not their lengths.
  o.beat = true;
  const std::string beaten = "S:nottingham\nR:hornpipe\nN:form 1+1 AABB\nN:final 5\nN:beat dotted\nM:4/4\nL:1/8\nK:D\n"
                             "|:D>EF>G A>Bc>d:|\n|:d4 A4:|\n";
  r = AugmentByTransposition({beaten}, {2}, o);
  ASSERT_EQ(r.added, 1) << r.skipped;
  EXPECT_EQ(r.tunes[1].rfind("S:nottingham\nR:hornpipe\nN:form 1+1 AABB\nN:final 5\nN:beat dotted\nM:4/4\n", 0), 0u)
      << r.tunes[1];
}

// Each input's clock travels with it: in both layouts, a window's clock rows are those of the
// input beside them (here a clock that encodes the id and its position), padding gets the header's.
TEST(EpochPlanTest, FormClocksTravelWithTheirInputs) {
  auto tunes = IdTunes();
  std::vector<std::vector<abc::FormClock>> clocks;
  for (size_t i = 0; i < tunes.size(); ++i) {
    clocks.emplace_back();
    for (size_t k = 0; k < tunes[i].size(); ++k)
      clocks.back().push_back(
          {tunes[i][k], static_cast<int>(i), static_cast<int>(k), 1000 + static_cast<int>(k), 2000 + static_cast<int>(k)});
  }
  for (Batching mode : {Batching::kPack, Batching::kBucket}) {
    EpochPlan plan(tunes, mode, 4, 8, 3, 0, true, &clocks);
    int64_t checked = 0;
    for (int64_t i = 0; i < plan.size(); ++i) {
      Window w = plan.At(i);
      ASSERT_EQ(w.clock.size(), w.inputs.size() * abc::kFormClockFields);
      for (size_t c = 0; c < w.inputs.size(); ++c) {
        const int* rows = &w.clock[abc::kFormClockFields * c];
        if (w.targets[c] == kIgnoreTarget && mode == Batching::kBucket) {
          EXPECT_EQ((abc::FormClock{rows[0], rows[1], rows[2], rows[3], rows[4]}), abc::HeaderClock());
          continue;
        }
        if (w.targets[c] == kIgnoreTarget) continue;  // the packed seam
        EXPECT_EQ(rows[0], w.inputs[c]) << BatchingName(mode);
        EXPECT_EQ(tunes[rows[1]][rows[2]], w.inputs[c]);
        EXPECT_EQ(rows[3], 1000 + rows[2]);                    // every field travels
        EXPECT_EQ(rows[4], 2000 + rows[2]);
        EXPECT_EQ(tunes[rows[1]][rows[2] + 1], w.targets[c]);  // the clock's tune and position predict this target
        ++checked;
      }
    }
    EXPECT_EQ(checked, plan.counted()) << BatchingName(mode);
    EXPECT_TRUE(EpochPlan(tunes, mode, 4, 8, 3, 0, true).At(0).clock.empty());
  }
}

TEST(CorpusTest, FormClocksFollowEachTunesForm) {
  const std::string tune = "N:form 1+1\nM:2/4\nL:1/8\nK:C\n|:CDEF:|\n|:GABc:|\n";
  auto c = BuildCorpus({tune}, 0.0);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  AddFormClocks(&*c);
  ASSERT_EQ(c->train_clock.size(), 1u);
  ASSERT_EQ(c->train_clock[0].size(), c->train[0].size());
  EXPECT_EQ(c->train_clock[0], FormClockOfIds(c->vocab, c->train[0]));
  // <bos> and the <eos> input: the header's clock; after the whole tune (the last character's
  // input), every part is closed.
  EXPECT_EQ(c->train_clock[0].front(), abc::HeaderClock());
  EXPECT_EQ(c->train_clock[0].back(), abc::HeaderClock());
  EXPECT_EQ(c->train_clock[0][c->train_clock[0].size() - 2],
            (abc::FormClock{16, 34, 36, abc::HeaderClock()[3], abc::HeaderClock()[4]}));
}

}  // namespace
}  // namespace abcrnn
