// Eligibility (clinical.md §1.2 ELIG-01..07, §1.3, §1.4 PRE-07): every rule at, below and above
// its boundary, overrides, and a property that nothing overrides an absolute contraindication.

#include "clinical/eligibility.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

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

const Instant kNow = At("2026-12-01T09:00:00Z");

AntidepressantTrial Trial(const std::string& drug, double mg, Date start, Date stop, double weeks,
                          TrialOutcome outcome) {
  AntidepressantTrial t;
  t.drug = drug;
  t.daily_dose_mg = mg;
  t.start = start;
  t.stop = stop;
  t.weeks_at_dose = weeks;
  t.adherence = Adherence::kGood;
  t.outcome = outcome;
  return t;
}

ScaleResponse Response(Scale scale, std::vector<int> items, const char* at) {
  return ScaleResponse{{}, scale, std::move(items), At(at)};
}

// An eligible patient at kNow: MDD since 2025-09-01 (15 months), two failed adequate trials
// (sertraline 150 mg 8 weeks, venlafaxine 225 mg 10 weeks: ATHF 4 each), failed CBT, PHQ-9 18,
// negative C-SSRS, clearance 16 days old covering everything, consent signed.
Patient Eligible() {
  Patient p;
  p.identifier = "MRN-1";
  p.name = "Alex Example";
  p.birth_date = D(1985, 4, 12);
  p.sex = Sex::kFemale;
  p.height_cm = 168;
  p.weights.push_back({{}, At("2026-11-25T09:00:00Z"), 70});
  p.diagnosis = Diagnosis{};
  Dx(p).kind = DiagnosisKind::kMdd;
  Dx(p).code = CodedConcept{CodeSystem::kIcd10Cm, "F33.2", "MDD, recurrent, severe"};
  Dx(p).episode_start = D(2025, 9, 1);
  p.antidepressant_trials = {
      Trial("sertraline", 150, D(2025, 9, 15), D(2025, 12, 1), 8, TrialOutcome::kNoResponse),
      Trial("venlafaxine", 225, D(2026, 1, 5), D(2026, 4, 1), 10, TrialOutcome::kPartialResponse)};
  p.psychotherapy_trials.push_back(
      {{}, "CBT", 12, D(2025, 10, 1), D(2026, 1, 10), TrialOutcome::kPartialResponse});
  p.allergies.push_back({{}, "penicillin", "rash"});
  p.conditions.push_back({{}, {CodeSystem::kIcd10Cm, "I10", "essential hypertension"}, true});
  p.consents.push_back({{},
                        ConsentKind::kKetamineInfusion,
                        At("2026-11-20T10:00:00Z"),
                        "Alex",
                        "Dr Chen",
                        std::nullopt});
  p.clearances.push_back({{}, D(2026, 11, 15), "Dr Chen", AllClearanceItems(), ""});
  p.scale_responses = {
      Response(Scale::kPhq9, {3, 3, 2, 2, 2, 2, 2, 2, 0}, "2026-11-25T09:00:00Z"),  // 18
      Response(Scale::kCssrsScreener, {0, 0, 0, 0, 0, 0}, "2026-11-25T09:05:00Z")};
  return p;
}

EligibilityOverride By(std::string rule, std::string reason = "discussed with the patient") {
  return {std::move(rule), Clinician{"dr-chen", Role::kPhysician}, std::move(reason)};
}

EligibilityVerdict Evaluate(const Patient& p, const EligibilityProtocol& protocol = {},
                            const std::vector<EligibilityOverride>& overrides = {},
                            Instant now = kNow) {
  auto verdict = EvaluateEligibility(p, protocol, now, overrides);
  EXPECT_TRUE(verdict.has_value()) << verdict.error().ToString();
  return verdict.value_or(EligibilityVerdict{});
}

// The verdict's MSM score; a test that calls this expects one.
MsmScore MsmOf(const EligibilityVerdict& v) {
  EXPECT_TRUE(v.msm.has_value());
  return v.msm.value_or(MsmScore{});
}

using RuleSet = std::set<std::pair<std::string, Severity>>;

RuleSet Rules(const EligibilityVerdict& v) {
  RuleSet rules;
  for (const Finding& f : v.findings) rules.insert({f.rule_id, f.severity});
  return rules;
}

std::string Describe(const EligibilityVerdict& v) {
  std::string text = std::string(EligibilityOutcomeName(v.outcome)) + "\n";
  for (const Finding& f : v.findings) {
    text += std::string(SeverityName(f.severity)) + " " + f.rule_id + ": " + f.message + "\n";
  }
  return text;
}

bool Has(const EligibilityVerdict& v, const std::string& rule, Severity severity) {
  return Rules(v).count({rule, severity}) > 0;
}

const Finding* FindingOf(const EligibilityVerdict& v, const std::string& rule) {
  for (const Finding& f : v.findings) {
    if (f.rule_id == rule) return &f;
  }
  return nullptr;
}

const RuleSet kAllMet = {{kRuleAge, Severity::kInfo},
                         {kRuleDiagnosis, Severity::kInfo},
                         {kRuleTreatmentResistance, Severity::kInfo},
                         {kRulePsychotherapy, Severity::kInfo},
                         {kRuleBaselineSeverity, Severity::kInfo},
                         {kRuleStaging, Severity::kInfo},
                         {kRuleMedicalClearance, Severity::kInfo},
                         {kRuleConsent, Severity::kInfo},
                         {kRuleSuicideScreen, Severity::kInfo}};

