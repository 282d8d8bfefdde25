// The HTTP server of `abcrnn serve` (see serve/server.h) on cpp-httplib: routes, JSON replies and
// errors, the per-request time limit. Input checks are api_params.cc's, files downloads.cc's.
#include "abcrnn/serve/server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <random>

#include <nlohmann/json.hpp>

#include "abcrnn/util/file.h"
#include "serve/api_params.h"
#include "serve/downloads.h"

namespace abcrnn::serve {
namespace {

using nlohmann::json;

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void Error(httplib::Response& res, int status, const std::string& message) { Reply(res, status, {{"error", message}}); }

// The HTTP status of an error from below: the request's fault, a missing thing, or ours.
int StatusFor(const Status& st) {
  switch (st.code()) {
    case Status::Code::kInvalidArgument: return 400;
    case Status::Code::kNotFound: return 404;
    default: return 500;
  }
}

json TuneJson(const ArchivedTune& t) {
  return {{"id", t.id},         {"created", t.created}, {"title", t.title}, {"abc", t.abc},
          {"command", t.command}, {"seed", t.seed},      {"model", t.model}, {"starred", t.starred}};
}

// The id in a route's first capture (\d{1,12}: always a number).
int64_t IdOf(const httplib::Request& req) { return std::stoll(req.matches[1].str()); }

}  // namespace

struct Server::Impl {
  ServerOptions o;
  Archive* archive;
  TuneMaker make;
  httplib::Server http;
  std::map<std::string, std::pair<std::string, std::string>> files;  // url -> (bytes, content type)
  std::mutex seed_mu;
  std::mt19937_64 seeds{std::random_device{}()};

