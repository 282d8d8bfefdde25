// The cells (checkpoint architectures) that parameterised tests run for: a fixture derived from
// ::testing::TestWithParam<const char*> reads its cell from GetParam(), and
// ABCRNN_FOR_EVERY_CELL(Fixture) runs its TEST_Ps once per cell, named .../lstm and .../gru.
#pragma once

#include <gtest/gtest.h>

#include <string>

#define ABCRNN_FOR_EVERY_CELL(Fixture)                  \
  INSTANTIATE_TEST_SUITE_P(                             \
      Cells, Fixture, ::testing::Values("lstm", "gru"), \
      [](const ::testing::TestParamInfo<const char*>& i) { return std::string(i.param); })
