// Specification of the trainer: a tiny model learns, checkpoints describe the run and round-trip
// through the model, an interrupted and resumed run equals an uninterrupted one bit for bit, a
// diverging run stops with a clear message. Tiny models: each test takes seconds.
#include "abcrnn/train/trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "abcrnn/abc/form_clock.h"
#include "abcrnn/infer/gru.h"
#include "abcrnn/infer/lstm.h"
#include "abcrnn/util/file.h"
#include "model/char_lstm.h"
#include "train/train_internal.h"
#include "torch/tiny_tunes.h"

namespace abcrnn {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string FreshDir(const std::string& name) {
  std::string d = ::testing::TempDir() + "/abcrnn_trainer_" + name;
  fs::remove_all(d);
  return d;
}

TrainOptions Tiny(const std::string& out) {
  TrainOptions o;
  o.layers = 2;
  o.hidden = 32;
  o.embed = 16;
  o.dropout = 0;
  o.batch = 4;
  o.seq = 32;
  o.lr = 1e-2;
  o.warmup_steps = 5;
  o.valid_fraction = 0.2;
  o.sample_chars = 0;
  o.threads = 1;
  o.patience = 0;
  o.out_dir = out;
  return o;
}

Corpus TinyCorpus(int n, double valid_fraction) {
  auto c = BuildCorpus(testing::TinyTunes(n), valid_fraction);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

TEST(TrainerTest, TinyModelLearnsAHandfulOfTunesWellBelowTheUnigramEntropy) {
  TrainOptions o = Tiny(FreshDir("learns"));
  o.steps = 100;
  o.eval_every = 50;
  o.sample_chars = 120;
  Corpus c = TinyCorpus(30, o.valid_fraction);
  ASSERT_GE(c.valid.size(), 2u);
  std::vector<EvalInfo> evals;
  TrainHooks hooks;
  hooks.on_eval = [&](const EvalInfo& e) { evals.push_back(e); };
  auto r = Train(o, c, hooks);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_GE(evals.size(), 2u);  // every epoch end and every 50 steps
  const double bits = r->best_valid_loss / std::log(2.0);
  // The unigram entropy is 4.3 bits/char; stepwise runs and the fixed bar structure are worth far
  // more than one bit (0.5-1 bits/char is reached after 100-250 steps).
  EXPECT_LT(bits, c.unigram_bits - 1.0) << "unigram " << c.unigram_bits;
  std::cout << "valid " << bits << " bits/char, unigram " << c.unigram_bits << " bits/char, first validation "
            << evals.front().valid_bits << "\n";
  EXPECT_FALSE(evals.back().sample.empty());
  EXPECT_NEAR(evals.back().valid_bits, evals.back().valid_loss / std::log(2.0), 1e-12);
}

// P(first character of every tune | <bos>) from a zero state: how generation starts a tune.
double StartProbability(Batching batching, const std::string& dir) {
  TrainOptions o = Tiny(FreshDir(dir));
  o.batching = batching;
  o.steps = 200;
  Corpus c = TinyCorpus(30, o.valid_fraction);
  auto r = Train(o, c, {});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return 0;
  auto ck = ReadCheckpoint(r->last_checkpoint);
  EXPECT_TRUE(ck.ok()) << ck.status().ToString();
  if (!ck.ok()) return 0;
  const int m = ck->vocab.Encode("M").value().at(0);
  auto weights = RnnWeightsFromCheckpoint(*ck);
  EXPECT_TRUE(weights.ok());
  ReferenceLstm engine(std::move(weights).value());
  ReferenceLstm::State state = engine.InitialState();
  std::vector<float> logits(engine.config().vocab_size);
  engine.Step(Vocab::kBos, &state, logits.data());
  double top = *std::max_element(logits.begin(), logits.end()), sum = 0;
  for (float l : logits) sum += std::exp(l - top);
  return std::exp(logits[m] - top) / sum;
}

// Generation starts every tune from a zero state and <bos>; the default layout must train that
// start. Packed lanes start a tune from the previous tune's state (a lane's first tune aside): a
// 2 x 384 model packed on the corpus gave 'M', every tune's first character, 27% after <bos>
// from a zero state, and 17 of 300 sampled headers were well formed.
TEST(TrainerTest, DefaultLayoutTeachesTheTuneStartFromTheZeroStateGenerationUses) {
  ASSERT_EQ(TrainOptions{}.batching, Batching::kBucket);
  const double bucket = StartProbability(Batching::kBucket, "start_bucket");
  const double pack = StartProbability(Batching::kPack, "start_pack");
  std::cout << "P('M' | <bos>, zero state) after 200 steps: bucket " << bucket << ", pack " << pack << "\n";
  EXPECT_GT(bucket, 0.5);
  EXPECT_GT(bucket, pack);
}

TEST(TrainerTest, CheckpointsDescribeTheRunAndMetricsHaveOneLinePerValidation) {
  TrainOptions o = Tiny(FreshDir("describe"));
  o.epochs = 2;
  o.eval_every = 10;
  Corpus c = TinyCorpus(20, o.valid_fraction);
  auto r = Train(o, c, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto ck = ReadCheckpoint(r->best_checkpoint);
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  EXPECT_TRUE(ValidateCheckpoint(*ck).ok());
  EXPECT_EQ(ck->model.hidden, 32);
  EXPECT_EQ(ck->model.layers, 2);
  EXPECT_EQ(ck->vocab, c.vocab);
  json meta = json::parse(ck->metadata_json);
  EXPECT_EQ(meta["format"], "abcrnn-train-metadata");
  EXPECT_EQ(meta["data"]["fingerprint"], c.fingerprint);
  EXPECT_EQ(meta["training"]["batch"], 4);
  EXPECT_EQ(meta["kind"], "best");
  EXPECT_NEAR(meta["best_valid_bits"].get<double>(), r->best_valid_loss / std::log(2.0), 1e-9);
  auto last = ReadCheckpoint(r->last_checkpoint);
  ASSERT_TRUE(last.ok());
  json last_meta = json::parse(last->metadata_json);
  auto metrics = ReadFile(o.out_dir + "/metrics.jsonl");
  ASSERT_TRUE(metrics.ok());
  size_t lines = 0;
  for (size_t p = 0; (p = metrics->find('\n', p)) != std::string::npos; ++p, ++lines) {
  }
  EXPECT_EQ(lines, last_meta["history"].size());
  EXPECT_GE(lines, 2u);
  EXPECT_TRUE(json::parse(metrics->substr(0, metrics->find('\n'))).contains("valid_bits"));
  EXPECT_TRUE(fs::exists(o.out_dir + "/train.log"));
  EXPECT_TRUE(fs::exists(o.out_dir + "/last.ckpt"));
}

TEST(TrainerTest, CheckpointWeightsRoundTripThroughTheModel) {
  ModelConfig mc;
  mc.vocab_size = 11;
  mc.embed = 5;
  mc.hidden = 7;
  mc.layers = 3;
  torch::manual_seed(3);
  CharLSTM a(mc);
  Checkpoint ck;
  ck.model = mc;
  ck.vocab = Vocab::Build({"abcdefghi"});
  ck.weights = ExportWeights(a);
  ASSERT_TRUE(ValidateCheckpoint(ck).ok()) << ValidateCheckpoint(ck).ToString();
  auto back = ParseCheckpoint(SerializeCheckpoint(ck), "memory");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  CharLSTM b(back->model);
  ASSERT_TRUE(ImportWeights(b, back->weights).ok());
  auto ids = torch::randint(0, 11, {2, 9}, torch::kLong);
  auto la = std::get<0>(a->forward(ids));
  auto lb = std::get<0>(b->forward(ids));
  EXPECT_TRUE(torch::equal(la, lb));
}

// Trains `o`, stopped (as by Ctrl-C) after `stop_after` steps: the last.ckpt it saved then.
Result<Checkpoint> TrainUntil(const TrainOptions& o, const Corpus& c, int64_t stop_after) {
  std::atomic<bool> stop{false};
  TrainHooks hooks;
  hooks.stop = &stop;
  hooks.on_step = [&](const StepInfo& s) { stop = s.step == stop_after; };
  auto r = Train(o, c, hooks);
  if (!r.ok()) return r.status();
  if (!r->interrupted || r->steps != stop_after)
    return Status::Internal("expected a run stopped at step " + std::to_string(stop_after) + ", got " +
                            std::to_string(r->steps) + " steps");
  return ReadCheckpoint(o.out_dir + "/last.ckpt");
}

// Runs `o` to the end, or stops after `stop_after` steps and resumes from last.ckpt.
Result<Checkpoint> RunMaybeInterrupted(TrainOptions o, const Corpus& c, int64_t stop_after) {
  if (stop_after == 0) {
    auto r = Train(o, c, {});
    if (!r.ok()) return r.status();
  } else {
    auto ck = TrainUntil(o, c, stop_after);
    if (!ck.ok()) return ck.status();
    auto again = Train(o, c, {}, &*ck);
    if (!again.ok()) return again.status();
    EXPECT_FALSE(again->interrupted);
  }
  return ReadCheckpoint(o.out_dir + "/last.ckpt");
}

void ExpectResumeIsExact(Batching mode, const std::string& cell = "lstm") {
  TrainOptions o = Tiny(FreshDir("resume_full_" + cell + BatchingName(mode)));
  o.cell = cell;
  o.batching = mode;
  o.dropout = 0.3f;      // the dropout masks must be reproduced too
  o.weight_drop = 0.2f;  // and the weight drop's
  o.epochs = 3;
  o.eval_every = 4;
  Corpus c = TinyCorpus(24, o.valid_fraction);
  auto full = RunMaybeInterrupted(o, c, 0);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  o.out_dir = FreshDir("resume_cut_" + cell + BatchingName(mode));
  auto cut = RunMaybeInterrupted(o, c, 7);  // mid-epoch, between validations
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  ASSERT_EQ(full->weights.size(), cut->weights.size());
  for (size_t i = 0; i < full->weights.size(); ++i) {
    EXPECT_EQ(full->weights[i].name, cut->weights[i].name);
    EXPECT_TRUE(full->weights[i].data == cut->weights[i].data) << "differs: " << full->weights[i].name;
  }
  ASSERT_EQ(full->optimizer.size(), cut->optimizer.size());
  for (size_t i = 0; i < full->optimizer.size(); ++i)
    EXPECT_TRUE(full->optimizer[i].data == cut->optimizer[i].data) << "differs: " << full->optimizer[i].name;
  EXPECT_EQ(json::parse(full->metadata_json)["step"], json::parse(cut->metadata_json)["step"]);
}

TEST(TrainerTest, InterruptedAndResumedPackedRunEqualsUninterruptedBitForBit) { ExpectResumeIsExact(Batching::kPack); }

TEST(TrainerTest, InterruptedAndResumedBucketedRunEqualsUninterruptedBitForBit) {
  ExpectResumeIsExact(Batching::kBucket);
}

TEST(TrainerTest, InterruptedAndResumedGruRunsEqualUninterruptedBitForBit) {
  // A GRU carries h alone between windows (packed) and no c is saved or expected on resume.
  ExpectResumeIsExact(Batching::kPack, "gru");
  ExpectResumeIsExact(Batching::kBucket, "gru");
}

TEST(TrainerTest, AGruLearnsAndItsCheckpointIsATorchNnGruTheSamplerRuns) {
  TrainOptions o = Tiny(FreshDir("gru"));
  o.cell = "gru";
  o.steps = 60;
  Corpus c = TinyCorpus(24, o.valid_fraction);
  auto r = Train(o, c, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const double bits = r->best_valid_loss / std::log(2.0);
  EXPECT_LT(bits, c.unigram_bits - 0.5) << "unigram " << c.unigram_bits;
  auto ck = ReadCheckpoint(r->last_checkpoint);
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  EXPECT_EQ(ck->model.architecture, "gru");
  EXPECT_EQ(json::parse(ck->metadata_json)["training"]["cell"], "gru");
  ASSERT_NE(ck->Find("gru.weight_hh_l1"), nullptr);
  EXPECT_EQ(ck->Find("gru.weight_hh_l1")->shape, (std::vector<int64_t>{3 * 32, 32}));
  // The trained module and the sampler's reference GRU give the same logits on the same weights.
  CharLSTM model(ck->model);
  ASSERT_TRUE(ImportWeights(model, ck->weights).ok());
  model->eval();
  auto weights = RnnWeightsFromCheckpoint(*ck);
  ASSERT_TRUE(weights.ok()) << weights.status().ToString();
  ReferenceGru ref(std::move(weights).value());
  auto state = ref.InitialState();
  const std::vector<int> ids = c.train.front();
  torch::NoGradGuard no_grad;
  auto logits = std::get<0>(model->forward(torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()), torch::kLong)
                                               .view({1, -1})));  // (1,T,V)
  std::vector<float> step(ck->model.vocab_size);
  double worst = 0;
  for (size_t t = 0; t < ids.size(); ++t) {
    ref.Step(ids[t], &state, step.data());
    for (int v = 0; v < ck->model.vocab_size; ++v)
      worst = std::max(worst, std::abs(double(step[v]) - logits[0][t][v].item<double>()));
  }
  EXPECT_LT(worst, 1e-4);
}

TEST(TrainerTest, FusedAndReferenceLstmTrainAlikeToFloatRounding) {
  // The same run with each LSTM kernel (dropout on: the masks must agree too): the training
  // losses of every step agree to float rounding, amplified a little by Adam over the steps.
  auto losses = [&](bool reference) {
    TrainOptions o = Tiny(FreshDir(reference ? "kernel_reference" : "kernel_fused"));
    o.dropout = 0.3f;
    o.steps = 12;
    o.reference_lstm = reference;
    Corpus c = TinyCorpus(24, o.valid_fraction);
    std::vector<double> l;
    TrainHooks hooks;
    hooks.on_step = [&](const StepInfo& s) { l.push_back(s.loss); };
    EXPECT_TRUE(Train(o, c, hooks).ok());
    return l;
  };
  std::vector<double> fused = losses(false), reference = losses(true);
  ASSERT_EQ(fused.size(), 12u);
  ASSERT_EQ(fused.size(), reference.size());
  double worst = 0;
  for (size_t i = 0; i < fused.size(); ++i) worst = std::max(worst, std::abs(fused[i] - reference[i]));
  EXPECT_LT(worst, 1e-4) << "largest difference of a step's loss, nats/char";
  std::cout << "largest loss difference over 12 steps: " << worst << " nats/char\n";
}

TEST(TrainerTest, ResumeWithOtherDataIsRefused) {
  TrainOptions o = Tiny(FreshDir("otherdata"));
  o.steps = 3;
  Corpus c = TinyCorpus(20, o.valid_fraction);
  ASSERT_TRUE(Train(o, c, {}).ok());
  auto ck = ReadCheckpoint(o.out_dir + "/last.ckpt");
  ASSERT_TRUE(ck.ok());
  auto other = BuildCorpus(testing::TinyTunes(21), o.valid_fraction, &ck->vocab);
  ASSERT_TRUE(other.ok());
  auto r = Train(o, *other, {}, &*ck);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("fingerprint"), std::string::npos) << r.status().message();
}

TEST(TrainerTest, DivergingLossStopsWithAClearMessage) {
  TrainOptions o = Tiny(FreshDir("diverge"));
  o.lr = 9.0;
  o.clip = 0;
  o.warmup_steps = 0;
  o.steps = 200;
  Corpus c = TinyCorpus(20, o.valid_fraction);
  auto r = Train(o, c, {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("training diverged at step"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("lower --lr"), std::string::npos);
}

TEST(TrainerTest, EarlyStoppingEndsTheRunAfterPatienceValidationsWithoutImprovement) {
  TrainOptions o = Tiny(FreshDir("patience"));
  o.lr = 1e-30;  // updates far below float32 resolution: the validation loss cannot improve
  o.steps = 100;
  o.eval_every = 1;
  o.patience = 2;
  Corpus c = TinyCorpus(20, o.valid_fraction);
  auto r = Train(o, c, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->early_stopped);
  EXPECT_EQ(r->steps, 3);  // step 1 is the best; steps 2 and 3 do not improve on it
  auto best = ReadCheckpoint(r->best_checkpoint);
  ASSERT_TRUE(best.ok());
  EXPECT_EQ(json::parse(best->metadata_json)["best_step"], 1);
}

// --oversample: the epoch holds each tune of the named type that many times; the checkpoint
// records it, and a run resumed with the options the checkpoint gives back (not the caller's) goes
// on bit for bit. A type no training tune has is refused, naming the option.
TEST(TrainerTest, OversampledTypesAreRecordedAndAResumedRunGoesOnExactly) {
  std::vector<std::string> tunes = testing::TinyTunes(24);
  for (size_t i = 0; i < tunes.size(); i += 3) tunes[i] = "R:hornpipe\n" + tunes[i];
  auto built = BuildCorpus(tunes, 0.2);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const Corpus& c = *built;
  const auto hornpipes = std::count(c.train_type.begin(), c.train_type.end(), "hornpipe");
  ASSERT_GE(hornpipes, 2);
  TrainOptions o = Tiny(FreshDir("oversample_full"));
  o.dropout = 0.3f;
  o.epochs = 2;
  o.eval_every = 4;
  o.oversample = {{"hornpipe", 3}};
  auto full = RunMaybeInterrupted(o, c, 0);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(json::parse(full->metadata_json)["training"]["oversample"], json({{"hornpipe", 3}}));
  auto log = ReadFile(o.out_dir + "/train.log");
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("oversample: each of the " + std::to_string(hornpipes) +
                      " training tunes of type hornpipe is in every epoch 3 times"),
            std::string::npos) << *log;

  // Two epochs with every hornpipe three times take more steps than two epochs without.
  TrainOptions plain = o;
  plain.out_dir = FreshDir("oversample_plain");
  plain.oversample.clear();
  auto once = RunMaybeInterrupted(plain, c, 0);
  ASSERT_TRUE(once.ok()) << once.status().ToString();
  EXPECT_GT(json::parse(full->metadata_json)["step"].get<int64_t>(),
            json::parse(once->metadata_json)["step"].get<int64_t>());

  TrainOptions cut = o;
  cut.out_dir = FreshDir("oversample_cut");
  auto ck = TrainUntil(cut, c, 7);
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  TrainOptions caller = Tiny(cut.out_dir);  // no --oversample on the resuming command line
  auto resumed = OptionsFromCheckpoint(*ck, caller);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->oversample, o.oversample);
  auto again = Train(*resumed, c, {}, &*ck);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto last = ReadCheckpoint(cut.out_dir + "/last.ckpt");
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(full->weights.size(), last->weights.size());
  for (size_t i = 0; i < full->weights.size(); ++i)
    EXPECT_TRUE(full->weights[i].data == last->weights[i].data) << "differs: " << full->weights[i].name;

  TrainOptions none = o;
  none.out_dir = FreshDir("oversample_none");
  none.oversample = {{"reel", 2}};
  auto refused = Train(none, c, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("--oversample reel=2: expected training tunes of type reel"),
            std::string::npos) << refused.status().message();
}

// A checkpoint's weights as tensors, by name.
std::map<std::string, torch::Tensor> Tensors(const std::vector<NamedTensor>& named) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& t : named) out[t.name] = FromNamed(t);
  return out;
}

