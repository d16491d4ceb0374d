#ifndef KETACLINIC_TESTS_SCENARIOS_SCENARIO_FILES_H_
#define KETACLINIC_TESTS_SCENARIOS_SCENARIO_FILES_H_

// What every scenario runner shares: finding the files of one folder, reading one, and naming
// its test after it. Each runner keeps its own expectations.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ketaclinic::scenarios {

// The scenario names (file names without ".json") in `dir`, sorted.
inline std::vector<std::string> ScenarioNames(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The scenario `name` of `dir`, parsed (a malformed file fails its test with nlohmann's message).
inline nlohmann::json LoadScenario(const std::filesystem::path& dir, const std::string& name) {
  std::ifstream file(dir / (name + ".json"));
  std::stringstream text;
  text << file.rdbuf();
  return nlohmann::json::parse(text.str());
}

// "012-bmi-rule" -> "012_bmi_rule": a test name GoogleTest accepts.
inline std::string TestName(const ::testing::TestParamInfo<std::string>& file) {
  std::string name = file.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace ketaclinic::scenarios

#endif  // KETACLINIC_TESTS_SCENARIOS_SCENARIO_FILES_H_
