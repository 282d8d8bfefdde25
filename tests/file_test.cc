// Specification of util/file: atomic writes leave either the old or the new file, never a part.
#include "abcrnn/util/file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "abcrnn/util/file_lock.h"

namespace abcrnn {
namespace {
namespace fs = std::filesystem;

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn_file_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(FileTest, AtomicWriteReplacesContentAndLeavesNoTemporaryFile) {
  std::string path = (dir_ / "out.txt").string();
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second version").ok());
  auto read = ReadFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "second version");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FileTest, AtomicWriteKeepsSymlinksAndWritesIntoFifosAndDevices) {
  const std::string real = (dir_ / "real.abc").string(), link = (dir_ / "link.abc").string();
  ASSERT_TRUE(WriteFileAtomically(real, "old").ok());
  fs::create_symlink("real.abc", link);
  ASSERT_TRUE(WriteFileAtomically(link, "new").ok());
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(*ReadFile(real), "new");
  // A FIFO gets the bytes (its reader would otherwise wait forever for a file that replaced it).
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = *ReadFile(fifo); });
  EXPECT_TRUE(WriteFileAtomically(fifo, "through the pipe").ok());
  reader.join();
  EXPECT_EQ(got, "through the pipe");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_TRUE(WriteFileAtomically("/dev/null", "gone").ok());
  EXPECT_FALSE(WriteFileAtomically(dir_.string(), "x").ok());  // a folder is not replaced
  EXPECT_TRUE(fs::is_directory(dir_));
}

TEST_F(FileTest, ABatchPutsEveryFileInPlaceOnlyWhenFlushed) {
  AtomicFileBatch batch;
  const size_t n = AtomicFileBatch::kFilesPerFlush + 10;  // one flush on the way, one at the end
  ASSERT_TRUE(WriteFileAtomically((dir_ / "0.txt").string(), "old").ok());
  for (size_t i = 0; i < n; ++i) ASSERT_TRUE(batch.Add((dir_ / (std::to_string(i) + ".txt")).string(), std::to_string(i)).ok());
  // The first kFilesPerFlush are in place; the last 10 wait as temporary files.
  EXPECT_TRUE(fs::exists(dir_ / "100.txt"));
  EXPECT_FALSE(fs::exists(dir_ / (std::to_string(n - 1) + ".txt")));
  ASSERT_TRUE(batch.Flush().ok());
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, static_cast<int>(n));  // and no temporary file
  for (size_t i : {size_t{0}, size_t{1}, n - 1}) {
    auto read = ReadFile((dir_ / (std::to_string(i) + ".txt")).string());
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(*read, std::to_string(i));
  }
}

TEST_F(FileTest, ABatchNeverFlushedLeavesTheOldFilesAndNoTemporaryOne) {
  ASSERT_TRUE(WriteFileAtomically((dir_ / "a.txt").string(), "old").ok());
  {
    AtomicFileBatch batch;
    ASSERT_TRUE(batch.Add((dir_ / "a.txt").string(), "new").ok());
    ASSERT_TRUE(batch.Add((dir_ / "b.txt").string(), "new").ok());
  }
  EXPECT_EQ(*ReadFile((dir_ / "a.txt").string()), "old");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(FileTest, MissingFoldersAreMadeAndAFolderThatCannotBeIsAnIOErrorNamingThePath) {
  const std::string path = (dir_ / "no" / "such" / "out.txt").string();
  ASSERT_TRUE(WriteFileAtomically(path, "x").ok());
  EXPECT_EQ(*ReadFile(path), "x");
  AtomicFileBatch batch;
  const std::string other = (dir_ / "new" / "a.mid").string();
  ASSERT_TRUE(batch.Add(other, "y").ok());
  ASSERT_TRUE(batch.Flush().ok());
  EXPECT_EQ(*ReadFile(other), "y");
  // Under a file, no folder can be made.
  const std::string under_file = path + "/out.txt";
  Status s = WriteFileAtomically(under_file, "x");
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_NE(s.message().find(under_file), std::string::npos);
}

TEST_F(FileTest, ReadReturnsEveryByteOfLargeAndEmptyFilesAndOfPipes) {
  std::string big(3 * 1000 * 1000 + 7, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 2654435761u >> 13);
  const std::string path = (dir_ / "big.bin").string();
  ASSERT_TRUE(WriteFileAtomically(path, big).ok());
  auto read = ReadFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(*read == big);
  ASSERT_TRUE(WriteFileAtomically(path, "").ok());
  read = ReadFile(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, "");
  // Not a regular file: no size from fstat, read to its end.
  auto proc = ReadFile("/proc/self/status");
  ASSERT_TRUE(proc.ok());
  EXPECT_NE(proc->find("Name:"), std::string::npos);
}

TEST_F(FileTest, ReadMissingFileIsAnIOError) {
  auto r = ReadFile((dir_ / "missing.abc").string());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIOError);
}

