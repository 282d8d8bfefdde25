// ControlTable: counting control combinations and its JSON form in checkpoint metadata.
#include "abcrnn/abc/control_table.h"

#include <nlohmann/json.hpp>

namespace abcrnn::abc {
namespace {

constexpr const char* kFields[] = {"style", "type", "form", "meter", "unit_length", "key"};

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
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : rows_)
    rows.push_back({r.style, r.type, r.form, r.meter, r.unit_length, r.key, r.count});
  nlohmann::json fields = nlohmann::json::array();
  for (const char* f : kFields) fields.push_back(f);
  fields.push_back("count");
  return nlohmann::json{{"version", 1}, {"fields", fields}, {"rows", rows}}.dump();
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
  if (j.at("version").get<int>() != 1)
    return bad("version 1, got " + j.at("version").dump());
  if (!j.contains("rows") || !j.at("rows").is_array()) return bad("a list of rows");
  ControlTable t;
  for (const auto& r : j.at("rows")) {
    if (!r.is_array() || r.size() != 7) return bad("rows of 7 values");
    for (int k = 0; k < 6; ++k)
      if (!r[k].is_string()) return bad("text in the first 6 values of a row");
    if (!r[6].is_number_integer() || r[6].get<int64_t>() <= 0) return bad("a positive count last in a row");
    ControlRow row{r[0].get<std::string>(), r[1].get<std::string>(), r[2].get<std::string>(),
                   r[3].get<std::string>(), r[4].get<std::string>(), r[5].get<std::string>(),
                   r[6].get<int64_t>()};
    t.Add(row);
  }
  return t;
}

}  // namespace abcrnn::abc
