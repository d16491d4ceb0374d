#ifndef KETACLINIC_CLINICAL_JSON_SESSION_JSON_H_
#define KETACLINIC_CLINICAL_JSON_SESSION_JSON_H_

// Session replay files (docs/formats/session-replay-file.md): what was infused and the timeline
// of a session's events, replayed through the session state machine and the vitals rules
// (clinical/session.h ReplaySession).
//
//   {"setup": {"planned_dose_mg": 35, "bag_volume_ml": 100, "planned_duration_min": 40},
//    "default_by": {"user_id": "n.okafor", "role": "nurse"},
//    "events": [{"type": "check_in", "at": "2026-11-30T09:00:00Z"}, ...]}
//
// A file error (wrong type, unknown or missing key, unknown event type or scale, a time without
// a zone) makes the whole file invalid. A value the session judges (an implausible reading, a
// grade of 7, an event in the wrong state) is not a file error: the replay reports that event
// as rejected and goes on.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"

#include "clinical/discharge_protocol.h"
#include "clinical/pre_infusion_protocol.h"
#include "clinical/session.h"
#include "clinical/session_protocol.h"

namespace ketaclinic::clinical_json {

// The protocol sections a replay runs under before the file's own "protocol" overrides.
struct ReplayProtocols {
  clinical::SessionProtocol session;
  clinical::PreInfusionProtocol pre_infusion;
  clinical::DischargeProtocol discharge;
};

// Parses a replay file object. Every problem at once, each named by its JSON path under `path`
// ("" at the top level, "input" in a scenario): "events[3].systolic_mmhg". The setup and the
// protocol sections are validated too (ValidateInfusionSetup, Validate*Protocol).
Result<clinical::ReplayInput> ParseSessionReplay(const nlohmann::json& root,
                                                 const std::string& path,
                                                 const ReplayProtocols& base = {});

// The same from JSON text (a file's contents); malformed text is a "(json)" problem.
Result<clinical::ReplayInput> ParseSessionReplayText(std::string_view text,
                                                     const ReplayProtocols& base = {});

// {"rule", "level", "message", "action", "source"}.
nlohmann::json RaisedAlarmToJson(const clinical::RaisedAlarm& alarm);

// {"events": [{"index", "at", "type", "accepted", "rejection", "state", "delivered_mg",
//   "rate_ml_per_h", "alarms": [...], "findings": [...]}],
//  "final": {"state", "planned_dose_mg", "delivered_mg", "delivered_mg_per_kg",
//   "infusion_start", "infusion_end", "segments": [...], "side_effects": [...], "rejected",
//   "warnings", "criticals", "protocol_version"}}
// Milligrams are rounded to 0.0001 mg for reading; nothing is computed from the JSON.
nlohmann::json ReplayResultToJson(const clinical::ReplayResult& result);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_SESSION_JSON_H_
