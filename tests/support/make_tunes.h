// Every tune GenerateTunes makes with options `o`, in index order; a failed run is a test failure.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "abcrnn/infer/generate.h"

namespace abcrnn::testing {

inline std::vector<GeneratedTune> MakeTunes(const FastEngine& engine, const Vocab& vocab, const GenerateOptions& o) {
  std::vector<GeneratedTune> out;
  Status st = GenerateTunes(engine, vocab, o, [&](const GeneratedTune& t) {
    out.push_back(t);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

}  // namespace abcrnn::testing
