// Test helpers for locating the corpus, the programs and external tools.
#include "support/paths.h"

#include <unistd.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace abcrnn::testing {
namespace fs = std::filesystem;

std::string SharedDir() {
  const char* env = std::getenv("ABCRNN_SHARED_DIR");
  std::string dir = env && *env ? env : ABCRNN_SHARED_DIR;
  std::error_code ec;
  return fs::is_directory(dir, ec) ? fs::weakly_canonical(dir, ec).string() : std::string();
}

std::string CorpusDir() {
  std::string shared = SharedDir();
  if (shared.empty()) return {};
  std::error_code ec;
  return fs::is_directory(shared + "/data", ec) ? shared + "/data" : std::string();
}

std::string SourceDir() { return ABCRNN_SOURCE_DIR; }

std::string OldShippedModel() { return SourceDir() + "/tests/golden/default-2026-11-29.ckpt"; }

std::string Program(const std::string& name) { return std::string(ABCRNN_BINARY_DIR) + "/" + name; }

bool HaveTool(const std::string& name) {
  return RunCommand("command -v " + name + " >/dev/null 2>&1").exit_code == 0;
}

CommandResult RunCommand(const std::string& command, bool merge_stderr) {
  CommandResult r;
  std::string cmd = merge_stderr ? command + " 2>&1" : command;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  return r;
}

}  // namespace abcrnn::testing
