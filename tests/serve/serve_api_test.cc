// Specification of `abcrnn serve`'s JSON API, on 127.0.0.1 with the shipped model: generation with
// a locked seed, downloads that parse, the archive (list, search, star, delete, kept across a
// restart), and bad requests answered 4xx with a message while the server stays up.
#include <httplib.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "abcrnn/ckpt/checkpoint.h"
#include "abcrnn/midi/smf.h"
#include "abcrnn/midi/wav.h"
#include "support/paths.h"
#include "serve/serve_process.h"

namespace abcrnn {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class ServeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn-serve-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    db_ = (dir_ / "tunes.sqlite").string();
    Start();
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  void Start() {
    server_ = std::make_unique<testing::ServeProcess>(db_);
    ASSERT_GT(server_->port(), 0) << server_->output();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(60);
  }
  json Post(const std::string& path, const std::string& body, int expect) {
    auto r = client_->Post(path.c_str(), body, "application/json");
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << path << " " << body.substr(0, 200) << " -> " << r->body;
    return json::parse(r->body, nullptr, false);
  }
  json Get(const std::string& path, int expect) {
    auto r = client_->Get(path.c_str());
    EXPECT_TRUE(r) << path;
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << path << " -> " << r->body.substr(0, 300);
    return json::parse(r->body, nullptr, false);
  }
  // A 4xx whose JSON says what was wrong, and the server still answers.
  void ExpectRefused(const std::string& body, const std::string& says) {
    json j = Post("/api/generate", body, 400);
    ASSERT_TRUE(j.is_object() && j.contains("error")) << body.substr(0, 100);
    EXPECT_NE(j["error"].get<std::string>().find(says), std::string::npos) << j["error"];
    EXPECT_TRUE(server_->Running());
    Get("/api/model", 200);
  }

  fs::path dir_;
  std::string db_;
  std::unique_ptr<testing::ServeProcess> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServeApiTest, ALockedSeedGivesTheSameTuneAndTheCommandThatRemakesIt) {
  const std::string body = R"({"seed": 2026, "type": "jig", "key": "D", "temperature": 0.8})";
  json a = Post("/api/generate", body, 200), b = Post("/api/generate", body, 200);
  ASSERT_EQ(a["tunes"].size(), 1u);
  EXPECT_EQ(a["seed"], 2026);
  const std::string abc = a["tunes"][0]["abc"];
  EXPECT_EQ(abc, b["tunes"][0]["abc"].get<std::string>());
  EXPECT_NE(abc.find("R:jig"), std::string::npos) << abc;
  EXPECT_NE(abc.find("K:D"), std::string::npos) << abc;
  EXPECT_NE(a["tunes"][0]["id"], b["tunes"][0]["id"]);  // each kept in the archive
  // The stored command, run by `abcrnn generate`, makes the same music.
  const std::string command = a["tunes"][0]["command"];
  ASSERT_EQ(command.rfind("abcrnn generate ", 0), 0u) << command;
  const std::string args = command.substr(16, command.find(" (model ") - 16);
  testing::CommandResult cli = testing::RunCommand("'" + testing::Program("abcrnn-sample") + "' generate --model '" +
                                                   testing::SourceDir() + "/models/default.ckpt' " + args);
  ASSERT_EQ(cli.exit_code, 0) << cli.out;
  const std::string music = abc.substr(abc.find("\nS:"));
  EXPECT_NE(cli.out.find(music), std::string::npos) << cli.out << "\n---\n" << music;
}

TEST_F(ServeApiTest, ARequestWithoutATemperatureDrawsAtTheModelsRecommendedOne) {
  auto serve = [&](const std::string& model, const std::string& db) {
    server_ = std::make_unique<testing::ServeProcess>((dir_ / db).string(), "", model);
    ASSERT_GT(server_->port(), 0) << server_->output();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(60);
  };
  // The shipped model's weights without a "generation" record: the default of every older model.
  auto shipped = ReadCheckpoint(testing::SourceDir() + "/models/default.ckpt");
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  json meta = json::parse(shipped->metadata_json);
  meta.erase("generation");
  shipped->metadata_json = meta.dump();
  const std::string unrecorded = (dir_ / "plain.ckpt").string();
  ASSERT_TRUE(WriteCheckpoint(unrecorded, *shipped).ok());
  serve(unrecorded, "plain.sqlite");
  EXPECT_EQ(Get("/api/model", 200)["defaults"]["temperature"], 0.9);
  // Exported with a recommendation of 0.7.
  const std::string model = (dir_ / "cool.ckpt").string();
  auto exported = testing::RunCommand("'" + testing::Program("abcrnn") + "' export '" + unrecorded + "' -o '" + model +
                                      "' --temperature 0.7 2>&1");
  ASSERT_EQ(exported.exit_code, 0) << exported.out;
  serve(model, "cool.sqlite");
  EXPECT_EQ(Get("/api/model", 200)["defaults"]["temperature"], 0.7);
  json plain = Post("/api/generate", R"({"seed": 31, "type": "reel"})", 200);
  json asked = Post("/api/generate", R"({"seed": 31, "type": "reel", "temperature": 0.7})", 200);
  json warmer = Post("/api/generate", R"({"seed": 31, "type": "reel", "temperature": 0.9})", 200);
  const std::string command = plain["tunes"][0]["command"];
  EXPECT_NE(command.find("--temperature 0.7 "), std::string::npos) << command;
  const std::string abc = plain["tunes"][0]["abc"];
  EXPECT_EQ(abc, asked["tunes"][0]["abc"].get<std::string>());
  EXPECT_NE(abc, warmer["tunes"][0]["abc"].get<std::string>());
}

