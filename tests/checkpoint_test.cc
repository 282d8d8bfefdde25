// Specification of the checkpoint format: round trips exactly; every kind of damage (bad magic,
// future version, truncation anywhere, flipped bytes, wrong shapes) is a clean error, never a crash.
#include "abcrnn/ckpt/checkpoint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>

#include <unistd.h>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/util/file.h"
#include "ckpt/crc32.h"
#include "support/paths.h"

namespace abcrnn {
namespace {

Checkpoint MakeCheckpoint(int layers = 2, int hidden = 8, int embed = 5, int form_clock = 0) {
  Checkpoint c;
  c.vocab = Vocab::Build({"ABCabc|:\n"});
  c.model = {c.vocab.size(), embed, hidden, layers, 0.1f};
  c.model.form_clock = form_clock;
  std::mt19937 gen(42);
  std::uniform_real_distribution<float> u(-1, 1);
  for (auto& [name, shape] : ExpectedWeights(c.model)) {
    NamedTensor t{name, shape, {}};
    int64_t n = 1;
    for (auto d : shape) n *= d;
    for (int64_t i = 0; i < n; ++i) t.data.push_back(u(gen));
    c.weights.push_back(std::move(t));
  }
  c.optimizer.push_back({"adam.exp_avg.head.bias", {c.vocab.size()}, std::vector<float>(c.vocab.size(), 0.5f)});
  c.metadata_json = R"({"step":12,"note":"é"})";
  c.trainer_state_json = R"({"position":3})";
  return c;
}

TEST(Crc32Test, TablesAndFoldingEqualTheBitwiseDefinitionAtEveryLengthAndAlignment) {
  EXPECT_EQ(Crc32("123456789", 9), 0xCBF43926u);  // the CRC-32 check value
  EXPECT_EQ(Crc32Bitwise("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(Crc32("", 0), 0u);
  std::mt19937 gen(7);
  std::vector<unsigned char> buf(1 << 16);
  for (auto& b : buf) b = static_cast<unsigned char>(gen());
  std::vector<bool> paths = {false};
  if (CpuHasPclmul()) paths.push_back(true);
  for (bool pclmul : paths) {
    for (size_t offset = 0; offset < 8; ++offset)
      for (size_t n = 0; n + offset <= 600; ++n)
        ASSERT_EQ(Crc32Using(buf.data() + offset, n, 0, pclmul), Crc32Bitwise(buf.data() + offset, n))
            << "pclmul " << pclmul << ", offset " << offset << ", " << n << " bytes";
    for (size_t n : {size_t{4096}, size_t{65536 - 3}, buf.size()})
      ASSERT_EQ(Crc32Using(buf.data(), n, 0x12345678u, pclmul), Crc32Bitwise(buf.data(), n, 0x12345678u)) << n;
    // All ones and all zeros (the folds' carries at their extremes).
    for (unsigned char fill : {0x00, 0xFF}) {
      std::vector<unsigned char> same(1000, fill);
      ASSERT_EQ(Crc32Using(same.data(), same.size(), 0, pclmul), Crc32Bitwise(same.data(), same.size()));
    }
  }
  // Continuing a CRC over pieces equals the CRC of the whole.
  EXPECT_EQ(Crc32(buf.data() + 100, 200, Crc32(buf.data(), 100)), Crc32(buf.data(), 300));
  EXPECT_EQ(Crc32(buf.data() + 1000, 5000, Crc32(buf.data(), 1000)), Crc32(buf.data(), 6000));
}

TEST(CheckpointTest, RoundTripKeepsEverythingBitForBit) {
  Checkpoint c = MakeCheckpoint();
  std::string bytes = SerializeCheckpoint(c);
  auto back = ParseCheckpoint(bytes, "mem");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->model.layers, 2);
  EXPECT_EQ(back->model.hidden, 8);
  EXPECT_FLOAT_EQ(back->model.dropout, 0.1f);
  EXPECT_TRUE(back->vocab == c.vocab);
  ASSERT_EQ(back->weights.size(), c.weights.size());
  for (size_t i = 0; i < c.weights.size(); ++i) {
    EXPECT_EQ(back->weights[i].name, c.weights[i].name);
    EXPECT_EQ(back->weights[i].shape, c.weights[i].shape);
    EXPECT_EQ(back->weights[i].data, c.weights[i].data);
  }
  ASSERT_EQ(back->optimizer.size(), 1u);
  EXPECT_EQ(back->optimizer[0].data, c.optimizer[0].data);
  EXPECT_EQ(back->metadata_json, R"({"note":"é","step":12})");
  EXPECT_EQ(back->trainer_state_json, R"({"position":3})");
  EXPECT_EQ(CheckpointFingerprint(*back), CheckpointFingerprint(c));
}

TEST(CheckpointTest, FileRoundTripIsAtomicAndReadable) {
  std::string path = std::filesystem::temp_directory_path() / ("abcrnn_ckpt_" + std::to_string(getpid()) + ".ckpt");
  ASSERT_TRUE(WriteCheckpoint(path, MakeCheckpoint()).ok());
  auto back = ReadCheckpoint(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
}

TEST(CheckpointTest, ForeignFileIsRejectedWithAHint) {
  auto r = ParseCheckpoint("X:1\nT:Not a model\nK:D\n", "tune.abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find("tune.abc"), std::string::npos);
  EXPECT_NE(r.status().message().find("magic"), std::string::npos);
}

TEST(CheckpointTest, FutureVersionIsUnsupported) {
  std::string bytes = SerializeCheckpoint(MakeCheckpoint());
  bytes[8] = 6;
  auto r = ParseCheckpoint(bytes, "new.ckpt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(r.status().message().find("version 6"), std::string::npos);
  EXPECT_NE(r.status().message().find("versions 1 to 5"), std::string::npos) << r.status().message();
}

// `bytes` with its JSON header replaced by edit(header): the preamble's length and checksum and
// the data's alignment follow, so only the edit is wrong.
std::string EditHeader(const std::string& bytes, const std::function<void(nlohmann::json&)>& edit) {
  uint64_t n = 0;
  std::memcpy(&n, bytes.data() + 16, 8);
  const size_t data_start = (24 + n + 63) / 64 * 64;
  nlohmann::json h = nlohmann::json::parse(bytes.substr(24, n));
  edit(h);
  const std::string text = h.dump(1);
  std::string out = bytes.substr(0, 24) + text;
  const uint32_t crc = Crc32(text.data(), text.size());
  const uint64_t len = text.size();
  std::memcpy(out.data() + 12, &crc, 4);
  std::memcpy(out.data() + 16, &len, 8);
  out.resize((out.size() + 63) / 64 * 64, '\0');
  return out + bytes.substr(data_start);
}

TEST(CheckpointTest, AnLstmIsWrittenAsVersionOneWithoutAnArchitectureAndReadAsAnLstm) {
  // Every abcrnn reads it, and its bytes are those written before architectures were recorded.
  const std::string bytes = SerializeCheckpoint(MakeCheckpoint());
  EXPECT_EQ(bytes[8], 1);
  EXPECT_EQ(bytes.find("architecture"), std::string::npos);
  auto back = ParseCheckpoint(bytes, "old.ckpt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->model.architecture, "lstm");
  // A version 1 file does not name an architecture: a stray key does not make it another one.
  auto stray = ParseCheckpoint(
      EditHeader(bytes, [](nlohmann::json& h) { h["model"]["architecture"] = "gru"; }), "old.ckpt");
  ASSERT_TRUE(stray.ok()) << stray.status().ToString();
  EXPECT_EQ(stray->model.architecture, "lstm");
}

TEST(CheckpointTest, AGruIsWrittenAsVersionTwoWithItsTensorsNamedAfterIt) {
  ModelConfig m{40, 16, 32, 2, 0};
  m.architecture = "gru";
  auto w = ExpectedWeights(m);
  ASSERT_EQ(w.size(), 2u + 4u * 2u + 1u);
  EXPECT_EQ(w[1].first, "gru.weight_ih_l0");  // torch.nn.GRU registered as "gru": r, z, n rows
  EXPECT_EQ(w[1].second, (std::vector<int64_t>{96, 16}));
  EXPECT_EQ(w[2].first, "gru.weight_hh_l0");
  EXPECT_EQ(w[2].second, (std::vector<int64_t>{96, 32}));
  EXPECT_EQ(w[8].first, "gru.bias_hh_l1");
  EXPECT_EQ(w[8].second, (std::vector<int64_t>{96}));
  Checkpoint c = MakeCheckpoint();
  c.model.architecture = "gru";
  c.weights.clear();
  for (auto& [name, shape] : ExpectedWeights(c.model)) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    c.weights.push_back({name, shape, std::vector<float>(n, 0.25f)});
  }
  const std::string bytes = SerializeCheckpoint(c);
  EXPECT_EQ(bytes[8], 2);
  auto back = ParseCheckpoint(bytes, "gru.ckpt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->model.architecture, "gru");
  EXPECT_EQ(back->Find("gru.weight_hh_l1")->shape, (std::vector<int64_t>{24, 8}));
  // An LSTM's tensors under a GRU's name: the first misshapen one is named.
  Checkpoint lstm = MakeCheckpoint();
  lstm.model.architecture = "gru";
  EXPECT_NE(ValidateCheckpoint(lstm).message().find("gru.weight_ih_l0"), std::string::npos)
      << ValidateCheckpoint(lstm).message();
}

TEST(CheckpointTest, AnUnknownArchitectureIsRefusedNamingTheFileTheNameAndTheKnownOnes) {
  Checkpoint c = MakeCheckpoint();
  c.model.architecture = "transformer";
  const std::string bytes = SerializeCheckpoint(c);
  EXPECT_EQ(bytes[8], 2);  // a model that is not an LSTM needs a reader that knows architectures
  auto r = ParseCheckpoint(bytes, "future.ckpt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnsupported);
  const std::string m = r.status().message();
  EXPECT_NE(m.find("future.ckpt"), std::string::npos) << m;
  EXPECT_NE(m.find("'transformer'"), std::string::npos) << m;
  EXPECT_NE(m.find(KnownArchitectures()), std::string::npos) << m;
  EXPECT_EQ(ValidateCheckpoint(c).code(), Status::Code::kUnsupported);
  EXPECT_FALSE(WriteCheckpoint("/nonexistent/never-written.ckpt", c).ok());
}

TEST(CheckpointTest, AVersionTwoFileWithoutAnArchitectureIsDamaged) {
  Checkpoint c = MakeCheckpoint();
  c.model.architecture = "transformer";
  const std::string bytes = EditHeader(SerializeCheckpoint(c), [](nlohmann::json& h) { h["model"].erase("architecture"); });
  auto r = ParseCheckpoint(bytes, "v2.ckpt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find("architecture"), std::string::npos) << r.status().message();
  // The header's version must be the preamble's.
  auto mixed = ParseCheckpoint(EditHeader(SerializeCheckpoint(MakeCheckpoint()), [](nlohmann::json& h) { h["version"] = 2; }),
                               "mixed.ckpt");
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("preamble"), std::string::npos) << mixed.status().message();
}

// MakeCheckpoint with a token vocabulary (notes with lengths, bar lines) of the same size.
Checkpoint MakeTokenCheckpoint() {
  Checkpoint c = MakeCheckpoint();
  std::vector<std::string> symbols = c.vocab.symbols();
  symbols.resize(symbols.size() - 3);
  for (const char* token : {"A2", "|:", ":|"}) symbols.push_back(token);
  c.vocab = *Vocab::FromSymbols(symbols, Tokenizer::kToken);
  return c;
}

TEST(CheckpointTest, ATokenVocabularyIsWrittenAsVersionThreeWithItsTokenizer) {
  const Checkpoint c = MakeTokenCheckpoint();
  ASSERT_TRUE(ValidateCheckpoint(c).ok()) << ValidateCheckpoint(c).message();
  const std::string bytes = SerializeCheckpoint(c);
  EXPECT_EQ(bytes[8], 3);
  auto back = ParseCheckpoint(bytes, "token.ckpt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->vocab.tokenizer(), Tokenizer::kToken);
  EXPECT_TRUE(back->vocab == c.vocab);
  EXPECT_EQ(back->model.architecture, "lstm");  // version 3 names the architecture too
  EXPECT_TRUE(SerializeCheckpoint(*back) == bytes);
  // A character vocabulary stays in the older versions, which have no tokenizer.
  EXPECT_EQ(SerializeCheckpoint(MakeCheckpoint()).find("tokenizer"), std::string::npos);
}

// Network 0 of MakeCheckpoint's shape and `members - 1` more, each drawn from its own seed.
Checkpoint MakeEnsemble(int members) {
  Checkpoint c = MakeCheckpoint();
  c.optimizer.clear();
  c.trainer_state_json.clear();
  c.model.members = members;
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> u(-1, 1);
  const size_t one = c.weights.size();
  for (const auto& [name, shape] : ExpectedWeights(c.model)) {
    if (c.Find(name)) continue;
    NamedTensor t{name, shape, {}};
    int64_t n = 1;
    for (auto d : shape) n *= d;
    for (int64_t i = 0; i < n; ++i) t.data.push_back(u(gen));
    c.weights.push_back(std::move(t));
  }
  EXPECT_EQ(c.weights.size(), one * members);
  return c;
}

TEST(CheckpointTest, AnEnsembleIsWrittenAsVersionFourWithEachNetworksTensorsUnderItsPrefix) {
  const Checkpoint c = MakeEnsemble(3);
  ASSERT_TRUE(ValidateCheckpoint(c).ok()) << ValidateCheckpoint(c).message();
  EXPECT_EQ(MemberPrefix(0), "");
  EXPECT_EQ(MemberPrefix(2), "member2.");
  EXPECT_NE(c.Find("member2.lstm.weight_hh_l1"), nullptr);
  EXPECT_NE(c.Find("member1.head.bias"), nullptr);
  const std::string bytes = SerializeCheckpoint(c);
  EXPECT_EQ(bytes[8], 4);
  auto back = ParseCheckpoint(bytes, "ensemble.ckpt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->model.members, 3);
  EXPECT_EQ(back->model.architecture, "lstm");
  EXPECT_TRUE(SerializeCheckpoint(*back) == bytes);
  // The other networks are part of what the fingerprint names.
  Checkpoint first = MakeCheckpoint();
  first.optimizer.clear();
  EXPECT_NE(CheckpointFingerprint(*back), CheckpointFingerprint(first));
  // One network stays in the older versions, which have no count.
  EXPECT_EQ(SerializeCheckpoint(first).find("members"), std::string::npos);
}

// Networks in shares of their own are version 5 (a version 4 reader would mix them equally);
// equal shares stay version 4, fingerprint and all.
TEST(CheckpointTest, AnEnsembleInSharesIsWrittenAsVersionFiveAndItsSharesAreChecked) {
  Checkpoint c = MakeEnsemble(2);
  const std::string equal = SerializeCheckpoint(c);
  c.model.member_weights = {0.75, 0.25};
  ASSERT_TRUE(ValidateCheckpoint(c).ok()) << ValidateCheckpoint(c).message();
  const std::string bytes = SerializeCheckpoint(c);
  EXPECT_EQ(bytes[8], 5);
  EXPECT_EQ(equal[8], 4);
  EXPECT_EQ(equal.find("member_weights"), std::string::npos);
  auto back = ParseCheckpoint(bytes, "shares.ckpt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->model.member_weights, (std::vector<double>{0.75, 0.25}));
  EXPECT_TRUE(SerializeCheckpoint(*back) == bytes);
  auto equal_back = ParseCheckpoint(equal, "equal.ckpt");
  ASSERT_TRUE(equal_back.ok());
  EXPECT_TRUE(equal_back->model.member_weights.empty());
  // The shares change the distribution, so the fingerprint names them.
  EXPECT_NE(CheckpointFingerprint(*back), CheckpointFingerprint(*equal_back));
  for (const auto& shares : std::vector<std::vector<double>>{{0.5, 0.25}, {1.5, -0.5}, {0.5, 0.25, 0.25}, {1.0}}) {
    auto r = ParseCheckpoint(EditHeader(bytes, [&](nlohmann::json& h) { h["model"]["member_weights"] = shares; }),
                             "shares.ckpt");
    ASSERT_FALSE(r.ok()) << shares.size();
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
    EXPECT_NE(r.status().message().find("member_weights: expected one share > 0 for each of the 2 networks"),
              std::string::npos)
        << r.status().message();
  }
  // Version 5 without its shares is damaged, not read as equal.
  auto none = ParseCheckpoint(EditHeader(bytes, [](nlohmann::json& h) { h["model"].erase("member_weights"); }),
                              "shares.ckpt");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Status::Code::kCorruption);
}

// The one check of the shares, which the reader and the sampler's ensemble share, says what is
// wrong: the count, the first share that is not > 0, or the sum.
TEST(CheckpointTest, MemberSharesProblemNamesWhatIsWrong) {
  EXPECT_EQ(MemberSharesProblem({0.75, 0.25}, 2), "");
  EXPECT_EQ(MemberSharesProblem({0.5, 0.3, 0.2}, 3), "");
  const std::string expected = "expected one share > 0 for each of the 2 networks, summing to 1; got ";
  EXPECT_EQ(MemberSharesProblem({0.5, 0.25, 0.25}, 2), expected + "3 shares");
  EXPECT_EQ(MemberSharesProblem({1.5, -0.5}, 2), expected + "a share of -0.5");
  EXPECT_EQ(MemberSharesProblem({std::nan(""), 1.0}, 2), expected + "a share of nan");
  EXPECT_EQ(MemberSharesProblem({0.5, 0.25}, 2), expected + "2 summing to 0.750000");
  EXPECT_EQ(MemberSharesProblem({1.0}, 1), "expected shares only for two or more networks, got 1 for one");
}

TEST(CheckpointTest, AnEnsembleMissingANetworksTensorOrCountingBadlyIsDamaged) {
  Checkpoint c = MakeEnsemble(2);
  c.weights.erase(std::find_if(c.weights.begin(), c.weights.end(),
                               [](const NamedTensor& t) { return t.name == "member1.lstm.bias_ih_l0"; }));
  const Status missing = ValidateCheckpoint(c);
  EXPECT_EQ(missing.code(), Status::Code::kCorruption);
  EXPECT_NE(missing.message().find("'member1.lstm.bias_ih_l0' is missing"), std::string::npos) << missing.message();
  const std::string bytes = SerializeCheckpoint(MakeEnsemble(2));
  for (int members : {0, 17, 3}) {
    auto r = ParseCheckpoint(EditHeader(bytes, [&](nlohmann::json& h) { h["model"]["members"] = members; }), "e.ckpt");
    ASSERT_FALSE(r.ok()) << members;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << members;
    EXPECT_NE(r.status().message().find(members == 3 ? "'member2.embed.weight' is missing" : "networks"),
              std::string::npos) << r.status().message();
  }
  // Counted as one network, the second's tensors are extras, named.
  auto one = ParseCheckpoint(EditHeader(bytes, [](nlohmann::json& h) { h["model"]["members"] = 1; }), "e.ckpt");
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.status().message().find("expected 11 tensors for 2 layers, got 22"), std::string::npos)
      << one.status().message();
  auto uncounted = ParseCheckpoint(EditHeader(bytes, [](nlohmann::json& h) { h["model"].erase("members"); }), "e.ckpt");
  ASSERT_FALSE(uncounted.ok());
  EXPECT_EQ(uncounted.status().code(), Status::Code::kCorruption);
}

TEST(CheckpointTest, AnUnknownOrMissingTokenizerIsRefused) {
  const std::string bytes = SerializeCheckpoint(MakeTokenCheckpoint());
  auto unknown = ParseCheckpoint(EditHeader(bytes, [](nlohmann::json& h) { h["tokenizer"] = "bpe"; }), "bpe.ckpt");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(unknown.status().message().find("'bpe'"), std::string::npos) << unknown.status().message();
  auto missing = ParseCheckpoint(EditHeader(bytes, [](nlohmann::json& h) { h.erase("tokenizer"); }), "v3.ckpt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kCorruption);
  // Tokens in a file that says its vocabulary is characters: damaged, naming the symbol.
  auto chars = ParseCheckpoint(EditHeader(bytes, [](nlohmann::json& h) { h["tokenizer"] = "char"; }), "v3.ckpt");
  ASSERT_FALSE(chars.ok());
  EXPECT_NE(chars.status().message().find("single UTF-8 character"), std::string::npos) << chars.status().message();
}

TEST(CheckpointTest, NoteRunsRoundTripAndAreCheckedLikeTensors) {
  Checkpoint c = MakeCheckpoint();
  EXPECT_TRUE(ParseCheckpoint(SerializeCheckpoint(c), "none.ckpt")->note_runs.hashes.empty());
  c.note_runs = {32, "abcrnn-note-run-1", {3, 17, 0xFFFFFFFFFFFFFFF0ull}};
  const std::string bytes = SerializeCheckpoint(c);
  auto back = ParseCheckpoint(bytes, "runs.ckpt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->note_runs.notes, 32);
  EXPECT_EQ(back->note_runs.hash, "abcrnn-note-run-1");
  EXPECT_EQ(back->note_runs.hashes, c.note_runs.hashes);
  // They are not the model: the fingerprint in generated tunes stays that of the weights.
  EXPECT_EQ(CheckpointFingerprint(*back), CheckpointFingerprint(MakeCheckpoint()));
  // The hashes are the last 64 bytes of data (three values and padding); a flip in them is caught.
  for (size_t i = bytes.size() - 64; i < bytes.size() - 64 + 24; ++i) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x10);
    auto r = ParseCheckpoint(damaged, "flip.ckpt");
    ASSERT_FALSE(r.ok()) << "byte " << i;
    EXPECT_NE(r.status().message().find("note runs"), std::string::npos) << r.status().ToString();
  }
  Checkpoint unsorted = c;
  unsorted.note_runs.hashes = {17, 3};
  Status s = WriteCheckpoint(::testing::TempDir() + "/unsorted.ckpt", unsorted);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("strictly increasing"), std::string::npos) << s.ToString();
}

TEST(CheckpointTest, TruncationAtAnyLengthIsAnError) {
  std::string bytes = SerializeCheckpoint(MakeCheckpoint());
  for (size_t n = 0; n < bytes.size(); n += std::max<size_t>(1, n / 7)) {
    auto r = ParseCheckpoint(std::string_view(bytes).substr(0, n), "cut.ckpt");
    EXPECT_FALSE(r.ok()) << "accepted a file cut at " << n << " of " << bytes.size() << " bytes";
  }
  auto extra = ParseCheckpoint(bytes + "junk", "long.ckpt");
  EXPECT_FALSE(extra.ok());
}

TEST(CheckpointTest, EveryFlippedByteIsDetected) {
  std::string bytes = SerializeCheckpoint(MakeCheckpoint());
  std::mt19937 gen(7);
  int accepted = 0;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ (1 + gen() % 255));
    auto r = ParseCheckpoint(damaged, "flip.ckpt");
    // Padding bytes between tensors carry no meaning; a flip there may be accepted, but then the
    // contents must be the original ones.
    if (r.ok()) {
      ++accepted;
      EXPECT_EQ(CheckpointFingerprint(*r), CheckpointFingerprint(MakeCheckpoint())) << "byte " << i;
    }
  }
  EXPECT_LT(accepted, static_cast<int>(bytes.size() / 3 / 4));
}

TEST(CheckpointTest, WrongShapeMissingTensorAndNaNAreNamed) {
  Checkpoint c = MakeCheckpoint();
  c.weights[1].shape = {3, 3};
  Status s = WriteCheckpoint("/tmp/never-written.ckpt", c);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("lstm.weight_ih_l0"), std::string::npos);

  Checkpoint missing = MakeCheckpoint();
  missing.weights.pop_back();
  EXPECT_NE(ValidateCheckpoint(missing).message().find("'head.bias' is missing"), std::string::npos)
      << ValidateCheckpoint(missing).message();
  Checkpoint extra = MakeCheckpoint();
  extra.weights.push_back({"stray.weight", {1}, {0.0f}});
  EXPECT_NE(ValidateCheckpoint(extra).message().find("'stray.weight' is not one of them"), std::string::npos)
      << ValidateCheckpoint(extra).message();

  Checkpoint nan = MakeCheckpoint();
  nan.weights[0].data[3] = std::nanf("");
  EXPECT_NE(ValidateCheckpoint(nan).message().find("NaN"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists("/tmp/never-written.ckpt"));
}

TEST(CheckpointTest, ExpectedWeightsFollowPyTorchNamesAndShapes) {
  ModelConfig m{40, 16, 32, 3, 0};
  auto w = ExpectedWeights(m);
  ASSERT_EQ(w.size(), 2u + 4u * 3u + 1u);
  EXPECT_EQ(w[0].first, "embed.weight");
  EXPECT_EQ(w[1].first, "lstm.weight_ih_l0");
  EXPECT_EQ(w[1].second, (std::vector<int64_t>{128, 16}));
  EXPECT_EQ(w[5].first, "lstm.weight_ih_l1");
  EXPECT_EQ(w[5].second, (std::vector<int64_t>{128, 32}));
  EXPECT_EQ(w.back().first, "head.bias");
}

TEST(CheckpointTest, AFormClockIsRecordedWithItsWeightsAndAnUnknownSchemeIsRefused) {
  Checkpoint c = MakeCheckpoint(2, 8, 5, abc::kFormClockScheme);
  ASSERT_NE(c.Find("clock.weight"), nullptr);
  EXPECT_EQ(c.Find("clock.weight")->shape,
            (std::vector<int64_t>{54, 5}));  // scheme 2: form and type rows
  // A scheme 1 model (the form alone, 41 rows) still reads.
  Checkpoint older = MakeCheckpoint(2, 8, 5, 1);
  EXPECT_EQ(older.Find("clock.weight")->shape, (std::vector<int64_t>{41, 5}));
  EXPECT_TRUE(ValidateCheckpoint(older).ok()) << ValidateCheckpoint(older).ToString();
  EXPECT_EQ(ExpectedWeights(c.model)[1].first, "clock.weight");  // PyTorch's order: right after embed
  auto back = ParseCheckpoint(SerializeCheckpoint(c), "m.ckpt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->model.form_clock, abc::kFormClockScheme);
  EXPECT_EQ(back->Find("clock.weight")->data, c.Find("clock.weight")->data);
  // A model without a clock writes no form_clock key, so older readers still read it.
  EXPECT_EQ(SerializeCheckpoint(MakeCheckpoint()).find("form_clock"), std::string::npos);
  // A clock scheme from a later abcrnn: refused, naming what this one knows.
  Checkpoint later = c;
  later.model.form_clock = abc::kFormClockFinalScheme + 1;
  Status st = ValidateCheckpoint(later);
  EXPECT_EQ(st.code(), Status::Code::kUnsupported);
  EXPECT_NE(st.message().find("form clock scheme"), std::string::npos) << st.message();
  // A scheme 2 model whose clock has scheme 1's rows: the shape is named.
  Checkpoint mixed = c;
  mixed.model.form_clock = 1;
  EXPECT_NE(ValidateCheckpoint(mixed).message().find("clock.weight"), std::string::npos)
      << ValidateCheckpoint(mixed).message();
  // The weights and the shape disagree: named.
  Checkpoint missing = MakeCheckpoint();
  missing.model.form_clock = abc::kFormClockScheme;
  EXPECT_NE(ValidateCheckpoint(missing).message().find("clock.weight"), std::string::npos)
      << ValidateCheckpoint(missing).message();
}

TEST(CheckpointTest, TheOutputDropoutIsRecordedOnlyWhenUsed) {
  Checkpoint c = MakeCheckpoint();
  c.model.output_dropout = 0.25f;
  auto back = ParseCheckpoint(SerializeCheckpoint(c), "m.ckpt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FLOAT_EQ(back->model.output_dropout, 0.25f);
  // Without it, no key: the file is the one written before the option existed, and it reads as 0.
  const std::string plain = SerializeCheckpoint(MakeCheckpoint());
  EXPECT_EQ(plain.find("output_dropout"), std::string::npos);
  EXPECT_EQ(ParseCheckpoint(plain, "m.ckpt")->model.output_dropout, 0.0f);
  c.model.output_dropout = 1.0f;
  EXPECT_EQ(ValidateCheckpoint(c).code(), Status::Code::kCorruption) << "a dropout of 1 drops everything";
}

TEST(CheckpointTest, TheWeightDropIsRecordedOnlyWhenUsed) {
  Checkpoint c = MakeCheckpoint();
  c.model.weight_drop = 0.2f;
  auto back = ParseCheckpoint(SerializeCheckpoint(c), "m.ckpt");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FLOAT_EQ(back->model.weight_drop, 0.2f);
  const std::string plain = SerializeCheckpoint(MakeCheckpoint());
  EXPECT_EQ(plain.find("weight_drop"), std::string::npos) << "a model without it is the file it was";
  EXPECT_EQ(ParseCheckpoint(plain, "m.ckpt")->model.weight_drop, 0.0f);
  c.model.weight_drop = 1.0f;
  EXPECT_EQ(ValidateCheckpoint(c).code(), Status::Code::kCorruption) << "dropping every weight";
  c.model.weight_drop = -0.1f;
  EXPECT_EQ(ValidateCheckpoint(c).code(), Status::Code::kCorruption);
}

TEST(CheckpointTest, AnOldShippedModelReadsAsAnLstmAndWritesBackByteForByte) {
  // Old checkpoints load unchanged: the model shipped on 2026-11-29 (version 1, no architecture;
  // a copy kept in tests/golden) reads as an LSTM, and writing it again gives the same bytes.
  const std::string path = testing::OldShippedModel();
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto ckpt = ParseCheckpoint(*bytes, path);
  ASSERT_TRUE(ckpt.ok()) << ckpt.status().ToString();
  EXPECT_EQ(ckpt->model.architecture, "lstm");
  EXPECT_TRUE(SerializeCheckpoint(*ckpt) == *bytes);
}

}  // namespace
}  // namespace abcrnn
