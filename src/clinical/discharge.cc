#include "clinical/discharge.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

#include "base/validation.h"

namespace ketaclinic::clinical {
namespace {

// Citations, one per criterion of clinical.md §1.10 "Codeable discharge checklist" [D].
constexpr const char* kTimeSource =
    "clinical.md §1.10, §6: observation >= 30 min after IV ketamine [S-low] (120 min "
    "esketamine [S])";
constexpr const char* kBpSource =
    "clinical.md §1.10: last BP within the configured range or within 20 % of baseline [D]";
constexpr const char* kSpo2Source = "clinical.md §1.10: SpO2 >= 94 % on room air [D]; §1.7";
constexpr const char* kSedationSource = "clinical.md §1.10: MOAA/S = 5 [D]; §1.7 MOAA/S scale [S]";
constexpr const char* kAmbulationSource = "clinical.md §1.10: ambulates safely [D]";
constexpr const char* kNauseaSource =
    "clinical.md §1.10: nausea controlled; 'minimal nausea' (RCEM) [S]";
constexpr const char* kEscortSource =
    "clinical.md §1.10: released only with a responsible adult (ketamine label) [S]";
constexpr const char* kInstructionsSource =
    "clinical.md §1.10: written instructions, no driving until the next day after restful sleep "
    "(Spravato) [S]";

Instant Plus(Instant t, double minutes) {
  return t + std::chrono::seconds(std::llround(minutes * 60));
}

std::string Minutes(double minutes) { return FormatNumber(std::round(minutes * 10) / 10) + " min"; }

// Whether `value` is within `percent` % of `baseline` (either way). Multiplied out, so that
// exactly 20 % (156 against 130) is within, without a rounding error in a division.
bool WithinPercent(double value, double baseline, double percent) {
  return std::abs(value - baseline) * 100 <= percent * baseline + 1e-9;
}

void RequireNotAfter(Validator& v, Instant t, Instant now, const std::string& field) {
  if (t > now) {
    v.Add({field, FormatRfc3339(t) + " is after the time of the check " + FormatRfc3339(now)});
  }
}

struct BpReading {
  Instant time;
  double systolic_mmhg = 0;
  double diastolic_mmhg = 0;
};

struct Spo2Reading {
  Instant time;
  double percent = 0;
  bool on_room_air = true;
};

class Checklist {
 public:
  Checklist(const DischargeInput& input, const DischargeProtocol& protocol, Instant now)
      : in_(input), p_(protocol), now_(now) {
    verdict_.protocol_version = protocol.version;
  }

  DischargeVerdict Run() {
    Time();
    // Only readings taken after the infusion ended tell whether the patient has recovered.
    std::optional<BpReading> bp;
    std::optional<Spo2Reading> spo2;
    for (const VitalSigns& r : in_.recovery_vitals) {
      if (r.time < in_.infusion_end) continue;
      if (r.systolic_mmhg && r.diastolic_mmhg && (!bp || r.time >= bp->time)) {
        bp = BpReading{r.time, *r.systolic_mmhg, *r.diastolic_mmhg};
      }
      if (r.spo2_percent && (!spo2 || r.time >= spo2->time)) {
        spo2 = Spo2Reading{r.time, *r.spo2_percent, r.on_room_air};
      }
    }
    BloodPressure(bp);
    Spo2(spo2);
    Sedation();
    if (!in_.ambulates_safely) {
      Block("discharge.ambulation", "safe ambulation not confirmed", kAmbulationSource);
    }
    if (!in_.nausea_controlled) {
      Block("discharge.nausea", "nausea not controlled", kNauseaSource);
    }
    if (!in_.escort_verified) {
      Block("discharge.escort", "no responsible adult verified to take the patient home",
            kEscortSource);
    }
    if (!in_.instructions_given) {
      Block("discharge.instructions",
            "written instructions not given (no driving or machinery until the next day after "
            "sleep)",
            kInstructionsSource);
    }
    verdict_.allowed = verdict_.findings.empty();
    return std::move(verdict_);
  }

 private:
  void Block(const char* rule, std::string message, const char* source) {
    verdict_.findings.push_back({rule, Severity::kBlock, std::move(message), source});
  }
  double AgeMin(Instant t) const { return MinutesBetween(t, now_); }
  bool Stale(Instant t) const { return AgeMin(t) > p_.observation_max_age_min; }
  std::string StaleMessage(const char* what, Instant t) const {
    return std::string("last ") + what + " (" + FormatRfc3339(t) + ") is " + Minutes(AgeMin(t)) +
           " old; take a new one (at most " + Minutes(p_.observation_max_age_min) + ")";
  }

  void Time() {
    const double elapsed = MinutesBetween(in_.infusion_end, now_);
    if (elapsed < p_.min_observation_min) {
      const Instant earliest = Plus(in_.infusion_end, p_.min_observation_min);
      verdict_.earliest_at = earliest;
      Block("discharge.min-observation",
            Minutes(elapsed) + " since the infusion ended; at least " +
                Minutes(p_.min_observation_min) + " of observation, until " +
                FormatRfc3339(earliest),
            kTimeSource);
    }
  }

