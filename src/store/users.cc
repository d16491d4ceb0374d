#include "store/users.h"

#include <algorithm>
#include <string>
#include <utility>

#include <sodium.h>

#include "base/validation.h"

#include "store/ids.h"

namespace ketaclinic::store {
namespace {

constexpr std::string_view kColumns = "id, username, display_name, role, created_at, disabled";

bool IsUsername(std::string_view name) {
  return name.size() >= 3 && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
         });
}

Result<User> DecodeUser(const Rows& rows, size_t i, std::string* password_hash) {
  RowReader reader(rows, i);
  User user;
  user.id = reader.Text(0);
  user.username = reader.Text(1);
  user.display_name = reader.Text(2);
  const std::string role = reader.Text(3);
  const std::string created_at = reader.Text(4);
  user.disabled = reader.Int64(5) != 0;
  if (password_hash != nullptr) *password_hash = reader.Text(6);
  if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
  Result<clinical::Role> parsed_role = clinical::ParseRole(role, "role");
  Result<Instant> created = ParseRfc3339(created_at, "created_at");
  if (!parsed_role || !created) {
    return tl::unexpected(
        Error(ErrorCode::kInternal, "user " + user.username + " has an unreadable role or time"));
  }
  user.role = *parsed_role;
  user.created_at = *created;
  return user;
}

// A hash to check unknown usernames against, so that they take as long as known ones.
const std::string& DummyHash() {
  static const std::string kHash = HashPassword("not-a-real-password-0000").value_or("");
  return kHash;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return tl::unexpected(
        Error::Internal("password hashing failed (out of memory for Argon2id's 64 MiB?)"));
  }
  return std::string(hash);
}

bool PasswordMatches(const std::string& hash, std::string_view password) {
  EnsureSodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string GeneratePassword() {
  // No 0/O, 1/l/I: read aloud or copied by hand without mistakes.
  static constexpr std::string_view kAlphabet =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string password;
  password.reserve(20);
  for (int i = 0; i < 20; ++i) {
    password.push_back(kAlphabet[RandomBelow(static_cast<uint32_t>(kAlphabet.size()))]);
  }
  return password;
}

Result<User> UserStore::Create(const Actor& actor, const NewUser& user) {
  Validator v("invalid user");
  v.Require(IsUsername(user.username), "username",
            "must be 3-64 lower-case letters, digits, '.', '_' or '-'");
  v.Require(!user.display_name.empty() && user.display_name.size() <= 200, "display_name",
            "must be 1-200 characters");
  v.Require(user.password.size() >= kMinPasswordLength, "password",
            "must be at least " + std::to_string(kMinPasswordLength) + " characters");
  v.Require(user.password.size() <= kMaxPasswordLength, "password",
            "must be at most " + std::to_string(kMaxPasswordLength) + " characters");
  if (Status valid = v.Finish(); !valid) return tl::unexpected(valid.error());
  // Hashing takes ~0.1 s and 64 MiB: done before the transaction, which holds the write lock.
  Result<std::string> hash = HashPassword(user.password);
  if (!hash) return tl::unexpected(hash.error());

  return store_.Transact([&](Transaction& tx) -> Result<User> {
    User created;
    created.id = NewId();
    created.username = user.username;
    created.display_name = user.display_name;
    created.role = user.role;
    created.created_at = store_.Now();
    Result<int64_t> inserted = tx.Exec(
        "INSERT INTO users (id, username, display_name, role, password_hash, created_at, "
        "disabled) VALUES ($1, $2, $3, $4, $5, $6, 0)",
        {created.id, created.username, created.display_name, clinical::RoleName(created.role),
         *hash, FormatRfc3339(created.created_at)});
    if (!inserted) {
      if (tx.last_failure() == FailureKind::kUniqueViolation) {
        return tl::unexpected(ConflictError("username '" + user.username + "' is taken"));
      }
      return tl::unexpected(inserted.error());
    }
    AuditEntry entry;
    entry.action = "user.create";
    entry.record_type = "user";
    entry.record_id = created.id;
    entry.after = {{"username", created.username},
                   {"display_name", created.display_name},
                   {"role", clinical::RoleName(created.role)}};
    if (Result<AuditRow> row = AppendAudit(tx, actor, created.created_at, entry); !row) {
      return tl::unexpected(row.error());
    }
    return created;
  });
}

Result<User> UserStore::Authenticate(std::string_view username, std::string_view password,
                                     const std::string& client_address) {
  Result<std::optional<std::pair<User, std::string>>> found =
      store_.Read([&](Transaction& tx) -> Result<std::optional<std::pair<User, std::string>>> {
        Result<Rows> rows = tx.Query(
            "SELECT " + std::string(kColumns) + ", password_hash FROM users WHERE username = $1",
            {username});
        if (!rows) return tl::unexpected(rows.error());
        if (rows->empty()) return std::optional<std::pair<User, std::string>>();
        std::string hash;
        Result<User> user = DecodeUser(*rows, 0, &hash);
        if (!user) return tl::unexpected(user.error());
        return std::optional<std::pair<User, std::string>>(
            std::make_pair(std::move(*user), std::move(hash)));
      });
  if (!found) return tl::unexpected(found.error());
  std::optional<User> user;
  std::string hash = DummyHash();
  if (const std::optional<std::pair<User, std::string>>& row = *found; row.has_value()) {
    user = row->first;
    hash = row->second;
  }
  // The same Argon2id work whether or not the user exists.
  const bool matches = PasswordMatches(hash, password) && user.has_value();
  const bool ok = matches && user.has_value() && !user->disabled;

  Actor actor;
  actor.user_id = user.has_value() ? user->id : "unknown";
  actor.role = user.has_value() ? clinical::RoleName(user->role) : "none";
  actor.client_address = client_address;
  AuditEntry entry;
  entry.action = ok ? "user.login" : "user.login-failed";
  entry.record_type = "user";
  entry.record_id = user.has_value() ? user->id : "";
  entry.after = {{"username", std::string(username)}};
  Status audited = store_.Transact([&](Transaction& tx) -> Status {
    Result<AuditRow> row = AppendAudit(tx, actor, store_.Now(), entry);
    if (!row) return tl::unexpected(row.error());
    return OkStatus();
  });
  if (!audited) return tl::unexpected(audited.error());
  if (!ok || !user.has_value()) {
    return tl::unexpected(Error::NotFound("unknown user or wrong password"));
  }
  return *user;
}

Result<std::optional<User>> UserStore::FindByUsername(std::string_view username) {
  return store_.Read([&](Transaction& tx) -> Result<std::optional<User>> {
    Result<Rows> rows =
        tx.Query("SELECT " + std::string(kColumns) + " FROM users WHERE username = $1", {username});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return std::optional<User>();
    Result<User> user = DecodeUser(*rows, 0, nullptr);
    if (!user) return tl::unexpected(user.error());
    return std::optional<User>(std::move(*user));
  });
}

Result<int64_t> UserStore::Count() {
  return store_.Read([](Transaction& tx) -> Result<int64_t> {
    Result<Rows> rows = tx.Query("SELECT COUNT(*) FROM users");
    if (!rows) return tl::unexpected(rows.error());
    RowReader reader(*rows, 0);
    const int64_t count = reader.Int64(0);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    return count;
  });
}

}  // namespace ketaclinic::store
