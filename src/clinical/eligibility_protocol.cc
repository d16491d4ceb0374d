#include "clinical/eligibility_protocol.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <string>

#include "base/validation.h"

// Sources of the defaults (../shared/reference/clinical.md; each also in
// EligibilityProtocolSources for `ketaclinic protocol show`):
//   min age 18 — §1.2 ELIG-01, Brigham "(>18 years old)", NIMH trial 18-70 [S]
//   bipolar depression by program policy, with a mood stabilizer — §1.2 ELIG-01 [S-low]
//   2 failed adequate trials in the current episode — §1.2 TRD definitions [S]; §6 [S]; N [D]
//   ATHF >= 3 adequate; >= 4 weeks at adequate dose — §1.2 ELIG-02, ATHF [S]/[S-low]; §6
//   failed psychotherapy required — §1.2 ELIG-03, CPSBC [S]; §6 require_failed_psychotherapy
//   PHQ-9 >= 10 or MADRS >= 20 — §1.2 ELIG-04 [D]; bands §2.1 / §2.2 [S]
//   medical clearance, consent — §1.2 ELIG-06 / ELIG-07 [S]; clearance age 90 days [D]
//   C-SSRS screener before treatment — §1.4 PRE-07 [S], §2.8
//   contraindications — §1.3 (each item cites its own source in DefaultContraindications)

namespace ketaclinic::clinical {
namespace {

using CC = ConditionCode;
constexpr CodeSystem kIcd = CodeSystem::kIcd10Cm;

// The plausible range of a site setting; outside it the number is a slip (months typed as
// days), not a policy.
constexpr int kMaxAgeYears = 120;
constexpr int kMaxTrials = 10;
constexpr double kMaxTrialWeeks = 26;
constexpr int kMaxScaleAgeDays = 365;
constexpr int kMaxClearanceAgeDays = 730;

// Stable ids: lower-case words joined by single hyphens ("raised-intracranial-pressure").
bool IsCatalogueCode(std::string_view code) {
  if (code.empty() || code.front() == '-' || code.back() == '-') return false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && code[i - 1] == '-')) return false;
  }
  return true;
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

ContraindicationItem Item(std::string code, std::string display, ContraindicationClass level,
                          std::string source) {
  ContraindicationItem item;
  item.code = std::move(code);
  item.display = std::move(display);
  item.level = level;
  item.source = std::move(source);
  return item;
}

ContraindicationItem Conditions(ContraindicationItem item, std::vector<ConditionCode> codes,
                                bool history_counts) {
  item.condition_codes = std::move(codes);
  item.history_counts = history_counts;
  return item;
}

ContraindicationItem Drugs(ContraindicationItem item, std::vector<DrugClass> classes) {
  item.drug_classes = std::move(classes);
  return item;
}

constexpr const char* kIcdMapping = "; ICD-10-CM mapping by KetaClinic [R]";

template <typename T>
void CheckNoRepeats(Validator& v, const std::string& field, const std::vector<T>& values,
                    const std::function<std::string(const T&)>& name) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::find(values.begin(), values.begin() + static_cast<long>(i), values[i]) !=
        values.begin() + static_cast<long>(i)) {
      v.Add({field + "[" + std::to_string(i) + "]", "repeats '" + name(values[i]) + "'"});
    }
  }
}

