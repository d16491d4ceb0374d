#include "store/sqlite_connection.h"

#include <string>
#include <utility>

#include <sqlite3.h>

namespace ketaclinic::store {
namespace {

FailureKind Classify(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return FailureKind::kRetryable;
    case SQLITE_CONSTRAINT:
      return code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE
                 ? FailureKind::kUniqueViolation
                 : FailureKind::kOther;
    default:
      return FailureKind::kOther;
  }
}

// Statements are reset and unbound after every use, so one cached statement serves every call.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* statement) : statement_(statement) {}
  ~StatementReset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  sqlite3_stmt* statement_;
};

}  // namespace

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, const std::string& url, std::chrono::milliseconds busy_timeout,
    bool read_only) {
  sqlite3* db = nullptr;
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_FULLMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    std::string reason = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close(db);
    return tl::unexpected(
        Error::Io("cannot open database " + url + " (file '" + path + "'): " + reason));
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db, url));
  // WAL: readers do not block the writer; synchronous=FULL: a committed clinical write survives
  // power loss (DESIGN.md §7); foreign keys are off by default in SQLite.
  std::string pragmas = "PRAGMA busy_timeout = " + std::to_string(busy_timeout.count()) +
                        ";"
                        "PRAGMA foreign_keys = ON;";
  if (!read_only) pragmas += "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
  if (Status set = connection->ExecScript(pragmas); !set) {
    return tl::unexpected(Error::Io("cannot open database " + url + ": " + set.error().message()));
  }
  return connection;
}

SqliteConnection::~SqliteConnection() {
  ClearStatementCache();
  sqlite3_close(db_);
}

void SqliteConnection::ClearStatementCache() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  statements_.clear();
}

Error SqliteConnection::Fail(int code, const std::string& what) {
  last_failure_ = Classify(code);
  return Error(ErrorCode::kIo, what + " failed on " + url_ + ": " + sqlite3_errmsg(db_) + " (" +
                                   sqlite3_errstr(code) + ")");
}

Status SqliteConnection::ExecScript(std::string_view sql) {
  last_failure_ = FailureKind::kNone;
  char* message = nullptr;
  const std::string text(sql);
  const int code = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (code != SQLITE_OK) {
    last_failure_ = Classify(code);
    std::string reason = message != nullptr ? message : sqlite3_errstr(code);
    sqlite3_free(message);
    return tl::unexpected(Error(ErrorCode::kIo, "SQL script failed on " + url_ + ": " + reason));
  }
  return OkStatus();
}

// IMMEDIATE: the write lock is taken at BEGIN, so two writers queue on the busy timeout instead
// of deadlocking when a reader tries to become a writer. Nearly every transaction writes (reads
// of patient data append an audit row).
// A read transaction is DEFERRED (no write lock) and query_only, so a write in it fails as it
// does in PostgreSQL's READ ONLY transactions.
Status SqliteConnection::Begin(bool read_only) {
  query_only_ = read_only;
  return ExecScript(read_only ? "BEGIN DEFERRED; PRAGMA query_only = 1" : "BEGIN IMMEDIATE");
}

Status SqliteConnection::Commit() {
  Status committed = ExecScript("COMMIT");
  if (!committed) Rollback();  // e.g. SQLITE_BUSY: the transaction is still open
  EndQueryOnly();
  return committed;
}

void SqliteConnection::Rollback() {
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  EndQueryOnly();
}

void SqliteConnection::EndQueryOnly() {
  if (!query_only_) return;
  query_only_ = false;
  sqlite3_exec(db_, "PRAGMA query_only = 0", nullptr, nullptr, nullptr);
}

Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql) {
  std::string key(sql);
  if (auto found = statements_.find(key); found != statements_.end()) return found->second;
  sqlite3_stmt* statement = nullptr;
  const int code = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (code != SQLITE_OK) return tl::unexpected(Fail(code, "preparing '" + key + "'"));
  if (statement == nullptr) {
    last_failure_ = FailureKind::kOther;
    return tl::unexpected(Error::Internal("empty SQL statement"));
  }
  statements_.emplace(std::move(key), statement);
  return statement;
}

