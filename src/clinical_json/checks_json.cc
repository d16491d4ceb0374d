#include "clinical_json/checks_json.h"

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

// The reading helpers of one check object: required and optional members, where an optional
// member given as null is the same as an absent one ("last_infusion_start": null for a first
// infusion).
class CheckReader {
 public:
  CheckReader(const json& object, const std::string& path, Validator& v)
      : reader_(object, path, v), v_(v) {}

  ObjectReader& reader() { return reader_; }

  bool RequiredBool(const char* key, const char* why) {
    if (auto value = reader_.Bool(key)) return *value;
    if (!reader_.Has(key)) v_.Add({reader_.Field(key), std::string("is required: ") + why});
    return false;
  }
  std::optional<Instant> OptionalTime(const char* key) {
    if (reader_.IsNull(key)) return std::nullopt;
    return reader_.Time(key);
  }
  std::optional<double> OptionalNumber(const char* key) {
    if (reader_.IsNull(key)) return std::nullopt;
    return reader_.Number(key);
  }
  const json* OptionalObject(const char* key) {
    if (reader_.IsNull(key)) return nullptr;
    return reader_.Object(key);
  }
  void Missing(const char* key, const char* why) {
    if (!reader_.Has(key)) v_.Add({reader_.Field(key), std::string("is required: ") + why});
  }
  // An enum member by name with `parse`; problems under the member's path.
  template <typename T, typename Parse>
  std::optional<T> Name(const char* key, Parse parse) {
    auto name = reader_.String(key);
    if (!name) return std::nullopt;
    auto parsed = parse(*name, reader_.Field(key));
    if (!parsed) {
      v_.Merge(parsed.error(), "");
      return std::nullopt;
    }
    return *parsed;
  }

 private:
  ObjectReader reader_;
  Validator& v_;
};

std::vector<clinical::VitalSigns> ReadVitals(const json& array, const std::string& field,
                                             Validator& v) {
  std::vector<clinical::VitalSigns> readings;
  readings.reserve(array.size());
  for (size_t i = 0; i < array.size(); ++i) {
    const json& item = array[i];
    const std::string path = Index(field, i);
    if (!item.is_object()) {
      v.Add({path, "must be an object (one set of vital signs), got " + json_read::TypeName(item)});
      continue;
    }
    CheckReader r(item, path, v);
    r.reader().RejectUnknown({"time", "systolic_mmhg", "diastolic_mmhg", "heart_rate_bpm",
                              "spo2_percent", "resp_rate_per_min", "on_room_air"},
                             "a vital-signs reading");
    clinical::VitalSigns reading;
    if (auto time = r.reader().Time("time")) reading.time = *time;
    r.Missing("time", "when the reading was taken (RFC 3339 with a zone)");
    reading.systolic_mmhg = r.OptionalNumber("systolic_mmhg");
    reading.diastolic_mmhg = r.OptionalNumber("diastolic_mmhg");
    reading.heart_rate_bpm = r.OptionalNumber("heart_rate_bpm");
    reading.spo2_percent = r.OptionalNumber("spo2_percent");
    reading.resp_rate_per_min = r.OptionalNumber("resp_rate_per_min");
    if (auto room_air = r.reader().Bool("on_room_air")) reading.on_room_air = *room_air;
    readings.push_back(reading);
  }
  return readings;
}

std::optional<clinical::LabTest> ReadLabTest(CheckReader& parent, const char* key, Validator& v) {
  const json* object = parent.OptionalObject(key);
  if (object == nullptr) return std::nullopt;
  CheckReader r(*object, parent.reader().Field(key), v);
  r.reader().RejectUnknown({"at", "result"}, "a test result");
  clinical::LabTest test;
  auto at = r.reader().Time("at");
  r.Missing("at", "when the sample was taken");
  auto result = r.Name<clinical::TestResult>("result", clinical::ParseTestResult);
  r.Missing("result", "negative or positive");
  if (!at || !result) return std::nullopt;
  test.at = *at;
  test.result = *result;
  return test;
}

// Adds the rule module's own input checks (plausible numbers, both halves of a BP, a physician
// with a reason for an override), named under `path`, except for fields the JSON reading already
// reported. Time order against "at" is left to the evaluation, which knows "at".
void MergeSemanticProblems(const Status& status, const std::string& path, Validator& v) {
  if (status) return;
  const std::set<std::string> already = json_read::FieldsWithProblems(v);
  for (const FieldProblem& problem : status.error().problems()) {
    const std::string field = json_read::JoinPath(path, problem.field);
    if (already.count(field) == 0) v.Add({field, problem.reason});
  }
}

