// Specification of generation from several threads at once (a server's requests): one engine,
// shared, with one or two worker threads; each caller's session makes the tunes it makes alone.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "abcrnn/infer/session.h"
#include "support/tiny_model.h"

namespace abcrnn {
namespace {

// The texts of `num` tunes from `seed`, through a GenerationSession as `abcrnn generate` runs it.
std::vector<std::string> Tunes(const FastEngine& engine, const Vocab& vocab, uint64_t seed, int num) {
  SessionModel model;
  model.engine = &engine;
  model.vocab = &vocab;
  SessionOptions o;
  o.prime = "M:6/8\nL:1/8\nK:D\n";
  o.generate.seed = seed;
  o.generate.num = num;
  o.generate.length = 120;
  o.generate.batch = 3;  // several steps with partly full batches
  std::vector<std::string> out;
  Result<GenerationSession> session = GenerationSession::Create(model, o);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return out;
  Status st = session->Run([&](const SessionTune& t) {
    out.push_back(t.text);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

class SessionConcurrencyTest : public ::testing::TestWithParam<int> {};

TEST_P(SessionConcurrencyTest, TwoThreadsGeneratingAtOnceGetTheTunesEachGetsAlone) {
  testing::TinyModel m(-1.0f);
  FastEngineOptions eo;
  eo.threads = GetParam();
  auto engine = NewFastEngine(m.weights, eo);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  const FastEngine& e = **engine;
  const std::vector<std::string> alone_a = Tunes(e, m.vocab, 11, 7), alone_b = Tunes(e, m.vocab, 12, 5);
  ASSERT_EQ(alone_a.size(), 7u);
  ASSERT_EQ(alone_b.size(), 5u);
  ASSERT_NE(alone_a[0], alone_b[0]);
  for (int round = 0; round < 8; ++round) {  // interleavings differ from round to round
    std::vector<std::string> a, b;
    std::thread ta([&] { a = Tunes(e, m.vocab, 11, 7); });
    std::thread tb([&] { b = Tunes(e, m.vocab, 12, 5); });
    ta.join();
    tb.join();
    EXPECT_EQ(a, alone_a) << "round " << round;
    EXPECT_EQ(b, alone_b) << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, SessionConcurrencyTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& i) { return std::to_string(i.param) + "threads"; });

}  // namespace
}  // namespace abcrnn
