#include "clinical_json/record_json.h"

#include <array>
#include <cstdlib>
#include <utility>

#include "base/validation.h"

#include "clinical/outcome_protocol.h"
#include "clinical/vitals_rules.h"
#include "clinical_json/course_json.h"
#include "json/json_reader.h"

namespace ketaclinic::clinical_json {

using json_read::ObjectReader;
using nlohmann::json;

namespace {

std::string Index(const std::string& field, size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

json MetaJson(const clinical::RecordMeta& meta) {
  json out = {{"version", meta.version}, {"status", clinical::RecordStatusName(meta.status)}};
  if (!meta.id.empty()) out["id"] = meta.id;
  if (!meta.author.empty()) out["author"] = meta.author;
  if (meta.recorded_at.time_since_epoch().count() != 0) {
    out["recorded_at"] = FormatRfc3339(meta.recorded_at);
  }
  if (!meta.reason.empty()) out["reason"] = meta.reason;
  return out;
}

bool IsDefaultMeta(const clinical::RecordMeta& meta) {
  return meta.id.empty() && meta.version == 1 && meta.author.empty() &&
         meta.recorded_at.time_since_epoch().count() == 0 &&
         meta.status == clinical::RecordStatus::kActive && meta.reason.empty();
}

// 0..99 as two digits ("05"); callers pass the parts of a UTC offset.
std::string TwoDigits(int value) {
  std::string text = std::to_string(value);
  return text.size() < 2 ? "0" + text : text;
}

std::string OffsetText(int minutes) {
  if (minutes == 0) return "Z";
  const int magnitude = std::abs(minutes);
  return std::string(minutes < 0 ? "-" : "+") + TwoDigits(magnitude / 60) + ":" +
         TwoDigits(magnitude % 60);
}

// Reads a required non-empty text member.
std::optional<std::string> RequiredText(ObjectReader& r, Validator& v, const char* key,
                                        const char* what) {
  std::optional<std::string> text = r.String(key);
  if (!r.Has(key)) {
    v.Add({r.Field(key), std::string("is required: ") + what});
  } else if (text && text->empty()) {
    v.Add({r.Field(key), std::string("is empty: ") + what});
  }
  return text;
}

std::optional<std::string> OptionalText(ObjectReader& r, const char* key) {
  if (r.IsNull(key)) return std::nullopt;
  return r.String(key);
}

std::optional<Instant> OptionalTime(ObjectReader& r, const char* key) {
  if (r.IsNull(key)) return std::nullopt;
  return r.Time(key);
}

std::optional<Instant> RequiredTime(ObjectReader& r, Validator& v, const char* key,
                                    const char* what) {
  if (!r.Has(key)) v.Add({r.Field(key), std::string("is required: ") + what});
  return r.Time(key);
}

std::optional<double> RequiredNumber(ObjectReader& r, Validator& v, const char* key,
                                     const char* what) {
  if (!r.Has(key)) v.Add({r.Field(key), std::string("is required: ") + what});
  return r.Number(key);
}

// Item responses: whole numbers; the scale's own check comes later.
std::vector<int> ReadItems(const json& array, const std::string& field, Validator& v, bool& ok) {
  std::vector<int> items;
  items.reserve(array.size());
  for (size_t j = 0; j < array.size(); ++j) {
    const json& item = array[j];
    const bool whole = item.is_number_integer() || item.is_number_unsigned();
    if (!whole || item.get<double>() < -1000 || item.get<double>() > 1000) {
      v.Add({Index(field, j),
             "must be a whole number (an item response), got " +
                 (whole ? FormatNumber(item.get<double>()) : json_read::TypeName(item))});
      ok = false;
      continue;
    }
    items.push_back(item.get<int>());
  }
  return items;
}

std::optional<clinical::Scale> ReadScale(ObjectReader& r, Validator& v,
                                         bool (*allowed)(clinical::Scale), const char* names) {
  std::optional<std::string> name = r.String("scale");
  if (!r.Has("scale")) v.Add({r.Field("scale"), std::string("is required: ") + names});
  if (!name) return std::nullopt;
  Result<clinical::Scale> scale = clinical::ParseScaleName(*name);
  if (!scale || !allowed(*scale)) {
    v.Add({r.Field("scale"), std::string("must be ") + names + ", got '" + *name + "'"});
    return std::nullopt;
  }
  return *scale;
}

bool AnyScale(clinical::Scale /*scale*/) { return true; }

bool IsSessionScale(clinical::Scale scale) {
  return scale == clinical::Scale::kMoaas || scale == clinical::Scale::kCadss ||
         scale == clinical::Scale::kCadss6;
}

constexpr std::array<clinical::SessionState, 11> kStates = {
    clinical::SessionState::kScheduled, clinical::SessionState::kCheckedIn,
    clinical::SessionState::kPreChecks, clinical::SessionState::kReady,
    clinical::SessionState::kRunning,   clinical::SessionState::kPaused,
    clinical::SessionState::kCompleted, clinical::SessionState::kStopped,
    clinical::SessionState::kRecovery,  clinical::SessionState::kDischarged,
    clinical::SessionState::kCancelled};

std::optional<clinical::SessionState> ParseState(std::string_view name) {
  for (clinical::SessionState state : kStates) {
    if (name == clinical::SessionStateName(state)) return state;
  }
  return std::nullopt;
}

bool HasStarted(clinical::SessionState s) {
  using S = clinical::SessionState;
  return s == S::kRunning || s == S::kPaused || s == S::kCompleted || s == S::kStopped ||
         s == S::kRecovery || s == S::kDischarged;
}

bool HasEnded(clinical::SessionState s) {
  using S = clinical::SessionState;
  return s == S::kCompleted || s == S::kStopped || s == S::kRecovery || s == S::kDischarged;
}

Status ObjectProblem(const json& body, const std::string& path, const char* message,
                     const char* what) {
  Validator v(message);
  v.Add({path.empty() ? std::string(json_read::kJsonField) : path,
         std::string("must be an object (") + what + "), got " + json_read::TypeName(body)});
  return v.Finish();
}

clinical::InfusionSetup ReadSetup(const json& object, const std::string& path, Validator& v) {
  clinical::InfusionSetup setup;
  ObjectReader r(object, path, v);
  r.RejectUnknown({"planned_dose_mg", "bag_volume_ml", "concentration_mg_per_ml",
                   "planned_rate_ml_per_h", "weight_kg"},
                  "an infusion setup");
  if (auto x = RequiredNumber(r, v, "planned_dose_mg", "the planned dose in mg")) {
    setup.planned_dose_mg = *x;
  }
  if (auto x = RequiredNumber(r, v, "bag_volume_ml", "the bag's volume in mL")) {
    setup.bag_volume_ml = *x;
  }
  if (auto x = RequiredNumber(r, v, "concentration_mg_per_ml", "the bag's concentration")) {
    setup.concentration_mg_per_ml = *x;
  }
  if (auto x = RequiredNumber(r, v, "planned_rate_ml_per_h", "the pump's starting rate")) {
    setup.planned_rate_ml_per_h = *x;
  }
  if (!r.IsNull("weight_kg")) setup.weight_kg = r.Number("weight_kg");
  if (v.ok()) {
    if (Status ok = clinical::ValidateInfusionSetup(setup); !ok) {
      v.Merge(ok.error(), path.empty() ? "" : path + ".");
    }
  }
  return setup;
}

std::vector<clinical::RateSegment> ReadSegments(const json& array, const std::string& field,
                                                Validator& v) {
  std::vector<clinical::RateSegment> segments;
  segments.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string path = Index(field, i);
    if (!array[i].is_object()) {
      v.Add({path, "must be an object (one rate segment), got " + json_read::TypeName(array[i])});
      continue;
    }
    ObjectReader r(array[i], path, v);
    r.RejectUnknown({"start", "end", "rate_ml_per_h", "concentration_mg_per_ml"}, "a rate segment");
    clinical::RateSegment s;
    if (auto at = RequiredTime(r, v, "start", "when the pump started this rate")) s.start = *at;
    s.end = OptionalTime(r, "end");
    if (auto rate = RequiredNumber(r, v, "rate_ml_per_h", "the pump rate")) {
      s.rate_ml_per_h = *rate;
      v.Require(*rate > 0 && *rate <= clinical::kMaxRateMlPerH, r.Field("rate_ml_per_h"),
                "must be above 0 and at most 1200 mL/h, got " + FormatNumber(*rate));
    }
    if (auto c = RequiredNumber(r, v, "concentration_mg_per_ml", "the bag's concentration")) {
      s.concentration_mg_per_ml = *c;
      v.Positive(r.Field("concentration_mg_per_ml"), *c);
    }
    if (s.end) v.Require(*s.end > s.start, r.Field("end"), "must be after start");
    if (!segments.empty()) {
      const clinical::RateSegment& before = segments.back();
      v.Require(before.end.has_value(), Index(field, i - 1) + ".end",
                "is required: only the last segment may be open");
      if (before.end) {
        v.Require(s.start >= *before.end, r.Field("start"),
                  "must not be before the previous segment's end");
      }
    }
    segments.push_back(s);
  }
  return segments;
}

std::vector<SessionScoreEntry> ReadScores(const json& array, const std::string& field,
                                          Validator& v) {
  std::vector<SessionScoreEntry> scores;
  scores.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string path = Index(field, i);
    if (!array[i].is_object()) {
      v.Add({path, "must be an object (one score), got " + json_read::TypeName(array[i])});
      continue;
    }
    ObjectReader r(array[i], path, v);
    r.RejectUnknown({"at", "by", "scale", "items"}, "a session score");
    SessionScoreEntry entry;
    if (auto at = RequiredTime(r, v, "at", "when it was scored")) entry.at = *at;
    if (const json* by = r.Object("by")) {
      ObjectReader b(*by, r.Field("by"), v);
      b.RejectUnknown({"user_id", "role"}, "a clinician");
      if (auto user = RequiredText(b, v, "user_id", "who scored it")) entry.by.user_id = *user;
      if (auto role = RequiredText(b, v, "role", "their role")) {
        if (auto parsed = clinical::ParseRole(*role, b.Field("role"))) {
          entry.by.role = *parsed;
        } else {
          v.Merge(parsed.error(), "");
        }
      }
    } else if (!r.Has("by")) {
      v.Add({r.Field("by"), "is required: who scored it ({\"user_id\", \"role\"})"});
    }
    const std::optional<clinical::Scale> scale =
        ReadScale(r, v, IsSessionScale, "moaas, cadss or cadss6");
    bool items_ok = true;
    if (const json* items = r.Array("items")) {
      entry.items = ReadItems(*items, r.Field("items"), v, items_ok);
    } else if (!r.Has("items")) {
      v.Add({r.Field("items"), "is required: the item responses"});
      items_ok = false;
    }
    if (scale) {
      entry.scale = *scale;
      if (items_ok) {
        if (Status valid = clinical::ValidateItems(*scale, entry.items); !valid) {
          v.Merge(valid.error(), path + ".");
        }
      }
    }
    scores.push_back(std::move(entry));
  }
  return scores;
}

}  // namespace