TEST_F(FileTest, AMappedFileHoldsEveryByteAndOutlivesTheFileBeingReplaced) {
  std::string big(3 * 1000 * 1000 + 7, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 2654435761u >> 13);
  const std::string path = (dir_ / "big.bin").string();
  ASSERT_TRUE(WriteFileAtomically(path, big).ok());
  auto mapped = MappedFile::Open(path);
  ASSERT_TRUE(mapped.ok());
  EXPECT_TRUE(mapped->bytes() == big);
  // A new file under the same name (as abcrnn writes: rename): the mapping keeps the old bytes.
  ASSERT_TRUE(WriteFileAtomically(path, "new").ok());
  EXPECT_TRUE(mapped->bytes() == big);
  MappedFile moved = std::move(mapped).value();
  EXPECT_EQ(moved.bytes().size(), big.size());
  // Empty files and files that are not regular are read instead of mapped.
  ASSERT_TRUE(WriteFileAtomically(path, "").ok());
  auto empty = MappedFile::Open(path);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->bytes(), "");
  auto proc = MappedFile::Open("/proc/self/status");
  ASSERT_TRUE(proc.ok());
  EXPECT_NE(proc->bytes().find("Name:"), std::string::npos);
  auto missing = MappedFile::Open((dir_ / "missing.ckpt").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kIOError);
  EXPECT_NE(missing.status().message().find("missing.ckpt"), std::string::npos);
}

TEST_F(FileTest, ExpandPathsListsFolderFilesSortedByExtension) {
  ASSERT_TRUE(WriteFileAtomically((dir_ / "b.abc").string(), "X:1").ok());
  ASSERT_TRUE(WriteFileAtomically((dir_ / "a.ABC").string(), "X:1").ok());
  ASSERT_TRUE(WriteFileAtomically((dir_ / "notes.txt").string(), "").ok());
  auto r = ExpandPaths({dir_.string()}, {".abc"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(fs::path((*r)[0]).filename(), "a.ABC");
  EXPECT_EQ(fs::path((*r)[1]).filename(), "b.abc");
  EXPECT_FALSE(ExpandPaths({(dir_ / "nope").string()}, {".abc"}).ok());
}

}  // namespace
}  // namespace abcrnn

namespace abcrnn {
namespace {

TEST(FileLockTest, OneHolderAtATimeNamedByItsPidAndReleasedWithTheLock) {
  const std::string path = ::testing::TempDir() + "/abcrnn_lock_" + std::to_string(::getpid());
  {
    auto first = FileLock::TryAcquire(path);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    auto second = FileLock::TryAcquire(path);  // another open file: flock refuses it too
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.status().message().find("held by another process (pid " + std::to_string(::getpid()) + ")"),
              std::string::npos)
        << second.status().message();
  }
  auto again = FileLock::TryAcquire(path);  // the first was released with its FileLock
  EXPECT_TRUE(again.ok());
  EXPECT_FALSE(FileLock::TryAcquire("/proc/abcrnn-no/lock").ok());
  std::remove(path.c_str());
}

}  // namespace
}  // namespace abcrnn
