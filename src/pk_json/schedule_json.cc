#include "pk_json/schedule_json.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/validation.h"

#include "json/json_reader.h"

namespace ketaclinic::pk_json {
namespace {

using json_read::ObjectReader;
using nlohmann::json;

constexpr double kMinPerHour = 60;
// Stands for a value the file lacks or got wrong: the problem is reported already, and
// ValidateSchedule's repeat of it ("must be a finite number") is dropped.
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

constexpr const char* kRateFields = "rate_mg_per_min, rate_mg_per_h or dose_mg";

// Where a built bolus or infusion came from, to report pk::ValidateSchedule's problems
// ("infusions[1].rate_mg_per_min") in the file's terms ("events[3].dose_mg").
struct EventSource {
  explicit EventSource(size_t index) : event_index(index) {}

  size_t event_index;
  std::string duration_field = "duration_min";  // or "end_min"
  std::string rate_field = "rate_mg_per_min";   // or "rate_mg_per_h", "dose_mg"
};

std::string EventPath(size_t index) { return "events[" + std::to_string(index) + "]"; }

class ScheduleParser {
 public:
  explicit ScheduleParser(Validator& v) : v_(v) {}

  pk::Schedule Parse(const json& root);

 private:
  void ReadEvent(const json& event, size_t index);
  void ReadBolus(ObjectReader& reader, size_t index);
  void ReadInfusion(ObjectReader& reader, size_t index);
  // Adds pk::ValidateSchedule's problems, renamed to the events they came from, except those
  // that repeat a problem already reported.
  void MergeScheduleProblems(const Error& error);

