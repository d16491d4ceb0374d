#ifndef KETACLINIC_STORE_PG_CONNECTION_H_
#define KETACLINIC_STORE_PG_CONNECTION_H_

// The PostgreSQL backend over libpqxx 6.4 (the 6.x API: pqxx 7 documentation does not apply).
// libpqxx reports failures by throwing; every exception is caught in this file's .cc and turned
// into an Error, so none leaves the module. The pqxx headers stay in the .cc.

#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"

#include "store/sql.h"

namespace ketaclinic::store {

class PgConnection final : public Connection {
 public:
  // Connects with a libpq connection URI (postgresql://...). `url` is the URI with any password
  // hidden, for messages.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& conninfo,
                                                    const std::string& url);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Backend backend() const override { return Backend::kPostgres; }
  Status Begin(bool read_only) override;
  Status Commit() override;
  void Rollback() override;
  Result<Rows> Execute(std::string_view sql, const Params& params, int64_t& affected) override;
  Status ExecScript(std::string_view sql) override;
  FailureKind last_failure() const override { return last_failure_; }

 private:
  struct Impl;
  explicit PgConnection(std::unique_ptr<Impl> impl);
  Error Fail(FailureKind kind, const std::string& what);

  std::unique_ptr<Impl> impl_;
  FailureKind last_failure_ = FailureKind::kNone;
};

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_PG_CONNECTION_H_
