// TrainingControlTable: the split's rule (data/split.h) applied tune by tune, so the table counts
// exactly the tunes BuildCorpus trains on.
#include "abcrnn/data/training_controls.h"

#include "abcrnn/abc/controls.h"
#include "abcrnn/data/split.h"

namespace abcrnn {

abc::ControlTable TrainingControlTable(const CleanResult& cleaned, double valid_fraction, int valid_per_type) {
  std::vector<std::string> texts;
  texts.reserve(cleaned.tunes.size());
  for (const CleanedTune& c : cleaned.tunes) texts.push_back(c.text);
  const auto by_type = ValidFractionsByType(texts, valid_fraction, valid_per_type);
  abc::ControlTable table;
  for (const CleanedTune& c : cleaned.tunes) {
    // As SplitTunes: the type of the text's R: line (the control the cleaner wrote).
    auto it = by_type.find(abc::ReadControlLines(c.text).type);
    if (IsValidationTune(c.text, it == by_type.end() ? valid_fraction : it->second)) continue;
    table.Add({c.controls.style, c.controls.type, abc::FormText(c.controls.part_bars, c.controls.part_repeats),
               c.meter, c.unit_length, c.key, 1,
               c.controls.final_semitones >= 0 ? abc::DegreeText(c.controls.final_semitones) : "", c.controls.beat});
  }
  return table;
}

}  // namespace abcrnn