template <typename T>
Result<T> Finish(const Validator& v, T value) {
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());
  return value;
}

bool NotAnObject(const json& body, const std::string& path, Validator& v) {
  if (body.is_object()) return false;
  v.Add({path.empty() ? std::string(json_read::kJsonField) : path,
         "must be an object, got " + json_read::TypeName(body)});
  return true;
}

}  // namespace

Result<PreInfusionCheck> ParsePreInfusionCheck(const json& body, const std::string& path) {
  Validator v("invalid pre-infusion check");
  PreInfusionCheck check;
  if (NotAnObject(body, path, v)) return Finish(v, std::move(check));
  CheckReader r(body, path, v);
  ObjectReader& reader = r.reader();
  reader.RejectUnknown(
      {"at", "identity_verified", "consent_on_file", "escort_confirmed", "last_solid_food_at",
       "last_clear_liquid_at", "weight_kg", "weight_measured_at", "height_cm", "baseline_vitals",
       "can_become_pregnant", "pregnancy_test", "cssrs", "depression_scale_at", "medications",
       "drug_screen", "last_infusion_start", "interval_override"},
      "a pre-infusion check");
  clinical::PreInfusionInput& in = check.input;
  check.at = r.OptionalTime("at");
  in.identity_verified = r.RequiredBool("identity_verified", "true once the patient is identified");
  in.consent_on_file = r.RequiredBool("consent_on_file", "true when signed consent is on file");
  in.escort_confirmed =
      r.RequiredBool("escort_confirmed", "true when an escort or transport is confirmed");
  in.last_solid_food_at = r.OptionalTime("last_solid_food_at");
  in.last_clear_liquid_at = r.OptionalTime("last_clear_liquid_at");
  in.weight_kg = r.OptionalNumber("weight_kg");
  in.weight_measured_at = r.OptionalTime("weight_measured_at");
  in.height_cm = r.OptionalNumber("height_cm");
  if (const json* vitals = reader.Array("baseline_vitals")) {
    in.baseline_vitals = ReadVitals(*vitals, reader.Field("baseline_vitals"), v);
  }
  // Required, because guessing "no" would skip the pregnancy test.
  in.can_become_pregnant = r.RequiredBool(
      "can_become_pregnant", "true or false; decides whether a pregnancy test is required");
  in.pregnancy_test = ReadLabTest(r, "pregnancy_test", v);
  if (const json* cssrs = r.OptionalObject("cssrs")) {
    CheckReader c(*cssrs, reader.Field("cssrs"), v);
    c.reader().RejectUnknown({"at", "risk"}, "a C-SSRS screener");
    auto at = c.reader().Time("at");
    c.Missing("at", "when the screener was completed");
    auto risk = c.Name<clinical::CssrsRisk>("risk", clinical::ParseCssrsRisk);
    c.Missing("risk", "none, low, moderate or high");
    if (at && risk) in.cssrs = clinical::CssrsScreen{*at, *risk};
  }
  in.depression_scale_at = r.OptionalTime("depression_scale_at");
  if (const json* meds = reader.Array("medications")) {
    const std::string field = reader.Field("medications");
    in.medications.reserve(meds->size());
    for (size_t i = 0; i < meds->size(); ++i) {
      const json& item = (*meds)[i];
      if (NotAnObject(item, Index(field, i), v)) continue;
      CheckReader m(item, Index(field, i), v);
      m.reader().RejectUnknown({"name", "class", "daily_dose_mg"}, "a medication");
      clinical::ConcomitantMedication med;
      if (auto name = m.reader().String("name")) med.name = *name;
      m.Missing("name", "the generic name");
      if (auto drug_class = m.Name<clinical::DrugClass>("class", clinical::ParseDrugClass)) {
        med.drug_class = *drug_class;
      }
      m.Missing("class", "the drug class (docs/formats/check-files.md lists them)");
      med.daily_dose_mg = m.OptionalNumber("daily_dose_mg");
      in.medications.push_back(std::move(med));
    }
  }
  in.drug_screen = ReadLabTest(r, "drug_screen", v);
  in.last_infusion_start = r.OptionalTime("last_infusion_start");
  if (const json* override_json = r.OptionalObject("interval_override")) {
    CheckReader o(*override_json, reader.Field("interval_override"), v);
    o.reader().RejectUnknown({"user_id", "role", "reason"}, "an override");
    clinical::GateOverride gate_override;
    if (auto user = o.reader().String("user_id")) gate_override.by.user_id = *user;
    o.Missing("user_id", "who overrides");
    if (auto role = o.Name<clinical::Role>("role", clinical::ParseRole)) {
      gate_override.by.role = *role;
    }
    o.Missing("role", "physician");
    if (auto reason = o.reader().String("reason")) gate_override.reason = *reason;
    o.Missing("reason", "why the soft minimum interval is overridden");
    in.interval_override = std::move(gate_override);
  }
  MergeSemanticProblems(clinical::ValidatePreInfusionInput(in, Instant::max()), path, v);
  return Finish(v, std::move(check));
}

