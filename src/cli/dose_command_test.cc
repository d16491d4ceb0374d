// `ketaclinic dose` as a user runs it: JSON fields, exit statuses, unit conversion.

#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"
#include "cli/commands.h"

namespace ketaclinic::cli {
namespace {

using Output = CommandOutput;

Output RunDoseCommand(const DoseOptions& options) { return Invoke(options, RunDose); }

DoseOptions Standard() {
  DoseOptions options;
  options.weight_kg = 70;
  options.height_cm = 175;
  options.sex = "male";
  options.mg_per_kg = 0.5;
  options.format = Format::kJson;
  return options;
}

TEST(DoseCommandTest, JsonHasTheDoseThePumpAndTheFindings) {
  const Output result = RunDoseCommand(Standard());
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["dose_mg"], 35);
  EXPECT_EQ(json["basis_weight_kg"], 70);
  EXPECT_EQ(json["weight_basis"], "actual");
  EXPECT_EQ(json["draw_ml"], 3.5);
  EXPECT_EQ(json["rate_ml_per_h"], 155.25);  // 103.5 mL over 40 min
  EXPECT_EQ(json["rate_mg_per_min"], 0.875);
  ASSERT_FALSE(json["findings"].empty());
  EXPECT_EQ(json["findings"][0]["rule"], "dose.double-check");
  EXPECT_EQ(json["findings"][0]["severity"], "info");
  EXPECT_GT(json["predicted"]["plasma_cmax_ng_per_ml"].get<double>(), 100);
}

TEST(DoseCommandTest, AboveTheHardMaximumExitsNonZero) {
  DoseOptions options = Standard();
  options.mg_per_kg = 1.2;
  const Output result = RunDoseCommand(options);
  EXPECT_EQ(result.status, 3);
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_TRUE(json["blocked"].get<bool>());
  bool hard = false;
  for (const auto& f : json["findings"]) hard |= f["rule"] == "dose.hard-max";
  EXPECT_TRUE(hard);
}

// 154.324 lb × 0.45359237 = 70.000 kg.
TEST(DoseCommandTest, PoundsAreConvertedExplicitly) {
  DoseOptions options = Standard();
  options.weight_kg.reset();
  options.weight_lb = 154.32358;
  options.format = Format::kTable;
  const Output result = RunDoseCommand(options);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("154.3 lb = 70.00 kg"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("dose 35.0 mg"), std::string::npos);
  options.weight_kg = 70;  // both: refused
  EXPECT_EQ(RunDoseCommand(options).status, 2);
}

TEST(DoseCommandTest, BadInputNamesEveryFlag) {
  DoseOptions options;
  options.sex = "x";
  options.format = Format::kTable;
  const Output result = RunDoseCommand(options);
  EXPECT_EQ(result.status, 2);
  for (const char* flag : {"--weight-kg", "--sex", "--height-cm", "--mg-per-kg"}) {
    EXPECT_NE(result.err.find(flag), std::string::npos) << flag;
  }
  options = Standard();
  options.mg_per_kg = 35;  // a total dose typed as mg/kg
  options.format = Format::kTable;
  const Output slip = RunDoseCommand(options);
  EXPECT_EQ(slip.status, 2);
  EXPECT_NE(slip.err.find("--mg-per-kg"), std::string::npos);
}

TEST(DoseCommandTest, SoftLimitOverrideIsRecorded) {
  DoseOptions options = Standard();
  options.mg_per_kg = 0.9;
  auto json = nlohmann::json::parse(RunDoseCommand(options).out);
  bool warned = false;
  for (const auto& f : json["findings"]) warned |= f["rule"] == "dose.soft-limit";
  EXPECT_TRUE(warned);
  options.override_physician = "dr-lee";
  options.override_reason = "partial response at 0.75 mg/kg";
  json = nlohmann::json::parse(RunDoseCommand(options).out);
  bool overridden = false;
  for (const auto& f : json["findings"]) overridden |= f["rule"] == "dose.soft-limit.overridden";
  EXPECT_TRUE(overridden);
}

}  // namespace
}  // namespace ketaclinic::cli
