#include "store/pg_connection.h"

#include <charconv>
#include <exception>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

namespace ketaclinic::store {
namespace {

// PostgreSQL type OIDs (src/include/catalog/pg_type.dat) of the columns the store reads.
constexpr pqxx::oid kBoolOid = 16;
constexpr pqxx::oid kByteaOid = 17;
constexpr pqxx::oid kInt8Oid = 20;
constexpr pqxx::oid kInt2Oid = 21;
constexpr pqxx::oid kInt4Oid = 23;
constexpr pqxx::oid kFloat4Oid = 700;
constexpr pqxx::oid kFloat8Oid = 701;
constexpr pqxx::oid kNumericOid = 1700;

std::string FormatDouble(double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("NaN");
}

// Parameters travel in text format; bytes as bytea's hex input form "\x0a1b...".
std::string HexBytea(const Blob& blob) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text = "\\x";
  text.reserve(2 + 2 * blob.bytes.size());
  for (uint8_t byte : blob.bytes) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0x0f]);
  }
  return text;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea output in the default "hex" format.
Result<Blob> ParseBytea(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) {
    return tl::unexpected(Error::Internal("bytea value not in hex output format"));
  }
  Blob blob;
  blob.bytes.reserve((text.size() - 2) / 2);
  for (size_t i = 2; i < text.size(); i += 2) {
    const int high = HexDigit(text[i]);
    const int low = HexDigit(text[i + 1]);
    if (high < 0 || low < 0) return tl::unexpected(Error::Internal("bad hex digit in bytea"));
    blob.bytes.push_back(static_cast<uint8_t>(high * 16 + low));
  }
  return blob;
}

Result<Value> Decode(pqxx::oid type, std::string_view text) {
  switch (type) {
    case kBoolOid:
      return Value(int64_t{text == "t" ? 1 : 0});
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return tl::unexpected(Error::Internal("bad integer '" + std::string(text) + "'"));
      }
      return Value(value);
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      double value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return tl::unexpected(Error::Internal("bad number '" + std::string(text) + "'"));
      }
      return Value(value);
    }
    case kByteaOid: {
      Result<Blob> blob = ParseBytea(text);
      if (!blob) return tl::unexpected(blob.error());
      return Value(std::move(*blob));
    }
    default:
      return Value(std::string(text));
  }
}

FailureKind ClassifySqlState(const std::string& state) {
  if (state == "23505") return FailureKind::kUniqueViolation;
  if (state == "40001" || state == "40P01") return FailureKind::kRetryable;
  if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) return FailureKind::kConnection;
  return FailureKind::kOther;
}

}  // namespace

struct PgConnection::Impl {
  std::string url;
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<pqxx::work> transaction;
  std::unordered_map<std::string, std::string> statement_names;  // SQL text -> prepared name
};

PgConnection::PgConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PgConnection::~PgConnection() { Rollback(); }

Error PgConnection::Fail(FailureKind kind, const std::string& what) {
  last_failure_ = kind;
  return Error(ErrorCode::kIo, "PostgreSQL " + impl_->url + ": " + what);
}

// Runs `body`, turning every libpqxx exception into an Error (none leaves this file).
#define KC_PG_GUARD(body)                                                                    \
  try {                                                                                      \
    body                                                                                     \
  } catch (const pqxx::broken_connection& e) {                                               \
    return tl::unexpected(Fail(FailureKind::kConnection, e.what()));                         \
  } catch (const pqxx::in_doubt_error& e) {                                                  \
    return tl::unexpected(                                                                   \
        Fail(FailureKind::kConnection, std::string("commit outcome unknown: ") + e.what())); \
  } catch (const pqxx::transaction_rollback& e) {                                            \
    return tl::unexpected(Fail(FailureKind::kRetryable, e.what()));                          \
  } catch (const pqxx::sql_error& e) {                                                       \
    return tl::unexpected(Fail(ClassifySqlState(e.sqlstate()), e.what()));                   \
  } catch (const std::exception& e) {                                                        \
    return tl::unexpected(Fail(FailureKind::kOther, e.what()));                              \
  } catch (...) {                                                                            \
    return tl::unexpected(Fail(FailureKind::kOther, "unknown libpqxx failure"));             \
  }

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& conninfo,
                                                         const std::string& url) {
  auto impl = std::make_unique<Impl>();
  impl->url = url;
  try {
    impl->connection = std::make_unique<pqxx::connection>(conninfo);
    // Quiet "already exists, skipping" notices of idempotent DDL; warnings still arrive.
    pqxx::nontransaction setup(*impl->connection);
    setup.exec("SET client_min_messages = warning; SET application_name = 'ketaclinic'");
  } catch (const std::exception& e) {
    std::string reason = e.what();
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    return tl::unexpected(Error::Io("cannot connect to " + url + ": " + reason));
  } catch (...) {
    return tl::unexpected(Error::Io("cannot connect to " + url));
  }
  return std::unique_ptr<PgConnection>(new PgConnection(std::move(impl)));
}

