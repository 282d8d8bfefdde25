// Specification of the tune archive (serve/archive.h): tunes kept with their commands, search,
// stars, deletion, reopening, a file that is not an archive refused, and a kill -9 in the middle
// of writing leaving every committed tune readable.
#include "abcrnn/serve/archive.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace abcrnn::serve {
namespace {

namespace fs = std::filesystem;

class ArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn-archive-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "tunes.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  static ArchivedTune Tune(const std::string& title) {
    ArchivedTune t;
    t.title = title;
    t.abc = "X:1\nT:" + title + "\nK:D\nABc|\n";
    t.command = "abcrnn generate --seed 1";
    t.seed = 1;
    t.model = "fp";
    return t;
  }
  fs::path dir_;
  std::string path_;
};

TEST_F(ArchiveTest, TunesAreKeptSearchedStarredAndDeletedAcrossReopening) {
  {
    auto a = Archive::Open(path_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    std::vector<ArchivedTune> tunes = {Tune("The 100% Reel"), Tune("Jig_Two")};
    ASSERT_TRUE((*a)->Add(&tunes).ok());
    EXPECT_EQ(tunes[0].id, 1);
    EXPECT_EQ(tunes[1].id, 2);
    EXPECT_FALSE(tunes[0].created.empty());
    ASSERT_TRUE((*a)->Star(2, true).ok());
    EXPECT_EQ((*a)->Star(9, true).code(), Status::Code::kNotFound);
  }
  auto a = Archive::Open(path_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ArchiveQuery q;
  EXPECT_EQ((*a)->List(q)->size(), 2u);
  EXPECT_EQ((*a)->List(q)->front().title, "Jig_Two");  // newest first
  q.text = "100%";  // % and _ are literal
  EXPECT_EQ((*a)->List(q)->size(), 1u);
  q.text = "g_T";
  EXPECT_EQ((*a)->List(q)->size(), 1u);
  q.text = "1_0";
  EXPECT_EQ((*a)->List(q)->size(), 0u);
  q.text = "";
  q.starred_only = true;
  ASSERT_EQ((*a)->List(q)->size(), 1u);
  EXPECT_TRUE((*a)->Get(2)->starred);
  ASSERT_TRUE((*a)->Delete(1).ok());
  EXPECT_EQ((*a)->Get(1).status().code(), Status::Code::kNotFound);
  EXPECT_EQ((*a)->Delete(1).code(), Status::Code::kNotFound);
}

TEST_F(ArchiveTest, AFileThatIsNotAnArchiveIsRefusedAndLeftAlone) {
  { std::ofstream(path_) << "not a database at all, just some text that is long enough to be a header"; }
  auto a = Archive::Open(path_);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("expected an SQLite file"), std::string::npos) << a.status().message();
}

TEST_F(ArchiveTest, AKillInTheMiddleOfWritingLeavesEveryCommittedTune) {
  const pid_t child = ::fork();
  if (child == 0) {
    auto a = Archive::Open(path_);
    if (!a.ok()) ::_exit(1);
    for (int i = 0;; ++i) {
      std::vector<ArchivedTune> batch(20, Tune("tune " + std::to_string(i)));
      if (!(*a)->Add(&batch).ok()) ::_exit(2);
    }
  }
  ::usleep(400 * 1000);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto a = Archive::Open(path_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ArchiveQuery q;
  q.limit = 200;
  auto tunes = (*a)->List(q);
  ASSERT_TRUE(tunes.ok()) << tunes.status().ToString();
  EXPECT_GT(tunes->size(), 0u);
  EXPECT_EQ(tunes->front().id % 20, 0);  // whole transactions only
  std::vector<ArchivedTune> more = {Tune("after")};
  EXPECT_TRUE((*a)->Add(&more).ok());
}

}  // namespace
}  // namespace abcrnn::serve
