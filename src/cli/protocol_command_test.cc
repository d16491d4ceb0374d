#include "cli/protocol_command.h"

#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/check_command.h"
#include "cli/command_test_util.h"
#include "cli/commands.h"
#include "cli/course_command.h"
#include "cli/eligibility_command.h"
#include "cli/session_command.h"

#include "clinical_json/protocol_json.h"

namespace ketaclinic::cli {
namespace {

const std::string kExamples = std::string(KC_SOURCE_DIR) + "/examples/";
const std::string kClinicProtocol = kExamples + "protocol.json";

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ProtocolCommandTest, ShowDefaultListsEveryKeyWithItsSource) {
  const auto r = Invoke(ProtocolShowOptions{}, RunProtocolShow);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("protocol default-2026-11"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not approved"), std::string::npos);
  for (const char* section : {"[eligibility]", "[pre_infusion]", "[dosing]", "[session]",
                              "[discharge]", "[outcomes]", "[course]"}) {
    EXPECT_NE(r.out.find(section), std::string::npos) << section;
  }
  EXPECT_NE(r.out.find("  hard_max_mg_per_kg = 1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\n* "), std::string::npos) << "no default differs from itself";
  EXPECT_NE(r.out.find("clinical.md"), std::string::npos);
}

TEST(ProtocolCommandTest, ShowMarksWhatAClinicChanged) {
  const auto r = Invoke(ProtocolShowOptions{kClinicProtocol, Format::kTable}, RunProtocolShow);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("protocol riverside-2026-03"), std::string::npos);
  EXPECT_NE(r.out.find("approved by Dr. Maria Okafor"), std::string::npos);
  EXPECT_NE(r.out.find("* max_duration_min = 60"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(default 100)"), std::string::npos);
  // The same value as the default is not marked.
  EXPECT_NE(r.out.find("  soft_max_mg_per_kg = 0.75"), std::string::npos);
}

TEST(ProtocolCommandTest, ShowAsJsonIsAProtocolFileThatMeansTheSame) {
  const auto r = Invoke(ProtocolShowOptions{kClinicProtocol, Format::kJson}, RunProtocolShow);
  ASSERT_EQ(r.status, 0) << r.err;
  auto again = clinical_json::ParseProtocolText(r.out);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(clinical_json::ProtocolToJson(*again), nlohmann::json::parse(r.out));
  EXPECT_EQ(again->version, "riverside-2026-03");
}

TEST(ProtocolCommandTest, CheckNamesTheKeysAFileChanges) {
  const auto r = Invoke(ProtocolCheckOptions{kClinicProtocol, Format::kJson}, RunProtocolCheck);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto body = nlohmann::json::parse(r.out);
  EXPECT_EQ(body["version"], "riverside-2026-03");
  // examples/protocol.json sets 9 keys; soft_max 0.75 and both NIBP intervals equal the defaults.
  EXPECT_EQ(body["changed_keys"].get<std::set<std::string>>(),
            (std::set<std::string>{"dosing.ideal_weight_if_bmi_at_least", "dosing.max_duration_min",
                                   "session.sbp_warn_mmhg", "discharge.min_observation_min",
                                   "course.induction_weekdays",
                                   "course.maintenance_default_interval_days"}));
}

TEST(ProtocolCommandTest, CheckRefusesAnInvalidFileNamingEveryKey) {
  const std::string path = WriteTemp("bad-protocol.json", R"({
    "version": "v2", "course": {"interval_hard_min_h": 24}, "session": {"sbp_pause": 170}})");
  const auto r = Invoke(ProtocolCheckOptions{path, Format::kTable}, RunProtocolCheck);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("invalid protocol file " + path), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("course.interval_hard_min_h"), std::string::npos);
  EXPECT_NE(r.err.find("session.sbp_pause"), std::string::npos);
  const auto missing =
      Invoke(ProtocolCheckOptions{kExamples + "no-such.json", Format::kTable}, RunProtocolCheck);
  EXPECT_EQ(missing.status, 1);
}

// --protocol reaches each clinical command: the decision records the file's version and obeys
// its limits.
TEST(ProtocolCommandTest, DoseObeysTheProtocolsHardMaximum) {
  const std::string path = WriteTemp("low-max.json", R"({"version": "low-max-1",
    "dosing": {"soft_max_mg_per_kg": 0.5, "hard_max_mg_per_kg": 0.6,
               "escalation_steps_mg_per_kg": [0.5, 0.6]}})");
  DoseOptions dose;
  dose.weight_kg = 70;
  dose.height_cm = 170;
  dose.sex = "female";
  dose.mg_per_kg = 0.7;
  const auto by_default = Invoke(dose, RunDose);
  EXPECT_EQ(by_default.status, 0) << by_default.out << by_default.err;  // 0.7 <= soft max 0.75
  dose.protocol_file = path;
  const auto limited = Invoke(dose, RunDose);
  EXPECT_EQ(limited.status, 3) << limited.out << limited.err;  // above the hard max of 0.6
  EXPECT_NE(limited.out.find("low-max-1"), std::string::npos) << limited.out;
}

TEST(ProtocolCommandTest, CheckEligibilityCourseAndSessionRecordTheVersion) {
  CheckOptions check;
  check.file = kExamples + "pre-infusion-check.json";
  check.protocol_file = kClinicProtocol;
  const auto pre = Invoke(
      check, static_cast<int (*)(const CheckOptions&, std::ostream&, std::ostream&)>(RunCheck));
  EXPECT_NE(pre.out.find("protocol riverside-2026-03"), std::string::npos) << pre.out << pre.err;

  EligibilityOptions eligibility;
  eligibility.patient_file = kExamples + "patient.json";
  eligibility.protocol_file = kClinicProtocol;
  eligibility.at = "2026-03-10T09:00:00Z";
  const auto verdict = Invoke(
      eligibility, static_cast<int (*)(const EligibilityOptions&, std::ostream&, std::ostream&)>(
                       RunEligibility));
  EXPECT_NE(verdict.out.find("protocol riverside-2026-03"), std::string::npos)
      << verdict.out << verdict.err;

  CourseOptions course;
  course.file = kExamples + "course.json";
  course.protocol_file = kClinicProtocol;
  course.format = Format::kJson;
  const auto report = Invoke(
      course, static_cast<int (*)(const CourseOptions&, std::ostream&, std::ostream&)>(RunCourse));
  ASSERT_EQ(report.status, 0) << report.err;
  EXPECT_NE(report.out.find("riverside-2026-03"), std::string::npos) << report.out;

  SessionReplayOptions replay;
  replay.file = kExamples + "session-replay.json";
  replay.protocol_file = kClinicProtocol;
  replay.format = Format::kJson;
  const auto replayed = Invoke(
      replay, static_cast<int (*)(const SessionReplayOptions&, std::ostream&, std::ostream&)>(
                  RunSessionReplay));
  ASSERT_EQ(replayed.status, 0) << replayed.err;
  EXPECT_NE(replayed.out.find("riverside-2026-03"), std::string::npos);
}

TEST(ProtocolCommandTest, AnInvalidProtocolStopsEveryCommandBeforeItDecides) {
  const std::string path = WriteTemp("no-version.json", R"({"dosing": {}})");
  DoseOptions dose;
  dose.weight_kg = 70;
  dose.protocol_file = path;
  const auto r = Invoke(dose, RunDose);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("version"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace ketaclinic::cli
