#include "clinical_json/session_protocol_json.h"

#include <string>
#include <vector>

#include "json/json_reader.h"

namespace ketaclinic::clinical_json {

using json_read::ObjectReader;
using nlohmann::json;

clinical::SessionProtocol ReadSessionProtocol(const json& section, const std::string& path,
                                              const clinical::SessionProtocol& defaults,
                                              Validator& v) {
  clinical::SessionProtocol p = defaults;
  if (!section.is_object()) {
    v.Add({path, "must be an object, got " + json_read::TypeName(section)});
    return p;
  }
  ObjectReader reader(section, path, v);
  reader.RejectUnknown({"sbp_pause_mmhg",
                        "dbp_pause_mmhg",
                        "bp_confirm_min",
                        "sbp_severe_mmhg",
                        "dbp_severe_mmhg",
                        "sbp_warn_mmhg",
                        "dbp_warn_mmhg",
                        "sbp_low_mmhg",
                        "hr_pause_above_bpm",
                        "hr_sustained_min",
                        "hr_warn_above_bpm",
                        "hr_low_bpm",
                        "spo2_stop_below_percent",
                        "spo2_sustained_s",
                        "rr_stop_below_per_min",
                        "rr_warn_above_per_min",
                        "moaas_stop_at_or_below",
                        "moaas_warn_at_or_below",
                        "reaction_stop_grade",
                        "vomiting_stop_moaas_at_or_below",
                        "nausea_warn_grade",
                        "serious_grade",
                        "nibp_interval_intra_min",
                        "nibp_interval_post_min",
                        "nibp_recheck_after_abnormal_min",
                        "nibp_overdue_grace_min",
                        "score_times_min",
                        "score_grace_min",
                        "score_at_discharge",
                        "completion_tolerance_percent",
                        "actions",
                        "post_infusion_critical_action"},
                       "the session section");
  auto number = [&](const char* key, double& target) {
    if (auto value = reader.Number(key)) target = *value;
  };
  // Integers: the range here only keeps the number an int; ValidateSessionProtocol names the
  // clinical range.
  auto integer = [&](const char* key, int& target) {
    if (auto value = reader.Integer(key, -1000, 1000)) target = *value;
  };
  number("sbp_pause_mmhg", p.sbp_pause_mmhg);
  number("dbp_pause_mmhg", p.dbp_pause_mmhg);
  number("bp_confirm_min", p.bp_confirm_min);
  number("sbp_severe_mmhg", p.sbp_severe_mmhg);
  number("dbp_severe_mmhg", p.dbp_severe_mmhg);
  number("sbp_warn_mmhg", p.sbp_warn_mmhg);
  number("dbp_warn_mmhg", p.dbp_warn_mmhg);
  number("sbp_low_mmhg", p.sbp_low_mmhg);
  number("hr_pause_above_bpm", p.hr_pause_above_bpm);
  number("hr_sustained_min", p.hr_sustained_min);
  number("hr_warn_above_bpm", p.hr_warn_above_bpm);
  number("hr_low_bpm", p.hr_low_bpm);
  number("spo2_stop_below_percent", p.spo2_stop_below_percent);
  number("spo2_sustained_s", p.spo2_sustained_s);
  number("rr_stop_below_per_min", p.rr_stop_below_per_min);
  number("rr_warn_above_per_min", p.rr_warn_above_per_min);
  integer("moaas_stop_at_or_below", p.moaas_stop_at_or_below);
  integer("moaas_warn_at_or_below", p.moaas_warn_at_or_below);
  integer("reaction_stop_grade", p.reaction_stop_grade);
  integer("vomiting_stop_moaas_at_or_below", p.vomiting_stop_moaas_at_or_below);
  integer("nausea_warn_grade", p.nausea_warn_grade);
  integer("serious_grade", p.serious_grade);
  number("nibp_interval_intra_min", p.nibp_interval_intra_min);
  number("nibp_interval_post_min", p.nibp_interval_post_min);
  number("nibp_recheck_after_abnormal_min", p.nibp_recheck_after_abnormal_min);
  number("nibp_overdue_grace_min", p.nibp_overdue_grace_min);
  if (const json* times = reader.Array("score_times_min")) {
    std::vector<double> values;
    values.reserve(times->size());
    for (size_t i = 0; i < times->size(); ++i) {
      const json& time = (*times)[i];
      if (!time.is_number()) {
        v.Add({reader.Field("score_times_min") + "[" + std::to_string(i) + "]",
               "must be a number (minutes after the start), got " + json_read::TypeName(time)});
        continue;
      }
      values.push_back(time.get<double>());
    }
    p.score_times_min = std::move(values);
  }
  number("score_grace_min", p.score_grace_min);
  if (auto value = reader.Bool("score_at_discharge")) p.score_at_discharge = *value;
  number("completion_tolerance_percent", p.completion_tolerance_percent);
  if (const json* actions = reader.Object("actions")) {
    for (const auto& [rule_id, text] : actions->items()) {
      const std::string field = reader.Field("actions") + "." + rule_id;
      const auto rule = clinical::ParseSessionRuleId(rule_id);
      if (!rule) {
        v.Add({field, "is not a session rule (docs/SESSION.md lists them)"});
      } else if (!text.is_string()) {
        v.Add({field, "must be a string, got " + json_read::TypeName(text)});
      } else {
        p.actions.at(static_cast<size_t>(*rule)) = text.get<std::string>();
      }
    }
  }
  if (auto text = reader.String("post_infusion_critical_action")) {
    p.post_infusion_critical_action = *text;
  }
  return p;
}

json SessionProtocolToJson(const clinical::SessionProtocol& p) {
  json actions = json::object();
  for (const clinical::SessionRule rule : clinical::AllSessionRules()) {
    actions[std::string(clinical::SessionRuleId(rule))] = p.actions.at(static_cast<size_t>(rule));
  }
  return json{{"sbp_pause_mmhg", p.sbp_pause_mmhg},
              {"dbp_pause_mmhg", p.dbp_pause_mmhg},
              {"bp_confirm_min", p.bp_confirm_min},
              {"sbp_severe_mmhg", p.sbp_severe_mmhg},
              {"dbp_severe_mmhg", p.dbp_severe_mmhg},
              {"sbp_warn_mmhg", p.sbp_warn_mmhg},
              {"dbp_warn_mmhg", p.dbp_warn_mmhg},
              {"sbp_low_mmhg", p.sbp_low_mmhg},
              {"hr_pause_above_bpm", p.hr_pause_above_bpm},
              {"hr_sustained_min", p.hr_sustained_min},
              {"hr_warn_above_bpm", p.hr_warn_above_bpm},
              {"hr_low_bpm", p.hr_low_bpm},
              {"spo2_stop_below_percent", p.spo2_stop_below_percent},
              {"spo2_sustained_s", p.spo2_sustained_s},
              {"rr_stop_below_per_min", p.rr_stop_below_per_min},
              {"rr_warn_above_per_min", p.rr_warn_above_per_min},
              {"moaas_stop_at_or_below", p.moaas_stop_at_or_below},
              {"moaas_warn_at_or_below", p.moaas_warn_at_or_below},
              {"reaction_stop_grade", p.reaction_stop_grade},
              {"vomiting_stop_moaas_at_or_below", p.vomiting_stop_moaas_at_or_below},
              {"nausea_warn_grade", p.nausea_warn_grade},
              {"serious_grade", p.serious_grade},
              {"nibp_interval_intra_min", p.nibp_interval_intra_min},
              {"nibp_interval_post_min", p.nibp_interval_post_min},
              {"nibp_recheck_after_abnormal_min", p.nibp_recheck_after_abnormal_min},
              {"nibp_overdue_grace_min", p.nibp_overdue_grace_min},
              {"score_times_min", p.score_times_min},
              {"score_grace_min", p.score_grace_min},
              {"score_at_discharge", p.score_at_discharge},
              {"completion_tolerance_percent", p.completion_tolerance_percent},
              {"actions", actions},
              {"post_infusion_critical_action", p.post_infusion_critical_action}};
}

}  // namespace ketaclinic::clinical_json
