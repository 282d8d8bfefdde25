// Logging set-up and sibling-program lookup for the command-line programs.
#include "cli/common.h"

#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace abcrnn::cli {

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return kExitOk;
    case Status::Code::kInvalidArgument:
    case Status::Code::kNotFound:
    case Status::Code::kIOError:
    case Status::Code::kCorruption:
    case Status::Code::kUnsupported:
      return kExitUsage;
    case Status::Code::kInternal:
      break;
  }
  return kExitFindings;
}
namespace fs = std::filesystem;

void KeepFreedMemoryForReuse() {
#ifdef __GLIBC__
  if (std::getenv("ABCRNN_KEEP_MALLOC") != nullptr) return;
  ::mallopt(M_MMAP_MAX, 0);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

void SetupLogging(const std::string& program, int verbosity) {
  auto logger = spdlog::stderr_color_mt(program);
  logger->set_pattern("%n: %^%l%$: %v");
  logger->set_level(verbosity >= 2 ? spdlog::level::debug
                    : verbosity == 1 ? spdlog::level::info
                                     : spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

std::string SiblingProgram(const std::string& name) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path candidate = self.parent_path() / name;
    if (fs::exists(candidate, ec)) return candidate.string();
  }
  const char* path = std::getenv("PATH");
  if (!path) return {};
  std::string p(path);
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    fs::path candidate = fs::path(p.substr(start, end - start)) / name;
    if (!candidate.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return {};
}

int ExecSibling(const std::string& program, const std::vector<std::string>& args) {
  std::string path = SiblingProgram(program);
  if (path.empty()) {
    std::cerr << "abcrnn: cannot find the program '" << program
              << "' beside abcrnn or on PATH; was it built (LibTorch part: -DABCRNN_WITH_TORCH=ON)?\n";
    return kExitUsage;
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(path.c_str(), argv.data());
  std::cerr << "abcrnn: cannot run " << path << ": " << std::strerror(errno) << "\n";
  return kExitUsage;
}

}  // namespace abcrnn::cli
