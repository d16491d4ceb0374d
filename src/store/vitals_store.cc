#include "store/vitals_store.h"

#include <string>
#include <utility>

#include "base/validation.h"

namespace ketaclinic::store {
namespace {

constexpr std::string_view kColumns =
    "id, session_id, patient_id, taken_at, systolic_mmhg, diastolic_mmhg, heart_rate_bpm, "
    "spo2_percent, resp_rate_per_min, on_room_air, author, recorded_at, status, reason";

nlohmann::json ReadingJson(int64_t id, const clinical::VitalSigns& v) {
  const auto number = [](const std::optional<double>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  };
  return {{"id", id},
          {"taken_at", FormatRfc3339(v.time)},
          {"systolic_mmhg", number(v.systolic_mmhg)},
          {"diastolic_mmhg", number(v.diastolic_mmhg)},
          {"heart_rate_bpm", number(v.heart_rate_bpm)},
          {"spo2_percent", number(v.spo2_percent)},
          {"resp_rate_per_min", number(v.resp_rate_per_min)},
          {"on_room_air", v.on_room_air}};
}

Result<std::vector<StoredVitals>> Decode(const Rows& rows) {
  std::vector<StoredVitals> out;
  out.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    RowReader reader(rows, i);
    StoredVitals stored;
    stored.id = reader.Int64(0);
    stored.session_id = reader.Text(1);
    stored.patient_id = reader.Text(2);
    const std::string taken_at = reader.Text(3);
    stored.vitals.systolic_mmhg = reader.OptDouble(4);
    stored.vitals.diastolic_mmhg = reader.OptDouble(5);
    stored.vitals.heart_rate_bpm = reader.OptDouble(6);
    stored.vitals.spo2_percent = reader.OptDouble(7);
    stored.vitals.resp_rate_per_min = reader.OptDouble(8);
    stored.vitals.on_room_air = reader.Int64(9) != 0;
    stored.author = reader.Text(10);
    const std::string recorded_at = reader.Text(11);
    const std::string status = reader.Text(12);
    stored.reason = reader.Text(13);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    Result<Instant> taken = ParseRfc3339(taken_at, "taken_at");
    Result<Instant> recorded = ParseRfc3339(recorded_at, "recorded_at");
    Result<clinical::RecordStatus> parsed = clinical::ParseRecordStatus(status, "status");
    if (!taken || !recorded || !parsed) {
      return tl::unexpected(Error(ErrorCode::kInternal, "vitals row " + std::to_string(stored.id) +
                                                            " has an unreadable time or status"));
    }
    stored.vitals.time = *taken;
    stored.recorded_at = *recorded;
    stored.status = *parsed;
    out.push_back(std::move(stored));
  }
  return out;
}

Status AuditRead(Transaction& tx, const Actor& actor, Instant now, const std::string& record_id,
                 const std::string& patient_id) {
  AuditEntry entry;
  entry.action = "vitals.read";
  entry.record_type = "vitals";
  entry.record_id = record_id;
  if (!patient_id.empty()) entry.patient_id = patient_id;
  Result<AuditRow> row = AppendAudit(tx, actor, now, entry);
  if (!row) return tl::unexpected(row.error());
  return OkStatus();
}

}  // namespace

Result<std::vector<int64_t>> AppendVitals(Transaction& tx, const Actor& actor, Instant now,
                                          std::string_view session_id, std::string_view patient_id,
                                          const std::vector<clinical::VitalSigns>& readings,
                                          Instant recorded_at) {
  Validator v("invalid vital signs");
  v.Require(!session_id.empty(), "session_id", "is empty");
  v.Require(!patient_id.empty(), "patient_id", "is empty");
  v.Require(!readings.empty() && readings.size() <= 10000, "readings",
            "must hold 1 to 10000 readings");
  for (size_t i = 0; i < readings.size(); ++i) {
    const std::string prefix = "readings[" + std::to_string(i) + "].";
    if (Status valid = clinical::ValidateVitalSigns(readings[i], prefix); !valid) {
      v.Merge(valid.error(), "");
    }
  }
  if (Status valid = v.Finish(); !valid) return tl::unexpected(valid.error());

  std::vector<int64_t> ids;
  ids.reserve(readings.size());
  nlohmann::json written = nlohmann::json::array();
  for (const clinical::VitalSigns& reading : readings) {
    Result<Rows> inserted = tx.Query(
        "INSERT INTO vitals (session_id, patient_id, taken_at, systolic_mmhg, diastolic_mmhg, "
        "heart_rate_bpm, spo2_percent, resp_rate_per_min, on_room_air, author, recorded_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        {session_id, patient_id, FormatRfc3339(reading.time), reading.systolic_mmhg,
         reading.diastolic_mmhg, reading.heart_rate_bpm, reading.spo2_percent,
         reading.resp_rate_per_min, reading.on_room_air ? 1 : 0, actor.user_id,
         FormatRfc3339(recorded_at)});
    if (!inserted) return tl::unexpected(inserted.error());
    RowReader reader(*inserted, 0);
    const int64_t id = reader.Int64(0);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    ids.push_back(id);
    written.push_back(ReadingJson(id, reading));
  }
  AuditEntry entry;
  entry.action = "vitals.append";
  entry.record_type = "vitals";
  entry.record_id = std::string(session_id);
  entry.patient_id = std::string(patient_id);
  entry.after = std::move(written);
  if (Result<AuditRow> row = AppendAudit(tx, actor, now, entry); !row) {
    return tl::unexpected(row.error());
  }
  return ids;
}

