// An exclusive lock on a file (flock), held until the FileLock is destroyed or the process ends,
// however it ends (SIGKILL included: the kernel releases it). Used by abcrnn train to keep two runs
// out of one --out folder. POSIX; movable, not copyable.
#pragma once

#include <string>

#include "abcrnn/util/status.h"

namespace abcrnn {

class FileLock {
 public:
  // Creates `path` if needed, locks it without waiting and writes this process's id into it.
  // InvalidArgument (naming the holder's process id when it wrote one) when another process holds it;
  // IOError when the file cannot be opened.
  static Result<FileLock> TryAcquire(const std::string& path);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace abcrnn
