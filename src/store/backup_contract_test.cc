// The repository contract suite, part 5: backup and restore. SQLite uses the online backup
// API; on PostgreSQL both calls must refuse and point at pg_dump / pg_restore.

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/backup.h"
#include "store/records.h"
#include "store/store_test_util.h"

namespace ketaclinic::store {
namespace {

using ::testing::HasSubstr;

const Actor kOperator{"local:operator", "admin", "local"};

RecordWrite Patient(const std::string& name) {
  clinical::RecordMeta meta;
  meta.author = "user-nurse-1";
  meta.recorded_at = TestTime(1);
  return RecordWrite{"patient", meta, std::nullopt, {{"name", name}}, 0};
}

TEST_P(StoreContract, BackupThenRestoreRoundTrip) {
  if (GetParam() == Backend::kPostgres) {
    Status backup = BackupTo(store(), kOperator, "/tmp/never-written.db");
    ASSERT_FALSE(backup);
    EXPECT_EQ(backup.error().code(), ErrorCode::kFailedPrecondition);
    EXPECT_THAT(backup.error().message(), HasSubstr("pg_dump"));
    Status restore = RestoreFrom(store(), kOperator, "/tmp/never-written.db");
    ASSERT_FALSE(restore);
    EXPECT_THAT(restore.error().message(), HasSubstr("pg_restore"));
    return;
  }
  RecordStore records(store());
  Result<clinical::RecordMeta> kept = records.Put(Nurse(), Patient("Ida"));
  ASSERT_TRUE(kept);
  const std::string file = database_->Path("backup.db");
  ASSERT_TRUE(BackupTo(store(), kOperator, file));
  EXPECT_TRUE(std::filesystem::exists(file));
  // A backup never overwrites a file.
  Status twice = BackupTo(store(), kOperator, file);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().problems()[0].field, "to");

  // Work after the backup...
  Result<clinical::RecordMeta> later = records.Put(Nurse(), Patient("Jon"));
  ASSERT_TRUE(later);
  // ...is lost by a restore, which must be confirmed on a database with content.
  Status unconfirmed = RestoreFrom(store(), kOperator, file);
  ASSERT_FALSE(unconfirmed);
  EXPECT_THAT(unconfirmed.error().message(), HasSubstr("--replace"));
  Status restored = RestoreFrom(store(), kOperator, file, RestoreOptions{true});
  ASSERT_TRUE(restored) << restored.error().ToString();

  EXPECT_TRUE(records.Get(Nurse(), kept->id));
  EXPECT_EQ(records.Get(Nurse(), later->id).error().code(), ErrorCode::kNotFound);
  // The chain restored intact, and continues with the restore itself.
  Result<AuditVerification> chain = VerifyAuditChain(store());
  ASSERT_TRUE(chain);
  EXPECT_TRUE(chain->intact()) << ProblemText(*chain);
  Result<Rows> actions = store().Read(
      [](Transaction& tx) { return tx.Query("SELECT action FROM audit_log ORDER BY seq"); });
  ASSERT_TRUE(actions);
  std::vector<std::string> seen;
  seen.reserve(actions->size());
  for (size_t i = 0; i < actions->size(); ++i) seen.push_back(RowReader(*actions, i).Text(0));
  EXPECT_THAT(seen, ::testing::ElementsAre("record.create", "database.backup", "database.restore",
                                           "record.read"));

  // A fresh, empty database takes a restore without confirmation.
  TestDatabase fresh(Backend::kSqlite);
  Result<std::unique_ptr<Store>> empty = Store::Open(fresh.url());
  ASSERT_TRUE(empty);
  ASSERT_TRUE(RestoreFrom(**empty, kOperator, file));
}

TEST_P(StoreContract, RestoreRefusesWhatIsNotAnIntactKetaClinicBackup) {
  if (GetParam() == Backend::kPostgres) GTEST_SKIP() << "PostgreSQL restores with pg_restore";
  const std::string garbage = database_->Path("garbage.db");
  std::ofstream(garbage) << "not a database";
  Status refused = RestoreFrom(store(), kOperator, garbage);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message(), HasSubstr("garbage.db"));

  // A backup whose audit chain was tampered with is refused, naming the problem.
  ASSERT_TRUE(RecordStore(store()).Put(Nurse(), Patient("Kim")));
  const std::string file = database_->Path("backup.db");
  ASSERT_TRUE(BackupTo(store(), kOperator, file));
  {
    Result<std::unique_ptr<Store>> backup = Store::Open("sqlite:" + file);
    ASSERT_TRUE(backup);
    ASSERT_TRUE(Tamper(**backup, "DELETE FROM audit_log WHERE seq = 1"));
  }
  Status tampered = RestoreFrom(store(), kOperator, file, RestoreOptions{true});
  ASSERT_FALSE(tampered);
  EXPECT_THAT(tampered.error().message(), HasSubstr("removed"));

  Status missing = RestoreFrom(store(), kOperator, database_->Path("none.db"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().problems()[0].field, "from");
}

}  // namespace
}  // namespace ketaclinic::store
