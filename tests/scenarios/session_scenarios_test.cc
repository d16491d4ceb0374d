// Runs every session scenario in tests/scenarios/session: a replay file (the same format as
// `ketaclinic session replay`, docs/formats/session-replay-file.md) under "input", with what a
// clinician worked out by hand in the description under "expect":
//   final_state, delivered_mg (+- 0.01), protocol_version,
//   alarms: [{event, rule, level}]       the exact set raised over the whole replay,
//   rejected: [event index, ...]         exactly the rejected events,
//   findings: [{event, rule, severity}]  the exact set of verdict findings (pre-infusion gates,
//                                        discharge checklist) of accepted events,
//   states: [state after each event], delivered_mg_by_event / rate_by_event: {"index": number},
//   rejection_contains: {"index": "text in the reason"},
//   error_fields: [path, ...]            the file is invalid, with exactly these problems.
// An unknown expectation key fails the scenario.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clinical/session.h"
#include "clinical_json/session_json.h"
#include "scenario_files.h"

namespace ketaclinic {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kDir = fs::path(KC_SCENARIOS_DIR) / "session";

using Triple = std::tuple<size_t, std::string, std::string>;

std::vector<Triple> Sorted(std::vector<Triple> items) {
  std::sort(items.begin(), items.end());
  return items;
}

size_t IndexOf(const std::string& key, size_t count) {
  const size_t index = std::stoul(key);
  EXPECT_LT(index, count) << "no event " << key;
  return std::min(index, count - 1);
}

class SessionScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(SessionScenario, MatchesTheHandWorkedReplay) {
  const json scenario = scenarios::LoadScenario(kDir, GetParam());
  for (const auto& [key, value] : scenario.items()) {
    ASSERT_TRUE(key == "title" || key == "description" || key == "input" || key == "expect")
        << "unknown scenario key " << key;
  }
  ASSERT_TRUE(scenario.contains("title") && scenario.contains("description"));
  const json& expect = scenario.at("expect");

  auto input = clinical_json::ParseSessionReplay(scenario.at("input"), "input");
  if (expect.contains("error_fields")) {
    ASSERT_EQ(expect.size(), 1u) << "an invalid file has no other expectations";
    ASSERT_FALSE(input) << "expected an invalid file";
    std::vector<std::string> fields;
    for (const FieldProblem& p : input.error().problems()) fields.push_back(p.field);
    EXPECT_EQ(fields, expect["error_fields"].get<std::vector<std::string>>())
        << input.error().ToString();
    return;
  }
  ASSERT_TRUE(input) << input.error().ToString();
  auto result = clinical::ReplaySession(*input);
  ASSERT_TRUE(result) << result.error().ToString();
  const auto& steps = result->steps;
  ASSERT_FALSE(steps.empty());

  // Every reason, to read when an expectation fails.
  std::string trace;
  for (const auto& s : steps) {
    trace += std::to_string(s.index) + " " + clinical::SessionEventTypeName(s.type) + " -> " +
             clinical::SessionStateName(s.state) + (s.accepted ? "" : " REJECTED " + s.rejection);
    for (const auto& a : s.alarms) trace += " [" + a.rule_id + ": " + a.message + "]";
    trace += "\n";
  }
  SCOPED_TRACE(trace);

  for (const auto& [key, value] : expect.items()) {
    if (key == "final_state") {
      EXPECT_EQ(clinical::SessionStateName(result->final_state), value.get<std::string>());
    } else if (key == "delivered_mg") {
      EXPECT_NEAR(result->delivered_mg, value.get<double>(), 0.01);
    } else if (key == "protocol_version") {
      EXPECT_EQ(result->protocol_version, value.get<std::string>());
    } else if (key == "alarms") {
      std::vector<Triple> expected, got;
      for (const json& a : value) expected.emplace_back(a.at("event"), a.at("rule"), a.at("level"));
      for (const auto& s : steps) {
        for (const auto& a : s.alarms) {
          got.emplace_back(s.index, a.rule_id, clinical::AlarmLevelName(a.level));
        }
      }
      EXPECT_EQ(Sorted(got), Sorted(expected));
    } else if (key == "rejected") {
      std::vector<size_t> got;
      for (const auto& s : steps) {
        if (!s.accepted) got.push_back(s.index);
      }
      EXPECT_EQ(got, value.get<std::vector<size_t>>());
    } else if (key == "findings") {
      std::vector<Triple> expected, got;
      for (const json& f : value)
        expected.emplace_back(f.at("event"), f.at("rule"), f.at("severity"));
      for (const auto& s : steps) {
        for (const auto& f : s.findings) {
          got.emplace_back(s.index, f.rule_id, clinical::SeverityName(f.severity));
        }
      }
      EXPECT_EQ(Sorted(got), Sorted(expected));
    } else if (key == "states") {
      std::vector<std::string> got;
      got.reserve(steps.size());
      for (const auto& s : steps) got.emplace_back(clinical::SessionStateName(s.state));
      EXPECT_EQ(got, value.get<std::vector<std::string>>());
    } else if (key == "delivered_mg_by_event") {
      for (const auto& [index, mg] : value.items()) {
        EXPECT_NEAR(steps[IndexOf(index, steps.size())].delivered_mg, mg.get<double>(), 0.01)
            << "event " << index;
      }
    } else if (key == "rate_by_event") {
      for (const auto& [index, rate] : value.items()) {
        EXPECT_NEAR(steps[IndexOf(index, steps.size())].rate_ml_per_h, rate.get<double>(), 1e-9)
            << "event " << index;
      }
    } else if (key == "rejection_contains") {
      for (const auto& [index, text] : value.items()) {
        const auto& step = steps[IndexOf(index, steps.size())];
        EXPECT_FALSE(step.accepted) << "event " << index;
        EXPECT_NE(step.rejection.find(text.get<std::string>()), std::string::npos)
            << "event " << index << ": " << step.rejection;
      }
    } else {
      ADD_FAILURE() << "unknown expectation " << key;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, SessionScenario,
                         ::testing::ValuesIn(scenarios::ScenarioNames(kDir)), scenarios::TestName);

TEST(SessionScenarios, AreAllThere) { EXPECT_GE(scenarios::ScenarioNames(kDir).size(), 48u); }

}  // namespace
}  // namespace ketaclinic
