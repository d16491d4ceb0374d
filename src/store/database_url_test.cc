// Database URLs (database_url.h): what each names, and errors that say what is wrong without
// echoing a password.

#include "store/database_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store.h"

namespace ketaclinic::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(DatabaseUrl, SqliteNamesAFileOrMemory) {
  Result<DatabaseUrl> file = ParseDatabaseUrl("sqlite:data/ketaclinic.db");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->backend, Backend::kSqlite);
  EXPECT_EQ(file->path, "data/ketaclinic.db");
  Result<DatabaseUrl> absolute = ParseDatabaseUrl("sqlite:/var/lib/kc.db");
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute->path, "/var/lib/kc.db");
  Result<DatabaseUrl> memory = ParseDatabaseUrl("sqlite::memory:");
  ASSERT_TRUE(memory);
  EXPECT_EQ(memory->path, ":memory:");
}

TEST(DatabaseUrl, PostgresIsALibpqUri) {
  Result<DatabaseUrl> url = ParseDatabaseUrl("postgresql://kc:s3cret@db.local:5432/clinic");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->backend, Backend::kPostgres);
  EXPECT_EQ(url->conninfo, "postgresql://kc:s3cret@db.local:5432/clinic");
  EXPECT_EQ(url->display, "postgresql://kc:***@db.local:5432/clinic");
  EXPECT_TRUE(ParseDatabaseUrl("postgres:///clinic?host=/run/postgresql"));
}

TEST(DatabaseUrl, ErrorsSayWhatIsWrongAndNameTheOption) {
  for (const char* bad : {"", "sqlite:", "sqlite://x.db", "mysql://h/db", "ketaclinic.db"}) {
    Result<DatabaseUrl> url = ParseDatabaseUrl(bad);
    ASSERT_FALSE(url) << bad;
    EXPECT_EQ(url.error().code(), ErrorCode::kInvalidArgument);
    ASSERT_EQ(url.error().problems().size(), 1u);
    EXPECT_EQ(url.error().problems()[0].field, "db");
  }
  Result<DatabaseUrl> unknown = ParseDatabaseUrl("mysql://h/db");
  EXPECT_THAT(unknown.error().message(), HasSubstr("use sqlite:PATH or postgresql://"));
  // libpq's own complaint, with the password hidden.
  Result<DatabaseUrl> bad_param =
      ParseDatabaseUrl("postgresql://kc:s3cret@h/db?colour=blue&password=s3cret");
  ASSERT_FALSE(bad_param);
  EXPECT_THAT(bad_param.error().message(), HasSubstr("colour"));
  EXPECT_THAT(bad_param.error().message(), Not(HasSubstr("s3cret")));
}

TEST(DatabaseUrl, RedactionHidesEveryPassword) {
  EXPECT_EQ(RedactUrl("postgresql://u:p@h/d?password=q&sslmode=require"),
            "postgresql://u:***@h/d?password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://u@h/d"), "postgresql://u@h/d");
  EXPECT_EQ(RedactUrl("sqlite:a:b@c.db"), "sqlite:a:b@c.db");
}

TEST(StoreOpen, ReportsAnUnopenableFileWithItsUrl) {
  Result<std::unique_ptr<Store>> store = Store::Open("sqlite:/nonexistent-dir/x/kc.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kIo);
  EXPECT_THAT(store.error().message(), HasSubstr("sqlite:/nonexistent-dir/x/kc.db"));
}

TEST(StoreOpen, ReportsAnUnreachableServerWithoutThePassword) {
  Result<std::unique_ptr<Store>> store =
      Store::Open("postgresql://kc:s3cret@/clinic?host=/nonexistent-socket-dir&connect_timeout=2");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kIo);
  EXPECT_THAT(store.error().message(), HasSubstr("cannot connect to postgresql://kc:***@"));
  EXPECT_THAT(store.error().message(), Not(HasSubstr("s3cret")));
}

TEST(StoreOpen, InMemoryDatabaseIsMigratedAndUsable) {
  Result<std::unique_ptr<Store>> store = Store::Open("sqlite::memory:");
  ASSERT_TRUE(store) << store.error().ToString();
  Result<Rows> rows = (*store)->Read(
      [](Transaction& tx) { return tx.Query("SELECT COUNT(*) FROM schema_migrations"); });
  ASSERT_TRUE(rows);
  EXPECT_EQ(RowReader(*rows, 0).Int64(0), 6);
}

}  // namespace
}  // namespace ketaclinic::store
