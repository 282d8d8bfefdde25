// `abcrnn serve`'s HTTP server: the page's static files (read once at start; no request path
// reaches the filesystem), a JSON API to generate tunes, download them as ABC, MIDI, WAV and SVG,
// and list, search, star and delete them in the archive (serve/archive.h). API in doc/serve-api.md.
// Generation is the caller's (a TuneMaker); the server bounds and checks every input first.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "abcrnn/serve/archive.h"
#include "abcrnn/util/status.h"

namespace abcrnn::serve {

// A generate request after the server's checks (serve/limits in doc/serve-api.md).
struct GenerateParams {
  uint64_t seed = 0;
  int num = 1;
  std::optional<double> temperature;           // not given: the model's (ServerOptions::temperature)
  std::string prime;                            // printable ASCII and newlines
  std::string type, meter, key, style, unit;    // "" = drawn by the model
  int parts = -1, bars = -1;                    // -1 = drawn
  std::string final_degree;                     // "1", "5", "b3" (a model trained with --final); "" = drawn
  std::string beat;                             // "even", "mixed", "dotted" (a model trained with --beat); "" = drawn
};

struct MadeTune {
  std::string title;
  std::string abc;      // the whole tune, X: to the last bar
  std::string command;  // "abcrnn generate ..." that remakes it
};

// Makes the tunes; `stop` turns true when the request's time is up (return what is finished).
// InvalidArgument: the request is one the model cannot serve (a 400 with its message).
using TuneMaker = std::function<Result<std::vector<MadeTune>>(const GenerateParams&, const std::function<bool()>& stop)>;

struct StaticFile {
  std::string url;           // "/", "/app.js"
  std::string path;          // read at start
  std::string content_type;  // "text/html; charset=utf-8"
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  std::vector<StaticFile> files;
  std::string model;  // the model's fingerprint (shown by the page)
  double temperature = 0.9;  // the model's recommended temperature: the page's starting value
  // What the page may offer per control ("type", "style", "meter", "key", "unit"), from the model.
  std::map<std::string, std::vector<std::string>> controls;
  double generate_seconds = 20;  // a generate request is cut after this long
  int threads = 8;               // requests served at once
};

class Server {
 public:
  // REQUIRES: archive and make outlive the server.
  Server(ServerOptions options, Archive* archive, TuneMaker make);
  ~Server();
  // Reads the static files and binds. IOError naming the file or the address.
  Status Bind();
  int port() const;  // after Bind: the port bound
  // Serves until Stop (from another thread).
  void Listen();
  // Ends Listen. A Stop before Listen has started serving is lost (cpp-httplib's): call it until
  // Listen returns.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace abcrnn::serve
