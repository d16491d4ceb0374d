#include "clinical/pre_infusion.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "base/validation.h"

namespace ketaclinic::clinical {
namespace {

// Citations, one per gate (clinical.md §1.4 table PRE-01..09, §1.9, §2.8).
constexpr const char* kIdentitySource = "clinical.md §1.4 PRE-01: identity confirmed [D]";
constexpr const char* kConsentSource = "clinical.md §1.4 PRE-01: consent on file [D]";
constexpr const char* kEscortSource =
    "clinical.md §1.4 PRE-01; LA County DMH: verify transport other than self-driving before "
    "dosing, reschedule if not [S]";
constexpr const char* kNpoSource =
    "clinical.md §1.4 PRE-01: NPO 2 h food / 30 min liquids (Spravato) [S]; IV clinics 4-6 h "
    "[S-low]";
constexpr const char* kWeightSource =
    "clinical.md §1.4 PRE-02: weight measured today for weight-based dosing [S]/[D]";
constexpr const char* kHeightSource =
    "clinical.md §1.4 PRE-02: height on file (ideal weight and BMI, §1.8) [S]";
constexpr const char* kBpSource =
    "clinical.md §1.4 PRE-03; Spravato label 'consider delaying if BP > 140/90' [S]; 180/110 "
    "confirmed on repeat after 5 min rest [S-low]/[R]/[D]";
constexpr const char* kHrSource =
    "clinical.md §1.4 PRE-04: warn > 100, hard stop > 120 sustained [S-low]/[D]";
constexpr const char* kSpo2Source = "clinical.md §1.4 PRE-05: hard stop < 92 % on room air [S]";
constexpr const char* kPregnancySource =
    "clinical.md §1.4 PRE-06: pregnancy test per site; label/trial exclusions [S]";
constexpr const char* kSuicideSource =
    "clinical.md §1.4 PRE-07: C-SSRS screen before dosing [S]; §2.8 high risk blocks "
    "outpatient infusion pending a safety plan [D]";
constexpr const char* kScalesSource =
    "clinical.md §1.4 PRE-07: depression scale completed before dosing [S]";
constexpr const char* kMedsSource =
    "clinical.md §1.4 PRE-08: REMS form medication fields [S]; lamotrigine threshold [D]";
constexpr const char* kDrugScreenSource =
    "clinical.md §1.4 PRE-09: substance-use review, UDS per policy [S]/[R]";
constexpr const char* kIntervalSource =
    "clinical.md §1.9, §6 min_interval_hard / soft 20 h / 44 h between infusion starts [D]";

// Plausibility bounds, as in dosing.cc: outside them a number is a unit or typing error.
constexpr double kMinWeightKg = 20;
constexpr double kMaxWeightKg = 400;
constexpr double kMinHeightCm = 100;
constexpr double kMaxHeightCm = 250;
constexpr double kMaxDailyDoseMg = 100000;
constexpr size_t kMinOverrideReason = 5;

std::string Fixed(double value, int decimals) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, value);
  return buffer.data();
}

// "12 min", "3.5 h", "2 days" for messages; the unit follows the protocol key's.
std::string Minutes(double minutes) { return FormatNumber(std::round(minutes * 10) / 10) + " min"; }
std::string Hours(double minutes) { return Fixed(minutes / 60, 1) + " h"; }

// One measurement (or pair: systolic and diastolic) of a reading, with its time.
struct Sample {
  Instant time;
  double value = 0;   // systolic, heart rate or SpO2
  double second = 0;  // diastolic (blood pressure only)
};

std::string Bp(const Sample& r) {
  return FormatNumber(r.value) + "/" + FormatNumber(r.second) + " mmHg";
}

std::string Clock(Instant t) { return FormatRfc3339(t); }

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

Instant Plus(Instant t, double minutes) {
  return t + std::chrono::seconds(std::llround(minutes * 60));
}

