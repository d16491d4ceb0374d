// Model files: round trips through ModelToJson, the two parameterizations and their published
// conversions, ke0 from a time to peak, and every way a file can be wrong.

#include "pk_json/model_json.h"

#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pk/registry.h"

namespace ketaclinic::pk_json {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The Domino 1984 set as micro-constants (reference/pk.md §1.1), 70 kg, ke0 from stanpumpR's
// time to peak effect of 3 min.
json DominoMicro() {
  return {{"name", "domino_file"}, {"compartments", 3},     {"v1_l", 0.063 * 70},
          {"k10_per_min", 0.438},  {"k12_per_min", 0.592},  {"k13_per_min", 0.590},
          {"k21_per_min", 0.247},  {"k31_per_min", 0.0146}, {"time_to_peak_effect_min", 3}};
}

// A two-compartment set in volumes and clearances (Herd 2007's typical values).
json TwoCompartment() {
  return {{"name", "two"},       {"compartments", 2},   {"v1_l", 38.7},       {"v2_l", 102},
          {"cl_l_per_min", 1.5}, {"q2_l_per_min", 3.5}, {"ke0_per_min", 3.78}};
}

Result<pk::ModelDefinition> Parse(const json& model) { return ParseModel(model.dump()); }

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& problem : error.problems()) fields.push_back(problem.field);
  return fields;
}

// The reason given for `field`, or "" if there is none.
std::string Reason(const Error& error, const std::string& field) {
  for (const FieldProblem& problem : error.problems()) {
    if (problem.field == field) return problem.reason;
  }
  return "";
}

// Parses a file expected to be refused, and returns the error.
Error ParseError(const std::string& text) {
  auto model = ParseModel(text);
  EXPECT_FALSE(model.has_value()) << "accepted: " << text;
  if (model) return Error::Internal("accepted");
  EXPECT_EQ(model.error().code(), ErrorCode::kInvalidArgument) << model.error().ToString();
  return model.error();
}
Error ParseError(const json& model) { return ParseError(model.dump()); }

void ExpectSameModel(const pk::ModelDefinition& a, const pk::ModelDefinition& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.citation, b.citation);
  EXPECT_EQ(a.population, b.population);
  EXPECT_EQ(a.ke0_provenance, b.ke0_provenance);
  EXPECT_EQ(a.notes, b.notes);
  EXPECT_EQ(a.paediatric, b.paediatric);
  EXPECT_EQ(a.compartments, b.compartments);
  EXPECT_DOUBLE_EQ(a.reference_weight_kg, b.reference_weight_kg);
  EXPECT_DOUBLE_EQ(a.v1_l, b.v1_l);
  EXPECT_DOUBLE_EQ(a.cl_l_per_min, b.cl_l_per_min);
  if (a.compartments >= 2) {
    EXPECT_DOUBLE_EQ(a.v2_l, b.v2_l);
    EXPECT_DOUBLE_EQ(a.q2_l_per_min, b.q2_l_per_min);
  }
  if (a.compartments >= 3) {
    EXPECT_DOUBLE_EQ(a.v3_l, b.v3_l);
    EXPECT_DOUBLE_EQ(a.q3_l_per_min, b.q3_l_per_min);
  }
  EXPECT_DOUBLE_EQ(a.volume_weight_exponent, b.volume_weight_exponent);
  EXPECT_DOUBLE_EQ(a.clearance_weight_exponent, b.clearance_weight_exponent);
  EXPECT_DOUBLE_EQ(a.ke0_per_min, b.ke0_per_min);
  EXPECT_DOUBLE_EQ(a.variability.v1_cv, b.variability.v1_cv);
  EXPECT_DOUBLE_EQ(a.variability.v2_cv, b.variability.v2_cv);
  EXPECT_DOUBLE_EQ(a.variability.v3_cv, b.variability.v3_cv);
  EXPECT_DOUBLE_EQ(a.variability.cl_cv, b.variability.cl_cv);
  EXPECT_DOUBLE_EQ(a.variability.q2_cv, b.variability.q2_cv);
  EXPECT_DOUBLE_EQ(a.variability.q3_cv, b.variability.q3_cv);
  EXPECT_DOUBLE_EQ(a.variability.ke0_cv, b.variability.ke0_cv);
  EXPECT_EQ(a.metabolite.has_value(), b.metabolite.has_value());
  if (a.metabolite && b.metabolite) {
    EXPECT_EQ(a.metabolite->name, b.metabolite->name);
    EXPECT_DOUBLE_EQ(a.metabolite->fraction_formed, b.metabolite->fraction_formed);
    EXPECT_DOUBLE_EQ(a.metabolite->molar_mass_ratio, b.metabolite->molar_mass_ratio);
    EXPECT_DOUBLE_EQ(a.metabolite->volume_l, b.metabolite->volume_l);
    EXPECT_DOUBLE_EQ(a.metabolite->clearance_l_per_min, b.metabolite->clearance_l_per_min);
  }
  EXPECT_DOUBLE_EQ(a.studied_weight_min_kg, b.studied_weight_min_kg);
  EXPECT_DOUBLE_EQ(a.studied_weight_max_kg, b.studied_weight_max_kg);
}