// --- course ------------------------------------------------------------------------------------

json CourseToJson(const clinical::TreatmentCourse& course) {
  json head = {{"phase", clinical::CoursePhaseName(course.phase)},
               {"planned_count", course.planned_count}};
  if (!IsDefaultMeta(course.meta)) head["meta"] = MetaJson(course.meta);
  if (!course.patient_id.empty()) head["patient_id"] = course.patient_id;
  if (course.primary_scale) {
    head["primary_scale"] = clinical::GetScaleInfo(*course.primary_scale).name;
  }
  const clinical::SchedulePreferences& s = course.schedule;
  json schedule = json::object();
  if (!s.weekdays.empty()) {
    json days = json::array();
    for (clinical::Weekday day : s.weekdays) days.push_back(clinical::WeekdayName(day));
    schedule["weekdays"] = std::move(days);
  }
  if (s.time_of_day_min) {
    schedule["time_of_day"] =
        TwoDigits(*s.time_of_day_min / 60) + ":" + TwoDigits(*s.time_of_day_min % 60);
  }
  if (s.utc_offset_min != 0) schedule["utc_offset"] = OffsetText(s.utc_offset_min);
  if (s.start_on) {
    schedule["start_on"] = clinical::FormatDate(std::chrono::year_month_day(*s.start_on));
  }
  if (!schedule.empty()) head["schedule"] = std::move(schedule);
  if (course.ended) {
    head["ended"] = {{"at", FormatRfc3339(course.ended->at)}, {"reason", course.ended->reason}};
  }

  json infusions = json::array();
  for (const clinical::Infusion& infusion : course.infusions) {
    json item = {{"started_at", FormatRfc3339(infusion.started_at)},
                 {"mg_per_kg", infusion.mg_per_kg},
                 {"tolerated", infusion.tolerated}};
    if (!infusion.id.empty()) item["id"] = infusion.id;
    infusions.push_back(std::move(item));
  }
  json assessments = json::array();
  for (const clinical::Assessment& a : course.assessments) {
    json item = {{"scale", clinical::GetScaleInfo(a.scale).name},
                 {"taken_at", FormatRfc3339(a.taken_at)},
                 {"total", a.total}};
    if (!a.items.empty()) item["items"] = a.items;
    if (a.baseline) item["baseline"] = true;
    if (!a.id.empty()) item["id"] = a.id;
    assessments.push_back(std::move(item));
  }
  json relief = json::array();
  for (const clinical::ReliefEpisode& episode : course.relief_history) {
    json item = json::object();
    if (!episode.label.empty()) item["label"] = episode.label;
    if (episode.last_infusion_at && episode.relief_ended_at) {
      item["last_infusion_at"] = FormatRfc3339(*episode.last_infusion_at);
      item["relief_ended_at"] = FormatRfc3339(*episode.relief_ended_at);
    } else {
      item["relief_days"] = episode.relief_days;
    }
    relief.push_back(std::move(item));
  }
  return {{"course", std::move(head)},
          {"infusions", std::move(infusions)},
          {"assessments", std::move(assessments)},
          {"relief_history", std::move(relief)}};
}