void CheckItem(Validator& v, const std::string& path, const ContraindicationItem& item) {
  v.Require(IsCatalogueCode(item.code), path + ".code",
            "must be lower-case letters and digits joined by single hyphens "
            "(\"raised-intracranial-pressure\"), got '" +
                item.code + "'");
  v.Require(!IsBlank(item.display), path + ".display", "is required");
  v.Require(!IsBlank(item.source), path + ".source",
            "is required: cite where the contraindication comes from");
  for (size_t i = 0; i < item.condition_codes.size(); ++i) {
    const ConditionCode& code = item.condition_codes[i];
    if (auto problem = CodeProblem(code.system, code.code)) {
      v.Add({path + ".condition_codes[" + std::to_string(i) + "]", *problem});
    }
  }
  for (size_t i = 0; i < item.allergy_substances.size(); ++i) {
    v.Require(!IsBlank(item.allergy_substances[i]),
              path + ".allergy_substances[" + std::to_string(i) + "]", "must not be empty");
  }
  CheckNoRepeats<DrugClass>(v, path + ".drug_classes", item.drug_classes,
                            [](const DrugClass& c) { return std::string(DrugClassName(c)); });
  if (item.drug_daily_dose_above_mg) {
    v.Positive(path + ".drug_daily_dose_above_mg", *item.drug_daily_dose_above_mg);
    v.Require(!item.drug_classes.empty(), path + ".drug_daily_dose_above_mg",
              "applies to drug_classes, which is empty");
  }
}

}  // namespace

const char* ContraindicationClassName(ContraindicationClass level) {
  switch (level) {
    case ContraindicationClass::kAbsolute:
      return "absolute";
    case ContraindicationClass::kRelative:
      return "relative";
    case ContraindicationClass::kCaution:
      return "caution";
  }
  return "absolute";
}

Result<ContraindicationClass> ParseContraindicationClass(std::string_view name,
                                                         std::string_view field) {
  for (ContraindicationClass level :
       {ContraindicationClass::kAbsolute, ContraindicationClass::kRelative,
        ContraindicationClass::kCaution}) {
    if (name == ContraindicationClassName(level)) return level;
  }
  return tl::unexpected(Error::InvalidArgument(
      std::string(field),
      "must be one of absolute, relative, caution; got '" + std::string(name) + "'"));
}

