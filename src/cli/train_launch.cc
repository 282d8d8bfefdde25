// abcrnn-train's local launcher (--nproc, like torchrun --standalone) and torchrun's environment
// variables. The ranks themselves meet in src/train (c10d); this file only starts, watches and ends
// processes.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "cli/common.h"
#include "cli/train_cli.h"

namespace abcrnn::cli {
namespace {

volatile std::sig_atomic_t g_forward_signal = 0;
void RememberSignal(int sig) { g_forward_signal = sig; }

// A TCP port on 127.0.0.1 free at this moment (the kernel's choice), or 0.
int FreeLocalPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

bool ParseInt(const char* text, long lo, long hi, long* out) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

std::string DescribeExit(int status) {
  if (WIFSIGNALED(status))
    return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) +
           ")";
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

// True when the process is stopped (SIGSTOP, SIGTSTP or a debugger): its state in /proc is T or t.
bool IsStopped(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return false;
  char buf[512];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* close = std::strrchr(buf, ')');  // the state follows "pid (name) "
  return close != nullptr && close[1] == ' ' && (close[2] == 'T' || close[2] == 't');
}

// Ends a rank: SIGTERM, and SIGCONT so that a stopped rank receives it now.
void End(pid_t pid) {
  ::kill(pid, SIGTERM);
  ::kill(pid, SIGCONT);
}

}  // namespace

Status DistributedFromEnvironment(TrainOptions* t, bool rank_given, bool world_given, bool master_given) {
  long v = 0;
  if (!rank_given && std::getenv("RANK")) {
    if (!ParseInt(std::getenv("RANK"), 0, 1 << 20, &v))
      return Status::InvalidArgument(std::string("RANK: expected a rank >= 0, got '") + std::getenv("RANK") + "'");
    t->rank = static_cast<int>(v);
  }
  if (!world_given && std::getenv("WORLD_SIZE")) {
    if (!ParseInt(std::getenv("WORLD_SIZE"), 1, 1 << 20, &v))
      return Status::InvalidArgument(std::string("WORLD_SIZE: expected a count >= 1, got '") +
                                     std::getenv("WORLD_SIZE") + "'");
    t->world_size = static_cast<int>(v);
  }
  if (!master_given && std::getenv("MASTER_ADDR")) {
    const char* port = std::getenv("MASTER_PORT");
    if (!ParseInt(port, 1, 65535, &v))
      return Status::InvalidArgument(std::string("MASTER_PORT: expected a port 1..65535 beside MASTER_ADDR, got '") +
                                     (port ? port : "nothing") + "'");
    t->master = std::string(std::getenv("MASTER_ADDR")) + ":" + std::to_string(v);
  }
  return Status::OK();
}

int LaunchLocalRanks(int nproc, int argc, char** argv) {
  const int port = FreeLocalPort();
  if (port == 0) {
    std::cerr << "abcrnn-train: --nproc " << nproc << ": expected a free port on 127.0.0.1, got none\n";
    return kExitUsage;
  }
  std::vector<std::string> base;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--nproc") {
      ++i;
      continue;
    }
    if (a.rfind("--nproc=", 0) == 0) continue;
    base.push_back(a);
  }
  std::signal(SIGINT, RememberSignal);
  std::signal(SIGTERM, RememberSignal);
  ::setenv(kLaunchedNprocEnv, std::to_string(nproc).c_str(), 1);  // inherited by the ranks
  std::vector<pid_t> pids(nproc, -1);
  for (int r = 0; r < nproc; ++r) {
    std::vector<std::string> args{argv[0]};
    args.insert(args.end(), base.begin(), base.end());
    for (const std::string& a : {std::string("--rank"), std::to_string(r), std::string("--world-size"),
                                 std::to_string(nproc), std::string("--master"),
                                 "127.0.0.1:" + std::to_string(port)})
      args.push_back(a);
    std::vector<char*> cargs;
    for (auto& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::execv("/proc/self/exe", cargs.data());
      std::_Exit(127);
    }
    pids[r] = pid;
  }
  // Wait; the first rank to fail ends the others (SIGTERM, then SIGKILL after a grace period).
  int exit_code = kExitOk;
  int failed = -1;
  int live = nproc;
  bool forwarded = false;
  auto kill_deadline = std::chrono::steady_clock::time_point::max();
  while (live > 0) {
    if (g_forward_signal != 0 && !forwarded) {
      for (pid_t p : pids)
        if (p > 0) {
          ::kill(p, g_forward_signal);
          ::kill(p, SIGCONT);  // a stopped rank receives it now
        }
      forwarded = true;
    }
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done <= 0) {
      if (std::chrono::steady_clock::now() > kill_deadline) {
        for (pid_t p : pids)
          if (p > 0) ::kill(p, SIGKILL);
        kill_deadline = std::chrono::steady_clock::time_point::max();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    int rank = 0;
    while (rank < nproc && pids[rank] != done) ++rank;
    if (rank == nproc) continue;
    pids[rank] = -1;
    --live;
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (rank == 0 && failed < 0) exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    if (!ok && failed < 0 && g_forward_signal == 0) {
      failed = rank;
      exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
      std::cerr << "abcrnn-train: rank " << rank << " of " << nproc << " " << DescribeExit(status)
                << "; ending the other ranks (the last checkpoint is kept)\n";
      // A frozen peer is the likely cause of a rank that gave up waiting: name it.
      for (int r = 0; r < nproc; ++r)
        if (pids[r] > 0 && IsStopped(pids[r]))
          std::cerr << "abcrnn-train: rank " << r << " of " << nproc
                    << " is stopped (SIGSTOP or a debugger): its peers waited --dist-timeout for it\n";
      for (pid_t p : pids)
        if (p > 0) End(p);
      kill_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    }
  }
  return exit_code;
}

}  // namespace abcrnn::cli
