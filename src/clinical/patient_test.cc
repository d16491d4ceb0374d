// The patient model: dates and ages worked by hand, validation naming every bad field.

#include "clinical/patient.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date D(int y, unsigned m, unsigned d) { return Date{year(y), month(m), day(d)}; }

// The patient's diagnosis, created if absent (tests edit the reference patient's).
Diagnosis& Dx(Patient& p) {
  if (!p.diagnosis) p.diagnosis.emplace();
  return *p.diagnosis;
}

Instant At(const char* text) {
  auto t = ParseRfc3339(text, "t");
  EXPECT_TRUE(t.has_value());
  return t.value_or(Instant{});
}

std::vector<std::string> Fields(const Status& status) {
  std::vector<std::string> fields;
  if (status) return fields;
  for (const FieldProblem& p : status.error().problems()) fields.push_back(p.field);
  return fields;
}

bool HasField(const Status& status, const std::string& field) {
  const std::vector<std::string> fields = Fields(status);
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

Patient Valid() {
  Patient p;
  p.identifier = "MRN-1";
  p.name = "Alex Example";
  p.birth_date = D(1985, 4, 12);
  p.sex = Sex::kFemale;
  p.height_cm = 168;
  p.weights.push_back({{}, At("2026-11-02T09:00:00Z"), 70.5});
  p.diagnosis = Diagnosis{};
  Dx(p).kind = DiagnosisKind::kMdd;
  Dx(p).code = CodedConcept{CodeSystem::kIcd10Cm, "F33.2", "MDD, recurrent, severe"};
  Dx(p).episode_start = D(2025, 9, 1);
  AntidepressantTrial t;
  t.drug = "sertraline";
  t.daily_dose_mg = 150;
  t.start = D(2025, 9, 15);
  t.stop = D(2025, 12, 1);
  t.weeks_at_dose = 8;
  t.adherence = Adherence::kGood;
  t.outcome = TrialOutcome::kNoResponse;
  p.antidepressant_trials.push_back(t);
  p.psychotherapy_trials.push_back(
      {{}, "CBT", 12, D(2025, 10, 1), D(2026, 1, 10), TrialOutcome::kPartialResponse});
  p.medications.push_back({{}, "lorazepam", DrugClass::kBenzodiazepine, 1.0});
  p.allergies.push_back({{}, "penicillin", "rash"});
  p.conditions.push_back({{}, {CodeSystem::kIcd10Cm, "I10", "essential hypertension"}, true});
  p.consents.push_back({{},
                        ConsentKind::kKetamineInfusion,
                        At("2026-11-01T10:00:00Z"),
                        "Alex",
                        "Dr Chen",
                        std::nullopt});
  p.clearances.push_back({{}, D(2026, 10, 20), "Dr Chen", AllClearanceItems(), ""});
  p.scale_responses.push_back(
      {{}, Scale::kPhq9, {2, 2, 2, 2, 2, 2, 2, 2, 0}, At("2026-11-02T09:00:00Z")});
  return p;
}

TEST(PatientDateTest, ParsesRealDatesOnly) {
  auto d = ParseDate("2024-02-29", "f");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, D(2024, 2, 29));
  EXPECT_FALSE(ParseDate("2025-02-29", "f").has_value());  // 2025 is a common year
  EXPECT_FALSE(ParseDate("2026-04-31", "f").has_value());
  EXPECT_FALSE(ParseDate("2026-13-01", "f").has_value());
  EXPECT_FALSE(ParseDate("2026-1-01", "f").has_value());
  EXPECT_FALSE(ParseDate("2026/01/01", "f").has_value());
  EXPECT_FALSE(ParseDate("2026-01-01T00:00:00Z", "f").has_value());
  auto bad = ParseDate("01.02.2026", "birth_date");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().problems().at(0).field, "birth_date");
  EXPECT_EQ(FormatDate(D(987, 3, 4)), "0987-03-04");
}

TEST(PatientDateTest, DaysAndMonths) {
  EXPECT_EQ(DaysBetween(D(2026, 1, 1), D(2026, 3, 1)), 59);  // 31 + 28
  EXPECT_EQ(DaysBetween(D(2024, 1, 1), D(2024, 3, 1)), 60);  // leap year
  EXPECT_EQ(DaysBetween(D(2026, 3, 1), D(2026, 1, 1)), -59);
  EXPECT_EQ(CompletedMonths(D(2025, 1, 15), D(2026, 1, 14)), 11);
  EXPECT_EQ(CompletedMonths(D(2025, 1, 15), D(2026, 1, 15)), 12);
  EXPECT_EQ(CompletedMonths(D(2025, 1, 31), D(2025, 2, 28)), 0);
  EXPECT_EQ(CompletedMonths(D(2025, 1, 31), D(2025, 3, 31)), 2);
  EXPECT_EQ(CompletedMonths(D(2025, 3, 10), D(2025, 1, 20)), -1);
  EXPECT_EQ(DateOf(At("2026-11-30T23:59:59Z")), D(2026, 11, 30));
  EXPECT_EQ(DateOf(At("2026-12-01T00:30:00+01:00")), D(2026, 11, 30));  // UTC date
}

