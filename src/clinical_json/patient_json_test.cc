// The patient file and the eligibility section of the protocol file: the documented examples
// parse, every problem is named by its path, and what is written reads back the same.

#include "clinical_json/patient_json.h"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "clinical_json/eligibility_protocol_json.h"

namespace ketaclinic::clinical_json {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The ```json blocks of a Markdown file.
std::vector<std::string> JsonBlocks(const std::string& markdown) {
  std::vector<std::string> blocks;
  const std::regex block("```json\n([\\s\\S]*?)```");
  for (auto it = std::sregex_iterator(markdown.begin(), markdown.end(), block);
       it != std::sregex_iterator(); ++it) {
    blocks.push_back((*it)[1].str());
  }
  return blocks;
}

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  return fields;
}

std::string ReasonOf(const Error& error, const std::string& field) {
  for (const FieldProblem& p : error.problems()) {
    if (p.field == field) return p.reason;
  }
  return "";
}

Instant At(const char* text) { return ParseRfc3339(text, "t").value_or(Instant{}); }

const char* kMinimal =
    R"({"patient": {"identifier": "MRN-1", "name": "Sam", "birth_date": "1990-01-31",
                    "sex": "male"}})";

TEST(PatientJsonTest, TheExampleFileIsEligibleAsDocumented) {
  auto file = ParsePatientFile(ReadFile(std::string(KC_EXAMPLES_DIR) + "/patient.json"));
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->patient.identifier, "MRN-000123");
  EXPECT_EQ(file->patient.antidepressant_trials.size(), 2u);
  EXPECT_EQ(file->overrides.size(), 2u);
  auto verdict =
      clinical::EvaluateEligibility(file->patient, {}, At("2026-12-01T09:00:00Z"), file->overrides);
  ASSERT_TRUE(verdict.has_value()) << verdict.error().ToString();
  EXPECT_EQ(verdict->outcome, clinical::EligibilityOutcome::kEligible);
  // 15 months (2) + MADRS 28 moderate (3) + 2 failed (1) + augmentation (1) = 7, moderate.
  ASSERT_TRUE(verdict->msm.has_value());
  EXPECT_EQ(verdict->msm.value_or(clinical::MsmScore{}).total, 7);
  EXPECT_EQ(verdict->msm.value_or(clinical::MsmScore{}).category, "moderate");
  // Sertraline 8 weeks: 4. Venlafaxine 10 weeks at 225 >= 75 mg: 4, augmented: 5.
  EXPECT_EQ(verdict->trials[0].rating.athf, 4);
  EXPECT_EQ(verdict->trials[1].rating.athf, 5);
  EXPECT_EQ(verdict->applied_overrides.size(), 2u);
}

TEST(PatientJsonTest, EveryDocumentedExampleParses) {
  const std::string doc = ReadFile(std::string(KC_DOCS_DIR) + "/formats/patient-file.md");
  const std::vector<std::string> blocks = JsonBlocks(doc);
  ASSERT_EQ(blocks.size(), 2u);
  for (const std::string& block : blocks) {
    auto file = ParsePatientFile(block);
    EXPECT_TRUE(file.has_value()) << block << "\n" << file.error().ToString();
  }
  // The complete example is examples/patient.json.
  EXPECT_EQ(json::parse(blocks[0]),
            json::parse(ReadFile(std::string(KC_EXAMPLES_DIR) + "/patient.json")));
}

// The error example of docs/formats/patient-file.md, line for line.
TEST(PatientJsonTest, TheDocumentedErrorExample) {
  const char* text = R"({
    "patient": {"identifier": "MRN-1", "name": "Sam", "birth_date": "1990-01-31", "sex": "male",
      "antidepressant_trials": [{"drug": "sertraline", "daily_dose_mg": 100, "start": "2026-03-01",
        "Stop": "2026-02-01", "weeks_at_dose": 4, "outcome": "none"}]},
    "overrides": [{"rule": "eligibility.psychotherapy", "by": {"user_id": "kim", "role": "nurse"},
                   "reason": "no therapist nearby"}]})";
  auto file = ParsePatientFile(text);
  ASSERT_FALSE(file.has_value());
  const std::string doc = ReadFile(std::string(KC_DOCS_DIR) + "/formats/patient-file.md");
  for (const FieldProblem& p : file.error().problems()) {
    EXPECT_NE(doc.find("  " + p.field + ": " + p.reason), std::string::npos)
        << p.field << ": " << p.reason;
  }
  EXPECT_EQ(file.error().problems().size(), 3u) << file.error().ToString();
}

TEST(PatientJsonTest, TheSmallestFile) {
  auto file = ParsePatientFile(kMinimal);
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_EQ(file->patient.sex, clinical::Sex::kMale);
  EXPECT_FALSE(file->patient.diagnosis.has_value());
  EXPECT_FALSE(file->patient.height_cm.has_value());
  EXPECT_TRUE(file->overrides.empty());
}

TEST(PatientJsonTest, WrittenFilesReadBackTheSame) {
  auto file = ParsePatientFile(ReadFile(std::string(KC_EXAMPLES_DIR) + "/patient.json"));
  ASSERT_TRUE(file.has_value());
  file->patient.antidepressant_trials[0].adequate_dose = false;
  file->patient.antidepressant_trials[0].meta.id = "trial-7";
  file->patient.antidepressant_trials[0].meta.version = 2;
  file->patient.antidepressant_trials[0].meta.author = "dr-chen";
  file->patient.antidepressant_trials[0].meta.recorded_at = At("2026-11-26T08:00:00Z");
  file->patient.antidepressant_trials[0].meta.reason = "dose corrected from pharmacy record";
  file->patient.consents[0].revoked_at = At("2026-12-05T08:00:00Z");
  std::optional<clinical::Diagnosis>& diagnosis = file->patient.diagnosis;
  if (diagnosis) diagnosis->description = "recurrent";
  clinical::NeuromodulationCourse ect;
  ect.kind = clinical::NeuromodulationKind::kEct;
  ect.sessions = 9;
  ect.start = clinical::ParseDate("2026-06-01", "f").value();
  ect.outcome = clinical::TrialOutcome::kIntolerance;
  file->patient.neuromodulation.push_back(ect);
  const json written = PatientFileToJson(*file);
  auto again = PatientFileFromJson(written);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(PatientFileToJson(*again), written);
  EXPECT_EQ(written["patient"]["antidepressant_trials"][0]["meta"]["version"], 2);
  EXPECT_FALSE(written["patient"]["antidepressant_trials"][1].contains("meta"));
}

TEST(PatientJsonTest, EveryProblemAtOnceByPath) {
  const char* text = R"({
    "patient": {
      "identifier": "", "birth_date": "1990-02-30", "sex": "other", "height_cm": "168",
      "weights": [{"measured_at": "2026-11-25 09:00", "weight_kg": 70}, 5],
      "diagnosis": {"kind": "mdd", "episode_start": "2025-09-01", "code": {"system": "icd10", "code": "F33.2"}},
      "antidepressant_trials": [
        {"drug": "sertraline", "daily_dose_mg": 100, "start": "2025-09-15", "stop": "2025-09-01",
         "weeks_at_dose": 4, "outcome": "no-response"},
        {"drug": "citalopram", "start": "2025-10-01", "weeks_at_dose": 4, "outcome": "none",
         "Adherence": "good"}],
      "medications": [{"name": "lorazepam", "class": "benzo"}],
      "conditions": [{"system": "icd-10-cm", "code": "f33.2"}],
      "clearances": [{"date": "2026-11-15", "by": "dr-osei", "covered": ["ekg"]}],
      "scale_responses": [{"scale": "phq9", "items": [1, 1, 1, 1, 1, 1, 1, 1.5, 4],
                           "taken_at": "2026-11-25T09:00:00Z"},
                          {"scale": "hamd", "items": [], "taken_at": "2026-11-25T09:00:00Z"}],
      "favourite_colour": "blue"
    },
    "overrides": [{"rule": "eligibility.psychotherapy", "by": {"user_id": "kim", "role": "nurse"}}]
  })";
  auto file = ParsePatientFile(text);
  ASSERT_FALSE(file.has_value());
  const std::vector<std::string> fields = Fields(file.error());
  const std::set<std::string> got(fields.begin(), fields.end());
  EXPECT_EQ(got.size(), fields.size()) << "a field reported twice:\n" << file.error().ToString();
  const std::set<std::string> expected = {
      "patient.favourite_colour",
      "patient.name",
      "patient.birth_date",
      "patient.sex",
      "patient.height_cm",
      "patient.weights[0].measured_at",
      "patient.weights[1]",
      "patient.diagnosis.code.system",
      "patient.antidepressant_trials[1].Adherence",
      "patient.antidepressant_trials[1].daily_dose_mg",
      "patient.antidepressant_trials[1].outcome",
      "patient.medications[0].class",
      "patient.clearances[0].covered[0]",
      "patient.scale_responses[0].items[7]",
      "patient.scale_responses[1].scale",
      "overrides[0].reason",
      // From clinical::ValidatePatient / ValidateEligibilityOverrides, in the file's terms:
      "patient.identifier",
      "patient.antidepressant_trials[0].stop",
      "patient.conditions[0].code",
      "patient.scale_responses[0].items[8]",
      "overrides[0].by.role",
  };
  EXPECT_EQ(got, expected) << file.error().ToString();
  EXPECT_NE(
      ReasonOf(file.error(), "patient.antidepressant_trials[1].Adherence").find("did you mean"),
      std::string::npos);
  EXPECT_NE(ReasonOf(file.error(), "patient.medications[0].class").find("benzodiazepine"),
            std::string::npos);
  EXPECT_NE(ReasonOf(file.error(), "patient.scale_responses[0].items[8]").find("item 9"),
            std::string::npos);
}

TEST(PatientJsonTest, NullMeansAbsentForOptionalFields) {
  auto file = ParsePatientFile(R"({"patient": {"identifier": "MRN-1", "name": "Sam",
      "birth_date": "1990-01-31", "sex": "male", "height_cm": null, "diagnosis": null,
      "antidepressant_trials": [{"drug": "sertraline", "daily_dose_mg": 100, "start": "2025-09-15",
        "stop": null, "weeks_at_dose": 4, "outcome": "no-response", "adequate_dose": null}]},
      "overrides": null})");
  ASSERT_TRUE(file.has_value()) << file.error().ToString();
  EXPECT_FALSE(file->patient.antidepressant_trials[0].stop.has_value());
  auto bad = ParsePatientFile(R"({"patient": {"identifier": "MRN-1", "name": null,
      "birth_date": "1990-01-31", "sex": "male"}})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(Fields(bad.error()), std::vector<std::string>{"patient.name"});
}

TEST(PatientJsonTest, MalformedTextAndWrongShapes) {
  auto bad = ParsePatientFile("{\"patient\": ");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(Fields(bad.error()), std::vector<std::string>{"(json)"});
  bad = ParsePatientFile("[]");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(Fields(bad.error()), std::vector<std::string>{"(json)"});
  bad = ParsePatientFile(R"({"patient": {"identifier": "a", "identifier": "b"}})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(Fields(bad.error()), std::vector<std::string>{"patient.identifier"});
  bad = ParsePatientFile(R"({})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(Fields(bad.error()), std::vector<std::string>{"patient"});
  // Embedded in a larger document, problems carry its path.
  auto embedded = PatientFileFromJson(json::parse(R"({"patient": {"name": "x"}})"), "input");
  ASSERT_FALSE(embedded.has_value());
  EXPECT_EQ(Fields(embedded.error()),
            (std::vector<std::string>{"input.patient.identifier", "input.patient.birth_date",
                                      "input.patient.sex"}));
}

TEST(PatientJsonTest, VerdictJsonHasTheDocumentedKeys) {
  auto file = ParsePatientFile(ReadFile(std::string(KC_EXAMPLES_DIR) + "/patient.json"));
  ASSERT_TRUE(file.has_value());
  const Instant at = At("2026-12-01T09:00:00Z");
  auto verdict = clinical::EvaluateEligibility(file->patient, {}, at, file->overrides);
  ASSERT_TRUE(verdict.has_value());
  const json out = EligibilityVerdictToJson(*verdict, at);
  EXPECT_EQ(out["verdict"], "eligible");
  EXPECT_EQ(out["at"], "2026-12-01T09:00:00Z");
  EXPECT_EQ(out["protocol_version"], "default-2026-11");
  EXPECT_EQ(out["msm"]["score"], 7);
  EXPECT_EQ(out["msm"]["parts"]["augmentation"], 1);
  EXPECT_EQ(out["trials"][1]["drug"], "venlafaxine XR");
  EXPECT_EQ(out["trials"][1]["athf"], 5);
  EXPECT_EQ(out["trials"][1]["minimum_adequate_dose_mg"], 75);
  EXPECT_EQ(out["failed_adequate_trials"], 2);
  EXPECT_EQ(out["overrides_applied"].size(), 2u);
  for (const json& f : out["findings"]) {
    for (const char* key : {"rule", "severity", "message", "source"}) EXPECT_TRUE(f.contains(key));
  }
}

// docs/ELIGIBILITY.md names every rule and every item of the default catalogue.
TEST(PatientJsonTest, TheEligibilityPageNamesEveryRuleAndItem) {
  const std::string doc = ReadFile(std::string(KC_DOCS_DIR) + "/ELIGIBILITY.md");
  for (const char* rule :
       {clinical::kRuleAge, clinical::kRuleDiagnosis, clinical::kRuleBipolarMoodStabilizer,
        clinical::kRuleTreatmentResistance, clinical::kRuleTrialDoseUnknown,
        clinical::kRulePsychotherapy, clinical::kRuleBaselineSeverity, clinical::kRuleStaging,
        clinical::kRuleMedicalClearance, clinical::kRuleConsent, clinical::kRuleSuicideScreen,
        clinical::kRuleOverrideRejected, clinical::kRuleOverrideUnused}) {
    EXPECT_NE(doc.find("`" + std::string(rule) + "`"), std::string::npos) << rule;
  }
  for (const clinical::ContraindicationItem& item : clinical::DefaultContraindications()) {
    EXPECT_NE(doc.find("`" + item.code + "`"), std::string::npos) << item.code;
  }
  for (const clinical::ParameterSource& s : clinical::EligibilityProtocolSources()) {
    EXPECT_NE(doc.find("`" + s.key + "`"), std::string::npos) << s.key;
  }
}

// --- The eligibility section of the protocol file ----------------------------------------------

TEST(EligibilityProtocolJsonTest, DefaultsWrittenAndReadBackAreTheDefaults) {
  const clinical::EligibilityProtocol defaults;
  const json written = EligibilityProtocolToJson(defaults);
  Validator v("t");
  const clinical::EligibilityProtocol read =
      ReadEligibilityProtocol(written, "eligibility", clinical::EligibilityProtocol{}, v);
  EXPECT_TRUE(v.ok()) << v.Finish().error().ToString();
  EXPECT_EQ(EligibilityProtocolToJson(read), written);
  // Every key written is cited, and every cited key is written.
  std::set<std::string> keys, cited;
  for (const auto& [key, value] : written.items()) keys.insert(key);
  for (const clinical::ParameterSource& s : clinical::EligibilityProtocolSources()) {
    cited.insert(s.key);
  }
  EXPECT_EQ(keys, cited);
  EXPECT_TRUE(written["max_age_years"].is_null());
  EXPECT_EQ(written["baseline_severity_min"], (json{{"madrs", 20}, {"phq9", 10}}));
}

TEST(EligibilityProtocolJsonTest, AbsentKeysKeepTheDefault) {
  Validator v("t");
  const clinical::EligibilityProtocol p =
      ReadEligibilityProtocol(json::parse(R"({"min_failed_adequate_trials": 3, "max_age_years": 70,
                      "baseline_severity_min": {"madrs": 22},
                      "clearance_required_items": ["history-and-physical", "ecg"],
                      "mood_stabilizer_classes": ["lithium"]})"),
                              "eligibility", clinical::EligibilityProtocol{}, v);
  ASSERT_TRUE(v.ok()) << v.Finish().error().ToString();
  EXPECT_EQ(p.min_failed_adequate_trials, 3);
  EXPECT_EQ(p.max_age_years, 70);
  EXPECT_EQ(p.baseline_severity_min,
            (std::vector<clinical::SeverityThreshold>{{clinical::Scale::kMadrs, 22}}));
  EXPECT_EQ(p.clearance_required_items.size(), 2u);
  EXPECT_EQ(p.min_age_years, 18);
  EXPECT_EQ(p.contraindications.size(), clinical::DefaultContraindications().size());
  EXPECT_TRUE(clinical::ValidateEligibilityProtocol(p).has_value());
}

TEST(EligibilityProtocolJsonTest, ProblemsAreNamedUnderThePath) {
  Validator v("t");
  ReadEligibilityProtocol(json::parse(R"({"min_age_years": 18.5, "Require_consent": true,
                      "mood_stabilizer_classes": ["lithium", "valproate"],
                      "baseline_severity_min": {"phq10": 10, "madrs": "20"},
                      "contraindications": [
                        {"code": "x", "display": "x", "level": "soft", "source": "s",
                         "condition_codes": [{"system": "icd-10-cm"}], "drug_classes": ["opiate"]},
                        7]})"),
                          "eligibility", clinical::EligibilityProtocol{}, v);
  auto status = v.Finish();
  ASSERT_FALSE(status.has_value());
  const std::vector<std::string> expected = {
      "eligibility.Require_consent",
      "eligibility.min_age_years",
      "eligibility.mood_stabilizer_classes[1]",
      "eligibility.baseline_severity_min.madrs",
      "eligibility.baseline_severity_min.phq10",
      "eligibility.contraindications[0].level",
      "eligibility.contraindications[0].condition_codes[0].code",
      "eligibility.contraindications[0].drug_classes[0]",
      "eligibility.contraindications[1]",
  };
  EXPECT_EQ(Fields(status.error()), expected) << status.error().ToString();
}

// A site's own catalogue replaces the default; the label items must stay (checked by
// clinical::ValidateEligibilityProtocol after reading).
TEST(EligibilityProtocolJsonTest, ACatalogueReplacesTheDefault) {
  json catalogue = EligibilityProtocolToJson(clinical::EligibilityProtocol{})["contraindications"];
  json section = {{"contraindications", json::array()}};
  for (const json& item : catalogue) {
    if (item["level"] == "absolute") section["contraindications"].push_back(item);
  }
  section["contraindications"].push_back(
      {{"code", "recent-myocardial-infarction"},
       {"display", "myocardial infarction in the last 6 months"},
       {"level", "absolute"},
       {"source", "site policy [D]"},
       {"condition_codes", {{{"system", "icd-10-cm"}, {"code", "I21"}}}}});
  Validator v("t");
  const clinical::EligibilityProtocol p =
      ReadEligibilityProtocol(section, "eligibility", clinical::EligibilityProtocol{}, v);
  ASSERT_TRUE(v.ok()) << v.Finish().error().ToString();
  EXPECT_EQ(p.contraindications.size(), clinical::LabelContraindicationCodes().size() + 1);
  EXPECT_TRUE(clinical::ValidateEligibilityProtocol(p).has_value());
  section["contraindications"].erase(0);  // drops ketamine hypersensitivity
  const clinical::EligibilityProtocol dropped =
      ReadEligibilityProtocol(section, "eligibility", clinical::EligibilityProtocol{}, v);
  EXPECT_FALSE(clinical::ValidateEligibilityProtocol(dropped).has_value());
}

}  // namespace
}  // namespace ketaclinic::clinical_json
