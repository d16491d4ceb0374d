// Session replay files and the session protocol section: the documented example (which must be
// examples/session-replay.json) replayed with hand-worked numbers, every file problem named by
// its path, and the protocol section read over its defaults.

#include "clinical_json/session_json.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "clinical_json/session_protocol_json.h"

namespace ketaclinic::clinical_json {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The ```json blocks of a Markdown file, in order.
std::vector<std::string> JsonBlocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  const std::string open = "```json\n";
  size_t at = 0;
  while ((at = markdown.find(open, at)) != std::string::npos) {
    const size_t start = at + open.size();
    const size_t end = markdown.find("```", start);
    blocks.push_back(markdown.substr(start, end - start));
    at = end;
  }
  return blocks;
}

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  return fields;
}

std::vector<std::string> RulesOf(const clinical::ReplayStep& step) {
  std::vector<std::string> rules;
  rules.reserve(step.alarms.size());
  for (const clinical::RaisedAlarm& a : step.alarms) rules.push_back(a.rule_id);
  return rules;
}

TEST(SessionJsonTest, TheDocumentedExampleIsTheExampleFile) {
  const auto blocks =
      JsonBlocks(ReadFile(std::string(KC_DOCS_DIR) + "/formats/session-replay-file.md"));
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(json::parse(blocks[0]),
            json::parse(ReadFile(std::string(KC_EXAMPLES_DIR) + "/session-replay.json")));
}

// The arithmetic is in docs/formats/session-replay-file.md: 0.875 mg/min for 31 min = 27.125
// mg, then 0.4375 mg/min from 10:42; 35 mg at 11:00.
TEST(SessionJsonTest, TheExampleReplaysAsDocumented) {
  auto input =
      ParseSessionReplayText(ReadFile(std::string(KC_EXAMPLES_DIR) + "/session-replay.json"));
  ASSERT_TRUE(input) << input.error().ToString();
  EXPECT_NEAR(input->setup.planned_rate_ml_per_h, 155.25, 1e-9);
  EXPECT_NEAR(input->setup.concentration_mg_per_ml, 35 / 103.5, 1e-12);
  ASSERT_EQ(input->events.size(), 24u);
  EXPECT_EQ(input->events[0].actor.role, clinical::Role::kFrontDesk);
  EXPECT_EQ(input->events[3].actor.user_id, "n.okafor");  // default_by

  auto result = clinical::ReplaySession(*input);
  ASSERT_TRUE(result) << result.error().ToString();
  for (const auto& step : result->steps) {
    EXPECT_TRUE(step.accepted) << step.index << ": " << step.rejection;
  }
  using Rules = std::vector<std::string>;
  for (size_t i = 0; i < result->steps.size(); ++i) {
    Rules expected;
    if (i == 4 || i == 6 || i == 9) expected = {"vitals.bp-high"};
    if (i == 7) expected = {"vitals.bp-pause"};
    if (i == 14) expected = {"side-effect.nausea"};
    EXPECT_EQ(RulesOf(result->steps[i]), expected) << "event " << i;
  }
  EXPECT_EQ(result->steps[7].alarms[0].level, clinical::AlarmLevel::kCritical);
  EXPECT_NEAR(result->steps[8].delivered_mg, 27.125, 1e-9);
  EXPECT_EQ(result->steps[8].state, clinical::SessionState::kPaused);
  EXPECT_NEAR(result->steps[11].rate_ml_per_h, 77.625, 1e-9);
  EXPECT_NEAR(result->steps[15].delivered_mg, 31.0625, 1e-9);
  EXPECT_NEAR(result->delivered_mg, 35, 1e-9);
  EXPECT_EQ(result->final_state, clinical::SessionState::kDischarged);
  EXPECT_EQ(result->criticals, 1u);
  EXPECT_EQ(result->warnings, 4u);
  ASSERT_EQ(result->segments.size(), 2u);
  EXPECT_EQ(FormatRfc3339(result->segments[1].end), "2026-11-30T11:00:00Z");

  const json out = ReplayResultToJson(*result);
  EXPECT_EQ(out["final"]["state"], "discharged");
  EXPECT_EQ(out["final"]["delivered_mg"], 35);
  EXPECT_EQ(out["final"]["delivered_mg_per_kg"], 0.5);
  EXPECT_EQ(out["events"][7]["alarms"][0]["rule"], "vitals.bp-pause");
  EXPECT_EQ(out["events"][7]["alarms"][0]["level"], "critical");
  EXPECT_EQ(out["events"][8]["delivered_mg"], 27.125);
  EXPECT_EQ(out["events"][0]["rejection"], nullptr);
  EXPECT_EQ(out["final"]["protocol_version"], "default-2026-11");
}