  Validator& v_;
  pk::Schedule schedule_;
  std::vector<EventSource> bolus_sources_, infusion_sources_;
};

pk::Schedule ScheduleParser::Parse(const json& root) {
  ObjectReader reader(root, "", v_);
  reader.RejectUnknown({"events"}, "a schedule file");
  const json* events = reader.Array("events");
  if (events == nullptr) {
    if (!reader.Has("events")) {
      v_.Add({"events", "is required: a list of bolus and infusion events"});
    }
    return schedule_;
  }
  if (events->empty()) v_.Add({"events", "must list at least one bolus or infusion"});
  for (size_t i = 0; i < events->size(); ++i) ReadEvent((*events)[i], i);
  if (auto status = pk::ValidateSchedule(schedule_); !status) {
    MergeScheduleProblems(status.error());
  }
  return schedule_;
}

void ScheduleParser::ReadEvent(const json& event, size_t index) {
  if (!event.is_object()) {
    v_.Add({EventPath(index),
            "must be an object ({\"type\": ...}), got " + json_read::TypeName(event)});
    return;
  }
  ObjectReader reader(event, EventPath(index), v_);
  auto type = reader.String("type");
  if (!type) {
    if (!reader.Has("type")) {
      v_.Add({reader.Field("type"), "is required: \"bolus\" or \"infusion\""});
    }
    return;
  }
  if (*type == "bolus") {
    ReadBolus(reader, index);
  } else if (*type == "infusion") {
    ReadInfusion(reader, index);
  } else {
    v_.Add({reader.Field("type"),
            "must be \"bolus\" or \"infusion\", got " +
                json(*type).dump(-1, ' ', false, json::error_handler_t::replace)});
  }
}

void ScheduleParser::ReadBolus(ObjectReader& reader, size_t index) {
  reader.RejectUnknown({"type", "at_min", "dose_mg"}, "a bolus event");
  pk::Bolus bolus{kMissing, kMissing};
  if (auto at = reader.Number("at_min")) {
    bolus.at_min = *at;
  } else if (!reader.Has("at_min")) {
    v_.Add({reader.Field("at_min"), "is required: minutes from time zero"});
  }
  if (auto dose = reader.Number("dose_mg")) {
    bolus.dose_mg = *dose;
  } else if (!reader.Has("dose_mg")) {
    v_.Add({reader.Field("dose_mg"), "is required"});
  }
  schedule_.boluses.push_back(bolus);
  bolus_sources_.emplace_back(index);
}

void ScheduleParser::ReadInfusion(ObjectReader& reader, size_t index) {
  reader.RejectUnknown({"type", "start_min", "duration_min", "end_min", "rate_mg_per_min",
                        "rate_mg_per_h", "dose_mg"},
                       "an infusion event");
  pk::Infusion infusion{kMissing, kMissing, kMissing};
  EventSource source(index);

  const auto start = reader.Number("start_min");
  if (start) {
    infusion.start_min = *start;
  } else if (!reader.Has("start_min")) {
    v_.Add({reader.Field("start_min"), "is required: minutes from time zero"});
  }

  // How long: duration_min or end_min.
  const bool has_duration = reader.Has("duration_min");
  const bool has_end = reader.Has("end_min");
  const auto duration = reader.Number("duration_min");
  const auto end = reader.Number("end_min");
  if (has_duration && has_end) {
    v_.Add({reader.Field("end_min"),
            "conflicts with duration_min: give either duration_min or end_min, not both"});
  } else if (!has_duration && !has_end) {
    v_.Add({reader.Field("duration_min"), "is required: give duration_min or end_min"});
  }
  if (has_duration) {
    if (duration) infusion.duration_min = *duration;
  } else if (has_end) {
    source.duration_field = "end_min";
    if (end && start) {
      if (*end > *start) {
        infusion.duration_min = *end - *start;
      } else {
        v_.Add({reader.Field("end_min"), "must be after start_min (" + FormatNumber(*start) +
                                             " min), got " + FormatNumber(*end)});
      }
    }
  }

  // How much: one of the rate forms or the total dose.
  std::vector<std::string> given;
  for (const char* field : {"rate_mg_per_min", "rate_mg_per_h", "dose_mg"}) {
    if (reader.Has(field)) given.push_back(field);
  }
  if (given.empty()) {
    v_.Add({reader.Field("rate_mg_per_min"),
            std::string("is required: give one of ") + kRateFields + " (the total dose)"});
  }
  for (size_t i = 1; i < given.size(); ++i) {
    v_.Add({reader.Field(given[i]),
            "conflicts with " + given[0] + ": give only one of " + kRateFields});
  }
  // Read every one given, so that each is type-checked; the first one decides.
  std::optional<double> amount;
  for (size_t i = 0; i < given.size(); ++i) {
    auto value = reader.Number(given[i]);
    if (i == 0) amount = value;
  }
  if (!given.empty()) source.rate_field = given[0];
  if (amount) {
    if (source.rate_field == "rate_mg_per_min") {
      infusion.rate_mg_per_min = *amount;
    } else if (v_.Positive(reader.Field(source.rate_field), *amount)) {
      // Converted forms are checked in the file's own unit first: "-60 mg/h" beats "-1 mg/min".
      infusion.rate_mg_per_min = source.rate_field == "rate_mg_per_h"
                                     ? *amount / kMinPerHour
                                     : *amount / infusion.duration_min;  // NaN without duration
    }
  }
  schedule_.infusions.push_back(infusion);
  infusion_sources_.push_back(source);
}

// "infusions[2].rate_mg_per_min" -> ("infusions", 2, "rate_mg_per_min").
struct IndexedField {
  std::string list;
  size_t index = 0;
  std::string member;
};

std::optional<IndexedField> SplitIndexedField(const std::string& field) {
  const size_t open = field.find('[');
  const size_t close = field.find("].", open);
  if (open == std::string::npos || close == std::string::npos || close == open + 1) {
    return std::nullopt;
  }
  size_t index = 0;
  const char* first = field.data() + open + 1;
  const char* last = field.data() + close;
  const auto [end, error] = std::from_chars(first, last, index);
  if (error != std::errc() || end != last) return std::nullopt;
  return IndexedField{field.substr(0, open), index, field.substr(close + 2)};
}

void ScheduleParser::MergeScheduleProblems(const Error& error) {
  std::set<std::string> reported = json_read::FieldsWithProblems(v_);
  for (const FieldProblem& problem : error.problems()) {
    const std::optional<IndexedField> split = SplitIndexedField(problem.field);
    const std::vector<EventSource>* sources = nullptr;
    if (split && split->list == "boluses") sources = &bolus_sources_;
    if (split && split->list == "infusions") sources = &infusion_sources_;
    if (!split || sources == nullptr || split->index >= sources->size()) {
      v_.Add(problem);  // not expected: ValidateSchedule names every event
      continue;
    }
    const EventSource& source = (*sources)[split->index];
    const std::string path = EventPath(source.event_index) + ".";
    std::string member = split->member;
    std::string reason = problem.reason;
    // The file's fields the value ValidateSchedule judged was computed from. A derived value is
    // wrong whenever one of them is already reported wrong: say so once, at the source.
    std::vector<std::string> inputs;
    if (sources == &infusion_sources_ && member == "duration_min" &&
        source.duration_field == "end_min") {
      member = "end_min";
      inputs = {"start_min", "end_min"};
    } else if (sources == &infusion_sources_ && member == "rate_mg_per_min" &&
               source.rate_field == "rate_mg_per_h") {
      member = "rate_mg_per_h";
      reason += " (as rate_mg_per_min = rate_mg_per_h / 60)";
    } else if (sources == &infusion_sources_ && member == "rate_mg_per_min" &&
               source.rate_field == "dose_mg") {
      member = "dose_mg";
      reason += " (as rate_mg_per_min = dose_mg / duration)";
      inputs = {source.duration_field};
      if (source.duration_field == "end_min") inputs.push_back("start_min");
    }
    inputs.push_back(member);
    const bool repeats = std::any_of(inputs.begin(), inputs.end(), [&](const std::string& input) {
      return reported.count(path + input) > 0;
    });
    if (repeats) continue;
    reported.insert(path + member);
    v_.Add({path + member, reason});
  }
}

}  // namespace

Result<pk::Schedule> ParseSchedule(std::string_view json_text) {
  auto root = json_read::ParseJsonText(json_text, "invalid schedule");
  if (!root) return tl::unexpected(root.error());
  Validator v("invalid schedule");
  if (!root->is_object()) {
    v.Add({std::string(json_read::kJsonField),
           "a schedule file must be a JSON object ({\"events\": [...]}), got " +
               json_read::TypeName(*root)});
    return tl::unexpected(v.Finish().error());
  }
  ScheduleParser parser(v);
  pk::Schedule schedule = parser.Parse(*root);
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());
  return schedule;
}

json ScheduleToJson(const pk::Schedule& schedule) {
  json events = json::array();
  for (const pk::Bolus& bolus : schedule.boluses) {
    events.push_back({{"type", "bolus"}, {"at_min", bolus.at_min}, {"dose_mg", bolus.dose_mg}});
  }
  for (const pk::Infusion& infusion : schedule.infusions) {
    events.push_back({{"type", "infusion"},
                      {"start_min", infusion.start_min},
                      {"duration_min", infusion.duration_min},
                      {"rate_mg_per_min", infusion.rate_mg_per_min}});
  }
  return json{{"events", std::move(events)}};
}

}  // namespace ketaclinic::pk_json
