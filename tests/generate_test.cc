// Specification of tune generation and scoring on the fast engine: primes, length limits, tunes
// independent of batching, and scores equal to log-probabilities from the reference engine.
#include "abcrnn/infer/generate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/form_clock.h"
#include "abcrnn/abc/parser.h"
#include "abcrnn/infer/strict.h"
#include "support/cells.h"
#include "support/make_tunes.h"
#include "support/reference_engine.h"
#include "support/tiny_model.h"

namespace abcrnn {
namespace {

// <eos> a little less likely, so that some tunes reach the length limits of these tests.
struct TinyModel : testing::TinyModel {
  TinyModel() : testing::TinyModel(-1.0f) {}
};

TEST(GenerateTest, TunesStartWithThePrimeRespectTheLengthAndComeInIndexOrder) {
  TinyModel m;
  auto fast = testing::NewFast(m.weights);
  const FastEngine& engine = *fast;
  GenerateOptions o;
  o.num = 20;
  o.length = 60;
  o.prime = "M:6/8\nL:1/8\nK:D";
  o.seed = 3;
  auto tunes = testing::MakeTunes(engine, m.vocab, o);
  ASSERT_EQ(tunes.size(), 20u);
  int ended = 0;
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(tunes[i].index, i);
    EXPECT_EQ(tunes[i].text.rfind(o.prime, 0), 0u);
    auto chars = SplitCharacters(tunes[i].text).size();
    EXPECT_LE(chars, 60u);
    if (!tunes[i].ended) {
      EXPECT_EQ(chars, 60u);
    }
    ended += tunes[i].ended;
  }
  EXPECT_GT(ended, 0);
  EXPECT_LT(ended, 20);
}

TEST(GenerateTest, EachTuneIsTheSameAloneInAnyBatchAndWithAnyThreadCount) {
  TinyModel m;
  auto one_thread = testing::NewFast(m.weights, 1), two_threads = testing::NewFast(m.weights, 2);
  const FastEngine &one = *one_thread, &two = *two_threads;
  GenerateOptions o;
  o.num = 13;
  o.length = 80;
  o.seed = 99;
  o.batch = 64;
  auto all = testing::MakeTunes(one, m.vocab, o);
  o.batch = 4;  // rolling refills of finished rows
  auto small = testing::MakeTunes(two, m.vocab, o);
  ASSERT_EQ(small.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(small[i].text, all[i].text) << i;
  for (int i : {0, 7, 12}) {
    GenerateOptions alone = o;
    alone.first = i;
    alone.num = 1;
    auto t = testing::MakeTunes(one, m.vocab, alone);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].index, i);
    EXPECT_EQ(t[0].text, all[i].text);
  }
  o.seed = 100;
  auto other = testing::MakeTunes(one, m.vocab, o);
  int same = 0;
  for (size_t i = 0; i < all.size(); ++i) same += other[i].text == all[i].text;
  EXPECT_LT(same, 3);
}

TEST(GenerateTest, StrictTunesThatStallStartAgainAndNoPrintedTuneStalls) {
  // A random-weight model soon writes runs of bar lines and tuplet marks with no note; strict mode
  // takes that as a dead end. No kept tune has such a run anywhere, and some tunes did restart.
  TinyModel m;
  auto fast = testing::NewFast(m.weights);
  const FastEngine& engine = *fast;
  GenerateOptions o;
  o.num = 200;
  o.length = 300;
  o.prime = "M:6/8\nL:1/8\nK:D\n";
  o.seed = 5;
  o.strict = true;
  StrictChecker checker;
  int restarted = 0, stalled_prefixes = 0, went_back = 0, incomplete = 0;
  for (const GeneratedTune& t : testing::MakeTunes(engine, m.vocab, o)) {
    restarted += t.attempts > 1;
    went_back += t.backtracks > 0;
    if (t.failed) continue;
    incomplete += !checker.IsComplete(t.text);
    for (size_t k = o.prime.size(); k <= t.text.size(); ++k) stalled_prefixes += checker.Stalled(t.text.substr(0, k));
  }
  EXPECT_EQ(stalled_prefixes, 0);
  EXPECT_EQ(incomplete, 0);
  // Most stalls are mended by going back to the last bar line; some tunes still start again.
  EXPECT_GT(went_back, 0);
  EXPECT_GT(restarted, 0);
}

