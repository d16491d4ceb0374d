// Runs every dose scenario in tests/scenarios/dose: a dose request (and optional protocol
// overrides) with the plan a clinician worked out by hand in the file's description.

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

#include "clinical/dosing.h"
#include "clinical_json/dose_json.h"
#include "clinical_json/dose_protocol_json.h"
#include "scenario_files.h"

namespace ketaclinic {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kDir = fs::path(KC_SCENARIOS_DIR) / "dose";

using RuleAndSeverity = std::pair<std::string, std::string>;

std::vector<RuleAndSeverity> Sorted(std::vector<RuleAndSeverity> items) {
  std::sort(items.begin(), items.end());
  return items;
}

class DoseScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(DoseScenario, MatchesTheHandWorkedPlan) {
  const json scenario = scenarios::LoadScenario(kDir, GetParam());
  for (const auto& [key, value] : scenario.items()) {
    ASSERT_TRUE(key == "title" || key == "description" || key == "protocol" || key == "input" ||
                key == "expect")
        << "unknown scenario key " << key;
  }
  ASSERT_TRUE(scenario.contains("title") && scenario.contains("description"));

  clinical::DoseProtocol protocol;
  if (scenario.contains("protocol")) {
    Validator v("invalid protocol");
    for (const auto& [section, body] : scenario["protocol"].items()) {
      ASSERT_EQ(section, "dosing") << "dose scenarios override only the dosing section";
      protocol = clinical_json::ReadDoseProtocol(body, "protocol.dosing", protocol, v);
    }
    ASSERT_TRUE(v.ok()) << v.Finish().error().ToString();
    ASSERT_TRUE(clinical::ValidateDoseProtocol(protocol))
        << clinical::ValidateDoseProtocol(protocol).error().ToString();
  }
  const json& expect = scenario.at("expect");
  auto request = clinical_json::ParseDoseRequest(scenario.at("input"), "");
  ASSERT_TRUE(request) << request.error().ToString();
  auto plan = clinical::PlanDose(*request, protocol);

  if (expect.contains("error_fields")) {
    ASSERT_FALSE(plan) << "expected an input error";
    std::vector<std::string> fields;
    for (const FieldProblem& p : plan.error().problems()) fields.push_back(p.field);
    EXPECT_EQ(fields, expect["error_fields"].get<std::vector<std::string>>());
    return;
  }
  ASSERT_TRUE(plan) << plan.error().ToString();
  const json actual = clinical_json::DosePlanToJson(*plan);
  for (const auto& [key, value] : expect.items()) {
    if (key == "findings") {
      std::vector<RuleAndSeverity> expected, got;
      for (const json& f : value) expected.emplace_back(f.at("rule"), f.at("severity"));
      for (const clinical::Finding& f : plan->findings) {
        got.emplace_back(f.rule_id, clinical::SeverityName(f.severity));
      }
      EXPECT_EQ(Sorted(got), Sorted(expected));
    } else if (value.is_number()) {
      ASSERT_TRUE(actual.contains(key)) << "unknown expectation " << key;
      const double want = value.get<double>();
      EXPECT_NEAR(actual[key].get<double>(), want, 1e-6 * std::max(1.0, std::abs(want))) << key;
    } else {
      ASSERT_TRUE(actual.contains(key)) << "unknown expectation " << key;
      EXPECT_EQ(actual[key], value) << key;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, DoseScenario, ::testing::ValuesIn(scenarios::ScenarioNames(kDir)),
                         scenarios::TestName);

TEST(DoseScenarios, AreAllThere) { EXPECT_GE(scenarios::ScenarioNames(kDir).size(), 22u); }

}  // namespace
}  // namespace ketaclinic
