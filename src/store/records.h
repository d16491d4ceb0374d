#ifndef KETACLINIC_STORE_RECORDS_H_
#define KETACLINIC_STORE_RECORDS_H_

// Versioned clinical records (DESIGN.md §7; clinical.md §5.2: "record changes shall not obscure
// previously recorded information"). Every clinical record (patient, history, course, order,
// session, scale response, side effect) is stored as a sequence of versions of one JSON body
// under one id, with clinical::RecordMeta's header. Nothing is changed or deleted: an amendment
// is version N+1 with an author, a time and a reason; a withdrawal is a version whose status is
// entered-in-error; the current version is the highest. Optimistic concurrency: writing version
// N+1 succeeds only if the current version is still N.
//
// Every call is audited (audit.h) in the same transaction as the change or read it records.
// The Transaction& forms compose several writes into one command; the RecordStore methods run
// one call as one transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/time.h"

#include "clinical/record.h"
#include "store/audit.h"
#include "store/sql.h"
#include "store/store.h"

namespace ketaclinic::store {

struct StoredRecord {
  std::string record_type;  // "patient", "session", "scale-response", ...
  clinical::RecordMeta meta;
  std::optional<std::string> patient_id;  // null for records of no one patient
  nlohmann::json body;
};

struct Page {
  int64_t limit = 100;  // 1..1000
  int64_t offset = 0;
};

// What to write. `meta.id` empty: a new record gets a fresh id. `expected_version` is the
// version the writer read (0 for a new record); the write is version expected_version + 1 and
// `meta.version`, if not left at expected_version + 1, must say so. `meta.author` and
// `meta.recorded_at` are stored as given; a version after the first needs `meta.reason`.
// `meta.status` is active or entered-in-error (amended is derived, never written).
struct RecordWrite {
  std::string record_type;
  clinical::RecordMeta meta;
  std::optional<std::string> patient_id;
  nlohmann::json body;
  int expected_version = 0;
};

// The written version's header, with id and version filled in. Errors: kInvalidArgument naming
// each bad field; a conflict (IsConflict) naming the record and both versions when someone
// wrote first; kFailedPrecondition for a withdrawn record or a changed type or patient.
Result<clinical::RecordMeta> PutRecord(Transaction& tx, const Actor& actor, Instant now,
                                       const RecordWrite& write);
// The current version; kNotFound if there is no such record.
Result<StoredRecord> GetRecord(Transaction& tx, const Actor& actor, Instant now,
                               std::string_view id);
// Every version, oldest first; superseded active versions read as amended.
Result<std::vector<StoredRecord>> RecordHistory(Transaction& tx, const Actor& actor, Instant now,
                                                std::string_view id);
// The current versions of one patient's records (of one type, or all if record_type is empty),
// withdrawn ones included (their status says so), ordered by the time of the current version.
Result<std::vector<StoredRecord>> ListPatientRecords(Transaction& tx, const Actor& actor,
                                                     Instant now, std::string_view patient_id,
                                                     std::string_view record_type, Page page);

class RecordStore {
 public:
  explicit RecordStore(Store& store) : store_(store) {}

  Result<clinical::RecordMeta> Put(const Actor& actor, const RecordWrite& write);
  // The brief's shape of Put, for callers holding the pieces.
  Result<clinical::RecordMeta> Put(const Actor& actor, std::string_view record_type,
                                   const clinical::RecordMeta& meta,
                                   const std::optional<std::string>& patient_id,
                                   const nlohmann::json& body, int expected_version);
  Result<StoredRecord> Get(const Actor& actor, std::string_view id);
  Result<std::vector<StoredRecord>> History(const Actor& actor, std::string_view id);
  Result<std::vector<StoredRecord>> ListByPatient(const Actor& actor, std::string_view patient_id,
                                                  std::string_view record_type = {},
                                                  Page page = {});
  // Writes version expected_version + 1 with the same body, status entered-in-error, the
  // actor as author, `at` as its time and `reason` (required).
  Result<clinical::RecordMeta> MarkEnteredInError(const Actor& actor, std::string_view id,
                                                  int expected_version, std::string reason,
                                                  Instant at);

 private:
  Store& store_;
};

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_RECORDS_H_
