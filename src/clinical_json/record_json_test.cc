#include "clinical_json/record_json.h"

#include <algorithm>
#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace ketaclinic::clinical_json {
namespace {

using nlohmann::json;

Instant At(const char* text) {
  Result<Instant> at = ParseRfc3339(text, "at");
  EXPECT_TRUE(at.has_value());
  return at.value_or(Instant{});
}

// The problem fields of a failed parse, for assertions.
template <typename T>
std::vector<std::string> Fields(const Result<T>& result) {
  std::vector<std::string> fields;
  if (result) return fields;
  for (const FieldProblem& p : result.error().problems()) fields.push_back(p.field);
  return fields;
}

bool HasField(const std::vector<std::string>& fields, const std::string& field) {
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

clinical::TreatmentCourse SampleCourse() {
  clinical::TreatmentCourse course;
  course.patient_id = "patient-7";
  course.phase = clinical::CoursePhase::kInduction;
  course.planned_count = 6;
  course.primary_scale = clinical::Scale::kPhq9;
  course.schedule.weekdays = {clinical::Weekday::kMon, clinical::Weekday::kThu};
  course.schedule.time_of_day_min = 9 * 60 + 30;
  course.schedule.utc_offset_min = -300;
  course.infusions = {{"inf-1", At("2026-03-02T08:00:00Z"), 0.5, true},
                      {"inf-2", At("2026-03-05T08:00:00Z"), 0.5, false}};
  clinical::Assessment baseline;
  baseline.id = "sr-1";
  baseline.scale = clinical::Scale::kPhq9;
  baseline.taken_at = At("2026-03-02T07:30:00Z");
  baseline.items = {3, 3, 3, 3, 2, 3, 2, 2, 0};
  baseline.total = 21;
  clinical::Assessment later;
  later.scale = clinical::Scale::kMadrs;
  later.taken_at = At("2026-03-05T07:30:00Z");
  later.total = 25;
  course.assessments = {baseline, later};
  course.relief_history = {{"2025", 40, std::nullopt, std::nullopt}};
  course.ended = clinical::CourseEnd{At("2026-03-06T08:00:00Z"), "moved away"};
  return course;
}

TEST(RecordJsonTest, CourseRoundTrips) {
  const clinical::TreatmentCourse course = SampleCourse();
  const json written = CourseToJson(course);
  Result<clinical::TreatmentCourse> read = CourseFromJson(written);
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_EQ(CourseToJson(*read), written);
  EXPECT_EQ(read->schedule.utc_offset_min, -300);
  EXPECT_EQ(read->schedule.time_of_day_min, 570);
  EXPECT_FALSE(read->infusions[1].tolerated);
  EXPECT_EQ(read->assessments[0].id, "sr-1");
  EXPECT_EQ(read->assessments[1].total, 25);
  EXPECT_EQ(read->ended.value_or(clinical::CourseEnd{}).reason, "moved away");
}

TEST(RecordJsonTest, CourseRefusesAtAndNamesBadFields) {
  json body = CourseToJson(SampleCourse());
  body["at"] = "2026-03-10T00:00:00Z";
  EXPECT_TRUE(HasField(Fields(CourseFromJson(body)), "at"));
  body.erase("at");
  body["infusions"][1]["mg_per_kg"] = "half";
  body["course"]["phase"] = "inducton";
  const auto fields = Fields(CourseFromJson(body, "body"));
  EXPECT_TRUE(HasField(fields, "body.infusions[1].mg_per_kg"));
  EXPECT_TRUE(HasField(fields, "body.course.phase"));
}

SessionRecord SampleSession() {
  SessionRecord s;
  s.patient_id = "patient-7";
  s.course_id = "course-1";
  s.scheduled_at = At("2026-03-02T08:00:00Z");
  s.state = clinical::SessionState::kDischarged;
  s.setup = {35, 100, 0.35, 150, 70};
  s.segments = {{At("2026-03-02T08:10:00Z"), At("2026-03-02T08:20:00Z"), 150, 0.35},
                {At("2026-03-02T08:25:00Z"), At("2026-03-02T08:50:00Z"), 120, 0.35}};
  s.infusion_start = At("2026-03-02T08:10:00Z");
  s.infusion_end = At("2026-03-02T08:50:00Z");
  s.delivered_mg = 26.25;
  s.scores = {{At("2026-03-02T08:30:00Z"),
               {"n.okafor", clinical::Role::kNurse},
               clinical::Scale::kMoaas,
               {4}},
              {At("2026-03-02T09:00:00Z"),
               {"n.okafor", clinical::Role::kNurse},
               clinical::Scale::kCadss6,
               {1, 0, 2, 1, 0, 0}}};
  return s;
}

TEST(RecordJsonTest, SessionRoundTrips) {
  const SessionRecord s = SampleSession();
  const json written = SessionRecordToJson(s);
  Result<SessionRecord> read = SessionRecordFromJson(written);
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_EQ(SessionRecordToJson(*read), written);
  EXPECT_EQ(read->segments, s.segments);
  EXPECT_EQ(read->scores, s.scores);
  EXPECT_EQ(read->state, clinical::SessionState::kDischarged);
  EXPECT_DOUBLE_EQ(read->delivered_mg, 26.25);
}

TEST(RecordJsonTest, SessionNamesEveryBadField) {
  json body = SessionRecordToJson(SampleSession());
  body["state"] = "finished";
  body["segments"][1]["start"] = "2026-03-02T08:15:00Z";  // before the first one's end
  body["segments"][0]["rate_ml_per_h"] = 1500;
  body["scores"][0]["items"] = {7};
  body["scores"][1]["scale"] = "phq9";
  body["delivered_mg"] = 36;
  body["colour"] = "blue";
  const auto fields = Fields(SessionRecordFromJson(body));
  EXPECT_TRUE(HasField(fields, "state"));
  EXPECT_TRUE(HasField(fields, "segments[1].start"));
  EXPECT_TRUE(HasField(fields, "segments[0].rate_ml_per_h"));
  EXPECT_TRUE(HasField(fields, "scores[0].items[0]"));
  EXPECT_TRUE(HasField(fields, "scores[1].scale"));
  EXPECT_TRUE(HasField(fields, "delivered_mg"));
  EXPECT_TRUE(HasField(fields, "colour"));
}

TEST(RecordJsonTest, SessionStateMustAgreeWithStartAndEnd) {
  SessionRecord s = SampleSession();
  s.state = clinical::SessionState::kScheduled;
  auto fields = Fields(SessionRecordFromJson(SessionRecordToJson(s)));
  EXPECT_TRUE(HasField(fields, "infusion_start"));
  EXPECT_TRUE(HasField(fields, "infusion_end"));
  EXPECT_TRUE(HasField(fields, "segments"));
  s = SampleSession();
  s.state = clinical::SessionState::kStopped;  // stopped needs a reason
  fields = Fields(SessionRecordFromJson(SessionRecordToJson(s)));
  EXPECT_TRUE(HasField(fields, "end_reason"));
  s.end_reason = "SBP 182 persisting";
  EXPECT_TRUE(SessionRecordFromJson(SessionRecordToJson(s)));
  // Delivered exactly the planned dose is allowed; a hair over is not a new dose.
  s.delivered_mg = 35;
  EXPECT_TRUE(SessionRecordFromJson(SessionRecordToJson(s)));
  s.delivered_mg = 35.01;
  EXPECT_FALSE(SessionRecordFromJson(SessionRecordToJson(s)));
  EXPECT_FALSE(SessionRecordFromJson(json::array(), "input"));
}

TEST(RecordJsonTest, ScaleResponseRoundTripsAndChecksItems) {
  ScaleResponseRecord record;
  record.patient_id = "patient-7";
  record.course_id = "course-1";
  record.response.scale = clinical::Scale::kPhq9;
  record.response.items = {3, 3, 3, 3, 2, 3, 2, 2, 1};
  record.response.taken_at = At("2026-03-02T07:30:00Z");
  const json written = ScaleResponseRecordToJson(record);
  Result<ScaleResponseRecord> read = ScaleResponseRecordFromJson(written);
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_EQ(ScaleResponseRecordToJson(*read), written);
  EXPECT_EQ(read->response.items, record.response.items);
  EXPECT_TRUE(read->session_id.empty());

  json bad = written;
  bad["items"][8] = 4;  // PHQ-9 items are 0-3
  bad.erase("taken_at");
  bad["scale"] = "phq9";
  auto fields = Fields(ScaleResponseRecordFromJson(bad, "r"));
  EXPECT_TRUE(HasField(fields, "r.items[8]"));
  EXPECT_TRUE(HasField(fields, "r.taken_at"));
  bad = written;
  bad["scale"] = "phq-10";
  bad["patient_id"] = "";
  fields = Fields(ScaleResponseRecordFromJson(bad));
  EXPECT_TRUE(HasField(fields, "scale"));
  EXPECT_TRUE(HasField(fields, "patient_id"));
}

TEST(RecordJsonTest, SideEffectRoundTripsAndChecksGrade) {
  SideEffectRecord record;
  record.patient_id = "patient-7";
  record.session_id = "session-3";
  record.effect.kind = clinical::SideEffectKind::kNausea;
  record.effect.grade = 2;
  record.effect.onset = At("2026-03-02T08:40:00Z");
  record.effect.resolved_at = At("2026-03-02T09:10:00Z");
  record.effect.treatment = "ondansetron 4 mg IV";
  const json written = SideEffectRecordToJson(record);
  Result<SideEffectRecord> read = SideEffectRecordFromJson(written);
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_EQ(SideEffectRecordToJson(*read), written);
  EXPECT_EQ(read->effect.treatment, "ondansetron 4 mg IV");

  for (int grade : {0, 6}) {
    json bad = written;
    bad["grade"] = grade;
    EXPECT_TRUE(HasField(Fields(SideEffectRecordFromJson(bad)), "grade")) << grade;
  }
  for (int grade : {1, 5}) {
    json good = written;
    good["grade"] = grade;
    EXPECT_TRUE(SideEffectRecordFromJson(good)) << grade;
  }
  json bad = written;
  bad["resolved_at"] = "2026-03-02T08:39:59Z";
  bad["kind"] = "sneezing";
  const auto fields = Fields(SideEffectRecordFromJson(bad));
  EXPECT_TRUE(HasField(fields, "resolved_at"));
  EXPECT_TRUE(HasField(fields, "kind"));
}

}  // namespace
}  // namespace ketaclinic::clinical_json
