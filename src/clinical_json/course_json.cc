#include "clinical_json/course_json.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <set>
#include <utility>
#include <vector>

#include "base/validation.h"

#include "clinical_json/finding_json.h"
#include "json/json_reader.h"

namespace ketaclinic::clinical_json {

using json_read::ObjectReader;
using nlohmann::json;

namespace {

std::string Index(const std::string& field, size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

// Reading helpers of one object: an optional member given as null is the same as an absent one.
class Reader {
 public:
  Reader(const json& object, const std::string& path, Validator& v)
      : reader_(object, path, v), v_(v) {}

  ObjectReader& operator*() { return reader_; }
  ObjectReader* operator->() { return &reader_; }

  std::optional<Instant> OptionalTime(const char* key) {
    if (reader_.IsNull(key)) return std::nullopt;
    return reader_.Time(key);
  }
  std::optional<std::string> OptionalString(const char* key) {
    if (reader_.IsNull(key)) return std::nullopt;
    return reader_.String(key);
  }
  const json* OptionalObject(const char* key) {
    if (reader_.IsNull(key)) return nullptr;
    return reader_.Object(key);
  }
  const json* OptionalArray(const char* key) {
    if (reader_.IsNull(key)) return nullptr;
    return reader_.Array(key);
  }
  // A required member that is absent (one given as null is reported by its typed read).
  void Missing(const char* key, const std::string& why) {
    if (!reader_.Has(key)) v_.Add({reader_.Field(key), "is required: " + why});
  }

 private:
  ObjectReader reader_;
  Validator& v_;
};

int Digits(std::string_view text, size_t from, size_t count, bool& ok) {
  int value = 0;
  for (size_t i = from; i < from + count; ++i) {
    if (i >= text.size() || std::isdigit(static_cast<unsigned char>(text[i])) == 0) {
      ok = false;
      return 0;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// "09:30" -> 570.
std::optional<int> ParseTimeOfDay(std::string_view text) {
  bool ok = text.size() == 5 && text[2] == ':';
  const int h = Digits(text, 0, 2, ok);
  const int m = Digits(text, 3, 2, ok);
  if (!ok || h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

// "Z", "+01:00", "-05:30" -> minutes east of UTC.
std::optional<int> ParseUtcOffset(std::string_view text) {
  if (text == "Z" || text == "z") return 0;
  bool ok = text.size() == 6 && (text[0] == '+' || text[0] == '-') && text[3] == ':';
  const int h = Digits(text, 1, 2, ok);
  const int m = Digits(text, 4, 2, ok);
  if (!ok || h > 14 || m > 59) return std::nullopt;
  return (text[0] == '-' ? -1 : 1) * (h * 60 + m);
}

// "2026-03-02" -> that day.
std::optional<std::chrono::sys_days> ParseDate(std::string_view text) {
  bool ok = text.size() == 10 && text[4] == '-' && text[7] == '-';
  const int y = Digits(text, 0, 4, ok);
  const int m = Digits(text, 5, 2, ok);
  const int d = Digits(text, 8, 2, ok);
  if (!ok) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(y),
                                         std::chrono::month(static_cast<unsigned>(m)),
                                         std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date);
}

clinical::RecordMeta ReadMeta(const json& object, const std::string& path, Validator& v) {
  clinical::RecordMeta meta;
  Reader r(object, path, v);
  r->RejectUnknown({"id", "version", "author", "recorded_at", "status", "reason"},
                   "a record header");
  if (auto id = r.OptionalString("id")) meta.id = *id;
  if (auto version = r->Integer("version", 1, 1000000)) meta.version = *version;
  if (auto author = r.OptionalString("author")) meta.author = *author;
  if (auto at = r.OptionalTime("recorded_at")) meta.recorded_at = *at;
  if (auto status = r->String("status")) {
    if (auto parsed = clinical::ParseRecordStatus(*status, r->Field("status"))) {
      meta.status = *parsed;
    } else {
      v.Merge(parsed.error(), "");
    }
  }
  if (auto reason = r.OptionalString("reason")) meta.reason = *reason;
  return meta;
}

clinical::SchedulePreferences ReadSchedule(const json& object, const std::string& path,
                                           Validator& v) {
  clinical::SchedulePreferences s;
  Reader r(object, path, v);
  r->RejectUnknown({"weekdays", "time_of_day", "utc_offset", "start_on"}, "a schedule");
  if (const json* days = r.OptionalArray("weekdays")) {
    for (size_t i = 0; i < days->size(); ++i) {
      const std::string field = Index(r->Field("weekdays"), i);
      const json& day = (*days)[i];
      if (!day.is_string()) {
        v.Add({field, "must be a day name (mon ... sun), got " + json_read::TypeName(day)});
      } else if (auto parsed = clinical::ParseWeekday(day.get<std::string>(), field)) {
        s.weekdays.push_back(*parsed);
      } else {
        v.Merge(parsed.error(), "");
      }
    }
  }
  if (auto text = r.OptionalString("time_of_day")) {
    s.time_of_day_min = ParseTimeOfDay(*text);
    if (!s.time_of_day_min) {
      v.Add({r->Field("time_of_day"),
             "must be a local time HH:MM (00:00-23:59), got '" + *text + "'"});
    }
  }
  if (auto text = r.OptionalString("utc_offset")) {
    if (auto minutes = ParseUtcOffset(*text)) {
      s.utc_offset_min = *minutes;
    } else {
      v.Add({r->Field("utc_offset"), "must be Z or +HH:MM / -HH:MM, got '" + *text + "'"});
    }
  }
  if (auto text = r.OptionalString("start_on")) {
    if (auto day = ParseDate(*text)) {
      s.start_on = *day;
    } else {
      v.Add({r->Field("start_on"), "must be a date YYYY-MM-DD, got '" + *text + "'"});
    }
  }
  return s;
}

void ReadCourse(const json& object, const std::string& path, clinical::TreatmentCourse& course,
                Validator& v) {
  Reader r(object, path, v);
  r->RejectUnknown(
      {"meta", "patient_id", "phase", "planned_count", "primary_scale", "schedule", "ended"},
      "a course");
  if (const json* meta = r.OptionalObject("meta")) {
    course.meta = ReadMeta(*meta, r->Field("meta"), v);
  }
  if (auto patient = r.OptionalString("patient_id")) course.patient_id = *patient;
  if (auto phase = r->String("phase")) {
    if (auto parsed = clinical::ParseCoursePhase(*phase, r->Field("phase"))) {
      course.phase = *parsed;
    } else {
      v.Merge(parsed.error(), "");
    }
  }
  r.Missing("phase", "induction, continuation, maintenance, taper or booster");
  if (auto count = r->Integer("planned_count", 1, 50)) course.planned_count = *count;
  r.Missing("planned_count", "the number of infusions planned in this course (6 for induction)");
  if (auto scale = r.OptionalString("primary_scale")) {
    auto parsed = clinical::ParseScaleName(*scale);
    if (parsed && clinical::IsOutcomeScale(*parsed)) {
      course.primary_scale = *parsed;
    } else {
      v.Add({r->Field("primary_scale"), "must be phq9, madrs or qids-sr16, got '" + *scale + "'"});
    }
  }
  if (const json* schedule = r.OptionalObject("schedule")) {
    course.schedule = ReadSchedule(*schedule, r->Field("schedule"), v);
  }
  if (const json* ended = r.OptionalObject("ended")) {
    Reader e(*ended, r->Field("ended"), v);
    e->RejectUnknown({"at", "reason"}, "a course end");
    clinical::CourseEnd end;
    if (auto at = e->Time("at")) end.at = *at;
    e.Missing("at", "when the course was ended");
    if (auto reason = e->String("reason")) end.reason = *reason;
    e.Missing("reason", "why the course was ended");
    course.ended = end;
  }
}

std::vector<clinical::Infusion> ReadInfusions(const json& array, const std::string& field,
                                              Validator& v) {
  std::vector<clinical::Infusion> infusions;
  infusions.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string path = Index(field, i);
    if (!array[i].is_object()) {
      v.Add({path, "must be an object (one infusion), got " + json_read::TypeName(array[i])});
      continue;
    }
    Reader r(array[i], path, v);
    r->RejectUnknown({"id", "started_at", "mg_per_kg", "tolerated"}, "an infusion");
    clinical::Infusion infusion;
    if (auto id = r.OptionalString("id")) infusion.id = *id;
    if (auto at = r->Time("started_at")) infusion.started_at = *at;
    r.Missing("started_at", "when the infusion started (RFC 3339 with a zone)");
    if (auto dose = r->Number("mg_per_kg")) infusion.mg_per_kg = *dose;
    r.Missing("mg_per_kg", "the dose given, in mg per kg");
    if (auto tolerated = r->Bool("tolerated")) infusion.tolerated = *tolerated;
    infusions.push_back(infusion);
  }
  return infusions;
}

std::vector<clinical::Assessment> ReadAssessments(const json& array, const std::string& field,
                                                  Validator& v) {
  std::vector<clinical::Assessment> assessments;
  assessments.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string path = Index(field, i);
    if (!array[i].is_object()) {
      v.Add({path, "must be an object (one assessment), got " + json_read::TypeName(array[i])});
      continue;
    }
    Reader r(array[i], path, v);
    r->RejectUnknown({"id", "scale", "taken_at", "total", "items", "baseline"}, "an assessment");
    clinical::Assessment a;
    if (auto id = r.OptionalString("id")) a.id = *id;
    bool scale_ok = false;
    if (auto name = r->String("scale")) {
      auto scale = clinical::ParseScaleName(*name);
      if (scale && clinical::IsOutcomeScale(*scale)) {
        a.scale = *scale;
        scale_ok = true;
      } else {
        v.Add({r->Field("scale"), "must be phq9, madrs or qids-sr16, got '" + *name + "'"});
      }
    }
    r.Missing("scale", "phq9, madrs or qids-sr16");
    if (auto at = r->Time("taken_at")) a.taken_at = *at;
    r.Missing("taken_at", "when the scale was completed (RFC 3339 with a zone)");
    const std::optional<int> total = r->Integer("total", 0, 1000);
    bool items_ok = true;
    if (const json* items = r.OptionalArray("items")) {
      for (size_t j = 0; j < items->size(); ++j) {
        const json& item = (*items)[j];
        const bool whole = item.is_number_integer() || item.is_number_unsigned();
        if (!whole || item.get<double>() < -1000 || item.get<double>() > 1000) {
          v.Add({Index(r->Field("items"), j),
                 "must be a whole number (an item response), got " +
                     (whole ? FormatNumber(item.get<double>()) : json_read::TypeName(item))});
          items_ok = false;
          continue;
        }
        a.items.push_back(item.get<int>());
      }
    }
    if (!r->Has("total") && !r->Has("items")) {
      v.Add({r->Field("total"), "is required (or the items)"});
    }
    if (total) {
      a.total = *total;
    } else if (items_ok && !a.items.empty()) {
      // The total from the items; ValidateAssessments reports items that do not score.
      if (auto score = clinical::ScoreScale(a.scale, a.items)) a.total = score->total;
    }
    // Without a known scale (or readable items) the items and total cannot be judged; the
    // problem already reported is the one to fix first.
    if (!items_ok || !scale_ok) a.items.clear();
    if (!scale_ok) a.total = 0;
    if (auto baseline = r->Bool("baseline")) a.baseline = *baseline;
    assessments.push_back(std::move(a));
  }
  return assessments;
}

std::vector<clinical::ReliefEpisode> ReadRelief(const json& array, const std::string& field,
                                                Validator& v) {
  std::vector<clinical::ReliefEpisode> history;
  history.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    const std::string path = Index(field, i);
    if (!array[i].is_object()) {
      v.Add({path, "must be an object (one relief), got " + json_read::TypeName(array[i])});
      continue;
    }
    Reader r(array[i], path, v);
    r->RejectUnknown({"label", "relief_days", "last_infusion_at", "relief_ended_at"},
                     "a relief episode");
    clinical::ReliefEpisode episode;
    if (auto label = r.OptionalString("label")) episode.label = *label;
    auto given = [&](const char* key) { return r->Has(key) && !r->IsNull(key); };
    const std::optional<double> days =
        given("relief_days") ? r->Number("relief_days") : std::nullopt;
    episode.last_infusion_at = r.OptionalTime("last_infusion_at");
    episode.relief_ended_at = r.OptionalTime("relief_ended_at");
    const bool has_days = given("relief_days");
    const bool has_times = given("last_infusion_at") || given("relief_ended_at");
    bool duration_read = false;
    if (has_days && has_times) {
      v.Add({path, "give relief_days or last_infusion_at with relief_ended_at, not both"});
    } else if (has_days) {
      if (days) {
        episode.relief_days = *days;
        duration_read = true;
      }
    } else if (has_times) {
      r.Missing("last_infusion_at", "the last infusion of that course or booster");
      r.Missing("relief_ended_at", "when the symptoms returned");
      if (episode.last_infusion_at && episode.relief_ended_at) {
        if (*episode.relief_ended_at <= *episode.last_infusion_at) {
          v.Add({r->Field("relief_ended_at"), "must be after last_infusion_at"});
        } else {
          episode.relief_days =
              MinutesBetween(*episode.last_infusion_at, *episode.relief_ended_at) / (60.0 * 24.0);
          duration_read = true;
        }
      }
    } else {
      v.Add({r->Field("relief_days"),
             "is required (or last_infusion_at with relief_ended_at): how long relief lasted"});
    }
    // A duration that could not be read (its problem is reported above) stands in as one day,
    // so the course checks report only the other fields.
    if (!duration_read) episode.relief_days = 1;
    history.push_back(std::move(episode));
  }
  return history;
}

json TimeOrNull(const std::optional<Instant>& at) {
  return at ? json(FormatRfc3339(*at)) : json(nullptr);
}

template <typename T>
json OrNull(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

Result<CourseFile> ParseCourseFile(const json& body, const std::string& path) {
  Validator v("invalid course file");
  CourseFile file;
  if (!body.is_object()) {
    v.Add({path.empty() ? std::string(json_read::kJsonField) : path,
           "must be an object (a course file), got " + json_read::TypeName(body)});
    return tl::unexpected(v.Finish().error());
  }
  Reader r(body, path, v);
  r->RejectUnknown({"at", "course", "infusions", "assessments", "relief_history"}, "a course file");
  file.at = r.OptionalTime("at");
  if (const json* course = r->Object("course")) {
    ReadCourse(*course, r->Field("course"), file.course, v);
  }
  r.Missing("course", "the course: phase and planned_count at least");
  if (const json* infusions = r.OptionalArray("infusions")) {
    file.course.infusions = ReadInfusions(*infusions, r->Field("infusions"), v);
  }
  if (const json* assessments = r.OptionalArray("assessments")) {
    file.course.assessments = ReadAssessments(*assessments, r->Field("assessments"), v);
  }
  if (const json* relief = r.OptionalArray("relief_history")) {
    file.course.relief_history = ReadRelief(*relief, r->Field("relief_history"), v);
  }

  // The course's own checks, under the file's paths, except where reading already complained.
  const std::set<std::string> reported = json_read::FieldsWithProblems(v);
  Validator semantic("invalid course");
  clinical::ValidateCourse(file.course, file.at.value_or(Instant::max()), semantic);
  if (Status status = semantic.Finish(); !status) {
    const std::string prefix = path.empty() ? "" : path + ".";
    for (const FieldProblem& problem : status.error().problems()) {
      std::string field = prefix + problem.field;
      if (reported.count(field) == 0) v.Add({std::move(field), problem.reason});
    }
  }
  if (Status status = v.Finish(); !status) return tl::unexpected(status.error());
  return file;
}

Result<CourseFile> ParseCourseFileText(std::string_view text) {
  auto body = json_read::ParseJsonText(text, "invalid course file");
  if (!body) return tl::unexpected(body.error());
  return ParseCourseFile(*body, "");
}

json ScaleOutcomeToJson(const clinical::ScaleOutcome& o) {
  json assessments = json::array();
  for (const clinical::AssessmentOutcome& a : o.follow_up) {
    json item = {{"taken_at", FormatRfc3339(a.taken_at)},
                 {"total", a.total},
                 {"infusions_before", a.infusions_before},
                 {"reduction_percent", OrNull(a.reduction_percent)},
                 {"category", clinical::ResponseCategoryName(a.category)},
                 {"remission", a.remission}};
    if (!a.id.empty()) item["id"] = a.id;
    assessments.push_back(std::move(item));
  }
  json baseline = nullptr;
  if (o.baseline) {
    baseline = {{"taken_at", FormatRfc3339(o.baseline->taken_at)},
                {"total", o.baseline->total},
                {"marked", o.baseline->marked}};
    if (!o.baseline->id.empty()) baseline["id"] = o.baseline->id;
  }
  json early = nullptr;
  if (o.early_check) {
    early = {{"after_infusions", o.early_check->after_infusions},
             {"taken_at", FormatRfc3339(o.early_check->taken_at)},
             {"reduction_percent", o.early_check->reduction_percent},
             {"non_response", o.early_check->non_response}};
  }
  return {{"scale", clinical::GetScaleInfo(o.scale).name},
          {"title", clinical::GetScaleInfo(o.scale).title},
          {"remission_max_total", o.remission_max_total},
          {"baseline", baseline},
          {"assessments", assessments},
          {"best_reduction_percent", OrNull(o.best_reduction_percent)},
          {"best_at", TimeOrNull(o.best_at)},
          {"response", o.response_at.has_value()},
          {"response_at", TimeOrNull(o.response_at)},
          {"infusions_to_response", OrNull(o.infusions_to_response)},
          {"days_to_response", OrNull(o.days_to_response)},
          {"remission", o.remission_at.has_value()},
          {"remission_at", TimeOrNull(o.remission_at)},
          {"infusions_to_remission", OrNull(o.infusions_to_remission)},
          {"sustained_remission", o.sustained_remission_at.has_value()},
          {"sustained_remission_at", TimeOrNull(o.sustained_remission_at)},
          {"sustained_remission_since", TimeOrNull(o.sustained_remission_since)},
          {"relapse", o.relapse_confirmed_at.has_value()},
          {"relapse_at", TimeOrNull(o.relapse_at)},
          {"relapse_confirmed_at", TimeOrNull(o.relapse_confirmed_at)},
          {"early_check", early},
          {"early_non_response", o.early_check && o.early_check->non_response},
          {"loss_of_response", o.loss_of_response},
          {"worsening", o.worsening},
          {"latest_category", clinical::ResponseCategoryName(o.latest_category)},
          {"in_remission_now", o.in_remission_now}};
}

json CourseReportToJson(const clinical::CourseReport& report) {
  json outcomes = json::object();
  for (const clinical::ScaleOutcome& o : report.outcomes.scales) {
    outcomes[clinical::GetScaleInfo(o.scale).name] = ScaleOutcomeToJson(o);
  }
  const clinical::NextInfusion& n = report.next_infusion;
  const clinical::SeriesProgress& s = report.series;
  const clinical::InductionPlan& p = report.plan;
  json proposed = json::array();
  for (Instant at : p.proposed) proposed.push_back(FormatRfc3339(at));
  const clinical::EscalationSuggestion& e = report.escalation;
  const clinical::MaintenanceSuggestion& m = report.maintenance;
  json maintenance = {{"available", m.available}};
  if (m.available) {
    maintenance.update({{"method", clinical::MaintenanceMethodName(m.method)},
                        {"observations", m.observations},
                        {"confidence", m.confidence},
                        {"shortest_relief_days", OrNull(m.shortest_relief_days)},
                        {"median_relief_days", OrNull(m.median_relief_days)},
                        {"interval_days", m.interval_days},
                        {"latest_interval_days", m.latest_interval_days},
                        {"from", FormatRfc3339(m.from)},
                        {"suggested_at", FormatRfc3339(m.suggested_at)},
                        {"latest_at", FormatRfc3339(m.latest_at)},
                        {"explanation", m.explanation}});
  } else {
    maintenance["reason"] = m.reason;
  }
  return {
      {"at", FormatRfc3339(report.at)},
      {"protocol_versions",
       {{"outcomes", report.outcome_protocol_version}, {"course", report.course_protocol_version}}},
      {"primary_scale", clinical::GetScaleInfo(report.primary_scale).name},
      {"primary_scale_basis", report.primary_scale_basis},
      {"outcomes", outcomes},
      {"next_infusion",
       {{"last_start", TimeOrNull(n.last_start)},
        {"earliest_hard_at", TimeOrNull(n.hard_allowed_at)},
        {"earliest_soft_at", TimeOrNull(n.soft_allowed_at)},
        {"status_at", clinical::IntervalStatusName(n.status_at)}}},
      {"series",
       {{"status", clinical::SeriesStatusName(s.status)},
        {"given", s.given},
        {"planned", s.planned},
        {"span_days", OrNull(s.span_days)},
        {"days_since_last", OrNull(s.days_since_last)}}},
      {"induction_plan",
       {{"applies", p.applies},
        {"note", p.note},
        {"proposed", proposed},
        {"window_ends_at", TimeOrNull(p.window_ends_at)},
        {"fits_window", p.fits_window}}},
      {"escalation",
       {{"status", clinical::EscalationStatusName(e.status)},
        {"current_mg_per_kg", OrNull(e.current_mg_per_kg)},
        {"infusions_at_current", e.infusions_at_current},
        {"next_mg_per_kg", OrNull(e.next_mg_per_kg)},
        {"reason", e.reason}}},
      {"maintenance", maintenance},
      {"findings", FindingsToJson(report.findings)}};
}

}  // namespace ketaclinic::clinical_json
