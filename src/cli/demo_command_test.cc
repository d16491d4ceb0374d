#include "cli/demo_command.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"

#include "store/ids.h"

namespace ketaclinic::cli {
namespace {

class DemoCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ =
        std::filesystem::temp_directory_path() / ("kc_demo_" + store::NewId().substr(0, 8));
    std::filesystem::create_directories(directory_);
    options_.db = "sqlite:" + (directory_ / "demo.db").string();
    options_.patients = 12;
    options_.seed = 42;
    options_.json = true;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(directory_, ec);
  }
  std::filesystem::path directory_;
  DemoCommandOptions options_;
};

TEST_F(DemoCommandTest, WritesAClinicAndSummarizesIt) {
  CommandOutput run = Invoke(options_, RunDemo);
  ASSERT_EQ(run.status, 0) << run.err << run.out;
  const nlohmann::json summary = nlohmann::json::parse(run.out);
  EXPECT_EQ(summary["patients"], 12);
  EXPECT_EQ(summary["seed"], 42);
  EXPECT_EQ(summary["eligible"].get<int>() + summary["not_eligible"].get<int>(), 12);
  EXPECT_GT(summary["sessions"].get<int>(), 0);
  // Without a terminal: one plain progress line per batch.
  EXPECT_NE(run.err.find("demo: 12/12 patients written"), std::string::npos) << run.err;
}

TEST_F(DemoCommandTest, RefusesADatabaseWithPatientsUnlessAppending) {
  ASSERT_EQ(Invoke(options_, RunDemo).status, 0);
  CommandOutput refused = Invoke(options_, RunDemo);
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.out.find("already has 12 patients"), std::string::npos) << refused.out;
  options_.append = true;
  options_.seed = 43;  // another seed: other record ids
  options_.json = false;
  CommandOutput appended = Invoke(options_, RunDemo);
  EXPECT_EQ(appended.status, 0) << appended.err << appended.out;
  EXPECT_NE(appended.out.find("patients          12"), std::string::npos) << appended.out;
}

TEST_F(DemoCommandTest, RefusesABadPatientCount) {
  options_.patients = 0;
  options_.json = false;
  CommandOutput run = Invoke(options_, RunDemo);
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("patients"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace ketaclinic::cli
