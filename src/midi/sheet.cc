// Sheet music through abcm2ps: the ABC goes into a private temporary folder, abcm2ps (and ps2pdf
// for PDF) run there without a shell, and the result is copied atomically to the target.
#include "abcrnn/midi/sheet.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "abcrnn/util/file.h"

extern char** environ;

namespace abcrnn::midi {
namespace {
namespace fs = std::filesystem;

// A temporary folder removed when it goes out of scope.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "abcrnn-sheet-XXXXXX").string();
    if (::mkdtemp(tmpl.data())) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr int kCannotStart = -1;
constexpr int kOverTime = -2;
constexpr int kStopped = -3;

// Runs argv (absolute paths) with standard output and error into dir/log.txt; returns the exit status,
// kCannotStart, or kOverTime / kStopped after killing it (options.time_limit_s, options.stop).
int Run(const std::vector<std::string>& argv, const std::string& dir, const SheetOptions& options) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::string log = dir + "/log.txt";
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return kCannotStart;
  int status = 0;
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return kCannotStart;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const bool over = options.time_limit_s > 0 && elapsed > options.time_limit_s;
    const bool stopped = options.stop != nullptr && options.stop->load();
    if (over || stopped) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return over ? kOverTime : kStopped;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string LogOf(const std::string& dir) {
  auto log = ReadFile(dir + "/log.txt");
  std::string text = log.ok() ? *log : std::string();
  if (text.size() > 2000) text = text.substr(0, 2000) + "...";
  return text;
}

}  // namespace

bool ProgramAvailable(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

Result<SheetFormat> SheetFormatForPath(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".svg") return SheetFormat::kSvg;
  if (ext == ".pdf") return SheetFormat::kPdf;
  return Status::InvalidArgument("sheet music: expected an output ending in .svg or .pdf, got '" + path + "'");
}

Status RenderSheet(std::string_view abc_text, const std::string& out_path, SheetFormat format,
                   const SheetOptions& options) {
  if (!ProgramAvailable(options.abcm2ps))
    return Status::NotFound("sheet music: expected the program '" + options.abcm2ps +
                            "', got none on PATH (apt-get install abcm2ps)");
  if (format == SheetFormat::kPdf && !ProgramAvailable(options.ps2pdf))
    return Status::NotFound("PDF: expected the program '" + options.ps2pdf +
                            "' to convert abcm2ps's PostScript, got none on PATH "
                            "(apt-get install ghostscript), or ask for .svg instead");
  TempDir tmp;
  if (tmp.path().empty()) return Status::IOError("sheet music: cannot create a temporary folder");
  std::string abc = tmp.path() + "/tune.abc";
  Status s = WriteFileAtomically(abc, abc_text);
  if (!s.ok()) return s;
  std::string produced;
  // A program that could not start, ran over its time or was stopped: the error says which.
  auto failed = [&](int rc, const std::string& program) -> Status {
    if (rc == kCannotStart)
      return Status::NotFound("sheet music: cannot run " + program + " (apt-get install " +
                              (program == options.ps2pdf ? "ghostscript" : "abcm2ps") + ")");
    if (rc == kOverTime)
    {
      char limit[32];
      std::snprintf(limit, sizeof limit, "%g", options.time_limit_s);
      return Status::InvalidArgument("sheet music: " + program + " ran over " + limit +
                                     " s on this tune and was stopped");
    }
    return Status::Internal("sheet music: interrupted");
  };
  if (format == SheetFormat::kSvg) {
    int rc = Run({options.abcm2ps, "-q", "-g", "-O", tmp.path() + "/sheet", abc}, tmp.path(), options);
    produced = tmp.path() + "/sheet001.svg";
    if (rc < 0) return failed(rc, options.abcm2ps);
  } else {
    int rc = Run({options.abcm2ps, "-q", "-O", tmp.path() + "/sheet.ps", abc}, tmp.path(), options);
    if (rc < 0) return failed(rc, options.abcm2ps);
    std::error_code ec;
    if (!fs::exists(tmp.path() + "/sheet.ps", ec))
      return Status::InvalidArgument("sheet music: expected abcm2ps to write PostScript, got nothing: " +
                                     LogOf(tmp.path()));
    rc = Run({options.ps2pdf, tmp.path() + "/sheet.ps", tmp.path() + "/sheet.pdf"}, tmp.path(), options);
    if (rc < 0) return failed(rc, options.ps2pdf);
    if (rc != 0)
      return Status::InvalidArgument("PDF: expected ps2pdf to convert abcm2ps's PostScript, got exit status " +
                                     std::to_string(rc) + ": " + LogOf(tmp.path()));
    produced = tmp.path() + "/sheet.pdf";
  }
  auto bytes = ReadFile(produced);
  if (!bytes.ok() || bytes->empty())
    return Status::InvalidArgument("sheet music: expected abcm2ps to engrave the tune, got nothing: " +
                                   LogOf(tmp.path()));
  return WriteFileAtomically(out_path, *bytes);
}

}  // namespace abcrnn::midi
