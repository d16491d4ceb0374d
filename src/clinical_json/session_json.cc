#include "clinical_json/session_json.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/validation.h"

#include "clinical_json/checks_json.h"
#include "clinical_json/checks_protocol_json.h"
#include "clinical_json/finding_json.h"
#include "clinical_json/session_protocol_json.h"
#include "json/json_reader.h"

namespace ketaclinic::clinical_json {

using json_read::ObjectReader;
using nlohmann::json;

namespace {

using clinical::SessionEventType;

std::string Index(const std::string& field, size_t i) {
  return field + "[" + std::to_string(i) + "]";
}

// A value the file must have: the problem names it and says what it is for.
void Required(ObjectReader& r, Validator& v, const char* key, const char* why) {
  if (!r.Has(key)) v.Add({r.Field(key), std::string("is required: ") + why});
}

std::optional<double> OptionalNumber(ObjectReader& r, const char* key) {
  if (r.IsNull(key)) return std::nullopt;
  return r.Number(key);
}

// {"user_id": "n.okafor", "role": "nurse"}.
std::optional<clinical::Clinician> ReadClinician(const json& object, const std::string& path,
                                                 Validator& v) {
  if (!object.is_object()) {
    v.Add({path, "must be an object {\"user_id\": ..., \"role\": ...}, got " +
                     json_read::TypeName(object)});
    return std::nullopt;
  }
  ObjectReader r(object, path, v);
  r.RejectUnknown({"user_id", "role"}, "a clinician");
  clinical::Clinician clinician;
  auto user = r.String("user_id");
  Required(r, v, "user_id", "who recorded the event");
  auto role = r.String("role");
  Required(r, v, "role", "physician, nurse or front-desk");
  if (!user || !role) return std::nullopt;
  auto parsed = clinical::ParseRole(*role, r.Field("role"));
  if (!parsed) {
    v.Merge(parsed.error(), "");
    return std::nullopt;
  }
  clinician.user_id = *user;
  clinician.role = *parsed;
  return clinician;
}

class ReplayParser {
 public:
  ReplayParser(const std::string& path, const ReplayProtocols& base, Validator& v)
      : path_(path), v_(v) {
    input_.session_protocol = base.session;
    input_.pre_infusion_protocol = base.pre_infusion;
    input_.discharge_protocol = base.discharge;
  }

  clinical::ReplayInput Parse(const json& root) {
    if (!root.is_object()) {
      v_.Add({path_.empty() ? std::string(json_read::kJsonField) : path_,
              "must be an object, got " + json_read::TypeName(root)});
      return input_;
    }
    ObjectReader r(root, path_, v_);
    r.RejectUnknown({"setup", "protocol", "default_by", "events"}, "a session replay file");
    if (const json* setup = r.Object("setup")) {
      ReadSetup(*setup, r.Field("setup"));
    } else {
      Required(r, v_, "setup", "the planned dose, the bag and the rate");
    }
    if (const json* protocol = r.Object("protocol")) ReadProtocol(*protocol, r.Field("protocol"));
    if (const json* by = r.Object("default_by")) {
      default_by_ = ReadClinician(*by, r.Field("default_by"), v_);
    }
    if (const json* events = r.Array("events")) {
      input_.events.reserve(events->size());
      for (size_t i = 0; i < events->size(); ++i) {
        ReadEvent((*events)[i], Index(r.Field("events"), i));
      }
    } else {
      Required(r, v_, "events", "the timeline of the session");
    }
    return input_;
  }

