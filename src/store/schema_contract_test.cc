// The repository contract suite, part 1: opening and migrating. Every TEST_P of StoreContract
// (these files: *_contract_test.cc) runs on SQLite and, under scripts/with-postgres.sh, on
// PostgreSQL.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/store_test_util.h"

namespace ketaclinic::store {
namespace {

using ::testing::HasSubstr;

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendParamName);

TEST_P(StoreContract, OpenRunsEveryMigrationOnce) {
  Result<SchemaStatus> status = ReadSchemaStatus(store());
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(status->current, LatestSchemaVersion());
  EXPECT_EQ(status->latest, 6);
  EXPECT_TRUE(status->pending.empty());
  ASSERT_EQ(status->applied.size(), 6u);
  for (size_t i = 0; i < status->applied.size(); ++i) {
    EXPECT_EQ(status->applied[i].id, static_cast<int>(i) + 1);
    EXPECT_EQ(status->applied[i].applied_at, "2026-11-29T09:00:00Z");
  }
  EXPECT_EQ(status->applied[3].description, "hash-chained audit trail (append-only)");
}

TEST_P(StoreContract, MigrationsAreIdempotent) {
  Result<std::vector<int>> again = Migrate(store());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(again->empty());
  // A second server opening the same database applies nothing either.
  Result<std::unique_ptr<Store>> second = Reopen({});
  ASSERT_TRUE(second) << second.error().ToString();
  Result<SchemaStatus> status = ReadSchemaStatus(**second);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->applied.size(), 6u);
  // Checking mode accepts a current schema.
  OpenOptions check;
  check.schema = OpenOptions::Schema::kCheck;
  EXPECT_TRUE(Reopen(check));
}

TEST_P(StoreContract, NewerSchemaIsRefusedNamingBothVersions) {
  std::vector<Migration> future = AllMigrations();
  future.push_back({7, "a later release's table", "CREATE TABLE later_table (a INTEGER)",
                    "CREATE TABLE later_table (a INTEGER)"});
  Result<std::vector<int>> applied = ApplyMigrations(store(), future);
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(*applied, std::vector<int>{7});

  for (auto mode : {OpenOptions::Schema::kMigrate, OpenOptions::Schema::kCheck}) {
    OpenOptions options;
    options.schema = mode;
    Result<std::unique_ptr<Store>> refused = Reopen(options);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_THAT(refused.error().message(), HasSubstr("schema version 7"));
    EXPECT_THAT(refused.error().message(), HasSubstr("(schema version 6)"));
  }
  // `db status` can still look at it.
  OpenOptions inspect;
  inspect.schema = OpenOptions::Schema::kInspect;
  Result<std::unique_ptr<Store>> inspected = Reopen(inspect);
  ASSERT_TRUE(inspected) << inspected.error().ToString();
  Result<SchemaStatus> status = ReadSchemaStatus(**inspected);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->newer_than_binary());
  EXPECT_EQ(status->current, 7);
}

TEST_P(StoreContract, OlderSchemaIsMigratedOrRefusedWhenOnlyChecking) {
  // A fresh database given only the first two migrations, as an older release left it.
  TestDatabase older(GetParam());
  ASSERT_TRUE(older.setup_error().empty()) << older.setup_error();
  OpenOptions inspect;
  inspect.schema = OpenOptions::Schema::kInspect;
  Result<std::unique_ptr<Store>> old_store = Store::Open(older.url(), inspect);
  ASSERT_TRUE(old_store) << old_store.error().ToString();
  const std::vector<Migration> first_two(AllMigrations().begin(), AllMigrations().begin() + 2);
  ASSERT_TRUE(ApplyMigrations(**old_store, first_two));
  old_store->reset();

  OpenOptions check;
  check.schema = OpenOptions::Schema::kCheck;
  Result<std::unique_ptr<Store>> refused = Store::Open(older.url(), check);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message(), HasSubstr("schema version 2"));
  EXPECT_THAT(refused.error().message(), HasSubstr("ketaclinic db migrate"));

  Result<std::unique_ptr<Store>> migrated = Store::Open(older.url());
  ASSERT_TRUE(migrated) << migrated.error().ToString();
  Result<SchemaStatus> status = ReadSchemaStatus(**migrated);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->current, 6);
}

TEST_P(StoreContract, ReadTransactionsRefuseWrites) {
  Status wrote = store().Read([](Transaction& tx) -> Status {
    Result<int64_t> n =
        tx.Exec("INSERT INTO schema_migrations (id, description, applied_at) VALUES ($1, $2, $3)",
                {99, "x", "y"});
    if (!n) return tl::unexpected(n.error());
    return OkStatus();
  });
  EXPECT_FALSE(wrote);
}

TEST_P(StoreContract, TypedValuesRoundTrip) {
  Result<Rows> rows = store().Transact([](Transaction& tx) -> Result<Rows> {
    const std::string create =
        tx.backend() == Backend::kSqlite
            ? "CREATE TEMP TABLE kinds (i INTEGER, r REAL, t TEXT, b BLOB, n TEXT)"
            : "CREATE TEMP TABLE kinds (i BIGINT, r DOUBLE PRECISION, t TEXT, b BYTEA, n TEXT)";
    if (Status made = tx.ExecScript(create); !made) return tl::unexpected(made.error());
    Result<int64_t> inserted = tx.Exec(
        "INSERT INTO kinds (i, r, t, b, n) VALUES ($1, $2, $3, $4, $5)",
        {int64_t{-9007199254740993}, 0.1, "ké\ttamine", Blob{{0, 1, 254, 255}}, std::nullopt});
    if (!inserted) return tl::unexpected(inserted.error());
    return tx.Query("SELECT i, r, t, b, n FROM kinds");
  });
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 1u);
  RowReader row(*rows, 0);
  EXPECT_EQ(row.Int64(0), int64_t{-9007199254740993});
  EXPECT_EQ(row.Double(1), 0.1);
  EXPECT_EQ(row.Text(2), "ké\ttamine");
  EXPECT_EQ(row.Bytes(3), (Blob{{0, 1, 254, 255}}));
  EXPECT_EQ(row.OptText(4), std::nullopt);
  EXPECT_TRUE(row.status());
  // Reading a column as the wrong type is an error naming the column.
  (void)row.Int64(2);
  ASSERT_FALSE(row.status());
  EXPECT_THAT(row.status().error().message(), HasSubstr("column 't'"));
}

}  // namespace
}  // namespace ketaclinic::store
