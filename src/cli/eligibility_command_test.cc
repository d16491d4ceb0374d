// `ketaclinic eligibility` as a user runs it: JSON keys, table, exit statuses.

#include "cli/eligibility_command.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"

namespace ketaclinic::cli {
namespace {

const std::string kExample = std::string(KC_SOURCE_DIR) + "/examples/patient.json";
constexpr const char* kAt = "2026-12-01T09:00:00Z";

CommandOutput RunCommand(const EligibilityOptions& options) {
  return Invoke(options, [](const EligibilityOptions& o, std::ostream& out, std::ostream& err) {
    return RunEligibility(o, out, err);
  });
}

EligibilityOptions Json(const std::string& file) {
  EligibilityOptions options;
  options.patient_file = file;
  options.at = kAt;
  options.format = Format::kJson;
  return options;
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(EligibilityCommandTest, TheExampleIsEligibleWithEveryKey) {
  const CommandOutput result = RunCommand(Json(kExample));
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["verdict"], "eligible");
  EXPECT_EQ(json["protocol_version"], "default-2026-11");
  EXPECT_EQ(json["at"], kAt);
  EXPECT_EQ(json["msm"]["score"], 7);
  EXPECT_EQ(json["msm"]["category"], "moderate");
  EXPECT_EQ(json["msm"]["parts"]["duration"], 2);
  ASSERT_EQ(json["trials"].size(), 2u);
  EXPECT_EQ(json["trials"][0]["drug"], "sertraline");
  EXPECT_EQ(json["trials"][0]["athf"], 4);
  EXPECT_EQ(json["trials"][0]["adequate"], true);
  EXPECT_EQ(json["trials"][0]["failed"], true);
  bool overridden = false;
  for (const auto& f : json["findings"]) {
    for (const char* key : {"rule", "severity", "message", "source"}) {
      EXPECT_TRUE(f.contains(key)) << f.dump();
    }
    if (f["rule"] == "eligibility.contraindication.raised-intraocular-pressure") {
      EXPECT_EQ(f["severity"], "warning");
      overridden = true;
    }
  }
  EXPECT_TRUE(overridden);
}

TEST(EligibilityCommandTest, TableSaysTheVerdictFindingsAndTrials) {
  EligibilityOptions options = Json(kExample);
  options.format = Format::kTable;
  const CommandOutput result = RunCommand(options);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("(protocol default-2026-11): ELIGIBLE"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("info [eligibility.treatment-resistance]"), std::string::npos);
  EXPECT_NE(result.out.find("Maudsley Staging Method 7 (moderate)"), std::string::npos);
  EXPECT_NE(result.out.find("venlafaxine XR"), std::string::npos);
  EXPECT_NE(result.out.find("override applied: eligibility.contraindication.benzodiazepine"),
            std::string::npos);
}

// Not eligible and needs-review both exit 3, like a blocked dose.
TEST(EligibilityCommandTest, NotEligibleOrReviewExitsThree) {
  const std::string minimal =
      WriteTemp("minimal-patient.json",
                R"({"patient": {"identifier": "MRN-2", "name": "Sam", "birth_date": "1990-01-31",
                      "sex": "male"}})");
  CommandOutput result = RunCommand(Json(minimal));
  EXPECT_EQ(result.status, 3) << result.out << result.err;
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["verdict"], "not-eligible");
  EXPECT_TRUE(json["msm"].is_null());

  // The example with a positive C-SSRS screen: needs a physician's review.
  auto example = nlohmann::json::parse(std::ifstream(kExample));
  example["patient"]["scale_responses"][1]["items"] = {1, 0, 0, 0, 0, 0};
  result = RunCommand(Json(WriteTemp("review-patient.json", example.dump())));
  EXPECT_EQ(result.status, 3);
  json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["verdict"], "needs-physician-review");
}

TEST(EligibilityCommandTest, InvalidInputExitsTwoWithEveryProblem) {
  const std::string bad =
      WriteTemp("bad-patient.json", R"({"patient": {"identifier": "MRN-3", "name": "Sam",
                              "birth_date": "1990-13-01", "sex": "x"}})");
  CommandOutput result = RunCommand(Json(bad));
  EXPECT_EQ(result.status, 2);
  const auto json = nlohmann::json::parse(result.out);
  ASSERT_EQ(json["error"]["problems"].size(), 2u) << result.out;
  EXPECT_EQ(json["error"]["problems"][0]["field"], "patient.birth_date");
  EXPECT_EQ(json["error"]["problems"][1]["field"], "patient.sex");

  EligibilityOptions options = Json(kExample);
  options.at = "2026-12-01 09:00";
  result = RunCommand(options);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.out.find("--at"), std::string::npos);

  options = Json("");
  options.format = Format::kTable;
  result = RunCommand(options);
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("--patient"), std::string::npos);

  result = RunCommand(Json(testing::TempDir() + "/no-such-patient.json"));
  EXPECT_NE(result.status, 0);
  EXPECT_NE(result.status, 3);
}

// Without --at, "now" is the clock's; the protocol given is the one applied.
TEST(EligibilityCommandTest, ClockAndProtocolAreInjected) {
  EligibilityOptions options = Json(kExample);
  options.at.clear();
  const FixedClock clock(ParseRfc3339(kAt, "t").value());
  clinical::EligibilityProtocol strict;
  strict.version = "site-2027-01";
  strict.min_failed_adequate_trials = 3;
  std::ostringstream out, err;
  const int status = RunEligibility(options, strict, clock, out, err);
  EXPECT_EQ(status, 3) << out.str() << err.str();
  const auto json = nlohmann::json::parse(out.str());
  EXPECT_EQ(json["at"], kAt);
  EXPECT_EQ(json["protocol_version"], "site-2027-01");
  EXPECT_EQ(json["verdict"], "not-eligible");
}

}  // namespace
}  // namespace ketaclinic::cli
