#ifndef KETACLINIC_STORE_STORE_H_
#define KETACLINIC_STORE_STORE_H_

// An open database: the connection(s) of one backend chosen by URL, and the one way to use
// them, Transact, which runs a unit of work as one transaction (every command is one
// transaction: a failed request writes nothing). See docs/STORAGE.md.
//
//   Result<std::unique_ptr<Store>> store = Store::Open("sqlite:ketaclinic.db");
//   Status done = (*store)->Transact([&](Transaction& tx) -> Status { ... });

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "store/database_url.h"
#include "store/sql.h"

namespace ketaclinic::store {

class SqliteConnection;

struct OpenOptions {
  enum class Schema {
    kMigrate,  // apply pending migrations (what a running clinic does at start)
    kCheck,    // refuse an out-of-date or newer schema, change nothing
    kInspect,  // open whatever is there (`db status`, tests that build odd schemas)
  };
  Schema schema = Schema::kMigrate;
  int pool_size = 4;     // PostgreSQL connections at most; SQLite always has one writer
  int max_attempts = 4;  // runs of a transaction that meets a serialization failure or deadlock
  std::chrono::milliseconds busy_timeout{5000};  // SQLite: wait this long for another writer
  const Clock* clock = nullptr;  // the time written into the audit trail; the system clock if null
  // SQLite: open an existing file without changing it (a backup being checked). Every
  // transaction then must be a Read.
  bool read_only = false;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(std::string_view url, const OpenOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Backend backend() const { return url_.backend; }
  // The URL with any password hidden.
  const std::string& url() const { return url_.display; }
  Instant Now() const { return clock_->Now(); }

  // Runs `work(tx)` as one transaction: commits when it returns success, rolls back otherwise
  // (nothing it wrote stays). A serialization failure or deadlock (PostgreSQL) or a busy
  // database (SQLite, after the busy timeout) reruns the whole work, up to max_attempts times,
  // then reports a conflict (IsConflict). `work` may return Status or Result<T>.
  template <typename Work>
  std::invoke_result_t<Work&, Transaction&> Transact(Work&& work) {
    return Run(std::forward<Work>(work), false);
  }
  // The same for work that only reads and appends no audit row (verification, status, counts):
  // no write lock, and any write fails.
  template <typename Work>
  std::invoke_result_t<Work&, Transaction&> Read(Work&& work) {
    return Run(std::forward<Work>(work), true);
  }

  // SQLite only: the database's one connection, outside any transaction, for the online backup
  // API. Other users wait meanwhile.
  Status WithSqliteConnection(const std::function<Status(SqliteConnection&)>& use);

 private:
  Store(DatabaseUrl url, const OpenOptions& options);
  template <typename Work>
  std::invoke_result_t<Work&, Transaction&> Run(Work&& work, bool read_only);
  Status RunTransaction(const std::function<Status(Transaction&)>& work, bool read_only);
  Result<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> connection, bool healthy);
  Result<std::unique_ptr<Connection>> Connect() const;

  DatabaseUrl url_;
  OpenOptions options_;
  std::unique_ptr<Clock> own_clock_;
  const Clock* clock_;

  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_connections_ = 0;
};

template <typename Work>
std::invoke_result_t<Work&, Transaction&> Store::Run(Work&& work, bool read_only) {
  using R = std::invoke_result_t<Work&, Transaction&>;
  if constexpr (std::is_same_v<R, Status>) {
    return RunTransaction([&work](Transaction& tx) -> Status { return work(tx); }, read_only);
  } else {
    std::optional<R> out;
    Status done = RunTransaction(
        [&work, &out](Transaction& tx) -> Status {
          out.emplace(work(tx));
          if (!out->has_value()) return tl::unexpected(out->error());
          return OkStatus();
        },
        read_only);
    if (!done) return tl::unexpected(done.error());
    if (!out.has_value()) return tl::unexpected(Error::Internal("transaction ran no work"));
    return std::move(*out);
  }
}

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_STORE_H_