TEST_F(ServeApiTest, DownloadsParseAsAbcMidiWavAndSvg) {
  json made = Post("/api/generate", R"({"seed": 7, "type": "reel"})", 200);
  const std::string id = std::to_string(made["tunes"][0]["id"].get<int64_t>());
  auto abc = client_->Get(("/api/tunes/" + id + "/abc").c_str());
  ASSERT_TRUE(abc && abc->status == 200);
  EXPECT_EQ(abc->body, made["tunes"][0]["abc"].get<std::string>());
  const std::string path = (dir_ / "tune.abc").string();
  { std::ofstream(path) << abc->body; }
  EXPECT_EQ(testing::RunCommand("'" + testing::Program("abcrnn") + "' check '" + path + "'").exit_code, 0);
  auto mid = client_->Get(("/api/tunes/" + id + "/mid?tempo=90&program=74&download=1").c_str());
  ASSERT_TRUE(mid && mid->status == 200);
  EXPECT_NE(mid->get_header_value("Content-Disposition").find("tune-" + id + ".mid"), std::string::npos);
  Result<midi::Smf> smf = midi::DecodeSmf(mid->body);
  ASSERT_TRUE(smf.ok()) << smf.status().ToString();
  if (testing::HaveTool("fluidsynth") || fs::exists("/usr/share/sounds/sf2/FluidR3_GM.sf2")) {
    auto wav = client_->Get(("/api/tunes/" + id + "/wav").c_str());
    ASSERT_TRUE(wav && wav->status == 200) << (wav ? wav->body.substr(0, 200) : "");
    Result<midi::Pcm> pcm = midi::DecodeWav(wav->body);
    ASSERT_TRUE(pcm.ok()) << pcm.status().ToString();
    EXPECT_GT(pcm->seconds(), 2.0);
  }
  if (testing::HaveTool("abcm2ps")) {
    auto svg = client_->Get(("/api/tunes/" + id + "/svg").c_str());
    ASSERT_TRUE(svg && svg->status == 200) << (svg ? svg->body.substr(0, 200) : "");
    EXPECT_NE(svg->body.find("<svg"), std::string::npos);
  }
}

TEST_F(ServeApiTest, EditedTextIsRenderedWithoutBeingStoredAndBadTextIsRefused) {
  const std::string abc = "X:1\nT:Edited\nM:6/8\nL:1/8\nK:D\n|:d2d d2c|dfa agf:|\n";
  auto mid = client_->Post("/api/render", json({{"abc", abc}, {"format", "mid"}, {"tempo", 90}}).dump(),
                           "application/json");
  ASSERT_TRUE(mid);
  ASSERT_EQ(mid->status, 200) << mid->body.substr(0, 200);
  EXPECT_TRUE(midi::DecodeSmf(mid->body).ok());
  EXPECT_EQ(Get("/api/tunes", 200)["tunes"].size(), 0u);
  auto refused = [&](const json& body, const std::string& says) {
    json j = Post("/api/render", body.dump(), 400);
    ASSERT_TRUE(j.contains("error")) << body.dump().substr(0, 100);
    EXPECT_NE(j["error"].get<std::string>().find(says), std::string::npos) << j["error"];
  };
  refused({{"abc", abc}, {"format", "exe"}}, "format: expected wav, mid or svg");
  refused({{"abc", std::string(9000, 'a')}, {"format", "wav"}}, "abc: expected at most 8000 bytes");
  refused({{"abc", "X:1\nK:D\n\x01" "abc|\n"}, {"format", "wav"}}, "abc: expected text without control");
  refused({{"abc", abc}, {"format", "wav"}, {"tempo", 1e9}}, "tempo: expected a whole number");
  refused({{"abc", abc}}, "expected \"abc\" and \"format\"");
  refused({{"abc", "no tune here"}, {"format", "mid"}}, "cannot be played");
  EXPECT_TRUE(server_->Running());
}

