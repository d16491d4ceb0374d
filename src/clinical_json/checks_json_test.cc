// Check files (docs/formats/check-files.md) and the pre_infusion / discharge protocol sections:
// every problem at once by JSON path, the documented examples, and round trips.

#include "clinical_json/checks_json.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "clinical_json/checks_protocol_json.h"

namespace ketaclinic::clinical_json {
namespace {

using nlohmann::json;

std::set<std::string> Fields(const Error& error) {
  std::set<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.insert(p.field);
  return fields;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The ```json blocks of a Markdown file, in order.
std::vector<std::string> JsonBlocks(const std::string& path) {
  std::ifstream file(path);
  std::vector<std::string> blocks;
  std::string line;
  std::string block;
  bool inside = false;
  while (std::getline(file, line)) {
    if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return blocks;
}

std::set<std::string> RulesOf(const std::vector<clinical::Finding>& findings) {
  std::set<std::string> rules;
  for (const clinical::Finding& f : findings) {
    rules.insert(f.rule_id + ":" + clinical::SeverityName(f.severity));
  }
  return rules;
}

const char* kMinimalPreInfusion = R"({
  "identity_verified": true, "consent_on_file": true, "escort_confirmed": true,
  "can_become_pregnant": false})";

TEST(ChecksJsonTest, DocumentedPreInfusionExamplesGiveTheDocumentedVerdicts) {
  const auto blocks = JsonBlocks(std::string(KC_DOCS_DIR) + "/formats/check-files.md");
  ASSERT_EQ(blocks.size(), 4U);  // two pre-infusion, two discharge
  const std::vector<std::set<std::string>> expected = {
      {"pre.concomitant-meds:warning"},
      {"pre.baseline-bp:warning", "pre.interval.overridden:info"}};
  for (size_t i = 0; i < 2; ++i) {
    auto check = ParsePreInfusionCheckText(blocks[i]);
    ASSERT_TRUE(check.has_value()) << i << ": " << check.error().ToString();
    const std::optional<Instant> at = check->at;
    ASSERT_TRUE(at.has_value());
    auto verdict = clinical::EvaluatePreInfusion(check->input, {}, at.value_or(Instant{}));
    ASSERT_TRUE(verdict.has_value()) << verdict.error().ToString();
    EXPECT_EQ(RulesOf(verdict->findings), expected[i]) << i;
    EXPECT_EQ(verdict->cleared, i == 0);
  }
  auto second = ParsePreInfusionCheckText(blocks[1]);
  ASSERT_TRUE(second.has_value());
  auto verdict = clinical::EvaluatePreInfusion(second->input, {}, second->at.value_or(Instant{}));
  ASSERT_TRUE(verdict.has_value());
  const json out = PreInfusionVerdictToJson(*verdict);
  EXPECT_EQ(out["needs_repeat_vitals_at"], "2026-11-30T09:55:00Z");
  EXPECT_EQ(out["cleared"], false);
  EXPECT_EQ(out["awaiting_override"], json::array());
  EXPECT_EQ(out["findings"].size(), 2U);
}

TEST(ChecksJsonTest, DocumentedDischargeExamplesGiveTheDocumentedVerdicts) {
  const auto blocks = JsonBlocks(std::string(KC_DOCS_DIR) + "/formats/check-files.md");
  ASSERT_EQ(blocks.size(), 4U);
  auto ready = ParseDischargeCheckText(blocks[2]);
  ASSERT_TRUE(ready.has_value()) << ready.error().ToString();
  auto verdict = clinical::EvaluateDischarge(ready->input, {}, ready->at.value_or(Instant{}));
  ASSERT_TRUE(verdict.has_value());
  EXPECT_TRUE(verdict->allowed);
  EXPECT_TRUE(verdict->findings.empty());

  auto early = ParseDischargeCheckText(blocks[3]);
  ASSERT_TRUE(early.has_value()) << early.error().ToString();
  verdict = clinical::EvaluateDischarge(early->input, {}, early->at.value_or(Instant{}));
  ASSERT_TRUE(verdict.has_value());
  EXPECT_FALSE(verdict->allowed);
  EXPECT_EQ(RulesOf(verdict->findings),
            (std::set<std::string>{"discharge.min-observation:block", "discharge.sedation:block",
                                   "discharge.ambulation:block", "discharge.escort:block"}));
  const json out = DischargeVerdictToJson(*verdict);
  EXPECT_EQ(out["earliest_at"], "2026-11-30T10:30:00Z");
  EXPECT_EQ(out["allowed"], false);
}

TEST(ChecksJsonTest, ExamplesFolderFilesAreTheDocumentedOnes) {
  const auto blocks = JsonBlocks(std::string(KC_DOCS_DIR) + "/formats/check-files.md");
  ASSERT_EQ(blocks.size(), 4U);
  const std::string pre = ReadFile(std::string(KC_EXAMPLES_DIR) + "/pre-infusion-check.json");
  const std::string discharge = ReadFile(std::string(KC_EXAMPLES_DIR) + "/discharge-check.json");
  EXPECT_EQ(json::parse(pre), json::parse(blocks[0]));
  EXPECT_EQ(json::parse(discharge), json::parse(blocks[2]));
  EXPECT_TRUE(ParsePreInfusionCheckText(pre).has_value());
  EXPECT_TRUE(ParseDischargeCheckText(discharge).has_value());
}

TEST(ChecksJsonTest, MinimalPreInfusionCheckParses) {
  auto check = ParsePreInfusionCheckText(kMinimalPreInfusion);
  ASSERT_TRUE(check.has_value()) << check.error().ToString();
  EXPECT_FALSE(check->at);
  EXPECT_TRUE(check->input.identity_verified);
  EXPECT_TRUE(check->input.baseline_vitals.empty());
  EXPECT_FALSE(check->input.last_infusion_start);
}

TEST(ChecksJsonTest, NullOptionalsAreAbsent) {
  json body = json::parse(kMinimalPreInfusion);
  body["last_infusion_start"] = nullptr;
  body["pregnancy_test"] = nullptr;
  body["weight_kg"] = nullptr;
  body["weight_measured_at"] = nullptr;
  auto check = ParsePreInfusionCheck(body, "");
  ASSERT_TRUE(check.has_value()) << check.error().ToString();
  EXPECT_FALSE(check->input.last_infusion_start);
  EXPECT_FALSE(check->input.pregnancy_test);
}

TEST(ChecksJsonTest, EveryPreInfusionProblemAtOnceByPath) {
  const json body = json::parse(R"({
    "at": "2026-11-30 10:00",
    "identity_verified": "yes",
    "consent_on_file": true,
    "can_become_pregnant": true,
    "weight_kg": 7240,
    "weight_measured_at": "2026-11-30T09:35:00Z",
    "height_cm": 1.68,
    "baseline_vitals": [
      {"time": "2026-11-30T09:40:00Z", "systolic_mmhg": 132, "diastolic_mmhg": 184},
      {"systolic_mmhg": 120, "diastolic_mmhg": 80, "spo2": 97},
      {"time": "2026-11-30T09:41:00Z", "systolic_mmhg": 120}
    ],
    "pregnancy_test": {"at": "2026-11-30T09:30:00Z", "result": "unclear"},
    "cssrs": {"risk": "severe"},
    "medications": [{"name": "lorazepam", "class": "benzo"}, {"class": "ssri"}, 5],
    "drug_screen": {"at": "2026-11-02T09:00:00Z"},
    "interval_override": {"user_id": "rn.lee", "role": "nurse", "reason": "ok"},
    "escort": true
  })");
  auto check = ParsePreInfusionCheck(body, "input");
  ASSERT_FALSE(check.has_value());
  EXPECT_EQ(Fields(check.error()),
            (std::set<std::string>{
                "input.at", "input.identity_verified", "input.escort_confirmed", "input.escort",
                "input.weight_kg", "input.height_cm", "input.baseline_vitals[0].diastolic_mmhg",
                "input.baseline_vitals[1].time", "input.baseline_vitals[1].spo2",
                "input.baseline_vitals[2].diastolic_mmhg", "input.pregnancy_test.result",
                "input.cssrs.at", "input.cssrs.risk", "input.medications[0].class",
                "input.medications[1].name", "input.medications[2]", "input.drug_screen.result",
                "input.interval_override.role", "input.interval_override.reason"}))
      << check.error().ToString();
}

TEST(ChecksJsonTest, TopLevelMustBeAnObject) {
  auto check = ParsePreInfusionCheckText("[1, 2]");
  ASSERT_FALSE(check.has_value());
  EXPECT_EQ(Fields(check.error()), std::set<std::string>{"(json)"});
  auto broken = ParseDischargeCheckText("{\"infusion_end\": ");
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(Fields(broken.error()), std::set<std::string>{"(json)"});
}

TEST(ChecksJsonTest, EveryDischargeProblemAtOnceByPath) {
  const json body = json::parse(R"({
    "baseline_systolic_mmhg": 132,
    "recovery_vitals": [{"time": "2026-11-30T11:10:00Z", "spo2_percent": 940, "on_room_air": 1}],
    "moaas": {"at": "2026-11-30T11:10:00Z", "score": 5.5},
    "ambulates_safely": true,
    "nausea_controlled": true,
    "escort_verified": "yes",
    "instructions": true
  })");
  auto check = ParseDischargeCheck(body, "");
  ASSERT_FALSE(check.has_value());
  EXPECT_EQ(Fields(check.error()),
            (std::set<std::string>{"infusion_end", "baseline_diastolic_mmhg",
                                   "recovery_vitals[0].spo2_percent",
                                   "recovery_vitals[0].on_room_air", "moaas.score",
                                   "escort_verified", "instructions_given", "instructions"}))
      << check.error().ToString();
}

TEST(ChecksJsonTest, TimesAfterAtAreRefusedByTheEvaluation) {
  json body = json::parse(kMinimalPreInfusion);
  body["at"] = "2026-11-30T10:00:00Z";
  body["last_infusion_start"] = "2026-11-30T10:30:00+00:00";
  auto check = ParsePreInfusionCheck(body, "");
  ASSERT_TRUE(check.has_value());
  auto verdict = clinical::EvaluatePreInfusion(check->input, {}, check->at.value_or(Instant{}));
  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(Fields(verdict.error()), std::set<std::string>{"last_infusion_start"});
}

TEST(ChecksProtocolJsonTest, DefaultsRoundTripAndEveryKeyHasASource) {
  const clinical::PreInfusionProtocol pre;
  const json pre_json = PreInfusionProtocolToJson(pre);
  std::set<std::string> keys;
  for (const auto& [key, value] : pre_json.items()) keys.insert(key);
  std::set<std::string> sourced;
  for (const auto& s : clinical::PreInfusionProtocolSources()) sourced.insert(s.key);
  EXPECT_EQ(keys, sourced);
  Validator v("protocol");
  const auto read =
      ReadPreInfusionProtocol(pre_json, "pre_infusion", clinical::PreInfusionProtocol{}, v);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(PreInfusionProtocolToJson(read), pre_json);

  const clinical::DischargeProtocol discharge;
  const json discharge_json = DischargeProtocolToJson(discharge);
  keys.clear();
  for (const auto& [key, value] : discharge_json.items()) keys.insert(key);
  sourced.clear();
  for (const auto& s : clinical::DischargeProtocolSources()) sourced.insert(s.key);
  EXPECT_EQ(keys, sourced);
  const auto read_discharge =
      ReadDischargeProtocol(discharge_json, "discharge", clinical::DischargeProtocol{}, v);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(DischargeProtocolToJson(read_discharge), discharge_json);
}

TEST(ChecksProtocolJsonTest, OverridesKeepOtherDefaults) {
  Validator v("protocol");
  const auto p =
      ReadPreInfusionProtocol(json::parse(R"({"npo_solids_min": 360, "drug_screen": "none",
                      "medication_warn_classes": ["benzodiazepine", "maoi"],
                      "cssrs_block_risk": "moderate"})"),
                              "pre_infusion", clinical::PreInfusionProtocol{}, v);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(p.npo_solids_min, 360);
  EXPECT_EQ(p.npo_clear_liquids_min, 30);
  EXPECT_EQ(p.drug_screen, clinical::TestPolicy::kNone);
  EXPECT_EQ(p.cssrs_block_risk, clinical::CssrsRisk::kModerate);
  EXPECT_EQ(p.medication_warn_classes,
            (std::vector<clinical::DrugClass>{clinical::DrugClass::kBenzodiazepine,
                                              clinical::DrugClass::kMaoi}));
  const auto d = ReadDischargeProtocol(json::parse(R"({"min_observation_min": 120})"), "discharge",
                                       clinical::DischargeProtocol{}, v);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(d.min_observation_min, 120);
  EXPECT_EQ(d.spo2_min_percent, 94);
}

TEST(ChecksProtocolJsonTest, EveryProblemNamedByPath) {
  Validator v("protocol");
  ReadPreInfusionProtocol(json::parse(R"({"npo_solids_min": "2 h", "pregnancy_test": "sometimes",
                      "medication_warn_classes": ["benzo", 3], "hr_warn": 100})"),
                          "pre_infusion", clinical::PreInfusionProtocol{}, v);
  ReadDischargeProtocol(json::parse(R"({"moaas_min": 4.5, "spo2_min": 94})"), "discharge",
                        clinical::DischargeProtocol{}, v);
  ReadDischargeProtocol(json::parse("[]"), "discharge2", clinical::DischargeProtocol{}, v);
  auto status = v.Finish();
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(
      Fields(status.error()),
      (std::set<std::string>{"pre_infusion.npo_solids_min", "pre_infusion.pregnancy_test",
                             "pre_infusion.medication_warn_classes[0]",
                             "pre_infusion.medication_warn_classes[1]", "pre_infusion.hr_warn",
                             "discharge.moaas_min", "discharge.spo2_min", "discharge2"}));
}

}  // namespace
}  // namespace ketaclinic::clinical_json
