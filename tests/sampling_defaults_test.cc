// Specification of a checkpoint's recommended sampling (metadata "generation"): absent means the
// sampling every older model drew with; a record is read field by field, checked, and written
// back without touching the rest of the metadata.
#include <gtest/gtest.h>

#include <limits>

#include <nlohmann/json.hpp>

#include "abcrnn/infer/sampling_defaults.h"

namespace abcrnn {
namespace {

TEST(SamplingDefaults, ACheckpointWithoutARecordDrawsAsBefore) {
  auto s = SamplingDefaultsOfMetadata(R"({"step": 40, "cleaning": {"transpose_to": "C"}})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->temperature, 0.9);
  EXPECT_EQ(s->top_k, 0);
  EXPECT_EQ(s->top_p, 1.0);
}

TEST(SamplingDefaults, ARecordIsReadFieldByFieldAndMissingFieldsKeepTheDefault) {
  auto s = SamplingDefaultsOfMetadata(R"({"generation": {"temperature": 0.95}})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->temperature, 0.95);
  EXPECT_EQ(s->top_k, 0);
  EXPECT_EQ(s->top_p, 1.0);
  s = SamplingDefaultsOfMetadata(R"({"generation": {"temperature": 1, "top_k": 12, "top_p": 0.9}})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->temperature, 1.0);
  EXPECT_EQ(s->top_k, 12);
  EXPECT_EQ(s->top_p, 0.9);
}

TEST(SamplingDefaults, WritingKeepsTheOtherKeysAndReadsBackExactly) {
  const std::string meta = R"({"step": 40, "generation": {"temperature": 0.5}, "training": {"seq": 128}})";
  const SamplingDefaults want{0.95, 3, 0.875};
  const std::string written = WithSamplingDefaults(meta, want);
  const nlohmann::json j = nlohmann::json::parse(written);
  EXPECT_EQ(j["step"], 40);
  EXPECT_EQ(j["training"]["seq"], 128);
  auto back = SamplingDefaultsOfMetadata(written);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->temperature, 0.95);
  EXPECT_EQ(back->top_k, 3);
  EXPECT_EQ(back->top_p, 0.875);
}

TEST(SamplingDefaults, MalformedOrOutOfRangeRecordsAreRefusedByName) {
  struct Case {
    const char* metadata;
    const char* names;
  };
  for (const Case& c : {Case{"not json", "metadata"},
                        Case{R"({"generation": 0.9})", "an object"},
                        Case{R"({"generation": {"temperature": "hot"}})", "temperature"},
                        Case{R"({"generation": {"temperature": -0.1}})", "temperature"},
                        Case{R"({"generation": {"top_k": 2.5}})", "top_k"},
                        Case{R"({"generation": {"top_k": -1}})", "top_k"},
                        Case{R"({"generation": {"top_p": 0}})", "top_p"},
                        Case{R"({"generation": {"top_p": 1.5}})", "top_p"}}) {
    auto s = SamplingDefaultsOfMetadata(c.metadata);
    ASSERT_FALSE(s.ok()) << c.metadata;
    EXPECT_NE(s.status().message().find(c.names), std::string::npos) << c.metadata << ": " << s.status().message();
  }
  EXPECT_TRUE(CheckSampling({0.0, 0, 1.0}).ok());  // greedy is a choice
  EXPECT_FALSE(CheckSampling({std::numeric_limits<double>::infinity(), 0, 1.0}).ok());
}

}  // namespace
}  // namespace abcrnn
