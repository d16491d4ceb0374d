// `ketaclinic score` as a user runs it, without a process. Expected totals are worked by hand
// from the published scoring rules (docs/SCALES.md).

#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"
#include "cli/commands.h"

namespace ketaclinic::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using Output = CommandOutput;

Output Score(const std::string& scale, std::vector<std::string> items, Format format) {
  return Invoke(ScoreOptions{scale, std::move(items), format}, RunScore);
}

TEST(ScoreCommandTest, JsonHasTotalBandItemsAndFindings) {
  // PHQ-9 1+2+3+0+1+2+0+1+1 = 11: moderate (10-14); item 9 = 1 flags suicide risk.
  const Output result = Score("phq9", {"1", "2", "3", "0", "1", "2", "0", "1", "1"}, Format::kJson);
  ASSERT_EQ(result.status, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["scale"], "phq9");
  EXPECT_EQ(json["total"], 11);
  EXPECT_EQ(json["band"], "moderate");
  EXPECT_EQ(json["items"], nlohmann::json({1, 2, 3, 0, 1, 2, 0, 1, 1}));
  ASSERT_EQ(json["findings"].size(), 1u);
  EXPECT_EQ(json["findings"][0]["rule"], "suicide-risk.phq9-item9");
  EXPECT_EQ(json["findings"][0]["severity"], "warning");
  EXPECT_THAT(json["findings"][0]["message"].get<std::string>(), HasSubstr("C-SSRS"));
  EXPECT_THAT(json["findings"][0]["source"].get<std::string>(), HasSubstr("§2.1"));
}

TEST(ScoreCommandTest, ScaleNameIsCaseInsensitiveAndItemsMayHaveSpaces) {
  // GAD-7 3+3+3+3+3+0+0 = 15: severe (15-21).
  const Output result = Score("GAD7", {" 3", "3 ", "3", "3", "3", "0", "0"}, Format::kJson);
  ASSERT_EQ(result.status, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["scale"], "gad7");
  EXPECT_EQ(json["total"], 15);
  EXPECT_EQ(json["band"], "severe");
  EXPECT_TRUE(json["findings"].empty());
}

TEST(ScoreCommandTest, JsonCarriesSubscores) {
  // QIDS-SR16: sleep max(0,0,0,2) = 2, q5 1, appetite max(0,0,0,0) = 0, q10 1: total 4, none.
  const Output result = Score(
      "qids-sr16", {"0", "0", "0", "2", "1", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0"},
      Format::kJson);
  ASSERT_EQ(result.status, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["total"], 4);
  EXPECT_EQ(json["band"], "none");
  ASSERT_EQ(json["subscores"].size(), 9u);
  EXPECT_EQ(json["subscores"][0], nlohmann::json({{"name", "sleep"}, {"score", 2}}));
}

TEST(ScoreCommandTest, BlockingFindingStillExitsZero) {
  // MOAA/S 1 (no response to mild prodding) <= 2: a blocking finding, but status 0.
  const Output result = Score("moaas", {"1"}, Format::kJson);
  EXPECT_EQ(result.status, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["band"], "no response to mild prodding");
  ASSERT_EQ(json["findings"].size(), 1u);
  EXPECT_EQ(json["findings"][0]["severity"], "block");
  EXPECT_EQ(json["findings"][0]["rule"], "sedation.moaas-stop");
}

TEST(ScoreCommandTest, TablePrintsTheSameReadably) {
  // C-SSRS screener: yes to 1, 2 and 4 -> high risk, a block.
  const Output result = Score("cssrs-screener", {"1", "1", "0", "1", "0", "0"}, Format::kTable);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("scale:     C-SSRS screener (cssrs-screener)\n"));
  EXPECT_THAT(result.out, HasSubstr("total:     3 (range 0-6)\n"));
  EXPECT_THAT(result.out, HasSubstr("band:      high\n"));
  EXPECT_THAT(result.out, HasSubstr("items:     1,1,0,1,0,0\n"));
  EXPECT_THAT(result.out, HasSubstr("  BLOCK suicide-risk.cssrs-high: "));
  EXPECT_THAT(result.out, HasSubstr("    source: clinical.md §2.8"));
}

TEST(ScoreCommandTest, TableWithoutFindings) {
  // MADRS 10 x 0 = 0: normal.
  const Output result =
      Score("madrs", {"0", "0", "0", "0", "0", "0", "0", "0", "0", "0"}, Format::kTable);
  ASSERT_EQ(result.status, 0);
  EXPECT_THAT(result.out, HasSubstr("band:      normal\n"));
  EXPECT_THAT(result.out, HasSubstr("findings:  none\n"));
  EXPECT_THAT(result.out, Not(HasSubstr("subscores:")));
}

TEST(ScoreCommandTest, InvalidItemsNameEachBadItemAsJson) {
  // PHQ-9 with 8 items: "x" is not a number, 5 and -1 are out of 0-3.
  const Output result = Score("phq9", {"0", "x", "5", "0", "-1", "0", "0", "0"}, Format::kJson);
  EXPECT_EQ(result.status, 2);
  const auto json = nlohmann::json::parse(result.out);
  const auto& problems = json["error"]["problems"];
  ASSERT_EQ(problems.size(), 4u) << result.out;
  EXPECT_EQ(problems[0],
            nlohmann::json({{"field", "items"}, {"reason", "PHQ-9 has 9 items, got 8"}}));
  EXPECT_EQ(problems[1], nlohmann::json({{"field", "items[1]"},
                                         {"reason", "must be a whole number, got 'x' (item 2)"}}));
  EXPECT_EQ(problems[2],
            nlohmann::json({{"field", "items[2]"}, {"reason", "must be 0-3, got 5 (item 3)"}}));
  EXPECT_EQ(problems[3],
            nlohmann::json({{"field", "items[4]"}, {"reason", "must be 0-3, got -1 (item 5)"}}));
  EXPECT_EQ(json["error"]["code"], "invalid_argument");
}

TEST(ScoreCommandTest, InvalidItemsAsTextOnStderr) {
  const Output result = Score("moaas", {"6"}, Format::kTable);
  EXPECT_EQ(result.status, 2);
  EXPECT_TRUE(result.out.empty());
  EXPECT_THAT(result.err, HasSubstr("items[0]: must be 0-5, got 6 (item 1)"));
}

TEST(ScoreCommandTest, NonNumbersAreRejected) {
  for (const char* bad : {"1.5", "", "two", "3x", "99999999999"}) {
    const Output result = Score("moaas", {bad}, Format::kTable);
    EXPECT_EQ(result.status, 2) << bad;
    EXPECT_THAT(result.err, HasSubstr("items[0]: must be a whole number")) << bad;
  }
}

TEST(ScoreCommandTest, UnknownScaleListsTheNamesAndTheBadItems) {
  const Output result = Score("hamd", {"1", "y"}, Format::kJson);
  EXPECT_EQ(result.status, 2);
  const auto json = nlohmann::json::parse(result.out);
  const auto& problems = json["error"]["problems"];
  ASSERT_EQ(problems.size(), 2u) << result.out;
  EXPECT_EQ(problems[0]["field"], "scale");
  EXPECT_THAT(problems[0]["reason"].get<std::string>(), HasSubstr("phq9, gad7, madrs"));
  EXPECT_EQ(problems[1]["field"], "items[1]");
}

TEST(ScoreCommandTest, CsvIsNotOffered) {
  const Output result = Score("moaas", {"5"}, Format::kCsv);
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.err, HasSubstr("format"));
}

}  // namespace
}  // namespace ketaclinic::cli