TEST_F(ServeApiTest, TheArchiveListsSearchesStarsDeletesAndSurvivesARestart) {
  json a = Post("/api/generate", R"({"seed": 1, "num": 2, "type": "jig"})", 200);
  ASSERT_EQ(a["tunes"].size(), 2u);
  const int64_t first = a["tunes"][0]["id"], second = a["tunes"][1]["id"];
  Post("/api/tunes/" + std::to_string(first) + "/star", R"({"starred": true})", 200);
  EXPECT_EQ(Get("/api/tunes?starred=1", 200)["tunes"].size(), 1u);
  EXPECT_EQ(Get("/api/tunes?q=R:jig", 200)["tunes"].size(), 2u);
  EXPECT_EQ(Get("/api/tunes?q=no%20such%20tune", 200)["tunes"].size(), 0u);
  auto del = client_->Delete(("/api/tunes/" + std::to_string(second)).c_str());
  ASSERT_TRUE(del && del->status == 200);
  Get("/api/tunes/" + std::to_string(second), 404);
  server_->Stop(9);  // no clean shutdown
  Start();
  json kept = Get("/api/tunes", 200);
  ASSERT_EQ(kept["tunes"].size(), 1u);
  EXPECT_EQ(kept["tunes"][0]["id"], first);
  EXPECT_EQ(kept["tunes"][0]["starred"], true);
  EXPECT_EQ(kept["tunes"][0]["abc"], a["tunes"][0]["abc"]);
}

TEST_F(ServeApiTest, BadRequestsGetA4xxWithAMessageAndTheServerStaysUp) {
  ExpectRefused("{\"prime\": \"" + std::string(5000, 'A') + "\"}", "prime: expected at most 1000 bytes");
  ExpectRefused(R"({"temperature": 1e9})", "temperature: expected 0.05 to 2");
  ExpectRefused(R"({"temperature": "hot"})", "temperature: expected a number");
  ExpectRefused(R"({"mood": "happy"})", "unknown field 'mood'");
  ExpectRefused(R"({"type": "tango"})", "tango");
  ExpectRefused(R"({"final": "9"})", "--final: expected a degree of the scale");
  ExpectRefused(R"({"final": 5})", "final: expected");
  ExpectRefused(R"({"beat": "swung"})", "--beat: expected even, mixed or dotted");
  ExpectRefused(R"({"beat": true})", "beat: expected");
  ExpectRefused(R"({"num": 1000})", "num: expected 1 to 8");
  ExpectRefused(R"({"seed": -1})", "seed: expected 0 to");
  ExpectRefused(R"({"prime": "|:A\u0000B"})", "prime: expected printable ASCII");
  ExpectRefused(R"({"prime": "|:A\u00e9B"})", "prime: expected printable ASCII");
  ExpectRefused(R"({"type": "jig",)", "expected JSON");
  ExpectRefused(R"([1, 2])", "expected a JSON object");
  // Path tricks reach no file: no route matches them.
  for (const char* path : {"/api/tunes/1/../../../../etc/passwd", "/api/tunes/..%2f..%2fetc%2fpasswd/abc",
                           "/../../etc/passwd", "/api/tunes/1/abc/../../../../etc/passwd", "/web/index.html",
                           "/api/tunes/99999999999999999999/abc", "/api/tunes/1/exe"}) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_GE(r->status, 400) << path;
    EXPECT_LT(r->status, 500) << path;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
  }
  // What another web site could send from a browser here: a rebound host name, a form's POST.
  auto rebound = client_->Get("/api/tunes", {{"Host", "evil.example"}});
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403);
  EXPECT_NE(rebound->body.find("Host: expected"), std::string::npos) << rebound->body;
  auto form = client_->Post("/api/generate", "{}", "text/plain");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415);
  EXPECT_NE(form->body.find("expected application/json"), std::string::npos) << form->body;
  Get("/api/tunes/1/wav?tempo=100000", 400);
  Get("/api/tunes?limit=abc", 400);
  auto huge = client_->Post("/api/generate", std::string(1 << 20, ' '), "application/json");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  EXPECT_TRUE(server_->Running());
  Post("/api/generate", R"({"seed": 3})", 200);
}

TEST_F(ServeApiTest, SigtermEndsTheServerEvenRightAfterItStarts) {
  for (int i = 0; i < 5; ++i) {  // the stop may come before the server listens
    server_.reset();
    server_ = std::make_unique<testing::ServeProcess>(db_);
    ASSERT_GT(server_->port(), 0) << server_->output();
    EXPECT_EQ(server_->Stop(15), 0) << "round " << i;
  }
}

TEST_F(ServeApiTest, ARequestThatTakesTooLongIsCut) {
  server_.reset();
  // A millisecond: eight tunes at the highest temperature take longer than that on any machine
  // (a second was not enough on a fast one, where all eight came back uncut).
  server_ = std::make_unique<testing::ServeProcess>(db_, "--time-limit 0.001");
  ASSERT_GT(server_->port(), 0) << server_->output();
  client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  client_->set_read_timeout(60);
  const auto start = std::chrono::steady_clock::now();
  auto r = client_->Post("/api/generate", R"({"seed": 5, "num": 8, "temperature": 2.0})", "application/json");
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r);
  EXPECT_LT(s, 10.0);
  json j = json::parse(r->body, nullptr, false);
  if (r->status == 200)
    EXPECT_TRUE(j["cut"].get<bool>()) << r->body.substr(0, 300);
  else
    EXPECT_EQ(r->status, 503) << r->body;
}

}  // namespace
}  // namespace abcrnn
