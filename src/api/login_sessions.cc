#include "api/login_sessions.h"

#include <array>
#include <utility>
#include <vector>

#include <sodium.h>

#include "clinical/roles.h"
#include "store/audit.h"
#include "store/ids.h"
#include "store/sql.h"

namespace ketaclinic::api {
namespace {

using store::Backend;
using store::RowReader;
using store::Rows;
using store::Transaction;

constexpr size_t kTokenBytes = 32;

std::string NewToken() {
  store::EnsureSodium();
  std::array<unsigned char, kTokenBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)>
      text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes.data(), bytes.size());
  return std::string(text.data());
}

// The time the count of failures of one key (username or address) within the window drops
// below `limit`, or nullopt if it already is. `times` are the failures in the window, newest
// first.
std::optional<Instant> BlockedUntil(const std::vector<Instant>& times, int limit,
                                    std::chrono::seconds window) {
  if (limit <= 0 || times.size() < static_cast<size_t>(limit)) return std::nullopt;
  // After the limit-th newest failure leaves the window, fewer than `limit` remain.
  return times[static_cast<size_t>(limit) - 1] + window;
}

Result<std::vector<Instant>> FailuresSince(Transaction& tx, std::string_view column,
                                           std::string_view key, Instant since) {
  Result<Rows> rows = tx.Query("SELECT at FROM login_failures WHERE " + std::string(column) +
                                   " = $1 AND at > $2 ORDER BY at DESC LIMIT 1000",
                               {key, FormatRfc3339(since)});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<Instant> times;
  times.reserve(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    RowReader reader(*rows, i);
    const std::string at = reader.Text(0);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    Result<Instant> parsed = ParseRfc3339(at, "login_failures.at");
    if (!parsed) return tl::unexpected(parsed.error());
    times.push_back(*parsed);
  }
  return times;
}

}  // namespace

std::string TokenHash(std::string_view token) {
  store::EnsureSodium();
  std::array<unsigned char, crypto_generichash_BYTES> hash{};
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  std::array<char, crypto_generichash_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  return std::string(hex.data());
}

Result<NewLoginSession> LoginSessions::Create(const store::User& user,
                                              const std::string& client_address, Instant now) {
  NewLoginSession session;
  session.token = NewToken();
  session.expires_at = now + config_.absolute_lifetime;
  const std::string hash = TokenHash(session.token);
  Status stored = store_.Transact([&](Transaction& tx) -> Status {
    Result<int64_t> inserted = tx.Exec(
        "INSERT INTO login_sessions (token_hash, user_id, created_at, last_seen_at, expires_at, "
        "revoked_at, client_address) VALUES ($1, $2, $3, $3, $4, NULL, $5)",
        {hash, user.id, FormatRfc3339(now), FormatRfc3339(session.expires_at), client_address});
    if (!inserted) return tl::unexpected(inserted.error());
    return OkStatus();
  });
  if (!stored) return tl::unexpected(stored.error());
  return session;
}

