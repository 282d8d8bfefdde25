// `abcrnn serve` (abcrnn-sample serve): the web page on this machine. Loads the model once, opens
// the archive, and serves the page and its API (serve/server.h) until Ctrl-C or SIGTERM; each
// generate request runs a GenerationSession of its own on the shared engine (infer/engine.h is
// thread-safe), made as `abcrnn generate` makes it (sample_request.h).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "abcrnn/serve/archive.h"
#include "abcrnn/serve/server.h"
#include "cli/cli_checks.h"
#include "cli/sample_model.h"
#include "cli/sample_request.h"

namespace abcrnn::cli {
namespace {

namespace fs = std::filesystem;

struct ServeCliOptions {
  std::string model;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db = "tunes.sqlite";
  std::string web;  // the page's folder; default: the installed share/abcrnn/web, else the source tree's
  double time_limit = 20;
  int threads = 8;
};

// The page's folder and abcjs (installed by scripts/setup.sh into the source tree's node_modules).
std::string DefaultWebDir() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && fs::exists(self.parent_path().parent_path() / "share/abcrnn/web/index.html"))
    return (self.parent_path().parent_path() / "share/abcrnn/web").string();
  return std::string(ABCRNN_SOURCE_DIR) + "/web";
}

std::vector<serve::StaticFile> PageFiles(const std::string& web) {
  std::vector<serve::StaticFile> files = {{"/", web + "/index.html", "text/html; charset=utf-8"},
                                          {"/app.js", web + "/app.js", "text/javascript; charset=utf-8"},
                                          {"/style.css", web + "/style.css", "text/css; charset=utf-8"}};
  const std::string abcjs = (fs::path(web).parent_path() / "node_modules/abcjs/dist/abcjs-basic-min.js").string();
  const std::string vendored = web + "/abcjs-basic-min.js";
  const std::string found = fs::exists(vendored) ? vendored : fs::exists(abcjs) ? abcjs : "";
  if (found.empty())
    spdlog::warn("abcjs not found ({}): the page shows no notation; run scripts/setup.sh (npm ci)", abcjs);
  else
    files.push_back({"/abcjs-basic-min.js", found, "text/javascript; charset=utf-8"});
  return files;
}

// What the page may offer per control, from the model's training tunes (most common first).
std::map<std::string, std::vector<std::string>> KnownControls(const LoadedModel& model) {
  std::map<std::string, std::vector<std::string>> out;
  for (const char* field : {"type", "style", "meter", "key", "unit_length", "form", "final", "beat"}) {
    std::vector<std::pair<int64_t, std::string>> by_count;
    for (const auto& [value, n] : model.controls.Counts(field)) by_count.emplace_back(-n, value);
    std::sort(by_count.begin(), by_count.end());
    for (const auto& [n, value] : by_count) out[field == std::string("unit_length") ? "unit" : field].push_back(value);
  }
  return out;
}

Result<std::vector<serve::MadeTune>> MakeTunes(const LoadedModel& model, const serve::GenerateParams& p,
                                               const std::function<bool()>& stop) {
  TuneRequest r;
  r.seed = p.seed;
  r.num = p.num;
  r.temperature = p.temperature;
  r.prime = p.prime;
  r.rhythm = p.type;
  r.meter = p.meter;
  r.key = p.key;
  r.style = p.style;
  r.unit = p.unit;
  r.parts = p.parts;
  r.bars = p.bars;
  r.final_degree = p.final_degree;
  r.beat = p.beat;
  Result<PreparedRequest> prepared = PrepareRequest(model, r);
  if (!prepared.ok()) return prepared.status();
  prepared->session.generate.stop = stop;
  Result<GenerationSession> session = GenerationSession::Create(prepared->model, prepared->session);
  if (!session.ok()) return session.status();
  std::vector<serve::MadeTune> out;
  Status st = session->Run([&](const SessionTune& t) {
    const std::string title = TitleOf(t, prepared->title, r.num);
    const std::string remake = RemakeLine(r, *prepared, model.fingerprint, t.raw.index, title);
    out.push_back({title, TuneAbc(t, prepared->title, r.num, remake, r.bars_per_line), remake.substr(2)});
    return true;
  });
  if (!st.ok()) return st;
  return out;
}

int Run(const ServeCliOptions& o) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  InstallStopSignals();
  Result<LoadedModel> model = LoadModel(o.model, 1);  // one thread per request, requests side by side
  if (!model.ok()) {
    spdlog::error("{}", model.status().ToString());
    return kExitUsage;
  }
  Result<std::unique_ptr<serve::Archive>> archive = serve::Archive::Open(o.db);
  if (!archive.ok()) {
    spdlog::error("--db: {}", archive.status().ToString());
    return kExitUsage;
  }
  serve::ServerOptions so;
  so.host = o.host;
  so.port = o.port;
  so.files = PageFiles(o.web.empty() ? DefaultWebDir() : o.web);
  so.model = model->fingerprint;
  so.temperature = model->sampling.temperature;
  so.controls = KnownControls(*model);
  so.generate_seconds = o.time_limit;
  so.threads = o.threads;
  const LoadedModel* m = &*model;
  serve::Server server(so, archive->get(),
                       [m](const serve::GenerateParams& p, const std::function<bool()>& stop) {
                         return MakeTunes(*m, p, stop);
                       });
  if (Status st = server.Bind(); !st.ok()) {
    spdlog::error("{}", st.ToString());
    return kExitUsage;
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::printf("abcrnn serve: open http://%s:%d/ (model %s, archive %s; ready in %.0f ms; Ctrl-C stops)\n",
              o.host.c_str(), server.port(), model->fingerprint.c_str(), o.db.c_str(), ms);
  std::fflush(stdout);
  // A stop asked for before Listen has started would be lost (the server is not running yet):
  // asked again until Listen returns.
  std::atomic<bool> listening_done{false};
  std::thread watch([&server, &listening_done] {
    while (!StopRequested().load() && !listening_done.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    while (!listening_done.load()) {
      server.Stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  server.Listen();
  listening_done.store(true);
  watch.join();
  return kExitOk;
}

}  // namespace

void RegisterServe(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<ServeCliOptions>();
  CLI::App* sub = app.add_subcommand("serve", "Serve a web page to make, see, hear and keep tunes (this machine)");
  sub->option_defaults()->always_capture_default();
  sub->add_option("--model", o->model, "Checkpoint (.ckpt); default as for abcrnn generate");
  sub->add_option("--host", o->host, "Address to listen on (127.0.0.1: this machine only)");
  sub->add_option("--port", o->port, "Port to listen on; 0: any free one (printed)")->check(CLI::Range(0, 65535));
  sub->add_option("--db", o->db, "The archive: an SQLite file, created when missing");
  sub->add_option("--web", o->web, "The page's folder (index.html, app.js, style.css)")->default_str("web/ of abcrnn");
  sub->add_option("--time-limit", o->time_limit, "Seconds a generate request may take before it is cut")
      ->check(CLI::Range(0.001, 600.0));
  sub->add_option("--threads", o->threads, "Requests served at once")->check(CLI::Range(1, 64));
  sub->callback([o, &run] { run = [o] { return Run(*o); }; });
}

}  // namespace abcrnn::cli
