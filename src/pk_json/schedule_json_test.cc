// Schedule files: the event forms and their conversions, round trips, and every way a file can be
// wrong, with problems named by the user's event index.

#include "pk_json/schedule_json.h"

#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ketaclinic::pk_json {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

json Infusion(double start_min, double duration_min, double rate_mg_per_min) {
  return {{"type", "infusion"},
          {"start_min", start_min},
          {"duration_min", duration_min},
          {"rate_mg_per_min", rate_mg_per_min}};
}

json Bolus(double at_min, double dose_mg) {
  return {{"type", "bolus"}, {"at_min", at_min}, {"dose_mg", dose_mg}};
}

json Events(std::vector<json> events) { return json{{"events", events}}; }

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& problem : error.problems()) fields.push_back(problem.field);
  return fields;
}

std::string Reason(const Error& error, const std::string& field) {
  for (const FieldProblem& problem : error.problems()) {
    if (problem.field == field) return problem.reason;
  }
  return "";
}

pk::Schedule ParseOk(const json& file) {
  auto schedule = ParseSchedule(file.dump());
  EXPECT_TRUE(schedule.has_value()) << (schedule ? "" : schedule.error().ToString());
  return schedule ? *schedule : pk::Schedule{};
}

Error ParseError(const std::string& text) {
  auto schedule = ParseSchedule(text);
  EXPECT_FALSE(schedule.has_value()) << "accepted: " << text;
  if (schedule) return Error::Internal("accepted");
  EXPECT_EQ(schedule.error().code(), ErrorCode::kInvalidArgument) << schedule.error().ToString();
  return schedule.error();
}
Error ParseError(const json& file) { return ParseError(file.dump()); }

// ---- Valid schedules ----------------------------------------------------------------------

TEST(ScheduleJsonTest, TheStandardRegimen) {
  // 0.5 mg/kg x 70 kg = 35 mg over 40 min.
  const pk::Schedule schedule = ParseOk(Events({Infusion(0, 40, 0.875)}));
  ASSERT_EQ(schedule.infusions.size(), 1u);
  EXPECT_TRUE(schedule.boluses.empty());
  EXPECT_EQ(schedule.infusions[0].start_min, 0);
  EXPECT_EQ(schedule.infusions[0].duration_min, 40);
  EXPECT_EQ(schedule.infusions[0].rate_mg_per_min, 0.875);
  EXPECT_DOUBLE_EQ(schedule.TotalDoseMg(), 35);
}

TEST(ScheduleJsonTest, AnInfusionMayGiveItsTotalDoseOrAnHourlyRateAndItsEnd) {
  const pk::Schedule schedule = ParseOk(json::parse(R"({"events": [
      {"type": "infusion", "start_min": 0, "duration_min": 40, "dose_mg": 35},
      {"type": "infusion", "start_min": 10, "end_min": 50, "rate_mg_per_h": 52.5},
      {"type": "infusion", "start_min": 5, "end_min": 45, "dose_mg": 35}]})"));
  ASSERT_EQ(schedule.infusions.size(), 3u);
  for (const pk::Infusion& infusion : schedule.infusions) {
    EXPECT_DOUBLE_EQ(infusion.rate_mg_per_min, 0.875);
    EXPECT_DOUBLE_EQ(infusion.duration_min, 40);
  }
  EXPECT_EQ(schedule.infusions[1].start_min, 10);
  EXPECT_DOUBLE_EQ(schedule.TotalDoseMg(), 105);
}

TEST(ScheduleJsonTest, BolusesAndOverlappingInfusionsKeepTheirOrder) {
  const pk::Schedule schedule =
      ParseOk(Events({Infusion(0, 40, 0.875), Bolus(0, 20), Infusion(20, 10, 0.5), Bolus(30, 10)}));
  ASSERT_EQ(schedule.boluses.size(), 2u);
  ASSERT_EQ(schedule.infusions.size(), 2u);
  EXPECT_EQ(schedule.boluses[0].dose_mg, 20);
  EXPECT_EQ(schedule.boluses[1].at_min, 30);
  EXPECT_EQ(schedule.infusions[1].start_min, 20);
  // Rates add while the infusions overlap (20-30 min).
  EXPECT_DOUBLE_EQ(schedule.DoseGivenByMg(30), 20 + 10 + 0.875 * 30 + 0.5 * 10);
}

