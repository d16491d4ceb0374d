#include "store/store.h"

#include <thread>
#include <utility>

#include "store/ids.h"
#include "store/migrations.h"
#include "store/pg_connection.h"
#include "store/sqlite_connection.h"

namespace ketaclinic::store {

Store::Store(DatabaseUrl url, const OpenOptions& options)
    : url_(std::move(url)), options_(options), clock_(options.clock) {
  if (clock_ == nullptr) {
    own_clock_ = std::make_unique<SystemClock>();
    clock_ = own_clock_.get();
  }
  if (url_.backend == Backend::kSqlite || options_.pool_size < 1) options_.pool_size = 1;
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(std::string_view url, const OpenOptions& options) {
  Result<DatabaseUrl> parsed = ParseDatabaseUrl(url);
  if (!parsed) return tl::unexpected(parsed.error());
  std::unique_ptr<Store> store(new Store(std::move(*parsed), options));
  // The first connection is opened now, so a wrong URL or an unreachable server is reported by
  // Open rather than by the first request. (SQLite's in-memory database also lives in it.)
  Result<std::unique_ptr<Connection>> first = store->Connect();
  if (!first) return tl::unexpected(first.error());
  store->open_connections_ = 1;
  store->idle_.push_back(std::move(*first));

  switch (options.schema) {
    case OpenOptions::Schema::kMigrate:
      if (Result<std::vector<int>> applied = Migrate(*store); !applied) {
        return tl::unexpected(applied.error());
      }
      break;
    case OpenOptions::Schema::kCheck:
      if (Status current = CheckSchemaCurrent(*store); !current) {
        return tl::unexpected(current.error());
      }
      break;
    case OpenOptions::Schema::kInspect:
      break;
  }
  return store;
}

Result<std::unique_ptr<Connection>> Store::Connect() const {
  if (url_.backend == Backend::kSqlite) {
    Result<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::Open(url_.path, url_.display, options_.busy_timeout, options_.read_only);
    if (!connection) return tl::unexpected(connection.error());
    return std::unique_ptr<Connection>(std::move(*connection));
  }
  Result<std::unique_ptr<PgConnection>> connection =
      PgConnection::Open(url_.conninfo, url_.display);
  if (!connection) return tl::unexpected(connection.error());
  return std::unique_ptr<Connection>(std::move(*connection));
}

Result<std::unique_ptr<Connection>> Store::Acquire() {
  std::unique_lock lock(mutex_);
  released_.wait(lock, [this] { return !idle_.empty() || open_connections_ < options_.pool_size; });
  if (!idle_.empty()) {
    std::unique_ptr<Connection> connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  // A new PostgreSQL connection (SQLite's single connection is never dropped: see Release).
  ++open_connections_;
  lock.unlock();
  Result<std::unique_ptr<Connection>> connection = Connect();
  if (!connection) {
    lock.lock();
    --open_connections_;
    released_.notify_one();
  }
  return connection;
}

void Store::Release(std::unique_ptr<Connection> connection, bool healthy) {
  std::lock_guard lock(mutex_);
  if (healthy || url_.backend == Backend::kSqlite) {
    idle_.push_back(std::move(connection));
  } else {
    --open_connections_;  // a broken PostgreSQL connection is closed; the next one is new
  }
  released_.notify_one();
}

Status Store::RunTransaction(const std::function<Status(Transaction&)>& work, bool read_only) {
  for (int attempt = 1;; ++attempt) {
    Result<std::unique_ptr<Connection>> acquired = Acquire();
    if (!acquired) return tl::unexpected(acquired.error());
    std::unique_ptr<Connection> connection = std::move(*acquired);
    FailureKind failure = FailureKind::kNone;
    std::optional<Error> error;
    {
      Transaction tx(*connection);
      if (Status begun = tx.Begin(read_only); !begun) {
        failure = tx.last_failure();
        error = begun.error();
      } else if (Status done = work(tx); !done) {
        failure = tx.last_failure();
        error = done.error();
        tx.Rollback();
      } else if (Status committed = tx.Commit(); !committed) {
        failure = tx.last_failure();
        error = committed.error();
      }
    }  // an uncommitted transaction has rolled back here
    Release(std::move(connection), failure != FailureKind::kConnection);
    if (!error) return OkStatus();
    if (failure != FailureKind::kRetryable) return tl::unexpected(*error);
    if (attempt >= options_.max_attempts) {
      return tl::unexpected(
          ConflictError("the database stayed busy with concurrent writes; gave up "
                        "after " +
                        std::to_string(attempt) + " attempts (last: " + error->message() + ")"));
    }
    // Back off a little, with jitter, so the competing transactions do not collide again.
    const auto jitter_ms = static_cast<int>(RandomBelow(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt + jitter_ms));
  }
}

Status Store::WithSqliteConnection(const std::function<Status(SqliteConnection&)>& use) {
  if (url_.backend != Backend::kSqlite) {
    return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                                "operation needs a SQLite database, not " + url_.display));
  }
  Result<std::unique_ptr<Connection>> acquired = Acquire();
  if (!acquired) return tl::unexpected(acquired.error());
  std::unique_ptr<Connection> connection = std::move(*acquired);
  Status result = use(static_cast<SqliteConnection&>(*connection));
  Release(std::move(connection), true);
  return result;
}

}  // namespace ketaclinic::store