// How a series of readings of one vital sign stands against a "confirmed on repeat" threshold
// (PRE-03, PRE-04). The first high reading asks for a repeat after `repeat_min` of rest. Any
// high reading at least `repeat_min` after it confirms: a hard stop for this visit, which a
// normal reading in between or after does not undo (two high readings that far apart are
// sustained hypertension or tachycardia, however the readings fluctuate). If no high reading
// comes that late, a normal reading that late clears it. Readings sooner than `repeat_min` after
// the first high one neither confirm nor clear: the patient has not rested long enough.
enum class Repeat {
  kNone,       // no high reading
  kPending,    // a high reading awaits its repeat
  kConfirmed,  // confirmed by a high repeat: a hard stop
};
struct RepeatState {
  Repeat status = Repeat::kNone;
  Instant first_high;    // kPending, kConfirmed: the first high reading
  Instant confirmed_at;  // kConfirmed: the confirming repeat
};

// REQUIRES: `samples` sorted by time.
template <typename IsHigh>
RepeatState FollowRepeats(const std::vector<Sample>& samples, IsHigh is_high, double repeat_min) {
  RepeatState state;
  const auto first_high = std::find_if(samples.begin(), samples.end(), is_high);
  if (first_high == samples.end()) return state;
  state.first_high = first_high->time;
  bool cleared = false;
  for (const Sample& r : samples) {
    if (MinutesBetween(state.first_high, r.time) < repeat_min) continue;
    if (is_high(r)) {
      state.status = Repeat::kConfirmed;
      state.confirmed_at = r.time;
      return state;
    }
    cleared = true;
  }
  state.status = cleared ? Repeat::kNone : Repeat::kPending;
  return state;
}

void RequireNotAfter(Validator& v, const std::optional<Instant>& t, Instant now,
                     const std::string& field) {
  if (t && *t > now) {
    v.Add({field, FormatRfc3339(*t) + " is after the time of the check " + FormatRfc3339(now)});
  }
}

class Gates {
 public:
  Gates(const PreInfusionInput& input, const PreInfusionProtocol& protocol, Instant now)
      : in_(input), p_(protocol), now_(now) {
    verdict_.protocol_version = protocol.version;
  }

  PreInfusionVerdict Run() {
    Identity();
    Npo();
    Weight();
    BaselineVitals();
    Pregnancy();
    SuicideScreen();
    Scales();
    Medications();
    DrugScreen();
    Interval();
    const bool blocked =
        std::any_of(verdict_.findings.begin(), verdict_.findings.end(),
                    [](const Finding& f) { return f.severity == Severity::kBlock; });
    verdict_.cleared =
        !blocked && !verdict_.needs_repeat_vitals_at && verdict_.awaiting_override.empty();
    return std::move(verdict_);
  }

 private:
  void Add(const char* rule, Severity severity, std::string message, const char* source) {
    verdict_.findings.push_back({rule, severity, std::move(message), source});
  }
  double AgeMin(Instant t) const { return MinutesBetween(t, now_); }

  void Identity() {
    if (!in_.identity_verified) {
      Add("pre.identity", Severity::kBlock, "patient identity not verified", kIdentitySource);
    }
    if (!in_.consent_on_file) {
      Add("pre.consent", Severity::kBlock, "no signed consent on file", kConsentSource);
    }
    if (!in_.escort_confirmed) {
      Add("pre.escort", Severity::kBlock,
          "no escort or transport other than self-driving confirmed: reschedule", kEscortSource);
    }
  }

  void Npo() {
    std::vector<std::string> problems;
    auto check = [&](const std::optional<Instant>& at, double min_minutes, const char* what) {
      if (!at) {
        problems.push_back(std::string("time of last ") + what + " not recorded");
      } else if (AgeMin(*at) < min_minutes) {
        problems.push_back(std::string("last ") + what + " " + Minutes(AgeMin(*at)) +
                           " ago; at least " + Minutes(min_minutes) + " needed (from " +
                           Clock(Plus(*at, min_minutes)) + ")");
      }
    };
    check(in_.last_solid_food_at, p_.npo_solids_min, "solid food");
    check(in_.last_clear_liquid_at, p_.npo_clear_liquids_min, "clear liquid");
    if (!problems.empty()) Add("pre.npo", Severity::kBlock, Join(problems, "; "), kNpoSource);
  }

