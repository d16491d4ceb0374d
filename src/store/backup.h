#ifndef KETACLINIC_STORE_BACKUP_H_
#define KETACLINIC_STORE_BACKUP_H_

// Backup and restore of a SQLite database with SQLite's online backup API: a consistent
// snapshot taken while the clinic keeps working. PostgreSQL databases are backed up with the
// server's own tools (pg_dump / pg_restore, docs/STORAGE.md "Backup and restore"); these
// functions say so instead of pretending.

#include <string>

#include "base/error.h"

#include "store/audit.h"
#include "store/store.h"

namespace ketaclinic::store {

// Copies the whole database to the new file `path` (refused if it exists). The backup is
// audited first, so the copy holds the record of its own making.
Status BackupTo(Store& store, const Actor& actor, const std::string& path);

struct RestoreOptions {
  // A restore replaces everything in the target. Without this, a target that already holds
  // users, records or audit rows is refused.
  bool replace_existing = false;
};

// Replaces the database's content with the backup at `path`, after checking that the file is
// an intact KetaClinic database (integrity_check, schema not newer than this binary, audit
// chain intact). Then migrates it if it is older, and appends a database.restore audit row.
Status RestoreFrom(Store& store, const Actor& actor, const std::string& path,
                   const RestoreOptions& options = {});

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_BACKUP_H_