Result<DischargeCheck> ParseDischargeCheck(const json& body, const std::string& path) {
  Validator v("invalid discharge check");
  DischargeCheck check;
  if (NotAnObject(body, path, v)) return Finish(v, std::move(check));
  CheckReader r(body, path, v);
  ObjectReader& reader = r.reader();
  reader.RejectUnknown(
      {"at", "infusion_end", "baseline_systolic_mmhg", "baseline_diastolic_mmhg", "recovery_vitals",
       "moaas", "ambulates_safely", "nausea_controlled", "escort_verified", "instructions_given"},
      "a discharge check");
  clinical::DischargeInput& in = check.input;
  check.at = r.OptionalTime("at");
  if (auto end = reader.Time("infusion_end")) in.infusion_end = *end;
  r.Missing("infusion_end", "when the infusion ended");
  in.baseline_systolic_mmhg = r.OptionalNumber("baseline_systolic_mmhg");
  in.baseline_diastolic_mmhg = r.OptionalNumber("baseline_diastolic_mmhg");
  if (const json* vitals = reader.Array("recovery_vitals")) {
    in.recovery_vitals = ReadVitals(*vitals, reader.Field("recovery_vitals"), v);
  }
  if (const json* moaas = r.OptionalObject("moaas")) {
    CheckReader m(*moaas, reader.Field("moaas"), v);
    m.reader().RejectUnknown({"at", "score"}, "a MOAA/S observation");
    auto at = m.reader().Time("at");
    m.Missing("at", "when the MOAA/S was scored");
    auto score = m.reader().Integer("score", 0, 5);
    m.Missing("score", "0-5");
    if (at && score) in.moaas = clinical::MoaasObservation{*at, *score};
  }
  in.ambulates_safely = r.RequiredBool("ambulates_safely", "true when the patient walks safely");
  in.nausea_controlled = r.RequiredBool("nausea_controlled", "true when nausea is controlled");
  in.escort_verified =
      r.RequiredBool("escort_verified", "true when the responsible adult is verified");
  in.instructions_given =
      r.RequiredBool("instructions_given", "true when written instructions were given");
  MergeSemanticProblems(clinical::ValidateDischargeInput(in, Instant::max()), path, v);
  return Finish(v, std::move(check));
}

Result<PreInfusionCheck> ParsePreInfusionCheckText(std::string_view text) {
  auto body = json_read::ParseJsonText(text, "invalid pre-infusion check");
  if (!body) return tl::unexpected(body.error());
  return ParsePreInfusionCheck(*body, "");
}

Result<DischargeCheck> ParseDischargeCheckText(std::string_view text) {
  auto body = json_read::ParseJsonText(text, "invalid discharge check");
  if (!body) return tl::unexpected(body.error());
  return ParseDischargeCheck(*body, "");
}

json PreInfusionVerdictToJson(const clinical::PreInfusionVerdict& verdict) {
  return json{{"cleared", verdict.cleared},
              {"protocol_version", verdict.protocol_version},
              {"needs_repeat_vitals_at", verdict.needs_repeat_vitals_at
                                             ? json(FormatRfc3339(*verdict.needs_repeat_vitals_at))
                                             : json(nullptr)},
              {"awaiting_override", verdict.awaiting_override},
              {"findings", FindingsToJson(verdict.findings)}};
}

json DischargeVerdictToJson(const clinical::DischargeVerdict& verdict) {
  return json{{"allowed", verdict.allowed},
              {"protocol_version", verdict.protocol_version},
              {"earliest_at",
               verdict.earliest_at ? json(FormatRfc3339(*verdict.earliest_at)) : json(nullptr)},
              {"findings", FindingsToJson(verdict.findings)}};
}

}  // namespace ketaclinic::clinical_json