Result<clinical::TreatmentCourse> CourseFromJson(const json& body, const std::string& path) {
  if (body.is_object() && body.contains("at")) {
    Validator v("invalid course record");
    v.Add({json_read::JoinPath(path, "at"),
           "a stored course is not judged at a moment: leave "
           "\"at\" out"});
    return tl::unexpected(v.Finish().error());
  }
  Result<CourseFile> file = ParseCourseFile(body, path);
  if (!file) return tl::unexpected(file.error());
  return std::move(file->course);
}

// --- session -----------------------------------------------------------------------------------

json SessionRecordToJson(const SessionRecord& s) {
  json setup = {{"planned_dose_mg", s.setup.planned_dose_mg},
                {"bag_volume_ml", s.setup.bag_volume_ml},
                {"concentration_mg_per_ml", s.setup.concentration_mg_per_ml},
                {"planned_rate_ml_per_h", s.setup.planned_rate_ml_per_h}};
  if (s.setup.weight_kg) setup["weight_kg"] = *s.setup.weight_kg;
  json segments = json::array();
  for (const clinical::RateSegment& segment : s.segments) {
    json item = {{"start", FormatRfc3339(segment.start)},
                 {"rate_ml_per_h", segment.rate_ml_per_h},
                 {"concentration_mg_per_ml", segment.concentration_mg_per_ml}};
    if (segment.end) item["end"] = FormatRfc3339(*segment.end);
    segments.push_back(std::move(item));
  }
  json scores = json::array();
  for (const SessionScoreEntry& score : s.scores) {
    scores.push_back(
        {{"at", FormatRfc3339(score.at)},
         {"by", {{"user_id", score.by.user_id}, {"role", clinical::RoleName(score.by.role)}}},
         {"scale", clinical::GetScaleInfo(score.scale).name},
         {"items", score.items}});
  }
  json out = {{"patient_id", s.patient_id},
              {"scheduled_at", FormatRfc3339(s.scheduled_at)},
              {"state", clinical::SessionStateName(s.state)},
              {"setup", std::move(setup)},
              {"segments", std::move(segments)},
              {"delivered_mg", s.delivered_mg},
              {"scores", std::move(scores)}};
  if (!s.course_id.empty()) out["course_id"] = s.course_id;
  if (s.infusion_start) out["infusion_start"] = FormatRfc3339(*s.infusion_start);
  if (s.infusion_end) out["infusion_end"] = FormatRfc3339(*s.infusion_end);
  if (!s.end_reason.empty()) out["end_reason"] = s.end_reason;
  return out;
}