Result<Rows> SqliteConnection::Execute(std::string_view sql, const Params& params,
                                       int64_t& affected) {
  last_failure_ = FailureKind::kNone;
  Result<sqlite3_stmt*> prepared = Prepare(sql);
  if (!prepared) return tl::unexpected(prepared.error());
  sqlite3_stmt* statement = *prepared;
  StatementReset reset(statement);

  const int expected = sqlite3_bind_parameter_count(statement);
  if (expected != static_cast<int>(params.size())) {
    last_failure_ = FailureKind::kOther;
    return tl::unexpected(Error::Internal("statement '" + std::string(sql) + "' takes " +
                                          std::to_string(expected) + " parameters, given " +
                                          std::to_string(params.size())));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string name = "$" + std::to_string(i + 1);
    const int index = sqlite3_bind_parameter_index(statement, name.c_str());
    if (index == 0) {
      last_failure_ = FailureKind::kOther;
      return tl::unexpected(Error::Internal("statement '" + std::string(sql) + "' has no " + name));
    }
    int code = SQLITE_OK;
    const auto& data = params[i].data();
    // The parameters outlive the statement's use (it is reset before returning), so SQLite need
    // not copy them (a null destructor is SQLITE_STATIC).
    if (params[i].is_null()) {
      code = sqlite3_bind_null(statement, index);
    } else if (const auto* integer = std::get_if<int64_t>(&data)) {
      code = sqlite3_bind_int64(statement, index, *integer);
    } else if (const auto* real = std::get_if<double>(&data)) {
      code = sqlite3_bind_double(statement, index, *real);
    } else if (const auto* text = std::get_if<std::string>(&data)) {
      code =
          sqlite3_bind_text64(statement, index, text->data(), text->size(), nullptr, SQLITE_UTF8);
    } else if (const auto* blob = std::get_if<Blob>(&data)) {
      code = sqlite3_bind_blob64(statement, index, blob->bytes.data(), blob->bytes.size(), nullptr);
    }
    if (code != SQLITE_OK) return tl::unexpected(Fail(code, "binding " + name));
  }

  Rows rows;
  const int columns = sqlite3_column_count(statement);
  rows.columns.reserve(static_cast<size_t>(columns));
  for (int c = 0; c < columns; ++c) rows.columns.emplace_back(sqlite3_column_name(statement, c));
  while (true) {
    const int code = sqlite3_step(statement);
    if (code == SQLITE_DONE) break;
    if (code != SQLITE_ROW) return tl::unexpected(Fail(code, "'" + std::string(sql) + "'"));
    Row row;
    row.cells.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(statement, c)) {
        case SQLITE_INTEGER:
          row.cells.emplace_back(static_cast<int64_t>(sqlite3_column_int64(statement, c)));
          break;
        case SQLITE_FLOAT:
          row.cells.emplace_back(sqlite3_column_double(statement, c));
          break;
        case SQLITE_TEXT: {
          const auto* text = sqlite3_column_text(statement, c);
          const auto size = static_cast<size_t>(sqlite3_column_bytes(statement, c));
          row.cells.emplace_back(std::string(reinterpret_cast<const char*>(text), size));
          break;
        }
        case SQLITE_BLOB: {
          const auto* bytes = static_cast<const uint8_t*>(sqlite3_column_blob(statement, c));
          const auto size = static_cast<size_t>(sqlite3_column_bytes(statement, c));
          row.cells.emplace_back(Blob{std::vector<uint8_t>(bytes, bytes + size)});
          break;
        }
        default:
          row.cells.emplace_back();
          break;
      }
    }
    rows.rows.push_back(std::move(row));
  }
  affected = sqlite3_changes64(db_);
  return rows;
}

Status SqliteConnection::CopyTo(SqliteConnection& other, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(other.db_, "main", db_, "main");
  if (backup == nullptr) {
    return tl::unexpected(Error(ErrorCode::kIo, what + " failed: " + sqlite3_errmsg(other.db_)));
  }
  // One step copies every page; the source is read inside one read transaction, so the copy is
  // a consistent snapshot.
  // Another process's writer can hold the lock: wait for it, but not forever (about 30 s).
  int code = sqlite3_backup_step(backup, -1);
  for (int attempt = 0; attempt < 600 && (code == SQLITE_BUSY || code == SQLITE_LOCKED);
       ++attempt) {
    sqlite3_sleep(50);
    code = sqlite3_backup_step(backup, -1);
  }
  const int finish = sqlite3_backup_finish(backup);
  if (code != SQLITE_DONE || finish != SQLITE_OK) {
    return tl::unexpected(Error(ErrorCode::kIo, what + " failed: " + sqlite3_errmsg(other.db_)));
  }
  return OkStatus();
}

}  // namespace ketaclinic::store
