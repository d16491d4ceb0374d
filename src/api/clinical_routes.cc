// Dose plans, scale scores and patients (docs/API.md "Routes"). Patient reads and changes go
// through store/records.h, which writes the audit row in the same transaction.
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/validation.h"

#include "api/problem.h"
#include "api/routes.h"
#include "clinical/dosing.h"
#include "clinical/scales.h"
#include "clinical_json/dose_json.h"
#include "clinical_json/finding_json.h"
#include "clinical_json/patient_json.h"
#include "json/json_reader.h"
#include "store/audit.h"
#include "store/ids.h"
#include "store/records.h"
#include "store/sql.h"

namespace ketaclinic::api {
namespace {

using clinical::Role;

// Dose plans: the clinicians who order, check or prepare an infusion (DESIGN.md §2).
const std::vector<Role> kDosers = {Role::kPhysician, Role::kNurse, Role::kPharmacist};
// Scale scores: clinicians, and patients scoring their own self-report.
const std::vector<Role> kScorers = {Role::kPhysician, Role::kNurse, Role::kPatient};
// Patient charts: read by the care team, the front desk and auditors; written by the care team
// and the front desk (registration). Admins and pharmacists have no need (minimum necessary,
// HIPAA 164.502(b), clinical.md §5.1 [S]).
const std::vector<Role> kChartReaders = {Role::kPhysician, Role::kNurse, Role::kFrontDesk,
                                         Role::kAuditor};
const std::vector<Role> kChartWriters = {Role::kPhysician, Role::kNurse, Role::kFrontDesk};

constexpr std::string_view kPatientType = "patient";

std::string ETag(int version) { return "\"" + std::to_string(version) + "\""; }

nlohmann::json RecordToJson(const store::StoredRecord& record) {
  return {{"id", record.meta.id},
          {"version", record.meta.version},
          {"author", record.meta.author},
          {"recorded_at", FormatRfc3339(record.meta.recorded_at)},
          {"status", clinical::RecordStatusName(record.meta.status)},
          {"reason", record.meta.reason},
          {"file", record.body}};
}

HttpResponse RecordResponse(int status, const store::StoredRecord& record) {
  HttpResponse response = JsonResponse(status, RecordToJson(record));
  response.headers.emplace_back("ETag", ETag(record.meta.version));
  return response;
}

// --- dose plans ---------------------------------------------------------------------------

HttpResponse PlanDose(Api& api, RequestContext& context) {
  JsonBody body = ReadJsonBody(context.request);
  if (body.problem) return *body.problem;
  Result<clinical::DoseRequest> request = clinical_json::ParseDoseRequest(body.value, "");
  if (!request) return ErrorProblem(request.error());
  const Principal* principal = SignedIn(context);
  if (principal == nullptr) return NotSignedIn();
  if (std::optional<clinical::SoftLimitOverride>& soft_override = request->soft_limit_override;
      soft_override.has_value()) {
    // clinical.md §1.8: only a physician overrides a soft limit, and the override names them:
    // the signed-in physician, whatever the body says.
    if (principal->user.role != Role::kPhysician) {
      return Problem(403, "only a physician may override a soft dose limit");
    }
    soft_override->physician = principal->user.display_name;
  }
  Result<clinical::DosePlan> plan = clinical::PlanDose(*request, api.config().protocol.dosing);
  if (!plan) return ErrorProblem(plan.error());
  // A blocked plan is a verdict, not an error: 200 with "blocked": true and its findings.
  return JsonResponse(200, clinical_json::DosePlanToJson(*plan));
}

// --- scales -------------------------------------------------------------------------------

// A JSON whole number within any scale's reach (2.0 counts; 2.5, "2", true do not).
std::optional<int> WholeNumber(const nlohmann::json& item) {
  if (!item.is_number()) return std::nullopt;
  const double value = item.get<double>();
  if (!(value >= -1000 && value <= 1000) || value != std::floor(value)) return std::nullopt;
  return static_cast<int>(value);
}

HttpResponse ScoreScale(RequestContext& context) {
  Result<clinical::Scale> scale = clinical::ParseScaleName(context.params.at("scale"));
  if (!scale) return Problem(404, "no such scale: " + clinical::ScaleNameList());
  JsonBody body = ReadJsonBody(context.request);
  if (body.problem) return *body.problem;
  Validator v("invalid score input");
  std::vector<int> items;
  if (!body.value.is_object()) {
    v.Add({"(body)", "must be a JSON object {\"items\": [...]}"});
  } else {
    json_read::ObjectReader reader(body.value, "", v);
    const nlohmann::json* array = reader.Array("items");
    if (!reader.Has("items")) v.Add({"items", "is required"});
    reader.RejectUnknown({"items"}, "a score request");
    if (array != nullptr) {
      items.reserve(array->size());
      std::set<std::string> not_numbers;
      for (size_t i = 0; i < array->size(); ++i) {
        const std::optional<int> value = WholeNumber((*array)[i]);
        const std::string field = "items[" + std::to_string(i) + "]";
        if (!value) {
          v.Add({field, "must be a whole number"});
          not_numbers.insert(field);
        }
        // 0 stands in for an unreadable item, so the scale's own checks name only the others.
        items.push_back(value.value_or(0));
      }
      // The count and every item out of the scale's range, named together with the above.
      if (Status in_range = clinical::ValidateItems(*scale, items); !in_range) {
        for (const FieldProblem& problem : in_range.error().problems()) {
          if (not_numbers.count(problem.field) == 0) v.Add(problem);
        }
      }
    }
  }
  if (Status valid = v.Finish(); !valid) return ErrorProblem(valid.error());
  Result<clinical::ScaleScore> score = clinical::ScoreScale(*scale, items);
  if (!score) return ErrorProblem(score.error());
  const clinical::ScaleInfo& info = clinical::GetScaleInfo(score->scale);
  nlohmann::json subscores = nlohmann::json::array();
  for (const clinical::Subscore& s : score->subscores) {
    subscores.push_back({{"name", s.name}, {"score", s.score}});
  }
  return JsonResponse(200, {{"scale", info.name},
                            {"title", info.title},
                            {"total", score->total},
                            {"max_total", info.total_max},
                            {"band", score->band},
                            {"items", score->items},
                            {"subscores", std::move(subscores)},
                            {"findings", clinical_json::FindingsToJson(score->findings)},
                            {"source", info.source}});
}

// --- patients -----------------------------------------------------------------------------

HttpResponse ListPatients(Api& api, RequestContext& context) {
  Result<store::Page> page = ReadPage(context.request);
  if (!page) return ErrorProblem(page.error());
  DatabaseTimer timer(api.metrics());
  Result<std::vector<store::StoredRecord>> records =
      api.store().Transact([&](store::Transaction& tx) -> Result<std::vector<store::StoredRecord>> {
        // The current (highest) version of every patient record, by id.
        Result<store::Rows> rows = tx.Query(
            "SELECT r.id, r.version, r.author, r.recorded_at, r.status, r.reason, r.body "
            "FROM clinical_records r WHERE r.record_type = $1 AND r.version = "
            "(SELECT MAX(x.version) FROM clinical_records x WHERE x.id = r.id) "
            "ORDER BY r.id LIMIT $2 OFFSET $3",
            {kPatientType, page->limit, page->offset});
        if (!rows) return tl::unexpected(rows.error());
        std::vector<store::StoredRecord> out;
        out.reserve(rows->size());
        for (size_t i = 0; i < rows->size(); ++i) {
          store::RowReader reader(*rows, i);
          store::StoredRecord record;
          record.record_type = kPatientType;
          record.meta.id = reader.Text(0);
          record.meta.version = static_cast<int>(reader.Int64(1));
          record.meta.author = reader.Text(2);
          const std::string recorded_at = reader.Text(3);
          const std::string status = reader.Text(4);
          record.meta.reason = reader.Text(5);
          const std::string body = reader.Text(6);
          if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
          Result<Instant> at = ParseRfc3339(recorded_at, "recorded_at");
          Result<clinical::RecordStatus> st = clinical::ParseRecordStatus(status, "status");
          nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
          if (!at || !st || parsed.is_discarded()) {
            return tl::unexpected(Error::Internal("unreadable patient record " + record.meta.id));
          }
          record.meta.recorded_at = *at;
          record.meta.status = *st;
          record.patient_id = record.meta.id;
          record.body = std::move(parsed);
          out.push_back(std::move(record));
        }
        // One audit row for the page: who saw which patients' records.
        store::AuditEntry entry;
        entry.action = "record.list";
        entry.record_type = std::string(kPatientType);
        nlohmann::json ids = nlohmann::json::array();
        for (const store::StoredRecord& record : out) ids.push_back(record.meta.id);
        entry.after = {{"ids", std::move(ids)}};
        if (Result<store::AuditRow> row = store::AppendAudit(tx, context.actor, context.now, entry);
            !row) {
          return tl::unexpected(row.error());
        }
        return out;
      });
  if (!records) return ErrorProblem(records.error());
  nlohmann::json items = nlohmann::json::array();
  for (const store::StoredRecord& record : *records) items.push_back(RecordToJson(record));
  return JsonResponse(
      200, {{"items", std::move(items)}, {"limit", page->limit}, {"offset", page->offset}});
}

HttpResponse CreatePatient(Api& api, RequestContext& context) {
  const Principal* principal = SignedIn(context);
  if (principal == nullptr) return NotSignedIn();
  JsonBody body = ReadJsonBody(context.request);
  if (body.problem) return *body.problem;
  Result<clinical_json::PatientFile> file = clinical_json::PatientFileFromJson(body.value, "");
  if (!file) return ErrorProblem(file.error());
  store::RecordWrite write;
  write.record_type = std::string(kPatientType);
  write.meta.id = store::NewId();
  write.meta.version = 1;
  write.meta.author = principal->user.id;
  write.meta.recorded_at = context.now;
  write.patient_id = write.meta.id;
  write.body = clinical_json::PatientFileToJson(*file);
  DatabaseTimer timer(api.metrics());
  Result<clinical::RecordMeta> meta = store::RecordStore(api.store()).Put(context.actor, write);
  if (!meta) return ErrorProblem(meta.error());
  store::StoredRecord record{write.record_type, *meta, write.patient_id, write.body};
  HttpResponse response = RecordResponse(201, record);
  response.headers.emplace_back("Location", "/api/v1/patients/" + meta->id);
  return response;
}

HttpResponse GetPatient(Api& api, RequestContext& context) {
  DatabaseTimer timer(api.metrics());
  Result<store::StoredRecord> record =
      store::RecordStore(api.store()).Get(context.actor, context.params.at("id"));
  if (!record) return ErrorProblem(record.error());
  if (record->record_type != kPatientType) return Problem(404, "no such patient");
  return RecordResponse(200, *record);
}

// The version an If-Match names: "\"3\"" (or W/"3"); nullopt for anything else.
std::optional<int> IfMatchVersion(const std::string& header) {
  std::string_view text = header;
  if (text.rfind("W/", 0) == 0) text.remove_prefix(2);
  if (text.size() < 3 || text.front() != '"' || text.back() != '"') return std::nullopt;
  text = text.substr(1, text.size() - 2);
  int version = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || version > 100'000'000) return std::nullopt;
    version = version * 10 + (c - '0');
  }
  return version;
}

