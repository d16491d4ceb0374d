#include "store/clinic_repository.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>
#include <utility>

#include "base/validation.h"

#include "store/ids.h"

namespace ketaclinic::store {
namespace {

using clinical_json::PatientFile;
using clinical_json::ScaleResponseRecord;
using clinical_json::SessionRecord;
using clinical_json::SideEffectRecord;
using nlohmann::json;

constexpr std::string_view kCurrentColumns =
    "id, version, record_type, patient_id, author, recorded_at, status, reason, body";
constexpr std::string_view kIsCurrent =
    "version = (SELECT MAX(m.version) FROM clinical_records m WHERE m.id = r.id)";

// One current version, decoded (records.cc keeps its decoder private; this is the same shape).
Result<StoredRecord> Decode(const Rows& rows, size_t i) {
  RowReader reader(rows, i);
  StoredRecord record;
  record.meta.id = reader.Text(0);
  record.meta.version = static_cast<int>(reader.Int64(1));
  record.record_type = reader.Text(2);
  record.patient_id = reader.OptText(3);
  record.meta.author = reader.Text(4);
  const std::string recorded_at = reader.Text(5);
  const std::string status = reader.Text(6);
  record.meta.reason = reader.Text(7);
  const std::string body = reader.Text(8);
  if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
  Result<Instant> at = ParseRfc3339(recorded_at, "recorded_at");
  Result<clinical::RecordStatus> parsed = clinical::ParseRecordStatus(status, "status");
  record.body = json::parse(body, nullptr, false);
  if (!at || !parsed || record.body.is_discarded()) {
    return tl::unexpected(Error(ErrorCode::kInternal, "record " + record.meta.id + " version " +
                                                          std::to_string(record.meta.version) +
                                                          " is unreadable"));
  }
  record.meta.recorded_at = *at;
  record.meta.status = *parsed;
  return record;
}

// A stored body that its reader refuses is damage, not bad input.
Error Unreadable(const StoredRecord& record, const Error& error) {
  return Error(ErrorCode::kInternal, "stored " + record.record_type + " " + record.meta.id +
                                         " does not read back: " + error.ToString());
}

Result<PatientFile> DecodePatient(const StoredRecord& record) {
  Result<PatientFile> file = clinical_json::PatientFileFromJson(record.body);
  if (!file) return tl::unexpected(Unreadable(record, file.error()));
  file->patient.meta = record.meta;
  return file;
}

Result<clinical::TreatmentCourse> DecodeCourse(const StoredRecord& record) {
  Result<clinical::TreatmentCourse> course = clinical_json::CourseFromJson(record.body);
  if (!course) return tl::unexpected(Unreadable(record, course.error()));
  course->meta = record.meta;
  return course;
}

Result<SessionRecord> DecodeSession(const StoredRecord& record) {
  Result<SessionRecord> session = clinical_json::SessionRecordFromJson(record.body);
  if (!session) return tl::unexpected(Unreadable(record, session.error()));
  session->meta = record.meta;
  return session;
}

Result<ScaleResponseRecord> DecodeScaleResponse(const StoredRecord& record) {
  Result<ScaleResponseRecord> response = clinical_json::ScaleResponseRecordFromJson(record.body);
  if (!response) return tl::unexpected(Unreadable(record, response.error()));
  response->response.meta = record.meta;
  return response;
}

Result<SideEffectRecord> DecodeSideEffect(const StoredRecord& record) {
  Result<SideEffectRecord> effect = clinical_json::SideEffectRecordFromJson(record.body);
  if (!effect) return tl::unexpected(Unreadable(record, effect.error()));
  effect->meta = record.meta;
  return effect;
}

// The current version of `id` if it is a record of `type`, without an audit row (the caller's
// own audit covers it).
Result<std::optional<StoredRecord>> FindCurrent(Transaction& tx, std::string_view id,
                                                std::string_view type) {
  Result<Rows> rows = tx.Query("SELECT " + std::string(kCurrentColumns) +
                                   " FROM clinical_records r WHERE id = $1 AND record_type = $2 "
                                   "ORDER BY version DESC LIMIT 1",
                               {id, type});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<StoredRecord>();
  Result<StoredRecord> record = Decode(*rows, 0);
  if (!record) return tl::unexpected(record.error());
  return std::optional<StoredRecord>(std::move(*record));
}

Status RequirePatient(Transaction& tx, const std::string& patient_id) {
  if (patient_id.empty()) return OkStatus();  // the reader has already named the empty field
  Result<std::optional<StoredRecord>> patient =
      FindCurrent(tx, patient_id, clinical_json::kPatientRecordType);
  if (!patient) return tl::unexpected(patient.error());
  if (!patient->has_value()) {
    return tl::unexpected(Error::NotFound("no patient " + patient_id));
  }
  return OkStatus();
}

// The write of a new version: the header from the record's meta and the call.
RecordWrite MakeWrite(const char* type, const Actor& actor, Instant now,
                      const clinical::RecordMeta& meta, std::string patient_id, json body,
                      int expected_version) {
  RecordWrite write;
  write.record_type = type;
  write.meta = meta;
  write.meta.version = expected_version + 1;
  if (write.meta.author.empty()) write.meta.author = actor.user_id;
  if (write.meta.recorded_at.time_since_epoch().count() == 0) write.meta.recorded_at = now;
  if (write.meta.status == clinical::RecordStatus::kAmended) {
    write.meta.status = clinical::RecordStatus::kActive;
  }
  write.patient_id = std::move(patient_id);
  write.body = std::move(body);
  write.expected_version = expected_version;
  return write;
}

// Reads `body` back with `reader` before writing it: a write that could not be read back is
// refused with the reader's problems (nothing written).
template <typename Reader>
Status ReadsBack(const json& body, Reader reader) {
  auto read = reader(body, "");
  if (!read) return tl::unexpected(read.error());
  return OkStatus();
}

Result<StoredRecord> GetTyped(Transaction& tx, const Actor& actor, Instant now, std::string_view id,
                              std::string_view type) {
  Result<StoredRecord> record = GetRecord(tx, actor, now, id);
  if (!record) return tl::unexpected(record.error());
  if (record->record_type != type) {
    return tl::unexpected(Error::NotFound("no " + std::string(type) + " " + std::string(id) +
                                          " (it is a " + record->record_type + ")"));
  }
  return record;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

Result<std::vector<StoredVitals>> PatientVitals(Transaction& tx, std::string_view patient_id) {
  Result<Rows> rows = tx.Query(
      "SELECT id, session_id, patient_id, taken_at, systolic_mmhg, diastolic_mmhg, "
      "heart_rate_bpm, spo2_percent, resp_rate_per_min, on_room_air, author, recorded_at, "
      "status, reason FROM vitals WHERE patient_id = $1 ORDER BY taken_at, id",
      {patient_id});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<StoredVitals> out;
  out.reserve(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    RowReader reader(*rows, i);
    StoredVitals v;
    v.id = reader.Int64(0);
    v.session_id = reader.Text(1);
    v.patient_id = reader.Text(2);
    const std::string taken_at = reader.Text(3);
    v.vitals.systolic_mmhg = reader.OptDouble(4);
    v.vitals.diastolic_mmhg = reader.OptDouble(5);
    v.vitals.heart_rate_bpm = reader.OptDouble(6);
    v.vitals.spo2_percent = reader.OptDouble(7);
    v.vitals.resp_rate_per_min = reader.OptDouble(8);
    v.vitals.on_room_air = reader.Int64(9) != 0;
    v.author = reader.Text(10);
    const std::string recorded_at = reader.Text(11);
    const std::string status = reader.Text(12);
    v.reason = reader.Text(13);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    Result<Instant> taken = ParseRfc3339(taken_at, "taken_at");
    Result<Instant> recorded = ParseRfc3339(recorded_at, "recorded_at");
    Result<clinical::RecordStatus> parsed = clinical::ParseRecordStatus(status, "status");
    if (!taken || !recorded || !parsed) {
      return tl::unexpected(
          Error(ErrorCode::kInternal, "vitals row " + std::to_string(v.id) + " is unreadable"));
    }
    v.vitals.time = *taken;
    v.recorded_at = *recorded;
    v.status = *parsed;
    out.push_back(std::move(v));
  }
  return out;
}

Status AuditOne(Transaction& tx, const Actor& actor, Instant now, std::string action,
                std::string record_type, std::string record_id,
                std::optional<std::string> patient_id) {
  AuditEntry entry;
  entry.action = std::move(action);
  entry.record_type = std::move(record_type);
  entry.record_id = std::move(record_id);
  entry.patient_id = std::move(patient_id);
  Result<AuditRow> row = AppendAudit(tx, actor, now, entry);
  if (!row) return tl::unexpected(row.error());
  return OkStatus();
}

}  // namespace

// --- within a transaction ---------------------------------------------------------------------

Result<clinical::RecordMeta> PutPatient(Transaction& tx, const Actor& actor, Instant now,
                                        const PatientFile& file, int expected_version) {
  PatientFile body_file = file;
  body_file.patient.meta = {};  // the header is stored in the columns, not the body
  const json body = clinical_json::PatientFileToJson(body_file);
  if (Status ok = ReadsBack(body, clinical_json::PatientFileFromJson); !ok) {
    return tl::unexpected(ok.error());
  }
  RecordWrite write = MakeWrite(clinical_json::kPatientRecordType, actor, now, file.patient.meta,
                                "", body, expected_version);
  // A patient's records carry the patient's own id: a new patient needs it before writing.
  if (write.meta.id.empty()) write.meta.id = NewId();
  write.patient_id = write.meta.id;
  return PutRecord(tx, actor, now, write);
}

Result<clinical::RecordMeta> PutCourse(Transaction& tx, const Actor& actor, Instant now,
                                       const clinical::TreatmentCourse& course,
                                       int expected_version) {
  clinical::TreatmentCourse body_course = course;
  body_course.meta = {};
  const json body = clinical_json::CourseToJson(body_course);
  Validator v("invalid course record");
  v.Require(!course.patient_id.empty(), "course.patient_id", "is required: whose course");
  if (Result<clinical::TreatmentCourse> read = clinical_json::CourseFromJson(body); !read) {
    v.Merge(read.error(), "");
  }
  if (Status ok = v.Finish(); !ok) return tl::unexpected(ok.error());
  if (Status ok = RequirePatient(tx, course.patient_id); !ok) return tl::unexpected(ok.error());
  return PutRecord(tx, actor, now,
                   MakeWrite(clinical_json::kCourseRecordType, actor, now, course.meta,
                             course.patient_id, body, expected_version));
}

Result<clinical::RecordMeta> PutSession(Transaction& tx, const Actor& actor, Instant now,
                                        const SessionRecord& session, int expected_version) {
  const json body = clinical_json::SessionRecordToJson(session);
  if (Status ok = ReadsBack(body, clinical_json::SessionRecordFromJson); !ok) {
    return tl::unexpected(ok.error());
  }
  if (Status ok = RequirePatient(tx, session.patient_id); !ok) return tl::unexpected(ok.error());
  if (!session.course_id.empty()) {
    Result<std::optional<StoredRecord>> course =
        FindCurrent(tx, session.course_id, clinical_json::kCourseRecordType);
    if (!course) return tl::unexpected(course.error());
    const std::optional<StoredRecord>& found = *course;
    if (!found.has_value() || found->patient_id != session.patient_id) {
      return tl::unexpected(
          Error::NotFound("no course " + session.course_id + " of patient " + session.patient_id));
    }
  }
  return PutRecord(tx, actor, now,
                   MakeWrite(clinical_json::kSessionRecordType, actor, now, session.meta,
                             session.patient_id, body, expected_version));
}

Result<clinical::RecordMeta> PutScaleResponse(Transaction& tx, const Actor& actor, Instant now,
                                              const ScaleResponseRecord& record,
                                              int expected_version) {
  const json body = clinical_json::ScaleResponseRecordToJson(record);
  if (Status ok = ReadsBack(body, clinical_json::ScaleResponseRecordFromJson); !ok) {
    return tl::unexpected(ok.error());
  }
  if (Status ok = RequirePatient(tx, record.patient_id); !ok) return tl::unexpected(ok.error());
  return PutRecord(tx, actor, now,
                   MakeWrite(clinical_json::kScaleResponseRecordType, actor, now,
                             record.response.meta, record.patient_id, body, expected_version));
}

Result<clinical::RecordMeta> PutSideEffect(Transaction& tx, const Actor& actor, Instant now,
                                           const SideEffectRecord& record, int expected_version) {
  const json body = clinical_json::SideEffectRecordToJson(record);
  if (Status ok = ReadsBack(body, clinical_json::SideEffectRecordFromJson); !ok) {
    return tl::unexpected(ok.error());
  }
  if (Status ok = RequirePatient(tx, record.patient_id); !ok) return tl::unexpected(ok.error());
  return PutRecord(tx, actor, now,
                   MakeWrite(clinical_json::kSideEffectRecordType, actor, now, record.meta,
                             record.patient_id, body, expected_version));
}

Result<PatientChart> ReadPatientChart(Transaction& tx, const Actor& actor, Instant now,
                                      std::string_view patient_id) {
  Result<std::optional<StoredRecord>> head =
      FindCurrent(tx, patient_id, clinical_json::kPatientRecordType);
  if (!head) return tl::unexpected(head.error());
  const std::optional<StoredRecord>& head_record = *head;
  if (!head_record.has_value()) {
    return tl::unexpected(Error::NotFound("no patient " + std::string(patient_id)));
  }
  PatientChart chart;
  Result<PatientFile> patient = DecodePatient(*head_record);
  if (!patient) return tl::unexpected(patient.error());
  chart.patient = std::move(*patient);

  Result<Rows> rows = tx.Query("SELECT " + std::string(kCurrentColumns) +
                                   " FROM clinical_records r WHERE patient_id = $1 AND id <> $1 "
                                   "AND " +
                                   std::string(kIsCurrent) + " ORDER BY recorded_at, id",
                               {patient_id});
  if (!rows) return tl::unexpected(rows.error());
  for (size_t i = 0; i < rows->size(); ++i) {
    Result<StoredRecord> record = Decode(*rows, i);
    if (!record) return tl::unexpected(record.error());
    const std::string& type = record->record_type;
    // Other kinds of records (orders, ledger entries) belong to other pages of the chart.
    if (type == clinical_json::kCourseRecordType) {
      Result<clinical::TreatmentCourse> course = DecodeCourse(*record);
      if (!course) return tl::unexpected(course.error());
      chart.courses.push_back(std::move(*course));
    } else if (type == clinical_json::kSessionRecordType) {
      Result<SessionRecord> session = DecodeSession(*record);
      if (!session) return tl::unexpected(session.error());
      chart.sessions.push_back(std::move(*session));
    } else if (type == clinical_json::kScaleResponseRecordType) {
      Result<ScaleResponseRecord> response = DecodeScaleResponse(*record);
      if (!response) return tl::unexpected(response.error());
      chart.scale_responses.push_back(std::move(*response));
    } else if (type == clinical_json::kSideEffectRecordType) {
      Result<SideEffectRecord> effect = DecodeSideEffect(*record);
      if (!effect) return tl::unexpected(effect.error());
      chart.side_effects.push_back(std::move(*effect));
    }
  }
  Result<std::vector<StoredVitals>> vitals = PatientVitals(tx, patient_id);
  if (!vitals) return tl::unexpected(vitals.error());
  chart.vitals = std::move(*vitals);
  if (Status ok = AuditOne(tx, actor, now, "record.read", "patient-chart", std::string(patient_id),
                           std::string(patient_id));
      !ok) {
    return tl::unexpected(ok.error());
  }
  return chart;
}

Result<PatientListing> ListPatients(Transaction& tx, const Actor& actor, Instant now,
                                    const PatientQuery& query) {
  Validator v("invalid patient search");
  v.Require(query.page.limit >= 1 && query.page.limit <= 1000, "limit",
            "must be 1 to 1000, got " + std::to_string(query.page.limit));
  v.Require(query.page.offset >= 0, "offset", "must be >= 0");
  v.Require(query.name_contains.size() <= 200, "name_contains", "is longer than 200 characters");
  if (Status ok = v.Finish(); !ok) return tl::unexpected(ok.error());
  // Names live inside the JSON bodies, which neither backend indexes: the current patients are
  // read and matched here. A clinic's patient list (thousands) is small for this.
  Result<Rows> rows = tx.Query("SELECT " + std::string(kCurrentColumns) +
                                   " FROM clinical_records r WHERE record_type = $1 AND " +
                                   std::string(kIsCurrent) + " AND status <> 'entered-in-error'",
                               {clinical_json::kPatientRecordType});
  if (!rows) return tl::unexpected(rows.error());
  const std::string needle = Lower(query.name_contains);
  std::vector<PatientFile> matches;
  matches.reserve(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    Result<StoredRecord> record = Decode(*rows, i);
    if (!record) return tl::unexpected(record.error());
    Result<PatientFile> file = DecodePatient(*record);
    if (!file) return tl::unexpected(file.error());
    if (needle.empty() || Lower(file->patient.name).find(needle) != std::string::npos ||
        Lower(file->patient.identifier).find(needle) != std::string::npos) {
      matches.push_back(std::move(*file));
    }
  }
  std::sort(matches.begin(), matches.end(), [](const PatientFile& a, const PatientFile& b) {
    return std::tie(a.patient.name, a.patient.meta.id) <
           std::tie(b.patient.name, b.patient.meta.id);
  });
  PatientListing listing;
  listing.total = static_cast<int64_t>(matches.size());
  const auto begin = std::min(matches.size(), static_cast<size_t>(query.page.offset));
  const auto end = std::min(matches.size(), begin + static_cast<size_t>(query.page.limit));
  listing.patients.assign(std::make_move_iterator(matches.begin() + static_cast<ptrdiff_t>(begin)),
                          std::make_move_iterator(matches.begin() + static_cast<ptrdiff_t>(end)));
  if (Status ok = AuditOne(tx, actor, now, "record.list", clinical_json::kPatientRecordType, "",
                           std::nullopt);
      !ok) {
    return tl::unexpected(ok.error());
  }
  return listing;
}

Result<std::vector<clinical::TreatmentCourse>> AllCourses(Transaction& tx) {
  Result<Rows> rows = tx.Query("SELECT " + std::string(kCurrentColumns) +
                                   " FROM clinical_records r WHERE record_type = $1 AND " +
                                   std::string(kIsCurrent) +
                                   " AND status <> 'entered-in-error' ORDER BY patient_id, "
                                   "recorded_at, id",
                               {clinical_json::kCourseRecordType});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<clinical::TreatmentCourse> courses;
  courses.reserve(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    Result<StoredRecord> record = Decode(*rows, i);
    if (!record) return tl::unexpected(record.error());
    Result<clinical::TreatmentCourse> course = DecodeCourse(*record);
    if (!course) return tl::unexpected(course.error());
    courses.push_back(std::move(*course));
  }
  return courses;
}

Result<int64_t> CountPatients(Transaction& tx) {
  Result<Rows> rows =
      tx.Query("SELECT COUNT(*) FROM clinical_records r WHERE record_type = $1 AND " +
                   std::string(kIsCurrent) + " AND status <> 'entered-in-error'",
               {clinical_json::kPatientRecordType});
  if (!rows) return tl::unexpected(rows.error());
  RowReader reader(*rows, 0);
  const int64_t count = reader.Int64(0);
  if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
  return count;
}

// --- one call, one transaction -----------------------------------------------------------------

Result<clinical::RecordMeta> ClinicRepository::PutPatient(const Actor& actor,
                                                          const PatientFile& file) {
  return store_.Transact(
      [&](Transaction& tx) { return store::PutPatient(tx, actor, store_.Now(), file, 0); });
}

Result<clinical::RecordMeta> ClinicRepository::AmendPatient(const Actor& actor, PatientFile file,
                                                            int expected_version,
                                                            const std::string& reason) {
  file.patient.meta.reason = reason;
  file.patient.meta.author.clear();
  file.patient.meta.recorded_at = Instant{};
  file.patient.meta.status = clinical::RecordStatus::kActive;
  return store_.Transact([&](Transaction& tx) {
    return store::PutPatient(tx, actor, store_.Now(), file, expected_version);
  });
}

Result<PatientFile> ClinicRepository::GetPatient(const Actor& actor, std::string_view id) {
  return store_.Transact([&](Transaction& tx) -> Result<PatientFile> {
    Result<StoredRecord> record =
        GetTyped(tx, actor, store_.Now(), id, clinical_json::kPatientRecordType);
    if (!record) return tl::unexpected(record.error());
    return DecodePatient(*record);
  });
}

Result<PatientListing> ClinicRepository::ListPatients(const Actor& actor,
                                                      const PatientQuery& query) {
  return store_.Transact(
      [&](Transaction& tx) { return store::ListPatients(tx, actor, store_.Now(), query); });
}

Result<clinical::RecordMeta> ClinicRepository::PutCourse(const Actor& actor,
                                                         const clinical::TreatmentCourse& course,
                                                         int expected_version) {
  return store_.Transact([&](Transaction& tx) {
    return store::PutCourse(tx, actor, store_.Now(), course, expected_version);
  });
}

Result<clinical::TreatmentCourse> ClinicRepository::GetCourse(const Actor& actor,
                                                              std::string_view id) {
  return store_.Transact([&](Transaction& tx) -> Result<clinical::TreatmentCourse> {
    Result<StoredRecord> record =
        GetTyped(tx, actor, store_.Now(), id, clinical_json::kCourseRecordType);
    if (!record) return tl::unexpected(record.error());
    return DecodeCourse(*record);
  });
}

Result<clinical::RecordMeta> ClinicRepository::PutSession(const Actor& actor,
                                                          const SessionRecord& session,
                                                          int expected_version) {
  return store_.Transact([&](Transaction& tx) {
    return store::PutSession(tx, actor, store_.Now(), session, expected_version);
  });
}

Result<SessionRecord> ClinicRepository::GetSession(const Actor& actor, std::string_view id) {
  return store_.Transact([&](Transaction& tx) -> Result<SessionRecord> {
    Result<StoredRecord> record =
        GetTyped(tx, actor, store_.Now(), id, clinical_json::kSessionRecordType);
    if (!record) return tl::unexpected(record.error());
    return DecodeSession(*record);
  });
}

Result<clinical::RecordMeta> ClinicRepository::PutScaleResponse(const Actor& actor,
                                                                const ScaleResponseRecord& record,
                                                                int expected_version) {
  return store_.Transact([&](Transaction& tx) {
    return store::PutScaleResponse(tx, actor, store_.Now(), record, expected_version);
  });
}

Result<clinical::RecordMeta> ClinicRepository::PutSideEffect(const Actor& actor,
                                                             const SideEffectRecord& record,
                                                             int expected_version) {
  return store_.Transact([&](Transaction& tx) {
    return store::PutSideEffect(tx, actor, store_.Now(), record, expected_version);
  });
}

Result<std::vector<int64_t>> ClinicRepository::AppendSessionVitals(
    const Actor& actor, std::string_view session_id,
    const std::vector<clinical::VitalSigns>& readings) {
  return store_.Transact([&](Transaction& tx) -> Result<std::vector<int64_t>> {
    Result<std::optional<StoredRecord>> session =
        FindCurrent(tx, session_id, clinical_json::kSessionRecordType);
    if (!session) return tl::unexpected(session.error());
    const std::optional<StoredRecord>& found = *session;
    if (!found.has_value() || !found->patient_id.has_value()) {
      return tl::unexpected(Error::NotFound("no session " + std::string(session_id)));
    }
    const Instant now = store_.Now();
    return AppendVitals(tx, actor, now, session_id, *found->patient_id, readings, now);
  });
}

Result<PatientChart> ClinicRepository::ReadPatientChart(const Actor& actor,
                                                        std::string_view patient_id) {
  return store_.Transact([&](Transaction& tx) {
    return store::ReadPatientChart(tx, actor, store_.Now(), patient_id);
  });
}

}  // namespace ketaclinic::store