RuleSet AllMetExcept(const std::string& rule, Severity severity) {
  RuleSet rules = kAllMet;
  for (auto it = rules.begin(); it != rules.end();) {
    it = it->first == rule ? rules.erase(it) : std::next(it);
  }
  rules.insert({rule, severity});
  return rules;
}

TEST(EligibilityTest, TheReferencePatientIsEligible) {
  const EligibilityVerdict v = Evaluate(Eligible());
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible) << Describe(v);
  EXPECT_EQ(Rules(v), kAllMet) << Describe(v);
  EXPECT_EQ(v.failed_adequate_trials, 2);
  EXPECT_EQ(v.protocol_version, "default-2026-11");
  ASSERT_EQ(v.trials.size(), 2u);
  EXPECT_EQ(v.trials[0].rating.athf, 4);  // 8 weeks >= 2 x 4 at 150 >= 50 mg
  EXPECT_EQ(v.trials[1].rating.athf, 4);  // 10 weeks at 225 >= 75 mg
  EXPECT_TRUE(v.trials[0].in_current_episode);
  // MSM: 15 months -> 2; PHQ-9 18 moderately severe -> moderate 3; 2 failed -> 1; = 6 mild.
  ASSERT_TRUE(v.msm.has_value());
  EXPECT_EQ(MsmOf(v).duration, 2);
  EXPECT_EQ(MsmOf(v).severity, 3);
  EXPECT_EQ(MsmOf(v).treatment_failure, 1);
  EXPECT_EQ(MsmOf(v).total, 6);
  EXPECT_EQ(MsmOf(v).category, "mild");
  for (const Finding& f : v.findings) EXPECT_FALSE(f.source.empty()) << f.rule_id;
}

// ELIG-01: 18 on the day of the 18th birthday (UTC date of the decision), 17 the day before.
TEST(EligibilityTest, AgeBoundary) {
  Patient p = Eligible();
  p.birth_date = D(2008, 12, 1);
  Dx(p).episode_start = D(2025, 9, 1);
  EXPECT_TRUE(Has(Evaluate(p), kRuleAge, Severity::kInfo));
  p.birth_date = D(2008, 12, 2);
  const EligibilityVerdict v = Evaluate(p);
  EXPECT_TRUE(Has(v, kRuleAge, Severity::kBlock)) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNotEligible);
  EligibilityProtocol protocol;
  protocol.max_age_years = 41;  // the reference patient is 41
  EXPECT_TRUE(Has(Evaluate(Eligible(), protocol), kRuleAge, Severity::kInfo));
  protocol.max_age_years = 40;
  EXPECT_TRUE(Has(Evaluate(Eligible(), protocol), kRuleAge, Severity::kBlock));
}

TEST(EligibilityTest, DiagnosisMustBeDepression) {
  Patient p = Eligible();
  Dx(p).kind = DiagnosisKind::kOther;
  Dx(p).description = "generalized anxiety disorder";
  EXPECT_TRUE(Has(Evaluate(p), kRuleDiagnosis, Severity::kBlock));
  p.diagnosis.reset();
  const EligibilityVerdict v = Evaluate(p);
  EXPECT_TRUE(Has(v, kRuleDiagnosis, Severity::kBlock));
  EXPECT_FALSE(v.msm.has_value());  // no episode, no duration
  const Finding* staging = FindingOf(v, kRuleStaging);
  ASSERT_NE(staging, nullptr);
  EXPECT_NE(staging->message.find("not computed"), std::string::npos);
  // A diagnosis withdrawn as entered in error is no diagnosis.
  p = Eligible();
  Dx(p).meta.status = RecordStatus::kEnteredInError;
  Dx(p).meta.reason = "wrong chart";
  EXPECT_TRUE(Has(Evaluate(p), kRuleDiagnosis, Severity::kBlock));
  // An episode that starts after the decision is not the current one.
  p = Eligible();
  Dx(p).episode_start = D(2026, 12, 2);
  EXPECT_TRUE(Has(Evaluate(p), kRuleDiagnosis, Severity::kBlock));
}

// ELIG-01 bipolar policy: allowed only on a mood stabilizer (default), or not at all.
TEST(EligibilityTest, BipolarDepressionNeedsAMoodStabilizer) {
  Patient p = Eligible();
  Dx(p).kind = DiagnosisKind::kBipolarDepression;
  EligibilityVerdict v = Evaluate(p);
  EXPECT_TRUE(Has(v, kRuleBipolarMoodStabilizer, Severity::kBlock)) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNotEligible);
  p.medications.push_back({{}, "lithium carbonate", DrugClass::kLithium, 900.0});
  v = Evaluate(p);
  EXPECT_TRUE(Has(v, kRuleBipolarMoodStabilizer, Severity::kInfo)) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible);
  EligibilityProtocol protocol;
  protocol.allow_bipolar_depression = false;
  v = Evaluate(p, protocol);
  EXPECT_TRUE(Has(v, kRuleDiagnosis, Severity::kBlock));
  EXPECT_FALSE(FindingOf(v, kRuleBipolarMoodStabilizer));
  protocol = EligibilityProtocol{};
  protocol.bipolar_requires_mood_stabilizer = false;
  p.medications.clear();
  EXPECT_EQ(Evaluate(p, protocol).outcome, EligibilityOutcome::kEligible);
}