// --ema: the checkpoints hold the average of the weights after every step (computed here from a
// run without averaging, whose weights after each step are read back), validation judges the
// average, training itself does not change, and an interrupted run resumes exactly.
TEST(TrainerTest, WeightAveragingSavesTheAverageTrainsOnTheWeightsAndResumesExactly) {
  Corpus c = TinyCorpus(24, 0.2);
  TrainOptions plain = Tiny(FreshDir("ema_plain"));
  plain.dropout = 0.3f;
  plain.epochs = 2;
  plain.eval_every = 1;  // last.ckpt after every step: read back at the next validation
  std::vector<std::map<std::string, torch::Tensor>> after;  // weights after step 0, 1, 2, ...
  {
    std::atomic<bool> stop{true};  // stopped before its first step: last.ckpt holds the initial weights
    TrainHooks hooks;
    hooks.stop = &stop;
    auto r = Train(plain, c, hooks);
    ASSERT_TRUE(r.ok() && r->interrupted && r->steps == 0) << r.status().ToString();
    auto ck = ReadCheckpoint(plain.out_dir + "/last.ckpt");
    ASSERT_TRUE(ck.ok()) << ck.status().ToString();
    after.push_back(Tensors(ck->weights));
  }
  TrainHooks read_back;
  read_back.on_eval = [&](const EvalInfo& e) {  // before this step's save: last.ckpt is the step before
    if (e.step < 2) return;
    auto ck = ReadCheckpoint(plain.out_dir + "/last.ckpt");
    ASSERT_TRUE(ck.ok()) << ck.status().ToString();
    after.push_back(Tensors(ck->weights));
  };
  auto r = Train(plain, c, read_back);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto plain_last = ReadCheckpoint(plain.out_dir + "/last.ckpt");
  ASSERT_TRUE(plain_last.ok());
  after.push_back(Tensors(plain_last->weights));
  const int64_t steps = r->steps;
  ASSERT_EQ(static_cast<int64_t>(after.size()), steps + 1);
  ASSERT_GE(steps, 12);

  TrainOptions avg = plain;
  avg.out_dir = FreshDir("ema_full");
  avg.eval_every = 4;
  avg.ema = 0.8;
  auto full = RunMaybeInterrupted(avg, c, 0);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(json::parse(full->metadata_json)["training"]["ema"], 0.8);

  // The average, step by step, as the trainer computes it.
  std::map<std::string, torch::Tensor> expected;
  for (const auto& [name, t] : after[0]) expected[name] = t.clone();
  for (int64_t n = 0; n < steps; ++n) {
    const double decay = std::min(0.8, (1.0 + static_cast<double>(n)) / (10.0 + static_cast<double>(n)));
    for (auto& [name, t] : expected) t.mul_(decay).add_(after[static_cast<size_t>(n) + 1].at(name), 1.0 - decay);
  }
  bool differs_from_last = false;
  for (const auto& [name, t] : Tensors(full->weights)) {
    ASSERT_TRUE(expected.count(name)) << name;
    EXPECT_TRUE(torch::allclose(t, expected.at(name), 0, 1e-6)) << "not the average: " << name;
    differs_from_last |= !torch::allclose(t, after.back().at(name), 0, 1e-4);
  }
  EXPECT_TRUE(differs_from_last) << "the average equals the last weights: the test checks nothing";

  // Training is the run without averaging: its weights ("live.") and Adam moments are that run's.
  CharLSTM live_model(full->model);
  ASSERT_TRUE(ImportWeights(live_model, plain_last->weights).ok());
  auto saved = Tensors(full->optimizer);
  auto plain_state = Tensors(plain_last->optimizer);
  for (const auto& p : live_model->named_parameters()) {
    ASSERT_TRUE(saved.count("live." + p.key())) << p.key();
    EXPECT_TRUE(torch::equal(saved.at("live." + p.key()), p.value())) << "live weights differ: " << p.key();
    EXPECT_TRUE(torch::equal(saved.at("adam.exp_avg." + p.key()), plain_state.at("adam.exp_avg." + p.key())));
  }

  // Validation judged the average: best.ckpt's weights score its recorded best.
  auto best = ReadCheckpoint(avg.out_dir + "/best.ckpt");
  ASSERT_TRUE(best.ok()) << best.status().ToString();
  CharLSTM best_model(best->model);
  ASSERT_TRUE(ImportWeights(best_model, best->weights).ok());
  const double scored = train::EvaluateLoss(best_model, c.valid, avg.batch, avg.seq);
  EXPECT_NEAR(scored, json::parse(best->metadata_json)["best_valid_loss"].get<double>(), 1e-6);

  // Interrupted mid-epoch and resumed with the options the checkpoint gives back: bit for bit.
  TrainOptions cut = avg;
  cut.out_dir = FreshDir("ema_cut");
  auto resumed = RunMaybeInterrupted(cut, c, 7);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  ASSERT_EQ(full->weights.size(), resumed->weights.size());
  for (size_t i = 0; i < full->weights.size(); ++i)
    EXPECT_TRUE(full->weights[i].data == resumed->weights[i].data) << "differs: " << full->weights[i].name;
  ASSERT_EQ(full->optimizer.size(), resumed->optimizer.size());
  for (size_t i = 0; i < full->optimizer.size(); ++i)
    EXPECT_TRUE(full->optimizer[i].data == resumed->optimizer[i].data) << "differs: " << full->optimizer[i].name;
  auto ck7 = ReadCheckpoint(cut.out_dir + "/last.ckpt");
  ASSERT_TRUE(ck7.ok());
  auto back = OptionsFromCheckpoint(*ck7, Tiny(cut.out_dir));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ema, 0.8);
  PlanGiven given;
  given.ema = true;
  auto off = OptionsFromCheckpoint(*ck7, Tiny(cut.out_dir), given);
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->ema, 0.0);  // the command line's --ema (here none) wins when given

  // Turned off on --resume, training goes on from the live weights, not the average: the run
  // without averaging, step for step.
  TrainOptions stopped = avg;
  stopped.out_dir = FreshDir("ema_off");
  auto at7 = TrainUntil(stopped, c, 7);
  ASSERT_TRUE(at7.ok()) << at7.status().ToString();
  stopped.ema = 0;
  auto rest = Train(stopped, c, {}, &*at7);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  auto off_last = ReadCheckpoint(stopped.out_dir + "/last.ckpt");
  ASSERT_TRUE(off_last.ok());
  for (size_t i = 0; i < plain_last->weights.size(); ++i)
    EXPECT_TRUE(plain_last->weights[i].data == off_last->weights[i].data) << "differs: " << plain_last->weights[i].name;
  for (const auto& t : off_last->optimizer) EXPECT_NE(t.name.rfind("live.", 0), 0u) << t.name;
}