// With keep_final, a tune whose header asks a final ends on it, or has had its last bar drawn
// again as often as allowed; the last bar is the only thing drawn again, so far more tunes end on
// it than without; and a header without a final line draws the same tunes either way.
TEST(GenerateTest, AKeptFinalRedrawsTheLastBarUntilTheTuneEndsOnIt) {
  const std::string header = "N:form 2+2\nM:2/4\nL:1/8\nK:C\n";
  Vocab vocab = Vocab::Build({"N:final 15\n" + header + "|:CDEF GABc|cBAG FEDC:|\n"});
  testing::TinyModel m(vocab, 2.0f);  // notes, bar lines and <eos> likelier: tunes end soon
  for (char ch : std::string("CDEFGABc|")) m.weights.head_b[vocab.Encode(std::string(1, ch))->front()] += 3.0f;
  auto fast = testing::NewFast(m.weights);
  const FastEngine& engine = *fast;
  GenerateOptions o;
  o.num = 40;
  o.length = 200;
  o.seed = 3;
  o.strict = true;
  o.enforce_form = true;
  o.prime = "N:final 5\n" + header;  // G
  auto on_final = [](const GeneratedTune& t) {
    return abc::FinalSemitones(abc::ParseTune(t.text)) == 7;
  };
  int kept_on = 0, free_on = 0, redrawn = 0, ended = 0;
  o.keep_final = false;
  // Tunes the model ended (<eos>); one cut at the length limit ends where it was cut.
  for (const GeneratedTune& t : testing::MakeTunes(engine, vocab, o)) {
    EXPECT_EQ(t.final_redraws, 0);
    free_on += t.ended && on_final(t);
  }
  o.keep_final = true;
  for (const GeneratedTune& t : testing::MakeTunes(engine, vocab, o)) {
    if (!t.ended) continue;
    ++ended;
    redrawn += t.final_redraws > 0;
    if (!on_final(t)) {
      EXPECT_GE(t.final_redraws, 8) << t.text;  // it ends elsewhere only once the redraws ran out
    }
    kept_on += on_final(t);
    EXPECT_TRUE(StrictChecker(true).IsComplete(t.text)) << t.text;
  }
  std::printf("[ measured ] of %d tunes, ended by the model: %d on the asked final with it kept, %d without\n",
              o.num, kept_on, free_on);
  EXPECT_GT(redrawn, 0);
  EXPECT_GT(kept_on, free_on + 10) << kept_on << " against " << free_on << ", " << ended << " ended";
  o.prime = header;  // no final asked: the same tunes with and without keep_final
  const auto plain = testing::MakeTunes(engine, vocab, o);
  o.keep_final = false;
  const auto before = testing::MakeTunes(engine, vocab, o);
  ASSERT_EQ(plain.size(), before.size());
  for (size_t i = 0; i < plain.size(); ++i) {
    EXPECT_EQ(plain[i].text, before[i].text);
    EXPECT_EQ(plain[i].final_redraws, 0);
  }
}

TEST(GenerateTest, UnknownPrimeCharactersAreNamed) {
  TinyModel m;
  auto fast = testing::NewFast(m.weights);
  const FastEngine& engine = *fast;
  GenerateOptions o;
  o.prime = "M:6/8\nK:Z";
  Status st = GenerateTunes(engine, m.vocab, o, [](const GeneratedTune&) { return true; });
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("'Z'"), std::string::npos) << st.message();
}

TEST(GenerateTest, SinkReturningFalseStopsEarlyWithoutError) {
  TinyModel m;
  auto fast = testing::NewFast(m.weights);
  const FastEngine& engine = *fast;
  GenerateOptions o;
  o.num = 50;
  o.length = 40;
  int seen = 0;
  Status st = GenerateTunes(engine, m.vocab, o, [&](const GeneratedTune&) { return ++seen < 3; });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(seen, 3);
}

