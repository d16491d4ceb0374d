// Eligibility scenarios: each file in tests/scenarios/eligibility/ is one case a clinician can
// read (docs/ELIGIBILITY.md): a patient file under "input", optional protocol changes under
// "protocol" (keys of the protocol file's eligibility section), the moment of the decision under
// "at" (default kDefaultAt), and what must come out under "expect":
//   "verdict": "eligible" | "not-eligible" | "needs-physician-review"
//   "findings": [{"rule": ..., "severity": ...}]   the exact set, nothing more, nothing less
//   "msm": {"score": n, "category": ...} or null   optional
//   "failed_adequate_trials": n                    optional
//   "trials": [{"athf": n, "adequate": b, "failed": b, "in_current_episode": b}]  optional, each
//                                                  key optional, one entry per active trial
//   "error": ["field", ...]                        instead of the above: the input is refused
//                                                  with exactly these fields named
// An unknown key anywhere in a scenario fails it.

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

#include "clinical/eligibility.h"
#include "clinical_json/eligibility_protocol_json.h"
#include "clinical_json/patient_json.h"
#include "json/json_reader.h"

namespace ketaclinic {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kDefaultAt = "2026-12-01T09:00:00Z";
// Deleting scenarios must fail the build's tests, not silently shrink the coverage.
constexpr size_t kMinimumScenarios = 40;

fs::path Folder() { return fs::path(KC_SCENARIOS_DIR) / "eligibility"; }

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> names;
  if (!fs::is_directory(Folder())) return names;
  for (const auto& entry : fs::directory_iterator(Folder())) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void ExpectOnlyKeys(const json& object, const std::set<std::string>& known,
                    const std::string& what) {
  ASSERT_TRUE(object.is_object()) << what << " must be an object";
  for (const auto& [key, value] : object.items()) {
    EXPECT_TRUE(known.count(key) > 0) << "unknown key '" << key << "' in " << what;
  }
}

std::set<std::string> ErrorFields(const Error& error) {
  std::set<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.insert(p.field);
  return fields;
}

std::string Describe(const clinical::EligibilityVerdict& verdict) {
  std::string text =
      std::string("got ") + clinical::EligibilityOutcomeName(verdict.outcome) + ":\n";
  for (const clinical::Finding& f : verdict.findings) {
    text += std::string("  ") + clinical::SeverityName(f.severity) + " " + f.rule_id + ": " +
            f.message + "\n";
  }
  return text;
}

class EligibilityScenario : public testing::TestWithParam<std::string> {};

TEST_P(EligibilityScenario, Holds) {
  const fs::path path = Folder() / GetParam();
  auto parsed = json_read::ParseJsonText(ReadFile(path), "invalid scenario");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  const json& scenario = *parsed;
  ExpectOnlyKeys(scenario, {"title", "description", "protocol", "at", "input", "expect"},
                 "the scenario");
  ASSERT_TRUE(scenario.contains("title") && scenario["title"].is_string());
  ASSERT_TRUE(scenario.contains("description") && scenario["description"].is_string());
  ASSERT_FALSE(scenario["description"].get<std::string>().empty());
  ASSERT_TRUE(scenario.contains("input")) << "no input";
  ASSERT_TRUE(scenario.contains("expect")) << "no expect";
  const json& expect = scenario["expect"];
  ExpectOnlyKeys(expect,
                 {"verdict", "findings", "msm", "failed_adequate_trials", "trials", "error"},
                 "expect");

  clinical::EligibilityProtocol protocol;
  if (scenario.contains("protocol")) {
    Validator v("invalid protocol");
    protocol = clinical_json::ReadEligibilityProtocol(scenario["protocol"], "protocol",
                                                      clinical::EligibilityProtocol{}, v);
    ASSERT_TRUE(v.ok()) << v.Finish().error().ToString();
    auto valid = clinical::ValidateEligibilityProtocol(protocol);
    ASSERT_TRUE(valid.has_value()) << valid.error().ToString();
  }
  const std::string at_text = scenario.value("at", std::string(kDefaultAt));
  auto at = ParseRfc3339(at_text, "at");
  ASSERT_TRUE(at.has_value()) << at.error().ToString();

  auto file = clinical_json::PatientFileFromJson(scenario["input"]);
  if (expect.contains("error")) {
    ASSERT_EQ(expect.size(), 1u) << "an error expectation stands alone";
    ASSERT_FALSE(file.has_value()) << "the input was accepted";
    const std::set<std::string> expected = expect["error"].get<std::set<std::string>>();
    EXPECT_EQ(ErrorFields(file.error()), expected) << file.error().ToString();
    return;
  }
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  auto verdict = clinical::EvaluateEligibility(file->patient, protocol, *at, file->overrides);
  ASSERT_TRUE(verdict.has_value()) << verdict.error().ToString();

  ASSERT_TRUE(expect.contains("verdict")) << "expect.verdict is required";
  EXPECT_EQ(clinical::EligibilityOutcomeName(verdict->outcome),
            expect["verdict"].get<std::string>())
      << Describe(*verdict);

  ASSERT_TRUE(expect.contains("findings")) << "expect.findings is required";
  std::set<std::pair<std::string, std::string>> wanted, got;
  for (const json& f : expect["findings"]) {
    ExpectOnlyKeys(f, {"rule", "severity"}, "an expected finding");
    EXPECT_TRUE(
        wanted.insert({f.at("rule").get<std::string>(), f.at("severity").get<std::string>()})
            .second)
        << "listed twice: " << f.dump();
  }
  for (const clinical::Finding& f : verdict->findings) {
    got.insert({f.rule_id, clinical::SeverityName(f.severity)});
  }
  EXPECT_EQ(got, wanted) << Describe(*verdict);

  if (expect.contains("msm")) {
    if (expect["msm"].is_null()) {
      EXPECT_FALSE(verdict->msm.has_value()) << "an MSM score was computed";
    } else {
      ExpectOnlyKeys(expect["msm"], {"score", "category"}, "expect.msm");
      ASSERT_TRUE(verdict->msm.has_value()) << "no MSM score";
      EXPECT_EQ(verdict->msm.value_or(clinical::MsmScore{}).total,
                expect["msm"].at("score").get<int>())
          << Describe(*verdict);
      EXPECT_EQ(verdict->msm.value_or(clinical::MsmScore{}).category,
                expect["msm"].at("category").get<std::string>());
    }
  }
  if (expect.contains("failed_adequate_trials")) {
    EXPECT_EQ(verdict->failed_adequate_trials, expect["failed_adequate_trials"].get<int>());
  }
  if (expect.contains("trials")) {
    const json& trials = expect["trials"];
    ASSERT_EQ(trials.size(), verdict->trials.size());
    for (size_t i = 0; i < trials.size(); ++i) {
      ExpectOnlyKeys(trials[i], {"athf", "adequate", "failed", "in_current_episode"},
                     "an expected trial");
      const clinical::TrialAssessment& t = verdict->trials[i];
      if (trials[i].contains("athf")) {
        EXPECT_EQ(t.rating.athf, trials[i]["athf"].get<int>())
            << "trial " << i << ": " << t.rating.basis;
      }
      if (trials[i].contains("adequate")) {
        EXPECT_EQ(t.rating.adequate, trials[i]["adequate"].get<bool>()) << "trial " << i;
      }
      if (trials[i].contains("failed")) {
        EXPECT_EQ(t.rating.failed, trials[i]["failed"].get<bool>()) << "trial " << i;
      }
      if (trials[i].contains("in_current_episode")) {
        EXPECT_EQ(t.in_current_episode, trials[i]["in_current_episode"].get<bool>())
            << "trial " << i;
      }
    }
  }
}

TEST(EligibilityScenarios, EnoughScenariosNamedByNumber) {
  const std::vector<std::string> files = ScenarioFiles();
  EXPECT_GE(files.size(), kMinimumScenarios);
  std::set<std::string> numbers;
  for (const std::string& name : files) {
    // NNN-short-name.json
    ASSERT_GE(name.size(), 10u) << name;
    EXPECT_TRUE(std::all_of(name.begin(), name.begin() + 3, ::isdigit) && name[3] == '-') << name;
    EXPECT_TRUE(numbers.insert(name.substr(0, 3)).second) << "number used twice: " << name;
  }
}

std::string TestName(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 5);  // without ".json"
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, EligibilityScenario, testing::ValuesIn(ScenarioFiles()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(EligibilityScenario);

}  // namespace
}  // namespace ketaclinic
