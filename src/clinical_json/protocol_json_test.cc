#include "clinical_json/protocol_json.h"

#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace ketaclinic::clinical_json {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> ProblemFields(const Error& error) {
  std::set<std::string> fields;
  for (const FieldProblem& problem : error.problems()) fields.insert(problem.field);
  return fields;
}

TEST(ProtocolJsonTest, OnlyTheVersionKeepsEveryDefault) {
  auto p = ParseProtocolText(R"({"version": "clinic-1"})");
  ASSERT_TRUE(p) << p.error().ToString();
  clinical::Protocol expected = clinical::DefaultProtocol();
  expected.version = "clinic-1";
  clinical::StampVersion(expected);
  EXPECT_EQ(ProtocolToJson(*p), ProtocolToJson(expected));
  EXPECT_EQ(p->dosing.version, "clinic-1");
  EXPECT_EQ(p->session.version, "clinic-1");
  EXPECT_DOUBLE_EQ(p->dosing.hard_max_mg_per_kg, 1.0);  // clinical.md §6 [D]
}

TEST(ProtocolJsonTest, AbsentVersionIsRefused) {
  auto p = ParseProtocolText(R"({"dosing": {"soft_max_mg_per_kg": 0.7}})");
  ASSERT_FALSE(p);
  EXPECT_EQ(ProblemFields(p.error()), (std::set<std::string>{"version"}));
}

TEST(ProtocolJsonTest, EveryProblemAtOnceNamedByItsPath) {
  auto p = ParseProtocolText(R"({
    "version": "x",
    "titel": "typo",
    "dosing": {"soft_max_mg_per_kg": 1.2, "hard_max_mg_per_kg": "1.0"},
    "session": {"sbp_pause_mmhg": 180, "SBP_warn_mmhg": 150},
    "course": {"interval_hard_min_h": 24},
    "outcomes": []
  })");
  ASSERT_FALSE(p);
  const auto fields = ProblemFields(p.error());
  EXPECT_EQ(fields, (std::set<std::string>{"titel", "dosing.hard_max_mg_per_kg",
                                           "dosing.soft_max_mg_per_kg", "session.SBP_warn_mmhg",
                                           "course.interval_hard_min_h", "outcomes"}))
      << p.error().ToString();
}

TEST(ProtocolJsonTest, AWrongTypeIsReportedOnceNotAgainByValidation) {
  auto p = ParseProtocolText(R"({"version": 3})");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().problems().size(), 1u) << p.error().ToString();
  EXPECT_EQ(p.error().problems()[0].field, "version");
}

TEST(ProtocolJsonTest, MalformedJsonAndNonObjects) {
  auto bad = ParseProtocolText(R"({"version": )");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().problems()[0].field, "(json)");
  auto array = ParseProtocolText("[]");
  ASSERT_FALSE(array);
  EXPECT_NE(array.error().ToString().find("JSON object"), std::string::npos);
}

TEST(ProtocolJsonTest, ShownProtocolReadsBackAsTheSameProtocol) {
  auto example = ParseProtocolText(ReadFile(std::string(KC_EXAMPLES_DIR) + "/protocol.json"));
  ASSERT_TRUE(example) << example.error().ToString();
  for (const clinical::Protocol& p : {clinical::DefaultProtocol(), *example}) {
    const json shown = ProtocolToJson(p);
    auto again = ParseProtocol(shown);
    ASSERT_TRUE(again) << again.error().ToString();
    EXPECT_EQ(ProtocolToJson(*again), shown);
  }
}

TEST(ProtocolJsonTest, ExampleChangesWhatItSaysAndNothingElse) {
  auto p = ParseProtocolText(ReadFile(std::string(KC_EXAMPLES_DIR) + "/protocol.json"));
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->version, "riverside-2026-03");
  EXPECT_EQ(p->approved_on, "2026-03-02");
  EXPECT_EQ(p->dosing.ideal_weight_if_bmi_at_least, std::optional<double>(35));
  EXPECT_DOUBLE_EQ(p->dosing.max_duration_min, 60);
  EXPECT_DOUBLE_EQ(p->session.sbp_warn_mmhg, 165);
  EXPECT_DOUBLE_EQ(p->discharge.min_observation_min, 45);
  EXPECT_EQ(p->course.induction_weekdays.size(), 2u);
  EXPECT_DOUBLE_EQ(p->course.maintenance_default_interval_days, 35);
  // Untouched keys keep clinical.md §6.
  EXPECT_DOUBLE_EQ(p->session.sbp_pause_mmhg, 180);
  EXPECT_DOUBLE_EQ(p->pre_infusion.interval_hard_min_h, 20);
  EXPECT_EQ(p->eligibility.version, "riverside-2026-03");
}

// Every ```json block of the format document is a valid protocol file, except the one marked
// as the example of a refused file, which must be refused.
TEST(ProtocolJsonTest, DocumentedExamplesParse) {
  const std::string doc = ReadFile(std::string(KC_DOCS_DIR) + "/formats/protocol-file.md");
  ASSERT_FALSE(doc.empty());
  const std::regex block("```json\\n([\\s\\S]*?)```");
  int valid = 0;
  int refused = 0;
  for (auto it = std::sregex_iterator(doc.begin(), doc.end(), block); it != std::sregex_iterator();
       ++it) {
    const std::string text = (*it)[1].str();
    auto p = ParseProtocolText(text);
    if (text.find("\"version\": \"refused\"") != std::string::npos) {
      EXPECT_FALSE(p) << text;
      ++refused;
    } else {
      EXPECT_TRUE(p) << text << "\n" << (p ? "" : p.error().ToString());
      ++valid;
    }
  }
  EXPECT_GE(valid, 2);
  EXPECT_EQ(refused, 1);
}

}  // namespace
}  // namespace ketaclinic::clinical_json
