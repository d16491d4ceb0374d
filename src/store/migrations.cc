#include "store/migrations.h"

#include <algorithm>
#include <string>

#include "base/time.h"

namespace ketaclinic::store {
namespace {

// --- 1: user accounts ---------------------------------------------------------------------
// Roles are clinical::RoleName (src/clinical/roles.h); the password is an Argon2id string
// (libsodium crypto_pwhash_str: algorithm, limits and salt included).

constexpr std::string_view kUsersSqlite = R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('physician', 'nurse', 'pharmacist', 'front-desk',
                                     'auditor', 'admin', 'patient')),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
) STRICT;
CREATE TRIGGER users_no_delete BEFORE DELETE ON users
BEGIN SELECT RAISE(ABORT, 'users are never deleted: disable the account'); END;
)sql";

constexpr std::string_view kUsersPostgres = R"sql(
CREATE FUNCTION kc_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('physician', 'nurse', 'pharmacist', 'front-desk',
                                     'auditor', 'admin', 'patient')),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);
CREATE TRIGGER users_no_delete BEFORE DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER users_no_truncate BEFORE TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION kc_refuse_change();
)sql";

// --- 2: versioned clinical records -------------------------------------------------------
// Every clinical record (patient, history, course, order, session, scale response, side effect)
// is a sequence of versions; the current one is the highest. Rows are never changed or deleted:
// "amended" is derived (a version with a later one), not stored. The body is the record's JSON
// text exactly as written.

constexpr std::string_view kRecordsSqlite = R"sql(
CREATE TABLE clinical_records (
  id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  record_type TEXT NOT NULL CHECK (record_type <> ''),
  patient_id TEXT,
  author TEXT NOT NULL CHECK (author <> ''),
  recorded_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'entered-in-error')),
  reason TEXT NOT NULL,
  body TEXT NOT NULL CHECK (json_valid(body)),
  PRIMARY KEY (id, version)
) STRICT, WITHOUT ROWID;
CREATE INDEX clinical_records_by_patient ON clinical_records (patient_id, record_type, id);
CREATE TRIGGER clinical_records_no_update BEFORE UPDATE ON clinical_records
BEGIN SELECT RAISE(ABORT, 'clinical records are never changed: write a new version'); END;
CREATE TRIGGER clinical_records_no_delete BEFORE DELETE ON clinical_records
BEGIN SELECT RAISE(ABORT, 'clinical records are never deleted: mark them entered-in-error'); END;
)sql";

constexpr std::string_view kRecordsPostgres = R"sql(
CREATE TABLE clinical_records (
  id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  record_type TEXT NOT NULL CHECK (record_type <> ''),
  patient_id TEXT,
  author TEXT NOT NULL CHECK (author <> ''),
  recorded_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'entered-in-error')),
  reason TEXT NOT NULL,
  body TEXT NOT NULL CHECK (body::jsonb IS NOT NULL),
  PRIMARY KEY (id, version)
);
CREATE INDEX clinical_records_by_patient ON clinical_records (patient_id, record_type, id);
CREATE TRIGGER clinical_records_append_only BEFORE UPDATE OR DELETE ON clinical_records
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER clinical_records_no_truncate BEFORE TRUNCATE ON clinical_records
  FOR EACH STATEMENT EXECUTE FUNCTION kc_refuse_change();
)sql";

// --- 3: vital signs ----------------------------------------------------------------------
// High volume (a reading every few minutes of every session: 20 million rows in a large
// clinic), so a typed table rather than versioned JSON. Indexed for the two reads that matter:
// one session's readings and one patient's over time. A reading is never changed; the one
// allowed UPDATE marks it entered-in-error with a reason.

constexpr std::string_view kVitalsSqlite = R"sql(
CREATE TABLE vitals (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  taken_at TEXT NOT NULL,
  systolic_mmhg REAL,
  diastolic_mmhg REAL,
  heart_rate_bpm REAL,
  spo2_percent REAL,
  resp_rate_per_min REAL,
  on_room_air INTEGER NOT NULL DEFAULT 1 CHECK (on_room_air IN (0, 1)),
  author TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'entered-in-error')),
  reason TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX vitals_by_session ON vitals (session_id, taken_at);