std::vector<ContraindicationItem> DefaultContraindications() {
  using enum ContraindicationClass;
  std::vector<ContraindicationItem> items;
  items.reserve(24);

  // Absolute: the labels (clinical.md §1.3, "absolute defaults from labels").
  ContraindicationItem hypersensitivity =
      Item("ketamine-hypersensitivity", "hypersensitivity to ketamine or esketamine", kAbsolute,
           "clinical.md §1.3: Ketalar label and Spravato label, known hypersensitivity [S]");
  hypersensitivity.allergy_substances = {"ketamine", "esketamine"};
  items.push_back(std::move(hypersensitivity));
  items.push_back(Conditions(
      Item("aneurysmal-vascular-disease",
           "aneurysmal vascular disease (thoracic or abdominal aorta, intracranial or peripheral "
           "arteries)",
           kAbsolute,
           std::string("clinical.md §1.3: Spravato label contraindication [S]") + kIcdMapping),
      {CC{kIcd, "I71"}, CC{kIcd, "I72"}, CC{kIcd, "I67.1"}}, false));
  items.push_back(Conditions(
      Item("arteriovenous-malformation", "arteriovenous malformation", kAbsolute,
           std::string("clinical.md §1.3: Spravato label contraindication [S]") + kIcdMapping),
      {CC{kIcd, "Q28.0"}, CC{kIcd, "Q28.2"}, CC{kIcd, "Q28.3"}, CC{kIcd, "Q27.3"}}, false));
  items.push_back(Conditions(
      Item("intracerebral-hemorrhage", "history of intracerebral hemorrhage", kAbsolute,
           std::string("clinical.md §1.3: Spravato label contraindication [S]") + kIcdMapping),
      {CC{kIcd, "I61"}, CC{kIcd, "I69.1"}}, true));
  // No code says "a rise in blood pressure would be a serious hazard": the physician records
  // the condition in the ketaclinic system with this item's code.
  items.push_back(Item("blood-pressure-rise-hazard",
                       "a condition in which a significant rise in blood pressure would be a "
                       "serious hazard (physician's attestation)",
                       kAbsolute, "clinical.md §1.3: Ketalar label contraindication [S]"));

  // Relative: the clinical-practice lists of §1.3 (site policy decides; override by a
  // physician with a reason).
  items.push_back(Conditions(
      Item("raised-intracranial-pressure", "raised intracranial pressure", kRelative,
           std::string("clinical.md §1.3: Oxford Health 2018 [S], RCHT guideline [S], Sanacora "
                       "2017 [R]") +
               kIcdMapping),
      {CC{kIcd, "G93.2"}}, false));
  items.push_back(Conditions(
      Item("uncontrolled-hypertension",
           "severe or uncontrolled hypertension (stable, controlled hypertension is not one)",
           kRelative,
           std::string("clinical.md §1.3: Oxford Health 2018, RCHT [S]; J Affect Disord Rep 2023 "
                       "exclusion, controlled hypertension not excluded [S]") +
               kIcdMapping),
      {CC{kIcd, "I16"}}, false));
  items.push_back(Conditions(
      Item("raised-intraocular-pressure", "raised intraocular pressure (glaucoma)", kRelative,
           std::string("clinical.md §1.3: Oxford Health 2018, RCHT [S]") + kIcdMapping),
      {CC{kIcd, "H40"}}, false));
  items.push_back(
      Conditions(Item("epilepsy", "recent epilepsy", kRelative,
                      std::string("clinical.md §1.3: Oxford Health 2018 [S]") + kIcdMapping),
                 {CC{kIcd, "G40"}}, false));
  ContraindicationItem psychosis = Conditions(
      Item("psychosis", "recent or current psychosis (including psychotic features now)", kRelative,
           std::string("clinical.md §1.3: Oxford Health 2018, RCHT, J Affect Disord Rep 2023 [S]; "
                       "Spravato warning [S-low]") +
               kIcdMapping),
      {CC{kIcd, "F20"}, CC{kIcd, "F22"}, CC{kIcd, "F23"}, CC{kIcd, "F24"}, CC{kIcd, "F25"},
       CC{kIcd, "F28"}, CC{kIcd, "F29"}, CC{kIcd, "F32.3"}, CC{kIcd, "F33.3"}},
      false);
  psychosis.psychotic_features = true;
  items.push_back(std::move(psychosis));
  items.push_back(Conditions(
      Item("mania-history", "history of mania (including drug-induced)", kRelative,
           std::string("clinical.md §1.3: Oxford Health 2018 [S]; J Affect Disord Rep 2023 "
                       "(current mania) [S]") +
               kIcdMapping),
      {CC{kIcd, "F30"}}, true));
  items.push_back(Conditions(
      Item("pregnancy-or-breastfeeding", "pregnancy, breastfeeding or IVF", kRelative,
           std::string("clinical.md §1.3: Oxford Health 2018, J Affect Disord Rep 2023 [S]; "
                       "Spravato warning [S-low]") +
               kIcdMapping),
      {CC{kIcd, "Z33.1"}, CC{kIcd, "Z34"}, CC{kIcd, "O09"}, CC{kIcd, "Z39.1"}}, false));
  items.push_back(Conditions(
      Item("substance-use-disorder",
           "active substance use disorder or recreational drug use (not nicotine)", kRelative,
           std::string("clinical.md §1.3: Oxford Health 2018, J Affect Disord Rep 2023 [S]; "
                       "Sanacora 2017 [R]") +
               kIcdMapping),
      {CC{kIcd, "F10"}, CC{kIcd, "F11"}, CC{kIcd, "F12"}, CC{kIcd, "F13"}, CC{kIcd, "F14"},
       CC{kIcd, "F15"}, CC{kIcd, "F16"}, CC{kIcd, "F18"}, CC{kIcd, "F19"}},
      false));
  items.push_back(Conditions(
      Item("cardiac-disease",
           "ischaemic or unstable heart disease, significant arrhythmia, heart failure", kRelative,
           std::string("clinical.md §1.3: RCHT guideline [S]; J Affect Disord Rep 2023 [S]") +
               kIcdMapping),
      {CC{kIcd, "I20"}, CC{kIcd, "I21"}, CC{kIcd, "I22"}, CC{kIcd, "I24"}, CC{kIcd, "I25"},
       CC{kIcd, "I47"}, CC{kIcd, "I48"}, CC{kIcd, "I49"}, CC{kIcd, "I50"}},
      false));
  items.push_back(Conditions(
      Item("cerebrovascular-disease", "unstable cerebrovascular disease (stroke, TIA)", kRelative,
           std::string("clinical.md §1.3: J Affect Disord Rep 2023 [S]") + kIcdMapping),
      {CC{kIcd, "I63"}, CC{kIcd, "G45"}}, false));

  // Cautions: the esketamine label's warnings (clinical.md §1.3 [S-low carrier]) and the
  // interacting drugs of §1.3 / §1.4 PRE-08.
  items.push_back(Conditions(
      Item("hypertensive-encephalopathy-history", "history of hypertensive encephalopathy",
           kCaution,
           std::string("clinical.md §1.3: Spravato warning, monitor BP frequently [S-low]") +
               kIcdMapping),
      {CC{kIcd, "I67.4"}}, true));
  items.push_back(Conditions(
      Item("cognitive-impairment", "cognitive impairment", kCaution,
           std::string("clinical.md §1.3: Spravato warning [S-low]") + kIcdMapping),
      {CC{kIcd, "F01"}, CC{kIcd, "F02"}, CC{kIcd, "F03"}, CC{kIcd, "G30"}, CC{kIcd, "G31.84"}},
      false));
  items.push_back(
      Conditions(Item("interstitial-cystitis", "ulcerative or interstitial cystitis", kCaution,
                      std::string("clinical.md §1.3: Spravato warning [S-low]") + kIcdMapping),
                 {CC{kIcd, "N30.1"}}, true));
  items.push_back(Conditions(
      Item("hepatic-impairment",
           "hepatic impairment (moderate: longer monitoring; severe: not recommended)", kCaution,
           std::string("clinical.md §1.3: Spravato warning [S-low]") + kIcdMapping),
      {CC{kIcd, "K70.3"}, CC{kIcd, "K70.4"}, CC{kIcd, "K72"}, CC{kIcd, "K74"}}, false));
  const std::string rems =
      "clinical.md §1.3 / §1.4 PRE-08: the Spravato REMS monitoring form asks for each [S]";
  items.push_back(Drugs(Item("maoi", "takes an MAOI", kCaution, rems), {DrugClass::kMaoi}));
  items.push_back(
      Drugs(Item("stimulant", "takes a psychostimulant", kCaution, rems), {DrugClass::kStimulant}));
  items.push_back(Drugs(Item("benzodiazepine", "takes a benzodiazepine (may blunt the response)",
                             kCaution, rems + "; blunting of response, clinic FAQ [S-low]"),
                        {DrugClass::kBenzodiazepine}));
  items.push_back(Drugs(
      Item("non-benzodiazepine-hypnotic", "takes a non-benzodiazepine hypnotic", kCaution, rems),
      {DrugClass::kNonBenzodiazepineHypnotic}));
  items.push_back(Drugs(Item("opioid", "takes an opioid", kCaution,
                             "clinical.md §1.4 PRE-08 concomitant-medication check [S]"),
                        {DrugClass::kOpioid}));
  ContraindicationItem lamotrigine =
      Drugs(Item("lamotrigine-over-150mg",
                 "takes more than 150 mg/day of lamotrigine (may blunt "
                 "the response)",
                 kCaution, "clinical.md §1.3: clinic FAQ [S-low]"),
            {DrugClass::kLamotrigine});
  lamotrigine.drug_daily_dose_above_mg = 150;
  items.push_back(std::move(lamotrigine));
  items.push_back(Drugs(Item("theophylline", "takes theophylline (lowers the seizure threshold)",
                             kCaution, "clinical.md §1.3: NHS Highland acute-pain guideline [S]"),
                        {DrugClass::kTheophylline}));
  items.push_back(Drugs(Item("levothyroxine", "takes thyroid hormone (tachycardia)", kCaution,
                             "clinical.md §1.3: NHS Highland acute-pain guideline [S]"),
                        {DrugClass::kThyroidHormone}));
  return items;
}