// ---- Round trips -------------------------------------------------------------------------

TEST(ModelJsonTest, EveryBuiltInModelRoundTrips) {
  ASSERT_FALSE(pk::BuiltInModels().empty());
  for (const pk::ModelDefinition& model : pk::BuiltInModels()) {
    SCOPED_TRACE(model.name);
    const std::string text = ModelToJson(model).dump(2);
    auto parsed = ParseModel(text);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString() << "\n" << text;
    ExpectSameModel(model, *parsed);
  }
}

TEST(ModelJsonTest, EveryFieldRoundTripsIncludingMetaboliteAndVariability) {
  pk::ModelDefinition model;
  model.name = "custom-1";
  model.title = "Custom";
  model.citation = "None";
  model.population = "µ-test, “quoted” \"text\"";
  model.ke0_provenance = "measured";
  model.notes = "line one\nline two";
  model.paediatric = true;
  model.compartments = 1;
  model.reference_weight_kg = 20;
  model.v1_l = 12.5;
  model.cl_l_per_min = 0.1 / 3;  // not exactly representable: a round trip must keep all bits
  model.volume_weight_exponent = 0.9;
  model.clearance_weight_exponent = 0.75;
  model.ke0_per_min = 1.25;
  model.variability = {.v1_cv = 0.1,
                       .v2_cv = 0.2,
                       .v3_cv = 0.3,
                       .cl_cv = 0.4,
                       .q2_cv = 0.5,
                       .q3_cv = 0.6,
                       .ke0_cv = 0.7};
  model.metabolite = pk::MetaboliteDefinition{"norketamine", 0.8, 223.7 / 237.7, 50, 0.9};
  model.studied_weight_min_kg = 5;
  model.studied_weight_max_kg = 40;
  auto parsed = ParseModel(ModelToJson(model).dump());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  ExpectSameModel(model, *parsed);
  EXPECT_EQ(parsed->cl_l_per_min, model.cl_l_per_min);  // bit for bit, not only to 4 ULP
}