// ELIG-02: 2 failed adequate trials are enough, 1 is not.
TEST(EligibilityTest, TreatmentResistanceBoundary) {
  Patient p = Eligible();
  p.antidepressant_trials.pop_back();
  EligibilityVerdict v = Evaluate(p);
  EXPECT_EQ(v.failed_adequate_trials, 1);
  EXPECT_EQ(Rules(v), AllMetExcept(kRuleTreatmentResistance, Severity::kBlock)) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNotEligible);
  EligibilityProtocol protocol;
  protocol.min_failed_adequate_trials = 1;
  EXPECT_EQ(Evaluate(p, protocol).outcome, EligibilityOutcome::kEligible);
  protocol.min_failed_adequate_trials = 3;
  EXPECT_TRUE(Has(Evaluate(Eligible(), protocol), kRuleTreatmentResistance, Severity::kBlock));
}

// The second trial at 4 weeks is adequate (ATHF 3); at 3 weeks it is not (ATHF 1).
TEST(EligibilityTest, TrialDurationBoundary) {
  Patient p = Eligible();
  p.antidepressant_trials[1].weeks_at_dose = 4;
  EligibilityVerdict v = Evaluate(p);
  EXPECT_EQ(v.trials[1].rating.athf, 3);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible) << Describe(v);
  p.antidepressant_trials[1].weeks_at_dose = 3;
  v = Evaluate(p);
  EXPECT_EQ(v.trials[1].rating.athf, 1);
  EXPECT_EQ(v.failed_adequate_trials, 1);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNotEligible);
}

TEST(EligibilityTest, TheSameDrugTwiceCountsOnce) {
  Patient p = Eligible();
  p.antidepressant_trials[1] =
      Trial("Sertraline", 200, D(2026, 1, 5), D(2026, 4, 1), 10, TrialOutcome::kNoResponse);
  const EligibilityVerdict v = Evaluate(p);
  EXPECT_EQ(v.failed_adequate_trials, 1);
  EXPECT_TRUE(Has(v, kRuleTreatmentResistance, Severity::kBlock));
}

// Only trials of the current episode count: one that stopped before it began does not.
TEST(EligibilityTest, EarlierEpisodesDoNotCount) {
  Patient p = Eligible();
  p.antidepressant_trials[0].start = D(2023, 1, 10);
  p.antidepressant_trials[0].stop = D(2023, 8, 31);
  EligibilityVerdict v = Evaluate(p);
  EXPECT_FALSE(v.trials[0].in_current_episode);
  EXPECT_EQ(v.failed_adequate_trials, 1);
  // Stopping on the day the episode began still counts (it was ongoing then).
  p.antidepressant_trials[0].stop = D(2025, 9, 1);
  v = Evaluate(p);
  EXPECT_TRUE(v.trials[0].in_current_episode);
  EXPECT_EQ(v.failed_adequate_trials, 2);
  // A trial started after the decision is not considered.
  p.antidepressant_trials[0].start = D(2026, 12, 2);
  p.antidepressant_trials[0].stop.reset();
  EXPECT_FALSE(Evaluate(p).trials[0].in_current_episode);
}

TEST(EligibilityTest, WithdrawnTrialsAreSkipped) {
  Patient p = Eligible();
  p.antidepressant_trials[1].meta.status = RecordStatus::kEnteredInError;
  p.antidepressant_trials[1].meta.reason = "another patient's trial";
  const EligibilityVerdict v = Evaluate(p);
  EXPECT_EQ(v.trials.size(), 1u);
  EXPECT_EQ(v.failed_adequate_trials, 1);
}

TEST(EligibilityTest, NeuromodulationCountsOnlyWhenTheProtocolSaysSo) {
  Patient p = Eligible();
  p.antidepressant_trials.pop_back();
  p.neuromodulation.push_back({{},
                               NeuromodulationKind::kTms,
                               30,
                               D(2026, 5, 1),
                               D(2026, 6, 15),
                               TrialOutcome::kNoResponse});
  EXPECT_EQ(Evaluate(p).outcome, EligibilityOutcome::kNotEligible);
  EligibilityProtocol protocol;
  protocol.neuromodulation_counts_as_trial = true;
  const EligibilityVerdict v = Evaluate(p, protocol);
  EXPECT_EQ(v.failed_adequate_trials, 2);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible) << Describe(v);
}

TEST(EligibilityTest, UnknownDoseAdequacyIsNamed) {
  Patient p = Eligible();
  p.antidepressant_trials[1].drug = "phenelzine";
  p.antidepressant_trials[1].daily_dose_mg = 60;
  EligibilityVerdict v = Evaluate(p);
  EXPECT_TRUE(Has(v, kRuleTrialDoseUnknown, Severity::kInfo)) << Describe(v);
  EXPECT_TRUE(Has(v, kRuleTreatmentResistance, Severity::kBlock));
  p.antidepressant_trials[1].adequate_dose = true;
  v = Evaluate(p);
  EXPECT_FALSE(FindingOf(v, kRuleTrialDoseUnknown));
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible);
}

