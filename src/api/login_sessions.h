#ifndef KETACLINIC_API_LOGIN_SESSIONS_H_
#define KETACLINIC_API_LOGIN_SESSIONS_H_

// Sign-in sessions and failed-login limits over the tables of migration 6
// (src/store/migration_auth.cc). docs/API.md "Authentication".
//
// A token is 32 bytes from libsodium's CSPRNG (randombytes_buf), given to the client once as
// unpadded base64url (43 characters); the database keeps only BLAKE2b-256(token) in hex. A
// session is valid until the earliest of: expires_at (absolute), last use + idle timeout, and
// revocation (logout; the account disabled). The last use is written at most once a minute
// (kTouchInterval) so that reads do not each cost a write; the idle timeout is therefore exact
// to the minute.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/time.h"

#include "store/store.h"
#include "store/users.h"

namespace ketaclinic::api {

struct AuthConfig {
  std::chrono::seconds absolute_lifetime{std::chrono::hours(12)};  // a clinic day [D]
  std::chrono::seconds idle_timeout{std::chrono::minutes(30)};     // an unattended screen [D]
  // Failed sign-ins within `failure_window` before further attempts are refused (429). Per
  // account: guessing one person's password; per address: guessing many accounts' [D] (after
  // NIST SP 800-63B §5.2.2, which asks for a limit of at most 100 failures per account).
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  std::chrono::seconds failure_window{std::chrono::minutes(15)};
};

inline constexpr std::chrono::seconds kTouchInterval{60};

// The signed-in user of a request.
struct Principal {
  store::User user;
  std::string token_hash;
  Instant expires_at;
};

struct NewLoginSession {
  std::string token;  // give to the client; not stored
  Instant expires_at;
};

// Why a sign-in is refused before the password is even checked.
struct Throttle {
  std::chrono::seconds retry_after{0};
  std::string scope;  // "account" or "address"
};

class LoginSessions {
 public:
  LoginSessions(store::Store& store, AuthConfig config) : store_(store), config_(config) {}

  const AuthConfig& config() const { return config_; }

  // A new session for `user`, starting at `now`.
  Result<NewLoginSession> Create(const store::User& user, const std::string& client_address,
                                 Instant now);
  // The principal of a valid token; nullopt for an unknown, expired, idle, revoked or
  // malformed one or a disabled account (the caller answers 401 to all alike).
  Result<std::optional<Principal>> Authenticate(std::string_view token, Instant now);
  // Revokes the session (idempotent) and audits user.logout.
  Status Revoke(const Principal& principal, const store::Actor& actor, Instant now);
  // Revokes every session of a user (the account was disabled), inside `tx`.
  static Status RevokeAllOfUser(store::Transaction& tx, std::string_view user_id, Instant now);

  // Whether another attempt for `username` from `client_address` must wait, and how long.
  Result<std::optional<Throttle>> CheckThrottle(std::string_view username,
                                                std::string_view client_address, Instant now);
  // Records a failed attempt (durably: the limit holds across restarts).
  Status RecordFailure(std::string_view username, std::string_view client_address, Instant now);

 private:
  store::Store& store_;
  AuthConfig config_;
};

// BLAKE2b-256 of the token, lower-case hex (64 digits).
std::string TokenHash(std::string_view token);

}  // namespace ketaclinic::api

#endif  // KETACLINIC_API_LOGIN_SESSIONS_H_
