// Runs every check scenario in tests/scenarios/checks/pre_infusion and .../discharge: a check file
// (the `ketaclinic check` format, with its "at") and optional protocol overrides, with the verdict
// a clinician worked out by hand from the file's description.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/validation.h"

#include "clinical/discharge.h"
#include "clinical/pre_infusion.h"
#include "clinical_json/checks_json.h"
#include "clinical_json/checks_protocol_json.h"
#include "scenario_files.h"

namespace ketaclinic {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kPreDir = fs::path(KC_SCENARIOS_DIR) / "checks" / "pre_infusion";
const fs::path kDischargeDir = fs::path(KC_SCENARIOS_DIR) / "checks" / "discharge";

using RuleAndSeverity = std::pair<std::string, std::string>;

std::multiset<RuleAndSeverity> Expected(const json& findings) {
  std::multiset<RuleAndSeverity> out;
  for (const json& f : findings) {
    for (const auto& [key, value] : f.items()) {
      EXPECT_TRUE(key == "rule" || key == "severity") << "unknown finding key " << key;
    }
    out.emplace(f.at("rule").get<std::string>(), f.at("severity").get<std::string>());
  }
  return out;
}

std::multiset<RuleAndSeverity> Actual(const std::vector<clinical::Finding>& findings) {
  std::multiset<RuleAndSeverity> out;
  for (const clinical::Finding& f : findings) {
    out.emplace(f.rule_id, clinical::SeverityName(f.severity));
  }
  return out;
}

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  std::sort(fields.begin(), fields.end());
  return fields;
}

// The top level of a scenario: known keys only, a title and a description for the reader.
void CheckShape(const json& scenario) {
  for (const auto& [key, value] : scenario.items()) {
    ASSERT_TRUE(key == "title" || key == "description" || key == "protocol" || key == "input" ||
                key == "expect")
        << "unknown scenario key " << key;
  }
  ASSERT_TRUE(scenario.contains("title") && scenario["title"].is_string());
  ASSERT_TRUE(scenario.contains("description") && scenario["description"].is_string());
  ASSERT_TRUE(scenario.contains("input") && scenario["input"].contains("at"))
      << "a scenario's input says when it is judged (\"at\")";
}

// An expected time, or the expectation that there is none when the key is absent.
void ExpectTime(const json& expect, const char* key, const std::optional<Instant>& actual) {
  if (expect.contains(key)) {
    ASSERT_TRUE(actual.has_value()) << key << " expected";
    EXPECT_EQ(FormatRfc3339(actual.value_or(Instant{})), expect[key].get<std::string>()) << key;
  } else {
    EXPECT_FALSE(actual) << key << " is " << FormatRfc3339(actual.value_or(Instant{}))
                         << " but the scenario does not expect it";
  }
}

class PreInfusionScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(PreInfusionScenario, MatchesTheHandWorkedVerdict) {
  const json scenario = scenarios::LoadScenario(kPreDir, GetParam());
  ASSERT_NO_FATAL_FAILURE(CheckShape(scenario));
  clinical::PreInfusionProtocol protocol;
  if (scenario.contains("protocol")) {
    Validator v("invalid protocol");
    for (const auto& [section, body] : scenario["protocol"].items()) {
      ASSERT_EQ(section, "pre_infusion") << "pre-infusion scenarios override only pre_infusion";
      protocol = clinical_json::ReadPreInfusionProtocol(body, "protocol.pre_infusion", protocol, v);
    }
    ASSERT_TRUE(v.ok()) << v.Finish().error().ToString();
    ASSERT_TRUE(clinical::ValidatePreInfusionProtocol(protocol));
  }
  const json& expect = scenario.at("expect");
  for (const auto& [key, value] : expect.items()) {
    ASSERT_TRUE(key == "cleared" || key == "findings" || key == "needs_repeat_vitals_at" ||
                key == "awaiting_override" || key == "error_fields")
        << "unknown expectation " << key;
  }
  auto check = clinical_json::ParsePreInfusionCheck(scenario.at("input"), "");
  Result<clinical::PreInfusionVerdict> verdict =
      check ? clinical::EvaluatePreInfusion(check->input, protocol, check->at.value_or(Instant{}))
            : tl::unexpected(check.error());
  if (expect.contains("error_fields")) {
    ASSERT_FALSE(verdict) << "expected an input error";
    auto want = expect["error_fields"].get<std::vector<std::string>>();
    std::sort(want.begin(), want.end());
    EXPECT_EQ(Fields(verdict.error()), want);
    return;
  }
  ASSERT_TRUE(verdict) << verdict.error().ToString();
  ASSERT_TRUE(expect.contains("cleared") && expect.contains("findings"));
  EXPECT_EQ(verdict->cleared, expect["cleared"].get<bool>());
  EXPECT_EQ(Actual(verdict->findings), Expected(expect["findings"]));
  ExpectTime(expect, "needs_repeat_vitals_at", verdict->needs_repeat_vitals_at);
  EXPECT_EQ(verdict->awaiting_override,
            expect.value("awaiting_override", std::vector<std::string>{}));
}

class DischargeScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(DischargeScenario, MatchesTheHandWorkedVerdict) {
  const json scenario = scenarios::LoadScenario(kDischargeDir, GetParam());
  ASSERT_NO_FATAL_FAILURE(CheckShape(scenario));
  clinical::DischargeProtocol protocol;
  if (scenario.contains("protocol")) {
    Validator v("invalid protocol");
    for (const auto& [section, body] : scenario["protocol"].items()) {
      ASSERT_EQ(section, "discharge") << "discharge scenarios override only discharge";
      protocol = clinical_json::ReadDischargeProtocol(body, "protocol.discharge", protocol, v);
    }
    ASSERT_TRUE(v.ok()) << v.Finish().error().ToString();
    ASSERT_TRUE(clinical::ValidateDischargeProtocol(protocol));
  }
  const json& expect = scenario.at("expect");
  for (const auto& [key, value] : expect.items()) {
    ASSERT_TRUE(key == "allowed" || key == "findings" || key == "earliest_at" ||
                key == "error_fields")
        << "unknown expectation " << key;
  }
  auto check = clinical_json::ParseDischargeCheck(scenario.at("input"), "");
  Result<clinical::DischargeVerdict> verdict =
      check ? clinical::EvaluateDischarge(check->input, protocol, check->at.value_or(Instant{}))
            : tl::unexpected(check.error());
  if (expect.contains("error_fields")) {
    ASSERT_FALSE(verdict) << "expected an input error";
    auto want = expect["error_fields"].get<std::vector<std::string>>();
    std::sort(want.begin(), want.end());
    EXPECT_EQ(Fields(verdict.error()), want);
    return;
  }
  ASSERT_TRUE(verdict) << verdict.error().ToString();
  ASSERT_TRUE(expect.contains("allowed") && expect.contains("findings"));
  EXPECT_EQ(verdict->allowed, expect["allowed"].get<bool>());
  EXPECT_EQ(Actual(verdict->findings), Expected(expect["findings"]));
  ExpectTime(expect, "earliest_at", verdict->earliest_at);
}

INSTANTIATE_TEST_SUITE_P(Files, PreInfusionScenario,
                         ::testing::ValuesIn(scenarios::ScenarioNames(kPreDir)),
                         scenarios::TestName);
INSTANTIATE_TEST_SUITE_P(Files, DischargeScenario,
                         ::testing::ValuesIn(scenarios::ScenarioNames(kDischargeDir)),
                         scenarios::TestName);

TEST(CheckScenarios, AreAllThere) {
  EXPECT_GE(scenarios::ScenarioNames(kPreDir).size(), 33U);
  EXPECT_GE(scenarios::ScenarioNames(kDischargeDir).size(), 16U);
}

}  // namespace
}  // namespace ketaclinic
