#include "clinical/patient.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string>
#include <utility>

#include "base/validation.h"

namespace ketaclinic::clinical {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;

// The range of calendar years a clinical history can plausibly mention: a typo such as 0202 or
// 20226 is refused rather than read as a date centuries away.
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2200;

// Plausible input, as in dosing (clinical.md §1.8; docs/DOSING.md): values outside are unit
// slips (pounds, metres), not patients.
constexpr double kMinWeightKg = 20;
constexpr double kMaxWeightKg = 400;
constexpr double kMinHeightCm = 100;
constexpr double kMaxHeightCm = 250;
// No psychotropic is given above a few grams a day (lithium tops out near 2.4 g): a larger
// number is a unit slip (micrograms typed as mg).
constexpr double kMaxDailyDoseMg = 3000;

template <typename E>
struct NameEntry {
  E value;
  const char* name;
};

template <typename E, size_t N>
const char* NameIn(const std::array<NameEntry<E>, N>& table, E value) {
  for (const NameEntry<E>& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "unknown";
}

template <typename E, size_t N>
Result<E> ParseIn(const std::array<NameEntry<E>, N>& table, std::string_view name,
                  std::string_view field) {
  for (const NameEntry<E>& entry : table) {
    if (name == entry.name) return entry.value;
  }
  std::string names;
  for (const NameEntry<E>& entry : table) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return tl::unexpected(Error::InvalidArgument(
      std::string(field), "must be one of " + names + "; got '" + std::string(name) + "'"));
}

constexpr std::array<NameEntry<CodeSystem>, 3> kCodeSystems = {{
    {CodeSystem::kIcd10Cm, "icd-10-cm"},
    {CodeSystem::kSnomedCt, "snomed-ct"},
    {CodeSystem::kKetaclinic, "ketaclinic"},
}};

constexpr std::array<NameEntry<DiagnosisKind>, 3> kDiagnosisKinds = {{
    {DiagnosisKind::kMdd, "mdd"},
    {DiagnosisKind::kBipolarDepression, "bipolar-depression"},
    {DiagnosisKind::kOther, "other"},
}};

constexpr std::array<NameEntry<TrialOutcome>, 4> kTrialOutcomes = {{
    {TrialOutcome::kResponse, "response"},
    {TrialOutcome::kPartialResponse, "partial-response"},
    {TrialOutcome::kNoResponse, "no-response"},
    {TrialOutcome::kIntolerance, "intolerance"},
}};

constexpr std::array<NameEntry<Adherence>, 3> kAdherences = {{
    {Adherence::kGood, "good"},
    {Adherence::kPoor, "poor"},
    {Adherence::kUnknown, "unknown"},
}};

constexpr std::array<NameEntry<NeuromodulationKind>, 2> kNeuromodulationKinds = {{
    {NeuromodulationKind::kEct, "ect"},
    {NeuromodulationKind::kTms, "tms"},
}};

constexpr std::array<NameEntry<DrugClass>, 17> kDrugClasses = {{
    {DrugClass::kSsri, "ssri"},
    {DrugClass::kSnri, "snri"},
    {DrugClass::kTca, "tca"},
    {DrugClass::kMaoi, "maoi"},
    {DrugClass::kOtherAntidepressant, "other-antidepressant"},
    {DrugClass::kBenzodiazepine, "benzodiazepine"},
    {DrugClass::kNonBenzodiazepineHypnotic, "non-benzodiazepine-hypnotic"},
    {DrugClass::kStimulant, "stimulant"},
    {DrugClass::kOpioid, "opioid"},
    {DrugClass::kLamotrigine, "lamotrigine"},
    {DrugClass::kLithium, "lithium"},
    {DrugClass::kAnticonvulsant, "anticonvulsant"},
    {DrugClass::kAntipsychotic, "antipsychotic"},
    {DrugClass::kTheophylline, "theophylline"},
    {DrugClass::kThyroidHormone, "thyroid-hormone"},
    {DrugClass::kAntihypertensive, "antihypertensive"},
    {DrugClass::kOther, "other"},
}};

constexpr std::array<NameEntry<ConsentKind>, 3> kConsentKinds = {{
    {ConsentKind::kKetamineInfusion, "ketamine-infusion"},
    {ConsentKind::kResearch, "research"},
    {ConsentKind::kOther, "other"},
}};

constexpr std::array<NameEntry<ClearanceItem>, 7> kClearanceItems = {{
    {ClearanceItem::kHistoryAndPhysical, "history-and-physical"},
    {ClearanceItem::kMedicationList, "medication-list"},
    {ClearanceItem::kAllergies, "allergies"},
    {ClearanceItem::kEcg, "ecg"},
    {ClearanceItem::kRenalFunction, "renal-function"},
    {ClearanceItem::kLiverFunction, "liver-function"},
    {ClearanceItem::kOsaScreen, "osa-screen"},
}};

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsUpperAlnum(char c) {
  return IsDigit(c) || (std::isupper(static_cast<unsigned char>(c)) != 0);
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// ICD-10-CM as written in records: a letter, two characters, then optionally a dot and one to
// four more ("F33", "F33.2", "I67.1", "S72.001A"). Upper case only, as the code set is.
bool IsIcd10CmCode(std::string_view code) {
  if (code.size() < 3 || code.size() > 8) return false;
  if (std::isupper(static_cast<unsigned char>(code[0])) == 0) return false;
  if (!IsUpperAlnum(code[1]) || !IsUpperAlnum(code[2])) return false;
  if (code.size() == 3) return true;
  if (code[3] != '.' || code.size() == 4) return false;
  return std::all_of(code.begin() + 4, code.end(), IsUpperAlnum);
}

std::string Index(std::string_view list, size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

// Every field of a record's header; `path` is the record's own path ("consents[0]").
void CheckMeta(Validator& v, const std::string& path, const RecordMeta& meta) {
  const std::string prefix = path.empty() ? "meta." : path + ".meta.";
  v.Require(meta.version >= 1, prefix + "version",
            "must be at least 1, got " + std::to_string(meta.version));
  // A later version or a withdrawn one exists only with a reason (record.h, clinical.md §5.2).
  v.Require(!IsBlank(meta.reason) || (meta.version <= 1 && meta.status == RecordStatus::kActive),
            prefix + "reason", "is required for an amended version or a record entered in error");
}

void CheckText(Validator& v, const std::string& field, std::string_view text) {
  v.Require(!IsBlank(text), field, "is required");
}

bool CheckDate(Validator& v, const std::string& field, Date date) {
  if (!date.ok()) {
    v.Add({field, "must be a valid calendar date"});
    return false;
  }
  const int y = static_cast<int>(date.year());
  if (y < kMinYear || y > kMaxYear) {
    v.Add({field, "must be a date between " + std::to_string(kMinYear) + " and " +
                      std::to_string(kMaxYear) + ", got " + FormatDate(date)});
    return false;
  }
  return true;
}

// A start date and an optional stop date that must not come before it. Returns the number of
// days from start to stop when both are valid and a stop is given.
std::optional<int> CheckPeriod(Validator& v, const std::string& path, Date start,
                               const std::optional<Date>& stop) {
  const bool start_ok = CheckDate(v, path + ".start", start);
  if (!stop) return std::nullopt;
  if (!CheckDate(v, path + ".stop", *stop) || !start_ok) return std::nullopt;
  const int days = DaysBetween(start, *stop);
  if (days < 0) {
    v.Add({path + ".stop",
           "must not be before start (" + FormatDate(start) + "), got " + FormatDate(*stop)});
    return std::nullopt;
  }
  return days;
}

void CheckCode(Validator& v, const std::string& path, const CodedConcept& code) {
  if (auto problem = CodeProblem(code.system, code.code)) v.Add({path + ".code", *problem});
}

void CheckTrial(Validator& v, const std::string& path, const AntidepressantTrial& trial) {
  CheckMeta(v, path, trial.meta);
  CheckText(v, path + ".drug", trial.drug);
  if (v.Positive(path + ".daily_dose_mg", trial.daily_dose_mg)) {
    v.Require(trial.daily_dose_mg <= kMaxDailyDoseMg, path + ".daily_dose_mg",
              "must be at most " + FormatNumber(kMaxDailyDoseMg) +
                  " mg a day (a larger number is a unit slip), got " +
                  FormatNumber(trial.daily_dose_mg));
  }
  const std::optional<int> days = CheckPeriod(v, path, trial.start, trial.stop);
  if (v.NonNegative(path + ".weeks_at_dose", trial.weeks_at_dose) && days) {
    // Both the first and the last day count as days on the drug.
    const double weeks_available = (*days + 1) / 7.0;
    v.Require(trial.weeks_at_dose <= weeks_available + 1e-9, path + ".weeks_at_dose",
              "must fit between start and stop (" + FormatNumber(weeks_available) +
                  " weeks), got " + FormatNumber(trial.weeks_at_dose));
  }
  v.Require(trial.augmentation || IsBlank(trial.augmentation_agent), path + ".augmentation_agent",
            "is given but augmentation is false");
}

}  // namespace

// --- Dates ---------------------------------------------------------------------------------------

Result<Date> ParseDate(std::string_view text, std::string_view field) {
  const auto bad = [&](const std::string& why) {
    return tl::unexpected(Error::InvalidArgument(
        std::string(field),
        "must be a date YYYY-MM-DD" + why + ", got '" + std::string(text) + "'"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad("");
  for (const size_t i : {0UL, 1UL, 2UL, 3UL, 5UL, 6UL, 8UL, 9UL}) {
    if (!IsDigit(text[i])) return bad("");
  }
  const auto number = [&](size_t from, size_t count) {
    int value = 0;
    for (size_t i = from; i < from + count; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const Date date{year(number(0, 4)), month(static_cast<unsigned>(number(5, 2))),
                  day(static_cast<unsigned>(number(8, 2)))};
  if (!date.ok()) return bad(" that exists in the calendar");
  return date;
}

std::string FormatDate(Date date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

Date DateOf(Instant instant) { return Date{std::chrono::floor<std::chrono::days>(instant)}; }

int DaysBetween(Date from, Date to) {
  return static_cast<int>((sys_days(to) - sys_days(from)).count());
}

int CompletedMonths(Date from, Date to) {
  int months = (static_cast<int>(to.year()) - static_cast<int>(from.year())) * 12 +
               (static_cast<int>(static_cast<unsigned>(to.month())) -
                static_cast<int>(static_cast<unsigned>(from.month())));
  // The last month is complete only once its day of the month is reached.
  if (months > 0 && to.day() < from.day()) --months;
  if (months < 0 && to.day() > from.day()) ++months;
  return months;
}

int AgeYears(Date birth, Instant now) {
  const Date today = DateOf(now);
  int age = static_cast<int>(today.year()) - static_cast<int>(birth.year());
  // Compare (month, day) so that 29 February is passed only on 1 March in a common year.
  const bool birthday_reached = today.month() > birth.month() ||
                                (today.month() == birth.month() && today.day() >= birth.day());
  if (!birthday_reached) --age;
  return age;
}

std::optional<std::string> CodeProblem(CodeSystem system, std::string_view code) {
  if (IsBlank(code)) return "is required";
  switch (system) {
    case CodeSystem::kIcd10Cm:
      if (IsIcd10CmCode(code)) return std::nullopt;
      return "must be an ICD-10-CM code such as F33.2 (a letter, two characters, an optional dot "
             "and up to four more, upper case), got '" +
             std::string(code) + "'";
    case CodeSystem::kSnomedCt:
      if (code.size() >= 6 && code.size() <= 18 && std::all_of(code.begin(), code.end(), IsDigit)) {
        return std::nullopt;
      }
      return "must be a SNOMED CT concept id (6-18 digits), got '" + std::string(code) + "'";
    case CodeSystem::kKetaclinic:
      return std::nullopt;
  }
  return std::nullopt;
}

// --- Names ---------------------------------------------------------------------------------------

const char* CodeSystemName(CodeSystem system) { return NameIn(kCodeSystems, system); }
Result<CodeSystem> ParseCodeSystem(std::string_view name, std::string_view field) {
  return ParseIn(kCodeSystems, name, field);
}

const char* DiagnosisKindName(DiagnosisKind kind) { return NameIn(kDiagnosisKinds, kind); }
Result<DiagnosisKind> ParseDiagnosisKind(std::string_view name, std::string_view field) {
  return ParseIn(kDiagnosisKinds, name, field);
}

const char* TrialOutcomeName(TrialOutcome outcome) { return NameIn(kTrialOutcomes, outcome); }
Result<TrialOutcome> ParseTrialOutcome(std::string_view name, std::string_view field) {
  return ParseIn(kTrialOutcomes, name, field);
}

const char* AdherenceName(Adherence adherence) { return NameIn(kAdherences, adherence); }
Result<Adherence> ParseAdherence(std::string_view name, std::string_view field) {
  return ParseIn(kAdherences, name, field);
}

const char* NeuromodulationKindName(NeuromodulationKind kind) {
  return NameIn(kNeuromodulationKinds, kind);
}
Result<NeuromodulationKind> ParseNeuromodulationKind(std::string_view name,
                                                     std::string_view field) {
  return ParseIn(kNeuromodulationKinds, name, field);
}

const char* DrugClassName(DrugClass drug_class) { return NameIn(kDrugClasses, drug_class); }
Result<DrugClass> ParseDrugClass(std::string_view name, std::string_view field) {
  return ParseIn(kDrugClasses, name, field);
}

const char* ConsentKindName(ConsentKind kind) { return NameIn(kConsentKinds, kind); }
Result<ConsentKind> ParseConsentKind(std::string_view name, std::string_view field) {
  return ParseIn(kConsentKinds, name, field);
}

const char* ClearanceItemName(ClearanceItem item) { return NameIn(kClearanceItems, item); }
Result<ClearanceItem> ParseClearanceItem(std::string_view name, std::string_view field) {
  return ParseIn(kClearanceItems, name, field);
}

const std::vector<ClearanceItem>& AllClearanceItems() {
  static const auto* const kAll = [] {
    auto* all = new std::vector<ClearanceItem>;
    all->reserve(kClearanceItems.size());
    for (const auto& entry : kClearanceItems) all->push_back(entry.value);
    return all;
  }();
  return *kAll;
}

// --- Validation
// -----------------------------------------------------------------------------------

Status ValidatePatient(const Patient& p) {
  Validator v("invalid patient");
  CheckMeta(v, "", p.meta);
  CheckText(v, "identifier", p.identifier);
  CheckText(v, "name", p.name);
  CheckDate(v, "birth_date", p.birth_date);
  if (p.height_cm) v.InRange("height_cm", *p.height_cm, kMinHeightCm, kMaxHeightCm, "cm");

  for (size_t i = 0; i < p.weights.size(); ++i) {
    const std::string path = Index("weights", i);
    CheckMeta(v, path, p.weights[i].meta);
    v.InRange(path + ".weight_kg", p.weights[i].weight_kg, kMinWeightKg, kMaxWeightKg, "kg");
  }

  if (p.diagnosis) {
    const Diagnosis& d = *p.diagnosis;
    CheckMeta(v, "diagnosis", d.meta);
    if (d.code) CheckCode(v, "diagnosis.code", *d.code);
    if (CheckDate(v, "diagnosis.episode_start", d.episode_start) && p.birth_date.ok()) {
      v.Require(DaysBetween(p.birth_date, d.episode_start) >= 0, "diagnosis.episode_start",
                "must not be before birth_date (" + FormatDate(p.birth_date) + ")");
    }
    v.Require(d.kind != DiagnosisKind::kOther || !IsBlank(d.description), "diagnosis.description",
              "is required when kind is other: say what the diagnosis is");
  }

  for (size_t i = 0; i < p.antidepressant_trials.size(); ++i) {
    CheckTrial(v, Index("antidepressant_trials", i), p.antidepressant_trials[i]);
  }

  for (size_t i = 0; i < p.psychotherapy_trials.size(); ++i) {
    const std::string path = Index("psychotherapy_trials", i);
    const PsychotherapyTrial& t = p.psychotherapy_trials[i];
    CheckMeta(v, path, t.meta);
    CheckText(v, path + ".type", t.type);
    v.Require(t.sessions >= 1, path + ".sessions",
              "must be at least 1, got " + std::to_string(t.sessions));
    CheckPeriod(v, path, t.start, t.stop);
  }

  for (size_t i = 0; i < p.neuromodulation.size(); ++i) {
    const std::string path = Index("neuromodulation", i);
    const NeuromodulationCourse& c = p.neuromodulation[i];
    CheckMeta(v, path, c.meta);
    v.Require(c.sessions >= 1, path + ".sessions",
              "must be at least 1, got " + std::to_string(c.sessions));
    CheckPeriod(v, path, c.start, c.stop);
  }

  for (size_t i = 0; i < p.medications.size(); ++i) {
    const std::string path = Index("medications", i);
    const Medication& m = p.medications[i];
    CheckMeta(v, path, m.meta);
    CheckText(v, path + ".name", m.name);
    if (m.daily_dose_mg && v.Positive(path + ".daily_dose_mg", *m.daily_dose_mg)) {
      v.Require(*m.daily_dose_mg <= kMaxDailyDoseMg, path + ".daily_dose_mg",
                "must be at most " + FormatNumber(kMaxDailyDoseMg) +
                    " mg a day (a larger number is a unit slip), got " +
                    FormatNumber(*m.daily_dose_mg));
    }
  }

  for (size_t i = 0; i < p.allergies.size(); ++i) {
    const std::string path = Index("allergies", i);
    CheckMeta(v, path, p.allergies[i].meta);
    CheckText(v, path + ".substance", p.allergies[i].substance);
  }

  for (size_t i = 0; i < p.conditions.size(); ++i) {
    const std::string path = Index("conditions", i);
    CheckMeta(v, path, p.conditions[i].meta);
    CheckCode(v, path, p.conditions[i].code);
  }

  for (size_t i = 0; i < p.consents.size(); ++i) {
    const std::string path = Index("consents", i);
    const Consent& c = p.consents[i];
    CheckMeta(v, path, c.meta);
    CheckText(v, path + ".signed_by", c.signed_by);
    if (c.revoked_at) {
      v.Require(*c.revoked_at >= c.signed_at, path + ".revoked_at",
                "must not be before signed_at (" + FormatRfc3339(c.signed_at) + ")");
    }
  }

  for (size_t i = 0; i < p.clearances.size(); ++i) {
    const std::string path = Index("clearances", i);
    const MedicalClearance& c = p.clearances[i];
    CheckMeta(v, path, c.meta);
    CheckDate(v, path + ".date", c.date);
    CheckText(v, path + ".by", c.by);
    for (size_t k = 0; k < c.covered.size(); ++k) {
      const bool repeated = std::find(c.covered.begin(), c.covered.begin() + static_cast<long>(k),
                                      c.covered[k]) != c.covered.begin() + static_cast<long>(k);
      v.Require(!repeated, Index(path + ".covered", k),
                std::string("lists '") + ClearanceItemName(c.covered[k]) + "' twice");
    }
  }

  for (size_t i = 0; i < p.scale_responses.size(); ++i) {
    const std::string path = Index("scale_responses", i);
    const ScaleResponse& r = p.scale_responses[i];
    CheckMeta(v, path, r.meta);
    if (Status items = ValidateItems(r.scale, r.items); !items) v.Merge(items.error(), path + ".");
  }
  return v.Finish();
}

bool IsActive(const RecordMeta& meta) { return meta.status == RecordStatus::kActive; }

std::optional<WeightMeasurement> LatestWeight(const Patient& patient, Instant now) {
  const WeightMeasurement* latest = nullptr;
  for (const WeightMeasurement& w : patient.weights) {
    if (!IsActive(w.meta) || w.measured_at > now) continue;
    if (latest == nullptr || w.measured_at >= latest->measured_at) latest = &w;
  }
  if (latest == nullptr) return std::nullopt;
  return *latest;
}

const ScaleResponse* LatestScaleResponse(const Patient& patient, Scale scale, Instant now) {
  const ScaleResponse* latest = nullptr;
  for (const ScaleResponse& r : patient.scale_responses) {
    if (r.scale != scale || !IsActive(r.meta) || r.taken_at > now) continue;
    if (latest == nullptr || r.taken_at >= latest->taken_at) latest = &r;
  }
  return latest;
}

}  // namespace ketaclinic::clinical
