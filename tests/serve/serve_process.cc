// ServeProcess (see serve_process.h): fork and exec, the first line read from a pipe.
#include "serve/serve_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>

#include "support/paths.h"

namespace abcrnn::testing {

ServeProcess::ServeProcess(const std::string& db, const std::string& extra_args, const std::string& model)
    : ServeProcess(Command{"exec '" + Program("abcrnn-sample") + "' serve --port 0 --host 127.0.0.1 --model '" +
                           (model.empty() ? SourceDir() + "/models/default.ckpt" : model) + "' --db '" + db + "' " +
                           extra_args + " 2>&1"}) {}

std::unique_ptr<ServeProcess> ServeProcess::Installed(const std::string& prefix, const std::string& db) {
  return std::unique_ptr<ServeProcess>(
      new ServeProcess(Command{"exec env -u ABCRNN_MODEL '" + prefix + "/bin/abcrnn-sample' serve --port 0 --db '" + db + "' 2>&1"}));
}

ServeProcess::ServeProcess(const Command& cmd) {
  int fds[2];
  if (::pipe(fds) != 0) return;
  const std::string& command = cmd.shell;
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  const std::regex address(R"(open http://127\.0\.0\.1:(\d+)/)");
  std::smatch m;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[512];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    output_.append(buf, static_cast<size_t>(n));
    if (std::regex_search(output_, m, address)) {
      port_ = std::stoi(m[1].str());
      break;
    }
  }
  ::close(fds[0]);  // later output goes nowhere (the server ignores SIGPIPE)
}

ServeProcess::~ServeProcess() { Stop(); }

bool ServeProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == 0) return true;
  pid_ = -1;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

int ServeProcess::Stop(int signal) {
  if (pid_ <= 0) return status_;
  ::kill(pid_, signal);
  int status = 0;
  // A server that does not stop within 10 s is killed: status -1.
  for (int i = 0; i < 200 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) ::usleep(50 * 1000);
  if (::waitpid(pid_, &status, WNOHANG) == 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status_ = -1;
  }
  pid_ = -1;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return status_;
}

}  // namespace abcrnn::testing