TEST(TrainerTest, BadOptionsAreRefusedNamingTheOption) {
  TrainOptions o = Tiny(FreshDir("bad"));
  o.hidden = 0;
  Status s = CheckTrainOptions(o);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("--hidden: expected"), std::string::npos) << s.message();
  o = Tiny(FreshDir("bad"));
  o.cell = "transformer";
  EXPECT_NE(CheckTrainOptions(o).message().find("--cell: expected lstm or gru, got 'transformer'"), std::string::npos)
      << CheckTrainOptions(o).message();
  o.cell = "gru";
  o.reference_lstm = true;
  EXPECT_NE(CheckTrainOptions(o).message().find("--reference-lstm"), std::string::npos);
  o = Tiny(FreshDir("bad"));
  o.ema = 1;
  EXPECT_NE(CheckTrainOptions(o).message().find("--ema: expected a decay in [0, 1)"), std::string::npos)
      << CheckTrainOptions(o).message();
  o = Tiny("/proc/abcrnn-cannot-write-here");
  s = CheckTrainOptions(o);
  EXPECT_EQ(s.code(), Status::Code::kIOError) << s.ToString();
}

// Tunes of 3 to 10 bars, the count in their N:form line: where a tune ends is written 200
// characters before it.
std::vector<std::string> FormTunes(int n) {
  std::vector<std::string> tunes = testing::TinyTunes(n, 5);
  uint64_t s = 7;
  for (auto& t : tunes) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    const int bars = 3 + static_cast<int>((s >> 33) % 8);
    std::string music = t.substr(t.find("K:D\n") + 4), kept;
    int written = 0;
    for (size_t i = 0; i < music.size() && written < bars; ++i) {
      if (music[i] == '\n') continue;
      kept += music[i];
      if (music[i] == '|') ++written;
    }
    kept.back() = '|';
    t = "N:form " + std::to_string(bars) + "\nM:6/8\nL:1/8\nK:D\n" + kept + "]\n";
  }
  return tunes;
}