  void Weight() {
    if (!in_.weight_kg || !in_.weight_measured_at) {
      Add("pre.weight", Severity::kBlock, "no weight measured today", kWeightSource);
    } else if (AgeMin(*in_.weight_measured_at) > p_.weight_max_age_h * 60) {
      Add("pre.weight", Severity::kBlock,
          "weight measured " + Hours(AgeMin(*in_.weight_measured_at)) + " ago; must be within " +
              FormatNumber(p_.weight_max_age_h) + " h: weigh the patient",
          kWeightSource);
    }
    if (!in_.height_cm) {
      Add("pre.height", Severity::kBlock, "no height on file", kHeightSource);
    }
  }

  void BaselineVitals() {
    std::vector<const VitalSigns*> recent;
    for (const VitalSigns& r : in_.baseline_vitals) {
      if (AgeMin(r.time) <= p_.baseline_vitals_max_age_min) recent.push_back(&r);
    }
    std::sort(recent.begin(), recent.end(),
              [](const VitalSigns* a, const VitalSigns* b) { return a->time < b->time; });
    const std::string window = "within " + Minutes(p_.baseline_vitals_max_age_min);

    std::vector<Sample> bp;
    std::vector<Sample> hr;
    std::optional<Sample> spo2;  // the latest room-air reading
    bool spo2_on_oxygen_only = false;
    for (const VitalSigns* r : recent) {
      if (r->systolic_mmhg && r->diastolic_mmhg) {
        bp.push_back({r->time, *r->systolic_mmhg, *r->diastolic_mmhg});
      }
      if (r->heart_rate_bpm) hr.push_back({r->time, *r->heart_rate_bpm});
      if (r->spo2_percent) {
        if (r->on_room_air) {
          spo2 = Sample{r->time, *r->spo2_percent};
        } else if (!spo2) {
          spo2_on_oxygen_only = true;
        }
      }
    }
    BloodPressure(bp, window);
    HeartRate(hr, window);
    if (!spo2) {
      Add("pre.spo2", Severity::kBlock,
          spo2_on_oxygen_only ? "SpO2 recorded only on supplemental oxygen; a room-air reading "
                                "is needed"
                              : "no baseline SpO2 " + window,
          kSpo2Source);
    } else if (spo2->value < p_.spo2_block_below_percent) {
      Add("pre.spo2", Severity::kBlock,
          "SpO2 " + FormatNumber(spo2->value) + " % on room air is below " +
              FormatNumber(p_.spo2_block_below_percent) + " %",
          kSpo2Source);
    }
  }

  void AwaitRepeat(Instant first_high) {
    const Instant due = Plus(first_high, p_.repeat_after_min);
    verdict_.needs_repeat_vitals_at = std::min(due, verdict_.needs_repeat_vitals_at.value_or(due));
  }

  void BloodPressure(const std::vector<Sample>& bp, const std::string& window) {
    if (bp.empty()) {
      Add("pre.baseline-bp", Severity::kBlock, "no baseline blood pressure " + window, kBpSource);
      return;
    }
    const std::string block =
        FormatNumber(p_.bp_block_systolic_mmhg) + "/" + FormatNumber(p_.bp_block_diastolic_mmhg);
    const std::string warn =
        FormatNumber(p_.bp_warn_systolic_mmhg) + "/" + FormatNumber(p_.bp_warn_diastolic_mmhg);
    auto high = [&](const Sample& r) {
      return r.value >= p_.bp_block_systolic_mmhg || r.second >= p_.bp_block_diastolic_mmhg;
    };
    const RepeatState state = FollowRepeats(bp, high, p_.repeat_after_min);
    const Sample& latest = bp.back();
    if (state.status == Repeat::kConfirmed) {
      Add("pre.baseline-bp", Severity::kBlock,
          "BP at or above " + block + " at " + Clock(state.first_high) +
              ", confirmed on a repeat after " + Minutes(p_.repeat_after_min) + " rest (at " +
              Clock(state.confirmed_at) + "): no infusion today",
          kBpSource);
    } else if (state.status == Repeat::kPending) {
      AwaitRepeat(state.first_high);
      Add("pre.baseline-bp", Severity::kWarning,
          "BP at or above " + block + " at " + Clock(state.first_high) + " (latest " + Bp(latest) +
              "): repeat after " + Minutes(p_.repeat_after_min) + " rest, from " +
              Clock(Plus(state.first_high, p_.repeat_after_min)) + "; a high repeat is a hard stop",
          kBpSource);
    } else if (latest.value > p_.bp_warn_systolic_mmhg ||
               latest.second > p_.bp_warn_diastolic_mmhg) {
      Add("pre.baseline-bp", Severity::kWarning,
          "baseline BP " + Bp(latest) + " is above " + warn + ": consider delaying (label)",
          kBpSource);
    }
  }

