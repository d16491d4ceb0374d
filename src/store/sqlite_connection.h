#ifndef KETACLINIC_STORE_SQLITE_CONNECTION_H_
#define KETACLINIC_STORE_SQLITE_CONNECTION_H_

// The SQLite backend: an RAII wrapper over the C API with a per-connection cache of prepared
// statements. Opened with WAL, foreign keys, synchronous=FULL and a busy timeout
// (docs/STORAGE.md).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/error.h"

#include "store/sql.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ketaclinic::store {

class SqliteConnection final : public Connection {
 public:
  // Opens (creating if absent) the database file at `path`, or an in-memory database for
  // ":memory:". `url` names the database in messages. Read-only: an existing file, unchanged
  // (no journal mode is set), e.g. a backup checked before a restore.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                        const std::string& url,
                                                        std::chrono::milliseconds busy_timeout,
                                                        bool read_only);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Backend backend() const override { return Backend::kSqlite; }
  Status Begin(bool read_only) override;
  Status Commit() override;
  void Rollback() override;
  Result<Rows> Execute(std::string_view sql, const Params& params, int64_t& affected) override;
  Status ExecScript(std::string_view sql) override;
  FailureKind last_failure() const override { return last_failure_; }

  // Copies this whole database to `other` with the online backup API (a consistent snapshot;
  // readers and the writer of this connection's process are not blocked for long).
  Status CopyTo(SqliteConnection& other, const std::string& what);
  // The statement cache is tied to the schema; dropped after a restore replaced it.
  void ClearStatementCache();

 private:
  explicit SqliteConnection(sqlite3* db, std::string url) : db_(db), url_(std::move(url)) {}
  Error Fail(int code, const std::string& what);
  Result<sqlite3_stmt*> Prepare(std::string_view sql);
  void EndQueryOnly();

  sqlite3* db_;
  std::string url_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  FailureKind last_failure_ = FailureKind::kNone;
  bool query_only_ = false;
};

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_SQLITE_CONNECTION_H_
