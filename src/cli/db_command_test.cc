// The database commands as a user runs them, without a process, on SQLite files in a temporary
// folder (the store's own contract suite covers PostgreSQL).

#include "cli/db_command.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"

#include "store/ids.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store/store_test_util.h"
#include "store/users.h"

namespace ketaclinic::cli {
namespace {

using ::testing::HasSubstr;

class DbCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() / ("kc_cli_" + store::NewId().substr(0, 8));
    std::filesystem::create_directories(directory_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(directory_, ec);
  }
  std::string Path(const std::string& name) const { return (directory_ / name).string(); }
  std::string Url(const std::string& name = "clinic.db") const { return "sqlite:" + Path(name); }

  CommandOutput Init(Format format = Format::kJson, const std::string& password_file = "") {
    return Invoke(InitOptions{Url(), "admin", password_file, format}, RunInit);
  }

  std::filesystem::path directory_;
};

TEST_F(DbCommandTest, InitCreatesTheDatabaseAndPrintsTheGeneratedPasswordOnce) {
  const CommandOutput init = Init();
  ASSERT_EQ(init.status, 0) << init.err << init.out;
  const nlohmann::json json = nlohmann::json::parse(init.out);
  EXPECT_EQ(json["schema_version"], 6);
  EXPECT_EQ(json["migrations_applied"], nlohmann::json({1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(json["admin"]["username"], "admin");
  const std::string password = json["generated_password"];
  EXPECT_EQ(password.size(), 20u);

  // The printed password signs the administrator in.
  Result<std::unique_ptr<store::Store>> db = store::Store::Open(Url());
  ASSERT_TRUE(db);
  store::UserStore users(**db);
  Result<store::User> admin = users.Authenticate("admin", password, "local");
  ASSERT_TRUE(admin) << admin.error().ToString();
  EXPECT_EQ(admin->role, clinical::Role::kAdmin);

  // A second init refuses and prints no password.
  const CommandOutput again = Init(Format::kTable);
  EXPECT_EQ(again.status, 1);
  EXPECT_THAT(again.err, HasSubstr("already initialized"));
  EXPECT_THAT(again.out, ::testing::Not(HasSubstr("Password")));
}

TEST_F(DbCommandTest, InitTakesThePasswordFromAFile) {
  std::ofstream(Path("short.txt")) << "too short\n";
  const CommandOutput refused = Init(Format::kJson, Path("short.txt"));
  EXPECT_EQ(refused.status, 2);
  const nlohmann::json error = nlohmann::json::parse(refused.out);
  EXPECT_EQ(error["error"]["problems"][0]["field"], "admin-password-file");

  std::ofstream(Path("password.txt")) << "a long enough pass phrase\r\nsecond line ignored\n";
  const CommandOutput init = Init(Format::kTable, Path("password.txt"));
  ASSERT_EQ(init.status, 0) << init.err;
  EXPECT_THAT(init.out, HasSubstr("Administrator:  admin"));
  EXPECT_THAT(init.out, ::testing::Not(HasSubstr("Password:")));
  Result<std::unique_ptr<store::Store>> db = store::Store::Open(Url());
  ASSERT_TRUE(db);
  EXPECT_TRUE(store::UserStore(**db).Authenticate("admin", "a long enough pass phrase", "local"));
}

TEST_F(DbCommandTest, MigrateAndStatusReportTheSchema) {
  const CommandOutput missing = Invoke(DbOptions{Url(), Format::kTable}, RunDbStatus);
  EXPECT_EQ(missing.status, 2);
  EXPECT_THAT(missing.err, HasSubstr("ketaclinic init"));

  const CommandOutput migrate = Invoke(DbOptions{Url(), Format::kTable}, RunDbMigrate);
  ASSERT_EQ(migrate.status, 0) << migrate.err;
  EXPECT_THAT(migrate.out, HasSubstr("Applied migrations 1, 2, 3, 4, 5, 6"));
  const CommandOutput again = Invoke(DbOptions{Url(), Format::kTable}, RunDbMigrate);
  EXPECT_THAT(again.out, HasSubstr("is current (version 6)"));

  const CommandOutput status = Invoke(DbOptions{Url(), Format::kJson}, RunDbStatus);
  ASSERT_EQ(status.status, 0) << status.err;
  const nlohmann::json json = nlohmann::json::parse(status.out);
  EXPECT_EQ(json["state"], "current");
  EXPECT_EQ(json["migrations"].size(), 6u);
  EXPECT_EQ(json["migrations"][1]["description"], "versioned clinical records (append-only)");

  // A later release's migration: status says so and exits 1; migrate refuses naming versions.
  {
    Result<std::unique_ptr<store::Store>> db = store::Store::Open(Url());
    ASSERT_TRUE(db);
    std::vector<store::Migration> future = store::AllMigrations();
    future.push_back({7, "later", "CREATE TABLE later (a INTEGER)", ""});
    ASSERT_TRUE(store::ApplyMigrations(**db, future));
  }
  const CommandOutput newer = Invoke(DbOptions{Url(), Format::kTable}, RunDbStatus);
  EXPECT_EQ(newer.status, 1);
  EXPECT_THAT(newer.out, HasSubstr("schema version 7"));
  const CommandOutput refused = Invoke(DbOptions{Url(), Format::kTable}, RunDbMigrate);
  EXPECT_EQ(refused.status, 1);
  EXPECT_THAT(refused.err, HasSubstr("schema version 7"));
  EXPECT_THAT(refused.err, HasSubstr("(schema version 6)"));
}

TEST_F(DbCommandTest, AuditVerifyExitsZeroWhenIntactAndOneNamingTheBadRow) {
  ASSERT_EQ(Init().status, 0);  // user.create is audit row 1
  const CommandOutput intact = Invoke(AuditVerifyOptions{Url(), "", Format::kJson}, RunAuditVerify);
  ASSERT_EQ(intact.status, 0) << intact.err;
  const nlohmann::json json = nlohmann::json::parse(intact.out);
  EXPECT_EQ(json["intact"], true);
  EXPECT_EQ(json["rows"], 1);
  const std::string anchor = "1:" + json["head"]["hash"].get<std::string>();
  EXPECT_EQ(Invoke(AuditVerifyOptions{Url(), anchor, Format::kTable}, RunAuditVerify).status, 0);

  {
    Result<std::unique_ptr<store::Store>> db = store::Store::Open(Url());
    ASSERT_TRUE(db);
    ASSERT_TRUE(store::Tamper(**db,
                              "UPDATE audit_log SET payload = REPLACE(payload, "
                              "'\"role\":\"admin\"', '\"role\":\"nurse\"') WHERE seq = 1"));
  }
  const CommandOutput broken =
      Invoke(AuditVerifyOptions{Url(), "", Format::kTable}, RunAuditVerify);
  EXPECT_EQ(broken.status, 1);
  EXPECT_THAT(broken.out, HasSubstr("BROKEN at row 1 (edited)"));

  const CommandOutput bad_anchor =
      Invoke(AuditVerifyOptions{Url(), "one:abc", Format::kTable}, RunAuditVerify);
  EXPECT_EQ(bad_anchor.status, 2);
  EXPECT_THAT(bad_anchor.err, HasSubstr("anchor"));
}

TEST_F(DbCommandTest, BackupAndRestoreRoundTrip) {
  ASSERT_EQ(Init().status, 0);
  const CommandOutput backup =
      Invoke(BackupOptions{Url(), Path("backup.db"), Format::kTable}, RunBackup);
  ASSERT_EQ(backup.status, 0) << backup.err;
  EXPECT_THAT(backup.out, HasSubstr("Backed up"));
  EXPECT_TRUE(std::filesystem::exists(Path("backup.db")));

  // Restoring over the (non-empty) original needs --replace; a new file does not.
  const CommandOutput unconfirmed =
      Invoke(RestoreOptions{Url(), Path("backup.db"), false, Format::kTable}, RunRestore);
  EXPECT_EQ(unconfirmed.status, 1);
  EXPECT_THAT(unconfirmed.err, HasSubstr("--replace"));
  const CommandOutput replaced =
      Invoke(RestoreOptions{Url(), Path("backup.db"), true, Format::kJson}, RunRestore);
  ASSERT_EQ(replaced.status, 0) << replaced.err << replaced.out;
  const CommandOutput fresh =
      Invoke(RestoreOptions{Url("copy.db"), Path("backup.db"), false, Format::kTable}, RunRestore);
  ASSERT_EQ(fresh.status, 0) << fresh.err;
  EXPECT_EQ(Invoke(AuditVerifyOptions{Url("copy.db"), "", Format::kTable}, RunAuditVerify).status,
            0);
}

TEST_F(DbCommandTest, BadUrlNamesTheOption) {
  const CommandOutput bad = Invoke(DbOptions{"mysql://x/y", Format::kJson}, RunDbStatus);
  EXPECT_EQ(bad.status, 2);
  const nlohmann::json json = nlohmann::json::parse(bad.out);
  EXPECT_EQ(json["error"]["problems"][0]["field"], "db");
  EXPECT_THAT(json["error"]["message"].get<std::string>(), HasSubstr("sqlite:PATH"));
}

}  // namespace
}  // namespace ketaclinic::cli