// ELIG-03: a failed psychotherapy trial; a physician may override its absence.
TEST(EligibilityTest, FailedPsychotherapyRequired) {
  Patient p = Eligible();
  p.psychotherapy_trials.clear();
  EligibilityVerdict v = Evaluate(p);
  EXPECT_EQ(Rules(v), AllMetExcept(kRulePsychotherapy, Severity::kBlock));
  p.psychotherapy_trials.push_back(
      {{}, "IPT", 16, D(2025, 10, 1), D(2026, 2, 1), TrialOutcome::kResponse});
  EXPECT_TRUE(Has(Evaluate(p), kRulePsychotherapy, Severity::kBlock));
  v = Evaluate(p, {}, {By(kRulePsychotherapy, "psychotherapy unavailable locally")});
  EXPECT_EQ(Rules(v), AllMetExcept(kRulePsychotherapy, Severity::kWarning)) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible);
  ASSERT_EQ(v.applied_overrides.size(), 1u);
  EXPECT_NE(FindingOf(v, kRulePsychotherapy)->message.find("psychotherapy unavailable locally"),
            std::string::npos);
  EligibilityProtocol protocol;
  protocol.require_failed_psychotherapy = false;
  v = Evaluate(p, protocol);
  EXPECT_FALSE(FindingOf(v, kRulePsychotherapy));
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible);
}

// ELIG-04: PHQ-9 10 meets the threshold, 9 does not; MADRS 20 alone is enough.
TEST(EligibilityTest, BaselineSeverityBoundary) {
  Patient p = Eligible();
  p.scale_responses[0].items = {2, 1, 1, 1, 1, 1, 1, 2, 0};  // 10
  EXPECT_TRUE(Has(Evaluate(p), kRuleBaselineSeverity, Severity::kInfo));
  p.scale_responses[0].items = {1, 1, 1, 1, 1, 1, 1, 2, 0};  // 9
  EligibilityVerdict v = Evaluate(p);
  EXPECT_EQ(Rules(v), AllMetExcept(kRuleBaselineSeverity, Severity::kBlock)) << Describe(v);
  p.scale_responses.push_back(
      Response(Scale::kMadrs, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, "2026-11-26T09:00:00Z"));  // 20
  v = Evaluate(p);
  EXPECT_TRUE(Has(v, kRuleBaselineSeverity, Severity::kInfo)) << Describe(v);
  // MSM severity comes from the clinician-rated MADRS first: 20 is moderate (3).
  ASSERT_TRUE(v.msm.has_value());
  EXPECT_EQ(MsmOf(v).severity, 3);
  p.scale_responses.back().items = {2, 2, 2, 2, 2, 2, 2, 2, 2, 1};  // 19
  EXPECT_TRUE(Has(Evaluate(p), kRuleBaselineSeverity, Severity::kBlock));
}

// Baseline scores count for 30 days: 30 days old is recent, 30 days and a second is not.
TEST(EligibilityTest, BaselineScoresMustBeRecent) {
  Patient p = Eligible();
  for (ScaleResponse& r : p.scale_responses) r.taken_at = At("2026-11-01T09:00:00Z");
  EligibilityVerdict v = Evaluate(p);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible) << Describe(v);
  for (ScaleResponse& r : p.scale_responses) r.taken_at = At("2026-11-01T08:59:59Z");
  v = Evaluate(p);
  EXPECT_TRUE(Has(v, kRuleBaselineSeverity, Severity::kBlock));
  EXPECT_TRUE(Has(v, kRuleSuicideScreen, Severity::kBlock));
  EXPECT_FALSE(v.msm.has_value());
  // A score taken after the decision is not seen either.
  p = Eligible();
  p.scale_responses[0].taken_at = At("2026-12-01T09:00:01Z");
  EXPECT_TRUE(Has(Evaluate(p), kRuleBaselineSeverity, Severity::kBlock));
}

TEST(EligibilityTest, BaselineSeverityOverride) {
  Patient p = Eligible();
  p.scale_responses[0].items = {1, 1, 1, 1, 1, 1, 1, 2, 0};  // 9
  const EligibilityVerdict v = Evaluate(
      p, {}, {By(kRuleBaselineSeverity, "PHQ-9 under-reports; clinical interview severe")});
  EXPECT_EQ(Rules(v), AllMetExcept(kRuleBaselineSeverity, Severity::kWarning));
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible);
}