TEST(ModelJsonTest, ModelToJsonWritesTheDerivedValuesAtTheReferenceWeight) {
  const json domino = ModelToJson(*pk::FindModel("domino"));
  const json& k = domino.at("micro_constants");
  EXPECT_NEAR(k.at("k10_per_min").get<double>(), 0.438, 1e-12);
  EXPECT_NEAR(k.at("k12_per_min").get<double>(), 0.592, 1e-12);
  EXPECT_NEAR(k.at("k21_per_min").get<double>(), 0.247, 1e-12);
  EXPECT_NEAR(k.at("k13_per_min").get<double>(), 0.590, 1e-12);
  EXPECT_NEAR(k.at("k31_per_min").get<double>(), 0.0146, 1e-12);
  const auto half_lives = domino.at("half_lives_min").get<std::vector<double>>();
  ASSERT_EQ(half_lives.size(), 3u);
  EXPECT_LT(half_lives[0], half_lives[1]);
  EXPECT_LT(half_lives[1], half_lives[2]);

  const json two = ModelToJson(*Parse(TwoCompartment()));
  EXPECT_FALSE(two.contains("v3_l"));
  EXPECT_FALSE(two.contains("q3_l_per_min"));
  EXPECT_FALSE(two.contains("metabolite"));
  EXPECT_FALSE(two.at("micro_constants").contains("k13_per_min"));
  EXPECT_EQ(two.at("half_lives_min").size(), 2u);
}

TEST(ModelJsonTest, ModelToJsonOfAnInvalidModelLeavesOutTheDerivedValues) {
  pk::ModelDefinition model;  // v1_l = 0: the engine would refuse it
  model.name = "empty";
  const json j = ModelToJson(model);
  EXPECT_EQ(j.at("name"), "empty");
  EXPECT_FALSE(j.contains("micro_constants"));
  EXPECT_FALSE(j.contains("half_lives_min"));
}

// ---- Parameterizations ---------------------------------------------------------------------

TEST(ModelJsonTest, MicroConstantsConvertAsStanpumpRDoesForDominoAt70Kg) {
  auto model = Parse(DominoMicro());
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  // stanpumpR tests/testthat/test-drugs-ketamine.R (reference/pk.md), printed to 7 digits.
  EXPECT_NEAR(model->v1_l, 4.41, 1e-9);
  EXPECT_NEAR(model->v2_l, 10.56972, 1e-5);
  EXPECT_NEAR(model->v3_l, 178.2123, 1e-4);
  EXPECT_NEAR(model->cl_l_per_min, 1.93158, 1e-9);
  EXPECT_NEAR(model->q2_l_per_min, 2.61072, 1e-9);
  EXPECT_NEAR(model->q3_l_per_min, 2.6019, 1e-9);
}

TEST(ModelJsonTest, DominoFromAFileMatchesTheBuiltInSet) {
  auto model = Parse(DominoMicro());
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  const pk::ModelDefinition builtin = *pk::FindModel("domino");
  EXPECT_DOUBLE_EQ(model->v2_l, builtin.v2_l);
  EXPECT_DOUBLE_EQ(model->q3_l_per_min, builtin.q3_l_per_min);
  // Both derive ke0 from a time to peak of 3 min in the same way.
  EXPECT_NEAR(model->ke0_per_min, builtin.ke0_per_min, 1e-9 * builtin.ke0_per_min);
}

TEST(ModelJsonTest, PerHourClearancesAreDividedBySixty) {
  json kamp = {{"name", "kamp_file"}, {"compartments", 3}, {"v1_l", 25},
               {"v2_l", 56},          {"v3_l", 157},       {"cl_l_per_h", 84},
               {"q2_l_per_h", 161},   {"q3_l_per_h", 79},  {"ke0_per_min", 2.791}};
  auto model = Parse(kamp);
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  const pk::ModelDefinition builtin = *pk::FindModel("kamp");
  EXPECT_DOUBLE_EQ(model->cl_l_per_min, 84.0 / 60);
  EXPECT_DOUBLE_EQ(model->cl_l_per_min, builtin.cl_l_per_min);
  EXPECT_DOUBLE_EQ(model->q2_l_per_min, builtin.q2_l_per_min);
  EXPECT_DOUBLE_EQ(model->q3_l_per_min, builtin.q3_l_per_min);

  // Units may be mixed between clearances, only not within one.
  kamp.erase("q2_l_per_h");
  kamp["q2_l_per_min"] = 161.0 / 60;
  model = Parse(kamp);
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  EXPECT_DOUBLE_EQ(model->q2_l_per_min, builtin.q2_l_per_min);
}

