#include "clinical_json/checks_protocol_json.h"

#include <vector>

#include "json/json_reader.h"

namespace ketaclinic::clinical_json {

using json_read::ObjectReader;
using nlohmann::json;

namespace {

// Reads an enum member by name with `parse`, recording its error under the member's path.
template <typename T, typename Parse>
void ReadName(ObjectReader& reader, Validator& v, const char* key, T& target, Parse parse) {
  if (auto name = reader.String(key)) {
    if (auto parsed = parse(*name, reader.Field(key))) {
      target = *parsed;
    } else {
      v.Merge(parsed.error(), "");
    }
  }
}

}  // namespace

clinical::PreInfusionProtocol ReadPreInfusionProtocol(const json& section, const std::string& path,
                                                      const clinical::PreInfusionProtocol& defaults,
                                                      Validator& v) {
  clinical::PreInfusionProtocol p = defaults;
  if (!section.is_object()) {
    v.Add({path, "must be an object, got " + json_read::TypeName(section)});
    return p;
  }
  ObjectReader reader(section, path, v);
  reader.RejectUnknown({"npo_solids_min",
                        "npo_clear_liquids_min",
                        "weight_max_age_h",
                        "baseline_vitals_max_age_min",
                        "bp_warn_systolic_mmhg",
                        "bp_warn_diastolic_mmhg",
                        "bp_block_systolic_mmhg",
                        "bp_block_diastolic_mmhg",
                        "hr_warn_bpm",
                        "hr_block_bpm",
                        "repeat_after_min",
                        "spo2_block_below_percent",
                        "pregnancy_test",
                        "pregnancy_test_max_age_h",
                        "cssrs_max_age_h",
                        "depression_scale_max_age_h",
                        "cssrs_block_risk",
                        "medication_warn_classes",
                        "lamotrigine_warn_above_mg_per_day",
                        "drug_screen",
                        "drug_screen_max_age_days",
                        "interval_hard_min_h",
                        "interval_soft_min_h"},
                       "the pre_infusion section");
  auto number = [&](const char* key, double& target) {
    if (auto value = reader.Number(key)) target = *value;
  };
  number("npo_solids_min", p.npo_solids_min);
  number("npo_clear_liquids_min", p.npo_clear_liquids_min);
  number("weight_max_age_h", p.weight_max_age_h);
  number("baseline_vitals_max_age_min", p.baseline_vitals_max_age_min);
  number("bp_warn_systolic_mmhg", p.bp_warn_systolic_mmhg);
  number("bp_warn_diastolic_mmhg", p.bp_warn_diastolic_mmhg);
  number("bp_block_systolic_mmhg", p.bp_block_systolic_mmhg);
  number("bp_block_diastolic_mmhg", p.bp_block_diastolic_mmhg);
  number("hr_warn_bpm", p.hr_warn_bpm);
  number("hr_block_bpm", p.hr_block_bpm);
  number("repeat_after_min", p.repeat_after_min);
  number("spo2_block_below_percent", p.spo2_block_below_percent);
  ReadName(reader, v, "pregnancy_test", p.pregnancy_test, clinical::ParseTestPolicy);
  number("pregnancy_test_max_age_h", p.pregnancy_test_max_age_h);
  number("cssrs_max_age_h", p.cssrs_max_age_h);
  number("depression_scale_max_age_h", p.depression_scale_max_age_h);
  ReadName(reader, v, "cssrs_block_risk", p.cssrs_block_risk, clinical::ParseCssrsRisk);
  if (const json* classes = reader.Array("medication_warn_classes")) {
    std::vector<clinical::DrugClass> values;
    values.reserve(classes->size());
    bool ok = true;
    for (size_t i = 0; i < classes->size(); ++i) {
      const json& item = (*classes)[i];
      const std::string field =
          reader.Field("medication_warn_classes") + "[" + std::to_string(i) + "]";
      if (!item.is_string()) {
        v.Add({field, "must be a drug class name, got " + json_read::TypeName(item)});
        ok = false;
        continue;
      }
      if (auto parsed = clinical::ParseDrugClass(item.get<std::string>(), field)) {
        values.push_back(*parsed);
      } else {
        v.Merge(parsed.error(), "");
        ok = false;
      }
    }
    if (ok) p.medication_warn_classes = std::move(values);
  }
  number("lamotrigine_warn_above_mg_per_day", p.lamotrigine_warn_above_mg_per_day);
  ReadName(reader, v, "drug_screen", p.drug_screen, clinical::ParseTestPolicy);
  number("drug_screen_max_age_days", p.drug_screen_max_age_days);
  number("interval_hard_min_h", p.interval_hard_min_h);
  number("interval_soft_min_h", p.interval_soft_min_h);
  return p;
}

json PreInfusionProtocolToJson(const clinical::PreInfusionProtocol& p) {
  json classes = json::array();
  for (clinical::DrugClass c : p.medication_warn_classes) {
    classes.push_back(clinical::DrugClassName(c));
  }
  return json{{"npo_solids_min", p.npo_solids_min},
              {"npo_clear_liquids_min", p.npo_clear_liquids_min},
              {"weight_max_age_h", p.weight_max_age_h},
              {"baseline_vitals_max_age_min", p.baseline_vitals_max_age_min},
              {"bp_warn_systolic_mmhg", p.bp_warn_systolic_mmhg},
              {"bp_warn_diastolic_mmhg", p.bp_warn_diastolic_mmhg},
              {"bp_block_systolic_mmhg", p.bp_block_systolic_mmhg},
              {"bp_block_diastolic_mmhg", p.bp_block_diastolic_mmhg},
              {"hr_warn_bpm", p.hr_warn_bpm},
              {"hr_block_bpm", p.hr_block_bpm},
              {"repeat_after_min", p.repeat_after_min},
              {"spo2_block_below_percent", p.spo2_block_below_percent},
              {"pregnancy_test", clinical::TestPolicyName(p.pregnancy_test)},
              {"pregnancy_test_max_age_h", p.pregnancy_test_max_age_h},
              {"cssrs_max_age_h", p.cssrs_max_age_h},
              {"depression_scale_max_age_h", p.depression_scale_max_age_h},
              {"cssrs_block_risk", clinical::CssrsRiskName(p.cssrs_block_risk)},
              {"medication_warn_classes", classes},
              {"lamotrigine_warn_above_mg_per_day", p.lamotrigine_warn_above_mg_per_day},
              {"drug_screen", clinical::TestPolicyName(p.drug_screen)},
              {"drug_screen_max_age_days", p.drug_screen_max_age_days},
              {"interval_hard_min_h", p.interval_hard_min_h},
              {"interval_soft_min_h", p.interval_soft_min_h}};
}

clinical::DischargeProtocol ReadDischargeProtocol(const json& section, const std::string& path,
                                                  const clinical::DischargeProtocol& defaults,
                                                  Validator& v) {
  clinical::DischargeProtocol p = defaults;
  if (!section.is_object()) {
    v.Add({path, "must be an object, got " + json_read::TypeName(section)});
    return p;
  }
  ObjectReader reader(section, path, v);
  reader.RejectUnknown(
      {"min_observation_min", "sbp_min_mmhg", "sbp_max_mmhg", "dbp_min_mmhg", "dbp_max_mmhg",
       "baseline_tolerance_percent", "spo2_min_percent", "moaas_min", "observation_max_age_min"},
      "the discharge section");
  auto number = [&](const char* key, double& target) {
    if (auto value = reader.Number(key)) target = *value;
  };
  number("min_observation_min", p.min_observation_min);
  number("sbp_min_mmhg", p.sbp_min_mmhg);
  number("sbp_max_mmhg", p.sbp_max_mmhg);
  number("dbp_min_mmhg", p.dbp_min_mmhg);
  number("dbp_max_mmhg", p.dbp_max_mmhg);
  number("baseline_tolerance_percent", p.baseline_tolerance_percent);
  number("spo2_min_percent", p.spo2_min_percent);
  if (auto moaas = reader.Integer("moaas_min", 0, 5)) p.moaas_min = *moaas;
  number("observation_max_age_min", p.observation_max_age_min);
  return p;
}

json DischargeProtocolToJson(const clinical::DischargeProtocol& p) {
  return json{{"min_observation_min", p.min_observation_min},
              {"sbp_min_mmhg", p.sbp_min_mmhg},
              {"sbp_max_mmhg", p.sbp_max_mmhg},
              {"dbp_min_mmhg", p.dbp_min_mmhg},
              {"dbp_max_mmhg", p.dbp_max_mmhg},
              {"baseline_tolerance_percent", p.baseline_tolerance_percent},
              {"spo2_min_percent", p.spo2_min_percent},
              {"moaas_min", p.moaas_min},
              {"observation_max_age_min", p.observation_max_age_min}};
}

}  // namespace ketaclinic::clinical_json