TEST(ScheduleJsonTest, ScheduleToJsonRoundTrips) {
  pk::Schedule schedule;
  schedule.boluses = {{0, 20}, {12.5, 0.1 / 3}};
  schedule.infusions = {{0, 40, 0.875}, {15, 1.0 / 3, 7}};
  auto parsed = ParseSchedule(ScheduleToJson(schedule).dump());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  ASSERT_EQ(parsed->boluses.size(), 2u);
  ASSERT_EQ(parsed->infusions.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(parsed->boluses[i].at_min, schedule.boluses[i].at_min);
    EXPECT_EQ(parsed->boluses[i].dose_mg, schedule.boluses[i].dose_mg);
    EXPECT_EQ(parsed->infusions[i].start_min, schedule.infusions[i].start_min);
    EXPECT_EQ(parsed->infusions[i].duration_min, schedule.infusions[i].duration_min);
    EXPECT_EQ(parsed->infusions[i].rate_mg_per_min, schedule.infusions[i].rate_mg_per_min);
  }
}

TEST(ScheduleJsonTest, ScheduleToJsonWritesTheFileFormat) {
  pk::Schedule schedule;
  schedule.boluses = {{0, 20}};
  schedule.infusions = {{0, 40, 0.875}};
  EXPECT_EQ(ScheduleToJson(schedule), json::parse(R"({"events": [
                {"type": "bolus", "at_min": 0, "dose_mg": 20},
                {"type": "infusion", "start_min": 0, "duration_min": 40,
                 "rate_mg_per_min": 0.875}]})"));
  EXPECT_EQ(ScheduleToJson(pk::Schedule{}), json::parse(R"({"events": []})"));
}

// ---- Errors --------------------------------------------------------------------------------

TEST(ScheduleJsonTest, OverlappingFieldsAreErrorsNamingBoth) {
  json duration_and_end = Infusion(0, 40, 0.875);
  duration_and_end["end_min"] = 40;
  json rate_and_dose = Infusion(0, 40, 0.875);
  rate_and_dose["dose_mg"] = 35;
  json all_three = Infusion(0, 40, 0.875);
  all_three["rate_mg_per_h"] = 52.5;
  all_three["dose_mg"] = 35;
  const Error error = ParseError(Events({duration_and_end, rate_and_dose, all_three}));
  EXPECT_THAT(Fields(error), UnorderedElementsAre("events[0].end_min", "events[1].dose_mg",
                                                  "events[2].rate_mg_per_h", "events[2].dose_mg"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "events[0].end_min"), HasSubstr("duration_min"));
  EXPECT_THAT(Reason(error, "events[1].dose_mg"), HasSubstr("rate_mg_per_min"));
}

TEST(ScheduleJsonTest, MissingAlternativesAreNamed) {
  const Error error = ParseError(json::parse(R"({"events": [
      {"type": "infusion", "start_min": 0},
      {"type": "bolus"}]})"));
  EXPECT_THAT(Fields(error),
              UnorderedElementsAre("events[0].duration_min", "events[0].rate_mg_per_min",
                                   "events[1].at_min", "events[1].dose_mg"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "events[0].duration_min"), HasSubstr("end_min"));
  EXPECT_THAT(Reason(error, "events[0].rate_mg_per_min"),
              HasSubstr("rate_mg_per_min, rate_mg_per_h or dose_mg"));
}

