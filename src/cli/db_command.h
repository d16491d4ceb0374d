#ifndef KETACLINIC_CLI_DB_COMMAND_H_
#define KETACLINIC_CLI_DB_COMMAND_H_

// The database commands (docs/STORAGE.md): `init`, `db migrate`, `db status`, `audit verify`,
// `backup` and `restore`. Like the others in commands.h, each takes its options and streams
// and returns the exit status: 0 success, 2 bad input, 1 anything else (for `audit verify`: a
// broken chain; for `db status`: a schema that needs attention).

#include <iosfwd>
#include <string>

#include "cli/commands.h"

namespace ketaclinic::cli {

// --db: where the database is, when not given.
inline constexpr const char* kDefaultDatabaseUrl = "sqlite:ketaclinic.db";

// `ketaclinic init`: creates the database (migrations) and its first administrator. Without a
// password file a strong random password is generated and printed this once.
struct InitOptions {
  std::string db = kDefaultDatabaseUrl;
  std::string admin = "admin";
  std::string admin_password_file;  // the password is the file's first line
  Format format = Format::kTable;
};
int RunInit(const InitOptions& options, std::ostream& out, std::ostream& err);

struct DbOptions {
  std::string db = kDefaultDatabaseUrl;
  Format format = Format::kTable;
};
// `ketaclinic db migrate`: applies pending migrations.
int RunDbMigrate(const DbOptions& options, std::ostream& out, std::ostream& err);
// `ketaclinic db status`: every migration, applied or pending; exit 1 unless current.
int RunDbStatus(const DbOptions& options, std::ostream& out, std::ostream& err);

// `ketaclinic audit verify`: walks the audit chain; exit 0 intact, 1 with the first bad row.
struct AuditVerifyOptions {
  std::string db = kDefaultDatabaseUrl;
  std::string anchor;  // "SEQ:HASH" from an earlier run, kept off the machine
  Format format = Format::kTable;
};
int RunAuditVerify(const AuditVerifyOptions& options, std::ostream& out, std::ostream& err);

// `ketaclinic backup --to FILE`: a SQLite online backup into a new file.
struct BackupOptions {
  std::string db = kDefaultDatabaseUrl;
  std::string to;
  Format format = Format::kTable;
};
int RunBackup(const BackupOptions& options, std::ostream& out, std::ostream& err);

// `ketaclinic restore --from FILE`: replaces the database with a checked backup. A database
// with content is replaced only with --replace.
struct RestoreOptions {
  std::string db = kDefaultDatabaseUrl;
  std::string from;
  bool replace = false;
  Format format = Format::kTable;
};
int RunRestore(const RestoreOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_DB_COMMAND_H_
