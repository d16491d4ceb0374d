#include "clinical_json/protocol_json.h"

#include <set>
#include <string>

#include "base/validation.h"

#include "clinical_json/checks_protocol_json.h"
#include "clinical_json/dose_protocol_json.h"
#include "clinical_json/eligibility_protocol_json.h"
#include "clinical_json/outcome_protocol_json.h"
#include "clinical_json/session_protocol_json.h"
#include "json/json_reader.h"

namespace ketaclinic::clinical_json {

using json_read::ObjectReader;
using nlohmann::json;

namespace {

constexpr const char* kMessage = "invalid protocol";

// Reads one section over its default when present.
template <typename Section, typename Reader>
void ReadSection(ObjectReader& reader, Validator& v, const char* key, Section& target,
                 Reader read) {
  if (!reader.Has(key)) return;
  const json* section = reader.Object(key);
  if (section == nullptr) return;  // wrong type: the reader recorded it
  target = read(*section, std::string(key), target, v);
}

}  // namespace

Result<clinical::Protocol> ParseProtocol(const json& root) {
  Validator v(kMessage);
  clinical::Protocol p = clinical::DefaultProtocol();
  if (!root.is_object()) {
    v.Add({"", "a protocol file must be a JSON object, got " + json_read::TypeName(root)});
    return tl::unexpected(v.Finish().error());
  }
  ObjectReader reader(root, "", v);
  reader.RejectUnknown({"version", "title", "approved_by", "approved_on", "eligibility",
                        "pre_infusion", "dosing", "session", "discharge", "outcomes", "course"},
                       "a protocol file");
  if (auto version = reader.String("version")) {
    p.version = *version;
  } else if (!reader.Has("version")) {
    v.Add({"version", "is required: every decision records the protocol version it used"});
  }
  if (auto title = reader.String("title")) p.title = *title;
  if (auto by = reader.String("approved_by")) p.approved_by = *by;
  if (auto on = reader.String("approved_on")) p.approved_on = *on;

  ReadSection(reader, v, "eligibility", p.eligibility, ReadEligibilityProtocol);
  ReadSection(reader, v, "pre_infusion", p.pre_infusion, ReadPreInfusionProtocol);
  ReadSection(reader, v, "dosing", p.dosing, ReadDoseProtocol);
  ReadSection(reader, v, "session", p.session, ReadSessionProtocol);
  ReadSection(reader, v, "discharge", p.discharge, ReadDischargeProtocol);
  ReadSection(reader, v, "outcomes", p.outcomes, ReadOutcomeProtocol);
  ReadSection(reader, v, "course", p.course, ReadCourseProtocol);
  clinical::StampVersion(p);

  // The meaning of the values, over the whole protocol. A field that already has a problem of
  // form (kept at its default) is not reported again.
  if (Status valid = clinical::ValidateProtocol(p); !valid) {
    const std::set<std::string> reported = json_read::FieldsWithProblems(v);
    for (const FieldProblem& problem : valid.error().problems()) {
      if (reported.count(problem.field) == 0) v.Add(problem);
    }
  }
  if (Status done = v.Finish(); !done) return tl::unexpected(done.error());
  return p;
}

Result<clinical::Protocol> ParseProtocolText(std::string_view text) {
  auto root = json_read::ParseJsonText(text, kMessage);
  if (!root) return tl::unexpected(root.error());
  return ParseProtocol(*root);
}

json ProtocolToJson(const clinical::Protocol& p) {
  json out = json::object();
  out["version"] = p.version;
  out["title"] = p.title;
  out["approved_by"] = p.approved_by;
  out["approved_on"] = p.approved_on;
  out["eligibility"] = EligibilityProtocolToJson(p.eligibility);
  out["pre_infusion"] = PreInfusionProtocolToJson(p.pre_infusion);
  out["dosing"] = DoseProtocolToJson(p.dosing);
  out["session"] = SessionProtocolToJson(p.session);
  out["discharge"] = DischargeProtocolToJson(p.discharge);
  out["outcomes"] = OutcomeProtocolToJson(p.outcomes);
  out["course"] = CourseProtocolToJson(p.course);
  return out;
}

}  // namespace ketaclinic::clinical_json
