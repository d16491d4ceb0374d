#include "store/records.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/validation.h"

#include "store/ids.h"

namespace ketaclinic::store {
namespace {

constexpr std::string_view kVersionColumns =
    "id, version, record_type, patient_id, author, recorded_at, status, reason, body";

// Record types and ids are names, not text: lower-case letters, digits and - _ . (ids may also
// use upper case, for ids made elsewhere, e.g. FHIR).
bool IsName(std::string_view text, bool allow_upper) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [allow_upper](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           (allow_upper && c >= 'A' && c <= 'Z');
  });
}

std::string DumpBody(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<StoredRecord> DecodeVersion(const Rows& rows, size_t i) {
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
  const auto bad = [&](const std::string& what) {
    return tl::unexpected(Error(ErrorCode::kInternal, "record " + record.meta.id + " version " +
                                                          std::to_string(record.meta.version) +
                                                          ": " + what));
  };
  Result<Instant> at = ParseRfc3339(recorded_at, "recorded_at");
  if (!at) return bad("unreadable recorded_at '" + recorded_at + "'");
  record.meta.recorded_at = *at;
  Result<clinical::RecordStatus> parsed_status = clinical::ParseRecordStatus(status, "status");
  if (!parsed_status) return bad("unknown status '" + status + "'");
  record.meta.status = *parsed_status;
  record.body = nlohmann::json::parse(body, nullptr, false);
  if (record.body.is_discarded()) return bad("body is not JSON");
  return record;
}

Result<std::vector<StoredRecord>> DecodeVersions(const Rows& rows) {
  std::vector<StoredRecord> records;
  records.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    Result<StoredRecord> record = DecodeVersion(rows, i);
    if (!record) return tl::unexpected(record.error());
    records.push_back(std::move(*record));
  }
  return records;
}

Result<std::optional<StoredRecord>> Current(Transaction& tx, std::string_view id) {
  Result<Rows> rows = tx.Query("SELECT " + std::string(kVersionColumns) +
                                   " FROM clinical_records WHERE id = $1 "
                                   "ORDER BY version DESC LIMIT 1",
                               {id});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<StoredRecord>();
  Result<StoredRecord> record = DecodeVersion(*rows, 0);
  if (!record) return tl::unexpected(record.error());
  return std::optional<StoredRecord>(std::move(*record));
}

// One version for the audit trail's before/after.
nlohmann::json VersionJson(const clinical::RecordMeta& meta, const nlohmann::json& body) {
  return {{"version", meta.version}, {"status", clinical::RecordStatusName(meta.status)},
          {"author", meta.author},   {"recorded_at", FormatRfc3339(meta.recorded_at)},
          {"reason", meta.reason},   {"body", body}};
}

Status ValidateWrite(const RecordWrite& write) {
  Validator v("invalid record");
  v.Require(
      IsName(write.record_type, false), "record_type",
      "must be 1-64 lower-case letters, digits, '-', '_' or '.', got '" + write.record_type + "'");
  v.Require(write.meta.id.empty() || IsName(write.meta.id, true), "meta.id",
            "must be 1-64 letters, digits, '-', '_' or '.'");
  v.Require(!write.meta.id.empty() || write.expected_version == 0, "meta.id",
            "an amendment names the record it amends");
  v.Require(write.expected_version >= 0, "expected_version",
            "must be 0 (a new record) or the version read");
  v.Require(write.meta.version == write.expected_version + 1, "meta.version",
            "must be expected_version + 1 (" + std::to_string(write.expected_version + 1) +
                "), got " + std::to_string(write.meta.version));
  v.Require(!write.meta.author.empty(), "meta.author", "names who wrote this version");
  v.Require(write.meta.recorded_at.time_since_epoch().count() > 0, "meta.recorded_at",
            "is not set");
  v.Require(write.meta.status != clinical::RecordStatus::kAmended, "meta.status",
            "'amended' is not written: a version is amended when a later one exists");
  v.Require(write.expected_version == 0 || !write.meta.reason.empty(), "meta.reason",
            "an amendment or withdrawal gives a reason");
  v.Require(!write.patient_id || !write.patient_id->empty(), "patient_id",
            "is empty (leave it out for a record of no one patient)");
  v.Require(!write.body.is_discarded(), "body", "is not a JSON value");
  return v.Finish();
}

Status Audit(Transaction& tx, const Actor& actor, Instant now, const StoredRecord& record,
             const std::string& action) {
  AuditEntry entry;
  entry.action = action;
  entry.record_type = record.record_type;
  entry.record_id = record.meta.id;
  entry.patient_id = record.patient_id;
  Result<AuditRow> row = AppendAudit(tx, actor, now, entry);
  if (!row) return tl::unexpected(row.error());
  return OkStatus();
}

}  // namespace

