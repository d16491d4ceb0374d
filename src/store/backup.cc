#include "store/backup.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "store/migrations.h"
#include "store/sqlite_connection.h"

namespace ketaclinic::store {
namespace {

Error UsePgTools(const Store& store, const std::string& what) {
  return Error(ErrorCode::kFailedPrecondition,
               what + " works on SQLite databases only; " + store.url() +
                   " is PostgreSQL: back it up with `pg_dump --format=custom --file=FILE URL` "
                   "and restore with `pg_restore --clean --if-exists --dbname=URL FILE` "
                   "(docs/STORAGE.md \"Backup and restore\")");
}

Status AppendOne(Store& store, const Actor& actor, const AuditEntry& entry) {
  return store.Transact([&](Transaction& tx) -> Status {
    Result<AuditRow> row = AppendAudit(tx, actor, store.Now(), entry);
    if (!row) return tl::unexpected(row.error());
    return OkStatus();
  });
}

// Rows that a restore would throw away: users, clinical records, vitals and audit rows.
Result<int64_t> ContentRows(Store& store) {
  Result<SchemaStatus> status = ReadSchemaStatus(store);
  if (!status) return tl::unexpected(status.error());
  if (status->current == 0) return int64_t{0};
  return store.Read([](Transaction& tx) -> Result<int64_t> {
    Result<Rows> rows = tx.Query(
        "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM clinical_records) + "
        "(SELECT COUNT(*) FROM vitals) + (SELECT COUNT(*) FROM audit_log)");
    if (!rows) return tl::unexpected(rows.error());
    RowReader reader(*rows, 0);
    const int64_t count = reader.Int64(0);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    return count;
  });
}

// Checks that `backup` can be restored by this binary: an intact SQLite file, a KetaClinic
// schema no newer than ours, and an intact audit chain.
Status CheckBackup(Store& backup, const std::string& path) {
  Result<std::string> integrity = backup.Read([](Transaction& tx) -> Result<std::string> {
    Result<Rows> rows = tx.Query("PRAGMA integrity_check");
    if (!rows) return tl::unexpected(rows.error());
    RowReader reader(*rows, 0);
    std::string first = reader.Text(0);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    return first;
  });
  if (!integrity) return tl::unexpected(integrity.error());
  if (*integrity != "ok") {
    return tl::unexpected(
        Error(ErrorCode::kFailedPrecondition,
              "backup '" + path + "' is damaged (integrity_check: " + *integrity + ")"));
  }
  Result<SchemaStatus> schema = ReadSchemaStatus(backup);
  if (!schema) return tl::unexpected(schema.error());
  if (schema->current == 0) {
    return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                                "'" + path + "' is not a KetaClinic database (no migrations)"));
  }
  if (schema->newer_than_binary()) {
    return tl::unexpected(Error(
        ErrorCode::kFailedPrecondition,
        "backup '" + path + "' has schema version " + std::to_string(schema->current) +
            ", newer than this ketaclinic supports (" + std::to_string(schema->latest) + ")"));
  }
  Result<AuditVerification> chain = VerifyAuditChain(backup);
  if (!chain) return tl::unexpected(chain.error());
  if (const std::optional<AuditProblem>& problem = chain->problem; problem.has_value()) {
    return tl::unexpected(
        Error(ErrorCode::kFailedPrecondition, "backup '" + path + "' has a broken audit chain: " +
                                                  std::string(TamperKindName(problem->kind)) + " " +
                                                  problem->message));
  }
  return OkStatus();
}

}  // namespace

Status BackupTo(Store& store, const Actor& actor, const std::string& path) {
  if (store.backend() != Backend::kSqlite) return tl::unexpected(UsePgTools(store, "backup"));
  std::error_code ec;
  if (path.empty() || std::filesystem::exists(path, ec)) {
    return tl::unexpected(Error::InvalidArgument(
        "to", path.empty() ? "names no file" : "'" + path + "' exists; choose a new file"));
  }
  AuditEntry entry;
  entry.action = "database.backup";
  entry.record_type = "database";
  entry.after = {{"to", path}};
  if (Status audited = AppendOne(store, actor, entry); !audited) return audited;

  Result<std::unique_ptr<SqliteConnection>> target =
      SqliteConnection::Open(path, "sqlite:" + path, std::chrono::milliseconds(5000), false);
  if (!target) return tl::unexpected(target.error());
  Status copied = store.WithSqliteConnection(
      [&](SqliteConnection& live) { return live.CopyTo(**target, "backup to '" + path + "'"); });
  if (!copied) return copied;
  // A backup is one self-contained file: rollback journal rather than WAL (a WAL file needs
  // its -shm and -wal companions to be opened read-only).
  return (*target)->ExecScript("PRAGMA journal_mode = DELETE");
}

Status RestoreFrom(Store& store, const Actor& actor, const std::string& path,
                   const RestoreOptions& options) {
  if (store.backend() != Backend::kSqlite) return tl::unexpected(UsePgTools(store, "restore"));
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) {
    return tl::unexpected(Error::InvalidArgument(
        "from", path.empty() ? "names no file" : "'" + path + "' is not a file"));
  }
  OpenOptions read_only;
  read_only.schema = OpenOptions::Schema::kInspect;
  read_only.read_only = true;
  Result<std::unique_ptr<Store>> backup = Store::Open("sqlite:" + path, read_only);
  if (!backup) return tl::unexpected(backup.error());
  if (Status valid = CheckBackup(**backup, path); !valid) return valid;

  if (!options.replace_existing) {
    Result<int64_t> existing = ContentRows(store);
    if (!existing) return tl::unexpected(existing.error());
    if (*existing > 0) {
      return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                                  "database " + store.url() + " is not empty (" +
                                      std::to_string(*existing) +
                                      " rows of users, records, vitals and audit); a restore "
                                      "replaces all of it: confirm with --replace"));
    }
  }

  Status copied = store.WithSqliteConnection([&](SqliteConnection& live) -> Status {
    Status done = (*backup)->WithSqliteConnection([&](SqliteConnection& source) {
      return source.CopyTo(live, "restore from '" + path + "'");
    });
    live.ClearStatementCache();  // the schema was replaced
    return done;
  });
  if (!copied) return copied;
  Result<std::vector<int>> migrated = Migrate(store);
  if (!migrated) return tl::unexpected(migrated.error());

  AuditEntry entry;
  entry.action = "database.restore";
  entry.record_type = "database";
  entry.after = {{"from", path}, {"migrations_applied", *migrated}};
  return AppendOne(store, actor, entry);
}

}  // namespace ketaclinic::store
