// `abcrnn check FILE... | -`: parses every tune, prints one line per problem
// (file:line:col: error: [kind] message (X:3 "Title")) and a summary, or --json for machines.
// Exit 0 when every tune is valid, 1 when some are not, 2 for usage or file errors.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "abcrnn/abc/parser.h"
#include "abcrnn/util/file.h"
#include "cli/commands.h"

namespace abcrnn::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> inputs;
  bool json = false;
  bool summary_only = false;
  bool no_warnings = false;
};

struct KindCount {
  int problems = 0;
  int tunes = 0;
};

int RunCheck(const CheckArgs& args) {
  // Each input on its own: a missing file is reported, and the others are still checked.
  bool file_error = false;
  std::vector<std::string> files;
  std::vector<std::string> missing;
  for (const std::string& input : args.inputs) {
    Result<std::vector<std::string>> found = ExpandPaths({input}, {".abc"});
    if (found.ok()) {
      files.insert(files.end(), found->begin(), found->end());
    } else {
      missing.push_back(found.status().ToString());
      file_error = true;
    }
  }
  int tunes = 0, valid = 0, with_warnings = 0, with_errors = 0;
  std::map<std::string, KindCount> by_kind;
  nlohmann::json problems = nlohmann::json::array();
  std::string out;
  auto emit = [&](const abc::Diagnostic& d) {
    if (args.no_warnings && d.severity == abc::Severity::kWarning) return;
    if (args.json) {
      problems.push_back({{"file", d.file},
                          {"line", d.pos.line},
                          {"column", d.pos.column},
                          {"severity", std::string(abc::SeverityName(d.severity))},
                          {"kind", std::string(abc::KindName(d.kind))},
                          {"message", d.message},
                          {"x", d.x},
                          {"title", d.title}});
    } else if (!args.summary_only) {
      out += d.ToString();
      out += '\n';
      if (out.size() > (1 << 16)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
      }
    }
  };
  for (const std::string& path : files) {
    // One tune at a time: memory stays that of one tune whatever the file's size.
    auto reader = abc::TuneReader::Open(path);
    if (!reader.ok()) {
      spdlog::error("{}", reader.status().ToString());
      file_error = true;
      continue;
    }
    abc::Tune tune;
    while ((*reader)->Next(&tune)) {
      ++tunes;
      bool errors = !tune.valid();
      bool warnings = tune.has_warnings();
      if (errors)
        ++with_errors;
      else
        ++valid;
      if (warnings) ++with_warnings;
      std::map<std::string, bool> seen;
      for (const abc::Diagnostic& d : tune.diagnostics) {
        emit(d);
        std::string k(abc::KindName(d.kind));
        KindCount& kc = by_kind[k];
        ++kc.problems;
        if (!seen[k]) {
          seen[k] = true;
          ++kc.tunes;
        }
      }
    }
    if (!(*reader)->status().ok()) {
      spdlog::error("{}", (*reader)->status().ToString());
      file_error = true;
    }
  }
  if (args.json) {
    nlohmann::json j;
    j["tunes"] = tunes;
    j["valid"] = valid;
    j["with_warnings"] = with_warnings;
    j["with_errors"] = with_errors;
    j["file_errors"] = file_error;
    nlohmann::json kinds = nlohmann::json::object();
    for (const auto& [k, c] : by_kind) kinds[k] = {{"problems", c.problems}, {"tunes", c.tunes}};
    j["by_kind"] = kinds;
    j["problems"] = problems;
    out = j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
  } else {
    out += "tunes read: " + std::to_string(tunes) + ", valid: " + std::to_string(valid) +
           ", with warnings: " + std::to_string(with_warnings) +
           ", with errors: " + std::to_string(with_errors) + "\n";
    for (const auto& [k, c] : by_kind) {
      out += "  " + k + ": " + std::to_string(c.problems) + " in " + std::to_string(c.tunes) +
             " tune(s)\n";
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  for (const std::string& m : missing) spdlog::error("{}", m);  // after the report, so it is seen
  if (file_error) return kExitUsage;
  if (tunes == 0) {
    spdlog::warn("no tunes found (a tune starts with an X: line)");
    return kExitFindings;
  }
  return with_errors > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void RegisterCheck(CLI::App& app, RunFn& run) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* sub = app.add_subcommand("check", "Parse ABC files and report every problem");
  sub->add_option("files", args->inputs, "ABC files or folders (*.abc), '-' for standard input")
      ->required();
  sub->add_flag("--json", args->json, "Print a JSON report (problems and summary)");
  sub->add_flag("-s,--summary-only", args->summary_only, "Print only the summary");
  sub->add_flag("--no-warnings", args->no_warnings, "Do not list warnings");
  sub->callback([args, &run] { run = [args] { return RunCheck(*args); }; });
}

}  // namespace abcrnn::cli
