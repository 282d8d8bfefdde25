// ReadFile, WriteFileAtomically and ExpandPaths on POSIX; the callers format no messages of
// their own for I/O failures, these do (path and errno text).
#include "abcrnn/util/file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <utility>

namespace abcrnn {
namespace fs = std::filesystem;

namespace {
std::string Errno() { return std::strerror(errno); }

bool EndsWithAny(const std::string& name, const std::vector<std::string>& exts) {
  for (const auto& e : exts) {
    if (name.size() >= e.size()) {
      bool same = std::equal(e.rbegin(), e.rend(), name.rbegin(),
                             [](char a, char b) { return std::tolower(a) == std::tolower(b); });
      if (same) return true;
    }
  }
  return exts.empty();
}
}  // namespace

Result<std::string> ReadFile(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": cannot open for reading: " + Errno());
  // Sized from fstat and read in large blocks (a checkpoint is megabytes: this is on the
  // sampler's start-up path); a file that grows or is not a regular file is read to its end.
  struct stat st {};
  std::string data;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) data.resize(static_cast<size_t>(st.st_size));
  size_t used = 0;
  for (;;) {
    if (used == data.size()) data.resize(std::max<size_t>(data.size() * 2, 1 << 16));
    const ssize_t n = ::read(fd, &data[used], data.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = Errno();
      ::close(fd);
      return Status::IOError(path + ": read failed: " + why);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(used);
  return data;
}

Result<MappedFile> MappedFile::Open(const std::string& path) {
  MappedFile f;
  if (path != "-") {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::IOError(path + ": cannot open for reading: " + Errno());
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* m = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      const std::string why = m == MAP_FAILED ? Errno() : std::string();
      ::close(fd);
      if (m == MAP_FAILED) return Status::IOError(path + ": cannot map for reading: " + why);
      f.map_ = static_cast<char*>(m);
      f.size_ = static_cast<size_t>(st.st_size);
      return f;
    }
    ::close(fd);
  }
  Result<std::string> data = ReadFile(path);
  if (!data.ok()) return data.status();
  f.read_ = std::move(data).value();
  return f;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)), size_(std::exchange(other.size_, 0)), read_(std::move(other.read_)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (map_ != nullptr) ::munmap(map_, size_);
    map_ = std::exchange(other.map_, nullptr);
    size_ = std::exchange(other.size_, 0);
    read_ = std::move(other.read_);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (map_ != nullptr) ::munmap(map_, size_);
}

Result<FileReader> FileReader::Open(const std::string& path) {
  if (path == "-") return FileReader(path, STDIN_FILENO);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": cannot open for reading: " + Errno());
  return FileReader(path, fd);
}

