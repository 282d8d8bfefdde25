// CleanOptions as the JSON object a checkpoint's metadata records under "cleaning", and back:
// how the trainer's tunes were cleaned is how the sampler, export and --resume clean theirs.
#include <nlohmann/json.hpp>

#include "abcrnn/abc/clean.h"

namespace abcrnn {

std::string CleanOptionsToJson(const CleanOptions& c) {
  return nlohmann::json{{"keep_fields", c.keep_fields},
                        {"keep_comments", c.keep_comments},
                        {"keep_lyrics", c.keep_lyrics},
                        {"keep_chord_symbols", c.keep_chord_symbols},
                        {"keep_decorations", c.keep_decorations},
                        {"keep_grace_notes", c.keep_grace_notes},
                        {"keep_slurs", c.keep_slurs},
                        {"drop_duplicates", c.drop_duplicates},
                        {"transpose_to", c.transpose_to},
                        {"controls", c.controls},
                        {"form_repeats", c.form_repeats},
                        {"final_degree", c.final_degree},
                        {"beat", c.beat},
                        {"line_end_bars", c.line_end_bars},
                        {"collapse_empty_bars", c.collapse_empty_bars}}
      .dump();
}

CleanOptions CleanOptionsFromJson(const std::string& text, CleanOptions c) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return c;
  auto flag = [&j](const char* name, bool* value) {
    if (j.contains(name) && j[name].is_boolean()) *value = j[name].get<bool>();
  };
  flag("keep_fields", &c.keep_fields);
  flag("keep_comments", &c.keep_comments);
  flag("keep_lyrics", &c.keep_lyrics);
  flag("keep_chord_symbols", &c.keep_chord_symbols);
  flag("keep_decorations", &c.keep_decorations);
  flag("keep_grace_notes", &c.keep_grace_notes);
  flag("keep_slurs", &c.keep_slurs);
  flag("drop_duplicates", &c.drop_duplicates);
  flag("controls", &c.controls);
  flag("form_repeats", &c.form_repeats);
  flag("final_degree", &c.final_degree);
  flag("beat", &c.beat);
  flag("line_end_bars", &c.line_end_bars);
  flag("collapse_empty_bars", &c.collapse_empty_bars);
  if (j.contains("transpose_to") && j["transpose_to"].is_string()) c.transpose_to = j["transpose_to"].get<std::string>();
  return c;
}

CleanOptions CleanOptionsOfMetadata(const std::string& metadata_json) {
  const auto meta = nlohmann::json::parse(metadata_json, nullptr, false);
  if (!meta.is_object() || !meta.contains("cleaning")) return {};
  return CleanOptionsFromJson(meta["cleaning"].dump());
}

}  // namespace abcrnn