Result<std::optional<Principal>> LoginSessions::Authenticate(std::string_view token, Instant now) {
  // A token is 43 base64url characters; anything else cannot be one (and is not hashed).
  if (token.size() != 43) return std::optional<Principal>();
  const std::string hash = TokenHash(token);
  struct Found {
    Principal principal;
    Instant last_seen;
    bool revoked = false;
  };
  Result<std::optional<Found>> found = store_.Read([&](Transaction& tx)
                                                       -> Result<std::optional<Found>> {
    Result<Rows> rows = tx.Query(
        "SELECT s.last_seen_at, s.expires_at, s.revoked_at, u.id, u.username, u.display_name, "
        "u.role, u.created_at, u.disabled FROM login_sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = $1",
        {hash});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return std::optional<Found>();
    RowReader reader(*rows, 0);
    const std::string last_seen = reader.Text(0);
    const std::string expires = reader.Text(1);
    const std::optional<std::string> revoked = reader.OptText(2);
    Found f;
    f.principal.user.id = reader.Text(3);
    f.principal.user.username = reader.Text(4);
    f.principal.user.display_name = reader.Text(5);
    const std::string role = reader.Text(6);
    const std::string created = reader.Text(7);
    f.principal.user.disabled = reader.Int64(8) != 0;
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    Result<Instant> last_seen_at = ParseRfc3339(last_seen, "last_seen_at");
    Result<Instant> expires_at = ParseRfc3339(expires, "expires_at");
    Result<Instant> created_at = ParseRfc3339(created, "created_at");
    Result<clinical::Role> parsed_role = clinical::ParseRole(role, "role");
    if (!last_seen_at || !expires_at || !created_at || !parsed_role) {
      return tl::unexpected(Error::Internal("login session with unreadable times or role"));
    }
    f.principal.user.role = *parsed_role;
    f.principal.user.created_at = *created_at;
    f.principal.token_hash = hash;
    f.principal.expires_at = *expires_at;
    f.last_seen = *last_seen_at;
    f.revoked = revoked.has_value();
    return std::optional<Found>(std::move(f));
  });
  if (!found) return tl::unexpected(found.error());
  std::optional<Found>& row = *found;
  if (!row.has_value()) return std::optional<Principal>();
  Found& f = *row;
  if (f.revoked || f.principal.user.disabled || now >= f.principal.expires_at ||
      now - f.last_seen >= config_.idle_timeout) {
    return std::optional<Principal>();
  }
  if (now - f.last_seen >= kTouchInterval) {
    Status touched = store_.Transact([&](Transaction& tx) -> Status {
      Result<int64_t> updated = tx.Exec(
          "UPDATE login_sessions SET last_seen_at = $1 WHERE token_hash = $2 AND revoked_at IS "
          "NULL",
          {FormatRfc3339(now), hash});
      if (!updated) return tl::unexpected(updated.error());
      return OkStatus();
    });
    if (!touched) return tl::unexpected(touched.error());
  }
  return std::optional<Principal>(std::move(f.principal));
}

Status LoginSessions::Revoke(const Principal& principal, const store::Actor& actor, Instant now) {
  return store_.Transact([&](Transaction& tx) -> Status {
    Result<int64_t> updated = tx.Exec(
        "UPDATE login_sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
        {FormatRfc3339(now), principal.token_hash});
    if (!updated) return tl::unexpected(updated.error());
    store::AuditEntry entry;
    entry.action = "user.logout";
    entry.record_type = "user";
    entry.record_id = principal.user.id;
    entry.after = {{"username", principal.user.username}};
    if (Result<store::AuditRow> row = store::AppendAudit(tx, actor, now, entry); !row) {
      return tl::unexpected(row.error());
    }
    return OkStatus();
  });
}

Status LoginSessions::RevokeAllOfUser(Transaction& tx, std::string_view user_id, Instant now) {
  Result<int64_t> updated =
      tx.Exec("UPDATE login_sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
              {FormatRfc3339(now), user_id});
  if (!updated) return tl::unexpected(updated.error());
  return OkStatus();
}

Result<std::optional<Throttle>> LoginSessions::CheckThrottle(std::string_view username,
                                                             std::string_view client_address,
                                                             Instant now) {
  const Instant since = now - config_.failure_window;
  return store_.Read([&](Transaction& tx) -> Result<std::optional<Throttle>> {
    Result<std::vector<Instant>> by_account = FailuresSince(tx, "username", username, since);
    if (!by_account) return tl::unexpected(by_account.error());
    Result<std::vector<Instant>> by_address =
        FailuresSince(tx, "client_address", client_address, since);
    if (!by_address) return tl::unexpected(by_address.error());
    std::optional<Throttle> throttle;
    auto consider = [&](std::optional<Instant> until, const char* scope) {
      if (!until || *until <= now) return;
      const std::chrono::seconds wait = *until - now;
      if (!throttle || wait > throttle->retry_after) throttle = Throttle{wait, scope};
    };
    consider(BlockedUntil(*by_account, config_.max_failures_per_account, config_.failure_window),
             "account");
    consider(BlockedUntil(*by_address, config_.max_failures_per_address, config_.failure_window),
             "address");
    return throttle;
  });
}

Status LoginSessions::RecordFailure(std::string_view username, std::string_view client_address,
                                    Instant now) {
  return store_.Transact([&](Transaction& tx) -> Status {
    Result<int64_t> inserted =
        tx.Exec("INSERT INTO login_failures (username, client_address, at) VALUES ($1, $2, $3)",
                {username, client_address, FormatRfc3339(now)});
    if (!inserted) return tl::unexpected(inserted.error());
    return OkStatus();
  });
}

}  // namespace ketaclinic::api
