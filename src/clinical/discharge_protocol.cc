#include "clinical/discharge_protocol.h"

#include "base/validation.h"

// Sources of the defaults (../shared/reference/clinical.md §1.10 "Codeable discharge checklist"
// [D], §6 post_infusion_min_observation; each is also in DischargeProtocolSources):
//   30 min after the infusion ends (IV ketamine) [S-low]; 120 min for esketamine [S]
//   BP in 90-140 / 50-90 or within 20 % of baseline [D] (140/90: the pre-infusion warn level,
//     Spravato [S]; SBP < 90 alert level, §1.5 [S-low])
//   SpO2 >= 94 % on room air [D]; MOAA/S 5 [D] (§1.7 scale [S])
//   readings no older than 15 min: the post-infusion NIBP interval, §1.5 / §6 [S]

namespace ketaclinic::clinical {

Status ValidateDischargeProtocol(const DischargeProtocol& p) {
  Validator v("invalid discharge protocol");
  v.Require(!p.version.empty(), "version", "must not be empty");
  // Plausibility bounds for a site setting: outside them the number is surely a unit mistake.
  v.InRange("min_observation_min", p.min_observation_min, 0, 24 * 60, "min");
  const bool sbp_min = v.InRange("sbp_min_mmhg", p.sbp_min_mmhg, 60, 250, "mmHg");
  const bool sbp_max = v.InRange("sbp_max_mmhg", p.sbp_max_mmhg, 60, 250, "mmHg");
  const bool dbp_min = v.InRange("dbp_min_mmhg", p.dbp_min_mmhg, 30, 150, "mmHg");
  const bool dbp_max = v.InRange("dbp_max_mmhg", p.dbp_max_mmhg, 30, 150, "mmHg");
  if (sbp_min && sbp_max) {
    v.Require(p.sbp_min_mmhg < p.sbp_max_mmhg, "sbp_max_mmhg", "must be above sbp_min_mmhg");
  }
  if (dbp_min && dbp_max) {
    v.Require(p.dbp_min_mmhg < p.dbp_max_mmhg, "dbp_max_mmhg", "must be above dbp_min_mmhg");
  }
  v.InRange("baseline_tolerance_percent", p.baseline_tolerance_percent, 0, 50, "%");
  v.InRange("spo2_min_percent", p.spo2_min_percent, 85, 100, "%");
  v.Require(p.moaas_min >= 0 && p.moaas_min <= 5, "moaas_min", "must be 0-5 (MOAA/S)");
  v.InRange("observation_max_age_min", p.observation_max_age_min, 1, 120, "min");
  return v.Finish();
}

std::vector<ParameterSource> DischargeProtocolSources() {
  return {
      {"min_observation_min",
       "clinical.md §1.10, §6 post_infusion_min_observation: 30 min IV ketamine [S-low]; "
       "120 min esketamine (label) [S]"},
      {"sbp_min_mmhg",
       "clinical.md §1.10 discharge checklist 'BP within configured range' [D]; "
       "SBP < 90 alert level §1.5 [S-low]"},
      {"sbp_max_mmhg", "clinical.md §1.10 [D]; 140/90 the pre-infusion warn level, Spravato [S]"},
      {"dbp_min_mmhg", "clinical.md §1.10 'BP within configured range' [D]"},
      {"dbp_max_mmhg", "clinical.md §1.10 [D]; 140/90 the pre-infusion warn level, Spravato [S]"},
      {"baseline_tolerance_percent",
       "clinical.md §1.10: or within 20 % of baseline [D]; 'vitals back to baseline' (RCEM) [S]"},
      {"spo2_min_percent",
       "clinical.md §1.10: SpO2 >= 94 % room air [D]; sedation discharge norm > 92 % §1.7 "
       "[S-low]"},
      {"moaas_min", "clinical.md §1.10: MOAA/S = 5 [D]; scale §1.7 [S]"},
      {"observation_max_age_min",
       "clinical.md §1.5, §6 nibp_interval_post 15 min [S]: the readings judged are the current "
       "ones"},
  };
}

}  // namespace ketaclinic::clinical
