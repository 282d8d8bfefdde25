// The fixture of the tests that run abcrnn-train on tiny data: a fresh folder per test
// (TempDir/<prefix><test name>) holding tunes.abc with 24 tiny tunes (tiny_tunes.h).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>

#include "abcrnn/util/file.h"
#include "torch/tiny_tunes.h"

namespace abcrnn::testing {

class TinyTunesFolderTest : public ::testing::Test {
 protected:
  explicit TinyTunesFolderTest(std::string prefix) : prefix_(std::move(prefix)) {}
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/" + prefix_ + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    data_ = dir_ + "/tunes.abc";
    ASSERT_TRUE(WriteFileAtomically(data_, TinyTunesFile(24)).ok());
  }
  std::string prefix_;
  std::string dir_;   // the test's folder
  std::string data_;  // dir_/tunes.abc
};

}  // namespace abcrnn::testing
