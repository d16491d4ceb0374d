// Migration 6: what the HTTP server needs to sign people in (issue 5; docs/API.md
// "Authentication").
//
// login_sessions: one row per sign-in. The bearer token itself is never stored, only its
// BLAKE2b-256 hash (a 256-bit random token needs no slow hash: nothing to brute-force), so a
// copy of the database does not let anyone act as a signed-in user. A session ends at
// expires_at (absolute), after the idle timeout since last_seen_at, or when revoked (logout,
// account disabled). Rows are kept (who was signed in when is part of the record); the only
// updates are last_seen_at and revoked_at.
//
// login_failures: one row per failed sign-in, by the username tried and the client address,
// so that the limits (per account and per address) hold across restarts and across several
// servers on one PostgreSQL database. Times are RFC 3339 UTC text like every other table, which
// compares correctly as text.
#include "store/migrations.h"

namespace ketaclinic::store {
namespace {

constexpr std::string_view kAuthSqlite = R"sql(
CREATE TABLE login_sessions (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id TEXT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  client_address TEXT NOT NULL
) STRICT;
CREATE INDEX login_sessions_by_user ON login_sessions (user_id, created_at);
CREATE TRIGGER login_sessions_no_delete BEFORE DELETE ON login_sessions
BEGIN SELECT RAISE(ABORT, 'login sessions are kept: revoke them'); END;
CREATE TRIGGER login_sessions_only_seen_or_revoked BEFORE UPDATE ON login_sessions
WHEN NEW.token_hash IS NOT OLD.token_hash OR NEW.user_id IS NOT OLD.user_id
  OR NEW.created_at IS NOT OLD.created_at OR NEW.expires_at IS NOT OLD.expires_at
  OR NEW.client_address IS NOT OLD.client_address
  OR (OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS NOT OLD.revoked_at)
BEGIN SELECT RAISE(ABORT, 'a login session changes only its last use and its revocation'); END;
CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL,
  client_address TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_by_username ON login_failures (username, at);
CREATE INDEX login_failures_by_address ON login_failures (client_address, at);
CREATE TRIGGER login_failures_no_update BEFORE UPDATE ON login_failures
BEGIN SELECT RAISE(ABORT, 'login failures are append-only'); END;
)sql";

constexpr std::string_view kAuthPostgres = R"sql(
CREATE TABLE login_sessions (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  user_id TEXT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  client_address TEXT NOT NULL
);
CREATE INDEX login_sessions_by_user ON login_sessions (user_id, created_at);
CREATE FUNCTION kc_login_sessions_only_seen_or_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.token_hash, NEW.user_id, NEW.created_at, NEW.expires_at, NEW.client_address)
       IS NOT DISTINCT FROM
     (OLD.token_hash, OLD.user_id, OLD.created_at, OLD.expires_at, OLD.client_address)
     AND (OLD.revoked_at IS NULL OR NEW.revoked_at IS NOT DISTINCT FROM OLD.revoked_at) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'a login session changes only its last use and its revocation'
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER login_sessions_only_seen_or_revoked BEFORE UPDATE ON login_sessions
  FOR EACH ROW EXECUTE FUNCTION kc_login_sessions_only_seen_or_revoked();
CREATE TRIGGER login_sessions_no_delete BEFORE DELETE ON login_sessions
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
CREATE TABLE login_failures (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username TEXT NOT NULL,
  client_address TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX login_failures_by_username ON login_failures (username, at);
CREATE INDEX login_failures_by_address ON login_failures (client_address, at);
CREATE TRIGGER login_failures_no_update BEFORE UPDATE ON login_failures
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
)sql";

}  // namespace

Migration AuthMigration() {
  return {6, "login sessions (token hashes, expiry, revocation) and failed-login records",
          kAuthSqlite, kAuthPostgres};
}

}  // namespace ketaclinic::store
