#ifndef KETACLINIC_TESTS_CRASH_CRASH_WORKLOAD_H_
#define KETACLINIC_TESTS_CRASH_CRASH_WORKLOAD_H_

// The crash test's workload, shared by the writer (which writes it) and the checker (which
// recomputes what every acknowledged reading must contain). Everything is a pure function of
// (run, transaction, part, index), so the checker needs nothing but the acknowledgements.
//
// Acknowledgement protocol (writer stdout, one line per committed transaction, written with one
// write(2) only after Store::Transact returned success):
//
//   ack SESSION:ID,ID,... [SESSION:ID,...]...\n
//
// A transaction holds 1 to kMaxParts sessions' appends (each one AppendVitals call with its own
// audit row); a session's readings are 1 (single) to kMaxBatch (batched).

#include <chrono>
#include <cstdint>
#include <string>

#include "base/time.h"

#include "clinical/vitals.h"

namespace ketaclinic::crash {

inline constexpr int kMaxBatch = 40;
inline constexpr int kMaxParts = 3;

// Session ids are unique per (run, transaction, part): a retried or duplicated write shows up as
// more rows or audit entries under one session id.
inline std::string SessionId(int64_t run, int64_t txn, int part) {
  return "crash-r" + std::to_string(run) + "-t" + std::to_string(txn) + "-s" + std::to_string(part);
}

inline std::string PatientId(int64_t run) { return "crash-patient-" + std::to_string(run % 7); }

// Reading `index` of one session: plausible values (clinical::ValidateVitalSigns accepts them)
// that differ between neighbours, so a swapped or torn row would not match.
inline clinical::VitalSigns Reading(int64_t run, int64_t txn, int part, int index) {
  // 2026-11-29T09:00:00Z plus a distinct second per reading.
  const Instant start{std::chrono::seconds(1795942800)};
  clinical::VitalSigns v;
  v.time = start + std::chrono::seconds(run * 10'000'000 + txn * 200 + part * 50 + index);
  const auto at = [&](int64_t modulo, int64_t salt) {
    return static_cast<double>((run * 7 + txn * 3 + part + index * 11 + salt) % modulo);
  };
  v.systolic_mmhg = 100.0 + at(60, 0);
  v.diastolic_mmhg = 55.0 + at(30, 1);
  v.heart_rate_bpm = 50.0 + at(70, 2) + 0.5;
  v.spo2_percent = 90.0 + at(11, 3);
  v.resp_rate_per_min = 8.0 + at(15, 4);
  v.on_room_air = index % 3 != 0;
  return v;
}

}  // namespace ketaclinic::crash

#endif  // KETACLINIC_TESTS_CRASH_CRASH_WORKLOAD_H_