TEST(GenerateTest, StopEndsAtOnceKeepingTheFinishedTunesAsTheyWouldBe) {
  TinyModel m;
  auto fast = testing::NewFast(m.weights);
  const FastEngine& engine = *fast;
  GenerateOptions o;
  o.num = 50;
  o.length = 40;
  o.batch = 4;
  const std::vector<GeneratedTune> all = testing::MakeTunes(engine, m.vocab, o);
  int seen = 0, asked = 0;
  o.stop = [&] { return ++asked, seen >= 5; };  // as a Ctrl-C after the fifth tune
  std::vector<GeneratedTune> kept;
  Status st = GenerateTunes(engine, m.vocab, o, [&](const GeneratedTune& t) {
    kept.push_back(t);
    ++seen;
    return true;
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_GE(kept.size(), 5u);
  EXPECT_LT(kept.size(), all.size());
  for (size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(kept[i].text, all[i].text) << i;
  EXPECT_GT(asked, 5);  // asked between steps, not once per tune
}

TEST(ScoreTest, BitsEqualTheReferenceEnginesLogProbabilities) {
  TinyModel m;
  auto fast = testing::NewFast(m.weights);
  const FastEngine& engine = *fast;
  std::vector<std::string> texts = {"M:6/8\nK:D\n|:ABc:|\n", "ABc", "", "cBA dBG|A2B c3|\n", "bad Ω"};
  auto scores = ScoreTexts(engine, m.vocab, texts, 2);
  ASSERT_EQ(scores.size(), texts.size());
  EXPECT_EQ(scores[4].status.code(), Status::Code::kInvalidArgument);
  for (size_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(scores[i].status.ok());
    const testing::ReferenceSteps r = testing::ReferenceStepsOf(m.weights, m.vocab, texts[i]);
    double bits = 0;
    for (size_t t = 0; t < r.probs.size(); ++t) bits -= std::log2(r.probs[t][r.ids[t + 1]]);
    EXPECT_EQ(scores[i].predicted, static_cast<int64_t>(r.ids.size() - 1));
    EXPECT_NEAR(scores[i].bits, bits, 1e-4 * bits) << i;
  }
}

// A model with a form clock: each tune is drawn with the clock the trainer computes for its text
// (abc::FormClockOfSymbols). Replaying the draws on one row with those clocks, from the tune's
// own random stream, gives back every character, the prime's clocks included; and the clock
// changes what is drawn.
class ClockedGenerateTest : public ::testing::TestWithParam<const char*> {};  // the model's cell

TEST_P(ClockedGenerateTest, AClockedModelDrawsWithTheClocksTheTrainerComputes) {
  const std::string prime = "N:form 2+2\nM:6/8\nL:1/8\nK:D\n";
  Vocab vocab = Vocab::Build({prime + "|:ABc dBG|A2B c3:|\n"});
  ModelConfig c;
  c.vocab_size = vocab.size();
  c.embed = 8;
  c.hidden = 24;
  c.layers = 2;
  c.form_clock = abc::kFormClockScheme;
  c.architecture = GetParam();
  RnnWeights w = RandomRnnWeights(c, 23, 2.0f);
  w.head_b[Vocab::kEos] -= 1.0f;
  auto fast = testing::NewFast(w);
  const FastEngine& engine = *fast;
  GenerateOptions o;
  o.seed = 4;
  o.num = 6;
  o.length = 160;
  o.batch = 4;
  o.prime = prime;
  const auto tunes = testing::MakeTunes(engine, vocab, o);
  ASSERT_EQ(tunes.size(), 6u);
  int moved = 0;
  for (const GeneratedTune& t : tunes) {
    const std::vector<std::string> symbols = SplitCharacters(t.text);
    const std::vector<abc::FormClock> clocks = abc::FormClockOfSymbols(symbols);
    FastEngine::Batch row = engine.NewBatch(1);
    Rng rng = Rng::ForStream(o.seed, static_cast<uint64_t>(t.index));
    std::vector<uint8_t> mask(vocab.size(), 1);
    mask[Vocab::kBos] = 0;
    std::vector<float> logits(vocab.size());
    const size_t primed = SplitCharacters(prime).size();
    int id = Vocab::kBos;
    for (size_t k = 0; k <= symbols.size(); ++k) {
      engine.Step(&id, 1, &row, logits.data(), clocks[k].data());
      if (k < primed) {
        id = vocab.Encode(symbols[k])->front();
        continue;
      }
      const int drawn = SampleNext(logits.data(), vocab.size(), o.sampler, rng, mask.data());
      if (k == symbols.size()) {
        if (t.ended) {
          EXPECT_EQ(drawn, Vocab::kEos) << "tune " << t.index;
        }
        break;
      }
      ASSERT_EQ(vocab.symbol(drawn), symbols[k]) << "tune " << t.index << ", character " << k;
      id = drawn;
    }
    for (size_t k = primed + 1; k < clocks.size(); ++k) moved += clocks[k] != clocks[primed];
  }
  EXPECT_GT(moved, 0) << "no tune moved the clock: the test shows nothing";
  // The same model fed the header's clock throughout writes other tunes.
  RnnWeights no_clock = w;
  for (float& x : no_clock.clock) x = 0;
  auto flat_fast = testing::NewFast(no_clock);
  const FastEngine& flat = *flat_fast;
  bool differs = false;
  const auto other = testing::MakeTunes(flat, vocab, o);
  for (size_t i = 0; i < tunes.size(); ++i) differs |= other[i].text != tunes[i].text;
  EXPECT_TRUE(differs);
}

ABCRNN_FOR_EVERY_CELL(ClockedGenerateTest);

}  // namespace
}  // namespace abcrnn