Result<SessionRecord> SessionRecordFromJson(const json& body, const std::string& path) {
  if (!body.is_object()) {
    return tl::unexpected(ObjectProblem(body, path, "invalid session record", "a session").error());
  }
  Validator v("invalid session record");
  SessionRecord s;
  ObjectReader r(body, path, v);
  r.RejectUnknown({"patient_id", "course_id", "scheduled_at", "state", "setup", "segments",
                   "infusion_start", "infusion_end", "delivered_mg", "scores", "end_reason"},
                  "a session record");
  if (auto id = RequiredText(r, v, "patient_id", "whose session")) s.patient_id = *id;
  if (auto id = OptionalText(r, "course_id")) s.course_id = *id;
  if (auto at = RequiredTime(r, v, "scheduled_at", "when it was booked for")) {
    s.scheduled_at = *at;
  }
  bool state_ok = false;
  if (auto name = RequiredText(r, v, "state", "where the session stands")) {
    if (auto state = ParseState(*name)) {
      s.state = *state;
      state_ok = true;
    } else {
      v.Add({r.Field("state"),
             "must be a session state (scheduled, checked-in, pre-checks, "
             "ready, running, paused, completed, stopped, recovery, "
             "discharged, cancelled), got '" +
                 *name + "'"});
    }
  }
  if (const json* setup = r.Object("setup")) {
    s.setup = ReadSetup(*setup, r.Field("setup"), v);
  } else if (!r.Has("setup")) {
    v.Add({r.Field("setup"), "is required: what is infused"});
  }
  if (const json* segments = r.Array("segments")) {
    s.segments = ReadSegments(*segments, r.Field("segments"), v);
  }
  s.infusion_start = OptionalTime(r, "infusion_start");
  s.infusion_end = OptionalTime(r, "infusion_end");
  if (auto mg = RequiredNumber(r, v, "delivered_mg", "the dose delivered (0 before a start)")) {
    s.delivered_mg = *mg;
    // The pump stops at the planned dose; a rounding hair above it is still the planned dose.
    v.Require(*mg >= 0 && *mg <= s.setup.planned_dose_mg * (1 + 1e-9) + 1e-9,
              r.Field("delivered_mg"),
              "must be 0 to the planned dose (" + FormatNumber(s.setup.planned_dose_mg) +
                  " mg), got " + FormatNumber(*mg));
  }
  if (const json* scores = r.Array("scores")) s.scores = ReadScores(*scores, r.Field("scores"), v);
  if (auto reason = OptionalText(r, "end_reason")) s.end_reason = *reason;

  if (state_ok) {
    const bool started = HasStarted(s.state);
    const bool ended = HasEnded(s.state);
    v.Require(started == s.infusion_start.has_value(), r.Field("infusion_start"),
              started ? "is required: the infusion has started (state " +
                            std::string(clinical::SessionStateName(s.state)) + ")"
                      : "must be absent: the infusion has not started (state " +
                            std::string(clinical::SessionStateName(s.state)) + ")");
    v.Require(ended == s.infusion_end.has_value(), r.Field("infusion_end"),
              ended ? "is required: the infusion has ended (state " +
                          std::string(clinical::SessionStateName(s.state)) + ")"
                    : "must be absent: the infusion has not ended (state " +
                          std::string(clinical::SessionStateName(s.state)) + ")");
    v.Require(started || s.segments.empty(), r.Field("segments"),
              "must be empty: the infusion has not started");
    v.Require(!(s.state == clinical::SessionState::kCancelled ||
                s.state == clinical::SessionState::kStopped) ||
                  !s.end_reason.empty(),
              r.Field("end_reason"), "is required: why the session was stopped or cancelled");
  }
  if (s.infusion_start && s.infusion_end) {
    v.Require(*s.infusion_end >= *s.infusion_start, r.Field("infusion_end"),
              "must not be before infusion_start");
  }
  if (s.infusion_start && !s.segments.empty()) {
    v.Require(s.segments.front().start == *s.infusion_start, r.Field("segments") + "[0].start",
              "must be the infusion's start");
  }
  if (Status status = v.Finish(); !status) return tl::unexpected(status.error());
  return s;
}

