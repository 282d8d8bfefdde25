// Shared by the three programs (abcrnn, abcrnn-sample, abcrnn-train): exit codes, logging set-up,
// running a sibling program, the names of per-tune files, and the registry shape of a subcommand
// (CLI11's subcom_in_files: one options struct and one Setup/Run pair per subcommand, in its own
// cmd_*.cc file).
#pragma once

#include <atomic>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "abcrnn/util/status.h"

namespace CLI {
class App;
class ParseError;
}

namespace abcrnn::cli {

// Exit codes every subcommand uses.
constexpr int kExitOk = 0;        // success; every tune valid
constexpr int kExitFindings = 1;  // ran, but found problems (invalid tunes, failed checks)
constexpr int kExitUsage = 2;     // bad options, unreadable files, nothing to do

// The exit code of a failed step: kExitUsage for what the user gave (an invalid argument, a
// missing, unreadable, damaged or unsupported file), kExitFindings for the rest (a step that ran
// and failed: kInternal). kExitOk for OK.
int ExitCodeFor(const Status& s);

// SIGINT and SIGTERM set StopRequested() instead of killing the process (a second one kills):
// a command then keeps what it finished, says what it kept, and returns StopExitCode() (128 + the
// signal: 130 for Ctrl-C, 143 for SIGTERM).
void InstallStopSignals();
const std::atomic<bool>& StopRequested();
int StopExitCode();

// `arg` as one word of a POSIX shell command line: unchanged when it is made of safe characters
// (letters, digits, _-./=:,+@%), else in single quotes.
std::string ShellQuote(const std::string& arg);

// Per-tune file names, one rule for `abcrnn midi`, `abcrnn render` and `abcrnn generate`:
// STEM-X.EXT, where STEM is the input file's stem (TuneFileStem), OUT's stem for render, and
// "tune" for generate; X is the tune's X: number, or its 1-based place in the file when it has
// none. A name handed out before gets -2, -3, ... (STEM-X-2.EXT), so no tune replaces another.
// One object per output folder; not thread-safe.
class TuneFileNames {
 public:
  // `ext` is appended to every name (".mid"; "" for a stem the caller extends).
  explicit TuneFileNames(std::string ext) : ext_(std::move(ext)) {}

  // The name for tune `x` (negative: none, then `place` is used) read from `stem`.
  std::string Next(const std::string& stem, int x, int place);

  // How many names got a suffix, and a warning that says so ("" when none did).
  int renamed() const { return renamed_; }
  std::string RenamedWarning() const;

 private:
  std::string ext_;
  std::set<std::string> given_;
  int renamed_ = 0;
  std::string first_renamed_;
};

// The STEM of per-tune files read from `input`: "tunes" for "dir/tunes.abc", "tune" for standard
// input ("-").
std::string TuneFileStem(const std::string& input);

// True when `path` ends in .mid or .midi (any case): one MIDI file, not a folder of them.
bool IsMidiFileName(const std::string& path);

// Reports a command line that did not parse ("did you mean ...?" alone for a mistyped option or
// subcommand, else CLI11's message; the usage for a bare program or `help`) and returns the exit
// code: 0 for --help, --version and `help`, else kExitUsage.
int ReportParseError(CLI::App& app, const CLI::ParseError& e);

// After parsing, the chosen subcommand's work; returns the exit code.
using RunFn = std::function<int()>;

// Sends spdlog's default logger to standard error ("abcrnn: message"); verbosity 0 = warnings,
// 1 = info, 2 = debug.
void SetupLogging(const std::string& program, int verbosity);

// Makes glibc serve every block from the heap and keep freed memory for reuse (no mmap()s for
// large blocks, no trimming), so buffers freed and allocated again do not pay page faults and
// zeroing each time. abcrnn-train: the fused LSTM's tens of MB per step (about a fifth of a
// 2 x 256 step; bench/README.md, "Fused LSTM"). abcrnn-sample: the checkpoint's bytes, read and
// freed, hold the packed weights next (start-up page faults 11,208 -> 6,294 for the shipped
// model). ABCRNN_KEEP_MALLOC=1 leaves glibc's settings alone (for comparisons).
void KeepFreedMemoryForReuse();

// Path of a program installed beside the running one (same folder), else found on PATH;
// empty when neither exists.
std::string SiblingProgram(const std::string& name);

// Replaces this process with `program` (a sibling) run with `args`. Returns only on failure,
// with kExitUsage after printing why.
int ExecSibling(const std::string& program, const std::vector<std::string>& args);

}  // namespace abcrnn::cli