HttpResponse UpdatePatient(Api& api, RequestContext& context) {
  const Principal* principal = SignedIn(context);
  if (principal == nullptr) return NotSignedIn();
  const std::optional<std::string> if_match = context.request.Header("if-match");
  if (!if_match) {
    return Problem(428, "send If-Match with the ETag of the version you read");
  }
  JsonBody body = ReadJsonBody(context.request);
  if (body.problem) return *body.problem;
  Validator v("invalid patient update");
  std::optional<std::string> reason;
  std::optional<clinical_json::PatientFile> file;
  if (!body.value.is_object()) {
    v.Add({"(body)", "must be a JSON object {\"reason\": ..., \"file\": {...}}"});
  } else {
    json_read::ObjectReader reader(body.value, "", v);
    reason = reader.String("reason");
    const nlohmann::json* file_json = reader.Object("file");
    reader.RejectUnknown({"reason", "file"}, "a patient update");
    v.Require(reason.has_value() && !reason->empty(), "reason",
              "is required: why this version replaces the last");
    v.Require(reader.Has("file"), "file", "is required (the whole patient file)");
    if (file_json != nullptr) {
      Result<clinical_json::PatientFile> parsed =
          clinical_json::PatientFileFromJson(*file_json, "file");
      if (parsed) {
        file = std::move(*parsed);
      } else {
        v.Merge(parsed.error(), "");
      }
    }
  }
  if (Status valid = v.Finish(); !valid) return ErrorProblem(valid.error());
  const std::optional<int> expected = IfMatchVersion(*if_match);
  const std::string& id = context.params.at("id");
  DatabaseTimer timer(api.metrics());
  struct Outcome {
    std::optional<store::StoredRecord> written;
    int current_version = 0;
  };
  Result<Outcome> outcome = api.store().Transact([&](store::Transaction& tx) -> Result<Outcome> {
    Result<store::StoredRecord> current = store::GetRecord(tx, context.actor, context.now, id);
    if (!current) return tl::unexpected(current.error());
    if (current->record_type != kPatientType) {
      return tl::unexpected(Error::NotFound("no such patient"));
    }
    Outcome out;
    out.current_version = current->meta.version;
    if (!expected || *expected != current->meta.version) return out;
    store::RecordWrite write;
    write.record_type = std::string(kPatientType);
    write.meta.id = id;
    write.meta.version = *expected + 1;
    write.meta.author = principal->user.id;
    write.meta.recorded_at = context.now;
    write.meta.reason = *reason;
    write.patient_id = id;
    write.body = clinical_json::PatientFileToJson(*file);
    write.expected_version = *expected;
    Result<clinical::RecordMeta> meta = store::PutRecord(tx, context.actor, context.now, write);
    if (!meta) return tl::unexpected(meta.error());
    out.written = store::StoredRecord{write.record_type, *meta, write.patient_id, write.body};
    return out;
  });
  if (!outcome) {
    if (store::IsConflict(outcome.error())) return Problem(412, outcome.error().message());
    return ErrorProblem(outcome.error());
  }
  const std::optional<store::StoredRecord>& written = outcome->written;
  if (!written.has_value()) {
    HttpResponse response =
        Problem(412, "the patient is at version " + std::to_string(outcome->current_version) +
                         ", not the one If-Match names: read it again and reapply the change");
    response.headers.emplace_back("ETag", ETag(outcome->current_version));
    return response;
  }
  return RecordResponse(200, *written);
}

}  // namespace