// --- scale response ----------------------------------------------------------------------------

json ScaleResponseRecordToJson(const ScaleResponseRecord& record) {
  json out = {{"patient_id", record.patient_id},
              {"scale", clinical::GetScaleInfo(record.response.scale).name},
              {"items", record.response.items},
              {"taken_at", FormatRfc3339(record.response.taken_at)}};
  if (!record.course_id.empty()) out["course_id"] = record.course_id;
  if (!record.session_id.empty()) out["session_id"] = record.session_id;
  return out;
}

Result<ScaleResponseRecord> ScaleResponseRecordFromJson(const json& body, const std::string& path) {
  if (!body.is_object()) {
    return tl::unexpected(
        ObjectProblem(body, path, "invalid scale response", "a scale response").error());
  }
  Validator v("invalid scale response");
  ScaleResponseRecord record;
  ObjectReader r(body, path, v);
  r.RejectUnknown({"patient_id", "course_id", "session_id", "scale", "items", "taken_at"},
                  "a scale response");
  if (auto id = RequiredText(r, v, "patient_id", "whose response")) record.patient_id = *id;
  if (auto id = OptionalText(r, "course_id")) record.course_id = *id;
  if (auto id = OptionalText(r, "session_id")) record.session_id = *id;
  const std::optional<clinical::Scale> scale =
      ReadScale(r, v, AnyScale, clinical::ScaleNameList().c_str());
  bool items_ok = true;
  if (const json* items = r.Array("items")) {
    record.response.items = ReadItems(*items, r.Field("items"), v, items_ok);
  } else if (!r.Has("items")) {
    v.Add({r.Field("items"), "is required: the item responses in questionnaire order"});
    items_ok = false;
  }
  if (auto at = RequiredTime(r, v, "taken_at", "when it was completed")) {
    record.response.taken_at = *at;
  }
  if (scale) {
    record.response.scale = *scale;
    if (items_ok) {
      if (Status valid = clinical::ValidateItems(*scale, record.response.items); !valid) {
        v.Merge(valid.error(), path.empty() ? "" : path + ".");
      }
    }
  }
  if (Status status = v.Finish(); !status) return tl::unexpected(status.error());
  return record;
}

