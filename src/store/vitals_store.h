#ifndef KETACLINIC_STORE_VITALS_STORE_H_
#define KETACLINIC_STORE_VITALS_STORE_H_

// Vital signs (clinical::VitalSigns) in their own typed table: the highest-volume clinical data
// (a reading every few minutes of every session), read per session (the chairside chart) and
// per patient over time. A reading is never changed; the one allowed change marks it
// entered-in-error with a reason (enforced by a trigger too). Every call is audited in its
// transaction: one audit row per call (a batch of readings is one change).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/record.h"
#include "clinical/vitals.h"
#include "store/audit.h"
#include "store/store.h"

namespace ketaclinic::store {

struct StoredVitals {
  int64_t id = 0;
  std::string session_id;
  std::string patient_id;
  clinical::VitalSigns vitals;
  std::string author;
  Instant recorded_at;
  clinical::RecordStatus status = clinical::RecordStatus::kActive;  // or kEnteredInError
  std::string reason;                                               // why it was withdrawn
};

// Appends readings of one session, validated with clinical::ValidateVitalSigns (errors name
// "readings[i].field", all at once; nothing is written if any is bad). The actor is the
// author; `recorded_at` is when they were written. Returns the new ids in order.
Result<std::vector<int64_t>> AppendVitals(Transaction& tx, const Actor& actor, Instant now,
                                          std::string_view session_id, std::string_view patient_id,
                                          const std::vector<clinical::VitalSigns>& readings,
                                          Instant recorded_at);

class VitalsStore {
 public:
  explicit VitalsStore(Store& store) : store_(store) {}

  Result<std::vector<int64_t>> Append(const Actor& actor, std::string_view session_id,
                                      std::string_view patient_id,
                                      const std::vector<clinical::VitalSigns>& readings,
                                      Instant recorded_at);
  // One session's readings in time order, withdrawn ones included.
  Result<std::vector<StoredVitals>> ListBySession(const Actor& actor, std::string_view session_id);
  // One patient's readings with from <= taken_at < to (either bound optional), in time order,
  // at most `limit` (1..100000).
  Result<std::vector<StoredVitals>> ListByPatient(const Actor& actor, std::string_view patient_id,
                                                  std::optional<Instant> from,
                                                  std::optional<Instant> to, int64_t limit = 10000);
  // Withdraws one reading (reason required); a conflict if it was already withdrawn.
  Status MarkEnteredInError(const Actor& actor, int64_t id, const std::string& reason);

 private:
  Store& store_;
};

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_VITALS_STORE_H_