TEST(PatientDateTest, AgeInCompletedYears) {
  const Date birth = D(2008, 12, 1);
  EXPECT_EQ(AgeYears(birth, At("2026-11-30T23:59:59Z")), 17);
  EXPECT_EQ(AgeYears(birth, At("2026-12-01T00:00:00Z")), 18);
  // 29 February: a year older on 1 March in a common year, on 29 February in a leap year.
  EXPECT_EQ(AgeYears(D(2008, 2, 29), At("2026-02-28T12:00:00Z")), 17);
  EXPECT_EQ(AgeYears(D(2008, 2, 29), At("2026-03-01T00:00:00Z")), 18);
  EXPECT_EQ(AgeYears(D(2008, 2, 29), At("2028-02-29T00:00:00Z")), 20);
}

TEST(PatientNamesTest, RoundTrip) {
  for (auto kind :
       {DiagnosisKind::kMdd, DiagnosisKind::kBipolarDepression, DiagnosisKind::kOther}) {
    EXPECT_EQ(ParseDiagnosisKind(DiagnosisKindName(kind), "f").value(), kind);
  }
  for (ClearanceItem item : AllClearanceItems()) {
    EXPECT_EQ(ParseClearanceItem(ClearanceItemName(item), "f").value(), item);
  }
  EXPECT_EQ(AllClearanceItems().size(), 7u);
  EXPECT_EQ(ParseDrugClass("non-benzodiazepine-hypnotic", "f").value(),
            DrugClass::kNonBenzodiazepineHypnotic);
  EXPECT_EQ(ParseTrialOutcome("partial-response", "f").value(), TrialOutcome::kPartialResponse);
  auto bad = ParseCodeSystem("icd10", "conditions[0].system");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().problems().at(0).field, "conditions[0].system");
  EXPECT_NE(bad.error().problems().at(0).reason.find("icd-10-cm, snomed-ct, ketaclinic"),
            std::string::npos);
}

TEST(ValidatePatientTest, AValidPatientPasses) {
  const Status status = ValidatePatient(Valid());
  EXPECT_TRUE(status.has_value()) << status.error().ToString();
}

TEST(ValidatePatientTest, NamesEveryBadFieldAtOnce) {
  Patient p = Valid();
  p.identifier = " ";
  p.birth_date = D(2026, 2, 30);
  p.height_cm = 1.68;  // metres typed as cm
  p.weights[0].weight_kg = 155;
  p.weights.push_back({{}, At("2026-11-03T09:00:00Z"), 500});
  p.antidepressant_trials[0].drug = "";
  p.antidepressant_trials[0].stop = D(2025, 9, 1);  // before the start
  AntidepressantTrial second = Valid().antidepressant_trials[0];
  second.daily_dose_mg = 50000;  // micrograms
  second.augmentation_agent = "lithium";
  p.antidepressant_trials.push_back(second);
  p.psychotherapy_trials[0].sessions = 0;
  p.conditions[0].code.code = "f33.2";
  p.conditions.push_back({{}, {CodeSystem::kSnomedCt, "abc", ""}, true});
  p.consents[0].signed_by = "";
  p.clearances[0].covered.push_back(ClearanceItem::kEcg);
  p.scale_responses[0].items[8] = 4;
  const Status status = ValidatePatient(p);
  ASSERT_FALSE(status.has_value());
  const std::vector<std::string> expected = {
      "identifier",
      "birth_date",
      "height_cm",
      "weights[1].weight_kg",
      "antidepressant_trials[0].drug",
      "antidepressant_trials[0].stop",
      "antidepressant_trials[1].daily_dose_mg",
      "antidepressant_trials[1].augmentation_agent",
      "psychotherapy_trials[0].sessions",
      "conditions[0].code",
      "conditions[1].code",
      "consents[0].signed_by",
      "clearances[0].covered[7]",
      "scale_responses[0].items[8]",
  };
  EXPECT_EQ(Fields(status), expected) << status.error().ToString();
}