TEST(ScheduleJsonTest, EventTypesAndKeysAreChecked) {
  json unknown_key = Bolus(0, 20);
  unknown_key["dose_MG"] = 20;
  json wrong_kind_key = Bolus(0, 20);
  wrong_kind_key["rate_mg_per_min"] = 1;
  const Error error = ParseError(json::parse(R"({"events": [
      {"at_min": 0, "dose_mg": 20},
      {"type": "push", "at_min": 0, "dose_mg": 20},
      {"type": 1},
      3]})"));
  EXPECT_THAT(Fields(error), UnorderedElementsAre("events[0].type", "events[1].type",
                                                  "events[2].type", "events[3]"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "events[1].type"), HasSubstr("\"push\""));
  EXPECT_THAT(Reason(error, "events[3]"), HasSubstr("must be an object"));

  const Error keys = ParseError(Events({Bolus(0, 1), unknown_key, wrong_kind_key}));
  EXPECT_THAT(Fields(keys), UnorderedElementsAre("events[1].dose_MG", "events[2].rate_mg_per_min"))
      << keys.ToString();
  EXPECT_THAT(Reason(keys, "events[1].dose_MG"), HasSubstr("did you mean \"dose_mg\""));
  EXPECT_THAT(Reason(keys, "events[2].rate_mg_per_min"), HasSubstr("not a field of a bolus"));
}

TEST(ScheduleJsonTest, TheEventsListIsChecked) {
  EXPECT_THAT(Fields(ParseError(json::object())), UnorderedElementsAre("events"));
  EXPECT_THAT(Fields(ParseError(json{{"events", json::array()}})), UnorderedElementsAre("events"));
  EXPECT_THAT(Fields(ParseError(json{{"events", Bolus(0, 1)}})), UnorderedElementsAre("events"));
  const Error error = ParseError(json{{"events", {Bolus(0, 1)}}, {"weight_kg", 70}});
  EXPECT_THAT(Fields(error), UnorderedElementsAre("weight_kg"));
  EXPECT_THAT(Fields(ParseError(std::string("[]"))), UnorderedElementsAre("(json)"));
}

TEST(ScheduleJsonTest, WrongTypesAreNamed) {
  json bolus = Bolus(0, 1);
  bolus["dose_mg"] = "20";
  json infusion = Infusion(0, 40, 1);
  infusion["duration_min"] = true;
  infusion["start_min"] = nullptr;
  const Error error = ParseError(Events({bolus, infusion}));
  EXPECT_THAT(Fields(error), UnorderedElementsAre("events[0].dose_mg", "events[1].duration_min",
                                                  "events[1].start_min"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "events[0].dose_mg"), HasSubstr("must be a number, got a string"));
}

TEST(ScheduleJsonTest, ValidateScheduleProblemsAreNamedByTheOriginalEventIndex) {
  // events[2] is boluses[1] and events[3] is infusions[1] to ValidateSchedule.
  const Error error = ParseError(
      Events({Bolus(0, 20), Infusion(0, 40, 0.875), Bolus(5, -1), Infusion(-3, 10, 2000)}));
  EXPECT_THAT(Fields(error), UnorderedElementsAre("events[2].dose_mg", "events[3].start_min",
                                                  "events[3].rate_mg_per_min"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "events[3].rate_mg_per_min"), HasSubstr("at most 1000"));
}

TEST(ScheduleJsonTest, ProblemsOfConvertedValuesAreReportedInTheUsersTerms) {
  const Error error = ParseError(json::parse(R"({"events": [
      {"type": "infusion", "start_min": 0, "duration_min": 1, "dose_mg": 5000},
      {"type": "infusion", "start_min": 0, "duration_min": 10, "rate_mg_per_h": 120000},
      {"type": "infusion", "start_min": 0, "end_min": 30000, "rate_mg_per_min": 1},
      {"type": "infusion", "start_min": 10, "end_min": 5, "rate_mg_per_min": 1},
      {"type": "infusion", "start_min": 0, "duration_min": 10, "rate_mg_per_h": -60},
      {"type": "infusion", "start_min": 0, "duration_min": 10, "dose_mg": 0}]})"));
  EXPECT_THAT(Fields(error), UnorderedElementsAre("events[0].dose_mg", "events[1].rate_mg_per_h",
                                                  "events[2].end_min", "events[3].end_min",
                                                  "events[4].rate_mg_per_h", "events[5].dose_mg"))
      << error.ToString();
  EXPECT_THAT(Reason(error, "events[0].dose_mg"), HasSubstr("dose_mg / duration"));
  EXPECT_THAT(Reason(error, "events[1].rate_mg_per_h"), HasSubstr("rate_mg_per_h / 60"));
  EXPECT_THAT(Reason(error, "events[2].end_min"), HasSubstr("must end within"));
  EXPECT_THAT(Reason(error, "events[3].end_min"), HasSubstr("must be after start_min"));
  EXPECT_THAT(Reason(error, "events[4].rate_mg_per_h"), HasSubstr("got -60"));
}

