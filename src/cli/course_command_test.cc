// `ketaclinic course` as a user runs it, without a process: exit status, table and JSON output,
// --at, errors. The expected values are the hand-worked ones of docs/formats/course-file.md.

#include "cli/course_command.h"

#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"

namespace ketaclinic::cli {
namespace {

using ::testing::HasSubstr;

const std::string kExample = std::string(KC_SOURCE_DIR) + "/examples/course.json";

// The clock when neither --at nor the file says when.
const Instant kClockNow =
    std::chrono::sys_days{std::chrono::year{2026} / 3 / 12} + std::chrono::hours(12);

CommandOutput Course(const std::string& file, const std::string& at = "",
                     Format format = Format::kTable) {
  const FixedClock clock(kClockNow);
  return Invoke(CourseOptions{file, at, format, {}},
                [&](const CourseOptions& o, std::ostream& out, std::ostream& err) {
                  return RunCourse(o, clock, out, err);
                });
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CourseCommandTest, TableOfTheExample) {
  const CommandOutput r = Course(kExample);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("induction, 4 of 6 infusions given (in-progress)"));
  EXPECT_THAT(r.out, HasSubstr("PHQ-9 (remission <= 4): baseline 21 on 2026-03-02T07:30:00Z"));
  EXPECT_THAT(r.out, HasSubstr("57.1 %"));  // 12 of 21
  EXPECT_THAT(r.out, HasSubstr("INFO outcome.response"));
  EXPECT_THAT(r.out, HasSubstr("never before 2026-03-10T04:00:00Z"));
  EXPECT_THAT(r.out, HasSubstr("needs-override"));
  EXPECT_THAT(r.out, HasSubstr("2026-03-11T08:00:00Z, 2026-03-13T08:00:00Z"));
  EXPECT_THAT(r.out, HasSubstr("escalation:         responding"));
  EXPECT_THAT(r.out, HasSubstr("the induction series is not complete (4 of 6)"));
}

TEST(CourseCommandTest, JsonOfTheExample) {
  const CommandOutput r = Course(kExample, "", Format::kJson);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["at"], "2026-03-10T12:00:00Z");  // the file's
  EXPECT_EQ(out["findings"].size(), 2U);
  EXPECT_EQ(out["outcomes"]["phq9"]["infusions_to_response"], 4);
  EXPECT_EQ(out["next_infusion"]["status_at"], "needs-override");
}

TEST(CourseCommandTest, AtWinsOverTheFile) {
  // 44 h after Monday 08:00Z: the soft minimum is met.
  const CommandOutput r = Course(kExample, "2026-03-11T04:00:00Z", Format::kJson);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["next_infusion"]["status_at"], "allowed");
  EXPECT_EQ(out["induction_plan"]["proposed"][0], "2026-03-11T08:00:00Z");
}

TEST(CourseCommandTest, ClockWhenNeitherSaysWhen) {
  const std::string path = WriteTemp("course-no-at.json",
                                     R"({"course": {"phase": "induction", "planned_count": 6},
          "infusions": [{"started_at": "2026-03-11T09:00:00Z", "mg_per_kg": 0.5}]})");
  const CommandOutput r = Course(path, "", Format::kJson);
  ASSERT_EQ(r.status, 0) << r.err;
  const nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["at"], "2026-03-12T12:00:00Z");
  EXPECT_EQ(out["next_infusion"]["status_at"], "needs-override");  // 27 h
}

TEST(CourseCommandTest, InvalidInputNamesEveryProblem) {
  const std::string path = WriteTemp("course-bad.json",
                                     R"({"course": {"phase": "induction"},
          "assessments": [{"scale": "phq9", "taken_at": "2026-03-02T07:30:00Z", "total": 30}]})");
  const CommandOutput r = Course(path);
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("course.planned_count"));
  EXPECT_THAT(r.err, HasSubstr("assessments[0].total"));
  const CommandOutput j = Course(path, "", Format::kJson);
  EXPECT_EQ(j.status, 2);
  const nlohmann::json body = nlohmann::json::parse(j.out);
  EXPECT_EQ(body["error"]["problems"].size(), 2U);
}

TEST(CourseCommandTest, AnAtBeforeTheRecordsIsRefused) {
  // The 4th infusion started 2026-03-09T08:00Z: judging the course before it is an input error.
  const CommandOutput r = Course(kExample, "2026-03-09T07:00:00Z");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("infusions[3].started_at"));
  EXPECT_EQ(Course(kExample, "yesterday").status, 2);
}

TEST(CourseCommandTest, UnreadableFileAndWrongFormat) {
  EXPECT_EQ(Course("/nonexistent/course.json").status, 1);
  EXPECT_EQ(Course(kExample, "", Format::kCsv).status, 2);
}

}  // namespace
}  // namespace ketaclinic::cli