  uint64_t FreshSeed() {
    std::lock_guard<std::mutex> lock(seed_mu);
    return seeds() % 1000000000u;  // as `abcrnn generate` draws one
  }
  void Routes();
  void Generate(const httplib::Request& req, httplib::Response& res);
  void List(const httplib::Request& req, httplib::Response& res);
  void Download(const httplib::Request& req, httplib::Response& res);
};

// Requests another web site could make from a browser on this machine are refused before any
// route: a Host that is not this server's own address (DNS rebinding, when bound to loopback) and a
// POST that is not JSON (a cross-site form; a JSON POST needs the browser to ask first, and the
// server grants no other origin).
static httplib::Server::HandlerResponse Guard(const ServerOptions& o, int port, const httplib::Request& req,
                                       httplib::Response& res) {
  const bool loopback = o.host == "127.0.0.1" || o.host == "localhost" || o.host == "::1";
  const std::string host = req.get_header_value("Host"), p = ":" + std::to_string(port);
  if (loopback && host != "127.0.0.1" + p && host != "localhost" + p && host != "[::1]" + p) {
    Error(res, 403, "Host: expected this server's address (127.0.0.1" + p + "), got '" + host.substr(0, 80) + "'");
    return httplib::Server::HandlerResponse::Handled;
  }
  if (req.method == "POST" && req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
    Error(res, 415, "Content-Type: expected application/json, got '" +
                        req.get_header_value("Content-Type").substr(0, 80) + "'");
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void Server::Impl::Routes() {
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return Guard(o, o.port, req, res);
  });
  for (const auto& [url, file] : files) {
    const auto* f = &file;
    http.Get(url, [f](const httplib::Request&, httplib::Response& res) { res.set_content(f->first, f->second); });
  }
  http.Get("/api/model", [this](const httplib::Request&, httplib::Response& res) {
    Reply(res, 200,
          {{"model", o.model},
           {"controls", o.controls},
           // Within the limits the page may send (a model that recommends greedy drawing gets the least).
           {"defaults", {{"temperature", std::clamp(o.temperature, kMinTemperature, kMaxTemperature)}}},
           {"limits",
            {{"num", kMaxTunes}, {"prime_bytes", kMaxPrimeBytes}, {"control_bytes", kMaxControlBytes},
             {"temperature", {kMinTemperature, kMaxTemperature}}, {"seconds", o.generate_seconds}}}});
  });
  http.Post("/api/generate", [this](const httplib::Request& req, httplib::Response& res) { Generate(req, res); });
  http.Get("/api/tunes", [this](const httplib::Request& req, httplib::Response& res) { List(req, res); });
  http.Get(R"(/api/tunes/(\d{1,12}))", [this](const httplib::Request& req, httplib::Response& res) {
    Result<ArchivedTune> t = archive->Get(IdOf(req));
    if (!t.ok()) return Error(res, StatusFor(t.status()), t.status().message());
    Reply(res, 200, TuneJson(*t));
  });
  http.Post(R"(/api/tunes/(\d{1,12})/star)", [this](const httplib::Request& req, httplib::Response& res) {
    const json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("starred") || !j["starred"].is_boolean())
      return Error(res, 400, "request body: expected {\"starred\": true or false}");
    Status st = archive->Star(IdOf(req), j["starred"].get<bool>());
    if (!st.ok()) return Error(res, StatusFor(st), st.message());
    Reply(res, 200, {{"id", IdOf(req)}, {"starred", j["starred"]}});
  });
  http.Delete(R"(/api/tunes/(\d{1,12}))", [this](const httplib::Request& req, httplib::Response& res) {
    Status st = archive->Delete(IdOf(req));
    if (!st.ok()) return Error(res, StatusFor(st), st.message());
    Reply(res, 200, {{"deleted", IdOf(req)}});
  });
  http.Get(R"(/api/tunes/(\d{1,12})/(abc|mid|wav|svg))",
           [this](const httplib::Request& req, httplib::Response& res) { Download(req, res); });
  // The page's edited text, heard or engraved without storing it.
  http.Post("/api/render", [this](const httplib::Request& req, httplib::Response& res) {
    Result<RenderParams> p = ParseRenderParams(req.body);
    if (!p.ok()) return Error(res, 400, p.status().message());
    midi::PerformOptions perform;
    perform.default_quarters_per_minute = p->tempo;
    perform.program = p->program - 1;
    Result<serve::Download> d = MakeDownload(p->abc, p->format, perform, o.generate_seconds);
    if (!d.ok()) return Error(res, StatusFor(d.status()), d.status().message());
    res.set_content(std::move(d->bytes), d->content_type);
  });
  // Anything else (a path trick, a mistyped address): a JSON 404 and nothing read.
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string path = req.path.substr(0, 80);
    if (res.status == 413) return Error(res, 413, "request body: expected at most " + std::to_string(kMaxBodyBytes) + " bytes");
    Error(res, res.status, res.status == 404 ? "no such page: " + path : "request refused (" + std::to_string(res.status) + ")");
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    Error(res, 500, "internal error: " + what);
  });
}

void Server::Impl::Generate(const httplib::Request& req, httplib::Response& res) {
  Result<GenerateParams> p = ParseGenerateParams(req.body, FreshSeed());
  if (!p.ok()) return Error(res, 400, p.status().message());
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.generate_seconds * 1000));
  bool cut = false;
  auto stop = [&] { return cut = cut || Clock::now() > deadline; };
  Result<std::vector<MadeTune>> made = make(*p, stop);
  if (!made.ok()) return Error(res, StatusFor(made.status()), made.status().message());
  if (made->empty())
    return Error(res, cut ? 503 : 422,
                 cut ? "generation was cut after " + json(o.generate_seconds).dump() +
                           " s with no tune finished; ask for fewer tunes or a lower temperature"
                     : "no tune found a valid ending; try a lower temperature or another prime");
  std::vector<ArchivedTune> tunes;
  for (const MadeTune& m : *made) {
    ArchivedTune t;
    t.title = m.title;
    t.abc = m.abc;
    t.command = m.command;
    t.seed = p->seed;
    t.model = o.model;
    tunes.push_back(std::move(t));
  }
  if (Status st = archive->Add(&tunes); !st.ok()) return Error(res, 500, st.message());
  json out = {{"seed", p->seed}, {"cut", cut}, {"tunes", json::array()}};
  for (const ArchivedTune& t : tunes) out["tunes"].push_back(TuneJson(t));
  Reply(res, 200, out);
}