std::vector<Route> ClinicalRoutes(Api& api) {
  Api* a = &api;
  std::vector<Route> routes;
  routes.push_back({"POST", "/api/v1/dose-plans", false, kDosers,
                    "Dose and pump plan with limit findings (stateless)",
                    [a](RequestContext& c) { return PlanDose(*a, c); }});
  routes.push_back({"POST", "/api/v1/scales/{scale}/score", false, kScorers,
                    "Score a rating scale (stateless)", ScoreScale});
  routes.push_back({"GET", "/api/v1/patients", false, kChartReaders, "List patients (paged)",
                    [a](RequestContext& c) { return ListPatients(*a, c); }});
  routes.push_back({"POST", "/api/v1/patients", false, kChartWriters, "Register a patient",
                    [a](RequestContext& c) { return CreatePatient(*a, c); }});
  routes.push_back({"GET", "/api/v1/patients/{id}", false, kChartReaders,
                    "A patient's current record (ETag = version)",
                    [a](RequestContext& c) { return GetPatient(*a, c); }});
  routes.push_back({"PUT", "/api/v1/patients/{id}", false, kChartWriters,
                    "Amend a patient's record (If-Match required)",
                    [a](RequestContext& c) { return UpdatePatient(*a, c); }});
  return routes;
}

}  // namespace ketaclinic::api
