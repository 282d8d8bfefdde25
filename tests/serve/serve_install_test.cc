// `abcrnn serve` as installed: `cmake --install` into a prefix, the prefix moved elsewhere (an
// install is movable), then the installed abcrnn-sample started with no --model and no --web.
// It must serve the installed page (a marker written into the installed copy comes back), abcjs
// beside it, and generate with the installed model (a damaged installed model is what it reports).
#include <httplib.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "serve/serve_process.h"
#include "support/paths.h"

namespace abcrnn {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class ServeInstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("abcrnn-install-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ServeInstallTest, AMovedInstallServesItsOwnPageAbcjsAndModel) {
  const fs::path staged = dir_ / "staged";
  const auto install = testing::RunCommand("'" ABCRNN_CMAKE_COMMAND "' --install '" ABCRNN_BINARY_DIR "' --prefix '" +
                                               staged.string() + "'",
                                           true);
  ASSERT_EQ(install.exit_code, 0) << install.out;
  const fs::path prefix = dir_ / "moved";
  fs::rename(staged, prefix);

  const fs::path web = prefix / "share/abcrnn/web";
  const fs::path model = prefix / "share/abcrnn/models/default.ckpt";
  for (const fs::path& p : {prefix / "bin/abcrnn", prefix / "bin/abcrnn-sample", web / "index.html",
                            web / "app.js", web / "style.css", model})
    ASSERT_TRUE(fs::exists(p)) << p << " is not installed";
  const bool have_abcjs = fs::exists(testing::SourceDir() + "/node_modules/abcjs/dist/abcjs-basic-min.js");
  if (have_abcjs) {
    EXPECT_TRUE(fs::exists(web / "abcjs-basic-min.js")) << "abcjs is in node_modules but was not installed";
  } else {
    std::cout << "node_modules/abcjs absent (scripts/setup.sh runs npm ci): its install is not checked\n";
  }

  // A marker only the installed page has: the page served must be the installed one.
  const std::string marker = "<!-- the installed copy " + std::to_string(::getpid()) + " -->";
  std::ofstream(web / "index.html", std::ios::app) << marker << "\n";

  const std::string db = (dir_ / "tunes.sqlite").string();
  {
    auto server = testing::ServeProcess::Installed(prefix.string(), db);
    ASSERT_GT(server->port(), 0) << server->output();
    httplib::Client client("127.0.0.1", server->port());
    client.set_read_timeout(60);
    auto page = client.Get("/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
    EXPECT_NE(page->body.find(marker), std::string::npos) << "the page served is not the installed one";
    if (have_abcjs) {
      auto abcjs = client.Get("/abcjs-basic-min.js");
      ASSERT_TRUE(abcjs);
      EXPECT_EQ(abcjs->status, 200);
      EXPECT_EQ(abcjs->body, ReadFile(web / "abcjs-basic-min.js"));
    }
    auto made = client.Post("/api/generate", R"({"seed": 7, "type": "jig", "key": "D"})", "application/json");
    ASSERT_TRUE(made);
    ASSERT_EQ(made->status, 200) << made->body;
    json j = json::parse(made->body);
    ASSERT_EQ(j["tunes"].size(), 1u);
    EXPECT_NE(j["tunes"][0]["abc"].get<std::string>().find("K:D"), std::string::npos);
    EXPECT_EQ(server->Stop(), 0) << server->output();
  }

  // The installed generate finds the installed model too.
  const auto gen = testing::RunCommand("env -u ABCRNN_MODEL '" + (prefix / "bin/abcrnn").string() +
                                       "' generate --num 1 --seed 3 --rhythm reel");
  EXPECT_EQ(gen.exit_code, 0) << gen.out;
  EXPECT_NE(gen.out.find("R:reel"), std::string::npos) << gen.out;

  // A damaged installed model is what the installed program reports: it looked there first.
  fs::resize_file(model, 100);
  auto broken = testing::ServeProcess::Installed(prefix.string(), db);
  EXPECT_EQ(broken->port(), 0);
  EXPECT_NE(broken->Stop(), 0);
  EXPECT_NE(broken->output().find(model.string()), std::string::npos) << broken->output();
}

}  // namespace
}  // namespace abcrnn
