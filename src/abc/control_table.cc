// ControlTable: counting control combinations and its JSON form in checkpoint metadata.
#include "abcrnn/abc/control_table.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "abcrnn/abc/controls.h"

namespace abcrnn::abc {
namespace {

constexpr const char* kFields[] = {"style", "type", "form", "meter", "unit_length", "key", "final", "beat"};

std::string RowKey(const ControlRow& r) {
  std::string k;
  for (const char* f : kFields) k += ControlField(r, f) + '\x1f';
  return k;
}

}  // namespace

const std::string& ControlField(const ControlRow& row, std::string_view field) {
  static const std::string kNone;
  if (field == "style") return row.style;
  if (field == "type") return row.type;
  if (field == "form") return row.form;
  if (field == "meter") return row.meter;
  if (field == "unit_length") return row.unit_length;
  if (field == "key") return row.key;
  if (field == "final") return row.final_degree;
  if (field == "beat") return row.beat;
  return kNone;
}

void ControlTable::Add(const ControlRow& row) {
  auto [it, added] = index_.emplace(RowKey(row), rows_.size());
  if (added) {
    rows_.push_back(row);
    rows_.back().count = 0;
  }
  rows_[it->second].count += row.count > 0 ? row.count : 1;
}

int64_t ControlTable::total() const {
  int64_t n = 0;
  for (const auto& r : rows_) n += r.count;
  return n;
}

std::map<std::string, int64_t> ControlTable::Counts(std::string_view field) const {
  std::map<std::string, int64_t> out;
  for (const auto& r : rows_) {
    const std::string& v = ControlField(r, field);
    if (!v.empty()) out[v] += r.count;
  }
  return out;
}

std::string ControlTable::ToJson() const {
  // The oldest version that holds the rows, so tables of models without finals or beats stay as
  // they were: 1 without either, 2 with finals, 3 with beats.
  const bool beats = std::any_of(rows_.begin(), rows_.end(), [](const ControlRow& r) { return !r.beat.empty(); });
  const bool finals =
      beats || std::any_of(rows_.begin(), rows_.end(), [](const ControlRow& r) { return !r.final_degree.empty(); });
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : rows_) {
    nlohmann::json row = {r.style, r.type, r.form, r.meter, r.unit_length, r.key};
    if (finals) row.push_back(r.final_degree);
    if (beats) row.push_back(r.beat);
    row.push_back(r.count);
    rows.push_back(std::move(row));
  }
  nlohmann::json fields = nlohmann::json::array();
  for (const char* f : kFields) {
    const std::string_view name = f;
    if ((name != "final" || finals) && (name != "beat" || beats)) fields.push_back(f);
  }
  fields.push_back("count");
  return nlohmann::json{{"version", beats ? 3 : finals ? 2 : 1}, {"fields", fields}, {"rows", rows}}.dump();
}

Result<ControlTable> ControlTable::FromJson(std::string_view text) {
  return FromParsed(nlohmann::json::parse(text, nullptr, false));
}

Result<ControlTable> ControlTable::FromParsed(const nlohmann::json& j) {
  auto bad = [](const std::string& what) {
    return Status::Corruption("controls table: expected " + what + "; the checkpoint is damaged or newer than "
                              "this abcrnn");
  };
  if (!j.is_object() || !j.contains("version") || !j.at("version").is_number_integer()) return bad("a version");
  const int version = j.at("version").get<int>();
  if (version < 1 || version > 3) return bad("version 1, 2 or 3, got " + j.at("version").dump());
  if (!j.contains("rows") || !j.at("rows").is_array()) return bad("a list of rows");
  const size_t texts = 5 + static_cast<size_t>(version);  // version 2 adds the final, 3 the beat
  ControlTable t;
  for (const auto& r : j.at("rows")) {
    if (!r.is_array() || r.size() != texts + 1) return bad("rows of " + std::to_string(texts + 1) + " values");
    for (size_t k = 0; k < texts; ++k)
      if (!r[k].is_string()) return bad("text in the first " + std::to_string(texts) + " values of a row");
    if (!r[texts].is_number_integer() || r[texts].get<int64_t>() <= 0) return bad("a positive count last in a row");
    ControlRow row{r[0].get<std::string>(), r[1].get<std::string>(), r[2].get<std::string>(),
                   r[3].get<std::string>(), r[4].get<std::string>(), r[5].get<std::string>(),
                   r[texts].get<int64_t>()};
    if (version >= 2) row.final_degree = r[6].get<std::string>();
    if (version >= 3) row.beat = r[7].get<std::string>();
    if (!row.beat.empty() && !IsBeatName(row.beat))
      return bad("a beat of even, mixed or dotted, got '" + row.beat + "'");
    t.Add(row);
  }
  return t;
}

}  // namespace abcrnn::abc