const std::vector<std::string>& LabelContraindicationCodes() {
  static const auto* const kCodes = new std::vector<std::string>{
      "ketamine-hypersensitivity", "aneurysmal-vascular-disease", "arteriovenous-malformation",
      "intracerebral-hemorrhage", "blood-pressure-rise-hazard"};
  return *kCodes;
}

Status ValidateEligibilityProtocol(const EligibilityProtocol& p) {
  Validator v("invalid eligibility protocol");
  v.Require(!IsBlank(p.version), "version", "must not be empty");
  // ELIG-01 is about adults (clinical.md §1.2 [S]): a protocol may raise the minimum age, not
  // lower it.
  const bool min_age_ok = p.min_age_years >= 18 && p.min_age_years <= kMaxAgeYears;
  v.Require(min_age_ok, "min_age_years",
            "must be between 18 (adults only, clinical.md §1.2 ELIG-01) and " +
                std::to_string(kMaxAgeYears) + ", got " + std::to_string(p.min_age_years));
  if (p.max_age_years) {
    v.Require(*p.max_age_years >= p.min_age_years && *p.max_age_years <= kMaxAgeYears,
              "max_age_years",
              "must be between min_age_years and " + std::to_string(kMaxAgeYears) + ", got " +
                  std::to_string(*p.max_age_years));
  }
  if (p.allow_bipolar_depression && p.bipolar_requires_mood_stabilizer) {
    v.Require(!p.mood_stabilizer_classes.empty(), "mood_stabilizer_classes",
              "must name at least one class while bipolar_requires_mood_stabilizer is true");
  }
  CheckNoRepeats<DrugClass>(v, "mood_stabilizer_classes", p.mood_stabilizer_classes,
                            [](const DrugClass& c) { return std::string(DrugClassName(c)); });
  v.Require(p.min_failed_adequate_trials >= 1 && p.min_failed_adequate_trials <= kMaxTrials,
            "min_failed_adequate_trials",
            "must be between 1 and " + std::to_string(kMaxTrials) + ", got " +
                std::to_string(p.min_failed_adequate_trials));
  v.Require(p.athf_adequacy_min >= 1 && p.athf_adequacy_min <= 5, "athf_adequacy_min",
            "must be an ATHF level between 1 and 5, got " + std::to_string(p.athf_adequacy_min));
  v.InRange("min_adequate_trial_weeks", p.min_adequate_trial_weeks, 1, kMaxTrialWeeks, "weeks");

  std::set<Scale> seen_scales;
  for (const SeverityThreshold& t : p.baseline_severity_min) {
    const ScaleInfo& info = GetScaleInfo(t.scale);
    const std::string field = std::string("baseline_severity_min.") + info.name;
    if (t.scale != Scale::kPhq9 && t.scale != Scale::kMadrs && t.scale != Scale::kQidsSr16) {
      v.Add({field, "must be a depression scale: phq9, madrs or qids-sr16"});
      continue;
    }
    v.Require(seen_scales.insert(t.scale).second, field, "is given twice");
    v.Require(t.min_total >= 1 && t.min_total <= info.total_max, field,
              "must be between 1 and " + std::to_string(info.total_max) + ", got " +
                  std::to_string(t.min_total));
  }
  v.Require(p.baseline_scale_max_age_days >= 1 && p.baseline_scale_max_age_days <= kMaxScaleAgeDays,
            "baseline_scale_max_age_days",
            "must be between 1 and " + std::to_string(kMaxScaleAgeDays) + " days, got " +
                std::to_string(p.baseline_scale_max_age_days));
  v.Require(p.clearance_max_age_days >= 1 && p.clearance_max_age_days <= kMaxClearanceAgeDays,
            "clearance_max_age_days",
            "must be between 1 and " + std::to_string(kMaxClearanceAgeDays) + " days, got " +
                std::to_string(p.clearance_max_age_days));
  CheckNoRepeats<ClearanceItem>(
      v, "clearance_required_items", p.clearance_required_items,
      [](const ClearanceItem& i) { return std::string(ClearanceItemName(i)); });

  std::set<std::string> codes;
  for (size_t i = 0; i < p.contraindications.size(); ++i) {
    const std::string path = "contraindications[" + std::to_string(i) + "]";
    const ContraindicationItem& item = p.contraindications[i];
    CheckItem(v, path, item);
    if (!codes.insert(item.code).second) {
      v.Add({path + ".code", "repeats '" + item.code + "': each code names one item"});
    }
  }
  // The labels' contraindications are not a site's to drop or soften (clinical.md §1.3).
  for (const std::string& code : LabelContraindicationCodes()) {
    const auto found =
        std::find_if(p.contraindications.begin(), p.contraindications.end(),
                     [&](const ContraindicationItem& item) { return item.code == code; });
    if (found == p.contraindications.end()) {
      v.Add({"contraindications",
             "must keep the label contraindication '" + code + "' (clinical.md §1.3 [S])"});
    } else if (found->level != ContraindicationClass::kAbsolute) {
      v.Add({"contraindications[" + std::to_string(found - p.contraindications.begin()) + "].level",
             "'" + code + "' is a label contraindication and must stay absolute"});
    }
  }
  return v.Finish();
}

