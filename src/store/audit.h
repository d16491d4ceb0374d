#ifndef KETACLINIC_STORE_AUDIT_H_
#define KETACLINIC_STORE_AUDIT_H_

// The audit trail (clinical.md §5.2 [S]: 21 CFR 11.10(e), ONC 170.315(d)(10); DESIGN.md §7):
// one row per read of or change to patient data, saying who (user, role), what (action, record
// type and id, patient), when (the server's clock), from where (client address) and, for
// changes, the record before and after. Rows form a hash chain:
//
//   hash = BLAKE2b-256(prev_hash ‖ payload)      (libsodium crypto_generichash, 32 bytes)
//
// where prev_hash is the previous row's hash as 32 raw bytes (32 zero bytes for row 1) and
// payload is the row's canonical JSON exactly as stored. Hashes are stored as lower-case hex.
// Rows are numbered 1, 2, 3 ... (seq) and the number is inside the payload too, which tells a
// removed row from a moved one. Format and verification: docs/STORAGE.md "Audit chain".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/time.h"

#include "store/sql.h"
#include "store/store.h"

namespace ketaclinic::store {

// Who is acting, for the audit trail.
struct Actor {
  std::string user_id;         // users.id, or "local:NAME" for the command line
  std::string role;            // clinical::RoleName
  std::string client_address;  // IP address, "local" for the command line
};

// What happened. Actions are dotted names: "record.create", "record.amend", "record.read",
// "record.history", "record.list", "record.enter-in-error", "vitals.append", "vitals.read",
// "vitals.enter-in-error", "user.create", "user.login", "user.login-failed",
// "database.backup", "database.restore".
struct AuditEntry {
  std::string action;
  std::string record_type;
  std::string record_id;
  std::optional<std::string> patient_id;
  nlohmann::json before;  // null for reads and creations
  nlohmann::json after;   // null for reads
};

struct AuditRow {
  int64_t seq = 0;
  std::string payload;
  std::string prev_hash;
  std::string hash;
};

// Appends `entry` as the next row of the chain, inside `tx` (so it commits or rolls back with
// the change it records). Appends are serialized, so the chain cannot fork: SQLite's write lock
// is held from BEGIN IMMEDIATE; on PostgreSQL a transaction-level advisory lock is taken before
// the last hash is read.
Result<AuditRow> AppendAudit(Transaction& tx, const Actor& actor, Instant at,
                             const AuditEntry& entry);

// BLAKE2b-256(bytes of prev_hash_hex ‖ payload) as hex; prev_hash_hex must be 64 hex digits.
Result<std::string> ChainHash(std::string_view prev_hash_hex, std::string_view payload);

// 64 zeros: the prev_hash of row 1.
const std::string& GenesisHash();

enum class TamperKind {
  kEdited,     // a row's content no longer matches its hash, or a row was rewritten
  kRemoved,    // a row is missing
  kInserted,   // a row that was not written by the application (forged or duplicated)
  kReordered,  // rows are stored out of their written order
};
const char* TamperKindName(TamperKind kind);  // "edited", "removed", "inserted", "reordered"

struct AuditProblem {
  int64_t seq = 0;  // the first bad row (for kRemoved: the first missing number)
  TamperKind kind = TamperKind::kEdited;
  std::string message;
};

// A (seq, hash) pair recorded off the machine, e.g. from a previous `audit verify`: the chain
// must still hold that row with that hash. Detects a chain rewritten from some row onwards and
// rows removed from the end, which the chain alone cannot.
struct AuditAnchor {
  int64_t seq = 0;
  std::string hash;
};

struct AuditVerification {
  int64_t rows = 0;  // rows read
  int64_t head_seq = 0;
  std::string head_hash;                // the last row's hash (GenesisHash() when empty)
  std::optional<AuditProblem> problem;  // the first problem found, if any
  bool intact() const { return !problem; }
};

// Walks the whole chain in order and names the first row that was edited, removed, inserted or
// reordered. Reads in pages (read-only transactions), so it runs beside a live server.
Result<AuditVerification> VerifyAuditChain(Store& store,
                                           const std::optional<AuditAnchor>& anchor = {});

// The canonical payload of one row: the JSON object of every field below with sorted keys and
// no spaces (nlohmann's dump of an object). Exposed for tests and the documentation's example.
std::string AuditPayload(int64_t seq, const Actor& actor, Instant at, const AuditEntry& entry);

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_AUDIT_H_