  void HeartRate(const std::vector<Sample>& hr, const std::string& window) {
    if (hr.empty()) {
      Add("pre.baseline-hr", Severity::kBlock, "no baseline heart rate " + window, kHrSource);
      return;
    }
    auto high = [&](const Sample& r) { return r.value > p_.hr_block_bpm; };
    const RepeatState state = FollowRepeats(hr, high, p_.repeat_after_min);
    const double latest = hr.back().value;
    const std::string block = FormatNumber(p_.hr_block_bpm) + "/min";
    if (state.status == Repeat::kConfirmed) {
      Add("pre.baseline-hr", Severity::kBlock,
          "heart rate above " + block + " at " + Clock(state.first_high) +
              ", sustained on a repeat after " + Minutes(p_.repeat_after_min) + " (at " +
              Clock(state.confirmed_at) + "): no infusion today",
          kHrSource);
    } else if (state.status == Repeat::kPending) {
      AwaitRepeat(state.first_high);
      Add("pre.baseline-hr", Severity::kWarning,
          "heart rate above " + block + " at " + Clock(state.first_high) + " (latest " +
              FormatNumber(latest) + "/min): repeat from " +
              Clock(Plus(state.first_high, p_.repeat_after_min)) +
              "; a sustained rate is a hard stop",
          kHrSource);
    } else if (latest > p_.hr_warn_bpm) {
      Add("pre.baseline-hr", Severity::kWarning,
          "baseline heart rate " + FormatNumber(latest) + "/min is above " +
              FormatNumber(p_.hr_warn_bpm) + "/min",
          kHrSource);
    }
  }

  // A test result counts while it is no older than the maximum age (in minutes).
  void Test(const std::optional<LabTest>& test, bool required, double max_age_min, const char* rule,
            const char* what, Severity positive_severity, const std::string& positive_action,
            const char* source) {
    const bool current = test && AgeMin(test->at) <= max_age_min;
    if (current && test->result == TestResult::kPositive) {
      Add(rule, positive_severity,
          std::string("positive ") + what + " (" + Clock(test->at) + "): " + positive_action,
          source);
    } else if (required && !test) {
      Add(rule, Severity::kBlock,
          std::string("no ") + what + " recorded; the protocol requires one", source);
    } else if (required && !current) {
      Add(rule, Severity::kBlock,
          std::string(what) + " from " + Clock(test->at) + " is older than " + Hours(max_age_min) +
              "; a new one is required",
          source);
    }
  }

  void Pregnancy() {
    const bool required = p_.pregnancy_test == TestPolicy::kRequired && in_.can_become_pregnant;
    Test(in_.pregnancy_test, required, p_.pregnancy_test_max_age_h * 60, "pre.pregnancy-test",
         "pregnancy test", Severity::kBlock, "no ketamine infusion", kPregnancySource);
  }