CREATE INDEX vitals_by_patient ON vitals (patient_id, taken_at);
CREATE TRIGGER vitals_only_withdrawn BEFORE UPDATE ON vitals
WHEN OLD.status <> 'active' OR NEW.status <> 'entered-in-error' OR NEW.reason = ''
  OR NEW.id IS NOT OLD.id OR NEW.session_id IS NOT OLD.session_id
  OR NEW.patient_id IS NOT OLD.patient_id OR NEW.taken_at IS NOT OLD.taken_at
  OR NEW.systolic_mmhg IS NOT OLD.systolic_mmhg OR NEW.diastolic_mmhg IS NOT OLD.diastolic_mmhg
  OR NEW.heart_rate_bpm IS NOT OLD.heart_rate_bpm OR NEW.spo2_percent IS NOT OLD.spo2_percent
  OR NEW.resp_rate_per_min IS NOT OLD.resp_rate_per_min
  OR NEW.on_room_air IS NOT OLD.on_room_air OR NEW.author IS NOT OLD.author
  OR NEW.recorded_at IS NOT OLD.recorded_at
BEGIN SELECT RAISE(ABORT, 'vitals are never changed: only marked entered-in-error with a reason');
END;
CREATE TRIGGER vitals_no_delete BEFORE DELETE ON vitals
BEGIN SELECT RAISE(ABORT, 'vitals are never deleted: mark them entered-in-error'); END;
)sql";

constexpr std::string_view kVitalsPostgres = R"sql(
CREATE TABLE vitals (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_id TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  taken_at TEXT NOT NULL,
  systolic_mmhg DOUBLE PRECISION,
  diastolic_mmhg DOUBLE PRECISION,
  heart_rate_bpm DOUBLE PRECISION,
  spo2_percent DOUBLE PRECISION,
  resp_rate_per_min DOUBLE PRECISION,
  on_room_air INTEGER NOT NULL DEFAULT 1 CHECK (on_room_air IN (0, 1)),
  author TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'entered-in-error')),
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX vitals_by_session ON vitals (session_id, taken_at);
CREATE INDEX vitals_by_patient ON vitals (patient_id, taken_at);
CREATE FUNCTION kc_vitals_only_withdrawn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'active' AND NEW.status = 'entered-in-error' AND NEW.reason <> ''
     AND (NEW.id, NEW.session_id, NEW.patient_id, NEW.taken_at, NEW.systolic_mmhg,
          NEW.diastolic_mmhg, NEW.heart_rate_bpm, NEW.spo2_percent, NEW.resp_rate_per_min,
          NEW.on_room_air, NEW.author, NEW.recorded_at)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.session_id, OLD.patient_id, OLD.taken_at, OLD.systolic_mmhg,
          OLD.diastolic_mmhg, OLD.heart_rate_bpm, OLD.spo2_percent, OLD.resp_rate_per_min,
          OLD.on_room_air, OLD.author, OLD.recorded_at) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'vitals are never changed: only marked entered-in-error with a reason'
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER vitals_only_withdrawn BEFORE UPDATE ON vitals
  FOR EACH ROW EXECUTE FUNCTION kc_vitals_only_withdrawn();
CREATE TRIGGER vitals_no_delete BEFORE DELETE ON vitals
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER vitals_no_truncate BEFORE TRUNCATE ON vitals
  FOR EACH STATEMENT EXECUTE FUNCTION kc_refuse_change();
)sql";

// --- 4: the audit trail ------------------------------------------------------------------
// One row per read of or change to patient data, hash-chained (audit.h). The payload is the
// canonical JSON of the entry, hashed exactly as stored; the other columns repeat some of its
// fields for queries, and verification checks that they agree with it.

constexpr std::string_view kAuditSqlite = R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  at TEXT NOT NULL,
  user_id TEXT NOT NULL,
  action TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  patient_id TEXT,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_by_patient ON audit_log (patient_id, seq);
CREATE INDEX audit_log_by_record ON audit_log (record_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

constexpr std::string_view kAuditPostgres = R"sql(
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY CHECK (seq >= 1),
  at TEXT NOT NULL,
  user_id TEXT NOT NULL,
  action TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  patient_id TEXT,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_patient ON audit_log (patient_id, seq);
CREATE INDEX audit_log_by_record ON audit_log (record_id, seq);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION kc_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION kc_refuse_change();
)sql";

