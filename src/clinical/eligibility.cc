#include "clinical/eligibility.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "base/validation.h"

namespace ketaclinic::clinical {
namespace {

// Citations of each rule (../shared/reference/clinical.md).
constexpr const char* kSourceAge =
    "clinical.md §1.2 ELIG-01: adults >= 18 (Brigham, NIMH dose-finding trial) [S]; "
    "min_age_years";
constexpr const char* kSourceDiagnosis =
    "clinical.md §1.2 ELIG-01: DSM-5 MDD (or bipolar depression per program policy), current "
    "major depressive episode [S]";
constexpr const char* kSourceBipolar =
    "clinical.md §1.2 ELIG-01: bipolar depression requires a mood stabilizer [S-low]; program "
    "policy [D]";
constexpr const char* kSourceResistance =
    "clinical.md §1.2 ELIG-02: >= N failed adequate antidepressant trials in the current episode "
    "[S], N = min_failed_adequate_trials [D]; adequacy ATHF-style >= athf_adequacy_min [S]/[D]";
constexpr const char* kSourceDoseUnknown =
    "clinical.md §1.2 ATHF dose adequacy (tables not read); KetaClinic minimum-dose table [R]";
constexpr const char* kSourcePsychotherapy =
    "clinical.md §1.2 ELIG-03: failed psychotherapy (CBT, IPT) before ketamine, CPSBC [S]; "
    "require_failed_psychotherapy";
constexpr const char* kSourceSeverity =
    "clinical.md §1.2 ELIG-04: baseline severity threshold, e.g. PHQ-9 >= 10 or MADRS >= 20 "
    "[D]; bands §2.1, §2.2 [S]";
constexpr const char* kSourceStaging =
    "clinical.md §1.2 ELIG-05 [D]: Maudsley Staging Method (Fekadu 2018) [S], treatment-failure "
    "levels [R]; ATHF-style trial ratings [D]";
constexpr const char* kSourceClearance =
    "clinical.md §1.2 ELIG-06: medical clearance documented (Brigham, CPSBC, ASKP) [S]; "
    "clearance_max_age_days [D]";
constexpr const char* kSourceConsent =
    "clinical.md §1.2 ELIG-07: informed consent for off-label use before the first infusion [S]";
constexpr const char* kSourceSuicideScreen =
    "clinical.md §1.4 PRE-07: C-SSRS screener before dosing [S]; §2.8";
constexpr const char* kSourceOverride =
    "clinical.md §1.3: override requires a physician and a reason [D]";

std::string Lower(std::string_view text) {
  std::string lower;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0 && (lower.empty())) continue;
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!lower.empty() && std::isspace(static_cast<unsigned char>(lower.back())) != 0) {
    lower.pop_back();
  }
  return lower;
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

std::string StripDots(std::string_view code) {
  std::string out;
  for (const char c : code) {
    if (c != '.') out += c;
  }
  return out;
}

// Whether a patient's coded condition falls under a catalogue code: ICD-10-CM by category (the
// catalogue code and everything below it), other systems exactly.
bool CodeMatches(const ConditionCode& catalogue, const CodedConcept& recorded) {
  if (catalogue.system != recorded.system) return false;
  if (catalogue.system != CodeSystem::kIcd10Cm) return catalogue.code == recorded.code;
  const std::string want = StripDots(catalogue.code);
  const std::string have = StripDots(recorded.code);
  return have.size() >= want.size() && have.compare(0, want.size(), want) == 0;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (const std::string& part : parts) {
    if (!text.empty()) text += separator;
    text += part;
  }
  return text;
}

std::string Plural(int n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

bool IsFailure(TrialOutcome outcome) {
  return outcome == TrialOutcome::kNoResponse || outcome == TrialOutcome::kPartialResponse;
}

// What an override of `rule_id` may do under `protocol`.
enum class Overridability { kSoftRule, kRelative, kCaution, kAbsolute, kHardRule, kUnknownRule };

Overridability Classify(const std::string& rule_id, const EligibilityProtocol& protocol) {
  if (rule_id == kRulePsychotherapy || rule_id == kRuleBaselineSeverity) {
    return Overridability::kSoftRule;
  }
  const std::string_view prefix = kContraindicationRulePrefix;
  if (rule_id.compare(0, prefix.size(), prefix) == 0) {
    const std::string code = rule_id.substr(prefix.size());
    for (const ContraindicationItem& item : protocol.contraindications) {
      if (item.code != code) continue;
      switch (item.level) {
        case ContraindicationClass::kAbsolute:
          return Overridability::kAbsolute;
        case ContraindicationClass::kRelative:
          return Overridability::kRelative;
        case ContraindicationClass::kCaution:
          return Overridability::kCaution;
      }
    }
    return Overridability::kUnknownRule;
  }
  for (const char* hard :
       {kRuleAge, kRuleDiagnosis, kRuleBipolarMoodStabilizer, kRuleTreatmentResistance,
        kRuleTrialDoseUnknown, kRuleStaging, kRuleMedicalClearance, kRuleConsent,
        kRuleSuicideScreen, kRuleOverrideRejected, kRuleOverrideUnused}) {
    if (rule_id == hard) return Overridability::kHardRule;
  }
  if (rule_id.compare(0, std::string_view(kSuicideRiskRulePrefix).size(), kSuicideRiskRulePrefix) ==
      0) {
    return Overridability::kHardRule;
  }
  return Overridability::kUnknownRule;
}

class Evaluator {
 public:
  Evaluator(const Patient& patient, const EligibilityProtocol& protocol, Instant now)
      : patient_(patient), protocol_(protocol), now_(now), today_(DateOf(now)) {
    if (patient.diagnosis && IsActive(patient.diagnosis->meta)) diagnosis_ = &*patient.diagnosis;
    verdict_.protocol_version = protocol.version;
  }

  EligibilityVerdict Run(const std::vector<EligibilityOverride>& overrides) {
    RateTrials();
    Age();
    Diagnosis();
    BipolarPolicy();
    TreatmentResistance();
    if (protocol_.require_failed_psychotherapy) Psychotherapy();
    if (!protocol_.baseline_severity_min.empty()) BaselineSeverity();
    Staging();
    if (protocol_.require_medical_clearance) Clearance();
    if (protocol_.require_consent) Consent();
    SuicideScreen();
    Contraindications();
    ApplyOverrides(overrides);
    verdict_.outcome = Decide();
    return std::move(verdict_);
  }

 private:
  void Add(std::string rule, Severity severity, std::string message, std::string source) {
    verdict_.findings.push_back(
        Finding{std::move(rule), severity, std::move(message), std::move(source)});
  }

  bool OnOrBeforeToday(Date date) const { return DaysBetween(date, today_) >= 0; }

  // The episode a record belongs to: ongoing at some time since the current episode began, and
  // started by today. Without a diagnosis every record counts (the diagnosis rule blocks anyway).
  bool InCurrentEpisode(Date start, const std::optional<Date>& stop) const {
    if (!OnOrBeforeToday(start)) return false;
    if (diagnosis_ == nullptr || !stop) return true;
    return DaysBetween(diagnosis_->episode_start, *stop) >= 0;
  }

  // The latest active response to `scale` taken within the baseline window before now.
  const ScaleResponse* Recent(Scale scale) const {
    const ScaleResponse* latest = LatestScaleResponse(patient_, scale, now_);
    if (latest == nullptr) return nullptr;
    const auto window = std::chrono::days(protocol_.baseline_scale_max_age_days);
    return latest->taken_at >= now_ - window ? latest : nullptr;
  }

  std::string Window() const {
    return "within " + Plural(protocol_.baseline_scale_max_age_days, "day") + " before " +
           FormatRfc3339(now_);
  }

  void RateTrials() {
    std::set<std::string> failed_drugs;
    for (size_t i = 0; i < patient_.antidepressant_trials.size(); ++i) {
      const AntidepressantTrial& trial = patient_.antidepressant_trials[i];
      if (!IsActive(trial.meta)) continue;
      TrialAssessment assessment;
      assessment.index = i;
      assessment.drug = trial.drug;
      assessment.in_current_episode = InCurrentEpisode(trial.start, trial.stop);
      assessment.rating =
          RateTrial(trial, protocol_.min_adequate_trial_weeks, protocol_.athf_adequacy_min);
      if (assessment.in_current_episode) {
        if (assessment.rating.failed) failed_drugs.insert(DrugKey(trial.drug));
        if (trial.augmentation) augmentation_used_ = true;
      }
      verdict_.trials.push_back(std::move(assessment));
    }
    failed_drug_names_.assign(failed_drugs.begin(), failed_drugs.end());
    for (const NeuromodulationCourse& course : patient_.neuromodulation) {
      if (!IsActive(course.meta) || !InCurrentEpisode(course.start, course.stop)) continue;
      if (course.kind == NeuromodulationKind::kEct) ect_used_ = true;
      if (IsFailure(course.outcome)) {
        failed_courses_.push_back(std::string(NeuromodulationKindName(course.kind)) + " (" +
                                  Plural(course.sessions, "session") + ")");
      }
    }
    verdict_.failed_adequate_trials = static_cast<int>(failed_drug_names_.size());
    if (protocol_.neuromodulation_counts_as_trial) {
      verdict_.failed_adequate_trials += static_cast<int>(failed_courses_.size());
    }
  }

  void Age() {
    const int age = AgeYears(patient_.birth_date, now_);
    std::string message = "age " + std::to_string(age);
    if (age < protocol_.min_age_years) {
      Add(kRuleAge, Severity::kBlock,
          message + ": below the minimum age of " + std::to_string(protocol_.min_age_years),
          kSourceAge);
    } else if (protocol_.max_age_years && age > *protocol_.max_age_years) {
      Add(kRuleAge, Severity::kBlock,
          message + ": above the maximum age of " + std::to_string(*protocol_.max_age_years),
          kSourceAge);
    } else {
      Add(kRuleAge, Severity::kInfo, message, kSourceAge);
    }
  }

  void Diagnosis() {
    if (diagnosis_ == nullptr) {
      Add(kRuleDiagnosis, Severity::kBlock, "no diagnosis recorded", kSourceDiagnosis);
      return;
    }
    const clinical::Diagnosis& d = *diagnosis_;
    std::string name = d.kind == DiagnosisKind::kMdd ? "major depressive disorder"
                       : d.kind == DiagnosisKind::kBipolarDepression
                           ? "bipolar disorder, current depressive episode"
                           : "'" + d.description + "'";
    if (d.code)
      name += " (" + std::string(CodeSystemName(d.code->system)) + " " + d.code->code + ")";
    if (d.kind == DiagnosisKind::kOther) {
      Add(kRuleDiagnosis, Severity::kBlock,
          name + " is neither major depressive disorder nor bipolar depression", kSourceDiagnosis);
      return;
    }
    if (d.kind == DiagnosisKind::kBipolarDepression && !protocol_.allow_bipolar_depression) {
      Add(kRuleDiagnosis, Severity::kBlock,
          name + ": this protocol does not treat bipolar depression", kSourceDiagnosis);
      return;
    }
    if (!OnOrBeforeToday(d.episode_start)) {
      Add(kRuleDiagnosis, Severity::kBlock,
          name + ": the current episode is recorded to start on " + FormatDate(d.episode_start) +
              ", after the date of this decision",
          kSourceDiagnosis);
      return;
    }
    const int months = CompletedMonths(d.episode_start, today_);
    std::string message = name + ", current episode since " + FormatDate(d.episode_start) + " (" +
                          Plural(months, "month") + ")";
    if (d.psychotic_features) message += ", with psychotic features";
    Add(kRuleDiagnosis, Severity::kInfo, std::move(message), kSourceDiagnosis);
  }

  void BipolarPolicy() {
    if (diagnosis_ == nullptr || diagnosis_->kind != DiagnosisKind::kBipolarDepression ||
        !protocol_.allow_bipolar_depression || !protocol_.bipolar_requires_mood_stabilizer) {
      return;
    }
    std::vector<std::string> stabilizers;
    for (const Medication& m : patient_.medications) {
      if (!IsActive(m.meta)) continue;
      const auto& classes = protocol_.mood_stabilizer_classes;
      if (std::find(classes.begin(), classes.end(), m.drug_class) != classes.end()) {
        stabilizers.push_back(m.name + " (" + DrugClassName(m.drug_class) + ")");
      }
    }
    if (stabilizers.empty()) {
      std::vector<std::string> names;
      names.reserve(protocol_.mood_stabilizer_classes.size());
      for (DrugClass c : protocol_.mood_stabilizer_classes) names.emplace_back(DrugClassName(c));
      Add(kRuleBipolarMoodStabilizer, Severity::kBlock,
          "bipolar depression without a current mood stabilizer (" + Join(names, ", ") +
              "): ketamine may be given only on one",
          kSourceBipolar);
    } else {
      Add(kRuleBipolarMoodStabilizer, Severity::kInfo,
          "bipolar depression on a mood stabilizer: " + Join(stabilizers, ", "), kSourceBipolar);
    }
  }

  void TreatmentResistance() {
    std::vector<std::string> counted = failed_drug_names_;
    if (protocol_.neuromodulation_counts_as_trial) {
      counted.insert(counted.end(), failed_courses_.begin(), failed_courses_.end());
    }
    const int failed = verdict_.failed_adequate_trials;
    const int needed = protocol_.min_failed_adequate_trials;
    std::string message =
        Plural(failed, "failed adequate trial") +
        " in the current episode (ATHF >= " + std::to_string(protocol_.athf_adequacy_min) +
        ", >= " + FormatNumber(protocol_.min_adequate_trial_weeks) + " weeks at an adequate dose)";
    if (!counted.empty()) message += ": " + Join(counted, ", ");
    if (failed >= needed) {
      Add(kRuleTreatmentResistance, Severity::kInfo,
          message + "; " + std::to_string(needed) + " required", kSourceResistance);
    } else {
      Add(kRuleTreatmentResistance, Severity::kBlock,
          message + "; at least " + std::to_string(needed) +
              " required for treatment-resistant depression",
          kSourceResistance);
    }
    // A trial long enough to count whose dose nobody has judged: say what is missing.
    for (const TrialAssessment& t : verdict_.trials) {
      const AntidepressantTrial& trial = patient_.antidepressant_trials[t.index];
      if (!t.in_current_episode || t.rating.dose != DoseAdequacy::kUnknown ||
          trial.weeks_at_dose < protocol_.min_adequate_trial_weeks) {
        continue;
      }
      Add(kRuleTrialDoseUnknown, Severity::kInfo,
          "antidepressant_trials[" + std::to_string(t.index) + "] " + trial.drug + " " +
              FormatNumber(trial.daily_dose_mg) +
              " mg/day: not in the minimum-dose table; record adequate_dose (the clinician's "
              "judgment) for it to count as adequate",
          kSourceDoseUnknown);
    }
  }

  void Psychotherapy() {
    std::vector<std::string> failed;
    int documented = 0;
    for (const PsychotherapyTrial& t : patient_.psychotherapy_trials) {
      if (!IsActive(t.meta) || !OnOrBeforeToday(t.start)) continue;
      ++documented;
      if (IsFailure(t.outcome)) {
        failed.push_back(t.type + " (" + Plural(t.sessions, "session") + ", " +
                         TrialOutcomeName(t.outcome) + ")");
      }
    }
    if (!failed.empty()) {
      Add(kRulePsychotherapy, Severity::kInfo, "failed psychotherapy: " + Join(failed, ", "),
          kSourcePsychotherapy);
    } else if (documented == 0) {
      Add(kRulePsychotherapy, Severity::kBlock,
          "no psychotherapy trial documented; the protocol requires a failed one (a physician "
          "may override with a reason)",
          kSourcePsychotherapy);
    } else {
      Add(kRulePsychotherapy, Severity::kBlock,
          "no documented psychotherapy trial failed (each responded or was stopped for "
          "intolerance); the protocol requires a failed one (a physician may override with a "
          "reason)",
          kSourcePsychotherapy);
    }
  }

  void BaselineSeverity() {
    std::vector<std::string> met, below, names;
    for (const SeverityThreshold& t : protocol_.baseline_severity_min) {
      const ScaleInfo& info = GetScaleInfo(t.scale);
      names.push_back(std::string(info.title) + " >= " + std::to_string(t.min_total));
      const ScaleResponse* r = Recent(t.scale);
      if (r == nullptr) continue;
      auto score = ScoreScale(r->scale, r->items);
      if (!score) continue;  // validated already
      const std::string text = std::string(info.title) + " " + std::to_string(score->total) + " (" +
                               score->band + ") on " + FormatRfc3339(r->taken_at);
      if (score->total >= t.min_total) {
        met.push_back(text + " >= " + std::to_string(t.min_total));
      } else {
        below.push_back(text + " < " + std::to_string(t.min_total));
      }
    }
    const std::string wanted = Join(names, " or ");
    if (!met.empty()) {
      Add(kRuleBaselineSeverity, Severity::kInfo, "baseline severity met: " + Join(met, "; "),
          kSourceSeverity);
    } else if (!below.empty()) {
      Add(kRuleBaselineSeverity, Severity::kBlock,
          "baseline severity below the threshold (" + wanted + "): " + Join(below, "; "),
          kSourceSeverity);
    } else {
      Add(kRuleBaselineSeverity, Severity::kBlock,
          "no baseline severity score (" + wanted + ") " + Window(), kSourceSeverity);
    }
  }

  void Staging() {
    const bool psychotic = diagnosis_ != nullptr && diagnosis_->psychotic_features;
    std::optional<MsmSeverity> severity;
    std::string from;
    // A clinician-rated scale first (MADRS), then self-report (PHQ-9, QIDS-SR16).
    for (Scale scale : {Scale::kMadrs, Scale::kPhq9, Scale::kQidsSr16}) {
      const ScaleResponse* r = Recent(scale);
      if (r == nullptr) continue;
      auto score = ScoreScale(r->scale, r->items);
      if (!score) continue;
      severity = MsmSeverityFromScore(*score, psychotic);
      from = std::string(GetScaleInfo(scale).title) + " " + std::to_string(score->total) + " (" +
             score->band + ")";
      if (severity) break;
    }
    const std::string trials = TrialSummary();
    if (!severity || diagnosis_ == nullptr) {
      Add(kRuleStaging, Severity::kInfo,
          std::string("Maudsley Staging Method not computed: ") +
              (diagnosis_ == nullptr ? "no diagnosis (episode duration unknown)"
                                     : "no baseline depression score " + Window()) +
              ". " + trials,
          kSourceStaging);
      return;
    }
    MsmInput input;
    input.episode_months = std::max(0, CompletedMonths(diagnosis_->episode_start, today_));
    input.severity = *severity;
    input.failed_medications = static_cast<int>(failed_drug_names_.size());
    input.augmentation_used = augmentation_used_;
    input.ect_used = ect_used_;
    const MsmScore msm = ScoreMsm(input);
    Add(kRuleStaging, Severity::kInfo,
        "Maudsley Staging Method " + std::to_string(msm.total) + " (" + msm.category +
            "): duration " + std::to_string(msm.duration) + " (" +
            Plural(input.episode_months, "month") + "), severity " + std::to_string(msm.severity) +
            " (" + MsmSeverityName(*severity) + ", " + from + "), treatment failure " +
            std::to_string(msm.treatment_failure) + " (" +
            Plural(input.failed_medications, "medication") + "), augmentation " +
            std::to_string(msm.augmentation) + ", ECT " + std::to_string(msm.ect) + ". " + trials,
        kSourceStaging);
    verdict_.msm = msm;
  }

  std::string TrialSummary() const {
    std::vector<std::string> parts;
    parts.reserve(verdict_.trials.size());
    for (const TrialAssessment& t : verdict_.trials) {
      parts.push_back(t.drug + " ATHF " + std::to_string(t.rating.athf) +
                      (t.in_current_episode ? "" : " (earlier episode)"));
    }
    if (parts.empty()) return "No antidepressant trial recorded.";
    return "Trials: " + Join(parts, ", ") + ".";
  }

  void Clearance() {
    const MedicalClearance* latest = nullptr;
    for (const MedicalClearance& c : patient_.clearances) {
      if (!IsActive(c.meta) || !OnOrBeforeToday(c.date)) continue;
      if (latest == nullptr || DaysBetween(latest->date, c.date) >= 0) latest = &c;
    }
    if (latest == nullptr) {
      Add(kRuleMedicalClearance, Severity::kBlock, "no medical clearance on file",
          kSourceClearance);
      return;
    }
    const int age_days = DaysBetween(latest->date, today_);
    std::string message = "medical clearance by " + latest->by + " on " + FormatDate(latest->date) +
                          " (" + Plural(age_days, "day") + " ago)";
    std::vector<std::string> problems;
    if (age_days > protocol_.clearance_max_age_days) {
      problems.push_back("older than " + Plural(protocol_.clearance_max_age_days, "day"));
    }
    std::vector<std::string> missing;
    for (ClearanceItem item : protocol_.clearance_required_items) {
      if (std::find(latest->covered.begin(), latest->covered.end(), item) ==
          latest->covered.end()) {
        missing.emplace_back(ClearanceItemName(item));
      }
    }
    if (!missing.empty()) problems.push_back("does not cover " + Join(missing, ", "));
    if (problems.empty()) {
      Add(kRuleMedicalClearance, Severity::kInfo, message, kSourceClearance);
    } else {
      Add(kRuleMedicalClearance, Severity::kBlock, message + ": " + Join(problems, "; "),
          kSourceClearance);
    }
  }

  void Consent() {
    const clinical::Consent* valid = nullptr;
    const clinical::Consent* revoked = nullptr;
    for (const clinical::Consent& c : patient_.consents) {
      if (!IsActive(c.meta) || c.kind != ConsentKind::kKetamineInfusion || c.signed_at > now_) {
        continue;
      }
      if (c.revoked_at && *c.revoked_at <= now_) {
        revoked = &c;
      } else if (valid == nullptr || c.signed_at > valid->signed_at) {
        valid = &c;
      }
    }
    if (valid != nullptr) {
      Add(kRuleConsent, Severity::kInfo,
          "informed consent to ketamine infusion signed by " + valid->signed_by + " on " +
              FormatRfc3339(valid->signed_at),
          kSourceConsent);
    } else if (revoked != nullptr) {
      Add(kRuleConsent, Severity::kBlock,
          "the consent to ketamine infusion was revoked on " +
              FormatRfc3339(revoked->revoked_at.value_or(now_)),
          kSourceConsent);
    } else {
      Add(kRuleConsent, Severity::kBlock, "no informed consent to ketamine infusion on file",
          kSourceConsent);
    }
  }

  void SuicideScreen() {
    const ScaleResponse* r = Recent(Scale::kCssrsScreener);
    if (r == nullptr) {
      if (protocol_.require_suicide_screen) {
        Add(kRuleSuicideScreen, Severity::kBlock, "no C-SSRS screener " + Window(),
            kSourceSuicideScreen);
      }
    } else if (auto score = ScoreScale(r->scale, r->items)) {
      if (protocol_.require_suicide_screen) {
        Add(kRuleSuicideScreen, Severity::kInfo,
            "C-SSRS screener on " + FormatRfc3339(r->taken_at) + ": " + score->band + " risk",
            kSourceSuicideScreen);
      }
      for (const Finding& f : score->findings) verdict_.findings.push_back(f);
    }
    // The depression scales' own suicide items (PHQ-9 item 9, MADRS item 10, QIDS-SR16 item 12)
    // from the baseline scores: the same workflow (clinical.md §2.1, DESIGN.md §3 step 7).
    for (Scale scale : {Scale::kPhq9, Scale::kMadrs, Scale::kQidsSr16}) {
      const ScaleResponse* baseline = Recent(scale);
      if (baseline == nullptr) continue;
      if (auto score = ScoreScale(baseline->scale, baseline->items)) {
        for (const Finding& f : score->findings) verdict_.findings.push_back(f);
      }
    }
  }

  // Everything in the patient's record that matches `item`, in words.
  std::vector<std::string> Evidence(const ContraindicationItem& item) const {
    std::vector<std::string> evidence;
    for (const Condition& c : patient_.conditions) {
      if (!IsActive(c.meta) || (!c.active && !item.history_counts)) continue;
      const bool own_code = c.code.system == CodeSystem::kKetaclinic && c.code.code == item.code;
      const bool listed =
          std::any_of(item.condition_codes.begin(), item.condition_codes.end(),
                      [&](const ConditionCode& code) { return CodeMatches(code, c.code); });
      if (!own_code && !listed) continue;
      std::string text =
          std::string("condition ") + CodeSystemName(c.code.system) + " " + c.code.code;
      if (!c.code.display.empty()) text += " '" + c.code.display + "'";
      if (!c.active) text += " (history)";
      evidence.push_back(std::move(text));
    }
    for (const Allergy& a : patient_.allergies) {
      if (!IsActive(a.meta)) continue;
      const std::string substance = Lower(a.substance);
      for (const std::string& listed : item.allergy_substances) {
        if (Lower(listed) == substance) evidence.push_back("allergy to " + a.substance);
      }
    }
    for (const Medication& m : patient_.medications) {
      if (!IsActive(m.meta) || std::find(item.drug_classes.begin(), item.drug_classes.end(),
                                         m.drug_class) == item.drug_classes.end()) {
        continue;
      }
      std::string text = "takes " + m.name + " (" + DrugClassName(m.drug_class) + ")";
      if (item.drug_daily_dose_above_mg) {
        if (!m.daily_dose_mg) {
          text += ", daily dose not recorded";  // unknown: the caution stands
        } else if (*m.daily_dose_mg > *item.drug_daily_dose_above_mg) {
          text += " " + FormatNumber(*m.daily_dose_mg) + " mg/day";
        } else {
          continue;
        }
      }
      evidence.push_back(std::move(text));
    }
    if (item.psychotic_features && diagnosis_ != nullptr && diagnosis_->psychotic_features) {
      evidence.emplace_back("psychotic features in the current episode");
    }
    return evidence;
  }

  void Contraindications() {
    for (const ContraindicationItem& item : protocol_.contraindications) {
      const std::vector<std::string> evidence = Evidence(item);
      if (evidence.empty()) continue;
      std::string message = item.display + ": " + Join(evidence, "; ");
      Severity severity = Severity::kBlock;
      switch (item.level) {
        case ContraindicationClass::kAbsolute:
          message += ". Absolute contraindication: no override exists";
          break;
        case ContraindicationClass::kRelative:
          message += ". Relative contraindication: a physician may override it with a reason";
          break;
        case ContraindicationClass::kCaution:
          severity = Severity::kWarning;
          message += ". Caution: a physician acknowledges it with a reason";
          break;
      }
      Add(kContraindicationRulePrefix + item.code, severity, std::move(message),
          item.source + "; class " + ContraindicationClassName(item.level) + " (clinical.md §1.3)");
    }
  }

  void ApplyOverrides(const std::vector<EligibilityOverride>& overrides) {
    const size_t rule_findings = verdict_.findings.size();
    for (const EligibilityOverride& o : overrides) {
      const std::string by = "physician " + o.by.user_id;
      const Overridability kind = Classify(o.rule_id, protocol_);
      std::string refusal;
      switch (kind) {
        case Overridability::kAbsolute:
          refusal = "an absolute contraindication has no override (clinical.md §1.3)";
          break;
        case Overridability::kHardRule:
          refusal = "this rule cannot be overridden; correct the record or the protocol instead";
          break;
        case Overridability::kUnknownRule:
          refusal = "this protocol has no rule with that id";
          break;
        case Overridability::kSoftRule:
        case Overridability::kRelative:
        case Overridability::kCaution:
          break;
      }
      if (!refusal.empty()) {
        std::string message = "override of " + o.rule_id;
        message.append(" by ").append(by).append(" not applied: ").append(refusal);
        Add(kRuleOverrideRejected, Severity::kWarning, std::move(message), kSourceOverride);
        continue;
      }
      bool applied = false;
      for (size_t i = 0; i < rule_findings; ++i) {
        Finding& f = verdict_.findings[i];
        if (f.rule_id != o.rule_id || f.severity == Severity::kInfo) continue;
        f.severity = Severity::kWarning;
        f.message += ". Overridden by " + by + ": " + o.reason;
        overridden_.insert(i);
        applied = true;
      }
      if (applied) {
        verdict_.applied_overrides.push_back(o);
      } else {
        Add(kRuleOverrideUnused, Severity::kInfo,
            "override of " + o.rule_id + " by " + by + " has nothing to override: the rule is met",
            kSourceOverride);
      }
    }
  }

  EligibilityOutcome Decide() const {
    const std::string_view suicide = kSuicideRiskRulePrefix;
    bool review = false;
    for (size_t i = 0; i < verdict_.findings.size(); ++i) {
      const Finding& f = verdict_.findings[i];
      const bool suicide_risk = f.rule_id.compare(0, suicide.size(), suicide) == 0;
      if (f.severity == Severity::kBlock && !suicide_risk) return EligibilityOutcome::kNotEligible;
      if (suicide_risk || (f.severity == Severity::kWarning && overridden_.count(i) == 0)) {
        review = true;
      }
    }
    return review ? EligibilityOutcome::kNeedsPhysicianReview : EligibilityOutcome::kEligible;
  }

  const Patient& patient_;
  const EligibilityProtocol& protocol_;
  const Instant now_;
  const Date today_;
  const clinical::Diagnosis* diagnosis_ = nullptr;
  EligibilityVerdict verdict_;
  std::vector<std::string> failed_drug_names_;  // distinct DrugKeys, sorted
  std::vector<std::string> failed_courses_;     // failed ECT / TMS courses in the episode
  bool augmentation_used_ = false;
  bool ect_used_ = false;
  std::set<size_t> overridden_;  // findings a physician's override resolved
};

}  // namespace

const char* EligibilityOutcomeName(EligibilityOutcome outcome) {
  switch (outcome) {
    case EligibilityOutcome::kEligible:
      return "eligible";
    case EligibilityOutcome::kNotEligible:
      return "not-eligible";
    case EligibilityOutcome::kNeedsPhysicianReview:
      return "needs-physician-review";
  }
  return "not-eligible";
}

Status ValidateEligibilityOverrides(const std::vector<EligibilityOverride>& overrides) {
  Validator v("invalid overrides");
  std::set<std::string> rules;
  for (size_t i = 0; i < overrides.size(); ++i) {
    const std::string path = "overrides[" + std::to_string(i) + "]";
    const EligibilityOverride& o = overrides[i];
    if (IsBlank(o.rule_id)) {
      v.Add({path + ".rule", "is required: the rule id of the finding to override"});
    } else if (!rules.insert(o.rule_id).second) {
      v.Add({path + ".rule", "overrides " + o.rule_id +
                                 " a second time; give one override per "
                                 "rule"});
    }
    v.Require(!IsBlank(o.by.user_id), path + ".by.user_id", "is required: who overrides");
    v.Require(o.by.role == Role::kPhysician, path + ".by.role",
              std::string("only a physician may override an eligibility finding (DESIGN.md §2), "
                          "got ") +
                  RoleName(o.by.role));
    v.Require(!IsBlank(o.reason), path + ".reason", "is required: why the physician proceeds");
  }
  return v.Finish();
}

Result<EligibilityVerdict> EvaluateEligibility(const Patient& patient,
                                               const EligibilityProtocol& protocol, Instant now,
                                               const std::vector<EligibilityOverride>& overrides) {
  if (Status valid = ValidateEligibilityProtocol(protocol); !valid) {
    return tl::unexpected(valid.error());
  }
  Validator v("invalid eligibility input");
  if (Status valid = ValidatePatient(patient); !valid) v.Merge(valid.error(), "");
  if (Status valid = ValidateEligibilityOverrides(overrides); !valid) v.Merge(valid.error(), "");
  if (Status valid = v.Finish(); !valid) return tl::unexpected(valid.error());
  return Evaluator(patient, protocol, now).Run(overrides);
}

}  // namespace ketaclinic::clinical
