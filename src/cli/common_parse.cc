// What the programs say when their command line does not parse: CLI11's message, then a
// suggestion for a mistyped option or subcommand ("did you mean --temperature?"), and the usage
// for a bare `abcrnn` or `abcrnn help`.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/common.h"

namespace abcrnn::cli {
namespace {

int EditDistance(const std::string& a, const std::string& b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// The candidate nearest to `word` when it is near enough to be a typo, else "".
std::string Nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  int best_d = std::max(2, static_cast<int>(word.size()) / 4) + 1;
  for (const std::string& c : candidates) {
    const int d = EditDistance(word, c);
    if (d < best_d || (d == best_d && !best.empty() && c < best)) {
      if (d < best_d) best_d = d;
      best = c;
    }
  }
  return best;
}

std::vector<std::string> OptionNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    for (const std::string& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

}  // namespace

int ReportParseError(CLI::App& app, const CLI::ParseError& e) {
  const std::vector<CLI::App*> chosen = app.get_subcommands();
  CLI::App* parsed = chosen.empty() ? &app : chosen.back();
  std::vector<std::string> rest = parsed->remaining();
  if (rest.empty() && parsed != &app) rest = app.remaining();  // extras a subcommand passed up
  if (chosen.empty() && !rest.empty() && rest.front() == "help") {
    std::fputs(app.help().c_str(), stdout);
    return kExitOk;
  }
  if (e.get_exit_code() == 0) return app.exit(e) == 0 ? kExitOk : kExitUsage;  // --help, --version
  std::string hint;
  if (chosen.empty() && app.get_subcommands({}).size() > 0) {
    std::vector<std::string> names;
    for (const CLI::App* s : app.get_subcommands({})) names.push_back(s->get_name());
    for (const std::string& word : rest)
      if (!word.empty() && word[0] != '-') {
        const std::string near = Nearest(word, names);
        if (!near.empty()) hint = "'" + word + "' is not a command; did you mean '" + near + "'?";
        break;
      }
    if (hint.empty() && rest.empty()) {  // a bare program: its usage
      std::fputs(app.help().c_str(), stderr);
      return kExitUsage;
    }
  } else {
    for (const std::string& word : rest)
      if (word.size() > 1 && word[0] == '-') {
        const std::string bare = word.substr(0, word.find('='));
        const std::string near = Nearest(bare, OptionNames(*parsed));
        if (!near.empty()) hint = "unknown option '" + bare + "'; did you mean '" + near + "'?";
        break;
      }
  }
  // A typo explains the complaints it causes ("--out is required", "arguments were not expected:
  // 0.5 --temprature"): then the suggestion alone says what to do. Any other error (a value that
  // does not convert or check) is said as well.
  // (By exit code: CLI11 names an ExtrasError after the subcommand that threw it.)
  const int kind = e.get_exit_code();
  if (!hint.empty() && (kind == static_cast<int>(CLI::ExitCodes::ExtrasError) ||
                        kind == static_cast<int>(CLI::ExitCodes::RequiredError))) {
    std::fprintf(stderr, "%s\nRun with --help for more information.\n", hint.c_str());
    return kExitUsage;
  }
  app.exit(e);
  if (!hint.empty()) std::fprintf(stderr, "%s\n", hint.c_str());
  return kExitUsage;
}

}  // namespace abcrnn::cli
