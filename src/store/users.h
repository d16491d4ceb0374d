#ifndef KETACLINIC_STORE_USERS_H_
#define KETACLINIC_STORE_USERS_H_

// User accounts: one per person (HIPAA 164.312(a)(1) unique user identification, clinical.md
// §5.1 [S]), with a role (clinical::Role, src/clinical/roles.h) and an Argon2id password hash
// (libsodium crypto_pwhash_str with the "interactive" limits: 2 passes, 64 MiB). Accounts are
// disabled, never deleted. Creation and every sign-in attempt are audited.

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/time.h"

#include "clinical/roles.h"
#include "store/audit.h"
#include "store/store.h"

namespace ketaclinic::store {

struct User {
  std::string id;
  std::string username;
  std::string display_name;
  clinical::Role role = clinical::Role::kNurse;
  Instant created_at;
  bool disabled = false;
};

struct NewUser {
  std::string username;  // 3-64 of a-z 0-9 . _ - (lower case: one person, one spelling)
  std::string display_name;
  clinical::Role role = clinical::Role::kNurse;
  std::string password;  // 12 to 1024 characters
};

// A password policy of length only, after NIST SP 800-63B §5.1.1.2 (no composition rules):
// 12 characters minimum [D], 1024 maximum (bounded work for the hash).
inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxPasswordLength = 1024;

// The Argon2id hash string of `password` ("$argon2id$v=19$m=65536,t=2,p=1$...").
Result<std::string> HashPassword(std::string_view password);
// Whether `password` matches `hash` (constant-time comparison inside libsodium).
bool PasswordMatches(const std::string& hash, std::string_view password);
// A new random password of 20 characters from a 57-character alphabet without look-alikes
// (about 116 bits), for `ketaclinic init` to print once.
std::string GeneratePassword();

class UserStore {
 public:
  explicit UserStore(Store& store) : store_(store) {}

  // Errors name each bad field; a taken username is a conflict.
  Result<User> Create(const Actor& actor, const NewUser& user);
  // The user if `password` is theirs and the account is enabled. Every failure is the same
  // kNotFound "unknown user or wrong password" (no hint which), after the same work (an unknown
  // user is checked against a dummy hash). Audited as user.login or user.login-failed.
  Result<User> Authenticate(std::string_view username, std::string_view password,
                            const std::string& client_address);
  Result<std::optional<User>> FindByUsername(std::string_view username);
  Result<int64_t> Count();

 private:
  Store& store_;
};

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_USERS_H_
