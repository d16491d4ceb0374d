#include "store/audit.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include <sodium.h>

#include "store/ids.h"

namespace ketaclinic::store {
namespace {

constexpr size_t kHashBytes = 32;  // BLAKE2b-256
constexpr int64_t kPageRows = 2000;

// Serializes audit appends on PostgreSQL. An advisory lock needs no table privilege (LOCK TABLE
// in a self-conflicting mode would need UPDATE or DELETE, which the application role lacks).
// The constant spells "kcaudit" in ASCII.
constexpr std::string_view kPgAuditLock = "SELECT pg_advisory_xact_lock(30227155207039348)";

std::string ToHex(const uint8_t* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    text.push_back(kDigits[bytes[i] >> 4]);
    text.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return text;
}

std::optional<std::array<uint8_t, kHashBytes>> FromHex(std::string_view hex) {
  if (hex.size() != 2 * kHashBytes) return std::nullopt;
  std::array<uint8_t, kHashBytes> bytes{};
  for (size_t i = 0; i < kHashBytes; ++i) {
    int value = 0;
    for (size_t j = 0; j < 2; ++j) {
      const char c = hex[2 * i + j];
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (digit < 0) return std::nullopt;
      value = value * 16 + digit;
    }
    bytes[i] = static_cast<uint8_t>(value);
  }
  return bytes;
}

constexpr std::string_view kRowColumns =
    "seq, at, user_id, action, record_type, record_id, patient_id, payload, prev_hash, hash";

// One stored row as verification sees it.
struct StoredRow {
  int64_t position = 0;      // the seq column: where the row is stored
  int64_t written_seq = -1;  // the seq inside the payload: where it was written (-1 unreadable)
  std::string prev_hash;
  std::string hash;
  std::string problem;  // why the row does not match itself, if it does not
};

std::string Quote(const std::optional<std::string>& text) {
  return text ? "'" + *text + "'" : std::string("null");
}

std::optional<std::string> PayloadText(const nlohmann::json& payload, const char* key) {
  const auto found = payload.find(key);
  if (found == payload.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

// Decodes row `i` of a page and checks it against itself: the hash over (prev_hash, payload),
// and the queryable columns against the hashed payload.
Result<StoredRow> ReadStoredRow(const Rows& rows, size_t i) {
  RowReader reader(rows, i);
  StoredRow row;
  row.position = reader.Int64(0);
  const std::optional<std::string> at = reader.OptText(1);
  const std::optional<std::string> user_id = reader.OptText(2);
  const std::optional<std::string> action = reader.OptText(3);
  const std::optional<std::string> record_type = reader.OptText(4);
  const std::optional<std::string> record_id = reader.OptText(5);
  const std::optional<std::string> patient_id = reader.OptText(6);
  const std::string payload_text = reader.Text(7);
  row.prev_hash = reader.Text(8);
  row.hash = reader.Text(9);
  if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());

  const nlohmann::json payload = nlohmann::json::parse(payload_text, nullptr, false);
  if (payload.is_object()) {
    const auto seq = payload.find("seq");
    if (seq != payload.end() && seq->is_number_integer()) row.written_seq = seq->get<int64_t>();
  }
  Result<std::string> recomputed = ChainHash(row.prev_hash, payload_text);
  if (!recomputed) {
    row.problem = "its prev_hash is not a hash (" + recomputed.error().message() + ")";
  } else if (*recomputed != row.hash) {
    row.problem = "its content does not match its hash (changed after it was written)";
  } else if (!payload.is_object() || row.written_seq < 1) {
    row.problem = "its payload is not an audit entry";
  } else {
    const std::pair<const char*, std::optional<std::string>> columns[] = {
        {"at", at},
        {"user_id", user_id},
        {"action", action},
        {"record_type", record_type},
        {"record_id", record_id},
        {"patient_id", patient_id}};
    for (const auto& [name, value] : columns) {
      const std::optional<std::string> hashed = PayloadText(payload, name);
      if (value != hashed) {
        row.problem = std::string("its column ") + name + " says " + Quote(value) +
                      " but the hashed payload says " + Quote(hashed);
        break;
      }
    }
  }
  return row;
}

Result<Rows> ReadPage(Store& store, int64_t after_seq) {
  return store.Read([after_seq](Transaction& tx) {
    return tx.Query("SELECT " + std::string(kRowColumns) +
                        " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                    {after_seq, kPageRows});
  });
}

// The position of a stored row whose payload says it was written as row `seq`, other than
// `except`; nullopt if there is none. Only run once a problem is found (it scans the table).
Result<std::optional<int64_t>> FindWritten(Store& store, int64_t seq, int64_t except) {
  // Keys are sorted, so the top-level seq is followed by user_id: a cheap filter, confirmed by
  // parsing (a nested record body could contain the same text).
  const std::string pattern = "%\"seq\":" + std::to_string(seq) + ",\"user_id\":%";
  Result<Rows> rows = store.Read([&pattern](Transaction& tx) {
    return tx.Query("SELECT seq, payload FROM audit_log WHERE payload LIKE $1 ORDER BY seq",
                    {pattern});
  });
  if (!rows) return tl::unexpected(rows.error());
  for (size_t i = 0; i < rows->size(); ++i) {
    RowReader reader(*rows, i);
    const int64_t position = reader.Int64(0);
    const nlohmann::json payload = nlohmann::json::parse(reader.Text(1), nullptr, false);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    if (position == except || !payload.is_object()) continue;
    const auto found = payload.find("seq");
    if (found != payload.end() && found->is_number_integer() && found->get<int64_t>() == seq) {
      return std::optional<int64_t>(position);
    }
  }
  return std::optional<int64_t>();
}

AuditProblem Problem(int64_t seq, TamperKind kind, std::string message) {
  return AuditProblem{seq, kind, std::move(message)};
}

std::string RowName(int64_t seq) { return "row " + std::to_string(seq); }

// Explains a row that does not follow its predecessor (the walk's state before it).
struct WalkState {
  int64_t expected_seq = 1;
  std::string prev_hash;                 // the hash the next row must name
  std::optional<std::string> prev_prev;  // the hash the previous row named
  int64_t prev_position = 0;
};

Result<AuditProblem> Diagnose(Store& store, const WalkState& walk, const StoredRow& row) {
  const int64_t expected = walk.expected_seq;
  // The row skips its predecessor and links to the one before: the predecessor was inserted.
  if (walk.prev_prev && row.prev_hash == *walk.prev_prev) {
    return Problem(walk.prev_position, TamperKind::kInserted,
                   RowName(walk.prev_position) + " was inserted: the next stored row (written as " +
                       RowName(row.written_seq) + ") links past it to the row before");
  }
  if (row.written_seq > expected) {
    Result<std::optional<int64_t>> elsewhere = FindWritten(store, expected, row.position);
    if (!elsewhere) return tl::unexpected(elsewhere.error());
    if (const std::optional<int64_t>& where = *elsewhere; where.has_value()) {
      return Problem(row.position, TamperKind::kReordered,
                     "position " + std::to_string(row.position) + " holds " +
                         RowName(row.written_seq) + ", but " + RowName(expected) +
                         " belongs here (it is stored at position " + std::to_string(*where) + ")");
    }
    const std::string range =
        row.written_seq - 1 > expected
            ? "rows " + std::to_string(expected) + " to " + std::to_string(row.written_seq - 1)
            : RowName(expected);
    return Problem(expected, TamperKind::kRemoved,
                   range + " removed: the chain continues with " + RowName(row.written_seq));
  }
  if (row.written_seq < expected) {
    Result<std::optional<int64_t>> original = FindWritten(store, row.written_seq, row.position);
    if (!original) return tl::unexpected(original.error());
    if (const std::optional<int64_t>& copy_of = *original;
        copy_of.has_value() && *copy_of == row.written_seq) {
      return Problem(row.position, TamperKind::kInserted,
                     "position " + std::to_string(row.position) + " holds a copy of " +
                         RowName(row.written_seq));
    }
    return Problem(row.position, TamperKind::kReordered,
                   "position " + std::to_string(row.position) + " holds " +
                       RowName(row.written_seq) + ", which belongs earlier in the chain");
  }
  if (row.position != expected) {
    return Problem(row.position, TamperKind::kReordered,
                   RowName(expected) + " is stored at position " + std::to_string(row.position));
  }
  if (expected == 1) {
    return Problem(1, TamperKind::kInserted,
                   "row 1 does not start the chain (its prev_hash is not the genesis hash)");
  }
  return Problem(walk.prev_position, TamperKind::kEdited,
                 RowName(walk.prev_position) + " was rewritten: its hash is not the one " +
                     RowName(row.position) + " recorded as its predecessor");
}

}  // namespace

const std::string& GenesisHash() {
  static const std::string kGenesis(2 * kHashBytes, '0');
  return kGenesis;
}

Result<std::string> ChainHash(std::string_view prev_hash_hex, std::string_view payload) {
  const std::optional<std::array<uint8_t, kHashBytes>> prev = FromHex(prev_hash_hex);
  if (!prev) {
    return tl::unexpected(Error::InvalidArgument(
        "prev_hash", "must be 64 lower-case hex digits, got '" + std::string(prev_hash_hex) + "'"));
  }
  EnsureSodium();
  crypto_generichash_state state;
  std::array<uint8_t, kHashBytes> out{};
  crypto_generichash_init(&state, nullptr, 0, kHashBytes);
  crypto_generichash_update(&state, prev->data(), prev->size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(payload.data()),
                            payload.size());
  crypto_generichash_final(&state, out.data(), out.size());
  return ToHex(out.data(), out.size());
}

const char* TamperKindName(TamperKind kind) {
  switch (kind) {
    case TamperKind::kEdited:
      return "edited";
    case TamperKind::kRemoved:
      return "removed";
    case TamperKind::kInserted:
      return "inserted";
    case TamperKind::kReordered:
      return "reordered";
  }
  return "unknown";
}

std::string AuditPayload(int64_t seq, const Actor& actor, Instant at, const AuditEntry& entry) {
  nlohmann::json payload = nlohmann::json::object();
  payload["seq"] = seq;
  payload["at"] = FormatRfc3339(at);
  payload["user_id"] = actor.user_id;
  payload["role"] = actor.role;
  payload["client_address"] = actor.client_address;
  payload["action"] = entry.action;
  payload["record_type"] = entry.record_type;
  payload["record_id"] = entry.record_id;
  payload["patient_id"] = entry.patient_id ? nlohmann::json(*entry.patient_id) : nullptr;
  payload["before"] = entry.before;
  payload["after"] = entry.after;
  // Invalid UTF-8 in user text is replaced rather than thrown on: the payload must be storable
  // as text on both backends.
  return payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<AuditRow> AppendAudit(Transaction& tx, const Actor& actor, Instant at,
                             const AuditEntry& entry) {
  if (actor.user_id.empty() || actor.role.empty() || entry.action.empty()) {
    return tl::unexpected(
        Error::InvalidArgument("actor", "an audit entry names the user, the role and the action"));
  }
  if (tx.backend() == Backend::kPostgres) {
    if (Result<Rows> locked = tx.Query(kPgAuditLock); !locked) {
      return tl::unexpected(locked.error());
    }
  }
  Result<Rows> last = tx.Query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (!last) return tl::unexpected(last.error());
  AuditRow row;
  row.seq = 1;
  row.prev_hash = GenesisHash();
  if (!last->empty()) {
    RowReader reader(*last, 0);
    row.seq = reader.Int64(0) + 1;
    row.prev_hash = reader.Text(1);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
  }
  row.payload = AuditPayload(row.seq, actor, at, entry);
  Result<std::string> hash = ChainHash(row.prev_hash, row.payload);
  if (!hash) {
    return tl::unexpected(Error(ErrorCode::kInternal, "the last audit row (" +
                                                          std::to_string(row.seq - 1) +
                                                          ") has a malformed hash; run "
                                                          "`ketaclinic audit verify`"));
  }
  row.hash = std::move(*hash);
  Result<int64_t> inserted = tx.Exec(
      "INSERT INTO audit_log (seq, at, user_id, action, record_type, record_id, patient_id, "
      "payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {row.seq, FormatRfc3339(at), actor.user_id, entry.action, entry.record_type, entry.record_id,
       entry.patient_id, row.payload, row.prev_hash, row.hash});
  if (!inserted) return tl::unexpected(inserted.error());
  return row;
}

Result<AuditVerification> VerifyAuditChain(Store& store, const std::optional<AuditAnchor>& anchor) {
  AuditVerification result;
  result.head_hash = GenesisHash();
  WalkState walk;
  walk.prev_hash = GenesisHash();
  std::optional<std::string> anchored_hash;
  int64_t after = 0;
  while (!result.problem) {
    Result<Rows> page = ReadPage(store, after);
    if (!page) return tl::unexpected(page.error());
    if (page->empty()) break;
    for (size_t i = 0; i < page->size() && !result.problem; ++i) {
      Result<StoredRow> row = ReadStoredRow(*page, i);
      if (!row) return tl::unexpected(row.error());
      after = row->position;
      ++result.rows;
      if (!row->problem.empty()) {
        result.problem = Problem(row->position, TamperKind::kEdited,
                                 RowName(row->position) + ": " + row->problem);
        break;
      }
      const bool follows = row->prev_hash == walk.prev_hash &&
                           row->written_seq == walk.expected_seq &&
                           row->position == walk.expected_seq;
      if (!follows) {
        Result<AuditProblem> problem = Diagnose(store, walk, *row);
        if (!problem) return tl::unexpected(problem.error());
        result.problem = std::move(*problem);
        break;
      }
      if (anchor && row->position == anchor->seq) anchored_hash = row->hash;
      walk.prev_prev = walk.prev_hash;
      walk.prev_hash = row->hash;
      walk.prev_position = row->position;
      walk.expected_seq = row->written_seq + 1;
      result.head_seq = row->position;
      result.head_hash = row->hash;
    }
    if (page->size() < static_cast<size_t>(kPageRows)) break;
  }
  if (!result.problem && anchor) {
    if (!anchored_hash) {
      result.problem = Problem(anchor->seq, TamperKind::kRemoved,
                               RowName(anchor->seq) +
                                   " (anchored off-box) is missing: rows were "
                                   "removed from the end of the chain");
    } else if (*anchored_hash != anchor->hash) {
      result.problem = Problem(anchor->seq, TamperKind::kEdited,
                               RowName(anchor->seq) +
                                   "'s hash differs from the anchor recorded off-box: the chain "
                                   "was rewritten at or before it");
    }
  }
  return result;
}

}  // namespace ketaclinic::store