 private:
  void ReadSetup(const json& object, const std::string& path) {
    ObjectReader r(object, path, v_);
    r.RejectUnknown({"planned_dose_mg", "bag_volume_ml", "concentration_mg_per_ml",
                     "planned_duration_min", "planned_rate_ml_per_h", "weight_kg"},
                    "the setup");
    clinical::InfusionSetup& s = input_.setup;
    const auto dose = r.Number("planned_dose_mg");
    Required(r, v_, "planned_dose_mg", "the dose ordered, in mg");
    const auto volume = r.Number("bag_volume_ml");
    Required(r, v_, "bag_volume_ml", "the total volume in the bag, in mL");
    const auto concentration = OptionalNumber(r, "concentration_mg_per_ml");
    const auto duration = OptionalNumber(r, "planned_duration_min");
    const auto rate = OptionalNumber(r, "planned_rate_ml_per_h");
    s.weight_kg = OptionalNumber(r, "weight_kg");
    const bool has_duration = r.Has("planned_duration_min") && !r.IsNull("planned_duration_min");
    const bool has_rate = r.Has("planned_rate_ml_per_h") && !r.IsNull("planned_rate_ml_per_h");
    if (has_duration && has_rate) {
      v_.Add({r.Field("planned_rate_ml_per_h"),
              "conflicts with planned_duration_min: give one of them"});
    } else if (!has_duration && !has_rate) {
      v_.Add({r.Field("planned_duration_min"),
              "is required: give planned_duration_min or planned_rate_ml_per_h"});
    }
    if (!dose || !volume) return;
    s.planned_dose_mg = *dose;
    s.bag_volume_ml = *volume;
    // Without a concentration, the planned dose is all the bag holds.
    s.concentration_mg_per_ml = concentration.value_or(*volume > 0 ? *dose / *volume : 0);
    if (rate) s.planned_rate_ml_per_h = *rate;
    if (duration) {
      if (*duration <= 0) {
        v_.Add({r.Field("planned_duration_min"), "must be positive"});
        return;
      }
      if (s.concentration_mg_per_ml > 0) {
        // The pump runs the planned dose's volume over the duration.
        s.planned_rate_ml_per_h = s.planned_dose_mg / s.concentration_mg_per_ml / *duration * 60;
      }
    }
    if (Status status = clinical::ValidateInfusionSetup(s); !status) {
      const std::set<std::string> already = json_read::FieldsWithProblems(v_);
      for (const FieldProblem& p : status.error().problems()) {
        std::string field = json_read::JoinPath(path, p.field);
        // A rate computed from a duration (or missing with it) is reported against the
        // duration.
        if (p.field == "planned_rate_ml_per_h" && !has_rate) {
          field = json_read::JoinPath(path, "planned_duration_min");
        }
        if (already.count(field) == 0) v_.Add({field, p.reason});
      }
    }
  }

  void ReadProtocol(const json& object, const std::string& path) {
    ObjectReader r(object, path, v_);
    r.RejectUnknown({"version", "session", "pre_infusion", "discharge"}, "the protocol overrides");
    const auto version = r.String("version");
    // A session records the protocol version it ran under: changed thresholds need their own.
    Required(r, v_, "version", "a replay that overrides the protocol names its version");
    if (const json* s = r.Object("session")) {
      input_.session_protocol =
          ReadSessionProtocol(*s, r.Field("session"), input_.session_protocol, v_);
    }
    if (const json* s = r.Object("pre_infusion")) {
      input_.pre_infusion_protocol =
          ReadPreInfusionProtocol(*s, r.Field("pre_infusion"), input_.pre_infusion_protocol, v_);
    }
    if (const json* s = r.Object("discharge")) {
      input_.discharge_protocol =
          ReadDischargeProtocol(*s, r.Field("discharge"), input_.discharge_protocol, v_);
    }
    if (version) {
      input_.session_protocol.version = *version;
      input_.pre_infusion_protocol.version = *version;
      input_.discharge_protocol.version = *version;
    }
    const std::set<std::string> already = json_read::FieldsWithProblems(v_);
    auto merge = [&](const Status& status, const char* section) {
      if (status) return;
      for (const FieldProblem& p : status.error().problems()) {
        const std::string field = json_read::JoinPath(json_read::JoinPath(path, section), p.field);
        if (already.count(field) == 0) v_.Add({field, p.reason});
      }
    };
    merge(clinical::ValidateSessionProtocol(input_.session_protocol), "session");
    merge(clinical::ValidatePreInfusionProtocol(input_.pre_infusion_protocol), "pre_infusion");
    merge(clinical::ValidateDischargeProtocol(input_.discharge_protocol), "discharge");
  }

