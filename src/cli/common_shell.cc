// What a command says to the shell: Ctrl-C and SIGTERM (the handler only records the signal; the
// running command keeps what it finished, says so, and exits 128 + the signal, as shells expect:
// 130 for Ctrl-C), and command lines it prints for the user to run (quoted words).
#include <cctype>
#include <csignal>
#include <cstring>

#include "cli/common.h"

namespace abcrnn::cli {
namespace {

// A signal handler can reach only static storage, so these are the exception to "no globals".
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void OnStopSignal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
}

}  // namespace

void InstallStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C kills at once
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

const std::atomic<bool>& StopRequested() { return g_stop; }

int StopExitCode() { return 128 + g_signal.load(); }

std::string ShellQuote(const std::string& arg) {
  bool plain = !arg.empty();
  for (char c : arg)
    plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_-./=:,+@%", c) != nullptr);
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace abcrnn::cli