// The form clock tells the model where the tune ends: on tunes whose length is only in the header,
// a clocked model predicts the held-out tunes better than the same model without the clock, and
// its checkpoint, run by the torch-free reference engine with the trainer's clocks, gives the
// trainer's logits.
TEST(TrainerTest, TheFormClockTeachesWhereTunesEndAndTheSamplerSeesWhatTheTrainerSaw) {
  auto corpus = BuildCorpus(FormTunes(60), 0.25);
  ASSERT_TRUE(corpus.ok()) << corpus.status().ToString();
  AddFormClocks(&*corpus);
  double bits[2] = {0, 0};
  std::string clocked_ckpt;
  for (int clock = 0; clock < 2; ++clock) {
    TrainOptions o = Tiny(FreshDir(clock ? "clock" : "noclock"));
    o.form_clock = clock == 1 ? abc::kFormClockScheme : 0;
    o.steps = 300;
    auto r = Train(o, *corpus, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    bits[clock] = r->best_valid_loss / std::log(2.0);
    if (clock) clocked_ckpt = r->last_checkpoint;
  }
  std::cout << "validation without the clock " << bits[0] << " bits/char, with it " << bits[1] << "\n";
  EXPECT_LT(bits[1], bits[0] - 0.02);

  auto ck = ReadCheckpoint(clocked_ckpt);
  ASSERT_TRUE(ck.ok()) << ck.status().ToString();
  ASSERT_EQ(ck->model.form_clock, abc::kFormClockScheme);
  CharLSTM model(ck->model);
  ASSERT_TRUE(ImportWeights(model, ck->weights).ok());
  model->eval();
  const std::vector<int>& ids = corpus->valid[0];
  const std::vector<abc::FormClock>& clocks = corpus->valid_clock[0];
  const int T = static_cast<int>(ids.size()) - 1;
  std::vector<int64_t> id64(ids.begin(), ids.begin() + T), rows;
  for (int t = 0; t < T; ++t) rows.insert(rows.end(), clocks[t].begin(), clocks[t].end());
  torch::NoGradGuard no_grad;
  auto [logits, state] = model->forward(torch::tensor(id64).view({1, T}), {}, torch::tensor(rows).view({1, T, abc::kFormClockFields}));
  auto weights = RnnWeightsFromCheckpoint(*ck);
  ASSERT_TRUE(weights.ok());
  ReferenceLstm ref(std::move(weights).value());
  auto st = ref.InitialState();
  std::vector<float> out(ck->model.vocab_size);
  double worst = 0;
  for (int t = 0; t < T; ++t) {
    ref.Step(ids[t], &st, out.data(), clocks[t].data());
    for (int v = 0; v < ck->model.vocab_size; ++v)
      worst = std::max(worst, std::abs(double(out[v]) - logits[0][t][v].item<double>()));
  }
  EXPECT_LT(worst, 1e-4);
}

// Tunes whose last bar says which type they are ("DDD DDD" for a reel, "AAA AAA" for a jig), with
// the type only in the R: line, 40 to 150 characters back: further than the 32-character windows
// the model is trained on.
std::vector<std::string> TypedTunes(int n) {
  std::vector<std::string> tunes = FormTunes(n);
  for (size_t i = 0; i < tunes.size(); ++i) {
    std::string& t = tunes[i];
    const bool reel = i % 2 == 0;
    const size_t end = t.rfind("|]");
    const size_t last_bar = t.rfind('|', end - 1) + 1;
    t = (reel ? "R:reel\n" : "R:jig\n") + t.substr(0, last_bar) + (reel ? "DDD DDD" : "AAA AAA") + t.substr(end);
  }
  return tunes;
}

// The type row of form clock scheme 2 carries the type to the end of the tune: a scheme 2 model
// puts its mass on the right cadence note of held-out tunes, where the same model in scheme 1
// (the form alone) cannot tell a reel's last bar from a jig's.
TEST(TrainerTest, TheTypeRowCarriesTheTypeToTheLastBar) {
  auto corpus = BuildCorpus(TypedTunes(80), 0.25);
  ASSERT_TRUE(corpus.ok()) << corpus.status().ToString();
  AddFormClocks(&*corpus);
  double right[3] = {0, 0, 0};
  int tunes = 0;
  for (int scheme = 1; scheme <= 2; ++scheme) {
    TrainOptions o = Tiny(FreshDir("type" + std::to_string(scheme)));
    o.form_clock = scheme;
    o.steps = 1500;
    auto r = Train(o, *corpus, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto ck = ReadCheckpoint(r->last_checkpoint);
    ASSERT_TRUE(ck.ok()) << ck.status().ToString();
    ASSERT_EQ(ck->model.form_clock, scheme);
    auto weights = RnnWeightsFromCheckpoint(*ck);
    ASSERT_TRUE(weights.ok());
    ReferenceLstm ref(std::move(weights).value());
    std::vector<float> logits(ck->model.vocab_size);
    tunes = 0;
    for (size_t i = 0; i < corpus->valid.size(); ++i) {
      const std::vector<int>& ids = corpus->valid[i];
      std::string text;
      for (size_t k = 1; k + 1 < ids.size(); ++k) text += corpus->vocab.symbol(ids[k]);
      const bool reel = text.find("R:reel\n") == 0;
      const size_t cadence = text.rfind(reel ? "DDD DDD|]" : "AAA AAA|]");
      ASSERT_NE(cadence, std::string::npos) << text;
      // Input t is ids[t]; the character at text[j] is ids[j + 1], predicted after input j.
      auto state = ref.InitialState();
      for (size_t t = 0; t <= cadence; ++t) ref.Step(ids[t], &state, logits.data(), corpus->valid_clock[i][t].data());
      const int want = ids[cadence + 1];
      const float top = *std::max_element(logits.begin(), logits.end());
      double sum = 0;
      for (float l : logits) sum += std::exp(l - top);
      right[scheme] += std::exp(logits[want] - top) / sum;
      ++tunes;
    }
    right[scheme] /= tunes;
  }
  std::cout << tunes << " held-out tunes: the right cadence note has probability " << right[1]
            << " in scheme 1, " << right[2] << " in scheme 2\n";
  ASSERT_GE(tunes, 10);
  EXPECT_GT(right[2], 0.8);
  EXPECT_GT(right[2], right[1] + 0.2);
}

// The sample shown at each validation draws as the sampler does: never <bos>, however likely the
// model finds it (it used to draw its own way and could).
// Validation computes only a window's rows that hold data (Window::rows) and carries only those
// rows' state: the loss must be what each tune scores alone, from a zero state, summed.
TEST(TrainerTest, ValidationOverWindowsThatDropEndedTunesEqualsEachTuneScoredAlone) {
  ModelConfig c;
  c.vocab_size = 9;
  c.embed = 4;
  c.hidden = 6;
  c.layers = 2;
  torch::manual_seed(5);
  CharLSTM model(c);
  std::vector<std::vector<int>> tunes;
  int64_t predictions = 0;
  for (int len : {23, 5, 17, 9, 30, 12, 7}) {
    std::vector<int> t{Vocab::kBos};
    for (int i = 1; i + 1 < len; ++i) t.push_back(2 + (i * len) % 7);
    t.push_back(Vocab::kEos);
    predictions += len - 1;
    tunes.push_back(t);
  }
  // Batch 4, windows of 6: the groups' shorter tunes end windows before their longest.
  const double batched = train::EvaluateLoss(model, tunes, 4, 6);
  double alone = 0;
  for (const auto& t : tunes) alone += train::EvaluateLoss(model, {t}, 1, 64) * static_cast<double>(t.size() - 1);
  EXPECT_NEAR(batched, alone / static_cast<double>(predictions), 1e-6);
}

TEST(TrainerTest, TheValidationSampleNeverDrawsBos) {
  Vocab vocab = Vocab::Build({"ABC|\n"});
  ModelConfig c;
  c.vocab_size = vocab.size();
  c.embed = 4;
  c.hidden = 8;
  c.layers = 1;
  torch::manual_seed(3);
  CharLSTM model(c);
  {
    torch::NoGradGuard no_grad;
    model->head->bias[Vocab::kBos] = 5.0f;  // most of the mass on <bos>
    model->head->bias[Vocab::kEos] = -20.0f;
  }
  const std::string tune = train::SampleTune(model, vocab, 60, 11);
  // Decoding drops <bos>: 60 characters back means none of the 60 draws was <bos>.
  EXPECT_EQ(SplitCharacters(tune).size(), 60u) << tune;
}

}  // namespace
}  // namespace abcrnn
