#include "clinical/outcome_protocol.h"

#include <array>
#include <string>

#include "base/validation.h"

// Sources of the defaults (../shared/reference/clinical.md; docs/OUTCOMES.md explains each):
//   response >= 50 % from the course baseline — §2.1, §2.2, §2.9 [S]; §6 response
//   partial response 25-49 % — §2.9 [R]
//   remission PHQ-9 < 5 (<= 4) [S §2.1], MADRS <= 10 [S §2.2; ASPIRE <= 12], QIDS-SR16 <= 5
//     [S §2.3 "none" band]
//   sustained remission: 2 consecutive assessments [S §2.9, ASPIRE "consistent remission"];
//     spanning >= 14 days [D]
//   relapse: 2 consecutive assessments >= 5 days apart, MADRS >= 22 [R §2.9, SUSTAIN-1 —
//     verify]; PHQ-9 >= 10 and QIDS-SR16 >= 11 are the first "moderate" totals of their bands
//     [S bands §2.1, §2.3; their use as relapse totals is D]
//   early non-response: < 20 % after infusion 3 — §2.9 "< 20-25 % after 2-3 infusions" [S-low]/[D];
//     §6 early_nonresponse_check; §1.9 "within the first two or three treatments" [S-low]
//   worsening: +25 % of the baseline [D]
//   induction 6 infusions, <= 3 a week, <= 3 weeks — §6 induction [S]/[S-low]; §1.9
//   Mon/Wed/Fri — §1.9 "observed schedules never use consecutive days (Mon/Wed/Fri or Tue/Thu)" [S]
//   interval 20 h hard / 44 h soft — §1.9, §6 min_interval_hard / soft [D]
//   stop after 6 infusions without response — §1.9 stop_if_no_response_after_n [D]
//   drop-out after 14 days without an infusion — [D]; Osmind ORKA-2: almost 50 % do not complete
//     the 6 infusions [S] §1.9
//   maintenance every 4-6 weeks without history — §1.9 "boosters every 4-6 weeks" [S-low];
//     "a little before the effect ... wears off" (Andrade 2017) [S] for the margin; weekly
//     maintenance as the floor (Mayo trial) [S]; margin 20 %, >= 3 days [D]

