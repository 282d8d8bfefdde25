// Form per tune type: a tune's type from its R: field (abc::NormaliseTuneType) and the form
// shares of each type present in both sets (a mix of types ends on the tonic as its types do).
// The per-tune form itself is AnalyzeForm's.
#include "abcrnn/eval/form_by_type.h"

#include <algorithm>
#include <map>

#include "abcrnn/abc/controls.h"
#include "abcrnn/abc/tune.h"

namespace abcrnn::eval {
namespace {

std::map<std::string, TypeForm> Summarise(const std::vector<TuneForm>& forms,
                                          const std::vector<std::string>& types) {
  std::map<std::string, TypeForm> by_type;
  for (size_t i = 0; i < forms.size() && i < types.size(); ++i) {
    if (types[i].empty()) continue;
    TypeForm& t = by_type[types[i]];
    ++t.tunes;
    t.repeats += forms[i].has_repeats;
    t.equal_parts += forms[i].equal_parts;
    t.mean_bars += forms[i].bars;
    if (forms[i].ends_on_tonic >= 0) {
      ++t.tonic_tunes;
      t.ends_on_tonic += forms[i].ends_on_tonic;
    }
  }
  for (auto& [type, t] : by_type) {
    t.repeats /= t.tunes;
    t.equal_parts /= t.tunes;
    t.mean_bars /= t.tunes;
    if (t.tonic_tunes > 0) t.ends_on_tonic /= t.tonic_tunes;
  }
  return by_type;
}

}  // namespace

std::string TuneTypeOf(const abc::Tune& tune) {
  for (const abc::Field& field : tune.header) {
    if (field.letter != 'R') continue;
    std::string type = abc::NormaliseTuneType(field.value);
    if (!type.empty()) return type;
  }
  return "";
}

std::vector<TypeFormRow> FormByType(const std::vector<TuneForm>& generated_forms,
                                    const std::vector<std::string>& generated_types,
                                    const std::vector<TuneForm>& reference_forms,
                                    const std::vector<std::string>& reference_types,
                                    int min_tunes) {
  const auto generated = Summarise(generated_forms, generated_types);
  const auto reference = Summarise(reference_forms, reference_types);
  std::vector<TypeFormRow> rows;
  for (const auto& [type, g] : generated) {
    auto r = reference.find(type);
    if (g.tunes < min_tunes || r == reference.end() || r->second.tunes < min_tunes) continue;
    rows.push_back({type, g, r->second});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const TypeFormRow& x, const TypeFormRow& y) {
    return x.generated.tunes > y.generated.tunes;
  });
  return rows;
}

}  // namespace abcrnn::eval
