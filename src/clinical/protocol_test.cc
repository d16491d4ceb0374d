#include "clinical/protocol.h"

#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace ketaclinic::clinical {
namespace {

std::set<std::string> ProblemFields(const Status& status) {
  std::set<std::string> fields;
  if (status) return fields;
  for (const FieldProblem& problem : status.error().problems()) fields.insert(problem.field);
  return fields;
}

TEST(ProtocolTest, DefaultIsValidAndStampedEverywhere) {
  const Protocol p = DefaultProtocol();
  EXPECT_TRUE(ValidateProtocol(p)) << ValidateProtocol(p).error().ToString();
  for (const std::string* version :
       {&p.eligibility.version, &p.pre_infusion.version, &p.dosing.version, &p.session.version,
        &p.discharge.version, &p.outcomes.version, &p.course.version}) {
    EXPECT_EQ(*version, p.version);
  }
}

TEST(ProtocolTest, StampVersionCopiesANewVersionIntoEverySection) {
  Protocol p = DefaultProtocol();
  p.version = "clinic-7";
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)),
            (std::set<std::string>{"eligibility.version", "pre_infusion.version", "dosing.version",
                                   "session.version", "discharge.version", "outcomes.version",
                                   "course.version"}));
  StampVersion(p);
  EXPECT_TRUE(ValidateProtocol(p));
  EXPECT_EQ(p.session.version, "clinic-7");
  EXPECT_EQ(p.course.version, "clinic-7");
}

TEST(ProtocolTest, BlankVersionIsOneProblem) {
  Protocol p = DefaultProtocol();
  p.version = "  ";
  StampVersion(p);
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)), (std::set<std::string>{"version"}));
}

TEST(ProtocolTest, SectionProblemsAreNamedBySectionAndKey) {
  Protocol p = DefaultProtocol();
  p.dosing.soft_max_mg_per_kg = 1.5;  // above the hard maximum of 1.0
  p.session.sbp_pause_mmhg = -1;
  const std::set<std::string> fields = ProblemFields(ValidateProtocol(p));
  EXPECT_TRUE(fields.count("dosing.soft_max_mg_per_kg")) << ValidateProtocol(p).error().ToString();
  EXPECT_TRUE(fields.count("session.sbp_pause_mmhg"));
}

TEST(ProtocolTest, IntervalsMustAgreeBetweenTheGateAndTheSchedule) {
  Protocol p = DefaultProtocol();
  p.course.interval_hard_min_h = 24;  // the gate still says 20
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)),
            (std::set<std::string>{"course.interval_hard_min_h"}));
  p.pre_infusion.interval_hard_min_h = 24;
  EXPECT_TRUE(ValidateProtocol(p));
  p.pre_infusion.interval_soft_min_h = 48;
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)),
            (std::set<std::string>{"course.interval_soft_min_h"}));
}

TEST(ProtocolTest, AGateBaselineMustNotAlreadyPauseTheInfusion) {
  Protocol p = DefaultProtocol();
  // 180/110 both places by default (clinical.md §1.4 PRE-03, §1.5 STOP-01): equal is allowed.
  p.pre_infusion.bp_block_systolic_mmhg = 181;
  p.pre_infusion.bp_block_diastolic_mmhg = 111;
  p.pre_infusion.hr_block_bpm = 121;
  EXPECT_EQ(
      ProblemFields(ValidateProtocol(p)),
      (std::set<std::string>{"pre_infusion.bp_block_systolic_mmhg",
                             "pre_infusion.bp_block_diastolic_mmhg", "pre_infusion.hr_block_bpm"}));
}

TEST(ProtocolTest, DischargeBloodPressureStaysBelowThePauseThreshold) {
  Protocol p = DefaultProtocol();
  p.session.sbp_pause_mmhg = 170;
  p.session.sbp_severe_mmhg = 190;
  p.pre_infusion.bp_block_systolic_mmhg = 170;
  p.discharge.sbp_max_mmhg = 169;  // just below: fine
  EXPECT_TRUE(ValidateProtocol(p)) << ValidateProtocol(p).error().ToString();
  p.discharge.sbp_max_mmhg = 170;
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)), (std::set<std::string>{"discharge.sbp_max_mmhg"}));
}

TEST(ProtocolTest, ResponseCheckFallsWithinInduction) {
  Protocol p = DefaultProtocol();
  p.outcomes.early_nonresponse_after_infusions = 6;  // == induction_planned_infusions: fine
  EXPECT_TRUE(ValidateProtocol(p)) << ValidateProtocol(p).error().ToString();
  p.outcomes.early_nonresponse_after_infusions = 7;
  p.course.stop_if_no_response_after_infusions = 7;
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)),
            (std::set<std::string>{"outcomes.early_nonresponse_after_infusions"}));
  p = DefaultProtocol();
  p.course.stop_if_no_response_after_infusions = 2;  // before the check after infusion 3
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)),
            (std::set<std::string>{"course.stop_if_no_response_after_infusions"}));
}

TEST(ProtocolTest, ApprovalNamesWhoAndWhen) {
  Protocol p = DefaultProtocol();
  p.approved_by = "Dr. A. Medical-Director";
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)), (std::set<std::string>{"approved_on"}));
  p.approved_on = "2026-02-30";  // no such day
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)), (std::set<std::string>{"approved_on"}));
  p.approved_on = "2026-2-3";
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)), (std::set<std::string>{"approved_on"}));
  p.approved_on = "2028-02-29";  // a leap day
  EXPECT_TRUE(ValidateProtocol(p));
  p.approved_by = "";
  EXPECT_EQ(ProblemFields(ValidateProtocol(p)), (std::set<std::string>{"approved_by"}));
}

TEST(ProtocolTest, EveryDefaultHasASourceNamedBySection) {
  const auto sources = ProtocolSources();
  std::set<std::string> keys;
  for (const ParameterSource& source : sources) {
    EXPECT_FALSE(source.source.empty()) << source.key;
    EXPECT_TRUE(keys.insert(source.key).second) << "twice: " << source.key;
  }
  for (const char* key :
       {"dosing.hard_max_mg_per_kg", "session.sbp_pause_mmhg", "pre_infusion.interval_hard_min_h",
        "course.interval_hard_min_h", "eligibility.min_failed_adequate_trials",
        "discharge.moaas_min", "outcomes.response_min_reduction_percent"}) {
    EXPECT_TRUE(keys.count(key)) << key;
  }
  for (const std::string& key : keys) {
    const std::string section = key.substr(0, key.find('.'));
    const auto& names = ProtocolSectionNames();
    EXPECT_NE(std::find(names.begin(), names.end(), section), names.end()) << key;
  }
}

}  // namespace
}  // namespace ketaclinic::clinical