namespace ketaclinic::clinical {

bool IsOutcomeScale(Scale scale) {
  return scale == Scale::kPhq9 || scale == Scale::kMadrs || scale == Scale::kQidsSr16;
}

int RemissionMaxTotal(const OutcomeProtocol& protocol, Scale scale) {
  KC_CHECK(IsOutcomeScale(scale));
  if (scale == Scale::kPhq9) return protocol.phq9_remission_max_total;
  if (scale == Scale::kMadrs) return protocol.madrs_remission_max_total;
  return protocol.qids_sr16_remission_max_total;
}

int RelapseMinTotal(const OutcomeProtocol& protocol, Scale scale) {
  KC_CHECK(IsOutcomeScale(scale));
  if (scale == Scale::kPhq9) return protocol.phq9_relapse_min_total;
  if (scale == Scale::kMadrs) return protocol.madrs_relapse_min_total;
  return protocol.qids_sr16_relapse_min_total;
}

namespace {

// Remission and relapse totals of one scale: inside the scale, the relapse total above the
// remission total (a score cannot be both).
void CheckScaleTotals(Validator& v, Scale scale, int remission_max, const char* remission_key,
                      int relapse_min, const char* relapse_key) {
  const int top = GetScaleInfo(scale).total_max;
  const bool remission_ok =
      v.InRange(remission_key, remission_max, 0, top, GetScaleInfo(scale).title);
  const bool relapse_ok = v.InRange(relapse_key, relapse_min, 1, top, GetScaleInfo(scale).title);
  if (remission_ok && relapse_ok) {
    v.Require(
        relapse_min > remission_max, relapse_key,
        std::string("must be above ") + remission_key + " (" + std::to_string(remission_max) + ")");
  }
}

}  // namespace

Status ValidateOutcomeProtocol(const OutcomeProtocol& p) {
  Validator v("invalid outcome protocol");
  v.Require(!p.version.empty(), "version", "must not be empty");
  v.Require(IsOutcomeScale(p.primary_scale), "primary_scale", "must be phq9, madrs or qids-sr16");
  const bool response_ok =
      v.InRange("response_min_reduction_percent", p.response_min_reduction_percent, 1, 100, "%");
  const bool partial_ok = v.InRange("partial_response_min_reduction_percent",
                                    p.partial_response_min_reduction_percent, 1, 100, "%");
  if (response_ok && partial_ok) {
    v.Require(p.partial_response_min_reduction_percent < p.response_min_reduction_percent,
              "partial_response_min_reduction_percent",
              "must be below response_min_reduction_percent");
  }
  CheckScaleTotals(v, Scale::kPhq9, p.phq9_remission_max_total, "phq9_remission_max_total",
                   p.phq9_relapse_min_total, "phq9_relapse_min_total");
  CheckScaleTotals(v, Scale::kMadrs, p.madrs_remission_max_total, "madrs_remission_max_total",
                   p.madrs_relapse_min_total, "madrs_relapse_min_total");
  CheckScaleTotals(v, Scale::kQidsSr16, p.qids_sr16_remission_max_total,
                   "qids_sr16_remission_max_total", p.qids_sr16_relapse_min_total,
                   "qids_sr16_relapse_min_total");
  v.InRange("sustained_remission_min_assessments", p.sustained_remission_min_assessments, 1, 20,
            "assessments");
  v.InRange("sustained_remission_min_days", p.sustained_remission_min_days, 0, 365, "days");
  v.InRange("relapse_consecutive_assessments", p.relapse_consecutive_assessments, 1, 20,
            "assessments");
  v.InRange("relapse_min_days_apart", p.relapse_min_days_apart, 0, 365, "days");
  v.InRange("early_nonresponse_after_infusions", p.early_nonresponse_after_infusions, 1, 50,
            "infusions");
  if (v.InRange("early_nonresponse_max_reduction_percent",
                p.early_nonresponse_max_reduction_percent, 1, 100, "%") &&
      response_ok) {
    v.Require(p.early_nonresponse_max_reduction_percent <= p.response_min_reduction_percent,
              "early_nonresponse_max_reduction_percent",
              "must not exceed response_min_reduction_percent");
  }
  v.InRange("worsening_min_increase_percent", p.worsening_min_increase_percent, 1, 1000, "%");
  return v.Finish();
}

std::vector<ParameterSource> OutcomeProtocolSources() {
  return {
      {"primary_scale",
       "[D]: PHQ-9, the free self-report scale of §2.1; a course may name MADRS or QIDS-SR16"},
      {"response_min_reduction_percent",
       "clinical.md §2.9 / §2.1 / §2.2 / §6: >= 50 % reduction from the course baseline [S]"},
      {"partial_response_min_reduction_percent", "clinical.md §2.9: 25-49 % reduction [R]"},
      {"phq9_remission_max_total", "clinical.md §2.1: remission PHQ-9 < 5 (Kaiser/HEDIS) [S]"},
      {"madrs_remission_max_total",
       "clinical.md §2.2: MADRS <= 10 (esketamine phase 2) [S]; ASPIRE used <= 12 [S]"},
      {"qids_sr16_remission_max_total", "clinical.md §2.3 / §2.9: QIDS-SR16 0-5 'none' band [S]"},
      {"sustained_remission_min_assessments",
       "clinical.md §2.9: remission on 2 consecutive assessments (ASPIRE) [S]"},
      {"sustained_remission_min_days", "[D]: the two must be >= 14 days apart"},
      {"relapse_consecutive_assessments",
       "clinical.md §2.9: 2 consecutive visits (SUSTAIN-1) [R — verify]"},
      {"relapse_min_days_apart",
       "clinical.md §2.9: visits 5-15 days apart (SUSTAIN-1) [R — verify]; the lower bound"},
      {"phq9_relapse_min_total",
       "[D]: 10, the first 'moderate' PHQ-9 total (clinical.md §2.1 bands [S])"},
      {"madrs_relapse_min_total", "clinical.md §2.9: MADRS >= 22 (SUSTAIN-1) [R — verify]"},
      {"qids_sr16_relapse_min_total",
       "[D]: 11, the first 'moderate' QIDS-SR16 total (clinical.md §2.3 bands [S])"},
      {"early_nonresponse_after_infusions",
       "clinical.md §6 early_nonresponse_check 'after infusion 2-3'; §1.9 'within the first two "
       "or three treatments' [S-low]"},
      {"early_nonresponse_max_reduction_percent",
       "clinical.md §2.9: < 20-25 % improvement after 2-3 infusions [S-low]/[D]"},
      {"worsening_min_increase_percent", "[D]: total >= baseline + 25 % of the baseline"},
  };
}

const char* WeekdayName(Weekday day) {
  static constexpr std::array<const char*, 7> kNames = {"mon", "tue", "wed", "thu",
                                                        "fri", "sat", "sun"};
  return kNames.at(static_cast<size_t>(day));
}

Result<Weekday> ParseWeekday(std::string_view name, std::string_view field) {
  for (int i = 0; i < 7; ++i) {
    const auto day = static_cast<Weekday>(i);
    if (name == WeekdayName(day)) return day;
  }
  return tl::unexpected(Error::InvalidArgument(
      std::string(field),
      "must be mon, tue, wed, thu, fri, sat or sun, got '" + std::string(name) + "'"));
}

Status ValidateCourseProtocol(const CourseProtocol& p) {
  Validator v("invalid course protocol");
  v.Require(!p.version.empty(), "version", "must not be empty");
  v.InRange("induction_planned_infusions", p.induction_planned_infusions, 1, 50, "infusions");
  v.InRange("induction_max_per_week", p.induction_max_per_week, 1, 7, "infusions");
  v.InRange("induction_max_days", p.induction_max_days, 1, 365, "days");
  v.Require(!p.induction_weekdays.empty(), "induction_weekdays", "must name at least one day");
  for (size_t i = 0; i < p.induction_weekdays.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      v.Require(p.induction_weekdays[i] != p.induction_weekdays[j],
                "induction_weekdays[" + std::to_string(i) + "]", "repeats a day");
    }
  }
  const bool hard_ok = v.InRange("interval_hard_min_h", p.interval_hard_min_h, 0, 24 * 30, "h");
  const bool soft_ok = v.InRange("interval_soft_min_h", p.interval_soft_min_h, 0, 24 * 30, "h");
  if (hard_ok && soft_ok) {
    v.Require(p.interval_hard_min_h <= p.interval_soft_min_h, "interval_hard_min_h",
              "must not exceed interval_soft_min_h");
  }
  v.InRange("stop_if_no_response_after_infusions", p.stop_if_no_response_after_infusions, 1, 50,
            "infusions");
  v.InRange("dropout_after_days", p.dropout_after_days, 1, 365, "days");
  const bool default_ok = v.InRange("maintenance_default_interval_days",
                                    p.maintenance_default_interval_days, 1, 365, "days");
  const bool max_ok = v.InRange("maintenance_default_max_interval_days",
                                p.maintenance_default_max_interval_days, 1, 365, "days");
  if (default_ok && max_ok) {
    v.Require(p.maintenance_default_interval_days <= p.maintenance_default_max_interval_days,
              "maintenance_default_max_interval_days",
              "must not be below maintenance_default_interval_days");
  }
  v.InRange("maintenance_margin_percent", p.maintenance_margin_percent, 0, 90, "%");
  v.InRange("maintenance_min_margin_days", p.maintenance_min_margin_days, 0, 60, "days");
  if (v.InRange("maintenance_min_interval_days", p.maintenance_min_interval_days, 1, 365, "days") &&
      default_ok) {
    v.Require(p.maintenance_min_interval_days <= p.maintenance_default_interval_days,
              "maintenance_min_interval_days", "must not exceed maintenance_default_interval_days");
  }
  return v.Finish();
}