TEST(SessionJsonTest, EveryFileProblemIsNamed) {
  const char* text = R"({
    "setup": {"planned_dose_mg": 40, "bag_volume_ml": 100, "concentration_mg_per_ml": 0.35,
              "planned_duration_min": 40, "planned_rate_ml_per_h": 100, "colour": "red"},
    "events": [
      {"type": "check_in", "at": "2026-11-30T09:30:00"},
      {"type": "launch", "at": "2026-11-30T09:31:00Z", "by": {"user_id": "n", "role": "nurse"}},
      {"type": "vitals", "at": "2026-11-30T09:32:00Z", "by": {"user_id": "n", "role": "janitor"},
       "systolic_mmhg": "high"},
      {"type": "rate_change", "at": "2026-11-30T09:33:00Z", "by": {"user_id": "n", "role": "nurse"}},
      {"type": "side_effect", "at": "2026-11-30T09:34:00Z", "by": {"user_id": "n", "role": "nurse"},
       "kind": "itching", "grade": 2.5},
      {"type": "score", "at": "2026-11-30T09:35:00Z", "by": {"user_id": "n", "role": "nurse"},
       "scale": "bdi", "items": [1, "x"]},
      {"type": "stop", "at": "2026-11-30T09:36:00Z", "by": {"user_id": "n", "role": "nurse"}},
      {"type": "discharge_check", "at": "2026-11-30T09:37:00Z", "by": {"user_id": "n", "role": "nurse"},
       "data": {"ambulates_safely": true}}
    ]})";
  auto input = ParseSessionReplayText(text);
  ASSERT_FALSE(input);
  EXPECT_EQ(Fields(input.error()), (std::vector<std::string>{
                                       "setup.colour",
                                       "setup.planned_rate_ml_per_h",
                                       "setup.planned_dose_mg",
                                       "events[0].at",
                                       "events[0].by",
                                       "events[1].type",
                                       "events[2].by.role",
                                       "events[2].systolic_mmhg",
                                       "events[3].rate_ml_per_h",
                                       "events[4].kind",
                                       "events[4].grade",
                                       "events[5].scale",
                                       "events[5].items[1]",
                                       "events[6].reason",
                                       "events[7].data.nausea_controlled",
                                       "events[7].data.escort_verified",
                                       "events[7].data.instructions_given",
                                   }))
      << input.error().ToString();
}

TEST(SessionJsonTest, MissingTopLevelKeys) {
  auto input = ParseSessionReplayText(R"({"events": 3})");
  ASSERT_FALSE(input);
  EXPECT_EQ(Fields(input.error()), (std::vector<std::string>{"setup", "events"}));
  auto text = ParseSessionReplayText("{\"setup\": ");
  ASSERT_FALSE(text);
  EXPECT_EQ(Fields(text.error()), std::vector<std::string>{"(json)"});
}

TEST(SessionJsonTest, PreChecksDataIsACheckFileWithoutItsTime) {
  const char* text = R"({
    "setup": {"planned_dose_mg": 35, "bag_volume_ml": 100, "planned_rate_ml_per_h": 150},
    "default_by": {"user_id": "n", "role": "nurse"},
    "events": [
      {"type": "pre_checks", "at": "2026-11-30T09:40:00Z",
       "data": {"at": "2026-11-30T09:40:00Z", "identity_verified": true}}
    ]})";
  auto input = ParseSessionReplayText(text);
  ASSERT_FALSE(input);
  const auto fields = Fields(input.error());
  ASSERT_FALSE(fields.empty());
  EXPECT_EQ(fields[0], "events[0].data.at");
  EXPECT_NE(std::find(fields.begin(), fields.end(), "events[0].data.consent_on_file"),
            fields.end());
}

TEST(SessionJsonTest, ProtocolOverridesNeedAVersionAndAreValidated) {
  const char* text = R"({
    "setup": {"planned_dose_mg": 35, "bag_volume_ml": 100, "planned_rate_ml_per_h": 150},
    "protocol": {"session": {"sbp_warn_mmhg": 190, "bp_pause": 1},
                 "discharge": {"moaas_min": 9}},
    "events": []})";
  auto input = ParseSessionReplayText(text);
  ASSERT_FALSE(input);
  EXPECT_EQ(
      Fields(input.error()),
      (std::vector<std::string>{"protocol.version", "protocol.session.bp_pause",
                                "protocol.discharge.moaas_min", "protocol.session.sbp_warn_mmhg"}))
      << input.error().ToString();
}

