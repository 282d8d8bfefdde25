// The API's input checks (see api_params.h): nothing reaches generation or the archive unchecked.
#include "serve/api_params.h"

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

namespace abcrnn::serve {
namespace {

using nlohmann::json;

// Printable ASCII, and newlines where allowed; else the first offending byte's position.
Status CheckCharacters(const std::string& field, const std::string& v, bool newlines) {
  for (size_t i = 0; i < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if ((c >= 0x20 && c < 0x7f) || (newlines && c == '\n')) continue;
    return Status::InvalidArgument(field + ": expected printable ASCII" + (newlines ? " and newlines" : "") +
                                   ", got byte " + std::to_string(c) + " at position " + std::to_string(i));
  }
  return Status::OK();
}

Result<std::string> String(const json& j, const std::string& field, size_t max_bytes, bool newlines) {
  if (!j.is_string()) return Status::InvalidArgument(field + ": expected a string, got " + std::string(j.type_name()));
  std::string v = j.get<std::string>();
  if (v.size() > max_bytes)
    return Status::InvalidArgument(field + ": expected at most " + std::to_string(max_bytes) + " bytes, got " +
                                   std::to_string(v.size()));
  if (Status st = CheckCharacters(field, v, newlines); !st.ok()) return st;
  return v;
}

Result<int64_t> Integer(const json& j, const std::string& field, int64_t lo, int64_t hi) {
  if (!j.is_number_integer())
    return Status::InvalidArgument(field + ": expected a whole number, got " + j.dump());
  const int64_t v = j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                        ? INT64_MAX
                        : j.get<int64_t>();
  if (v < lo || v > hi)
    return Status::InvalidArgument(field + ": expected " + std::to_string(lo) + " to " + std::to_string(hi) +
                                   ", got " + j.dump());
  return v;
}

}  // namespace

Result<GenerateParams> ParseGenerateParams(const std::string& body, uint64_t fresh_seed) {
  if (body.size() > kMaxBodyBytes)
    return Status::InvalidArgument("request body: expected at most " + std::to_string(kMaxBodyBytes) +
                                   " bytes, got " + std::to_string(body.size()));
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded())
    return Status::InvalidArgument("request body: expected JSON, got text that does not parse");
  if (!j.is_object())
    return Status::InvalidArgument("request body: expected a JSON object, got " + std::string(j.type_name()));
  static const std::set<std::string> kFields = {"seed", "num", "temperature", "prime", "type", "meter",
                                                "key",  "style", "unit",      "parts", "bars"};
  GenerateParams p;
  p.seed = fresh_seed;
  for (const auto& [field, v] : j.items()) {
    if (kFields.count(field) == 0) {
      std::string known;
      for (const std::string& f : kFields) known += (known.empty() ? "" : ", ") + f;
      return Status::InvalidArgument("unknown field '" + field.substr(0, 40) + "': expected one of " + known);
    }
    if (v.is_null()) continue;  // not given
    if (field == "seed") {
      auto s = Integer(v, field, 0, (int64_t{1} << 53) - 1);  // exact in a JavaScript number
      if (!s.ok()) return s.status();
      p.seed = static_cast<uint64_t>(*s);
    } else if (field == "num") {
      auto n = Integer(v, field, 1, kMaxTunes);
      if (!n.ok()) return n.status();
      p.num = static_cast<int>(*n);
    } else if (field == "parts" || field == "bars") {
      auto n = Integer(v, field, -1, field == "parts" ? 8 : 64);
      if (!n.ok()) return n.status();
      if (*n == 0) return Status::InvalidArgument(field + ": expected -1 (drawn) or at least 1, got 0");
      (field == "parts" ? p.parts : p.bars) = static_cast<int>(*n);
    } else if (field == "temperature") {
      if (!v.is_number()) return Status::InvalidArgument("temperature: expected a number, got " + v.dump());
      const double t = v.get<double>();
      if (!std::isfinite(t) || t < kMinTemperature || t > kMaxTemperature)
        return Status::InvalidArgument("temperature: expected " + json(kMinTemperature).dump() + " to " +
                                       json(kMaxTemperature).dump() + ", got " + v.dump());
      p.temperature = t;
    } else if (field == "prime") {
      auto s = String(v, field, kMaxPrimeBytes, true);
      if (!s.ok()) return s.status();
      p.prime = *s;
    } else {
      auto s = String(v, field, kMaxControlBytes, false);
      if (!s.ok()) return s.status();
      (field == "type" ? p.type : field == "meter" ? p.meter : field == "key" ? p.key : field == "style" ? p.style : p.unit) = *s;
    }
  }
  return p;
}

Result<int> ParseBoundedInt(const std::string& name, const std::string& text, int fallback, int lo, int hi) {
  if (text.empty()) return fallback;
  const std::string shown = text.substr(0, 20);
  if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    return Status::InvalidArgument(name + ": expected a whole number " + std::to_string(lo) + " to " +
                                   std::to_string(hi) + ", got '" + shown + "'");
  const int v = std::stoi(text);
  if (v < lo || v > hi)
    return Status::InvalidArgument(name + ": expected " + std::to_string(lo) + " to " + std::to_string(hi) +
                                   ", got " + text);
  return v;
}

}  // namespace abcrnn::serve
