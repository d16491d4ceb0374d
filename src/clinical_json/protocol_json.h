#ifndef KETACLINIC_CLINICAL_JSON_PROTOCOL_JSON_H_
#define KETACLINIC_CLINICAL_JSON_PROTOCOL_JSON_H_

// The protocol file (docs/formats/protocol-file.md; decision 0006): one JSON document with a
// required "version", optional "title", "approved_by", "approved_on", and one object per
// section ("eligibility", "pre_infusion", "dosing", "session", "discharge", "outcomes",
// "course") holding only the keys the clinic changes. Absent keys keep the defaults of
// clinical.md §6; unknown keys are errors (a misspelled threshold must never fall back to the
// default silently).

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"

#include "clinical/protocol.h"

namespace ketaclinic::clinical_json {

// Reads a protocol over clinical::DefaultProtocol(), stamps its version into every section and
// validates it whole (clinical::ValidateProtocol). Every problem at once, each named by its key
// path ("session.sbp_pause_mmhg").
Result<clinical::Protocol> ParseProtocol(const nlohmann::json& root);
// The same from the file's text; malformed JSON is one problem named "(json)".
Result<clinical::Protocol> ParseProtocolText(std::string_view text);

// The effective protocol: every key of every section, in the file's shape (so `protocol show
// --format json > file` gives a file that `protocol check` accepts and that means the same).
nlohmann::json ProtocolToJson(const clinical::Protocol& protocol);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_PROTOCOL_JSON_H_
