#ifndef KETACLINIC_STORE_SQL_H_
#define KETACLINIC_STORE_SQL_H_

// The backend-neutral SQL layer: typed values, parameter lists, result rows, and a Transaction
// that runs prepared statements on one connection. SQL text uses $1, $2 ... placeholders on both
// backends (SQLite reads "$1" as a named parameter; PostgreSQL natively), so one statement text
// serves both wherever the SQL itself is portable (docs/decisions/0005-storage.md).

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/error.h"

namespace ketaclinic::store {

enum class Backend { kSqlite, kPostgres };

// "sqlite" or "postgresql".
const char* BackendName(Backend backend);

// Bytes, for BLOB (SQLite) / BYTEA (PostgreSQL) columns.
struct Blob {
  std::vector<uint8_t> bytes;
  friend bool operator==(const Blob&, const Blob&) = default;
};

// One SQL value: NULL, a 64-bit integer, a double, text or bytes.
class Value {
 public:
  Value() = default;                   // NULL
  Value(std::nullopt_t) {}             // NOLINT(google-explicit-constructor): NULL reads naturally
  Value(int v) : data_(int64_t{v}) {}  // NOLINT(google-explicit-constructor)
  Value(int64_t v) : data_(v) {}       // NOLINT(google-explicit-constructor)
  Value(double v) : data_(v) {}        // NOLINT(google-explicit-constructor)
  Value(std::string v) : data_(std::move(v)) {}         // NOLINT(google-explicit-constructor)
  Value(std::string_view v) : data_(std::string(v)) {}  // NOLINT(google-explicit-constructor)
  Value(const char* v) : data_(std::string(v)) {}       // NOLINT(google-explicit-constructor)
  Value(Blob v) : data_(std::move(v)) {}                // NOLINT(google-explicit-constructor)
  template <typename T>
  Value(const std::optional<T>& v) {  // NOLINT(google-explicit-constructor)
    if (v) *this = Value(*v);
  }

  bool is_null() const { return std::holds_alternative<std::monostate>(data_); }
  const std::variant<std::monostate, int64_t, double, std::string, Blob>& data() const {
    return data_;
  }
  // "null", "integer", "real", "text" or "blob", for messages.
  const char* TypeName() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  std::variant<std::monostate, int64_t, double, std::string, Blob> data_;
};

using Params = std::vector<Value>;

// One result row. Columns are read by index with the checked getters of RowReader.
struct Row {
  std::vector<Value> cells;
};

// The rows of a query with their column names.
struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
};

// Reads typed columns from one row, remembering the first problem (a NULL where a value is
// required, a column of another type, a missing column) so that a decoder reads every column
// and checks once. Integers read as doubles where a double is asked for; nothing else converts.
class RowReader {
 public:
  RowReader(const Rows& rows, size_t row) : rows_(rows), row_(row) {}

  int64_t Int64(size_t column);
  double Double(size_t column);
  std::string Text(size_t column);
  Blob Bytes(size_t column);
  std::optional<int64_t> OptInt64(size_t column);
  std::optional<double> OptDouble(size_t column);
  std::optional<std::string> OptText(size_t column);

  // The first problem, naming the column, or OK.
  Status status() const;

 private:
  const Value* Cell(size_t column);
  void Fail(size_t column, const std::string& reason);

  const Rows& rows_;
  size_t row_;
  std::optional<Error> error_;
};

// Why a statement failed, so callers can tell a conflict from a broken database.
enum class FailureKind {
  kNone,
  kUniqueViolation,  // a primary-key or unique constraint: someone wrote the same key first
  kRetryable,        // serialization failure, deadlock or busy database: try the whole again
  kConnection,       // the connection is gone
  kOther,
};

// A connection of one backend. Implemented by SqliteConnection and PgConnection; used only
// through Transaction (and by Store, which owns the connections).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;
  // A read-only transaction takes no write lock (SQLite: BEGIN DEFERRED) and may write nothing.
  virtual Status Begin(bool read_only) = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;  // best effort; never fails loudly
  // Runs one parameterized statement through the connection's prepared-statement cache.
  // Returns the rows (if any) and, in `affected`, the rows changed.
  virtual Result<Rows> Execute(std::string_view sql, const Params& params, int64_t& affected) = 0;
  // Runs trusted, parameterless SQL of one or more statements (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  // The kind of the last failure of Begin/Commit/Execute/ExecScript.
  virtual FailureKind last_failure() const = 0;
};

// One database transaction on one connection. It rolls back when destroyed uncommitted, so an
// early error return writes nothing. Obtained from Store::Transact.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Backend backend() const { return connection_.backend(); }

  // A statement that returns no rows; the number of rows changed.
  Result<int64_t> Exec(std::string_view sql, const Params& params = {});
  // A statement that returns rows.
  Result<Rows> Query(std::string_view sql, const Params& params = {});
  // Trusted parameterless SQL (migration scripts, test tampering); not for data.
  Status ExecScript(std::string_view sql);

  // Why the last statement failed (kNone after a success).
  FailureKind last_failure() const { return last_failure_; }

  // Used by Store.
  Status Begin(bool read_only);
  Status Commit();
  void Rollback();
  bool open() const { return open_; }

 private:
  Connection& connection_;
  bool open_ = false;
  FailureKind last_failure_ = FailureKind::kNone;
};

// The conflict error of optimistic concurrency and of retries exhausted: a kFailedPrecondition
// whose message starts with "conflict: " (ErrorCode has no conflict code of its own).
Error ConflictError(const std::string& what);
bool IsConflict(const Error& error);

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_SQL_H_