// --- side effect -------------------------------------------------------------------------------

json SideEffectRecordToJson(const SideEffectRecord& record) {
  const clinical::SideEffect& e = record.effect;
  json out = {{"patient_id", record.patient_id},
              {"kind", clinical::SideEffectKindName(e.kind)},
              {"grade", e.grade},
              {"onset", FormatRfc3339(e.onset)},
              {"serious", e.serious}};
  if (!record.session_id.empty()) out["session_id"] = record.session_id;
  if (e.resolved_at) out["resolved_at"] = FormatRfc3339(*e.resolved_at);
  if (!e.treatment.empty()) out["treatment"] = e.treatment;
  return out;
}

Result<SideEffectRecord> SideEffectRecordFromJson(const json& body, const std::string& path) {
  if (!body.is_object()) {
    return tl::unexpected(
        ObjectProblem(body, path, "invalid side effect", "a side effect").error());
  }
  Validator v("invalid side effect");
  SideEffectRecord record;
  ObjectReader r(body, path, v);
  r.RejectUnknown(
      {"patient_id", "session_id", "kind", "grade", "onset", "resolved_at", "treatment", "serious"},
      "a side effect");
  if (auto id = RequiredText(r, v, "patient_id", "whose side effect")) record.patient_id = *id;
  if (auto id = OptionalText(r, "session_id")) record.session_id = *id;
  clinical::SideEffect& e = record.effect;
  if (auto kind = RequiredText(r, v, "kind", "what it was (nausea, headache, ...)")) {
    if (auto parsed = clinical::ParseSideEffectKind(*kind, r.Field("kind"))) {
      e.kind = *parsed;
    } else {
      v.Merge(parsed.error(), "");
    }
  }
  if (!r.Has("grade")) v.Add({r.Field("grade"), "is required: 1 (mild) to 5"});
  if (auto grade = r.Integer("grade", 1, 5)) e.grade = *grade;
  if (auto at = RequiredTime(r, v, "onset", "when it began")) e.onset = *at;
  e.resolved_at = OptionalTime(r, "resolved_at");
  if (auto treatment = OptionalText(r, "treatment")) e.treatment = *treatment;
  if (auto serious = r.Bool("serious")) e.serious = *serious;
  if (e.resolved_at && r.Has("onset")) {
    v.Require(*e.resolved_at >= e.onset, r.Field("resolved_at"), "must not be before onset");
  }
  if (Status status = v.Finish(); !status) return tl::unexpected(status.error());
  return record;
}

}  // namespace ketaclinic::clinical_json
