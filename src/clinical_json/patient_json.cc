#include "clinical_json/patient_json.h"

#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/validation.h"

#include "clinical_json/finding_json.h"
#include "json/json_reader.h"

namespace ketaclinic::clinical_json {
namespace {

using clinical::Date;
using json_read::ObjectReader;
using nlohmann::json;

// A whole number in a plausible range for a scale item, or nothing (the caller reports it).
std::optional<int> ItemValue(const json& item) {
  constexpr double kLimit = 1000;  // far beyond any scale's range, far inside int's
  if (!item.is_number()) return std::nullopt;
  const double value = item.get<double>();
  if (!(value >= -kLimit && value <= kLimit) || value != std::floor(value)) return std::nullopt;
  return static_cast<int>(value);
}

// Reads one patient file, reporting every problem to the validator.
class PatientParser {
 public:
  explicit PatientParser(Validator& v) : v_(v) {}

  PatientFile Parse(const json& root, const std::string& path);

 private:
  // Required fields: absent or null is "is required" (with a hint of what is expected).
  void Missing(ObjectReader& r, std::string_view key, std::string_view hint) {
    std::string reason = "is required";
    if (!hint.empty()) reason += ": " + std::string(hint);
    v_.Add({r.Field(key), std::move(reason)});
  }
  bool Absent(ObjectReader& r, std::string_view key, bool required, std::string_view hint) {
    if (r.Has(key) && !r.IsNull(key)) return false;
    if (required) Missing(r, key, hint);
    return true;
  }

  std::optional<std::string> Text(ObjectReader& r, std::string_view key, bool required,
                                  std::string_view hint = "") {
    if (Absent(r, key, required, hint)) return std::nullopt;
    return r.String(key);
  }
  std::optional<double> Number(ObjectReader& r, std::string_view key, bool required,
                               std::string_view hint = "") {
    if (Absent(r, key, required, hint)) return std::nullopt;
    return r.Number(key);
  }
  std::optional<int> Integer(ObjectReader& r, std::string_view key, int low, int high,
                             bool required, std::string_view hint = "") {
    if (Absent(r, key, required, hint)) return std::nullopt;
    return r.Integer(key, low, high);
  }
  std::optional<bool> Flag(ObjectReader& r, std::string_view key) {
    if (Absent(r, key, false, "")) return std::nullopt;
    return r.Bool(key);
  }
  std::optional<Instant> Time(ObjectReader& r, std::string_view key, bool required) {
    if (Absent(r, key, required, "an RFC 3339 date-time with a zone, e.g. 2026-11-02T09:00:00Z")) {
      return std::nullopt;
    }
    return r.Time(key);
  }
  std::optional<Date> Day(ObjectReader& r, std::string_view key, bool required) {
    auto text = Text(r, key, required, "a date YYYY-MM-DD");
    if (!text) return std::nullopt;
    auto date = clinical::ParseDate(*text, r.Field(key));
    if (!date) {
      v_.Merge(date.error(), "");
      return std::nullopt;
    }
    return *date;
  }
  // A name from a fixed list, parsed by `parse` (whose error lists the names).
  template <typename E, typename Parse>
  std::optional<E> Name(ObjectReader& r, std::string_view key, bool required, Parse parse) {
    auto text = Text(r, key, required);
    if (!text) return std::nullopt;
    auto value = parse(*text, r.Field(key));
    if (!value) {
      // Some parsers name a fixed field ("sex", "scale"): the file's path is what counts.
      for (const FieldProblem& problem : value.error().problems()) {
        v_.Add({r.Field(key), problem.reason});
      }
      return std::nullopt;
    }
    return *value;
  }

