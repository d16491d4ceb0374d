#include "store/sql.h"

#include <string>

namespace ketaclinic::store {

const char* BackendName(Backend backend) {
  switch (backend) {
    case Backend::kSqlite:
      return "sqlite";
    case Backend::kPostgres:
      return "postgresql";
  }
  return "unknown";
}

const char* Value::TypeName() const {
  switch (data_.index()) {
    case 0:
      return "null";
    case 1:
      return "integer";
    case 2:
      return "real";
    case 3:
      return "text";
    default:
      return "blob";
  }
}

const Value* RowReader::Cell(size_t column) {
  if (row_ >= rows_.rows.size() || column >= rows_.rows[row_].cells.size()) {
    Fail(column, "no such column in the result");
    return nullptr;
  }
  return &rows_.rows[row_].cells[column];
}

void RowReader::Fail(size_t column, const std::string& reason) {
  if (error_) return;
  const std::string name =
      column < rows_.columns.size() ? rows_.columns[column] : "#" + std::to_string(column);
  error_ = Error(ErrorCode::kInternal, "unexpected database content in column '" + name +
                                           "' of row " + std::to_string(row_) + ": " + reason);
}

std::optional<int64_t> RowReader::OptInt64(size_t column) {
  const Value* cell = Cell(column);
  if (cell == nullptr || cell->is_null()) return std::nullopt;
  if (const auto* v = std::get_if<int64_t>(&cell->data())) return *v;
  Fail(column, std::string("expected an integer, found ") + cell->TypeName());
  return std::nullopt;
}

std::optional<double> RowReader::OptDouble(size_t column) {
  const Value* cell = Cell(column);
  if (cell == nullptr || cell->is_null()) return std::nullopt;
  if (const auto* v = std::get_if<double>(&cell->data())) return *v;
  if (const auto* i = std::get_if<int64_t>(&cell->data())) return static_cast<double>(*i);
  Fail(column, std::string("expected a number, found ") + cell->TypeName());
  return std::nullopt;
}

std::optional<std::string> RowReader::OptText(size_t column) {
  const Value* cell = Cell(column);
  if (cell == nullptr || cell->is_null()) return std::nullopt;
  if (const auto* v = std::get_if<std::string>(&cell->data())) return *v;
  Fail(column, std::string("expected text, found ") + cell->TypeName());
  return std::nullopt;
}

int64_t RowReader::Int64(size_t column) {
  const Value* cell = Cell(column);
  if (cell != nullptr && cell->is_null()) Fail(column, "expected an integer, found null");
  return OptInt64(column).value_or(0);
}

double RowReader::Double(size_t column) {
  const Value* cell = Cell(column);
  if (cell != nullptr && cell->is_null()) Fail(column, "expected a number, found null");
  return OptDouble(column).value_or(0.0);
}

std::string RowReader::Text(size_t column) {
  const Value* cell = Cell(column);
  if (cell != nullptr && cell->is_null()) Fail(column, "expected text, found null");
  return OptText(column).value_or(std::string());
}

Blob RowReader::Bytes(size_t column) {
  const Value* cell = Cell(column);
  if (cell == nullptr) return {};
  if (const auto* v = std::get_if<Blob>(&cell->data())) return *v;
  Fail(column, std::string("expected bytes, found ") + cell->TypeName());
  return {};
}

Status RowReader::status() const {
  if (error_) return tl::unexpected(*error_);
  return OkStatus();
}

Transaction::~Transaction() { Rollback(); }

Status Transaction::Begin(bool read_only) {
  Status begun = connection_.Begin(read_only);
  last_failure_ = begun ? FailureKind::kNone : connection_.last_failure();
  if (begun) open_ = true;
  return begun;
}

Status Transaction::Commit() {
  if (!open_) return tl::unexpected(Error::Internal("commit without an open transaction"));
  open_ = false;
  Status committed = connection_.Commit();
  last_failure_ = committed ? FailureKind::kNone : connection_.last_failure();
  return committed;
}

void Transaction::Rollback() {
  if (!open_) return;
  open_ = false;
  connection_.Rollback();
}

Result<int64_t> Transaction::Exec(std::string_view sql, const Params& params) {
  if (!open_) return tl::unexpected(Error::Internal("statement outside a transaction"));
  int64_t affected = 0;
  Result<Rows> rows = connection_.Execute(sql, params, affected);
  last_failure_ = rows ? FailureKind::kNone : connection_.last_failure();
  if (!rows) return tl::unexpected(rows.error());
  return affected;
}

Result<Rows> Transaction::Query(std::string_view sql, const Params& params) {
  if (!open_) return tl::unexpected(Error::Internal("statement outside a transaction"));
  int64_t affected = 0;
  Result<Rows> rows = connection_.Execute(sql, params, affected);
  last_failure_ = rows ? FailureKind::kNone : connection_.last_failure();
  return rows;
}

Status Transaction::ExecScript(std::string_view sql) {
  if (!open_) return tl::unexpected(Error::Internal("script outside a transaction"));
  Status done = connection_.ExecScript(sql);
  last_failure_ = done ? FailureKind::kNone : connection_.last_failure();
  return done;
}

Error ConflictError(const std::string& what) {
  return Error(ErrorCode::kFailedPrecondition, "conflict: " + what);
}

bool IsConflict(const Error& error) {
  return error.code() == ErrorCode::kFailedPrecondition &&
         error.message().rfind("conflict: ", 0) == 0;
}

}  // namespace ketaclinic::store
