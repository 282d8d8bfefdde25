// Default-model lookup, checkpoint loading and pipe-safe output for abcrnn-sample.
#include "cli/sample_model.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace abcrnn::cli {
namespace fs = std::filesystem;

std::vector<std::string> DefaultModelCandidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("ABCRNN_MODEL"); env && *env) out.push_back(env);
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back((self.parent_path().parent_path() / "share/abcrnn/models/default.ckpt").string());
#ifdef ABCRNN_SOURCE_DIR
  out.push_back(std::string(ABCRNN_SOURCE_DIR) + "/models/default.ckpt");
#endif
  return out;
}

void AddPrecisionOption(CLI::App* sub, std::string* precision) {
  sub->add_option("--precision", *precision,
                  "Weights in float32 (the default, PyTorch's numbers), bf16 (half the bytes per character: "
                  "faster one tune at a time, logits within about 1%) or int8 (a quarter of the bytes: "
                  "faster still, logits within a few percent)")
      ->check(CLI::IsMember({"float32", "bf16", "int8"}))
      ->capture_default_str();
}

Result<LoadedModel> LoadModel(const std::string& path, int threads, const std::string& precision) {
  LoadedModel m;
  m.path = path;
  if (m.path.empty()) {
    std::string tried;
    for (const auto& c : DefaultModelCandidates()) {
      std::error_code ec;
      if (fs::is_regular_file(c, ec)) {
        m.path = c;
        break;
      }
      tried += "\n  " + c;
    }
    if (m.path.empty())
      return Status::NotFound("no model given and no default model found; looked for:" + tried +
                              "\nhint: pass --model FILE.ckpt (made by abcrnn train) or set ABCRNN_MODEL");
  }
  Result<Checkpoint> ckpt = ReadCheckpoint(m.path);
  if (!ckpt.ok()) return ckpt.status();
  m.checkpoint = std::move(ckpt).value();
  m.fingerprint = CheckpointFingerprint(m.checkpoint);
  {
    // The metadata is parsed once (the control table makes it some 100 KB of JSON).
    const auto meta = nlohmann::json::parse(m.checkpoint.metadata_json, nullptr, false);
    if (meta.is_object() && meta.contains("cleaning")) m.cleaning = CleanOptionsFromJson(meta.at("cleaning").dump());
    if (meta.is_object() && meta.contains("controls")) {
      auto table = abc::ControlTable::FromParsed(meta.at("controls"));
      if (!table.ok()) return Status::Corruption(m.path + ": " + table.status().message());
      m.controls = std::move(table).value();
    }
    if (meta.is_object() && meta.contains("generation")) {
      auto sampling = SamplingDefaultsFromJson(meta.at("generation").dump());
      if (!sampling.ok()) return Status::Corruption(m.path + ": " + sampling.status().message());
      m.sampling = *sampling;
      m.sampling_recorded = true;
    }
    if (meta.is_object() && meta.contains("match_model")) {
      auto match = MatchMixFromJson(meta.at("match_model").dump());
      if (!match.ok()) return Status::Corruption(m.path + ": " + match.status().message());
      m.match = std::move(match).value();
    }
  }
  if (NoteRunHashes& runs = m.checkpoint.note_runs; !runs.hashes.empty()) {
    if (runs.hash == eval::kNoteRunHash) {
      auto set = eval::NoteRunSet::FromHashes(runs.notes, std::move(runs.hashes));
      if (!set.ok()) return Status::Corruption(m.path + ": " + set.status().message());
      m.note_runs = std::move(set).value();
    } else {
      spdlog::warn("{}: its note runs use the hash '{}', this abcrnn knows '{}'; generating without the copy guard",
                   m.path, runs.hash, eval::kNoteRunHash);
    }
    runs.hashes.clear();
  }
  m.checkpoint.optimizer.clear();
  std::vector<RnnWeights> networks;
  std::vector<double> shares = m.checkpoint.model.member_weights;
  {
    auto w = NetworkWeightsFromCheckpoint(std::move(m.checkpoint));  // moves the weights
    if (!w.ok()) return w.status();
    networks = std::move(w).value();
  }
  m.checkpoint.weights.clear();
  FastEngineOptions engine_options;
  engine_options.threads = threads;
  if (!ParsePrecision(precision, &engine_options.precision))
    return Status::InvalidArgument("unknown precision '" + precision + "'");
  // The product kernel: the fastest this CPU runs unless ABCRNN_KERNEL names another (the same
  // tunes either way; for timing one against another, doc/sampler.md).
  if (const char* env = std::getenv("ABCRNN_KERNEL"); env && *env) {
    if (Status s = CheckKernelName(env); !s.ok()) return Status::InvalidArgument("ABCRNN_KERNEL: " + s.message());
    engine_options.kernel = env;
  }
  Result<std::unique_ptr<FastEngine>> engine = NewModelEngine(networks, engine_options, std::move(shares));
  if (!engine.ok()) return Status::Unsupported(m.path + ": " + engine.status().message());
  m.engine = std::move(engine).value();
  return m;
}

bool WriteOut(const std::string& text) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;  // EPIPE (reader gone) or another write error: stop quietly
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace abcrnn::cli