  // Reads each object of the array `key` with `read`; a non-object element keeps its place
  // (a default record) so that later problems are named by the element's index in the file.
  template <typename T, typename Read>
  std::vector<T> List(ObjectReader& r, std::string_view key, std::string_view what, Read read) {
    std::vector<T> records;
    if (Absent(r, key, false, "")) return records;
    const json* array = r.Array(key);
    if (array == nullptr) return records;
    records.reserve(array->size());
    for (size_t i = 0; i < array->size(); ++i) {
      const std::string path = r.Field(key) + "[" + std::to_string(i) + "]";
      const json& element = (*array)[i];
      T record{};
      if (element.is_object()) {
        ObjectReader item(element, path, v_);
        read(item, record);
      } else {
        v_.Add({path, "must be an object (" + std::string(what) + "), got " +
                          json_read::TypeName(element)});
      }
      records.push_back(std::move(record));
    }
    return records;
  }

  clinical::RecordMeta Meta(ObjectReader& r);
  std::optional<clinical::CodedConcept> Code(ObjectReader& r, std::string_view key);
  void ReadPatient(ObjectReader& r, clinical::Patient& p);
  void ReadDiagnosis(ObjectReader& r, clinical::Diagnosis& d);
  void ReadTrial(ObjectReader& r, clinical::AntidepressantTrial& t);
  void ReadScaleResponse(ObjectReader& r, clinical::ScaleResponse& s);
  void ReadOverride(ObjectReader& r, clinical::EligibilityOverride& o);

 public:
  // Records whose checks depend on a field that could not be read (the items of a scale
  // response with an unknown scale): their validation problems would only repeat it.
  const std::set<std::string>& unchecked() const { return unchecked_; }