  void ReadEvent(const json& object, const std::string& path) {
    if (!object.is_object()) {
      v_.Add({path, "must be an object {\"type\": ..., \"at\": ...}, got " +
                        json_read::TypeName(object)});
      return;
    }
    ObjectReader r(object, path, v_);
    clinical::ReplayEvent e;
    const auto type_name = r.String("type");
    Required(r, v_, "type", "what happened (check_in, start, vitals, ...)");
    const auto at = r.Time("at");
    Required(r, v_, "at", "when it happened (RFC 3339 with a zone)");
    if (const json* by = r.Object("by")) {
      if (auto actor = ReadClinician(*by, r.Field("by"), v_)) e.actor = *actor;
    } else if (!r.Has("by")) {
      if (default_by_) {
        e.actor = *default_by_;
      } else {
        v_.Add({r.Field("by"), "is required: who recorded the event (or give default_by)"});
      }
    }
    if (at) e.at = *at;
    if (!type_name) return;
    auto type = clinical::ParseSessionEventType(*type_name, r.Field("type"));
    if (!type) {
      v_.Merge(type.error(), "");
      return;
    }
    e.type = *type;
    ReadPayload(r, e);
    input_.events.push_back(std::move(e));
  }

  void ReadPayload(ObjectReader& r, clinical::ReplayEvent& e) {
    switch (e.type) {
      case SessionEventType::kCheckIn:
      case SessionEventType::kComplete:
      case SessionEventType::kRecovery:
      case SessionEventType::kDischarge:
        r.RejectUnknown({"type", "at", "by"}, "this event");
        break;
      case SessionEventType::kPreChecks:
        r.RejectUnknown({"type", "at", "by", "data"}, "a pre_checks event");
        ReadPreChecks(r, e);
        break;
      case SessionEventType::kStart:
      case SessionEventType::kResume:
        r.RejectUnknown({"type", "at", "by", "rate_ml_per_h"}, "this event");
        e.rate_ml_per_h = OptionalNumber(r, "rate_ml_per_h");
        break;
      case SessionEventType::kRateChange:
        r.RejectUnknown({"type", "at", "by", "rate_ml_per_h"}, "a rate_change event");
        e.rate_ml_per_h = r.Number("rate_ml_per_h");
        Required(r, v_, "rate_ml_per_h", "the new pump rate");
        break;
      case SessionEventType::kVitals:
        r.RejectUnknown({"type", "at", "by", "systolic_mmhg", "diastolic_mmhg", "heart_rate_bpm",
                         "spo2_percent", "resp_rate_per_min", "on_room_air"},
                        "a vitals event");
        e.vitals.systolic_mmhg = OptionalNumber(r, "systolic_mmhg");
        e.vitals.diastolic_mmhg = OptionalNumber(r, "diastolic_mmhg");
        e.vitals.heart_rate_bpm = OptionalNumber(r, "heart_rate_bpm");
        e.vitals.spo2_percent = OptionalNumber(r, "spo2_percent");
        e.vitals.resp_rate_per_min = OptionalNumber(r, "resp_rate_per_min");
        if (auto room_air = r.Bool("on_room_air")) e.vitals.on_room_air = *room_air;
        break;
      case SessionEventType::kScore:
        r.RejectUnknown({"type", "at", "by", "scale", "items"}, "a score event");
        ReadScore(r, e);
        break;
      case SessionEventType::kSideEffect:
        r.RejectUnknown(
            {"type", "at", "by", "kind", "grade", "onset", "resolved_at", "treatment", "serious"},
            "a side_effect event");
        ReadSideEffect(r, e);
        break;
      case SessionEventType::kPause:
        r.RejectUnknown({"type", "at", "by", "reason"}, "a pause event");
        if (auto reason = r.String("reason")) e.reason = *reason;
        break;
      case SessionEventType::kStop:
      case SessionEventType::kCancel:
        r.RejectUnknown({"type", "at", "by", "reason"}, "this event");
        if (auto reason = r.String("reason")) e.reason = *reason;
        Required(r, v_, "reason", "why");
        break;
      case SessionEventType::kDischargeCheck:
        r.RejectUnknown({"type", "at", "by", "data"}, "a discharge_check event");
        ReadDischargeCheck(r, e);
        break;
    }
  }