void Server::Impl::List(const httplib::Request& req, httplib::Response& res) {
  ArchiveQuery q;
  q.text = req.get_param_value("q");
  if (q.text.size() > kMaxControlBytes * 2)
    return Error(res, 400, "q: expected at most " + std::to_string(kMaxControlBytes * 2) + " bytes, got " +
                               std::to_string(q.text.size()));
  q.starred_only = req.get_param_value("starred") == "1";
  Result<int> limit = ParseBoundedInt("limit", req.get_param_value("limit"), 50, 1, 200);
  Result<int> offset = ParseBoundedInt("offset", req.get_param_value("offset"), 0, 0, 100000000);
  if (!limit.ok()) return Error(res, 400, limit.status().message());
  if (!offset.ok()) return Error(res, 400, offset.status().message());
  q.limit = *limit;
  q.offset = *offset;
  Result<std::vector<ArchivedTune>> tunes = archive->List(q);
  if (!tunes.ok()) return Error(res, 500, tunes.status().message());
  json out = {{"tunes", json::array()}};
  for (const ArchivedTune& t : *tunes) out["tunes"].push_back(TuneJson(t));
  Reply(res, 200, out);
}

void Server::Impl::Download(const httplib::Request& req, httplib::Response& res) {
  midi::PerformOptions perform;
  Result<int> tempo = ParseBoundedInt("tempo", req.get_param_value("tempo"), 120, 30, 300);
  Result<int> program = ParseBoundedInt("program", req.get_param_value("program"), 41, 1, 128);
  if (!tempo.ok()) return Error(res, 400, tempo.status().message());
  if (!program.ok()) return Error(res, 400, program.status().message());
  perform.default_quarters_per_minute = *tempo;
  perform.program = *program - 1;  // 1-based in the API, as `abcrnn midi --program`
  Result<ArchivedTune> t = archive->Get(IdOf(req));
  if (!t.ok()) return Error(res, StatusFor(t.status()), t.status().message());
  const std::string format = req.matches[2].str();
  Result<serve::Download> d = MakeDownload(t->abc, format, perform, o.generate_seconds);
  if (!d.ok()) return Error(res, StatusFor(d.status()), d.status().message());
  if (req.get_param_value("download") == "1")
    res.set_header("Content-Disposition", "attachment; filename=\"tune-" + std::to_string(t->id) + "." + format + "\"");
  res.set_content(std::move(d->bytes), d->content_type);
}

Server::Server(ServerOptions options, Archive* archive, TuneMaker make) : impl_(std::make_unique<Impl>()) {
  impl_->o = std::move(options);
  impl_->archive = archive;
  impl_->make = std::move(make);
}

Server::~Server() = default;

Status Server::Bind() {
  Impl& m = *impl_;
  for (const StaticFile& f : m.o.files) {
    Result<std::string> bytes = ReadFile(f.path);
    if (!bytes.ok()) return Status::IOError("page file " + f.path + ": " + bytes.status().message());
    m.files[f.url] = {std::move(*bytes), f.content_type};
  }
  m.Routes();
  const int threads = std::max(1, m.o.threads);
  m.http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  m.http.set_payload_max_length(kMaxBodyBytes);
  m.http.set_read_timeout(10);
  m.http.set_write_timeout(30);
  m.http.set_keep_alive_timeout(5);
  int port = m.o.port;
  const bool ok = port == 0 ? (port = m.http.bind_to_any_port(m.o.host)) > 0 : m.http.bind_to_port(m.o.host, port);
  if (!ok) return Status::IOError("cannot listen on " + m.o.host + ":" + std::to_string(m.o.port) +
                                  " (in use, or not an address of this machine); give another --port or --host");
  m.o.port = port;
  return Status::OK();
}

int Server::port() const { return impl_->o.port; }
void Server::Listen() { impl_->http.listen_after_bind(); }
void Server::Stop() { impl_->http.stop(); }

}  // namespace abcrnn::serve
