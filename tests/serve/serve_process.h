// `abcrnn-sample serve` as a child process for the API tests: started on a free port of
// 127.0.0.1 with the shipped model and a given archive, its address read from the line it prints;
// stopped with SIGTERM (or SIGKILL) when the test is done.
#pragma once

#include <memory>
#include <string>

namespace abcrnn::testing {

class ServeProcess {
 public:
  // Starts the server and waits (up to 30 s) for its "open http://127.0.0.1:PORT/" line.
  // port() is 0 when it did not start; output() then holds what it printed. `model` "" is the
  // shipped model.
  explicit ServeProcess(const std::string& db, const std::string& extra_args = "", const std::string& model = "");
  // An installed copy: PREFIX/bin/abcrnn-sample serve with no --model or --web, so that it finds
  // them as an installed program does (share/abcrnn under its prefix).
  static std::unique_ptr<ServeProcess> Installed(const std::string& prefix, const std::string& db);
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int port() const { return port_; }
  const std::string& output() const { return output_; }
  bool Running();              // the process has not exited (reaps it when it has)
  // Sends the signal and waits: the exit status (128 + signal when killed by it); -1 when it had
  // not ended 10 s later (it is then killed).
  int Stop(int signal = 15);

 private:
  struct Command {
    std::string shell;  // run by /bin/sh -c, its output merged
  };
  explicit ServeProcess(const Command& command);
  int pid_ = -1;
  int port_ = 0;
  int status_ = -1;
  std::string output_;
};

}  // namespace abcrnn::testing
