#ifndef KETACLINIC_STORE_DATABASE_URL_H_
#define KETACLINIC_STORE_DATABASE_URL_H_

// Which database a URL names: `sqlite:PATH` (a file; `sqlite::memory:` for a throwaway
// in-memory database) or `postgresql://...` / `postgres://...` (a libpq connection URI).

#include <string>
#include <string_view>

#include "base/error.h"

#include "store/sql.h"

namespace ketaclinic::store {

struct DatabaseUrl {
  Backend backend = Backend::kSqlite;
  std::string path;      // SQLite: the file, or ":memory:"
  std::string conninfo;  // PostgreSQL: the URI as given, for libpq
  std::string display;   // the URL with any password replaced by "***", for messages
};

// Parses and checks `url`; errors are kInvalidArgument naming the field "db" and saying what is
// wrong with the URL (no password is ever echoed).
Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url);

// `url` with the password of "user:password@" and of "password=..." replaced by "***".
std::string RedactUrl(std::string_view url);

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_DATABASE_URL_H_