TEST(SessionJsonTest, ProtocolOverridesApplyAndStampTheVersion) {
  const char* text = R"js({
    "setup": {"planned_dose_mg": 35, "bag_volume_ml": 100, "planned_rate_ml_per_h": 150},
    "protocol": {"version": "site-7", "session": {"sbp_pause_mmhg": 170,
                 "actions": {"vitals.bp-pause": "Pause; page Dr Byrne (ext 4411)"}},
                 "discharge": {"min_observation_min": 60}},
    "events": []})js";
  auto input = ParseSessionReplayText(text);
  ASSERT_TRUE(input) << input.error().ToString();
  EXPECT_EQ(input->session_protocol.sbp_pause_mmhg, 170);
  EXPECT_EQ(input->session_protocol.version, "site-7");
  EXPECT_EQ(input->discharge_protocol.version, "site-7");
  EXPECT_EQ(input->pre_infusion_protocol.version, "site-7");
  EXPECT_EQ(input->discharge_protocol.min_observation_min, 60);
  EXPECT_EQ(
      input->session_protocol.actions.at(static_cast<size_t>(clinical::SessionRule::kBpPause)),
      "Pause; page Dr Byrne (ext 4411)");
  // The default action of another rule is kept.
  EXPECT_EQ(
      input->session_protocol.actions.at(static_cast<size_t>(clinical::SessionRule::kBpHigh)),
      clinical::DefaultSessionActions().at(static_cast<size_t>(clinical::SessionRule::kBpHigh)));
}

TEST(SessionJsonTest, AValueTheSessionJudgesIsARejectedEventNotAFileError) {
  const char* text = R"({
    "setup": {"planned_dose_mg": 35, "bag_volume_ml": 100, "planned_rate_ml_per_h": 150},
    "default_by": {"user_id": "n", "role": "nurse"},
    "events": [
      {"type": "check_in", "at": "2026-11-30T09:30:00Z"},
      {"type": "vitals", "at": "2026-11-30T09:31:00Z", "systolic_mmhg": 120, "diastolic_mmhg": 130},
      {"type": "side_effect", "at": "2026-11-30T09:32:00Z", "kind": "headache", "grade": 7},
      {"type": "score", "at": "2026-11-30T09:33:00Z", "scale": "moaas", "items": [8]}
    ]})";
  auto input = ParseSessionReplayText(text);
  ASSERT_TRUE(input) << input.error().ToString();
  auto result = clinical::ReplaySession(*input);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->rejected, 3u);
  EXPECT_EQ(result->steps[1].rejection,
            "vitals rejected: implausible reading (diastolic_mmhg: diastolic 130 mmHg is not below "
            "systolic 120 mmHg (swapped?))");
  EXPECT_EQ(result->steps[2].rejection,
            "side_effect rejected: invalid side effect (grade: must be 1-5, got 7)");
}

TEST(SessionProtocolJsonTest, RoundTripsEveryKey) {
  clinical::SessionProtocol p;
  p.sbp_pause_mmhg = 175;
  p.score_times_min = {15, 30, 45};
  p.score_at_discharge = false;
  p.moaas_warn_at_or_below = 4;
  Validator v("protocol");
  const json out = SessionProtocolToJson(p);
  const clinical::SessionProtocol back = ReadSessionProtocol(out, "session", {}, v);
  ASSERT_TRUE(v.ok()) << v.Finish().error().ToString();
  EXPECT_EQ(SessionProtocolToJson(back), out);
  EXPECT_EQ(out.size(), clinical::SessionProtocolSources().size());
  for (const auto& source : clinical::SessionProtocolSources()) {
    EXPECT_TRUE(out.contains(source.key)) << source.key;
  }
}

TEST(SessionProtocolJsonTest, ProblemsAreNamedByKey) {
  Validator v("protocol");
  ReadSessionProtocol(json::parse(R"({"sbp_pause_mmhg": "180", "moaas_stop_at_or_below": 1.5,
                                     "score_times_min": [20, "forty"],
                                     "actions": {"vitals.bp-panic": "x", "vitals.bp-low": 3}})"),
                      "protocol.session", {}, v);
  auto status = v.Finish();
  ASSERT_FALSE(status);
  EXPECT_EQ(Fields(status.error()),
            (std::vector<std::string>{
                "protocol.session.sbp_pause_mmhg", "protocol.session.moaas_stop_at_or_below",
                "protocol.session.score_times_min[1]", "protocol.session.actions.vitals.bp-low",
                "protocol.session.actions.vitals.bp-panic"}))
      << status.error().ToString();
}

}  // namespace
}  // namespace ketaclinic::clinical_json
