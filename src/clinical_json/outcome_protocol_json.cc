#include "clinical_json/outcome_protocol_json.h"

#include <vector>

#include "json/json_reader.h"

namespace ketaclinic::clinical_json {

using json_read::ObjectReader;
using nlohmann::json;

clinical::OutcomeProtocol ReadOutcomeProtocol(const json& section, const std::string& path,
                                              const clinical::OutcomeProtocol& defaults,
                                              Validator& v) {
  clinical::OutcomeProtocol p = defaults;
  if (!section.is_object()) {
    v.Add({path, "must be an object, got " + json_read::TypeName(section)});
    return p;
  }
  ObjectReader reader(section, path, v);
  reader.RejectUnknown(
      {"primary_scale", "response_min_reduction_percent", "partial_response_min_reduction_percent",
       "phq9_remission_max_total", "madrs_remission_max_total", "qids_sr16_remission_max_total",
       "sustained_remission_min_assessments", "sustained_remission_min_days",
       "relapse_consecutive_assessments", "relapse_min_days_apart", "phq9_relapse_min_total",
       "madrs_relapse_min_total", "qids_sr16_relapse_min_total",
       "early_nonresponse_after_infusions", "early_nonresponse_max_reduction_percent",
       "worsening_min_increase_percent"},
      "the outcomes section");
  auto number = [&](const char* key, double& target) {
    if (auto value = reader.Number(key)) target = *value;
  };
  // Whole numbers; the ranges that depend on the scale are ValidateOutcomeProtocol's.
  auto integer = [&](const char* key, int& target) {
    if (auto value = reader.Integer(key, 0, 1000)) target = *value;
  };
  if (auto name = reader.String("primary_scale")) {
    auto scale = clinical::ParseScaleName(*name);
    if (scale && clinical::IsOutcomeScale(*scale)) {
      p.primary_scale = *scale;
    } else {
      v.Add(
          {reader.Field("primary_scale"), "must be phq9, madrs or qids-sr16, got '" + *name + "'"});
    }
  }
  number("response_min_reduction_percent", p.response_min_reduction_percent);
  number("partial_response_min_reduction_percent", p.partial_response_min_reduction_percent);
  integer("phq9_remission_max_total", p.phq9_remission_max_total);
  integer("madrs_remission_max_total", p.madrs_remission_max_total);
  integer("qids_sr16_remission_max_total", p.qids_sr16_remission_max_total);
  integer("sustained_remission_min_assessments", p.sustained_remission_min_assessments);
  number("sustained_remission_min_days", p.sustained_remission_min_days);
  integer("relapse_consecutive_assessments", p.relapse_consecutive_assessments);
  number("relapse_min_days_apart", p.relapse_min_days_apart);
  integer("phq9_relapse_min_total", p.phq9_relapse_min_total);
  integer("madrs_relapse_min_total", p.madrs_relapse_min_total);
  integer("qids_sr16_relapse_min_total", p.qids_sr16_relapse_min_total);
  integer("early_nonresponse_after_infusions", p.early_nonresponse_after_infusions);
  number("early_nonresponse_max_reduction_percent", p.early_nonresponse_max_reduction_percent);
  number("worsening_min_increase_percent", p.worsening_min_increase_percent);
  return p;
}

json OutcomeProtocolToJson(const clinical::OutcomeProtocol& p) {
  return json{
      {"primary_scale", clinical::GetScaleInfo(p.primary_scale).name},
      {"response_min_reduction_percent", p.response_min_reduction_percent},
      {"partial_response_min_reduction_percent", p.partial_response_min_reduction_percent},
      {"phq9_remission_max_total", p.phq9_remission_max_total},
      {"madrs_remission_max_total", p.madrs_remission_max_total},
      {"qids_sr16_remission_max_total", p.qids_sr16_remission_max_total},
      {"sustained_remission_min_assessments", p.sustained_remission_min_assessments},
      {"sustained_remission_min_days", p.sustained_remission_min_days},
      {"relapse_consecutive_assessments", p.relapse_consecutive_assessments},
      {"relapse_min_days_apart", p.relapse_min_days_apart},
      {"phq9_relapse_min_total", p.phq9_relapse_min_total},
      {"madrs_relapse_min_total", p.madrs_relapse_min_total},
      {"qids_sr16_relapse_min_total", p.qids_sr16_relapse_min_total},
      {"early_nonresponse_after_infusions", p.early_nonresponse_after_infusions},
      {"early_nonresponse_max_reduction_percent", p.early_nonresponse_max_reduction_percent},
      {"worsening_min_increase_percent", p.worsening_min_increase_percent}};
}

clinical::CourseProtocol ReadCourseProtocol(const json& section, const std::string& path,
                                            const clinical::CourseProtocol& defaults,
                                            Validator& v) {
  clinical::CourseProtocol p = defaults;
  if (!section.is_object()) {
    v.Add({path, "must be an object, got " + json_read::TypeName(section)});
    return p;
  }
  ObjectReader reader(section, path, v);
  reader.RejectUnknown({"induction_planned_infusions", "induction_max_per_week",
                        "induction_max_days", "induction_weekdays", "interval_hard_min_h",
                        "interval_soft_min_h", "stop_if_no_response_after_infusions",
                        "dropout_after_days", "maintenance_default_interval_days",
                        "maintenance_default_max_interval_days", "maintenance_margin_percent",
                        "maintenance_min_margin_days", "maintenance_min_interval_days"},
                       "the course section");
  auto number = [&](const char* key, double& target) {
    if (auto value = reader.Number(key)) target = *value;
  };
  auto integer = [&](const char* key, int& target) {
    if (auto value = reader.Integer(key, 0, 1000)) target = *value;
  };
  integer("induction_planned_infusions", p.induction_planned_infusions);
  integer("induction_max_per_week", p.induction_max_per_week);
  number("induction_max_days", p.induction_max_days);
  if (const json* days = reader.Array("induction_weekdays")) {
    std::vector<clinical::Weekday> weekdays;
    weekdays.reserve(days->size());
    for (size_t i = 0; i < days->size(); ++i) {
      const std::string field = reader.Field("induction_weekdays") + "[" + std::to_string(i) + "]";
      const json& day = (*days)[i];
      if (!day.is_string()) {
        v.Add({field, "must be a day name (mon ... sun), got " + json_read::TypeName(day)});
        continue;
      }
      if (auto parsed = clinical::ParseWeekday(day.get<std::string>(), field)) {
        weekdays.push_back(*parsed);
      } else {
        v.Merge(parsed.error(), "");
      }
    }
    p.induction_weekdays = std::move(weekdays);
  }
  number("interval_hard_min_h", p.interval_hard_min_h);
  number("interval_soft_min_h", p.interval_soft_min_h);
  integer("stop_if_no_response_after_infusions", p.stop_if_no_response_after_infusions);
  number("dropout_after_days", p.dropout_after_days);
  number("maintenance_default_interval_days", p.maintenance_default_interval_days);
  number("maintenance_default_max_interval_days", p.maintenance_default_max_interval_days);
  number("maintenance_margin_percent", p.maintenance_margin_percent);
  number("maintenance_min_margin_days", p.maintenance_min_margin_days);
  number("maintenance_min_interval_days", p.maintenance_min_interval_days);
  return p;
}

json CourseProtocolToJson(const clinical::CourseProtocol& p) {
  json weekdays = json::array();
  for (clinical::Weekday day : p.induction_weekdays) weekdays.push_back(clinical::WeekdayName(day));
  return json{{"induction_planned_infusions", p.induction_planned_infusions},
              {"induction_max_per_week", p.induction_max_per_week},
              {"induction_max_days", p.induction_max_days},
              {"induction_weekdays", weekdays},
              {"interval_hard_min_h", p.interval_hard_min_h},
              {"interval_soft_min_h", p.interval_soft_min_h},
              {"stop_if_no_response_after_infusions", p.stop_if_no_response_after_infusions},
              {"dropout_after_days", p.dropout_after_days},
              {"maintenance_default_interval_days", p.maintenance_default_interval_days},
              {"maintenance_default_max_interval_days", p.maintenance_default_max_interval_days},
              {"maintenance_margin_percent", p.maintenance_margin_percent},
              {"maintenance_min_margin_days", p.maintenance_min_margin_days},
              {"maintenance_min_interval_days", p.maintenance_min_interval_days}};
}

}  // namespace ketaclinic::clinical_json