// ELIG-06: 90 days old is recent enough, 91 is not; every required item covered.
TEST(EligibilityTest, MedicalClearanceAgeAndCoverage) {
  Patient p = Eligible();
  p.clearances[0].date = D(2026, 9, 2);  // 90 days before 2026-12-01
  EXPECT_TRUE(Has(Evaluate(p), kRuleMedicalClearance, Severity::kInfo));
  p.clearances[0].date = D(2026, 9, 1);  // 91 days
  EligibilityVerdict v = Evaluate(p);
  EXPECT_EQ(Rules(v), AllMetExcept(kRuleMedicalClearance, Severity::kBlock));
  // A newer clearance replaces the old one.
  p.clearances.push_back({{}, D(2026, 11, 30), "Dr Osei", AllClearanceItems(), ""});
  EXPECT_TRUE(Has(Evaluate(p), kRuleMedicalClearance, Severity::kInfo));
  p = Eligible();
  p.clearances[0].covered = {ClearanceItem::kHistoryAndPhysical, ClearanceItem::kMedicationList,
                             ClearanceItem::kAllergies, ClearanceItem::kRenalFunction,
                             ClearanceItem::kLiverFunction};
  v = Evaluate(p);
  const Finding* f = FindingOf(v, kRuleMedicalClearance);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kBlock);
  EXPECT_NE(f->message.find("does not cover ecg, osa-screen"), std::string::npos) << f->message;
  EligibilityProtocol protocol;
  protocol.clearance_required_items = {ClearanceItem::kHistoryAndPhysical};
  EXPECT_TRUE(Has(Evaluate(p, protocol), kRuleMedicalClearance, Severity::kInfo));
  p.clearances.clear();
  EXPECT_TRUE(Has(Evaluate(p), kRuleMedicalClearance, Severity::kBlock));
}

// ELIG-07: a signed consent, not revoked, signed before the decision.
TEST(EligibilityTest, Consent) {
  Patient p = Eligible();
  p.consents[0].revoked_at = At("2026-11-28T10:00:00Z");
  EXPECT_EQ(Rules(Evaluate(p)), AllMetExcept(kRuleConsent, Severity::kBlock));
  p.consents[0].revoked_at = At("2026-12-02T10:00:00Z");  // revoked later: valid now
  EXPECT_TRUE(Has(Evaluate(p), kRuleConsent, Severity::kInfo));
  p.consents[0].revoked_at.reset();
  p.consents[0].kind = ConsentKind::kResearch;
  EXPECT_TRUE(Has(Evaluate(p), kRuleConsent, Severity::kBlock));
  p.consents[0].kind = ConsentKind::kKetamineInfusion;
  p.consents[0].signed_at = At("2026-12-01T09:00:01Z");
  EXPECT_TRUE(Has(Evaluate(p), kRuleConsent, Severity::kBlock));
}

// PRE-07: the C-SSRS screen. Missing blocks; a positive screen or a high risk asks a physician
// to review (the scale's own findings are passed through).
TEST(EligibilityTest, SuicideScreen) {
  Patient p = Eligible();
  p.scale_responses.pop_back();
  EXPECT_EQ(Rules(Evaluate(p)), AllMetExcept(kRuleSuicideScreen, Severity::kBlock));

  p = Eligible();
  p.scale_responses[1].items = {1, 0, 0, 0, 0, 0};  // wish to be dead: low risk, positive
  EligibilityVerdict v = Evaluate(p);
  RuleSet expected = kAllMet;
  expected.insert({"suicide-risk.cssrs-positive", Severity::kWarning});
  EXPECT_EQ(Rules(v), expected) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNeedsPhysicianReview);

  p.scale_responses[1].items = {1, 1, 1, 1, 0, 0};  // intent: high risk, a block
  v = Evaluate(p);
  expected = kAllMet;
  expected.insert({"suicide-risk.cssrs-high", Severity::kBlock});
  EXPECT_EQ(Rules(v), expected) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNeedsPhysicianReview);

  // A high risk does not hide another block.
  p.consents.clear();
  EXPECT_EQ(Evaluate(p).outcome, EligibilityOutcome::kNotEligible);

  // PHQ-9 item 9 above 0 also asks for review.
  p = Eligible();
  p.scale_responses[0].items = {3, 3, 2, 2, 2, 2, 2, 1, 1};
  v = Evaluate(p);
  EXPECT_TRUE(Has(v, "suicide-risk.phq9-item9", Severity::kWarning));
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNeedsPhysicianReview);

  // A suicide-risk finding cannot be overridden here.
  p = Eligible();
  p.scale_responses[1].items = {1, 0, 0, 0, 0, 0};
  v = Evaluate(p, {}, {By("suicide-risk.cssrs-positive")});
  EXPECT_TRUE(Has(v, kRuleOverrideRejected, Severity::kWarning));
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNeedsPhysicianReview);
}

TEST(EligibilityTest, AbsoluteContraindicationBlocksAndCannotBeOverridden) {
  Patient p = Eligible();
  p.conditions.push_back({{}, {CodeSystem::kIcd10Cm, "I71.4", "abdominal aortic aneurysm"}, true});
  const std::string rule = std::string(kContraindicationRulePrefix) + "aneurysmal-vascular-disease";
  EligibilityVerdict v = Evaluate(p);
  RuleSet expected = kAllMet;
  expected.insert({rule, Severity::kBlock});
  EXPECT_EQ(Rules(v), expected) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNotEligible);
  v = Evaluate(p, {}, {By(rule, "small and stable")});
  expected.insert({kRuleOverrideRejected, Severity::kWarning});
  EXPECT_EQ(Rules(v), expected) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNotEligible);
  EXPECT_TRUE(v.applied_overrides.empty());
}