TEST(ModelJsonTest, TimeToPeakOfOneMinuteGivesOpentivasKe0ForDomino) {
  json file = DominoMicro();
  file["time_to_peak_effect_min"] = 1;
  auto model = Parse(file);
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  // opentiva's Domino ke0 "from tpeak 1 min" is 0.652 /min (reference/pk.md §1.1).
  EXPECT_NEAR(model->ke0_per_min, 0.652, 0.005 * 0.652);
  EXPECT_THAT(model->ke0_provenance, HasSubstr("time_to_peak_effect_min = 1 min"));

  file["ke0_provenance"] = "opentiva, tpeak 1 min";
  model = Parse(file);
  ASSERT_TRUE(model.has_value());
  EXPECT_EQ(model->ke0_provenance, "opentiva, tpeak 1 min");  // the file's own is kept
}

TEST(ModelJsonTest, OmittedOptionalFieldsTakeTheirDefaults) {
  auto model = Parse(TwoCompartment());
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  EXPECT_EQ(model->compartments, 2);
  EXPECT_EQ(model->reference_weight_kg, 70);
  EXPECT_EQ(model->volume_weight_exponent, 1);
  EXPECT_EQ(model->clearance_weight_exponent, 1);
  EXPECT_FALSE(model->paediatric);
  EXPECT_FALSE(model->variability.Any());
  EXPECT_FALSE(model->metabolite.has_value());
  EXPECT_EQ(model->title, "");

  json file = TwoCompartment();
  file["metabolite"] = {{"name", "norketamine"}, {"volume_l", 50}, {"clearance_l_per_min", 1}};
  model = Parse(file);
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  ASSERT_TRUE(model->metabolite.has_value());
  const pk::MetaboliteDefinition metabolite =
      model->metabolite.value_or(pk::MetaboliteDefinition{});
  EXPECT_EQ(metabolite.fraction_formed, 1);
  EXPECT_EQ(metabolite.molar_mass_ratio, 1);
}

TEST(ModelJsonTest, AOneCompartmentModelNeedsOnlyV1AndClearance) {
  auto model = Parse(json{
      {"name", "one"}, {"compartments", 1}, {"v1_l", 10}, {"cl_l_per_min", 1}, {"ke0_per_min", 1}});
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  model = Parse(json{{"name", "one"},
                     {"compartments", 1},
                     {"v1_l", 10},
                     {"k10_per_min", 0.1},
                     {"ke0_per_min", 1}});
  ASSERT_TRUE(model.has_value()) << model.error().ToString();
  EXPECT_DOUBLE_EQ(model->cl_l_per_min, 1);
}

// ---- Errors --------------------------------------------------------------------------------

TEST(ModelJsonTest, ReportsEveryProblemOfAFileAtOnce) {
  json file = TwoCompartment();
  file.erase("name");
  file["v1_L"] = 38.7;  // typo; v1_l is then missing too
  file.erase("v1_l");
  file["q2_l_per_h"] = 210;                                 // both units
  file["v2_l"] = "102";                                     // wrong type
  file["variability"] = {{"cl_cv", 5}};                     // out of ValidateModel's range
  file["metabolite"] = {{"name", "nk"}, {"volume_l", 10}};  // clearance missing
  const Error error = ParseError(file);
  EXPECT_THAT(Fields(error),
              UnorderedElementsAre("name", "v1_L", "v1_l", "q2_l_per_h", "v2_l",
                                   "variability.cl_cv", "metabolite.clearance_l_per_min"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "v1_L"), HasSubstr("did you mean \"v1_l\""));
  EXPECT_THAT(Reason(error, "q2_l_per_h"), HasSubstr("q2_l_per_min"));
  EXPECT_THAT(Reason(error, "v2_l"), HasSubstr("must be a number, got a string \"102\""));
}

