// `ketaclinic session replay` as a user runs it, without a process: the documented example
// (docs/formats/session-replay-file.md, examples/session-replay.json) and the exit statuses.

#include "cli/session_command.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"

namespace ketaclinic::cli {
namespace {

using ::testing::HasSubstr;

const std::string kExample = std::string(KC_SOURCE_DIR) + "/examples/session-replay.json";

CommandOutput Replay(const std::string& file, Format format) {
  return Invoke(SessionReplayOptions{file, format, {}},
                [](const SessionReplayOptions& o, std::ostream& out, std::ostream& err) {
                  return RunSessionReplay(o, out, err);
                });
}

// A file in the test's temporary directory with `text`.
std::string TempFile(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("kc-session-" + name);
  std::ofstream(path) << text;
  return path.string();
}

std::string LineOf(const std::string& text, const std::string& start) {
  const size_t at = text.find(start);
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('\n', at) - at);
}

TEST(SessionCommandTest, TablePrintsOneLinePerEventThenTheAlarms) {
  const CommandOutput result = Replay(kExample, Format::kTable);
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(LineOf(result.out, "  #  time"), HasSubstr("alarms"));
  // Event 7: the confirmed BP; event 8: the pause after 31 min x 0.875 mg/min.
  const std::string seven = LineOf(result.out, "  7  2026-11-30T10:30:00Z");
  EXPECT_THAT(seven, HasSubstr("vitals"));
  EXPECT_THAT(seven, HasSubstr("running"));
  EXPECT_THAT(seven, HasSubstr("155.25"));
  EXPECT_THAT(seven, HasSubstr("CRITICAL vitals.bp-pause"));
  const std::string eight = LineOf(result.out, "  8  2026-11-30T10:31:00Z");
  EXPECT_THAT(eight, HasSubstr("paused"));
  EXPECT_THAT(eight, HasSubstr("27.125"));
  EXPECT_THAT(LineOf(result.out, " 11  2026-11-30T10:42:00Z"), HasSubstr("77.625"));
  EXPECT_THAT(LineOf(result.out, " 15  2026-11-30T10:51:00Z"), HasSubstr("31.0625"));
  EXPECT_THAT(result.out, HasSubstr("#7 2026-11-30T10:30:00Z CRITICAL vitals.bp-pause: BP 184/106 "
                                    "mmHg at or above 180/110 since 10:25, confirmed 5 min later"));
  EXPECT_THAT(result.out, HasSubstr("action: Pause the pump, notify the physician"));
  EXPECT_THAT(result.out,
              HasSubstr("final: discharged; delivered 35 of 35 mg planned (0.5 mg/kg); "
                        "0 rejected, 4 warnings, 1 critical; protocol default-2026-11"));
}

TEST(SessionCommandTest, JsonHasEveryEventAndTheFinalState) {
  const CommandOutput result = Replay(kExample, Format::kJson);
  ASSERT_EQ(result.status, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  ASSERT_EQ(json["events"].size(), 24u);
  const auto& seven = json["events"][7];
  EXPECT_EQ(seven["at"], "2026-11-30T10:30:00Z");
  EXPECT_EQ(seven["type"], "vitals");
  EXPECT_EQ(seven["accepted"], true);
  EXPECT_EQ(seven["state"], "running");
  EXPECT_EQ(seven["rate_ml_per_h"], 155.25);
  EXPECT_EQ(seven["alarms"][0]["rule"], "vitals.bp-pause");
  EXPECT_EQ(seven["alarms"][0]["level"], "critical");
  EXPECT_THAT(seven["alarms"][0]["action"].get<std::string>(), HasSubstr("Pause the pump"));
  EXPECT_THAT(seven["alarms"][0]["source"].get<std::string>(), HasSubstr("STOP-01"));
  EXPECT_EQ(json["events"][11]["rate_ml_per_h"], 77.625);
  EXPECT_EQ(json["final"]["state"], "discharged");
  EXPECT_EQ(json["final"]["delivered_mg"], 35);
  EXPECT_EQ(json["final"]["segments"].size(), 2u);
}

TEST(SessionCommandTest, RejectedEventsStillReplay) {
  const std::string file = TempFile("rejected.json", R"({
    "setup": {"planned_dose_mg": 35, "bag_volume_ml": 100, "planned_rate_ml_per_h": 150},
    "default_by": {"user_id": "n.okafor", "role": "nurse"},
    "events": [{"type": "start", "at": "2026-11-30T10:00:00Z"},
               {"type": "check_in", "at": "2026-11-30T09:00:00Z"}]})");
  const CommandOutput result = Replay(file, Format::kTable);
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("REJECTED: start rejected: the session is scheduled"));
  EXPECT_THAT(result.out, HasSubstr("REJECTED: check_in rejected: at: 2026-11-30T09:00:00Z is "
                                    "before the previous event in the file at "
                                    "2026-11-30T10:00:00Z"));
  EXPECT_THAT(result.out, HasSubstr("2 rejected"));
}

TEST(SessionCommandTest, AnInvalidFileIsStatusTwoWithEveryProblem) {
  const std::string file = TempFile("invalid.json", R"({
    "setup": {"planned_dose_mg": 35, "bag_volume_ml": 100},
    "events": [{"type": "vitals", "at": "2026-11-30T10:00:00Z", "by": {"user_id": "n", "role": "nurse"},
                "systolic": 120}]})");
  const CommandOutput table = Replay(file, Format::kTable);
  EXPECT_EQ(table.status, 2);
  EXPECT_THAT(table.err, HasSubstr("setup.planned_duration_min: is required"));
  EXPECT_THAT(table.err, HasSubstr("events[0].systolic: is not a field of a vitals event"));
  const CommandOutput json = Replay(file, Format::kJson);
  EXPECT_EQ(json.status, 2);
  const auto body = nlohmann::json::parse(json.out);
  EXPECT_EQ(body["error"]["problems"].size(), 2u);
}

TEST(SessionCommandTest, UnreadableFileAndCsvFormat) {
  EXPECT_EQ(Replay("/nonexistent/replay.json", Format::kTable).status, 1);
  EXPECT_EQ(Replay(kExample, Format::kCsv).status, 2);
}

}  // namespace
}  // namespace ketaclinic::cli
