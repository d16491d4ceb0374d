// The commands as a user runs them, without a process: options in, text out, exit status.

#include "cli/commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"
#include "pk/engine.h"
#include "pk/registry.h"
#include "pk/simulate.h"

namespace ketaclinic::cli {
namespace {

using Output = CommandOutput;

std::string TempFile(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("ketaclinic_test_" + name);
  std::ofstream(path) << text;
  return path.string();
}

SimulateOptions Standard() {
  SimulateOptions options;
  options.model.name = "kamp";
  options.weight_kg = 70;
  options.dose.dose_mg_per_kg = 0.5;
  options.dose.over_min = 40;
  return options;
}

TEST(SimulateCommandTest, CsvHasOneRowPerStepWithTheLibrarysValues) {
  SimulateOptions options = Standard();
  options.format = Format::kCsv;
  const Output result = Invoke(options, RunSimulate);
  ASSERT_EQ(result.status, 0) << result.err;
  std::istringstream lines(result.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "time_min,plasma_ng_per_ml,effect_ng_per_ml");
  std::vector<std::string> rows;
  while (std::getline(lines, line)) rows.push_back(line);
  ASSERT_EQ(rows.size(), 241u);
  const pk::Engine engine = pk::Engine::Create(*pk::Individualize(*pk::FindModel("kamp"), 70));
  auto curve = pk::Simulate(engine, pk::ConstantInfusion(35, 40), {240, 1});
  double t, cp, ce;
  ASSERT_EQ(std::sscanf(rows[40].c_str(), "%lf,%lf,%lf", &t, &cp, &ce), 3);
  EXPECT_EQ(t, 40);
  EXPECT_EQ(cp, curve->plasma_ng_per_ml[40]);  // printed with 17 digits: exact round trip
  EXPECT_EQ(ce, curve->effect_ng_per_ml[40]);
}

TEST(SimulateCommandTest, JsonCarriesTheSummaryAndTheSchedule) {
  SimulateOptions options = Standard();
  options.format = Format::kJson;
  const Output result = Invoke(options, RunSimulate);
  ASSERT_EQ(result.status, 0);
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["model"], "kamp");
  EXPECT_DOUBLE_EQ(json["total_dose_mg"].get<double>(), 35);
  EXPECT_EQ(json["points"].size(), 241u);
  EXPECT_EQ(json["plasma"]["tmax_min"], 40);
  EXPECT_EQ(json["method"], "modal");
}

TEST(SimulateCommandTest, TableNamesTheModelAndWarnsOutsideItsData) {
  SimulateOptions options = Standard();
  options.model.name = "herd";
  const Output result = Invoke(options, RunSimulate);
  ASSERT_EQ(result.status, 0);
  EXPECT_NE(result.out.find("Herd 2007"), std::string::npos);
  EXPECT_NE(result.out.find("warning: Herd 2007 (paediatric) is a paediatric model"),
            std::string::npos);
}

TEST(SimulateCommandTest, BadInputIsExitStatusTwoNamingEveryField) {
  SimulateOptions options;
  options.model.name = "kamp";
  options.dose.dose_mg_per_kg = 0.5;  // no --over-min, no --weight-kg
  Output result = Invoke(options, RunSimulate);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("--weight-kg"), std::string::npos);

  options.weight_kg = 70;
  options.format = Format::kJson;
  result = Invoke(options, RunSimulate);
  EXPECT_EQ(result.status, 2);
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["error"]["problems"][0]["field"], "--over-min");

  options = Standard();
  options.weight_kg = -3;
  options.step_min = 0;
  result = Invoke(options, RunSimulate);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("weight_kg"), std::string::npos);

  options = Standard();
  options.step_min = 0;
  result = Invoke(options, RunSimulate);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("--step-min"), std::string::npos);

  options = Standard();
  options.model.name = "propofol";
  result = Invoke(options, RunSimulate);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("domino"), std::string::npos);

  options = Standard();
  options.dose.schedule_file = "/nonexistent/schedule.json";
  result = Invoke(options, RunSimulate);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("either --schedule"), std::string::npos);
}

TEST(SimulateCommandTest, ReadsScheduleAndModelFiles) {
  SimulateOptions options;
  options.model.file = TempFile("model.json", R"({
    "name": "test-model", "compartments": 2, "v1_l": 20, "v2_l": 60,
    "cl_l_per_min": 1.2, "q2_l_per_min": 2, "ke0_per_min": 0.5})");
  options.weight_kg = 70;
  options.dose.schedule_file = TempFile("schedule.json", R"({"events": [
    {"type": "bolus", "at_min": 0, "dose_mg": 20},
    {"type": "infusion", "start_min": 0, "duration_min": 40, "rate_mg_per_min": 0.875}]})");
  options.format = Format::kJson;
  const Output result = Invoke(options, RunSimulate);
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_DOUBLE_EQ(json["total_dose_mg"].get<double>(), 55);
  EXPECT_DOUBLE_EQ(json["points"][0]["plasma_ng_per_ml"].get<double>(), 20.0 / 20 * 1000);
}