  void ReadPreChecks(ObjectReader& r, clinical::ReplayEvent& e) {
    const json* data = r.Object("data");
    if (data == nullptr) {
      Required(r, v_, "data", "what the nurse recorded (docs/formats/check-files.md)");
      return;
    }
    const std::string field = r.Field("data");
    if (data->contains("at")) {
      v_.Add({json_read::JoinPath(field, "at"),
              "is not used here: the event's \"at\" is the moment of the check"});
    }
    auto check = ParsePreInfusionCheck(*data, field);
    if (!check) {
      const std::set<std::string> already = json_read::FieldsWithProblems(v_);
      for (const FieldProblem& p : check.error().problems()) {
        if (already.count(p.field) == 0) v_.Add(p);
      }
      return;
    }
    e.pre_checks = check->input;
  }

  void ReadScore(ObjectReader& r, clinical::ReplayEvent& e) {
    if (auto name = r.String("scale")) {
      if (auto scale = clinical::ParseScaleName(*name)) {
        e.scale = *scale;
      } else {
        v_.Add({r.Field("scale"), scale.error().problems().empty()
                                      ? scale.error().message()
                                      : scale.error().problems()[0].reason});
      }
    }
    Required(r, v_, "scale", "moaas, cadss or cadss6");
    const json* items = r.Array("items");
    Required(r, v_, "items", "the item responses in questionnaire order");
    if (items == nullptr) return;
    e.items.reserve(items->size());
    for (size_t i = 0; i < items->size(); ++i) {
      const json& item = (*items)[i];
      const double value = item.is_number() ? item.get<double>() : 0.5;
      if (!item.is_number() || !std::isfinite(value) || value != std::floor(value)) {
        v_.Add({Index(r.Field("items"), i),
                "must be a whole number, got " +
                    (item.is_number() ? FormatNumber(value) : json_read::TypeName(item))});
        continue;
      }
      // Out-of-range items are the scale's to judge (a rejected event), as long as they fit.
      e.items.push_back(static_cast<int>(std::clamp(value, -1000.0, 1000.0)));
    }
  }

  void ReadSideEffect(ObjectReader& r, clinical::ReplayEvent& e) {
    clinical::SideEffect& s = e.side_effect;
    if (auto kind = r.String("kind")) {
      if (auto parsed = clinical::ParseSideEffectKind(*kind, r.Field("kind"))) {
        s.kind = *parsed;
      } else {
        v_.Merge(parsed.error(), "");
      }
    }
    Required(r, v_, "kind", "nausea, vomiting, headache, ... (docs/SESSION.md)");
    if (auto grade = r.Integer("grade", -1000, 1000)) s.grade = *grade;
    Required(r, v_, "grade", "1-5");
    // Without an onset, it began when it was recorded.
    s.onset = r.Time("onset").value_or(e.at);
    if (!r.IsNull("resolved_at")) s.resolved_at = r.Time("resolved_at");
    if (auto treatment = r.String("treatment")) s.treatment = *treatment;
    if (auto serious = r.Bool("serious")) s.serious = *serious;
  }

  void ReadDischargeCheck(ObjectReader& r, clinical::ReplayEvent& e) {
    const json* data = r.Object("data");
    if (data == nullptr) {
      Required(r, v_, "data", "the discharge checklist");
      return;
    }
    ObjectReader d(*data, r.Field("data"), v_);
    d.RejectUnknown(
        {"ambulates_safely", "nausea_controlled", "escort_verified", "instructions_given"},
        "a discharge checklist (the session supplies the infusion end, vitals and MOAA/S)");
    auto flag = [&](const char* key, bool& target) {
      if (auto value = d.Bool(key)) target = *value;
      Required(d, v_, key, "true or false");
    };
    flag("ambulates_safely", e.discharge.ambulates_safely);
    flag("nausea_controlled", e.discharge.nausea_controlled);
    flag("escort_verified", e.discharge.escort_verified);
    flag("instructions_given", e.discharge.instructions_given);
  }