std::vector<ParameterSource> CourseProtocolSources() {
  return {
      {"induction_planned_infusions",
       "clinical.md §6 induction: 6 infusions [S]/[S-low]; §1.9 'six infusions within a "
       "twelve-day period' [S-low]"},
      {"induction_max_per_week",
       "clinical.md §1.9: three times weekly (Singh 2016; Brigham Faulkner) [S]"},
      {"induction_max_days", "clinical.md §6 induction: 2-3/week, <= 3 weeks [S]/[S-low]"},
      {"induction_weekdays",
       "clinical.md §1.9: observed schedules Mon/Wed/Fri or Tue/Thu, never consecutive days [S]"},
      {"interval_hard_min_h", "clinical.md §1.9 / §6 min_interval_hard 20 h [D]"},
      {"interval_soft_min_h", "clinical.md §1.9 / §6 min_interval_soft 44 h [D]"},
      {"stop_if_no_response_after_infusions",
       "clinical.md §1.9 codeable course model stop_if_no_response_after_n [D]: the induction "
       "length"},
      {"dropout_after_days",
       "[D]; clinical.md §1.9: almost 50 % do not complete the 6 infusions (Osmind ORKA-2) [S]"},
      {"maintenance_default_interval_days",
       "clinical.md §1.9: boosters every 4-6 weeks [S-low]; used only without relief history"},
      {"maintenance_default_max_interval_days",
       "clinical.md §1.9: boosters every 4-6 weeks [S-low]: the top of the default range"},
      {"maintenance_margin_percent",
       "[D]; Andrade 2017 'a little before the effect ... is expected to wear off' [S] §1.8"},
      {"maintenance_min_margin_days", "[D]: the margin is at least this many days"},
      {"maintenance_min_interval_days",
       "clinical.md §1.9: weekly maintenance infusions (Mayo trial) [S], used as the floor [D]"},
  };
}

}  // namespace ketaclinic::clinical