  void SuicideScreen() {
    if (!in_.cssrs) {
      Add("pre.suicide-screen", Severity::kBlock, "no C-SSRS screener completed before dosing",
          kSuicideSource);
      return;
    }
    const CssrsScreen& s = *in_.cssrs;
    if (AgeMin(s.at) > p_.cssrs_max_age_h * 60) {
      Add("pre.suicide-screen", Severity::kBlock,
          "C-SSRS screener from " + Clock(s.at) + " is older than " +
              FormatNumber(p_.cssrs_max_age_h) + " h; repeat it before dosing",
          kSuicideSource);
    } else if (s.risk >= p_.cssrs_block_risk) {
      Add("pre.suicide-screen", Severity::kBlock,
          std::string("C-SSRS screener ") + CssrsRiskName(s.risk) +
              " risk: same-day evaluation and a safety plan before any infusion",
          kSuicideSource);
    } else if (s.risk != CssrsRisk::kNone) {
      Add("pre.suicide-screen", Severity::kWarning,
          std::string("C-SSRS screener ") + CssrsRiskName(s.risk) +
              " risk: a clinician reviews it before dosing",
          kSuicideSource);
    }
  }

  void Scales() {
    if (!in_.depression_scale_at) {
      Add("pre.scales", Severity::kBlock, "no depression scale completed before dosing",
          kScalesSource);
    } else if (AgeMin(*in_.depression_scale_at) > p_.depression_scale_max_age_h * 60) {
      Add("pre.scales", Severity::kBlock,
          "last depression scale " + Clock(*in_.depression_scale_at) + " is older than " +
              FormatNumber(p_.depression_scale_max_age_h) + " h",
          kScalesSource);
    }
  }

  void Medications() {
    std::vector<std::string> flagged;
    for (const ConcomitantMedication& m : in_.medications) {
      const std::string label = m.name + " (" + DrugClassName(m.drug_class) + ")";
      if (m.drug_class == DrugClass::kLamotrigine) {
        if (!m.daily_dose_mg) {
          flagged.push_back(label + ", daily dose unknown");
        } else if (*m.daily_dose_mg > p_.lamotrigine_warn_above_mg_per_day) {
          flagged.push_back(label + " " + FormatNumber(*m.daily_dose_mg) + " mg/day > " +
                            FormatNumber(p_.lamotrigine_warn_above_mg_per_day) + " mg/day");
        }
      } else if (std::find(p_.medication_warn_classes.begin(), p_.medication_warn_classes.end(),
                           m.drug_class) != p_.medication_warn_classes.end()) {
        flagged.push_back(label);
      }
    }
    if (!flagged.empty()) {
      Add("pre.concomitant-meds", Severity::kWarning,
          "review before dosing: " + Join(flagged, ", "), kMedsSource);
    }
  }

  void DrugScreen() {
    Test(in_.drug_screen, p_.drug_screen == TestPolicy::kRequired,
         p_.drug_screen_max_age_days * 24 * 60, "pre.drug-screen", "urine drug screen",
         Severity::kWarning, "a physician reviews the substance-use risk before dosing",
         kDrugScreenSource);
  }

  void Interval() {
    if (!in_.last_infusion_start) return;  // a first infusion
    const double hours = AgeMin(*in_.last_infusion_start) / 60;
    const std::string since = "last infusion started " + Fixed(hours, 1) + " h ago (" +
                              Clock(*in_.last_infusion_start) + ")";
    if (hours < p_.interval_hard_min_h) {
      Add("pre.interval", Severity::kBlock,
          since + ", under the hard minimum of " + FormatNumber(p_.interval_hard_min_h) +
              " h; this cannot be overridden (from " +
              Clock(Plus(*in_.last_infusion_start, p_.interval_hard_min_h * 60)) + ")",
          kIntervalSource);
    } else if (hours < p_.interval_soft_min_h) {
      if (in_.interval_override) {
        Add("pre.interval.overridden", Severity::kInfo,
            since + ", under the soft minimum of " + FormatNumber(p_.interval_soft_min_h) +
                " h; overridden by " + in_.interval_override->by.user_id + ": " +
                in_.interval_override->reason,
            kIntervalSource);
      } else {
        verdict_.awaiting_override.emplace_back("pre.interval");
        Add("pre.interval", Severity::kWarning,
            since + ", under the soft minimum of " + FormatNumber(p_.interval_soft_min_h) +
                " h; a physician may override it with a reason",
            kIntervalSource);
      }
    }
  }

