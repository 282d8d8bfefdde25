// Whole-file reading and atomic writing. Every file abcrnn writes goes through
// WriteFileAtomically: a temporary file beside the target, flushed (fsync), then renamed, so a
// crash or a kill never leaves a half-written file under the target's name.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "abcrnn/util/status.h"

namespace abcrnn {

// Reads the whole file as bytes. "-" reads standard input.
Result<std::string> ReadFile(const std::string& path);

// A whole file as read-only bytes: mapped (mmap) when it is a regular file, so that nothing is
// copied and the pages come from the page cache as they are read; read into memory otherwise
// ("-", pipes). Files abcrnn writes are replaced by rename, never rewritten in place, so a mapping
// stays valid while another process writes a new checkpoint under the same name. A file another
// program truncates in place while it is mapped (`cp` over it) makes reading past its new end
// fault (SIGBUS): map only files read once, briefly (a checkpoint at load). Move-only.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view bytes() const { return map_ != nullptr ? std::string_view(map_, size_) : std::string_view(read_); }

 private:
  MappedFile() = default;
  char* map_ = nullptr;  // the mapping, or nullptr when read_ holds the bytes
  size_t size_ = 0;
  std::string read_;
};

// A file read in pieces, for inputs too large to hold whole. "-" reads standard input (which
// is not closed). Move-only; closes its file when destroyed.
class FileReader {
 public:
  static Result<FileReader> Open(const std::string& path);
  FileReader(FileReader&& other) noexcept;
  FileReader& operator=(FileReader&& other) noexcept;
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;
  ~FileReader();

  // Appends up to `max` bytes to *out: the number appended, 0 at the end of the file, or an
  // IOError naming the file.
  Result<size_t> Append(std::string* out, size_t max);
  const std::string& path() const { return path_; }

 private:
  FileReader(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
};

// Writes `bytes` to `path` atomically (temporary file, fsync, rename, fsync of the folder). A
// symbolic link is kept (the file it points to is replaced); a FIFO, device or /dev/stdout is
// written into, not replaced; a folder is an IOError.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

// Many files written atomically for a few flushes: Add writes each to a temporary file beside
// its target, unflushed; Flush makes a batch durable with one syncfs(2) per file system, renames
// each file into place and flushes the folders. A crash leaves under each name the old file or
// the whole new one, never part of one (and at most a batch of temporary files). Add flushes by
// itself every kFilesPerFlush files; a target that is a link, FIFO or device goes through
// WriteFileAtomically. Not thread-safe.
class AtomicFileBatch {
 public:
  static constexpr size_t kFilesPerFlush = 1024;
  AtomicFileBatch() = default;
  AtomicFileBatch(const AtomicFileBatch&) = delete;
  AtomicFileBatch& operator=(const AtomicFileBatch&) = delete;
  ~AtomicFileBatch();  // removes the temporary files of a batch not flushed

  Status Add(const std::string& path, std::string_view bytes);
  Status Flush();

 private:
  struct Pending {
    std::string temp, target;
  };
  std::vector<Pending> pending_;
};

// The files named by `paths`: a file stands for itself; a folder stands for every file below it
// whose name ends in one of `extensions` (e.g. ".abc"), sorted by path so runs are reproducible.
// "-" is kept as is (standard input).
Result<std::vector<std::string>> ExpandPaths(const std::vector<std::string>& paths,
                                             const std::vector<std::string>& extensions);

}  // namespace abcrnn
