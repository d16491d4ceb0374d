#include "cli/export_command.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/command_test_util.h"

#include "store/demo_clinic.h"
#include "store/ids.h"
#include "store/store.h"

namespace ketaclinic::cli {
namespace {

std::vector<std::string> Lines(const std::string& csv) {
  std::vector<std::string> lines;
  size_t from = 0;
  for (size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", from)) {
    lines.push_back(csv.substr(from, at - from));
    from = at + 2;
  }
  EXPECT_EQ(from, csv.size()) << "every line ends in CRLF";
  return lines;
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

TEST(ExportCsvTest, QuotesPerRfc4180) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
}

class ExportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ =
        std::filesystem::temp_directory_path() / ("kc_export_" + store::NewId().substr(0, 8));
    std::filesystem::create_directories(directory_);
    options_.db = "sqlite:" + (directory_ / "clinic.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(directory_, ec);
  }
  std::filesystem::path directory_;
  ExportCsvOptions options_;
};

TEST_F(ExportCommandTest, ExportsPseudonymousOutcomeRows) {
  store::DemoOptions demo;
  demo.patients = 25;
  demo.seed = 9;
  Result<store::DemoClinic> clinic = store::GenerateDemoClinic(demo);
  ASSERT_TRUE(clinic);
  {
    Result<std::unique_ptr<store::Store>> opened = store::Store::Open(options_.db);
    ASSERT_TRUE(opened) << opened.error().ToString();
    Status written =
        store::WriteDemoClinic(**opened, store::Actor{"local:test", "admin", "local"}, *clinic);
    ASSERT_TRUE(written) << written.error().ToString();
  }
  CommandOutput run = Invoke(options_, RunExportCsv);
  ASSERT_EQ(run.status, 0) << run.err << run.out;
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_GT(lines.size(), 10u);
  const std::vector<std::string> header = Split(lines[0]);
  ASSERT_EQ(header.size(), 18u);
  EXPECT_EQ(header[0], "patient");
  EXPECT_EQ(header[13], "change");
  int baselines = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> row = Split(lines[i]);
    ASSERT_EQ(row.size(), header.size()) << lines[i];
    EXPECT_EQ(row[0].substr(0, 1), "P");
    // change = total - baseline_total
    EXPECT_EQ(std::stoi(row[13]), std::stoi(row[11]) - std::stoi(row[12])) << lines[i];
    if (row[8] == "baseline") {
      ++baselines;
      EXPECT_EQ(row[13], "0");
    }
    // response is 1 exactly when the category is a response
    EXPECT_EQ(row[16] == "1", row[15] == "response") << lines[i];
  }
  EXPECT_GT(baselines, 0);
  // No names, identifiers or birth dates leave the clinic.
  for (const store::DemoPatient& p : clinic->patients) {
    EXPECT_EQ(run.out.find(p.file.patient.name), std::string::npos) << p.file.patient.name;
    EXPECT_EQ(run.out.find(p.file.patient.identifier + ","), std::string::npos);
    EXPECT_EQ(run.out.find(p.file.patient.meta.id), std::string::npos);
  }

  options_.out_file = (directory_ / "outcomes.csv").string();
  CommandOutput to_file = Invoke(options_, RunExportCsv);
  ASSERT_EQ(to_file.status, 0) << to_file.err;
  std::ifstream in(options_.out_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), run.out);
}

}  // namespace
}  // namespace ketaclinic::cli