Result<std::vector<int64_t>> VitalsStore::Append(const Actor& actor, std::string_view session_id,
                                                 std::string_view patient_id,
                                                 const std::vector<clinical::VitalSigns>& readings,
                                                 Instant recorded_at) {
  return store_.Transact([&](Transaction& tx) {
    return AppendVitals(tx, actor, store_.Now(), session_id, patient_id, readings, recorded_at);
  });
}

Result<std::vector<StoredVitals>> VitalsStore::ListBySession(const Actor& actor,
                                                             std::string_view session_id) {
  return store_.Transact([&](Transaction& tx) -> Result<std::vector<StoredVitals>> {
    Result<Rows> rows = tx.Query("SELECT " + std::string(kColumns) +
                                     " FROM vitals WHERE session_id = $1 ORDER BY taken_at, id",
                                 {session_id});
    if (!rows) return tl::unexpected(rows.error());
    Result<std::vector<StoredVitals>> readings = Decode(*rows);
    if (!readings) return tl::unexpected(readings.error());
    const std::string patient = readings->empty() ? std::string() : readings->front().patient_id;
    if (Status audited = AuditRead(tx, actor, store_.Now(), std::string(session_id), patient);
        !audited) {
      return tl::unexpected(audited.error());
    }
    return readings;
  });
}

Result<std::vector<StoredVitals>> VitalsStore::ListByPatient(const Actor& actor,
                                                             std::string_view patient_id,
                                                             std::optional<Instant> from,
                                                             std::optional<Instant> to,
                                                             int64_t limit) {
  Validator v("invalid vitals query");
  v.Require(!patient_id.empty(), "patient_id", "is empty");
  v.Require(limit >= 1 && limit <= 100000, "limit", "must be 1 to 100000");
  if (Status valid = v.Finish(); !valid) return tl::unexpected(valid.error());
  // RFC 3339 UTC text in one fixed format sorts as time does, so the bounds are plain text
  // comparisons the (patient_id, taken_at) index serves.
  const std::string low = from ? FormatRfc3339(*from) : std::string("0000");
  const std::string high = to ? FormatRfc3339(*to) : std::string("9999");
  return store_.Transact([&](Transaction& tx) -> Result<std::vector<StoredVitals>> {
    Result<Rows> rows =
        tx.Query("SELECT " + std::string(kColumns) +
                     " FROM vitals WHERE patient_id = $1 AND taken_at >= $2 AND taken_at < $3 "
                     "ORDER BY taken_at, id LIMIT $4",
                 {patient_id, low, high, limit});
    if (!rows) return tl::unexpected(rows.error());
    Result<std::vector<StoredVitals>> readings = Decode(*rows);
    if (!readings) return tl::unexpected(readings.error());
    if (Status audited = AuditRead(tx, actor, store_.Now(), "", std::string(patient_id));
        !audited) {
      return tl::unexpected(audited.error());
    }
    return readings;
  });
}

Status VitalsStore::MarkEnteredInError(const Actor& actor, int64_t id, const std::string& reason) {
  if (reason.empty()) {
    return tl::unexpected(Error::InvalidArgument("reason", "a withdrawal gives a reason"));
  }
  return store_.Transact([&](Transaction& tx) -> Status {
    Result<Rows> rows =
        tx.Query("SELECT " + std::string(kColumns) + " FROM vitals WHERE id = $1", {id});
    if (!rows) return tl::unexpected(rows.error());
    Result<std::vector<StoredVitals>> found = Decode(*rows);
    if (!found) return tl::unexpected(found.error());
    if (found->empty()) {
      return tl::unexpected(Error::NotFound("no vitals reading " + std::to_string(id)));
    }
    const StoredVitals& reading = found->front();
    Result<int64_t> changed = tx.Exec(
        "UPDATE vitals SET status = 'entered-in-error', reason = $2 "
        "WHERE id = $1 AND status = 'active'",
        {id, reason});
    if (!changed) return tl::unexpected(changed.error());
    if (*changed == 0) {
      return tl::unexpected(
          ConflictError("vitals reading " + std::to_string(id) + " is already entered-in-error"));
    }
    AuditEntry entry;
    entry.action = "vitals.enter-in-error";
    entry.record_type = "vitals";
    entry.record_id = reading.session_id;
    entry.patient_id = reading.patient_id;
    entry.before = ReadingJson(id, reading.vitals);
    entry.before["status"] = "active";
    entry.after = {{"id", id}, {"status", "entered-in-error"}, {"reason", reason}};
    if (Result<AuditRow> row = AppendAudit(tx, actor, store_.Now(), entry); !row) {
      return tl::unexpected(row.error());
    }
    return OkStatus();
  });
}

}  // namespace ketaclinic::store
