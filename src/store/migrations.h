#ifndef KETACLINIC_STORE_MIGRATIONS_H_
#define KETACLINIC_STORE_MIGRATIONS_H_

// Versioned schema migrations (docs/STORAGE.md "Migrations"). Each migration has an id (its
// schema version), a description and SQL per dialect; applied ones are recorded in the table
// schema_migrations, one transaction per migration. A database whose schema is newer than this
// binary knows is refused, naming both versions. Migrations are append-only: a released one is
// never edited, a change is a new migration.

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

#include "store/store.h"

namespace ketaclinic::store {

struct Migration {
  int id = 0;
  std::string_view description;
  std::string_view sqlite_sql;
  std::string_view postgres_sql;
};

// Migrations kept in their own files (one table family each), listed by AllMigrations().
Migration LedgerMigration();  // 5: the controlled-substance ledger (migration_ledger.cc)
Migration AuthMigration();    // 6: login sessions and failed-login limits (migration_auth.cc)

// Every migration this binary knows, ids 1..N in order.
const std::vector<Migration>& AllMigrations();
// N: the schema version this binary writes.
int LatestSchemaVersion();

struct AppliedMigration {
  int id = 0;
  std::string description;
  std::string applied_at;  // RFC 3339 UTC
};

struct SchemaStatus {
  int current = 0;  // highest applied id; 0 for an empty database
  int latest = 0;   // LatestSchemaVersion()
  std::vector<AppliedMigration> applied;
  std::vector<Migration> pending;  // known but not applied
  bool newer_than_binary() const { return current > latest; }
};

// What is applied and what is pending, changing nothing.
Result<SchemaStatus> ReadSchemaStatus(Store& store);

// Applies the pending migrations of AllMigrations(); returns the ids applied (empty when the
// schema was current). Refuses a schema newer than this binary. Safe to run concurrently
// (PostgreSQL: an advisory lock; SQLite: the write lock).
Result<std::vector<int>> Migrate(Store& store);

// The same over a given list (tests use it to build a "newer" schema).
Result<std::vector<int>> ApplyMigrations(Store& store, const std::vector<Migration>& migrations);

// Ok when the schema is exactly LatestSchemaVersion(); an error naming both versions (and what
// to do) otherwise.
Status CheckSchemaCurrent(Store& store);

// The SQL that gives an application role of a PostgreSQL deployment only what the running
// server needs: SELECT and INSERT everywhere, the few column UPDATEs that the schema allows
// (user accounts; vitals' entered-in-error flag), and no UPDATE, DELETE or TRUNCATE on the
// clinical records or the audit log (docs/STORAGE.md "PostgreSQL roles"). `role` must be a
// plain lower-case identifier; run it as the schema's owner after `ketaclinic db migrate`.
Result<std::string> PostgresAppRoleGrants(std::string_view role);

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_MIGRATIONS_H_