TEST(ScheduleJsonTest, AProblemIsNotRepeatedInTheValuesDerivedFromIt) {
  // A zero duration would make the rate dose_mg / 0: only the duration is wrong.
  const Error error = ParseError(json::parse(R"({"events": [
      {"type": "infusion", "start_min": 0, "duration_min": 0, "dose_mg": 35},
      {"type": "infusion", "start_min": "0", "end_min": 40, "dose_mg": 35}]})"));
  EXPECT_THAT(Fields(error), UnorderedElementsAre("events[0].duration_min", "events[1].start_min"))
      << error.ToString();
}

TEST(ScheduleJsonTest, ReportsEveryProblemOfAFileAtOnce) {
  const Error error = ParseError(json::parse(R"({"events": [
      {"type": "bolus", "at_min": -1, "dose_mg": 20},
      {"type": "infusion", "start_min": 0, "duration_min": 40, "rate_mg_per_min": 0.875,
       "dose_mg": 35},
      {"type": "infusion", "start_min": 0, "rate_mg_per_min": 1},
      {"type": "bolus", "at_min": 0, "dose_mg": 20, "note": "induction"}],
      "patient": "x"})"));
  EXPECT_THAT(Fields(error),
              UnorderedElementsAre("patient", "events[0].at_min", "events[1].dose_mg",
                                   "events[2].duration_min", "events[3].note"))
      << error.ToString();
}

TEST(ScheduleJsonTest, MalformedJsonAndHugeNumbersAreErrorsNotCrashes) {
  for (const std::string text :
       {"", "{\"events\": [", "{\"events\": [{\"type\": \"bolus\",}]}",
        "{\"events\": [{\"type\": \"bolus\", \"at_min\": 0, \"dose_mg\": 1e400}]}",
        "{\"events\": [{\"type\": \"bolus\", \"at_min\": 0, \"dose_mg\": NaN}]}"}) {
    const Error error = ParseError(text);
    EXPECT_THAT(Fields(error), UnorderedElementsAre("(json)")) << text;
  }
  EXPECT_THAT(ParseError(std::string("{\"events\": [")).problems()[0].reason, HasSubstr("byte"));
}

TEST(ScheduleJsonTest, DuplicateKeysAreNamedByPath) {
  const Error error = ParseError(std::string(
      R"({"events": [{"type": "bolus", "at_min": 0, "dose_mg": 1},
                     {"type": "bolus", "at_min": 0, "dose_mg": 1, "dose_mg": 2}]})"));
  EXPECT_THAT(Fields(error), UnorderedElementsAre("events[1].dose_mg"));
}

// ---- Documentation -------------------------------------------------------------------------

TEST(ScheduleJsonTest, EveryExampleInTheScheduleFileDocumentationParses) {
  std::ifstream file(std::string(KC_DOCS_DIR) + "/formats/schedule-file.md");
  ASSERT_TRUE(file.good());
  int examples = 0;
  std::string line, block;
  bool inside = false;
  while (std::getline(file, line)) {
    if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      ++examples;
      auto schedule = ParseSchedule(block);
      EXPECT_TRUE(schedule.has_value()) << (schedule ? "" : schedule.error().ToString()) << "\n"
                                        << block;
    } else if (inside) {
      block += line + "\n";
    }
  }
  EXPECT_GE(examples, 3);
}

}  // namespace
}  // namespace ketaclinic::pk_json