TEST(ModelJsonTest, RequiredFieldsAreNamed) {
  const Error error = ParseError(json::object());
  EXPECT_THAT(Fields(error),
              UnorderedElementsAre("name", "compartments", "v1_l", "cl_l_per_min", "ke0_per_min"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "ke0_per_min"), HasSubstr("time_to_peak_effect_min"));
  EXPECT_THAT(Reason(error, "cl_l_per_min"), HasSubstr("cl_l_per_h"));
}

TEST(ModelJsonTest, MissingParametersForTheCompartmentCountAreEachNamed) {
  json file = DominoMicro();
  file.erase("k31_per_min");
  file.erase("k12_per_min");
  Error error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("k12_per_min", "k31_per_min"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "k31_per_min"), HasSubstr("3-compartment"));

  file = TwoCompartment();
  file["compartments"] = 3;
  error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("v3_l", "q3_l_per_min")) << error.ToString();
}

TEST(ModelJsonTest, ParametersForCompartmentsTheModelLacksAreErrors) {
  json file = TwoCompartment();
  file["v3_l"] = 100;
  file["q3_l_per_h"] = 60;
  Error error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("v3_l", "q3_l_per_h")) << error.ToString();
  EXPECT_THAT(Reason(error, "v3_l"), HasSubstr("compartments is 2"));

  file = DominoMicro();
  file["compartments"] = 1;
  error = ParseError(file);
  EXPECT_THAT(Fields(error),
              UnorderedElementsAre("k12_per_min", "k21_per_min", "k13_per_min", "k31_per_min"))
      << error.ToString();
}

TEST(ModelJsonTest, MixingMicroConstantsWithVolumesAndClearancesIsAnError) {
  json file = DominoMicro();
  file["v2_l"] = 10;
  file["cl_l_per_h"] = 100;
  const Error error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("k10_per_min", "k12_per_min", "k21_per_min",
                                                  "k13_per_min", "k31_per_min"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "k12_per_min"), HasSubstr("(cl_l_per_h, v2_l)"));
}

TEST(ModelJsonTest, Ke0MustBeGivenExactlyOneWay) {
  json file = DominoMicro();
  file["ke0_per_min"] = 0.5;
  Error error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("time_to_peak_effect_min"));
  EXPECT_THAT(Reason(error, "time_to_peak_effect_min"), HasSubstr("ke0_per_min"));

  file.erase("ke0_per_min");
  file.erase("time_to_peak_effect_min");
  error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("ke0_per_min"));
}

TEST(ModelJsonTest, AnUnreachableTimeToPeakIsNamed) {
  json file = DominoMicro();
  for (double peak : {0.001, 500.0, -1.0, 0.0}) {
    file["time_to_peak_effect_min"] = peak;
    const Error error = ParseError(file);
    EXPECT_THAT(Fields(error), UnorderedElementsAre("time_to_peak_effect_min")) << peak;
  }
}

TEST(ModelJsonTest, BadValuesAreReportedOnceInTheFilesOwnTerms) {
  json file = TwoCompartment();
  file.erase("cl_l_per_min");
  file["cl_l_per_h"] = -6;
  file["v2_l"] = -1;
  Error error = ParseError(file);
  // Not also "cl_l_per_min" (which the file does not have) nor v2_l twice.
  EXPECT_THAT(Fields(error), UnorderedElementsAre("cl_l_per_h", "v2_l")) << error.ToString();
  EXPECT_THAT(Reason(error, "cl_l_per_h"), HasSubstr("got -6"));

  file = DominoMicro();
  file["k21_per_min"] = 0;
  error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("k21_per_min")) << error.ToString();

  // Derived from valid micro-constants yet absurd: reported against the micro-constant.
  file = DominoMicro();
  file["k21_per_min"] = 1e-320;
  file["k12_per_min"] = 1e300;
  error = ParseError(file);
  EXPECT_THAT(Fields(error), Contains("k21_per_min")) << error.ToString();
}