// Serializes migrators on PostgreSQL (two servers starting at once). Any constant works; this
// one spells "kcmigr" in ASCII.
constexpr std::string_view kPgMigrationLock = "SELECT pg_advisory_xact_lock(118074906897778)";

Result<bool> MigrationsTableExists(Transaction& tx) {
  Result<Rows> rows =
      tx.backend() == Backend::kSqlite
          ? tx.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = $1",
                     {"schema_migrations"})
          : tx.Query("SELECT CAST(to_regclass($1) AS TEXT)", {"schema_migrations"});
  if (!rows) return tl::unexpected(rows.error());
  return !rows->empty() && !rows->rows[0].cells[0].is_null();
}

Result<std::vector<AppliedMigration>> ReadApplied(Transaction& tx) {
  Result<bool> exists = MigrationsTableExists(tx);
  if (!exists) return tl::unexpected(exists.error());
  std::vector<AppliedMigration> applied;
  if (!*exists) return applied;
  Result<Rows> rows =
      tx.Query("SELECT id, description, applied_at FROM schema_migrations ORDER BY id");
  if (!rows) return tl::unexpected(rows.error());
  applied.reserve(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    RowReader row(*rows, i);
    AppliedMigration migration;
    migration.id = static_cast<int>(row.Int64(0));
    migration.description = row.Text(1);
    migration.applied_at = row.Text(2);
    if (Status ok = row.status(); !ok) return tl::unexpected(ok.error());
    applied.push_back(std::move(migration));
  }
  return applied;
}

int CurrentVersion(const std::vector<AppliedMigration>& applied) {
  return applied.empty() ? 0 : applied.back().id;
}

Error NewerSchemaError(const std::string& url, int current, int latest) {
  return Error(ErrorCode::kFailedPrecondition,
               "database " + url + " has schema version " + std::to_string(current) +
                   ", newer than this ketaclinic supports (schema version " +
                   std::to_string(latest) +
                   "); use the ketaclinic release that wrote it, or restore a backup made "
                   "with this one");
}

}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "user accounts (Argon2id password hashes, roles)", kUsersSqlite, kUsersPostgres},
      {2, "versioned clinical records (append-only)", kRecordsSqlite, kRecordsPostgres},
      {3, "vital signs by session and patient", kVitalsSqlite, kVitalsPostgres},
      {4, "hash-chained audit trail (append-only)", kAuditSqlite, kAuditPostgres},
      LedgerMigration(),
      AuthMigration(),
  };
  return kMigrations;
}

int LatestSchemaVersion() { return AllMigrations().back().id; }

Result<SchemaStatus> ReadSchemaStatus(Store& store) {
  return store.Read([](Transaction& tx) -> Result<SchemaStatus> {
    Result<std::vector<AppliedMigration>> applied = ReadApplied(tx);
    if (!applied) return tl::unexpected(applied.error());
    SchemaStatus status;
    status.latest = LatestSchemaVersion();
    status.current = CurrentVersion(*applied);
    for (const Migration& migration : AllMigrations()) {
      const bool done =
          std::any_of(applied->begin(), applied->end(),
                      [&](const AppliedMigration& a) { return a.id == migration.id; });
      if (!done) status.pending.push_back(migration);
    }
    status.applied = std::move(*applied);
    return status;
  });
}