Result<clinical::RecordMeta> PutRecord(Transaction& tx, const Actor& actor, Instant now,
                                       const RecordWrite& write) {
  if (Status valid = ValidateWrite(write); !valid) return tl::unexpected(valid.error());
  clinical::RecordMeta meta = write.meta;
  if (meta.id.empty()) meta.id = NewId();

  Result<std::optional<StoredRecord>> read = Current(tx, meta.id);
  if (!read) return tl::unexpected(read.error());
  const std::optional<StoredRecord> current = std::move(*read);
  const int current_version = current.has_value() ? current->meta.version : 0;
  if (current_version != write.expected_version) {
    if (write.expected_version == 0) {
      return tl::unexpected(ConflictError("record " + meta.id + " already exists (version " +
                                          std::to_string(current_version) +
                                          "); read it and amend that version"));
    }
    if (current_version == 0) {
      return tl::unexpected(Error::NotFound("record " + meta.id +
                                            " does not exist (an "
                                            "amendment of version " +
                                            std::to_string(write.expected_version) +
                                            " was asked for)"));
    }
    return tl::unexpected(ConflictError(
        "record " + meta.id + " was changed by someone else: this edit is based on version " +
        std::to_string(write.expected_version) + " but the current version is " +
        std::to_string(current_version) + "; reload it and apply the change again"));
  }
  if (current.has_value()) {
    const StoredRecord& previous = *current;
    if (previous.meta.status == clinical::RecordStatus::kEnteredInError) {
      return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                                  "record " + meta.id + " is entered-in-error (version " +
                                      std::to_string(current_version) +
                                      "); it cannot be amended: write a new record"));
    }
    if (previous.record_type != write.record_type || previous.patient_id != write.patient_id) {
      return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                                  "record " + meta.id + " is a " + previous.record_type +
                                      " of patient " + previous.patient_id.value_or("(none)") +
                                      "; a new version cannot change its type or patient: mark "
                                      "it entered-in-error and write a new record"));
    }
  }

  Result<int64_t> inserted = tx.Exec(
      "INSERT INTO clinical_records (id, version, record_type, patient_id, author, recorded_at, "
      "status, reason, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {meta.id, meta.version, write.record_type, write.patient_id, meta.author,
       FormatRfc3339(meta.recorded_at), clinical::RecordStatusName(meta.status), meta.reason,
       DumpBody(write.body)});
  if (!inserted) {
    if (tx.last_failure() == FailureKind::kUniqueViolation) {
      return tl::unexpected(ConflictError("record " + meta.id + ": version " +
                                          std::to_string(meta.version) +
                                          " was written by someone else meanwhile; reload it "
                                          "and apply the change again"));
    }
    return tl::unexpected(inserted.error());
  }

  AuditEntry entry;
  entry.action = write.expected_version == 0                              ? "record.create"
                 : meta.status == clinical::RecordStatus::kEnteredInError ? "record.enter-in-error"
                                                                          : "record.amend";
  entry.record_type = write.record_type;
  entry.record_id = meta.id;
  entry.patient_id = write.patient_id;
  if (current.has_value()) entry.before = VersionJson(current->meta, current->body);
  entry.after = VersionJson(meta, write.body);
  if (Result<AuditRow> row = AppendAudit(tx, actor, now, entry); !row) {
    return tl::unexpected(row.error());
  }
  return meta;
}

Result<StoredRecord> GetRecord(Transaction& tx, const Actor& actor, Instant now,
                               std::string_view id) {
  Result<std::optional<StoredRecord>> read = Current(tx, id);
  if (!read) return tl::unexpected(read.error());
  std::optional<StoredRecord> current = std::move(*read);
  if (!current.has_value()) return tl::unexpected(Error::NotFound("no record " + std::string(id)));
  if (Status audited = Audit(tx, actor, now, *current, "record.read"); !audited) {
    return tl::unexpected(audited.error());
  }
  return std::move(*current);
}

Result<std::vector<StoredRecord>> RecordHistory(Transaction& tx, const Actor& actor, Instant now,
                                                std::string_view id) {
  Result<Rows> rows = tx.Query("SELECT " + std::string(kVersionColumns) +
                                   " FROM clinical_records WHERE id = $1 ORDER BY version",
                               {id});
  if (!rows) return tl::unexpected(rows.error());
  Result<std::vector<StoredRecord>> versions = DecodeVersions(*rows);
  if (!versions) return tl::unexpected(versions.error());
  if (versions->empty()) return tl::unexpected(Error::NotFound("no record " + std::string(id)));
  for (size_t i = 0; i + 1 < versions->size(); ++i) {
    clinical::RecordMeta& meta = (*versions)[i].meta;
    if (meta.status == clinical::RecordStatus::kActive)
      meta.status = clinical::RecordStatus::kAmended;
  }
  if (Status audited = Audit(tx, actor, now, versions->back(), "record.history"); !audited) {
    return tl::unexpected(audited.error());
  }
  return versions;
}