TEST(EligibilityTest, AbsoluteContraindicationsFromEachSource) {
  const std::string prefix = kContraindicationRulePrefix;
  // An allergy, case-insensitively.
  Patient p = Eligible();
  p.allergies.push_back({{}, " Ketamine", "laryngospasm"});
  EXPECT_TRUE(Has(Evaluate(p), prefix + "ketamine-hypersensitivity", Severity::kBlock));
  // A history of intracerebral hemorrhage counts even when resolved.
  p = Eligible();
  p.conditions.push_back({{}, {CodeSystem::kIcd10Cm, "I61.9", "ICH"}, false});
  EXPECT_TRUE(Has(Evaluate(p), prefix + "intracerebral-hemorrhage", Severity::kBlock));
  // A physician's attestation, in the local code system.
  p = Eligible();
  p.conditions.push_back(
      {{},
       {CodeSystem::kKetaclinic, "blood-pressure-rise-hazard", "recent aortic dissection"},
       true});
  EXPECT_TRUE(Has(Evaluate(p), prefix + "blood-pressure-rise-hazard", Severity::kBlock));
  // A condition entered in error is not a contraindication.
  p = Eligible();
  p.conditions.push_back({{}, {CodeSystem::kIcd10Cm, "Q28.2", "AVM"}, true});
  p.conditions.back().meta.status = RecordStatus::kEnteredInError;
  p.conditions.back().meta.reason = "wrong patient";
  EXPECT_EQ(Evaluate(p).outcome, EligibilityOutcome::kEligible);
}

TEST(EligibilityTest, RelativeContraindicationBlocksUnlessOverridden) {
  Patient p = Eligible();
  p.conditions.push_back(
      {{}, {CodeSystem::kIcd10Cm, "H40.11", "primary open-angle glaucoma"}, true});
  const std::string rule = std::string(kContraindicationRulePrefix) + "raised-intraocular-pressure";
  EligibilityVerdict v = Evaluate(p);
  EXPECT_TRUE(Has(v, rule, Severity::kBlock)) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNotEligible);
  v = Evaluate(p, {}, {By(rule, "ophthalmologist: pressure controlled")});
  RuleSet expected = kAllMet;
  expected.insert({rule, Severity::kWarning});
  EXPECT_EQ(Rules(v), expected) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible);
  EXPECT_NE(FindingOf(v, rule)->message.find("Overridden by physician dr-chen"), std::string::npos);
  // Resolved glaucoma is not a relative contraindication (history does not count for it).
  p.conditions.back().active = false;
  EXPECT_FALSE(FindingOf(Evaluate(p), rule));
}

TEST(EligibilityTest, PsychoticFeaturesAreARelativeContraindication) {
  Patient p = Eligible();
  Dx(p).psychotic_features = true;
  const EligibilityVerdict v = Evaluate(p);
  EXPECT_TRUE(Has(v, std::string(kContraindicationRulePrefix) + "psychosis", Severity::kBlock));
  ASSERT_TRUE(v.msm.has_value());
  EXPECT_EQ(MsmOf(v).severity, 5);  // severe with psychosis
}

TEST(EligibilityTest, CautionAsksForReviewUntilAcknowledged) {
  Patient p = Eligible();
  p.medications.push_back({{}, "lorazepam", DrugClass::kBenzodiazepine, 2.0});
  const std::string rule = std::string(kContraindicationRulePrefix) + "benzodiazepine";
  EligibilityVerdict v = Evaluate(p);
  RuleSet expected = kAllMet;
  expected.insert({rule, Severity::kWarning});
  EXPECT_EQ(Rules(v), expected) << Describe(v);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNeedsPhysicianReview);
  v = Evaluate(p, {}, {By(rule, "taper planned; hold the evening dose before infusions")});
  EXPECT_EQ(Rules(v), expected);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible);
}

// Lamotrigine is a caution above 150 mg/day only; without a recorded dose it is one.
TEST(EligibilityTest, LamotrigineAbove150) {
  const std::string rule = std::string(kContraindicationRulePrefix) + "lamotrigine-over-150mg";
  Patient p = Eligible();
  p.medications.push_back({{}, "lamotrigine", DrugClass::kLamotrigine, 150.0});
  EXPECT_FALSE(FindingOf(Evaluate(p), rule));
  p.medications.back().daily_dose_mg = 151;
  EXPECT_TRUE(Has(Evaluate(p), rule, Severity::kWarning));
  p.medications.back().daily_dose_mg.reset();
  const EligibilityVerdict v = Evaluate(p);
  ASSERT_NE(FindingOf(v, rule), nullptr);
  EXPECT_NE(FindingOf(v, rule)->message.find("daily dose not recorded"), std::string::npos);
}

TEST(EligibilityTest, OverridesOfHardOrUnknownRulesAreRejected) {
  Patient p = Eligible();
  p.consents.clear();
  EligibilityVerdict v = Evaluate(p, {}, {By(kRuleConsent)});
  EXPECT_TRUE(Has(v, kRuleConsent, Severity::kBlock));
  EXPECT_TRUE(Has(v, kRuleOverrideRejected, Severity::kWarning));
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNotEligible);
  v = Evaluate(Eligible(), {}, {By("eligibility.contraindication.no-such-thing")});
  EXPECT_TRUE(Has(v, kRuleOverrideRejected, Severity::kWarning));
  EXPECT_EQ(v.outcome, EligibilityOutcome::kNeedsPhysicianReview);
  // An override of a rule that is met is recorded as unused and changes nothing.
  v = Evaluate(Eligible(), {}, {By(kRulePsychotherapy)});
  RuleSet expected = kAllMet;
  expected.insert({kRuleOverrideUnused, Severity::kInfo});
  EXPECT_EQ(Rules(v), expected);
  EXPECT_EQ(v.outcome, EligibilityOutcome::kEligible);
  EXPECT_TRUE(v.applied_overrides.empty());
}