  const PreInfusionInput& in_;
  const PreInfusionProtocol& p_;
  Instant now_;
  PreInfusionVerdict verdict_;
};

}  // namespace

const char* TestResultName(TestResult result) {
  return result == TestResult::kPositive ? "positive" : "negative";
}

Result<TestResult> ParseTestResult(std::string_view name, std::string_view field) {
  if (name == "negative") return TestResult::kNegative;
  if (name == "positive") return TestResult::kPositive;
  return tl::unexpected(Error::InvalidArgument(
      std::string(field), "must be negative or positive, got '" + std::string(name) + "'"));
}

Status ValidatePreInfusionInput(const PreInfusionInput& in, Instant now) {
  Validator v("invalid pre-infusion check");
  if (in.weight_kg) v.InRange("weight_kg", *in.weight_kg, kMinWeightKg, kMaxWeightKg, "kg");
  v.Require(in.weight_kg.has_value() == in.weight_measured_at.has_value(),
            in.weight_kg ? "weight_measured_at" : "weight_kg",
            "weight_kg and weight_measured_at go together");
  if (in.height_cm) v.InRange("height_cm", *in.height_cm, kMinHeightCm, kMaxHeightCm, "cm");
  RequireNotAfter(v, in.last_solid_food_at, now, "last_solid_food_at");
  RequireNotAfter(v, in.last_clear_liquid_at, now, "last_clear_liquid_at");
  RequireNotAfter(v, in.weight_measured_at, now, "weight_measured_at");
  for (size_t i = 0; i < in.baseline_vitals.size(); ++i) {
    const VitalSigns& r = in.baseline_vitals[i];
    const std::string prefix = "baseline_vitals[" + std::to_string(i) + "].";
    if (auto s = ValidateVitalSigns(r, prefix); !s) v.Merge(s.error(), "");
    if (r.systolic_mmhg.has_value() != r.diastolic_mmhg.has_value()) {
      v.Add({prefix + (r.systolic_mmhg ? "diastolic_mmhg" : "systolic_mmhg"),
             "a blood pressure needs both systolic and diastolic"});
    }
    RequireNotAfter(v, r.time, now, prefix + "time");
  }
  if (in.pregnancy_test) RequireNotAfter(v, in.pregnancy_test->at, now, "pregnancy_test.at");
  if (in.cssrs) RequireNotAfter(v, in.cssrs->at, now, "cssrs.at");
  RequireNotAfter(v, in.depression_scale_at, now, "depression_scale_at");
  for (size_t i = 0; i < in.medications.size(); ++i) {
    const ConcomitantMedication& m = in.medications[i];
    const std::string prefix = "medications[" + std::to_string(i) + "].";
    v.Require(!m.name.empty(), prefix + "name", "must not be empty");
    if (m.daily_dose_mg)
      v.InRange(prefix + "daily_dose_mg", *m.daily_dose_mg, 0, kMaxDailyDoseMg, "mg");
  }
  if (in.drug_screen) RequireNotAfter(v, in.drug_screen->at, now, "drug_screen.at");
  RequireNotAfter(v, in.last_infusion_start, now, "last_infusion_start");
  if (in.interval_override) {
    const Clinician& by = in.interval_override->by;
    v.Require(!by.user_id.empty(), "interval_override.user_id", "an override must name its author");
    v.Require(
        by.role == Role::kPhysician, "interval_override.role",
        std::string("only a physician may override a soft limit, not a ") + RoleName(by.role));
    const std::string& reason = in.interval_override->reason;
    v.Require(reason.size() >= kMinOverrideReason &&
                  reason.find_first_not_of(" \t\r\n") != std::string::npos,
              "interval_override.reason", "an override needs a reason (at least 5 characters)");
  }
  return v.Finish();
}

Result<PreInfusionVerdict> EvaluatePreInfusion(const PreInfusionInput& input,
                                               const PreInfusionProtocol& protocol, Instant now) {
  if (auto status = ValidatePreInfusionInput(input, now); !status) {
    return tl::unexpected(status.error());
  }
  return Gates(input, protocol, now).Run();
}

}  // namespace ketaclinic::clinical
