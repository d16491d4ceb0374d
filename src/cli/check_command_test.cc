// `ketaclinic check pre-infusion|discharge` as a user runs it, without a process: exit status,
// table and JSON output, --at, errors.

#include "cli/check_command.h"

#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"

namespace ketaclinic::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kExamples = std::string(KC_SOURCE_DIR) + "/examples/";

// The clock when neither --at nor the file says when: a fixed moment in these tests.
const Instant kClockNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} +
                          std::chrono::hours(10) + std::chrono::minutes(40);

CommandOutput Check(CheckKind kind, const std::string& file, const std::string& at = "",
                    Format format = Format::kTable) {
  const FixedClock clock(kClockNow);
  return Invoke(CheckOptions{kind, file, at, format, {}},
                [&](const CheckOptions& o, std::ostream& out, std::ostream& err) {
                  return RunCheck(o, clock, out, err);
                });
}

std::string WriteTemp(const std::string& name, const nlohmann::json& body) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << body.dump(2);
  return path;
}

nlohmann::json Example(const std::string& name) {
  std::ifstream file(kExamples + name);
  return nlohmann::json::parse(file);
}

TEST(CheckCommandTest, ClearedPreInfusionExitsZeroWithItsWarning) {
  const CommandOutput result =
      Check(CheckKind::kPreInfusion, kExamples + "pre-infusion-check.json");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("at 2026-11-30T10:00:00Z"));
  EXPECT_THAT(result.out, HasSubstr("CLEARED"));
  EXPECT_THAT(result.out, Not(HasSubstr("NOT CLEARED")));
  EXPECT_THAT(result.out, HasSubstr("warning [pre.concomitant-meds]"));
  EXPECT_THAT(result.out, HasSubstr("source: clinical.md §1.4 PRE-08"));
}

TEST(CheckCommandTest, BlockedPreInfusionExitsThreeAndSaysWhy) {
  nlohmann::json body = Example("pre-infusion-check.json");
  body["escort_confirmed"] = false;
  body["last_infusion_start"] = "2026-11-29T12:00:00Z";  // 22 h before 10:00
  const CommandOutput result =
      Check(CheckKind::kPreInfusion, WriteTemp("blocked.json", body), "", Format::kJson);
  EXPECT_EQ(result.status, 3) << result.err;
  const auto out = nlohmann::json::parse(result.out);
  EXPECT_EQ(out["check"], "pre-infusion");
  EXPECT_EQ(out["cleared"], false);
  EXPECT_EQ(out["at"], "2026-11-30T10:00:00Z");
  EXPECT_EQ(out["awaiting_override"], nlohmann::json::array({"pre.interval"}));
  std::set<std::string> rules;
  for (const auto& f : out["findings"]) {
    rules.insert(f["rule"].get<std::string>() + ":" + f["severity"].get<std::string>());
  }
  EXPECT_EQ(rules, (std::set<std::string>{"pre.escort:block", "pre.interval:warning",
                                          "pre.concomitant-meds:warning"}));
}

TEST(CheckCommandTest, AtOptionWinsOverTheFile) {
  // At 10:01 the weight (09:35) is still today's and NPO holds: the same verdict, new time.
  CommandOutput result =
      Check(CheckKind::kPreInfusion, kExamples + "pre-infusion-check.json", "2026-11-30T10:01:00Z");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("at 2026-11-30T10:01:00Z"));
  // At 11:00 the baseline vitals of 09:40 are more than 60 min old.
  result =
      Check(CheckKind::kPreInfusion, kExamples + "pre-infusion-check.json", "2026-11-30T11:00:00Z");
  EXPECT_EQ(result.status, 3);
  EXPECT_THAT(result.out, HasSubstr("block [pre.baseline-bp]"));
}

TEST(CheckCommandTest, WithoutAtTheClockDecides) {
  nlohmann::json body = Example("discharge-check.json");
  body.erase("at");
  // The clock says 10:40, the moment the infusion ended: 0 min of observation.
  body["recovery_vitals"] = nlohmann::json::array();
  body.erase("moaas");
  const CommandOutput result =
      Check(CheckKind::kDischarge, WriteTemp("no-at.json", body), "", Format::kJson);
  EXPECT_EQ(result.status, 3) << result.err;
  const auto out = nlohmann::json::parse(result.out);
  EXPECT_EQ(out["at"], "2026-11-30T10:40:00Z");
  EXPECT_EQ(out["earliest_at"], "2026-11-30T11:10:00Z");
}

TEST(CheckCommandTest, DischargeAllowedAndNotAllowed) {
  CommandOutput result = Check(CheckKind::kDischarge, kExamples + "discharge-check.json");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("ALLOWED"));
  EXPECT_THAT(result.out, Not(HasSubstr("NOT ALLOWED")));

  nlohmann::json body = Example("discharge-check.json");
  body["moaas"]["score"] = 4;
  body["instructions_given"] = false;
  result = Check(CheckKind::kDischarge, WriteTemp("drowsy.json", body));
  EXPECT_EQ(result.status, 3);
  EXPECT_THAT(result.out, HasSubstr("NOT ALLOWED"));
  EXPECT_THAT(result.out, HasSubstr("block [discharge.sedation]"));
  EXPECT_THAT(result.out, HasSubstr("block [discharge.instructions]"));
}

TEST(CheckCommandTest, InvalidInputExitsTwoWithEveryProblem) {
  nlohmann::json body = Example("discharge-check.json");
  body["moaas"]["score"] = 7;
  body["escort_verified"] = "yes";
  const CommandOutput result =
      Check(CheckKind::kDischarge, WriteTemp("invalid.json", body), "", Format::kJson);
  EXPECT_EQ(result.status, 2);
  const auto out = nlohmann::json::parse(result.out);
  std::set<std::string> fields;
  for (const auto& p : out["error"]["problems"]) fields.insert(p["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"moaas.score", "escort_verified"}));
}

TEST(CheckCommandTest, TimesAfterTheCheckAreInvalid) {
  const CommandOutput result =
      Check(CheckKind::kDischarge, kExamples + "discharge-check.json", "2026-11-30T11:05:00Z");
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.err, HasSubstr("recovery_vitals[1].time"));
  EXPECT_THAT(result.err, HasSubstr("moaas.at"));
}

TEST(CheckCommandTest, BadAtMissingFileAndWrongKindOfFile) {
  CommandOutput result =
      Check(CheckKind::kPreInfusion, kExamples + "pre-infusion-check.json", "tomorrow");
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.err, HasSubstr("--at"));
  result = Check(CheckKind::kPreInfusion, kExamples + "no-such-file.json");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.err, HasSubstr("cannot open"));
  result = Check(CheckKind::kPreInfusion, kExamples + "discharge-check.json");
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.err, HasSubstr("infusion_end: is not a field of a pre-infusion check"));
  result = Check(CheckKind::kPreInfusion, kExamples + "pre-infusion-check.json", "", Format::kCsv);
  EXPECT_EQ(result.status, 2);
}

}  // namespace
}  // namespace ketaclinic::cli