// Decrement time against the curve itself: on a 0.01-min grid, the last crossing of 100 ng/mL.
TEST(SimulateCommandTest, ReportsTimeAboveAndDecrementTimes) {
  SimulateOptions options = Standard();
  options.thresholds_ng_per_ml = {100};
  options.format = Format::kJson;
  const Output result = Invoke(options, RunSimulate);
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  const auto json = nlohmann::json::parse(result.out)["thresholds"][0];
  const pk::Engine engine = pk::Engine::Create(*pk::Individualize(*pk::FindModel("kamp"), 70));
  auto fine = pk::Simulate(engine, pk::ConstantInfusion(35, 40), {240, 0.01});
  double last_above = 0;
  for (size_t i = 0; i < fine->time_min.size(); ++i) {
    if (fine->plasma_ng_per_ml[i] > 100) last_above = fine->time_min[i];
  }
  EXPECT_NEAR(json["plasma_decrement_min"].get<double>(), last_above - 40, 0.011);
  EXPECT_GT(json["plasma_min_above"].get<double>(), 40);  // above from ~5 to ~57 min
  EXPECT_LT(json["plasma_min_above"].get<double>(), 60);

  options.thresholds_ng_per_ml = {-1};
  options.format = Format::kTable;
  const Output bad = Invoke(options, RunSimulate);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--threshold-ng-per-ml[0]"), std::string::npos);
}

TEST(SimulateCommandTest, WritesAnSvgPlot) {
  SimulateOptions options = Standard();
  options.plot_file = TempFile("plot.svg", "");
  ASSERT_EQ(Invoke(options, RunSimulate).status, 0);
  std::ifstream file(options.plot_file);
  std::string svg((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("effect site"), std::string::npos);
}

TEST(TciCommandTest, PlansAndReportsTheDeliveredDose) {
  TciOptions options;
  options.model.name = "kamp";
  options.weight_kg = 70;
  options.target_ng_per_ml = 150;
  options.target_changes = {"30:100"};
  options.for_min = 45;
  options.format = Format::kJson;
  const Output result = Invoke(options, RunTci);
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  const auto json = nlohmann::json::parse(result.out);
  double total = 0;
  for (const auto& s : json["segments"]) {
    total += s["rate_mg_per_min"].get<double>() * s["duration_min"].get<double>();
  }
  EXPECT_NEAR(json["delivered_mg"].get<double>(), total, 1e-9);
  EXPECT_GT(total, 10);
}

TEST(TciCommandTest, RejectsBadOptionsNamingThem) {
  TciOptions options;
  options.model.name = "kamp";
  options.weight_kg = 70;
  options.mode = "brain";
  options.target_changes = {"soon"};
  const Output result = Invoke(options, RunTci);
  EXPECT_EQ(result.status, 2);
  for (const char* field : {"--mode", "--target-ng-per-ml", "--target-change"}) {
    EXPECT_NE(result.err.find(field), std::string::npos) << field;
  }
}

TEST(PopulationCommandTest, SummarizesAndWritesSubjects) {
  PopulationOptions options;
  options.model.name = "herd";
  options.weight_kg = 25;
  options.dose.dose_mg_per_kg = 0.5;
  options.dose.over_min = 40;
  options.subjects = 300;
  options.thresholds_ng_per_ml = {100};
  options.subjects_out = TempFile("subjects.csv", "");
  options.format = Format::kJson;
  const Output result = Invoke(options, RunPopulation);
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["per_time"].size(), 241u);
  const auto& at40 = json["per_time"][40];
  EXPECT_LE(at40["plasma_percentiles_ng_per_ml"]["5"].get<double>(),
            at40["plasma_percentiles_ng_per_ml"]["50"].get<double>());
  EXPECT_LE(at40["plasma_percentiles_ng_per_ml"]["50"].get<double>(),
            at40["plasma_percentiles_ng_per_ml"]["95"].get<double>());
  std::ifstream subjects(options.subjects_out);
  std::string line;
  int count = -1;
  while (std::getline(subjects, line)) ++count;
  EXPECT_EQ(count, 300);
}

TEST(PopulationCommandTest, NeedsVariability) {
  PopulationOptions options;
  options.model.name = "kamp";
  options.weight_kg = 70;
  options.dose.dose_mg_per_kg = 0.5;
  options.dose.over_min = 40;
  Output result = Invoke(options, RunPopulation);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("--cv"), std::string::npos);
  options.cv = "cl=0.3,v9=0.1,v1=abc";
  result = Invoke(options, RunPopulation);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("cv.v9"), std::string::npos);
  EXPECT_NE(result.err.find("cv.v1"), std::string::npos);
  options.cv = "cl=0.3,v1=0.2";
  EXPECT_EQ(Invoke(options, RunPopulation).status, 0);
}

TEST(ModelsCommandTest, ListsEveryModelWithItsCitation) {
  Output result = Invoke(ModelsOptions{}, RunModels);
  ASSERT_EQ(result.status, 0);
  for (const pk::ModelDefinition& m : pk::BuiltInModels()) {
    EXPECT_NE(result.out.find(m.citation), std::string::npos) << m.name;
  }
  result = Invoke(ModelsOptions{Format::kJson, ""}, RunModels);
  ASSERT_EQ(result.status, 0);
  EXPECT_EQ(nlohmann::json::parse(result.out)["models"].size(), pk::BuiltInModels().size());
}

}  // namespace
}  // namespace ketaclinic::cli
