// Runs every course scenario in tests/scenarios/course: a course file (and optional protocol
// overrides of the outcomes, course and dosing sections) with what a clinician worked out by hand
// in the file's description: outcome flags and dates, the exact set of findings, the next allowed
// times, the induction plan, the escalation and the maintenance date.
//
// "expect" holds "findings" (the exact multiset of {rule, severity}), or "error_fields" (the
// exact list of problem fields of an invalid input), and any part of the command's JSON report
// (clinical_json::CourseReportToJson), matched as a subset: every key given must exist in the
// report (an unknown or misspelled expectation fails), numbers match to 1e-6 relative, arrays
// element by element with the same length.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/validation.h"

#include "clinical/course.h"
#include "clinical_json/course_json.h"
#include "clinical_json/dose_protocol_json.h"
#include "clinical_json/outcome_protocol_json.h"
#include "scenario_files.h"

namespace ketaclinic {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kDir = fs::path(KC_SCENARIOS_DIR) / "course";

using RuleAndSeverity = std::pair<std::string, std::string>;

std::vector<RuleAndSeverity> Sorted(std::vector<RuleAndSeverity> items) {
  std::sort(items.begin(), items.end());
  return items;
}

// Every key of `expected` is in `actual` with a matching value (see the file comment).
void ExpectSubset(const json& actual, const json& expected, const std::string& path) {
  if (expected.is_object()) {
    ASSERT_TRUE(actual.is_object()) << path << ": expected an object, got " << actual.dump();
    for (const auto& [key, value] : expected.items()) {
      std::string child = path;
      child += ".";
      child += key;
      if (!actual.contains(key)) {
        ADD_FAILURE() << "unknown expectation " << child;
        continue;
      }
      ExpectSubset(actual[key], value, child);
    }
  } else if (expected.is_array()) {
    ASSERT_TRUE(actual.is_array()) << path << ": expected an array, got " << actual.dump();
    ASSERT_EQ(actual.size(), expected.size()) << path << ": " << actual.dump();
    for (size_t i = 0; i < expected.size(); ++i) {
      ExpectSubset(actual[i], expected[i], path + "[" + std::to_string(i) + "]");
    }
  } else if (expected.is_number()) {
    ASSERT_TRUE(actual.is_number()) << path << ": expected a number, got " << actual.dump();
    const double want = expected.get<double>();
    EXPECT_NEAR(actual.get<double>(), want, 1e-6 * std::max(1.0, std::abs(want))) << path;
  } else {
    EXPECT_EQ(actual, expected) << path;
  }
}

class CourseScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(CourseScenario, MatchesTheHandWorkedExpectations) {
  const json scenario = scenarios::LoadScenario(kDir, GetParam());
  for (const auto& [key, value] : scenario.items()) {
    ASSERT_TRUE(key == "title" || key == "description" || key == "protocol" || key == "input" ||
                key == "expect")
        << "unknown scenario key " << key;
  }
  ASSERT_TRUE(scenario.contains("title") && scenario.contains("description"));
  ASSERT_TRUE(scenario.contains("input") && scenario.contains("expect"));

  clinical::CourseProtocols protocols;
  if (scenario.contains("protocol")) {
    Validator v("invalid protocol");
    for (const auto& [section, body] : scenario["protocol"].items()) {
      if (section == "outcomes") {
        protocols.outcomes =
            clinical_json::ReadOutcomeProtocol(body, "protocol.outcomes", protocols.outcomes, v);
      } else if (section == "course") {
        protocols.course =
            clinical_json::ReadCourseProtocol(body, "protocol.course", protocols.course, v);
      } else if (section == "dosing") {
        protocols.dosing =
            clinical_json::ReadDoseProtocol(body, "protocol.dosing", protocols.dosing, v);
      } else {
        FAIL() << "course scenarios override only outcomes, course and dosing, not " << section;
      }
    }
    ASSERT_TRUE(v.ok()) << v.Finish().error().ToString();
    for (const Status& s : {clinical::ValidateOutcomeProtocol(protocols.outcomes),
                            clinical::ValidateCourseProtocol(protocols.course),
                            clinical::ValidateDoseProtocol(protocols.dosing)}) {
      ASSERT_TRUE(s) << s.error().ToString();
    }
  }

  const json& expect = scenario.at("expect");
  ASSERT_TRUE(expect.is_object());
  auto file = clinical_json::ParseCourseFile(scenario.at("input"), "input");
  Result<clinical::CourseReport> report =
      tl::unexpected(Error::Internal("the course file was not read"));
  if (file) {
    const std::optional<Instant> at = file->at;
    if (!at) FAIL() << "a scenario's input states \"at\"";
    report = clinical::EvaluateCourse(file->course, protocols, *at);
  }

  if (expect.contains("error_fields")) {
    ASSERT_EQ(expect.size(), 1U) << "an invalid input expects only error_fields";
    ASSERT_FALSE(file && report) << "expected an input error";
    const Error& error = file ? report.error() : file.error();
    std::vector<std::string> fields;
    for (const FieldProblem& p : error.problems()) {
      // The evaluation names fields within the file; the reading names them under "input".
      fields.push_back(file ? "input." + p.field : p.field);
    }
    EXPECT_EQ(fields, expect["error_fields"].get<std::vector<std::string>>());
    return;
  }
  ASSERT_TRUE(file) << file.error().ToString();
  ASSERT_TRUE(report) << report.error().ToString();
  const json actual = clinical_json::CourseReportToJson(*report);
  for (const auto& [key, value] : expect.items()) {
    if (key == "findings") {
      std::vector<RuleAndSeverity> expected, got;
      for (const json& f : value) expected.emplace_back(f.at("rule"), f.at("severity"));
      for (const clinical::Finding& f : report->findings) {
        got.emplace_back(f.rule_id, clinical::SeverityName(f.severity));
      }
      EXPECT_EQ(Sorted(got), Sorted(expected)) << actual["findings"].dump(2);
    } else if (!actual.contains(key)) {
      ADD_FAILURE() << "unknown expectation " << key;
    } else {
      ExpectSubset(actual[key], value, key);
    }
  }
  ASSERT_TRUE(expect.contains("findings")) << "every scenario states its exact findings";
}

INSTANTIATE_TEST_SUITE_P(Files, CourseScenario, ::testing::ValuesIn(scenarios::ScenarioNames(kDir)),
                         scenarios::TestName);

TEST(CourseScenarios, AreAllThere) { EXPECT_GE(scenarios::ScenarioNames(kDir).size(), 30U); }

}  // namespace
}  // namespace ketaclinic