TEST(EligibilityTest, OverridesAreValidatedAsInput) {
  const std::vector<EligibilityOverride> overrides = {
      {kRulePsychotherapy, Clinician{"nurse-kim", Role::kNurse}, "reason"},
      {"", Clinician{"", Role::kPhysician}, " "},
      {kRulePsychotherapy, Clinician{"dr-chen", Role::kPhysician}, "again"}};
  auto verdict = EvaluateEligibility(Eligible(), {}, kNow, overrides);
  ASSERT_FALSE(verdict.has_value());
  std::vector<std::string> fields;
  for (const FieldProblem& problem : verdict.error().problems()) fields.push_back(problem.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"overrides[0].by.role", "overrides[1].rule",
                                              "overrides[1].by.user_id", "overrides[1].reason",
                                              "overrides[2].rule"}));
}

TEST(EligibilityTest, InvalidInputIsAnErrorNotAVerdict) {
  Patient p = Eligible();
  p.antidepressant_trials[1].stop = D(2025, 1, 1);
  auto verdict = EvaluateEligibility(p, {}, kNow, {});
  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(verdict.error().problems().at(0).field, "antidepressant_trials[1].stop");
  EligibilityProtocol protocol;
  protocol.min_failed_adequate_trials = 0;
  verdict = EvaluateEligibility(Eligible(), protocol, kNow, {});
  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(verdict.error().problems().at(0).field, "min_failed_adequate_trials");
}

// 32 months (3) + MADRS 36 severe (4) + 3 failed (2) + augmentation (1) + ECT (1) = 11 severe.
TEST(EligibilityTest, MsmWithAugmentationAndEct) {
  Patient p = Eligible();
  Dx(p).episode_start = D(2024, 3, 15);  // 2024-03-15 -> 2026-12-01: 32 months
  p.antidepressant_trials.push_back(
      Trial("escitalopram", 20, D(2026, 5, 1), D(2026, 7, 1), 6, TrialOutcome::kNoResponse));
  p.antidepressant_trials.back().augmentation = true;
  p.antidepressant_trials.back().augmentation_agent = "aripiprazole";
  p.neuromodulation.push_back({{},
                               NeuromodulationKind::kEct,
                               8,
                               D(2026, 7, 15),
                               D(2026, 8, 20),
                               TrialOutcome::kNoResponse});
  p.scale_responses.push_back(
      Response(Scale::kMadrs, {4, 4, 4, 4, 4, 4, 3, 3, 3, 3}, "2026-11-26T09:00:00Z"));  // 36
  const EligibilityVerdict v = Evaluate(p);
  ASSERT_TRUE(v.msm.has_value());
  EXPECT_EQ(MsmOf(v).duration, 3);
  EXPECT_EQ(MsmOf(v).severity, 4);
  EXPECT_EQ(MsmOf(v).treatment_failure, 2);
  EXPECT_EQ(MsmOf(v).augmentation, 1);
  EXPECT_EQ(MsmOf(v).ect, 1);
  EXPECT_EQ(MsmOf(v).total, 11);
  EXPECT_EQ(MsmOf(v).category, "severe");
  EXPECT_EQ(v.trials[2].rating.athf, 4);  // 6 weeks at 20 >= 10 mg: 3, augmented +1
}

TEST(EligibilityProtocolTest, DefaultsAreValidAndCited) {
  const EligibilityProtocol p;
  const Status status = ValidateEligibilityProtocol(p);
  EXPECT_TRUE(status.has_value()) << status.error().ToString();
  EXPECT_EQ(p.min_age_years, 18);               // §1.2 ELIG-01
  EXPECT_EQ(p.min_failed_adequate_trials, 2);   // §6
  EXPECT_EQ(p.athf_adequacy_min, 3);            // §6
  EXPECT_EQ(p.min_adequate_trial_weeks, 4);     // §1.2 ELIG-02
  EXPECT_TRUE(p.require_failed_psychotherapy);  // §6
  EXPECT_EQ(p.baseline_severity_min,
            (std::vector<SeverityThreshold>{{Scale::kPhq9, 10}, {Scale::kMadrs, 20}}));  // ELIG-04
  for (const ParameterSource& s : EligibilityProtocolSources()) {
    EXPECT_FALSE(s.source.empty()) << s.key;
  }
  EXPECT_EQ(EligibilityProtocolSources().size(), 18u);
  std::set<std::string> codes;
  for (const ContraindicationItem& item : p.contraindications) {
    EXPECT_TRUE(codes.insert(item.code).second) << item.code;
    EXPECT_NE(item.source.find("clinical.md §1."), std::string::npos) << item.code;
  }
  for (const std::string& code : LabelContraindicationCodes()) EXPECT_EQ(codes.count(code), 1u);
}

