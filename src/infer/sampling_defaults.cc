// A checkpoint's recommended sampling (metadata "generation"): read, checked and written.
#include "abcrnn/infer/sampling_defaults.h"

#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace abcrnn {

Status CheckSampling(const SamplingDefaults& s) {
  if (!(std::isfinite(s.temperature) && s.temperature >= 0))
    return Status::InvalidArgument("temperature: expected a number of 0 or more, got " + std::to_string(s.temperature));
  if (s.top_k < 0) return Status::InvalidArgument("top_k: expected 0 or more, got " + std::to_string(s.top_k));
  if (!(s.top_p > 0 && s.top_p <= 1))
    return Status::InvalidArgument("top_p: expected more than 0 and at most 1, got " + std::to_string(s.top_p));
  return Status::OK();
}

Result<SamplingDefaults> SamplingDefaultsFromJson(const std::string& record_json) {
  const nlohmann::json g = nlohmann::json::parse(record_json, nullptr, /*allow_exceptions=*/false);
  auto bad = [](const std::string& what) { return Status::InvalidArgument("generation: expected " + what); };
  if (!g.is_object()) return bad("an object, got " + record_json.substr(0, 40));
  SamplingDefaults s;
  if (g.contains("temperature")) {
    if (!g["temperature"].is_number()) return bad("a number for temperature, got " + g["temperature"].dump());
    s.temperature = g["temperature"].get<double>();
  }
  if (g.contains("top_k")) {
    if (!g["top_k"].is_number_integer()) return bad("a whole number for top_k, got " + g["top_k"].dump());
    const int64_t k = g["top_k"].get<int64_t>();
    if (k < 0 || k > (int64_t{1} << 30)) return bad("top_k of 0 or more, got " + g["top_k"].dump());
    s.top_k = static_cast<int>(k);
  }
  if (g.contains("top_p")) {
    if (!g["top_p"].is_number()) return bad("a number for top_p, got " + g["top_p"].dump());
    s.top_p = g["top_p"].get<double>();
  }
  if (Status st = CheckSampling(s); !st.ok()) return Status::InvalidArgument("generation: " + st.message());
  return s;
}

Result<SamplingDefaults> SamplingDefaultsOfMetadata(const std::string& metadata_json) {
  const nlohmann::json meta = nlohmann::json::parse(metadata_json, nullptr, /*allow_exceptions=*/false);
  if (!meta.is_object()) return Status::InvalidArgument("metadata: expected a JSON object");
  if (!meta.contains("generation")) return SamplingDefaults{};
  return SamplingDefaultsFromJson(meta["generation"].dump());
}

std::string WithSamplingDefaults(const std::string& metadata_json, const SamplingDefaults& s) {
  nlohmann::json meta = nlohmann::json::parse(metadata_json);
  meta["generation"] = {{"temperature", s.temperature}, {"top_k", s.top_k}, {"top_p", s.top_p}};
  return meta.dump();
}

}  // namespace abcrnn