 private:
  Validator& v_;
  std::set<std::string> unchecked_;
};

clinical::RecordMeta PatientParser::Meta(ObjectReader& r) {
  clinical::RecordMeta meta;
  if (Absent(r, "meta", false, "")) return meta;
  const json* object = r.Object("meta");
  if (object == nullptr) return meta;
  ObjectReader m(*object, r.Field("meta"), v_);
  m.RejectUnknown({"id", "version", "author", "recorded_at", "status", "reason"},
                  "a record's meta");
  if (auto id = Text(m, "id", false)) meta.id = *id;
  if (auto version = Integer(m, "version", 1, 1000000, false)) meta.version = *version;
  if (auto author = Text(m, "author", false)) meta.author = *author;
  if (auto at = Time(m, "recorded_at", false)) meta.recorded_at = *at;
  if (auto status = Name<clinical::RecordStatus>(m, "status", false, clinical::ParseRecordStatus)) {
    meta.status = *status;
  }
  if (auto reason = Text(m, "reason", false)) meta.reason = *reason;
  return meta;
}

std::optional<clinical::CodedConcept> PatientParser::Code(ObjectReader& r, std::string_view key) {
  if (Absent(r, key, false, "")) return std::nullopt;
  const json* object = r.Object(key);
  if (object == nullptr) return std::nullopt;
  ObjectReader c(*object, r.Field(key), v_);
  c.RejectUnknown({"system", "code", "display"}, "a code");
  clinical::CodedConcept code;
  if (auto system = Name<clinical::CodeSystem>(c, "system", true, clinical::ParseCodeSystem)) {
    code.system = *system;
  }
  if (auto value = Text(c, "code", true)) code.code = *value;
  if (auto display = Text(c, "display", false)) code.display = *display;
  return code;
}

void PatientParser::ReadDiagnosis(ObjectReader& r, clinical::Diagnosis& d) {
  r.RejectUnknown({"meta", "kind", "code", "episode_start", "psychotic_features", "description"},
                  "the diagnosis");
  d.meta = Meta(r);
  if (auto kind = Name<clinical::DiagnosisKind>(r, "kind", true, clinical::ParseDiagnosisKind)) {
    d.kind = *kind;
  }
  d.code = Code(r, "code");
  if (auto start = Day(r, "episode_start", true)) d.episode_start = *start;
  if (auto psychotic = Flag(r, "psychotic_features")) d.psychotic_features = *psychotic;
  if (auto description = Text(r, "description", false)) d.description = *description;
}

void PatientParser::ReadTrial(ObjectReader& r, clinical::AntidepressantTrial& t) {
  r.RejectUnknown({"meta", "drug", "daily_dose_mg", "start", "stop", "weeks_at_dose",
                   "adequate_dose", "adherence", "outcome", "augmentation", "augmentation_agent"},
                  "an antidepressant trial");
  t.meta = Meta(r);
  if (auto drug = Text(r, "drug", true, "the generic name")) t.drug = *drug;
  if (auto dose = Number(r, "daily_dose_mg", true, "the highest daily dose reached, in mg")) {
    t.daily_dose_mg = *dose;
  }
  if (auto start = Day(r, "start", true)) t.start = *start;
  t.stop = Day(r, "stop", false);
  if (auto weeks = Number(r, "weeks_at_dose", true, "weeks taken at daily_dose_mg")) {
    t.weeks_at_dose = *weeks;
  }
  t.adequate_dose = Flag(r, "adequate_dose");
  if (auto adherence = Name<clinical::Adherence>(r, "adherence", false, clinical::ParseAdherence)) {
    t.adherence = *adherence;
  }
  if (auto outcome =
          Name<clinical::TrialOutcome>(r, "outcome", true, clinical::ParseTrialOutcome)) {
    t.outcome = *outcome;
  }
  if (auto augmentation = Flag(r, "augmentation")) t.augmentation = *augmentation;
  if (auto agent = Text(r, "augmentation_agent", false)) t.augmentation_agent = *agent;
}

void PatientParser::ReadScaleResponse(ObjectReader& r, clinical::ScaleResponse& s) {
  r.RejectUnknown({"meta", "scale", "items", "taken_at"}, "a scale response");
  s.meta = Meta(r);
  if (auto scale =
          Name<clinical::Scale>(r, "scale", true, [](std::string_view name, const std::string&) {
            return clinical::ParseScaleName(name);
          })) {
    s.scale = *scale;
  } else {
    unchecked_.insert(r.Field("items"));
  }
  if (!Absent(r, "items", true, "the item responses in questionnaire order")) {
    if (const json* items = r.Array("items")) {
      s.items.reserve(items->size());
      for (size_t i = 0; i < items->size(); ++i) {
        const json& item = (*items)[i];
        const std::optional<int> value = ItemValue(item);
        if (!value) {
          std::string reason = "must be a whole number, got " + json_read::TypeName(item);
          if (item.is_number()) reason += " " + item.dump();
          v_.Add({r.Field("items") + "[" + std::to_string(i) + "]", std::move(reason)});
        }
        // 0 keeps the count right for the scale's own checks, which then name only the others.
        s.items.push_back(value.value_or(0));
      }
    }
  }
  if (auto at = Time(r, "taken_at", true)) s.taken_at = *at;
}

void PatientParser::ReadOverride(ObjectReader& r, clinical::EligibilityOverride& o) {
  r.RejectUnknown({"rule", "by", "reason"}, "an override");
  if (auto rule = Text(r, "rule", true, "the rule id of the finding to override")) {
    o.rule_id = *rule;
  }
  o.by.role = clinical::Role::kPhysician;
  if (!Absent(r, "by", true, "{\"user_id\": ..., \"role\": \"physician\"}")) {
    if (const json* by = r.Object("by")) {
      ObjectReader b(*by, r.Field("by"), v_);
      b.RejectUnknown({"user_id", "role"}, "the overriding clinician");
      if (auto user = Text(b, "user_id", true)) o.by.user_id = *user;
      if (auto role = Name<clinical::Role>(b, "role", true, clinical::ParseRole)) o.by.role = *role;
    }
  }
  if (auto reason = Text(r, "reason", true, "why the physician proceeds")) o.reason = *reason;
}

void PatientParser::ReadPatient(ObjectReader& r, clinical::Patient& p) {
  r.RejectUnknown(
      {"meta", "identifier", "name", "birth_date", "sex", "height_cm", "weights", "diagnosis",
       "antidepressant_trials", "psychotherapy_trials", "neuromodulation", "medications",
       "allergies", "conditions", "consents", "clearances", "scale_responses"},
      "a patient");
  p.meta = Meta(r);
  if (auto identifier = Text(r, "identifier", true, "the clinic's patient identifier")) {
    p.identifier = *identifier;
  }
  if (auto name = Text(r, "name", true)) p.name = *name;
  if (auto birth = Day(r, "birth_date", true)) p.birth_date = *birth;
  if (auto sex = Name<clinical::Sex>(r, "sex", true, [](std::string_view name, const std::string&) {
        return clinical::ParseSex(name);
      })) {
    p.sex = *sex;
  }
  p.height_cm = Number(r, "height_cm", false);

  p.weights = List<clinical::WeightMeasurement>(
      r, "weights", "a weight measurement", [&](ObjectReader& w, clinical::WeightMeasurement& m) {
        w.RejectUnknown({"meta", "measured_at", "weight_kg"}, "a weight measurement");
        m.meta = Meta(w);
        if (auto at = Time(w, "measured_at", true)) m.measured_at = *at;
        if (auto kg = Number(w, "weight_kg", true)) m.weight_kg = *kg;
      });

  if (!Absent(r, "diagnosis", false, "")) {
    if (const json* diagnosis = r.Object("diagnosis")) {
      ObjectReader d(*diagnosis, r.Field("diagnosis"), v_);
      p.diagnosis = clinical::Diagnosis{};
      ReadDiagnosis(d, *p.diagnosis);
    }
  }

  p.antidepressant_trials = List<clinical::AntidepressantTrial>(
      r, "antidepressant_trials", "an antidepressant trial",
      [&](ObjectReader& t, clinical::AntidepressantTrial& trial) { ReadTrial(t, trial); });

  p.psychotherapy_trials = List<clinical::PsychotherapyTrial>(
      r, "psychotherapy_trials", "a psychotherapy trial",
      [&](ObjectReader& t, clinical::PsychotherapyTrial& trial) {
        t.RejectUnknown({"meta", "type", "sessions", "start", "stop", "outcome"},
                        "a psychotherapy trial");
        trial.meta = Meta(t);
        if (auto type = Text(t, "type", true, "e.g. CBT, IPT")) trial.type = *type;
        if (auto sessions = Integer(t, "sessions", 0, 10000, true)) trial.sessions = *sessions;
        if (auto start = Day(t, "start", true)) trial.start = *start;
        trial.stop = Day(t, "stop", false);
        if (auto outcome =
                Name<clinical::TrialOutcome>(t, "outcome", true, clinical::ParseTrialOutcome)) {
          trial.outcome = *outcome;
        }
      });

  p.neuromodulation = List<clinical::NeuromodulationCourse>(
      r, "neuromodulation", "an ECT or TMS course",
      [&](ObjectReader& c, clinical::NeuromodulationCourse& course) {
        c.RejectUnknown({"meta", "kind", "sessions", "start", "stop", "outcome"},
                        "an ECT or TMS course");
        course.meta = Meta(c);
        if (auto kind = Name<clinical::NeuromodulationKind>(c, "kind", true,
                                                            clinical::ParseNeuromodulationKind)) {
          course.kind = *kind;
        }
        if (auto sessions = Integer(c, "sessions", 0, 10000, true)) course.sessions = *sessions;
        if (auto start = Day(c, "start", true)) course.start = *start;
        course.stop = Day(c, "stop", false);
        if (auto outcome =
                Name<clinical::TrialOutcome>(c, "outcome", true, clinical::ParseTrialOutcome)) {
          course.outcome = *outcome;
        }
      });

  p.medications = List<clinical::Medication>(
      r, "medications", "a medication", [&](ObjectReader& m, clinical::Medication& medication) {
        m.RejectUnknown({"meta", "name", "class", "daily_dose_mg"}, "a medication");
        medication.meta = Meta(m);
        if (auto name = Text(m, "name", true, "the generic name")) medication.name = *name;
        if (auto drug_class =
                Name<clinical::DrugClass>(m, "class", true, clinical::ParseDrugClass)) {
          medication.drug_class = *drug_class;
        }
        medication.daily_dose_mg = Number(m, "daily_dose_mg", false);
      });

  p.allergies = List<clinical::Allergy>(
      r, "allergies", "an allergy", [&](ObjectReader& a, clinical::Allergy& allergy) {
        a.RejectUnknown({"meta", "substance", "reaction"}, "an allergy");
        allergy.meta = Meta(a);
        if (auto substance = Text(a, "substance", true)) allergy.substance = *substance;
        if (auto reaction = Text(a, "reaction", false)) allergy.reaction = *reaction;
      });

  p.conditions = List<clinical::Condition>(
      r, "conditions", "a condition", [&](ObjectReader& c, clinical::Condition& condition) {
        c.RejectUnknown({"meta", "system", "code", "display", "active"}, "a condition");
        condition.meta = Meta(c);
        if (auto system =
                Name<clinical::CodeSystem>(c, "system", true, clinical::ParseCodeSystem)) {
          condition.code.system = *system;
        }
        if (auto code = Text(c, "code", true)) condition.code.code = *code;
        if (auto display = Text(c, "display", false)) condition.code.display = *display;
        if (auto active = Flag(c, "active")) condition.active = *active;
      });

  p.consents = List<clinical::Consent>(
      r, "consents", "a consent", [&](ObjectReader& c, clinical::Consent& consent) {
        c.RejectUnknown({"meta", "kind", "signed_at", "signed_by", "obtained_by", "revoked_at"},
                        "a consent");
        consent.meta = Meta(c);
        if (auto kind = Name<clinical::ConsentKind>(c, "kind", true, clinical::ParseConsentKind)) {
          consent.kind = *kind;
        }
        if (auto at = Time(c, "signed_at", true)) consent.signed_at = *at;
        if (auto by = Text(c, "signed_by", true, "the patient or their representative")) {
          consent.signed_by = *by;
        }
        if (auto by = Text(c, "obtained_by", false)) consent.obtained_by = *by;
        consent.revoked_at = Time(c, "revoked_at", false);
      });

  p.clearances = List<clinical::MedicalClearance>(
      r, "clearances", "a medical clearance",
      [&](ObjectReader& c, clinical::MedicalClearance& clearance) {
        c.RejectUnknown({"meta", "date", "by", "covered", "notes"}, "a medical clearance");
        clearance.meta = Meta(c);
        if (auto date = Day(c, "date", true)) clearance.date = *date;
        if (auto by = Text(c, "by", true, "the clearing physician")) clearance.by = *by;
        if (!Absent(c, "covered", true, "what the clearance covered, e.g. [\"ecg\"]")) {
          if (const json* covered = c.Array("covered")) {
            for (size_t i = 0; i < covered->size(); ++i) {
              const std::string field = c.Field("covered") + "[" + std::to_string(i) + "]";
              const json& item = (*covered)[i];
              if (!item.is_string()) {
                v_.Add({field, "must be a string, got " + json_read::TypeName(item)});
                continue;
              }
              auto parsed = clinical::ParseClearanceItem(item.get<std::string>(), field);
              if (!parsed) {
                v_.Merge(parsed.error(), "");
                continue;
              }
              clearance.covered.push_back(*parsed);
            }
          }
        }
        if (auto notes = Text(c, "notes", false)) clearance.notes = *notes;
      });

  p.scale_responses = List<clinical::ScaleResponse>(
      r, "scale_responses", "a scale response",
      [&](ObjectReader& s, clinical::ScaleResponse& response) { ReadScaleResponse(s, response); });
}

PatientFile PatientParser::Parse(const json& root, const std::string& path) {
  PatientFile file;
  ObjectReader r(root, path, v_);
  r.RejectUnknown({"patient", "overrides"}, "a patient file");
  if (!Absent(r, "patient", true, "the patient's record")) {
    if (const json* patient = r.Object("patient")) {
      ObjectReader p(*patient, r.Field("patient"), v_);
      ReadPatient(p, file.patient);
    }
  }
  file.overrides = List<clinical::EligibilityOverride>(
      r, "overrides", "an override",
      [&](ObjectReader& o, clinical::EligibilityOverride& override_) {
        ReadOverride(o, override_);
      });
  return file;
}

// Adds `error`'s problems under `prefix`, except those on a field already reported or inside
// one (a record already reported as not an object), or on a field left unchecked.
void MergeNew(Validator& v, const Error& error, const std::string& prefix,
              const std::set<std::string>& unchecked) {
  std::set<std::string> reported = json_read::FieldsWithProblems(v);
  reported.insert(unchecked.begin(), unchecked.end());
  for (const FieldProblem& problem : error.problems()) {
    const std::string field = prefix + problem.field;
    bool repeats = false;
    for (const std::string& done : reported) {
      if (field.compare(0, done.size(), done) != 0) continue;
      if (field.size() == done.size() || field[done.size()] == '.' || field[done.size()] == '[') {
        repeats = true;
        break;
      }
    }
    if (!repeats) v.Add({field, problem.reason});
  }
}

json MetaToJson(const clinical::RecordMeta& meta) {
  json out = json::object();
  if (!meta.id.empty()) out["id"] = meta.id;
  if (meta.version != 1) out["version"] = meta.version;
  if (!meta.author.empty()) out["author"] = meta.author;
  if (meta.recorded_at != Instant{}) out["recorded_at"] = FormatRfc3339(meta.recorded_at);
  if (meta.status != clinical::RecordStatus::kActive) {
    out["status"] = clinical::RecordStatusName(meta.status);
  }
  if (!meta.reason.empty()) out["reason"] = meta.reason;
  return out;
}

void PutMeta(json& out, const clinical::RecordMeta& meta) {
  json m = MetaToJson(meta);
  if (!m.empty()) out["meta"] = std::move(m);
}

}  // namespace

Result<PatientFile> PatientFileFromJson(const json& root, const std::string& path) {
  Validator v("invalid patient file");
  if (!root.is_object()) {
    v.Add({path.empty() ? std::string(json_read::kJsonField) : path,
           "a patient file must be a JSON object ({\"patient\": {...}}), got " +
               json_read::TypeName(root)});
    return tl::unexpected(v.Finish().error());
  }
  PatientParser parser(v);
  PatientFile file = parser.Parse(root, path);
  const std::string prefix = path.empty() ? "" : path + ".";
  if (Status valid = clinical::ValidatePatient(file.patient); !valid) {
    MergeNew(v, valid.error(), prefix + "patient.", parser.unchecked());
  }
  if (Status valid = clinical::ValidateEligibilityOverrides(file.overrides); !valid) {
    MergeNew(v, valid.error(), prefix, parser.unchecked());
  }
  if (Status status = v.Finish(); !status) return tl::unexpected(status.error());
  return file;
}

Result<PatientFile> ParsePatientFile(std::string_view json_text) {
  auto root = json_read::ParseJsonText(json_text, "invalid patient file");
  if (!root) return tl::unexpected(root.error());
  return PatientFileFromJson(*root);
}

json PatientToJson(const clinical::Patient& p) {
  json out = json::object();
  PutMeta(out, p.meta);
  out["identifier"] = p.identifier;
  out["name"] = p.name;
  out["birth_date"] = clinical::FormatDate(p.birth_date);
  out["sex"] = p.sex == clinical::Sex::kMale ? "male" : "female";
  if (p.height_cm) out["height_cm"] = *p.height_cm;

  auto list = [&](const char* key, json array) {
    if (!array.empty()) out[key] = std::move(array);
  };
  json weights = json::array();
  for (const auto& w : p.weights) {
    json item = json::object();
    PutMeta(item, w.meta);
    item["measured_at"] = FormatRfc3339(w.measured_at);
    item["weight_kg"] = w.weight_kg;
    weights.push_back(std::move(item));
  }
  list("weights", std::move(weights));

  if (p.diagnosis) {
    const clinical::Diagnosis& d = *p.diagnosis;
    json item = json::object();
    PutMeta(item, d.meta);
    item["kind"] = clinical::DiagnosisKindName(d.kind);
    if (d.code) {
      item["code"] = {{"system", clinical::CodeSystemName(d.code->system)}, {"code", d.code->code}};
      if (!d.code->display.empty()) item["code"]["display"] = d.code->display;
    }
    item["episode_start"] = clinical::FormatDate(d.episode_start);
    item["psychotic_features"] = d.psychotic_features;
    if (!d.description.empty()) item["description"] = d.description;
    out["diagnosis"] = std::move(item);
  }

  json trials = json::array();
  for (const auto& t : p.antidepressant_trials) {
    json item = json::object();
    PutMeta(item, t.meta);
    item["drug"] = t.drug;
    item["daily_dose_mg"] = t.daily_dose_mg;
    item["start"] = clinical::FormatDate(t.start);
    if (t.stop) item["stop"] = clinical::FormatDate(*t.stop);
    item["weeks_at_dose"] = t.weeks_at_dose;
    if (t.adequate_dose) item["adequate_dose"] = *t.adequate_dose;
    item["adherence"] = clinical::AdherenceName(t.adherence);
    item["outcome"] = clinical::TrialOutcomeName(t.outcome);
    item["augmentation"] = t.augmentation;
    if (!t.augmentation_agent.empty()) item["augmentation_agent"] = t.augmentation_agent;
    trials.push_back(std::move(item));
  }
  list("antidepressant_trials", std::move(trials));

  json therapies = json::array();
  for (const auto& t : p.psychotherapy_trials) {
    json item = json::object();
    PutMeta(item, t.meta);
    item["type"] = t.type;
    item["sessions"] = t.sessions;
    item["start"] = clinical::FormatDate(t.start);
    if (t.stop) item["stop"] = clinical::FormatDate(*t.stop);
    item["outcome"] = clinical::TrialOutcomeName(t.outcome);
    therapies.push_back(std::move(item));
  }
  list("psychotherapy_trials", std::move(therapies));

  json courses = json::array();
  for (const auto& c : p.neuromodulation) {
    json item = json::object();
    PutMeta(item, c.meta);
    item["kind"] = clinical::NeuromodulationKindName(c.kind);
    item["sessions"] = c.sessions;
    item["start"] = clinical::FormatDate(c.start);
    if (c.stop) item["stop"] = clinical::FormatDate(*c.stop);
    item["outcome"] = clinical::TrialOutcomeName(c.outcome);
    courses.push_back(std::move(item));
  }
  list("neuromodulation", std::move(courses));

  json medications = json::array();
  for (const auto& m : p.medications) {
    json item = json::object();
    PutMeta(item, m.meta);
    item["name"] = m.name;
    item["class"] = clinical::DrugClassName(m.drug_class);
    if (m.daily_dose_mg) item["daily_dose_mg"] = *m.daily_dose_mg;
    medications.push_back(std::move(item));
  }
  list("medications", std::move(medications));

  json allergies = json::array();
  for (const auto& a : p.allergies) {
    json item = json::object();
    PutMeta(item, a.meta);
    item["substance"] = a.substance;
    if (!a.reaction.empty()) item["reaction"] = a.reaction;
    allergies.push_back(std::move(item));
  }
  list("allergies", std::move(allergies));

  json conditions = json::array();
  for (const auto& c : p.conditions) {
    json item = json::object();
    PutMeta(item, c.meta);
    item["system"] = clinical::CodeSystemName(c.code.system);
    item["code"] = c.code.code;
    if (!c.code.display.empty()) item["display"] = c.code.display;
    item["active"] = c.active;
    conditions.push_back(std::move(item));
  }
  list("conditions", std::move(conditions));

  json consents = json::array();
  for (const auto& c : p.consents) {
    json item = json::object();
    PutMeta(item, c.meta);
    item["kind"] = clinical::ConsentKindName(c.kind);
    item["signed_at"] = FormatRfc3339(c.signed_at);
    item["signed_by"] = c.signed_by;
    if (!c.obtained_by.empty()) item["obtained_by"] = c.obtained_by;
    if (c.revoked_at) item["revoked_at"] = FormatRfc3339(*c.revoked_at);
    consents.push_back(std::move(item));
  }
  list("consents", std::move(consents));

  json clearances = json::array();
  for (const auto& c : p.clearances) {
    json item = json::object();
    PutMeta(item, c.meta);
    item["date"] = clinical::FormatDate(c.date);
    item["by"] = c.by;
    json covered = json::array();
    for (clinical::ClearanceItem i : c.covered) covered.push_back(clinical::ClearanceItemName(i));
    item["covered"] = std::move(covered);
    if (!c.notes.empty()) item["notes"] = c.notes;
    clearances.push_back(std::move(item));
  }
  list("clearances", std::move(clearances));

  json responses = json::array();
  for (const auto& r : p.scale_responses) {
    json item = json::object();
    PutMeta(item, r.meta);
    item["scale"] = clinical::GetScaleInfo(r.scale).name;
    item["items"] = r.items;
    item["taken_at"] = FormatRfc3339(r.taken_at);
    responses.push_back(std::move(item));
  }
  list("scale_responses", std::move(responses));
  return out;
}

json PatientFileToJson(const PatientFile& file) {
  json out = {{"patient", PatientToJson(file.patient)}};
  if (!file.overrides.empty()) {
    json overrides = json::array();
    for (const clinical::EligibilityOverride& o : file.overrides) {
      overrides.push_back({{"rule", o.rule_id},
                           {"by", {{"user_id", o.by.user_id}, {"role", RoleName(o.by.role)}}},
                           {"reason", o.reason}});
    }
    out["overrides"] = std::move(overrides);
  }
  return out;
}

json EligibilityVerdictToJson(const clinical::EligibilityVerdict& verdict, Instant at) {
  json msm = nullptr;
  if (verdict.msm) {
    const clinical::MsmScore& s = *verdict.msm;
    msm = {{"score", s.total},
           {"category", s.category},
           {"parts",
            {{"duration", s.duration},
             {"severity", s.severity},
             {"treatment_failure", s.treatment_failure},
             {"augmentation", s.augmentation},
             {"ect", s.ect}}}};
  }
  json trials = json::array();
  for (const clinical::TrialAssessment& t : verdict.trials) {
    trials.push_back(
        {{"index", t.index},
         {"drug", t.drug},
         {"athf", t.rating.athf},
         {"adequate", t.rating.adequate},
         {"failed", t.rating.failed},
         {"in_current_episode", t.in_current_episode},
         {"dose", clinical::DoseAdequacyName(t.rating.dose)},
         {"minimum_adequate_dose_mg",
          t.rating.minimum_adequate_dose_mg ? json(*t.rating.minimum_adequate_dose_mg) : json()},
         {"basis", t.rating.basis}});
  }
  json overrides = json::array();
  for (const clinical::EligibilityOverride& o : verdict.applied_overrides) {
    overrides.push_back({{"rule", o.rule_id},
                         {"by", {{"user_id", o.by.user_id}, {"role", RoleName(o.by.role)}}},
                         {"reason", o.reason}});
  }
  return {{"verdict", clinical::EligibilityOutcomeName(verdict.outcome)},
          {"at", FormatRfc3339(at)},
          {"protocol_version", verdict.protocol_version},
          {"findings", FindingsToJson(verdict.findings)},
          {"msm", std::move(msm)},
          {"trials", std::move(trials)},
          {"failed_adequate_trials", verdict.failed_adequate_trials},
          {"overrides_applied", std::move(overrides)}};
}

}  // namespace ketaclinic::clinical_json
