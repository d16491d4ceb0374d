// Course files and the outcome/course protocol sections: the documented examples give the
// documented results (worked by hand in docs/formats/course-file.md), and every problem is named
// by its JSON path.

#include "clinical_json/course_json.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clinical_json/outcome_protocol_json.h"

namespace ketaclinic::clinical_json {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The ```json blocks of a Markdown file, in order.
std::vector<std::string> JsonBlocks(const std::string& path) {
  std::ifstream file(path);
  std::vector<std::string> blocks;
  std::string line;
  std::string block;
  bool inside = false;
  while (std::getline(file, line)) {
    if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return blocks;
}

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  return fields;
}

std::vector<std::string> RulesOf(const json& findings) {
  std::vector<std::string> rules;
  for (const json& f : findings) {
    rules.push_back(f["rule"].get<std::string>() + ":" + f["severity"].get<std::string>());
  }
  return rules;
}

json Evaluate(const std::string& text) {
  auto file = ParseCourseFileText(text);
  EXPECT_TRUE(file.has_value()) << file.error().ToString();
  if (!file) return nullptr;
  const std::optional<Instant> at = file->at;
  if (!at) return nullptr;
  auto report = clinical::EvaluateCourse(file->course, clinical::CourseProtocols{}, *at);
  EXPECT_TRUE(report.has_value()) << report.error().ToString();
  if (!report) return nullptr;
  return CourseReportToJson(*report);
}

const std::string kDoc = std::string(KC_DOCS_DIR) + "/formats/course-file.md";

TEST(CourseJsonTest, DocumentedInductionExample) {
  const auto blocks = JsonBlocks(kDoc);
  ASSERT_EQ(blocks.size(), 2U);
  const json out = Evaluate(blocks[0]);
  ASSERT_FALSE(out.is_null());
  EXPECT_EQ(RulesOf(out["findings"]),
            (std::vector<std::string>{"outcome.response:info", "outcome.response:info"}));
  const json& phq9 = out["outcomes"]["phq9"];
  EXPECT_EQ(phq9["baseline"]["total"], 21);  // scored from the items
  EXPECT_EQ(phq9["response_at"], "2026-03-10T10:00:00Z");
  EXPECT_EQ(phq9["infusions_to_response"], 4);
  // 2026-03-02T08:00Z to 2026-03-10T10:00Z: 8 days 2 h.
  EXPECT_NEAR(phq9["days_to_response"].get<double>(), 8.0 + 2.0 / 24.0, 1e-9);
  EXPECT_NEAR(phq9["best_reduction_percent"].get<double>(), 12.0 / 21.0 * 100.0, 1e-9);
  EXPECT_EQ(phq9["assessments"][0]["category"], "none");     // 17: 19.0 %
  EXPECT_EQ(phq9["assessments"][1]["category"], "partial");  // 14: 33.3 %
  EXPECT_EQ(phq9["early_check"]["after_infusions"], 3);      // 11: 47.6 %
  EXPECT_EQ(phq9["early_non_response"], false);
  EXPECT_EQ(out["outcomes"]["madrs"]["response_at"], "2026-03-09T07:40:00Z");  // 17/32 = 53.1 %
  EXPECT_EQ(out["outcomes"]["madrs"]["remission"], false);                     // 15 > 10
  EXPECT_EQ(out["next_infusion"]["earliest_hard_at"], "2026-03-10T04:00:00Z");
  EXPECT_EQ(out["next_infusion"]["earliest_soft_at"], "2026-03-11T04:00:00Z");
  EXPECT_EQ(out["next_infusion"]["status_at"], "needs-override");
  EXPECT_EQ(out["induction_plan"]["proposed"],
            (json{"2026-03-11T08:00:00Z", "2026-03-13T08:00:00Z"}));
  EXPECT_EQ(out["induction_plan"]["window_ends_at"], "2026-03-23T08:00:00Z");
  EXPECT_EQ(out["escalation"]["status"], "responding");
  EXPECT_EQ(out["series"]["status"], "in-progress");
  EXPECT_EQ(out["maintenance"]["available"], false);
  EXPECT_TRUE(out["maintenance"].contains("reason"));
}

TEST(CourseJsonTest, DocumentedBoosterExample) {
  const auto blocks = JsonBlocks(kDoc);
  ASSERT_EQ(blocks.size(), 2U);
  const json out = Evaluate(blocks[1]);
  ASSERT_FALSE(out.is_null());
  EXPECT_EQ(RulesOf(out["findings"]),
            (std::vector<std::string>{"outcome.response:info", "outcome.remission:info"}));
  const json& m = out["maintenance"];
  EXPECT_EQ(m["method"], "relief-history");
  EXPECT_EQ(m["confidence"], "low");
  EXPECT_EQ(m["observations"], 2);
  EXPECT_DOUBLE_EQ(m["shortest_relief_days"].get<double>(), 35);
  EXPECT_DOUBLE_EQ(m["median_relief_days"].get<double>(), 40);
  EXPECT_EQ(m["suggested_at"], "2026-06-01T08:00:00Z");
  EXPECT_EQ(m["latest_at"], "2026-06-05T08:00:00Z");
  EXPECT_EQ(out["outcomes"]["phq9"]["baseline"]["marked"], true);
  EXPECT_EQ(out["outcomes"]["phq9"]["remission_at"], "2026-05-18T07:30:00Z");
  EXPECT_EQ(out["induction_plan"]["applies"], false);
  EXPECT_EQ(out["series"]["status"], "complete");
}

TEST(CourseJsonTest, ExampleFileIsTheDocumentedOne) {
  const auto blocks = JsonBlocks(kDoc);
  ASSERT_FALSE(blocks.empty());
  const std::string example = ReadFile(std::string(KC_EXAMPLES_DIR) + "/course.json");
  EXPECT_EQ(json::parse(example), json::parse(blocks[0]));
}

TEST(CourseJsonTest, MinimalFileAndNullOptionals) {
  auto file = ParseCourseFileText(R"({"course": {"phase": "induction", "planned_count": 6}})");
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_FALSE(file->at);
  EXPECT_TRUE(file->course.infusions.empty());
  EXPECT_EQ(file->course.meta.version, 1);
  auto nulls = ParseCourseFileText(
      R"({"at": null, "course": {"phase": "booster", "planned_count": 1, "primary_scale": null,
          "schedule": null, "ended": null, "meta": null},
          "infusions": null, "assessments": null, "relief_history": null})");
  ASSERT_TRUE(nulls.has_value()) << nulls.error().ToString();
  EXPECT_EQ(nulls->course.phase, clinical::CoursePhase::kBooster);
  EXPECT_FALSE(nulls->course.primary_scale);
}

TEST(CourseJsonTest, ScheduleIsReadInLocalTerms) {
  auto file = ParseCourseFileText(
      R"({"course": {"phase": "induction", "planned_count": 6,
          "schedule": {"weekdays": ["tue", "thu"], "time_of_day": "17:45",
                       "utc_offset": "-05:30", "start_on": "2026-03-03"}}})");
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  const clinical::SchedulePreferences& s = file->course.schedule;
  EXPECT_EQ(s.weekdays,
            (std::vector<clinical::Weekday>{clinical::Weekday::kTue, clinical::Weekday::kThu}));
  EXPECT_EQ(s.time_of_day_min, 17 * 60 + 45);
  EXPECT_EQ(s.utc_offset_min, -(5 * 60 + 30));
  EXPECT_EQ(s.start_on, std::chrono::sys_days(std::chrono::year(2026) / 3 / 3));
}

TEST(CourseJsonTest, EveryProblemByItsPath) {
  auto file = ParseCourseFileText(R"({
    "at": "2026-03-10T12:00:00Z",
    "course": {"phase": "inductoin", "Planned_count": 6,
               "schedule": {"weekdays": ["mon", "funday", 3], "time_of_day": "9:00",
                            "utc_offset": "+1", "start_on": "2026-02-30"},
               "ended": {"at": "2026-03-09T00:00:00"}},
    "infusions": [
      {"started_at": "2026-03-02T08:00:00Z", "mg_per_kg": "0.5"},
      {"started_at": "2026-03-11T08:00:00Z", "mg_per_kg": 0.5, "dose_mg": 35},
      "second"
    ],
    "assessments": [
      {"scale": "phq9", "taken_at": "2026-03-02T07:30:00Z", "items": [3, 3, 3, 3, 2, 3, 2, 2, 4]},
      {"scale": "gad7", "taken_at": "2026-03-02T07:30:00Z", "total": 12},
      {"scale": "madrs", "taken_at": "2026-03-02T07:30:00Z"},
      {"scale": "phq9", "taken_at": "2026-03-04T07:30:00Z", "items": [1, 1, 1, 1, 1, 1, 1, 1, 1],
       "total": 10},
      {"scale": "qids-sr16", "taken_at": "2026-03-04T07:30:00Z", "items": [1.5], "total": 4}
    ],
    "relief_history": [
      {"relief_days": 30, "last_infusion_at": "2025-09-01T08:00:00Z"},
      {"last_infusion_at": "2025-09-01T08:00:00Z", "relief_ended_at": "2025-08-01T08:00:00Z"},
      {"label": "no duration"}
    ]
  })");
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(
      Fields(file.error()),
      (std::vector<std::string>{
          "course.Planned_count", "course.phase", "course.planned_count",
          "course.schedule.weekdays[1]", "course.schedule.weekdays[2]",
          "course.schedule.time_of_day", "course.schedule.utc_offset", "course.schedule.start_on",
          "course.ended.at", "course.ended.reason", "infusions[0].mg_per_kg",
          "infusions[1].dose_mg", "infusions[2]", "assessments[1].scale", "assessments[2].total",
          "assessments[4].items[0]", "relief_history[0]", "relief_history[1].relief_ended_at",
          "relief_history[2].relief_days",
          // the course's own checks, after the reading
          "infusions[1].started_at", "assessments[0].items[8]", "assessments[3].total"}));
}

TEST(CourseJsonTest, ReadingProblemsAreNotRepeatedByTheCourseChecks) {
  // mg_per_kg "0.5" is reported once by the reading; the course check on the same field
  // (0 mg/kg) is left out.
  auto file = ParseCourseFileText(R"({"course": {"phase": "induction", "planned_count": 6},
    "infusions": [{"started_at": "2026-03-02T08:00:00Z"}]})");
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(Fields(file.error()), (std::vector<std::string>{"infusions[0].mg_per_kg"}));
}

TEST(CourseJsonTest, PathsUnderAScenarioInput) {
  const json body = json::parse(R"({"course": {"phase": "induction", "planned_count": 0}})");
  auto file = ParseCourseFile(body, "input");
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(Fields(file.error()), (std::vector<std::string>{"input.course.planned_count"}));
  auto not_object = ParseCourseFile(json::array(), "input");
  ASSERT_FALSE(not_object.has_value());
  EXPECT_EQ(Fields(not_object.error()), (std::vector<std::string>{"input"}));
}

TEST(CourseJsonTest, MalformedText) {
  auto file = ParseCourseFileText("{\"course\": ");
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(Fields(file.error()), (std::vector<std::string>{"(json)"}));
}

TEST(CourseJsonTest, EnteredInErrorIsNotJudged) {
  auto file = ParseCourseFileText(R"({"course": {"phase": "induction", "planned_count": 6,
    "meta": {"id": "c1", "version": 2, "status": "entered-in-error", "reason": "wrong patient"}}})");
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(Fields(file.error()), (std::vector<std::string>{"course.meta.status"}));
}

TEST(OutcomeProtocolJsonTest, ReadsOverDefaultsAndWritesEveryKey) {
  Validator v("invalid protocol");
  const clinical::OutcomeProtocol p = ReadOutcomeProtocol(
      json{{"madrs_remission_max_total", 12}, {"primary_scale", "madrs"}}, "outcomes", {}, v);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(p.madrs_remission_max_total, 12);
  EXPECT_EQ(p.primary_scale, clinical::Scale::kMadrs);
  EXPECT_EQ(p.phq9_remission_max_total, 4);  // default kept
  const json out = OutcomeProtocolToJson(p);
  EXPECT_EQ(out.size(), clinical::OutcomeProtocolSources().size());
  for (const clinical::ParameterSource& s : clinical::OutcomeProtocolSources()) {
    EXPECT_TRUE(out.contains(s.key)) << s.key;
  }
  // What it writes, it reads back to the same values.
  Validator again("invalid protocol");
  EXPECT_EQ(OutcomeProtocolToJson(ReadOutcomeProtocol(out, "outcomes", {}, again)), out);
  EXPECT_TRUE(again.ok());
}

TEST(OutcomeProtocolJsonTest, ProblemsNamedByPath) {
  Validator v("invalid protocol");
  ReadOutcomeProtocol(json{{"primary_scale", "gad7"},
                           {"response_min_reduction_percent", "50"},
                           {"phq9_remission_max_total", 4.5},
                           {"remission", 5}},
                      "outcomes", {}, v);
  auto status = v.Finish();
  ASSERT_FALSE(status);
  EXPECT_EQ(Fields(status.error()),
            (std::vector<std::string>{"outcomes.remission", "outcomes.primary_scale",
                                      "outcomes.response_min_reduction_percent",
                                      "outcomes.phq9_remission_max_total"}));
  Validator w("invalid protocol");
  ReadOutcomeProtocol(json::array(), "outcomes", {}, w);
  EXPECT_EQ(Fields(w.Finish().error()), (std::vector<std::string>{"outcomes"}));
}

TEST(CourseProtocolJsonTest, ReadsOverDefaultsAndWritesEveryKey) {
  Validator v("invalid protocol");
  const clinical::CourseProtocol p = ReadCourseProtocol(
      json{{"induction_weekdays", {"tue", "thu"}}, {"interval_soft_min_h", 48}}, "course", {}, v);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(p.induction_weekdays,
            (std::vector<clinical::Weekday>{clinical::Weekday::kTue, clinical::Weekday::kThu}));
  EXPECT_DOUBLE_EQ(p.interval_soft_min_h, 48);
  EXPECT_DOUBLE_EQ(p.interval_hard_min_h, 20);
  const json out = CourseProtocolToJson(p);
  EXPECT_EQ(out.size(), clinical::CourseProtocolSources().size());
  for (const clinical::ParameterSource& s : clinical::CourseProtocolSources()) {
    EXPECT_TRUE(out.contains(s.key)) << s.key;
  }
  Validator again("invalid protocol");
  EXPECT_EQ(CourseProtocolToJson(ReadCourseProtocol(out, "course", {}, again)), out);
  EXPECT_TRUE(again.ok());
}

TEST(CourseProtocolJsonTest, ProblemsNamedByPath) {
  Validator v("invalid protocol");
  ReadCourseProtocol(json{{"induction_weekdays", {"mon", "someday", 1}},
                          {"induction_planned_infusions", 6.5},
                          {"dropout_days", 14}},
                     "course", {}, v);
  auto status = v.Finish();
  ASSERT_FALSE(status);
  EXPECT_EQ(
      Fields(status.error()),
      (std::vector<std::string>{"course.dropout_days", "course.induction_planned_infusions",
                                "course.induction_weekdays[1]", "course.induction_weekdays[2]"}));
}

}  // namespace
}  // namespace ketaclinic::clinical_json