Result<std::vector<int>> ApplyMigrations(Store& store, const std::vector<Migration>& migrations) {
  int latest = 0;
  for (const Migration& migration : migrations) latest = std::max(latest, migration.id);
  std::vector<int> applied_now;
  for (const Migration& migration : migrations) {
    // One transaction per migration: its DDL and its schema_migrations row commit together.
    Result<bool> applied = store.Transact([&](Transaction& tx) -> Result<bool> {
      if (tx.backend() == Backend::kPostgres) {
        if (Result<Rows> locked = tx.Query(kPgMigrationLock); !locked) {
          return tl::unexpected(locked.error());
        }
      }
      Result<bool> exists = MigrationsTableExists(tx);
      if (!exists) return tl::unexpected(exists.error());
      if (!*exists) {
        if (Status created = tx.ExecScript(
                "CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, description TEXT NOT "
                "NULL, applied_at TEXT NOT NULL)");
            !created) {
          return tl::unexpected(created.error());
        }
      }
      Result<std::vector<AppliedMigration>> done = ReadApplied(tx);
      if (!done) return tl::unexpected(done.error());
      const int current = CurrentVersion(*done);
      if (current > latest) return tl::unexpected(NewerSchemaError(store.url(), current, latest));
      for (const AppliedMigration& a : *done) {
        if (a.id == migration.id) return false;  // applied before (or by a concurrent migrator)
      }
      const std::string_view sql =
          tx.backend() == Backend::kSqlite ? migration.sqlite_sql : migration.postgres_sql;
      if (Status ran = tx.ExecScript(sql); !ran) {
        return tl::unexpected(
            Error(ErrorCode::kInternal, "migration " + std::to_string(migration.id) + " (" +
                                            std::string(migration.description) +
                                            ") failed: " + ran.error().message()));
      }
      if (Result<int64_t> recorded = tx.Exec(
              "INSERT INTO schema_migrations (id, description, applied_at) "
              "VALUES ($1, $2, $3)",
              {migration.id, std::string(migration.description), FormatRfc3339(store.Now())});
          !recorded) {
        return tl::unexpected(recorded.error());
      }
      return true;
    });
    if (!applied) return tl::unexpected(applied.error());
    if (*applied) applied_now.push_back(migration.id);
  }
  // Also refuses a newer schema when nothing was pending.
  Result<SchemaStatus> status = ReadSchemaStatus(store);
  if (!status) return tl::unexpected(status.error());
  if (status->current > latest) {
    return tl::unexpected(NewerSchemaError(store.url(), status->current, latest));
  }
  return applied_now;
}

Result<std::vector<int>> Migrate(Store& store) { return ApplyMigrations(store, AllMigrations()); }

Status CheckSchemaCurrent(Store& store) {
  Result<SchemaStatus> status = ReadSchemaStatus(store);
  if (!status) return tl::unexpected(status.error());
  if (status->newer_than_binary()) {
    return tl::unexpected(NewerSchemaError(store.url(), status->current, status->latest));
  }
  if (!status->pending.empty()) {
    return tl::unexpected(
        Error(ErrorCode::kFailedPrecondition,
              "database " + store.url() + " has schema version " + std::to_string(status->current) +
                  ", older than this ketaclinic's " + std::to_string(status->latest) +
                  "; run `ketaclinic db migrate --db URL` (after a backup)"));
  }
  return OkStatus();
}

Result<std::string> PostgresAppRoleGrants(std::string_view role) {
  const bool plain =
      !role.empty() && role.size() <= 63 &&
      std::all_of(
          role.begin(), role.end(),
          [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }) &&
      !(role[0] >= '0' && role[0] <= '9');
  if (!plain) {
    return tl::unexpected(Error::InvalidArgument(
        "role", "'" + std::string(role) +
                    "' is not a plain PostgreSQL role name (lower-case letters, digits, _)"));
  }
  const std::string r(role);
  return "DO $$ BEGIN EXECUTE format('GRANT USAGE ON SCHEMA %I TO " + r +
         "', current_schema()); END $$;\n"
         "REVOKE ALL ON schema_migrations, users, clinical_records, vitals, audit_log FROM " +
         r +
         ";\n"
         "GRANT SELECT ON schema_migrations TO " +
         r +
         ";\n"
         "GRANT SELECT, INSERT ON users, clinical_records, vitals, audit_log TO " +
         r +
         ";\n"
         "GRANT UPDATE (display_name, role, password_hash, disabled) ON users TO " +
         r +
         ";\n"
         "GRANT UPDATE (status, reason) ON vitals TO " +
         r +
         ";\n"
         // Migration 6: the server signs people in (last use and revocation are the only
         // updates; failed sign-ins are append-only).
         "REVOKE ALL ON login_sessions, login_failures FROM " +
         r +
         ";\n"
         "GRANT SELECT, INSERT ON login_sessions, login_failures TO " +
         r +
         ";\n"
         "GRANT UPDATE (last_seen_at, revoked_at) ON login_sessions TO " +
         r +
         ";\n"
         // Migration 5: the controlled-substance ledger is append-only for the application.
         "REVOKE ALL ON ledger_products, ledger_lots, ledger_vials, ledger_entries FROM " +
         r +
         ";\n"
         "GRANT SELECT, INSERT ON ledger_products, ledger_lots, ledger_vials, ledger_entries TO " +
         r + ";\n";
}

}  // namespace ketaclinic::store