Result<std::vector<StoredRecord>> ListPatientRecords(Transaction& tx, const Actor& actor,
                                                     Instant now, std::string_view patient_id,
                                                     std::string_view record_type, Page page) {
  Validator v("invalid record list");
  v.Require(!patient_id.empty(), "patient_id", "is empty");
  v.Require(page.limit >= 1 && page.limit <= 1000, "limit",
            "must be 1 to 1000, got " + std::to_string(page.limit));
  v.Require(page.offset >= 0, "offset", "must be >= 0");
  if (Status valid = v.Finish(); !valid) return tl::unexpected(valid.error());
  Result<Rows> rows = tx.Query(
      "SELECT " + std::string(kVersionColumns) +
          " FROM clinical_records r WHERE patient_id = $1 "
          "AND (CAST($2 AS TEXT) = '' OR record_type = CAST($2 AS TEXT)) "
          "AND version = (SELECT MAX(m.version) FROM clinical_records m WHERE m.id = r.id) "
          "ORDER BY recorded_at, id LIMIT $3 OFFSET $4",
      {patient_id, record_type, page.limit, page.offset});
  if (!rows) return tl::unexpected(rows.error());
  Result<std::vector<StoredRecord>> records = DecodeVersions(*rows);
  if (!records) return tl::unexpected(records.error());
  AuditEntry entry;
  entry.action = "record.list";
  entry.record_type = std::string(record_type);
  entry.patient_id = std::string(patient_id);
  if (Result<AuditRow> row = AppendAudit(tx, actor, now, entry); !row) {
    return tl::unexpected(row.error());
  }
  return records;
}

Result<clinical::RecordMeta> RecordStore::Put(const Actor& actor, const RecordWrite& write) {
  return store_.Transact(
      [&](Transaction& tx) { return PutRecord(tx, actor, store_.Now(), write); });
}

Result<clinical::RecordMeta> RecordStore::Put(const Actor& actor, std::string_view record_type,
                                              const clinical::RecordMeta& meta,
                                              const std::optional<std::string>& patient_id,
                                              const nlohmann::json& body, int expected_version) {
  return Put(actor,
             RecordWrite{std::string(record_type), meta, patient_id, body, expected_version});
}

Result<StoredRecord> RecordStore::Get(const Actor& actor, std::string_view id) {
  return store_.Transact([&](Transaction& tx) { return GetRecord(tx, actor, store_.Now(), id); });
}

Result<std::vector<StoredRecord>> RecordStore::History(const Actor& actor, std::string_view id) {
  return store_.Transact(
      [&](Transaction& tx) { return RecordHistory(tx, actor, store_.Now(), id); });
}

Result<std::vector<StoredRecord>> RecordStore::ListByPatient(const Actor& actor,
                                                             std::string_view patient_id,
                                                             std::string_view record_type,
                                                             Page page) {
  return store_.Transact([&](Transaction& tx) {
    return ListPatientRecords(tx, actor, store_.Now(), patient_id, record_type, page);
  });
}

Result<clinical::RecordMeta> RecordStore::MarkEnteredInError(const Actor& actor,
                                                             std::string_view id,
                                                             int expected_version,
                                                             std::string reason, Instant at) {
  return store_.Transact([&](Transaction& tx) -> Result<clinical::RecordMeta> {
    Result<std::optional<StoredRecord>> read = Current(tx, id);
    if (!read) return tl::unexpected(read.error());
    const std::optional<StoredRecord> current = std::move(*read);
    if (!current.has_value()) {
      return tl::unexpected(Error::NotFound("no record " + std::string(id)));
    }
    const StoredRecord& record = *current;
    if (record.meta.version != expected_version) {
      return tl::unexpected(
          ConflictError("record " + std::string(id) +
                        " was changed by someone else: the withdrawal is based "
                        "on version " +
                        std::to_string(expected_version) + " but the current version is " +
                        std::to_string(record.meta.version) + "; reload it and decide again"));
    }
    Result<clinical::RecordMeta> withdrawn =
        clinical::MarkEnteredInError(record.meta, actor.user_id, at, reason);
    if (!withdrawn) return tl::unexpected(withdrawn.error());
    return PutRecord(tx, actor, store_.Now(),
                     RecordWrite{record.record_type, *withdrawn, record.patient_id, record.body,
                                 expected_version});
  });
}

}  // namespace ketaclinic::store