FileReader::FileReader(FileReader&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

FileReader& FileReader::operator=(FileReader&& other) noexcept {
  if (this != &other) {
    if (fd_ > STDIN_FILENO) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileReader::~FileReader() {
  if (fd_ > STDIN_FILENO) ::close(fd_);
}

Result<size_t> FileReader::Append(std::string* out, size_t max) {
  const size_t used = out->size();
  out->resize(used + max);
  ssize_t n;
  do n = ::read(fd_, &(*out)[used], max);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    const std::string why = Errno();
    out->resize(used);
    return Status::IOError(path_ + ": read failed: " + why);
  }
  out->resize(used + static_cast<size_t>(n));
  return static_cast<size_t>(n);
}

namespace {

// Writes every byte to an already open descriptor; false (errno set) on failure.
bool WriteAll(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

namespace {

// Creates `.NAME.tmp.XXXXXX` beside `path` (in *dir), making missing folders above it first (as
// `-o new/dir/out.abc` asks): its descriptor, or -1 with errno set.
int OpenTempBeside(const std::string& path, fs::path* dir, std::string* temp) {
  const fs::path target(path);
  *dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(*dir, ec) && !fs::create_directories(*dir, ec) && ec) {
    errno = ec.value();  // why the folder could not be made ("Permission denied"), not mkstemp's
    return -1;
  }
  *temp = (*dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
  return mkstemp(temp->data());
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  std::error_code ec;
  // A symbolic link stays one: the file it points to is replaced.
  if (fs::is_symlink(fs::symlink_status(path, ec))) {
    const fs::path resolved = fs::canonical(path, ec);
    if (!ec) return WriteFileAtomically(resolved.string(), bytes);
  }
  // A FIFO, a terminal or /dev/stdout cannot be replaced by a file (a FIFO's reader would wait
  // forever): the bytes are written into it.
  const fs::file_status st = fs::status(path, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st)) {
    if (fs::is_directory(st)) return Status::IOError(path + ": expected a file, got a folder");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::IOError(path + ": cannot open for writing: " + Errno());
    const bool ok = WriteAll(fd, bytes);
    const std::string err = ok ? "" : Errno();
    ::close(fd);
    if (!ok) return Status::IOError(path + ": write failed: " + err);
    return Status::OK();
  }
  fs::path dir;
  std::string tmpl;
  const int fd = OpenTempBeside(path, &dir, &tmpl);
  if (fd < 0) return Status::IOError(path + ": cannot create a temporary file in " + dir.string() + ": " + Errno());
  if (!WriteAll(fd, bytes)) {
    Status s = Status::IOError(path + ": write failed: " + Errno());
    ::close(fd);
    ::unlink(tmpl.c_str());
    return s;
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) {
    Status s = Status::IOError(path + ": flush failed: " + Errno());
    ::close(fd);
    ::unlink(tmpl.c_str());
    return s;
  }
  if (::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    return Status::IOError(path + ": close failed: " + Errno());
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    Status s = Status::IOError(path + ": rename from temporary file failed: " + Errno());
    ::unlink(tmpl.c_str());
    return s;
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::OK();
}

namespace {

// A folder with no file of `extensions`: say so, naming a few files it does hold.
Status NothingToRead(const std::string& folder, const std::vector<std::string>& extensions) {
  std::string want;
  for (size_t i = 0; i < extensions.size(); ++i) want += (i ? " or " : "") + extensions[i];
  std::vector<std::string> others;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(folder, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file()) others.push_back(fs::relative(it->path(), folder, ec).string());
  }
  std::sort(others.begin(), others.end());
  std::string found;
  for (size_t i = 0; i < others.size() && i < 3; ++i) found += (i ? ", " : "") + others[i];
  if (others.size() > 3) found += ", ... (" + std::to_string(others.size()) + " files)";
  return Status::NotFound(folder + ": no " + want + " files in this folder" +
                          (others.empty() ? std::string(" (it holds no files)")
                                          : " (found " + found + "; pass a file by name to read it)"));
}

}  // namespace

AtomicFileBatch::~AtomicFileBatch() {
  for (const Pending& p : pending_) ::unlink(p.temp.c_str());
}

Status AtomicFileBatch::Add(const std::string& path, std::string_view bytes) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st)) return WriteFileAtomically(path, bytes);
  fs::path dir;
  std::string tmpl;
  const int fd = OpenTempBeside(path, &dir, &tmpl);
  if (fd < 0) return Status::IOError(path + ": cannot create a temporary file in " + dir.string() + ": " + Errno());
  const bool ok = WriteAll(fd, bytes) && ::fchmod(fd, 0644) == 0;
  const std::string why = ok ? "" : Errno();
  if (::close(fd) != 0 || !ok) {
    ::unlink(tmpl.c_str());
    return Status::IOError(path + ": write failed: " + (ok ? Errno() : why));
  }
  pending_.push_back({std::move(tmpl), path});
  return pending_.size() >= kFilesPerFlush ? Flush() : Status::OK();
}

Status AtomicFileBatch::Flush() {
  std::vector<std::string> dirs;  // the folders of the batch, each once
  for (const Pending& p : pending_) {
    const fs::path t(p.target);
    const std::string dir = t.has_parent_path() ? t.parent_path().string() : ".";
    if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
  }
  // The data first (one sync of each folder's file system), then the names.
  for (const std::string& dir : dirs) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool synced = dfd >= 0 && ::syncfs(dfd) == 0;
    const std::string why = synced ? "" : Errno();
    if (dfd >= 0) ::close(dfd);
    if (!synced) return Status::IOError(dir + ": flush failed: " + why);
  }
  Status status;
  size_t done = 0;
  for (; done < pending_.size(); ++done) {
    const Pending& p = pending_[done];
    if (::rename(p.temp.c_str(), p.target.c_str()) != 0) {
      status = Status::IOError(p.target + ": rename from temporary file failed: " + Errno());
      break;
    }
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(done));
  for (const std::string& dir : dirs) {
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return status;
}

Result<std::vector<std::string>> ExpandPaths(const std::vector<std::string>& paths,
                                             const std::vector<std::string>& extensions) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    if (p == "-") {
      out.push_back(p);
      continue;
    }
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(p + ": no such file or folder");
    if (fs::is_directory(st)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (it->is_regular_file() && EndsWithAny(it->path().filename().string(), extensions))
          found.push_back(it->path().string());
      }
      if (ec) return Status::IOError(p + ": cannot list folder: " + ec.message());
      if (found.empty()) return NothingToRead(p, extensions);
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace abcrnn