  std::string path_;
  Validator& v_;
  clinical::ReplayInput input_;
  std::optional<clinical::Clinician> default_by_;
};

double RoundMg(double mg) { return std::round(mg * 1e4) / 1e4; }

json TimeOrNull(const std::optional<Instant>& t) {
  return t ? json(FormatRfc3339(*t)) : json(nullptr);
}

}  // namespace

Result<clinical::ReplayInput> ParseSessionReplay(const json& root, const std::string& path,
                                                 const ReplayProtocols& base) {
  Validator v("invalid session replay file");
  ReplayParser parser(path, base, v);
  clinical::ReplayInput input = parser.Parse(root);
  if (Status status = v.Finish(); !status) return tl::unexpected(status.error());
  return input;
}

Result<clinical::ReplayInput> ParseSessionReplayText(std::string_view text,
                                                     const ReplayProtocols& base) {
  auto root = json_read::ParseJsonText(text, "invalid session replay file");
  if (!root) return tl::unexpected(root.error());
  return ParseSessionReplay(*root, "", base);
}

json RaisedAlarmToJson(const clinical::RaisedAlarm& alarm) {
  return {{"rule", alarm.rule_id},
          {"level", clinical::AlarmLevelName(alarm.level)},
          {"message", alarm.message},
          {"action", alarm.action},
          {"source", alarm.source}};
}

json ReplayResultToJson(const clinical::ReplayResult& result) {
  json events = json::array();
  for (const clinical::ReplayStep& step : result.steps) {
    json alarms = json::array();
    for (const clinical::RaisedAlarm& a : step.alarms) alarms.push_back(RaisedAlarmToJson(a));
    events.push_back({{"index", step.index},
                      {"at", FormatRfc3339(step.at)},
                      {"type", clinical::SessionEventTypeName(step.type)},
                      {"accepted", step.accepted},
                      {"rejection", step.accepted ? json(nullptr) : json(step.rejection)},
                      {"state", clinical::SessionStateName(step.state)},
                      {"delivered_mg", RoundMg(step.delivered_mg)},
                      {"rate_ml_per_h", step.rate_ml_per_h},
                      {"alarms", alarms},
                      {"findings", FindingsToJson(step.findings)}});
  }
  json segments = json::array();
  for (const clinical::DeliveredSegment& s : result.segments) {
    segments.push_back({{"start", FormatRfc3339(s.start)},
                        {"end", FormatRfc3339(s.end)},
                        {"rate_ml_per_h", s.rate_ml_per_h},
                        {"rate_mg_per_min", s.rate_mg_per_min},
                        {"dose_mg", RoundMg(s.dose_mg)}});
  }
  json side_effects = json::array();
  for (const clinical::SideEffect& s : result.side_effects) {
    side_effects.push_back({{"kind", clinical::SideEffectKindName(s.kind)},
                            {"grade", s.grade},
                            {"onset", FormatRfc3339(s.onset)},
                            {"resolved_at", TimeOrNull(s.resolved_at)},
                            {"treatment", s.treatment},
                            {"serious", s.serious}});
  }
  const json per_kg = result.delivered_mg_per_kg
                          ? json(std::round(*result.delivered_mg_per_kg * 1e4) / 1e4)
                          : json(nullptr);
  return {{"events", events},
          {"final",
           {{"state", clinical::SessionStateName(result.final_state)},
            {"planned_dose_mg", result.planned_dose_mg},
            {"delivered_mg", RoundMg(result.delivered_mg)},
            {"delivered_mg_per_kg", per_kg},
            {"infusion_start", TimeOrNull(result.infusion_start)},
            {"infusion_end", TimeOrNull(result.infusion_end)},
            {"segments", segments},
            {"side_effects", side_effects},
            {"rejected", result.rejected},
            {"warnings", result.warnings},
            {"criticals", result.criticals},
            {"protocol_version", result.protocol_version}}}};
}

}  // namespace ketaclinic::clinical_json
