// The controls of a model's training tunes, counted: which styles, types, forms, meters, unit
// lengths and keys occur together, and how often. Written by abcrnn-train into the checkpoint's
// metadata ("controls", doc/checkpoint-format.md) and read by the sampler to draw the controls a
// user did not give (infer/controls_policy.h). Value type; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "abcrnn/util/status.h"

namespace abcrnn::abc {


// One combination and the number of training tunes that have it. Empty strings: not known.
struct ControlRow {
  ControlRow() = default;
  ControlRow(std::string style, std::string type, std::string form, std::string meter, std::string unit_length,
             std::string key, int64_t count, std::string final_degree = "", std::string beat = "")
      : style(std::move(style)), type(std::move(type)), form(std::move(form)), meter(std::move(meter)),
        unit_length(std::move(unit_length)), key(std::move(key)), count(count),
        final_degree(std::move(final_degree)), beat(std::move(beat)) {}

  std::string style;        // "nottingham"
  std::string type;         // "reel"
  std::string form;         // "8+8"
  std::string meter;        // "4/4" (abc/writer.h MeterText)
  std::string unit_length;  // "1/8"
  std::string key;          // the source's key before any transposition, "Dmix" (KeyText)
  int64_t count = 0;
  std::string final_degree;  // the final as a degree ("1", "b3", abc::DegreeText), with --final
  std::string beat;          // "even", "mixed" or "dotted" (abc::BeatOf), with --beat
};

class ControlTable {
 public:
  // Counts one tune.
  void Add(const ControlRow& row);
  const std::vector<ControlRow>& rows() const { return rows_; }
  bool empty() const { return rows_.empty(); }
  int64_t total() const;
  // Tunes per value of one field ("style", "type", "form", "meter", "unit_length", "key", "final",
  // "beat"), "" left out.
  std::map<std::string, int64_t> Counts(std::string_view field) const;

  // {"version": 1, "fields": [...], "rows": [[style, type, form, meter, unit, key, count], ...]};
  // version 2, [style, type, form, meter, unit, key, final, count], when a row has a final and
  // none a beat; version 3, [style, type, form, meter, unit, key, final, beat, count], when a row has
  // a beat (the final "" where the tunes do not say theirs).
  std::string ToJson() const;
  // Corruption for anything but those layouts.
  static Result<ControlTable> FromJson(std::string_view json);
  // The same from the parsed value (a checkpoint's metadata["controls"]), without printing it again.
  static Result<ControlTable> FromParsed(const nlohmann::json& j);

 private:
  std::vector<ControlRow> rows_;  // distinct combinations, in first-seen order
  std::map<std::string, size_t> index_;
};

// The value of `field` in `row` (see Counts); "" for an unknown field name.
const std::string& ControlField(const ControlRow& row, std::string_view field);

}  // namespace abcrnn::abc
