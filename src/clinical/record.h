#ifndef KETACLINIC_CLINICAL_RECORD_H_
#define KETACLINIC_CLINICAL_RECORD_H_

#include <optional>
#include <string>

#include "base/error.h"
#include "base/time.h"

namespace ketaclinic::clinical {

// Nothing clinical is ever deleted (DESIGN.md §7, clinical.md §5.2): a record is corrected by a
// new version with an author, a time and a reason, or marked entered-in-error. Every clinical
// record carries this header so storage can keep its history and the audit trail can name it.
enum class RecordStatus {
  kActive,          // the current version
  kAmended,         // superseded by a later version (kept, readable, never changed)
  kEnteredInError,  // withdrawn with a reason; still kept and shown as such
};

const char* RecordStatusName(RecordStatus status);
Result<RecordStatus> ParseRecordStatus(std::string_view name, std::string_view field);

struct RecordMeta {
  std::string id;       // stable across versions; assigned by storage (empty before saving)
  int version = 1;      // 1 for the first version; storage refuses a stale one (optimistic)
  std::string author;   // user id of who wrote this version
  Instant recorded_at;  // when this version was written (UTC)
  RecordStatus status = RecordStatus::kActive;
  std::string reason;  // why this version exists: required for an amendment or withdrawal
};

// The next version of `current`, written by `author` at `at` for `reason`. An amendment
// without a reason or author is refused, as is amending a withdrawn record.
Result<RecordMeta> Amend(const RecordMeta& current, std::string author, Instant at,
                         std::string reason);

// The same record withdrawn as entered-in-error (a new version with the reason).
Result<RecordMeta> MarkEnteredInError(const RecordMeta& current, std::string author, Instant at,
                                      std::string reason);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_RECORD_H_
