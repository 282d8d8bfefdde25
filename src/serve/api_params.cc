// The API's input checks (see api_params.h): nothing reaches generation or the archive unchecked.
#include "serve/api_params.h"

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

namespace abcrnn::serve {
namespace {

using nlohmann::json;

// What a string field may hold besides printable ASCII.
enum class Allow { kLine, kLines, kText };  // nothing else; newlines; newlines, tabs and UTF-8

// The first byte `allow` does not let through, named with its position.
Status CheckCharacters(const std::string& field, const std::string& v, Allow allow) {
  for (size_t i = 0; i < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if ((c >= 0x20 && c < 0x7f) || (allow != Allow::kLine && c == '\n') ||
        (allow == Allow::kText && (c == '\t' || c >= 0x80)))
      continue;
    const char* what = allow == Allow::kLine    ? "printable ASCII"
                       : allow == Allow::kLines ? "printable ASCII and newlines"
                                                : "text without control characters";
    return Status::InvalidArgument(field + ": expected " + what + ", got byte " + std::to_string(c) +
                                   " at position " + std::to_string(i));
  }
  return Status::OK();
}

Result<std::string> String(const json& j, const std::string& field, size_t max_bytes, Allow allow) {
  if (!j.is_string()) return Status::InvalidArgument(field + ": expected a string, got " + std::string(j.type_name()));
  std::string v = j.get<std::string>();
  if (v.size() > max_bytes)
    return Status::InvalidArgument(field + ": expected at most " + std::to_string(max_bytes) + " bytes, got " +
                                   std::to_string(v.size()));
  if (Status st = CheckCharacters(field, v, allow); !st.ok()) return st;
  return v;
}

// The body as a JSON object whose fields are all in `fields`.
Result<json> Object(const std::string& body, const std::set<std::string>& fields) {
  if (body.size() > kMaxBodyBytes)
    return Status::InvalidArgument("request body: expected at most " + std::to_string(kMaxBodyBytes) +
                                   " bytes, got " + std::to_string(body.size()));
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded())
    return Status::InvalidArgument("request body: expected JSON, got text that does not parse");
  if (!j.is_object())
    return Status::InvalidArgument("request body: expected a JSON object, got " + std::string(j.type_name()));
  for (const auto& [field, v] : j.items()) {
    if (fields.count(field) != 0) continue;
    std::string known;
    for (const std::string& f : fields) known += (known.empty() ? "" : ", ") + f;
    return Status::InvalidArgument("unknown field '" + field.substr(0, 40) + "': expected one of " + known);
  }
  return j;
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
  Result<json> j = Object(body, {"seed", "num", "temperature", "prime", "type", "meter", "key", "style", "unit",
                                 "parts", "bars", "final", "beat"});
  if (!j.ok()) return j.status();
  GenerateParams p;
  p.seed = fresh_seed;
  for (const auto& [field, v] : j->items()) {
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
      auto s = String(v, field, kMaxPrimeBytes, Allow::kLines);
      if (!s.ok()) return s.status();
      p.prime = *s;
    } else {
      auto s = String(v, field, kMaxControlBytes, Allow::kLine);
      if (!s.ok()) return s.status();
      (field == "type"    ? p.type
       : field == "meter" ? p.meter
       : field == "key"   ? p.key
       : field == "style" ? p.style
       : field == "final" ? p.final_degree
       : field == "beat"  ? p.beat
                          : p.unit) = *s;
    }
  }
  return p;
}

Result<RenderParams> ParseRenderParams(const std::string& body) {
  Result<json> j = Object(body, {"abc", "format", "tempo", "program"});
  if (!j.ok()) return j.status();
  RenderParams p;
  if (!j->contains("abc") || !j->contains("format"))
    return Status::InvalidArgument("request body: expected \"abc\" and \"format\", got " +
                                   std::string(j->contains("abc") ? "no format" : "no abc"));
  auto abc = String((*j)["abc"], "abc", kMaxAbcBytes, Allow::kText);
  if (!abc.ok()) return abc.status();
  p.abc = *abc;
  auto format = String((*j)["format"], "format", 3, Allow::kLine);
  if (!format.ok()) return format.status();
  if (*format != "wav" && *format != "mid" && *format != "svg")
    return Status::InvalidArgument("format: expected wav, mid or svg, got '" + *format + "'");
  p.format = *format;
  for (const char* field : {"tempo", "program"}) {
    if (!j->contains(field) || (*j)[field].is_null()) continue;
    auto n = Integer((*j)[field], field, field == std::string("tempo") ? 30 : 1, field == std::string("tempo") ? 300 : 128);
    if (!n.ok()) return n.status();
    (field == std::string("tempo") ? p.tempo : p.program) = static_cast<int>(*n);
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