TEST(ModelJsonTest, ValidateModelProblemsAreMerged) {
  json file = TwoCompartment();
  file["volume_weight_exponent"] = -1;
  file["clearance_weight_exponent"] = 3;
  file["ke0_per_min"] = 0;
  file["metabolite"] = {
      {"name", ""}, {"fraction_formed", 2}, {"volume_l", 10}, {"clearance_l_per_min", 1}};
  const Error error = ParseError(file);
  EXPECT_THAT(Fields(error),
              UnorderedElementsAre("volume_weight_exponent", "clearance_weight_exponent",
                                   "ke0_per_min", "metabolite.name", "metabolite.fraction_formed"))
      << error.ToString();
}

TEST(ModelJsonTest, DescriptionFieldsAreChecked) {
  json file = TwoCompartment();
  file["name"] = "Domino 1984";
  file["compartments"] = 2.5;
  file["reference_weight_kg"] = 1000;
  file["studied_weight_min_kg"] = 80;
  file["studied_weight_max_kg"] = 40;
  file["paediatric"] = "yes";
  file["title"] = 5;
  Error error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("name", "compartments", "reference_weight_kg",
                                                  "studied_weight_max_kg", "paediatric", "title"))
      << error.ToString();

  file = TwoCompartment();
  file["name"] = std::string(41, 'a');
  error = ParseError(file);
  EXPECT_THAT(Reason(error, "name"), HasSubstr("at most 40"));
}

TEST(ModelJsonTest, WrongTypesAreNamedNeverThrown) {
  json file = TwoCompartment();
  file["compartments"] = true;
  file["v1_l"] = nullptr;
  file["ke0_per_min"] = json::array({1});
  file["variability"] = "none";
  file["metabolite"] = 3;
  file["notes"] = json::object();
  const Error error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("compartments", "v1_l", "ke0_per_min",
                                                  "variability", "metabolite", "notes"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "v1_l"), HasSubstr("got null"));
  EXPECT_THAT(Reason(error, "variability"), HasSubstr("must be an object"));
}

TEST(ModelJsonTest, UnknownKeysInNestedObjectsAreNamed) {
  json file = TwoCompartment();
  file["variability"] = {{"cl_CV", 0.3}, {"vd_cv", 0.2}};
  file["metabolite"] = {
      {"name", "nk"}, {"volume_l", 10}, {"clearance_l_per_h", 60}, {"clearance_l_per_min", 1}};
  const Error error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("variability.cl_CV", "variability.vd_cv",
                                                  "metabolite.clearance_l_per_h"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "variability.cl_CV"), HasSubstr("did you mean \"cl_cv\""));
}

TEST(ModelJsonTest, EditedDerivedValuesAreRefused) {
  json file = ModelToJson(*pk::FindModel("domino"));
  file["micro_constants"]["k10_per_min"] = 0.5;
  file["half_lives_min"][0] = 1;
  const Error error = ParseError(file);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("micro_constants.k10_per_min", "half_lives_min"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "micro_constants.k10_per_min"), HasSubstr("output only"));
}

TEST(ModelJsonTest, MalformedJsonIsNamedWithTheParsersMessage) {
  for (const std::string text : {"", "{", "{\"name\": }", "[1, 2", "{} trailing", "nul",
                                 "{\"name\": \"a\" /* comment */}", "{\"v1_l\": 01}"}) {
    const Error error = ParseError(text);
    ASSERT_EQ(error.problems().size(), 1u) << text;
    EXPECT_EQ(error.problems()[0].field, "(json)") << text;
    EXPECT_THAT(error.problems()[0].reason, HasSubstr("byte")) << text;
    EXPECT_THAT(error.problems()[0].reason, HasSubstr("parse error")) << text;
  }
}

