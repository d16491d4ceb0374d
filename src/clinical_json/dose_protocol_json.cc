#include "clinical_json/dose_protocol_json.h"

#include <vector>

#include "json/json_reader.h"

namespace ketaclinic::clinical_json {

using json_read::ObjectReader;
using nlohmann::json;

clinical::DoseProtocol ReadDoseProtocol(const json& section, const std::string& path,
                                        const clinical::DoseProtocol& defaults, Validator& v) {
  clinical::DoseProtocol p = defaults;
  if (!section.is_object()) {
    v.Add({path, "must be an object, got " + json_read::TypeName(section)});
    return p;
  }
  ObjectReader reader(section, path, v);
  reader.RejectUnknown(
      {"default_mg_per_kg", "soft_min_mg_per_kg", "soft_max_mg_per_kg", "hard_max_mg_per_kg",
       "soft_max_dose_mg", "rounding_mg", "weight_basis", "ideal_weight_if_bmi_at_least",
       "default_duration_min", "min_duration_min", "max_duration_min", "default_bag_ml",
       "escalation_steps_mg_per_kg", "escalation_after_infusions"},
      "the dosing section");
  auto number = [&](const char* key, double& target) {
    if (auto value = reader.Number(key)) target = *value;
  };
  // An optional limit: a number sets it, null unsets it, absence keeps the default.
  auto optional_number = [&](const char* key, std::optional<double>& target) {
    if (reader.IsNull(key)) {
      target.reset();
    } else if (auto value = reader.Number(key)) {
      target = value;
    }
  };
  number("default_mg_per_kg", p.default_mg_per_kg);
  number("soft_min_mg_per_kg", p.soft_min_mg_per_kg);
  number("soft_max_mg_per_kg", p.soft_max_mg_per_kg);
  number("hard_max_mg_per_kg", p.hard_max_mg_per_kg);
  optional_number("soft_max_dose_mg", p.soft_max_dose_mg);
  number("rounding_mg", p.rounding_mg);
  if (auto basis = reader.String("weight_basis")) {
    if (auto parsed = clinical::ParseWeightBasis(*basis)) {
      p.weight_basis = *parsed;
    } else {
      v.Add({reader.Field("weight_basis"),
             "must be actual, ideal or adjusted, got '" + *basis + "'"});
    }
  }
  optional_number("ideal_weight_if_bmi_at_least", p.ideal_weight_if_bmi_at_least);
  number("default_duration_min", p.default_duration_min);
  number("min_duration_min", p.min_duration_min);
  number("max_duration_min", p.max_duration_min);
  number("default_bag_ml", p.default_bag_ml);
  if (const json* steps = reader.Array("escalation_steps_mg_per_kg")) {
    std::vector<double> values;
    values.reserve(steps->size());
    for (size_t i = 0; i < steps->size(); ++i) {
      const json& step = (*steps)[i];
      const std::string field =
          reader.Field("escalation_steps_mg_per_kg") + "[" + std::to_string(i) + "]";
      if (!step.is_number()) {
        v.Add({field, "must be a number (mg/kg), got " + json_read::TypeName(step)});
        continue;
      }
      values.push_back(step.get<double>());
    }
    p.escalation_steps_mg_per_kg = std::move(values);
  }
  if (auto after = reader.Integer("escalation_after_infusions", 1, 50)) {
    p.escalation_after_infusions = *after;
  }
  return p;
}

json DoseProtocolToJson(const clinical::DoseProtocol& p) {
  auto optional = [](const std::optional<double>& value) -> json {
    return value ? json(*value) : json(nullptr);
  };
  return json{{"default_mg_per_kg", p.default_mg_per_kg},
              {"soft_min_mg_per_kg", p.soft_min_mg_per_kg},
              {"soft_max_mg_per_kg", p.soft_max_mg_per_kg},
              {"hard_max_mg_per_kg", p.hard_max_mg_per_kg},
              {"soft_max_dose_mg", optional(p.soft_max_dose_mg)},
              {"rounding_mg", p.rounding_mg},
              {"weight_basis", clinical::WeightBasisName(p.weight_basis)},
              {"ideal_weight_if_bmi_at_least", optional(p.ideal_weight_if_bmi_at_least)},
              {"default_duration_min", p.default_duration_min},
              {"min_duration_min", p.min_duration_min},
              {"max_duration_min", p.max_duration_min},
              {"default_bag_ml", p.default_bag_ml},
              {"escalation_steps_mg_per_kg", p.escalation_steps_mg_per_kg},
              {"escalation_after_infusions", p.escalation_after_infusions}};
}

}  // namespace ketaclinic::clinical_json