Status PgConnection::Begin(bool read_only) {
  last_failure_ = FailureKind::kNone;
  // READ COMMITTED (pqxx::work's default): each statement sees what committed before it, so
  // the audit append reads the true last hash right after taking its lock (audit.cc).
  KC_PG_GUARD({
    impl_->transaction = std::make_unique<pqxx::work>(*impl_->connection);
    if (read_only) impl_->transaction->exec("SET TRANSACTION READ ONLY");
  })
  return OkStatus();
}

Status PgConnection::Commit() {
  last_failure_ = FailureKind::kNone;
  if (!impl_->transaction) return tl::unexpected(Error::Internal("commit without a transaction"));
  std::unique_ptr<pqxx::work> transaction = std::move(impl_->transaction);
  KC_PG_GUARD({ transaction->commit(); })
  return OkStatus();
}

void PgConnection::Rollback() {
  if (!impl_->transaction) return;
  std::unique_ptr<pqxx::work> transaction = std::move(impl_->transaction);
  try {
    transaction->abort();
  } catch (...) {
    // A broken connection cannot roll back; the server discards the transaction anyway.
    last_failure_ = FailureKind::kConnection;
  }
}

Status PgConnection::ExecScript(std::string_view sql) {
  last_failure_ = FailureKind::kNone;
  if (!impl_->transaction) return tl::unexpected(Error::Internal("script outside a transaction"));
  KC_PG_GUARD({ impl_->transaction->exec(std::string(sql)); })
  return OkStatus();
}

Result<Rows> PgConnection::Execute(std::string_view sql, const Params& params, int64_t& affected) {
  last_failure_ = FailureKind::kNone;
  if (!impl_->transaction) {
    return tl::unexpected(Error::Internal("statement outside a transaction"));
  }
  // Text-format parameters: a null pointer is SQL NULL.
  std::vector<std::string> texts(params.size());
  std::vector<const char*> pointers(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& data = params[i].data();
    if (params[i].is_null()) continue;
    if (const auto* integer = std::get_if<int64_t>(&data)) {
      texts[i] = std::to_string(*integer);
    } else if (const auto* real = std::get_if<double>(&data)) {
      texts[i] = FormatDouble(*real);
    } else if (const auto* text = std::get_if<std::string>(&data)) {
      texts[i] = *text;
    } else if (const auto* blob = std::get_if<Blob>(&data)) {
      texts[i] = HexBytea(*blob);
    }
    pointers[i] = texts[i].c_str();
  }

  Rows rows;
  KC_PG_GUARD({
    std::string key(sql);
    auto found = impl_->statement_names.find(key);
    if (found == impl_->statement_names.end()) {
      std::string name = "kc" + std::to_string(impl_->statement_names.size() + 1);
      impl_->connection->prepare(name, key);
      found = impl_->statement_names.emplace(std::move(key), std::move(name)).first;
    }
    const pqxx::result result = impl_->transaction->exec_prepared(
        found->second, pqxx::prepare::make_dynamic_params(pointers));
    affected = static_cast<int64_t>(result.affected_rows());
    const auto columns = result.columns();
    std::vector<pqxx::oid> types;
    types.reserve(columns);
    for (pqxx::row_size_type c = 0; c < columns; ++c) {
      rows.columns.emplace_back(result.column_name(c));
      types.push_back(result.column_type(c));
    }
    rows.rows.reserve(result.size());
    for (const auto& source : result) {
      Row row;
      row.cells.reserve(columns);
      for (pqxx::row_size_type c = 0; c < columns; ++c) {
        const pqxx::field field = source[c];
        if (field.is_null()) {
          row.cells.emplace_back();
          continue;
        }
        Result<Value> value = Decode(types[c], std::string_view(field.c_str(), field.size()));
        if (!value) {
          return tl::unexpected(Fail(
              FailureKind::kOther, "column '" + rows.columns[c] + "': " + value.error().message()));
        }
        row.cells.push_back(std::move(*value));
      }
      rows.rows.push_back(std::move(row));
    }
  })
  return rows;
}

#undef KC_PG_GUARD

}  // namespace ketaclinic::store