TEST(ModelJsonTest, NumbersBeyondADoubleAreAnErrorNotACrash) {
  json file = TwoCompartment();
  std::string text = file.dump();
  text.replace(text.find("38.7"), 4, "1e400");
  const Error error = ParseError(text);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("(json)"));
  EXPECT_THAT(error.problems()[0].reason, HasSubstr("1e400"));
  // Huge but finite numbers parse, and are judged as values: beyond pk's sanity bounds.
  file["v1_l"] = 1e308;
  file["v2_l"] = -1e308;
  EXPECT_THAT(Fields(ParseError(file)), UnorderedElementsAre("v1_l", "v2_l"));
}

TEST(ModelJsonTest, IllFormedUtf8IsRefusedWithAMessageThatIsItselfValidUtf8) {
  const std::string text = "{\"name\": \"a\xff\xfe\"}";
  const Error error = ParseError(text);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("(json)"));
  // The CLI may write the error as JSON, which nlohmann refuses for ill-formed UTF-8.
  EXPECT_NO_THROW(json(error.problems()[0].reason).dump());
}

TEST(ModelJsonTest, DeepNestingIsRefusedQuickly) {
  const size_t depth = 200000;
  const std::string text = "{\"notes\": " + std::string(depth, '[') + std::string(depth, ']') + "}";
  const Error error = ParseError(text);
  EXPECT_THAT(Fields(error), UnorderedElementsAre("(json)"));
  EXPECT_THAT(error.problems()[0].reason, HasSubstr("nested more than"));
}

TEST(ModelJsonTest, TopLevelMustBeAnObject) {
  for (const std::string text : {"[]", "3", "\"domino\"", "null"}) {
    const Error error = ParseError(text);
    EXPECT_THAT(Fields(error), UnorderedElementsAre("(json)")) << text;
    EXPECT_THAT(error.problems()[0].reason, HasSubstr("must be a JSON object")) << text;
  }
}

TEST(ModelJsonTest, DuplicateKeysAreNamed) {
  const Error error = ParseError(std::string(
      R"({"name": "x", "compartments": 1, "v1_l": 10, "v1_l": 20, "cl_l_per_min": 1,
          "ke0_per_min": 1, "variability": {"cl_cv": 0.1, "cl_cv": 0.2}})"));
  EXPECT_THAT(Fields(error), UnorderedElementsAre("v1_l", "variability.cl_cv"));
  EXPECT_THAT(Reason(error, "v1_l"), HasSubstr("more than once"));
}

TEST(ModelJsonTest, ErrorsNameTheModel) {
  json file = TwoCompartment();
  file["v1_l"] = -1;
  EXPECT_EQ(ParseError(file).message(), "invalid model 'two'");
}

// ---- Documentation -------------------------------------------------------------------------

// The ```json blocks of a Markdown file.
std::vector<std::string> JsonBlocks(const std::string& path) {
  std::ifstream file(path);
  EXPECT_TRUE(file.good()) << "cannot read " << path;
  std::vector<std::string> blocks;
  std::string line, block;
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

TEST(ModelJsonTest, EveryExampleInTheModelFileDocumentationParses) {
  const auto blocks = JsonBlocks(std::string(KC_DOCS_DIR) + "/formats/model-file.md");
  ASSERT_GE(blocks.size(), 2u);
  for (const std::string& block : blocks) {
    auto model = ParseModel(block);
    EXPECT_TRUE(model.has_value()) << (model ? "" : model.error().ToString()) << "\n" << block;
  }
  // The first example is the Domino set: the same model as the built-in one.
  auto domino = ParseModel(blocks[0]);
  ASSERT_TRUE(domino.has_value());
  EXPECT_NEAR(domino->v3_l, pk::FindModel("domino")->v3_l, 1e-9);
  EXPECT_NEAR(domino->ke0_per_min, pk::FindModel("domino")->ke0_per_min, 1e-9);
}

}  // namespace
}  // namespace ketaclinic::pk_json