std::vector<ParameterSource> EligibilityProtocolSources() {
  return {
      {"min_age_years",
       "clinical.md §1.2 ELIG-01: adults >= 18 (Brigham, NIMH trial 18-70) [S]; not below 18"},
      {"max_age_years", "clinical.md §1.2: NIMH trial 18-70 [S]; unset by default [D]"},
      {"allow_bipolar_depression", "clinical.md §1.2 ELIG-01: per program policy [S]/[D]"},
      {"bipolar_requires_mood_stabilizer",
       "clinical.md §1.2 ELIG-01: bipolar requires a mood stabilizer [S-low]"},
      {"mood_stabilizer_classes",
       "lithium, anticonvulsant, lamotrigine, antipsychotic: usual mood stabilizers [D]"},
      {"min_failed_adequate_trials",
       "clinical.md §6 min_failed_adequate_trials 2; §1.2 TRD definitions [S]; N [D]"},
      {"athf_adequacy_min", "clinical.md §6 athf_adequacy_min 3; §1.2 ATHF >= 3 [S]"},
      {"min_adequate_trial_weeks",
       "clinical.md §1.2 ELIG-02: >= 4 weeks at adequate dose; ATHF trial length [S-low]"},
      {"neuromodulation_counts_as_trial",
       "clinical.md §1.2: Brigham counts ECT/TMS failures [S]; off by default [D]"},
      {"require_failed_psychotherapy",
       "clinical.md §6 require_failed_psychotherapy true; §1.2 ELIG-03 CPSBC [S]"},
      {"baseline_severity_min",
       "clinical.md §1.2 ELIG-04: PHQ-9 >= 10 or MADRS >= 20 [D]; bands §2.1, §2.2 [S]"},
      {"baseline_scale_max_age_days", "30 days: a baseline is recent [D]"},
      {"require_suicide_screen", "clinical.md §1.4 PRE-07 C-SSRS screener required [S]; §2.8"},
      {"require_medical_clearance", "clinical.md §1.2 ELIG-06: mandatory (Brigham, CPSBC) [S]"},
      {"clearance_max_age_days", "90 days [D]"},
      {"clearance_required_items",
       "clinical.md §1.2 ELIG-06: H&P, medication list, allergies, ECG, renal and liver tests, "
       "STOP-BANG (CPSBC) [S]"},
      {"require_consent", "clinical.md §1.2 ELIG-07: informed consent for off-label use [S]"},
      {"contraindications",
       "clinical.md §1.3: label absolutes [S], practice lists relative [S], label warnings and "
       "interactions as cautions [S]/[S-low]; ICD-10-CM mapping [R]"},
  };
}

}  // namespace ketaclinic::clinical