  void BloodPressure(const std::optional<BpReading>& r) {
    if (!r) {
      Block("discharge.bp", "no blood pressure since the infusion ended", kBpSource);
      return;
    }
    if (Stale(r->time)) {
      Block("discharge.bp", StaleMessage("blood pressure", r->time), kBpSource);
      return;
    }
    const double sbp = r->systolic_mmhg;
    const double dbp = r->diastolic_mmhg;
    const bool in_range = sbp >= p_.sbp_min_mmhg && sbp <= p_.sbp_max_mmhg &&
                          dbp >= p_.dbp_min_mmhg && dbp <= p_.dbp_max_mmhg;
    const bool near_baseline =
        in_.baseline_systolic_mmhg && in_.baseline_diastolic_mmhg &&
        WithinPercent(sbp, *in_.baseline_systolic_mmhg, p_.baseline_tolerance_percent) &&
        WithinPercent(dbp, *in_.baseline_diastolic_mmhg, p_.baseline_tolerance_percent);
    if (in_range || near_baseline) return;
    std::string message = "BP " + FormatNumber(sbp) + "/" + FormatNumber(dbp) +
                          " mmHg is outside " + FormatNumber(p_.sbp_min_mmhg) + "-" +
                          FormatNumber(p_.sbp_max_mmhg) + " / " + FormatNumber(p_.dbp_min_mmhg) +
                          "-" + FormatNumber(p_.dbp_max_mmhg);
    if (in_.baseline_systolic_mmhg && in_.baseline_diastolic_mmhg) {
      message += " and not within " + FormatNumber(p_.baseline_tolerance_percent) +
                 " % of the baseline " + FormatNumber(*in_.baseline_systolic_mmhg) + "/" +
                 FormatNumber(*in_.baseline_diastolic_mmhg);
    }
    Block("discharge.bp", message, kBpSource);
  }

  void Spo2(const std::optional<Spo2Reading>& r) {
    if (!r) {
      Block("discharge.spo2", "no SpO2 since the infusion ended", kSpo2Source);
    } else if (Stale(r->time)) {
      Block("discharge.spo2", StaleMessage("SpO2", r->time), kSpo2Source);
    } else if (!r->on_room_air) {
      Block("discharge.spo2", "SpO2 measured on supplemental oxygen; a room-air reading is needed",
            kSpo2Source);
    } else if (r->percent < p_.spo2_min_percent) {
      Block("discharge.spo2",
            "SpO2 " + FormatNumber(r->percent) + " % on room air is below " +
                FormatNumber(p_.spo2_min_percent) + " %",
            kSpo2Source);
    }
  }

  void Sedation() {
    if (!in_.moaas) {
      Block("discharge.sedation", "no MOAA/S scored since the infusion ended", kSedationSource);
    } else if (in_.moaas->at < in_.infusion_end) {
      Block("discharge.sedation", "the last MOAA/S was scored before the infusion ended",
            kSedationSource);
    } else if (Stale(in_.moaas->at)) {
      Block("discharge.sedation", StaleMessage("MOAA/S", in_.moaas->at), kSedationSource);
    } else if (in_.moaas->score < p_.moaas_min) {
      Block("discharge.sedation",
            "MOAA/S " + std::to_string(in_.moaas->score) + ", below " +
                std::to_string(p_.moaas_min) + " (responds readily to name in a normal tone)",
            kSedationSource);
    }
  }

  const DischargeInput& in_;
  const DischargeProtocol& p_;
  Instant now_;
  DischargeVerdict verdict_;
};

}  // namespace

Status ValidateDischargeInput(const DischargeInput& in, Instant now) {
  Validator v("invalid discharge check");
  RequireNotAfter(v, in.infusion_end, now, "infusion_end");
  if (in.baseline_systolic_mmhg.has_value() != in.baseline_diastolic_mmhg.has_value()) {
    v.Add({in.baseline_systolic_mmhg ? "baseline_diastolic_mmhg" : "baseline_systolic_mmhg",
           "a baseline blood pressure needs both systolic and diastolic"});
  } else if (in.baseline_systolic_mmhg && in.baseline_diastolic_mmhg) {
    VitalSigns baseline;
    baseline.systolic_mmhg = in.baseline_systolic_mmhg;
    baseline.diastolic_mmhg = in.baseline_diastolic_mmhg;
    if (auto s = ValidateVitalSigns(baseline, "baseline_"); !s) v.Merge(s.error(), "");
  }
  for (size_t i = 0; i < in.recovery_vitals.size(); ++i) {
    const VitalSigns& r = in.recovery_vitals[i];
    const std::string prefix = "recovery_vitals[" + std::to_string(i) + "].";
    if (auto s = ValidateVitalSigns(r, prefix); !s) v.Merge(s.error(), "");
    if (r.systolic_mmhg.has_value() != r.diastolic_mmhg.has_value()) {
      v.Add({prefix + (r.systolic_mmhg ? "diastolic_mmhg" : "systolic_mmhg"),
             "a blood pressure needs both systolic and diastolic"});
    }
    RequireNotAfter(v, r.time, now, prefix + "time");
  }
  if (in.moaas) {
    v.Require(in.moaas->score >= 0 && in.moaas->score <= 5, "moaas.score",
              "must be 0-5 (MOAA/S), got " + std::to_string(in.moaas->score));
    RequireNotAfter(v, in.moaas->at, now, "moaas.at");
  }
  return v.Finish();
}

Result<DischargeVerdict> EvaluateDischarge(const DischargeInput& input,
                                           const DischargeProtocol& protocol, Instant now) {
  if (auto status = ValidateDischargeInput(input, now); !status) {
    return tl::unexpected(status.error());
  }
  return Checklist(input, protocol, now).Run();
}

}  // namespace ketaclinic::clinical
