#include "clinical_json/eligibility_protocol_json.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json/json_reader.h"

namespace ketaclinic::clinical_json {
namespace {

using json_read::ObjectReader;
using nlohmann::json;

std::string Index(const std::string& field, size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

// A present array of strings, each turned into a value by `parse` (which names its own field);
// nullopt when absent or not an array. Elements that fail are reported and left out.
template <typename T, typename Parse>
std::optional<std::vector<T>> Names(ObjectReader& r, std::string_view key, Validator& v,
                                    Parse parse) {
  const json* array = r.Array(key);
  if (array == nullptr) return std::nullopt;
  std::vector<T> values;
  values.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    const std::string field = Index(r.Field(key), i);
    const json& element = (*array)[i];
    if (!element.is_string()) {
      v.Add({field, "must be a string, got " + json_read::TypeName(element)});
      continue;
    }
    auto value = parse(element.get<std::string>(), field);
    if (!value) {
      v.Merge(value.error(), "");
      continue;
    }
    values.push_back(*value);
  }
  return values;
}

Result<std::string> AnyText(std::string_view text, std::string_view /*field*/) {
  return std::string(text);
}

clinical::ContraindicationItem ReadItem(const json& element, const std::string& path,
                                        Validator& v) {
  clinical::ContraindicationItem item;
  if (!element.is_object()) {
    v.Add({path, "must be an object (a contraindication), got " + json_read::TypeName(element)});
    return item;
  }
  ObjectReader r(element, path, v);
  r.RejectUnknown(
      {"code", "display", "level", "source", "condition_codes", "history_counts",
       "allergy_substances", "drug_classes", "drug_daily_dose_above_mg", "psychotic_features"},
      "a contraindication");
  auto required = [&](std::string_view key, std::string& target, std::string_view hint) {
    if (auto text = r.String(key)) {
      target = *text;
    } else if (!r.Has(key)) {
      v.Add({r.Field(key), "is required: " + std::string(hint)});
    }
  };
  required("code", item.code, "a stable lower-case id, e.g. raised-intracranial-pressure");
  required("display", item.display, "what it is, in words");
  required("source", item.source, "the citation with its evidence tag");
  if (auto level = r.String("level")) {
    if (auto parsed = clinical::ParseContraindicationClass(*level, r.Field("level"))) {
      item.level = *parsed;
    } else {
      v.Merge(parsed.error(), "");
    }
  } else if (!r.Has("level")) {
    v.Add({r.Field("level"), "is required: absolute, relative or caution"});
  }
  if (const json* codes = r.Array("condition_codes")) {
    for (size_t i = 0; i < codes->size(); ++i) {
      const std::string field = Index(r.Field("condition_codes"), i);
      const json& code = (*codes)[i];
      if (!code.is_object()) {
        v.Add({field, "must be an object {\"system\": ..., \"code\": ...}, got " +
                          json_read::TypeName(code)});
        continue;
      }
      ObjectReader c(code, field, v);
      c.RejectUnknown({"system", "code"}, "a condition code");
      clinical::ConditionCode value;
      bool ok = true;
      if (auto system = c.String("system")) {
        if (auto parsed = clinical::ParseCodeSystem(*system, c.Field("system"))) {
          value.system = *parsed;
        } else {
          v.Merge(parsed.error(), "");
          ok = false;
        }
      } else {
        if (!c.Has("system")) v.Add({c.Field("system"), "is required: icd-10-cm, snomed-ct, ..."});
        ok = false;
      }
      if (auto text = c.String("code")) {
        value.code = *text;
      } else {
        if (!c.Has("code")) v.Add({c.Field("code"), "is required"});
        ok = false;
      }
      if (ok) item.condition_codes.push_back(std::move(value));
    }
  }
  if (auto history = r.Bool("history_counts")) item.history_counts = *history;
  if (auto substances = Names<std::string>(r, "allergy_substances", v, AnyText)) {
    item.allergy_substances = std::move(*substances);
  }
  if (auto classes = Names<clinical::DrugClass>(r, "drug_classes", v, clinical::ParseDrugClass)) {
    item.drug_classes = std::move(*classes);
  }
  if (!r.IsNull("drug_daily_dose_above_mg")) {
    item.drug_daily_dose_above_mg = r.Number("drug_daily_dose_above_mg");
  }
  if (auto psychotic = r.Bool("psychotic_features")) item.psychotic_features = *psychotic;
  return item;
}

json ItemToJson(const clinical::ContraindicationItem& item) {
  json codes = json::array();
  for (const clinical::ConditionCode& code : item.condition_codes) {
    codes.push_back({{"system", clinical::CodeSystemName(code.system)}, {"code", code.code}});
  }
  json classes = json::array();
  for (clinical::DrugClass c : item.drug_classes) classes.push_back(clinical::DrugClassName(c));
  return {{"code", item.code},
          {"display", item.display},
          {"level", clinical::ContraindicationClassName(item.level)},
          {"source", item.source},
          {"condition_codes", std::move(codes)},
          {"history_counts", item.history_counts},
          {"allergy_substances", item.allergy_substances},
          {"drug_classes", std::move(classes)},
          {"drug_daily_dose_above_mg",
           item.drug_daily_dose_above_mg ? json(*item.drug_daily_dose_above_mg) : json()},
          {"psychotic_features", item.psychotic_features}};
}

}  // namespace

clinical::EligibilityProtocol ReadEligibilityProtocol(const json& section, const std::string& path,
                                                      const clinical::EligibilityProtocol& defaults,
                                                      Validator& v) {
  clinical::EligibilityProtocol p = defaults;
  if (!section.is_object()) {
    v.Add({path, "must be an object, got " + json_read::TypeName(section)});
    return p;
  }
  ObjectReader r(section, path, v);
  r.RejectUnknown(
      {"min_age_years", "max_age_years", "allow_bipolar_depression",
       "bipolar_requires_mood_stabilizer", "mood_stabilizer_classes", "min_failed_adequate_trials",
       "athf_adequacy_min", "min_adequate_trial_weeks", "neuromodulation_counts_as_trial",
       "require_failed_psychotherapy", "baseline_severity_min", "baseline_scale_max_age_days",
       "require_suicide_screen", "require_medical_clearance", "clearance_max_age_days",
       "clearance_required_items", "require_consent", "contraindications"},
      "the eligibility section");
  // Integers are read within a wide plausibility range; ValidateEligibilityProtocol judges the
  // clinical range and consistency afterwards.
  auto integer = [&](const char* key, int& target) {
    if (auto value = r.Integer(key, -100000, 100000)) target = *value;
  };
  auto flag = [&](const char* key, bool& target) {
    if (auto value = r.Bool(key)) target = *value;
  };
  integer("min_age_years", p.min_age_years);
  if (r.IsNull("max_age_years")) {
    p.max_age_years.reset();
  } else if (r.Has("max_age_years")) {
    if (std::optional<int> value = r.Integer("max_age_years", -100000, 100000)) {
      p.max_age_years = value;
    }
  }
  flag("allow_bipolar_depression", p.allow_bipolar_depression);
  flag("bipolar_requires_mood_stabilizer", p.bipolar_requires_mood_stabilizer);
  if (auto classes =
          Names<clinical::DrugClass>(r, "mood_stabilizer_classes", v, clinical::ParseDrugClass)) {
    p.mood_stabilizer_classes = std::move(*classes);
  }
  integer("min_failed_adequate_trials", p.min_failed_adequate_trials);
  integer("athf_adequacy_min", p.athf_adequacy_min);
  if (auto weeks = r.Number("min_adequate_trial_weeks")) p.min_adequate_trial_weeks = *weeks;
  flag("neuromodulation_counts_as_trial", p.neuromodulation_counts_as_trial);
  flag("require_failed_psychotherapy", p.require_failed_psychotherapy);
  if (const json* thresholds = r.Object("baseline_severity_min")) {
    ObjectReader t(*thresholds, r.Field("baseline_severity_min"), v);
    std::vector<clinical::SeverityThreshold> values;
    for (const auto& [name, value] : thresholds->items()) {
      auto scale = clinical::ParseScaleName(name);
      if (!scale) {
        v.Add({t.Field(name), "is not a scale; use phq9, madrs or qids-sr16"});
        continue;
      }
      if (auto total = t.Integer(name, -100000, 100000)) values.push_back({*scale, *total});
    }
    p.baseline_severity_min = std::move(values);
  }
  integer("baseline_scale_max_age_days", p.baseline_scale_max_age_days);
  flag("require_suicide_screen", p.require_suicide_screen);
  flag("require_medical_clearance", p.require_medical_clearance);
  integer("clearance_max_age_days", p.clearance_max_age_days);
  if (auto items = Names<clinical::ClearanceItem>(r, "clearance_required_items", v,
                                                  clinical::ParseClearanceItem)) {
    p.clearance_required_items = std::move(*items);
  }
  flag("require_consent", p.require_consent);
  if (const json* items = r.Array("contraindications")) {
    std::vector<clinical::ContraindicationItem> catalogue;
    catalogue.reserve(items->size());
    for (size_t i = 0; i < items->size(); ++i) {
      catalogue.push_back(ReadItem((*items)[i], Index(r.Field("contraindications"), i), v));
    }
    p.contraindications = std::move(catalogue);
  }
  return p;
}

json EligibilityProtocolToJson(const clinical::EligibilityProtocol& p) {
  json stabilizers = json::array();
  for (clinical::DrugClass c : p.mood_stabilizer_classes) {
    stabilizers.push_back(clinical::DrugClassName(c));
  }
  json thresholds = json::object();
  for (const clinical::SeverityThreshold& t : p.baseline_severity_min) {
    thresholds[clinical::GetScaleInfo(t.scale).name] = t.min_total;
  }
  json items = json::array();
  for (clinical::ClearanceItem i : p.clearance_required_items) {
    items.push_back(clinical::ClearanceItemName(i));
  }
  json catalogue = json::array();
  for (const clinical::ContraindicationItem& item : p.contraindications) {
    catalogue.push_back(ItemToJson(item));
  }
  return {{"min_age_years", p.min_age_years},
          {"max_age_years", p.max_age_years ? json(*p.max_age_years) : json()},
          {"allow_bipolar_depression", p.allow_bipolar_depression},
          {"bipolar_requires_mood_stabilizer", p.bipolar_requires_mood_stabilizer},
          {"mood_stabilizer_classes", std::move(stabilizers)},
          {"min_failed_adequate_trials", p.min_failed_adequate_trials},
          {"athf_adequacy_min", p.athf_adequacy_min},
          {"min_adequate_trial_weeks", p.min_adequate_trial_weeks},
          {"neuromodulation_counts_as_trial", p.neuromodulation_counts_as_trial},
          {"require_failed_psychotherapy", p.require_failed_psychotherapy},
          {"baseline_severity_min", std::move(thresholds)},
          {"baseline_scale_max_age_days", p.baseline_scale_max_age_days},
          {"require_suicide_screen", p.require_suicide_screen},
          {"require_medical_clearance", p.require_medical_clearance},
          {"clearance_max_age_days", p.clearance_max_age_days},
          {"clearance_required_items", std::move(items)},
          {"require_consent", p.require_consent},
          {"contraindications", std::move(catalogue)}};
}

}  // namespace ketaclinic::clinical_json