// 2025-09-15 .. 2025-12-01 is 77 days apart, 78 days on the drug counting both ends: 11.14 weeks.
TEST(ValidatePatientTest, WeeksAtDoseMustFitTheTrialDates) {
  Patient p = Valid();
  p.antidepressant_trials[0].weeks_at_dose = 11.14;
  EXPECT_TRUE(ValidatePatient(p).has_value());
  p.antidepressant_trials[0].weeks_at_dose = 11.15;
  EXPECT_TRUE(HasField(ValidatePatient(p), "antidepressant_trials[0].weeks_at_dose"));
  p.antidepressant_trials[0].weeks_at_dose = -1;
  EXPECT_TRUE(HasField(ValidatePatient(p), "antidepressant_trials[0].weeks_at_dose"));
  // Still taking it: no upper bound from the dates.
  p.antidepressant_trials[0].stop.reset();
  p.antidepressant_trials[0].weeks_at_dose = 40;
  EXPECT_TRUE(ValidatePatient(p).has_value());
}

TEST(ValidatePatientTest, IcdCodesAreWellFormed) {
  Patient p = Valid();
  for (const char* good : {"F33", "F33.2", "I67.1", "S72.001A", "Z39.1"}) {
    p.conditions[0].code.code = good;
    EXPECT_TRUE(ValidatePatient(p).has_value()) << good;
  }
  for (const char* bad : {"F3", "F33.", "F332", "33.2", "F33.21345", "F33-2"}) {
    p.conditions[0].code.code = bad;
    EXPECT_TRUE(HasField(ValidatePatient(p), "conditions[0].code")) << bad;
  }
}

TEST(ValidatePatientTest, DiagnosisChecks) {
  Patient p = Valid();
  Dx(p).episode_start = D(1980, 1, 1);  // before birth
  Dx(p).kind = DiagnosisKind::kOther;   // without a description
  const Status status = ValidatePatient(p);
  EXPECT_TRUE(HasField(status, "diagnosis.episode_start"));
  EXPECT_TRUE(HasField(status, "diagnosis.description"));
  p.diagnosis.reset();  // intake may not have one yet: eligibility reports it
  EXPECT_TRUE(ValidatePatient(p).has_value());
}

TEST(ValidatePatientTest, AmendedOrWithdrawnRecordsGiveAReason) {
  Patient p = Valid();
  p.antidepressant_trials[0].meta.status = RecordStatus::kEnteredInError;
  p.consents[0].meta.version = 2;
  p.weights[0].meta.version = 0;
  const Status status = ValidatePatient(p);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"weights[0].meta.version",
                                                      "antidepressant_trials[0].meta.reason",
                                                      "consents[0].meta.reason"}));
  p.antidepressant_trials[0].meta.reason = "wrong patient";
  p.consents[0].meta.reason = "signature date corrected";
  p.weights[0].meta.version = 1;
  EXPECT_TRUE(ValidatePatient(p).has_value());
}

TEST(ValidatePatientTest, RevokedConsentNotBeforeSigning) {
  Patient p = Valid();
  p.consents[0].revoked_at = At("2026-10-01T00:00:00Z");
  EXPECT_TRUE(HasField(ValidatePatient(p), "consents[0].revoked_at"));
}

TEST(PatientTest, LatestWeightIgnoresFutureAndWithdrawnMeasurements) {
  Patient p = Valid();
  p.weights.push_back({{}, At("2026-11-20T09:00:00Z"), 72});
  WeightMeasurement withdrawn{{}, At("2026-11-10T09:00:00Z"), 90};
  withdrawn.meta.status = RecordStatus::kEnteredInError;
  withdrawn.meta.reason = "another patient's weight";
  p.weights.push_back(withdrawn);
  auto latest = LatestWeight(p, At("2026-11-15T00:00:00Z"));
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest.value_or(WeightMeasurement{}).weight_kg, 70.5);
  latest = LatestWeight(p, At("2026-11-20T09:00:00Z"));
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest.value_or(WeightMeasurement{}).weight_kg, 72);
  EXPECT_FALSE(LatestWeight(p, At("2026-01-01T00:00:00Z")).has_value());
}

TEST(PatientTest, LatestScaleResponseByScaleAndTime) {
  Patient p = Valid();
  p.scale_responses.push_back(
      {{}, Scale::kPhq9, {1, 1, 1, 1, 1, 1, 1, 1, 0}, At("2026-11-10T09:00:00Z")});
  p.scale_responses.push_back(
      {{}, Scale::kCssrsScreener, {0, 0, 0, 0, 0, 0}, At("2026-11-11T09:00:00Z")});
  const ScaleResponse* phq9 = LatestScaleResponse(p, Scale::kPhq9, At("2026-11-30T00:00:00Z"));
  ASSERT_NE(phq9, nullptr);
  EXPECT_EQ(phq9->items[0], 1);
  phq9 = LatestScaleResponse(p, Scale::kPhq9, At("2026-11-05T00:00:00Z"));
  ASSERT_NE(phq9, nullptr);
  EXPECT_EQ(phq9->items[0], 2);
  EXPECT_EQ(LatestScaleResponse(p, Scale::kMadrs, At("2026-11-30T00:00:00Z")), nullptr);
}

}  // namespace
}  // namespace ketaclinic::clinical