TEST(EligibilityProtocolTest, NamesEveryBadKey) {
  EligibilityProtocol p;
  p.min_age_years = 16;
  p.max_age_years = 15;
  p.mood_stabilizer_classes.clear();
  p.athf_adequacy_min = 6;
  p.min_adequate_trial_weeks = 0.5;
  p.baseline_severity_min = {{Scale::kPhq9, 28}, {Scale::kGad7, 10}};
  p.baseline_scale_max_age_days = 0;
  p.clearance_max_age_days = 1000;
  p.clearance_required_items = {ClearanceItem::kEcg, ClearanceItem::kEcg};
  p.contraindications[5].code = "Raised ICP";
  p.contraindications[6].source = "";
  p.contraindications[7].condition_codes.push_back({CodeSystem::kIcd10Cm, "h40"});
  p.contraindications.push_back(p.contraindications[8]);
  const Status status = ValidateEligibilityProtocol(p);
  ASSERT_FALSE(status.has_value());
  std::vector<std::string> fields;
  for (const FieldProblem& problem : status.error().problems()) fields.push_back(problem.field);
  const std::vector<std::string> expected = {
      "min_age_years",
      "max_age_years",
      "mood_stabilizer_classes",
      "athf_adequacy_min",
      "min_adequate_trial_weeks",
      "baseline_severity_min.phq9",
      "baseline_severity_min.gad7",
      "baseline_scale_max_age_days",
      "clearance_max_age_days",
      "clearance_required_items[1]",
      "contraindications[5].code",
      "contraindications[6].source",
      "contraindications[7].condition_codes[1]",
      "contraindications[" + std::to_string(p.contraindications.size() - 1) + "].code"};
  EXPECT_EQ(fields, expected) << status.error().ToString();
}

// The labels' contraindications can be neither dropped nor softened (clinical.md §1.3).
TEST(EligibilityProtocolTest, LabelContraindicationsStayAbsolute) {
  EligibilityProtocol p;
  p.contraindications[1].level = ContraindicationClass::kRelative;  // aneurysmal vascular disease
  p.contraindications.erase(p.contraindications.begin());           // ketamine hypersensitivity
  const Status status = ValidateEligibilityProtocol(p);
  ASSERT_FALSE(status.has_value());
  ASSERT_EQ(status.error().problems().size(), 2u);
  EXPECT_EQ(status.error().problems()[0].field, "contraindications");
  EXPECT_NE(status.error().problems()[0].reason.find("ketamine-hypersensitivity"),
            std::string::npos);
  EXPECT_EQ(status.error().problems()[1].field, "contraindications[0].level");
  // A site may add items and make a relative one absolute.
  p = EligibilityProtocol{};
  p.contraindications[5].level = ContraindicationClass::kAbsolute;
  ContraindicationItem extra;
  extra.code = "recent-myocardial-infarction";
  extra.display = "myocardial infarction in the last 6 months";
  extra.level = ContraindicationClass::kAbsolute;
  extra.source = "site policy 2026 [D]";
  extra.condition_codes = {{CodeSystem::kIcd10Cm, "I21"}, {CodeSystem::kSnomedCt, "22298006"}};
  p.contraindications.push_back(extra);
  EXPECT_TRUE(ValidateEligibilityProtocol(p).has_value());
}

// Property: whatever else is recorded and whatever is overridden, a matched absolute
// contraindication leaves the patient not eligible, and an overridden finding is never a block.
RC_GTEST_PROP(EligibilityProperties, NothingOverridesAnAbsoluteContraindication, ()) {
  const EligibilityProtocol protocol;
  Patient p = Eligible();
  const std::vector<const char*> codes = {"I71.2", "Q28.2", "I61.0", "H40.9", "G40.909",
                                          "F20.9", "I48.0", "I10",   "F33.1", "K74.60"};
  const auto picked =
      *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, codes.size()));
  for (size_t i : picked) {
    p.conditions.push_back({{}, {CodeSystem::kIcd10Cm, codes[i], ""}, *rc::gen::arbitrary<bool>()});
  }
  if (*rc::gen::arbitrary<bool>()) p.allergies.push_back({{}, "esketamine", ""});
  // Overrides of every rule the catalogue has, at random.
  std::vector<EligibilityOverride> overrides;
  for (const ContraindicationItem& item : protocol.contraindications) {
    if (*rc::gen::arbitrary<bool>()) {
      overrides.push_back(By(kContraindicationRulePrefix + item.code));
    }
  }
  auto verdict = EvaluateEligibility(p, protocol, kNow, overrides);
  RC_ASSERT(verdict.has_value());
  bool absolute = false;
  for (const Finding& f : verdict->findings) {
    for (const ContraindicationItem& item : protocol.contraindications) {
      if (item.level == ContraindicationClass::kAbsolute &&
          f.rule_id == kContraindicationRulePrefix + item.code) {
        RC_ASSERT(f.severity == Severity::kBlock);
        absolute = true;
      }
    }
  }
  if (absolute) RC_ASSERT(verdict->outcome == EligibilityOutcome::kNotEligible);
  for (const EligibilityOverride& o : verdict->applied_overrides) {
    for (const Finding& f : verdict->findings) {
      if (f.rule_id == o.rule_id) RC_ASSERT(f.severity == Severity::kWarning);
    }
  }
}

}  // namespace
}  // namespace ketaclinic::clinical
