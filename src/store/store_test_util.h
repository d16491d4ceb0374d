#ifndef KETACLINIC_STORE_STORE_TEST_UTIL_H_
#define KETACLINIC_STORE_STORE_TEST_UTIL_H_

// Test-only: the fixture of the repository contract suite, which runs every case on SQLite
// (a fresh file per test) and, when KC_TEST_PG_URL names a PostgreSQL server
// (scripts/with-postgres.sh sets it), on PostgreSQL (a fresh schema per test).

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "base/time.h"

#include "store/audit.h"
#include "store/ids.h"
#include "store/sql.h"
#include "store/store.h"

namespace ketaclinic::store {

inline Instant TestTime(int minutes_after_start) {
  // 2026-11-29T09:00:00Z
  return Instant(std::chrono::seconds(1795942800)) + std::chrono::minutes(minutes_after_start);
}

// What verification found, for assertion messages.
inline std::string ProblemText(const AuditVerification& verification) {
  return verification.problem.has_value() ? verification.problem->message : "intact";
}

inline Actor Nurse() { return Actor{"user-nurse-1", "nurse", "10.0.0.7"}; }
inline Actor Physician() { return Actor{"user-physician-1", "physician", "10.0.0.8"}; }

// One throwaway database: created by the constructor, removed by the destructor.
class TestDatabase {
 public:
  explicit TestDatabase(Backend backend) : backend_(backend) {
    const std::string name = "kc_t_" + NewId().substr(0, 8);
    if (backend == Backend::kSqlite) {
      directory_ = std::filesystem::temp_directory_path() / name;
      std::filesystem::create_directories(directory_);
      url_ = "sqlite:" + (directory_ / "test.db").string();
      return;
    }
    base_url_ = PgUrl();
    schema_ = name;
    OpenOptions inspect;
    inspect.schema = OpenOptions::Schema::kInspect;
    Result<std::unique_ptr<Store>> admin = Store::Open(base_url_, inspect);
    if (!admin) {
      setup_error_ = admin.error().ToString();
      return;
    }
    Status created = (*admin)->Transact(
        [&](Transaction& tx) { return tx.ExecScript("CREATE SCHEMA " + schema_); });
    if (!created) setup_error_ = created.error().ToString();
    // libpq's "options" sets the search path, so every unqualified table lands in the schema.
    url_ = base_url_ + (base_url_.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema_;
  }
  ~TestDatabase() {
    if (backend_ == Backend::kSqlite) {
      std::error_code ec;
      std::filesystem::remove_all(directory_, ec);
      return;
    }
    OpenOptions inspect;
    inspect.schema = OpenOptions::Schema::kInspect;
    if (Result<std::unique_ptr<Store>> admin = Store::Open(base_url_, inspect); admin) {
      (void)(*admin)->Transact(
          [&](Transaction& tx) { return tx.ExecScript("DROP SCHEMA " + schema_ + " CASCADE"); });
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  static std::string PgUrl() {
    const char* url = std::getenv("KC_TEST_PG_URL");
    return url == nullptr ? std::string() : std::string(url);
  }

  const std::string& url() const { return url_; }
  const std::string& setup_error() const { return setup_error_; }
  const std::string& schema() const { return schema_; }
  // A file path in the test's own temporary folder (SQLite only).
  std::string Path(const std::string& file) const { return (directory_ / file).string(); }

 private:
  Backend backend_;
  std::filesystem::path directory_;
  std::string base_url_;
  std::string schema_;
  std::string url_;
  std::string setup_error_;
};

// Runs SQL as an attacker with direct database access would: past the append-only triggers
// (SQLite: they are dropped; PostgreSQL: triggers are off for the transaction, which needs a
// superuser, as the server's own role has no such power).
inline Status Tamper(Store& store, const std::string& sql) {
  return store.Transact([&](Transaction& tx) -> Status {
    const std::string bypass =
        tx.backend() == Backend::kSqlite
            ? "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS "
              "audit_log_no_delete; DROP TRIGGER IF EXISTS clinical_records_no_update; "
            : "SET LOCAL session_replication_role = replica; ";
    return tx.ExecScript(bypass + sql);
  });
}

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres && TestDatabase::PgUrl().empty()) {
      GTEST_SKIP() << "KC_TEST_PG_URL is not set: the PostgreSQL half of the contract suite "
                      "runs under scripts/with-postgres.sh";
    }
    database_ = std::make_unique<TestDatabase>(GetParam());
    ASSERT_TRUE(database_->setup_error().empty()) << database_->setup_error();
    Result<std::unique_ptr<Store>> opened = Store::Open(database_->url(), Options());
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
  }

  OpenOptions Options() {
    OpenOptions options;
    options.clock = &clock_;
    return options;
  }

  // Opens the same database again (another server, or a restart).
  Result<std::unique_ptr<Store>> Reopen(OpenOptions options) {
    options.clock = &clock_;
    return Store::Open(database_->url(), options);
  }

  Store& store() { return *store_; }

  FixedClock clock_{TestTime(0)};
  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<Store> store_;
};

inline std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) {
  return BackendName(info.param);
}

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_STORE_TEST_UTIL_H_
