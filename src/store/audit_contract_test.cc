// The repository contract suite, part 3: the audit trail (audit.h). Tamper tests change the
// database directly, as someone with file or superuser access could, and check that
// VerifyAuditChain names the first bad row and what happened to it.

#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/migrations.h"
#include "store/records.h"
#include "store/store_test_util.h"

namespace ketaclinic::store {
namespace {

using ::testing::HasSubstr;

Status AppendReads(Store& store, int count, const std::string& prefix = "r") {
  for (int i = 1; i <= count; ++i) {
    Status appended = store.Transact([&](Transaction& tx) -> Status {
      AuditEntry entry{"record.read", "session", prefix + std::to_string(i),
                       "patient-1",   nullptr,   nullptr};
      Result<AuditRow> row = AppendAudit(tx, Nurse(), store.Now(), entry);
      if (!row) return tl::unexpected(row.error());
      return OkStatus();
    });
    if (!appended) return appended;
  }
  return OkStatus();
}

Result<std::string> StoredHash(Store& store, int64_t seq) {
  return store.Read([seq](Transaction& tx) -> Result<std::string> {
    Result<Rows> rows = tx.Query("SELECT hash FROM audit_log WHERE seq = $1", {seq});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return tl::unexpected(Error::NotFound("no row"));
    RowReader reader(*rows, 0);
    return reader.Text(0);
  });
}

AuditVerification Verify(Store& store, const std::optional<AuditAnchor>& anchor = {}) {
  Result<AuditVerification> verified = VerifyAuditChain(store, anchor);
  EXPECT_TRUE(verified) << verified.error().ToString();
  return verified.value_or(AuditVerification{});
}

// A test's chain of six reads, rows 1-6.
class AuditChain : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(AppendReads(store(), 6));
    const AuditVerification intact = Verify(store());
    ASSERT_TRUE(intact.intact()) << ProblemText(intact);
    ASSERT_EQ(intact.rows, 6);
  }

  void ExpectProblem(int64_t seq, TamperKind kind, const std::string& words,
                     const std::optional<AuditAnchor>& anchor = {}) {
    const AuditVerification result = Verify(store(), anchor);
    if (!result.problem.has_value()) {
      ADD_FAILURE() << "tampering went unnoticed";
      return;
    }
    const AuditProblem& problem = *result.problem;
    EXPECT_EQ(problem.seq, seq) << problem.message;
    EXPECT_EQ(TamperKindName(problem.kind), std::string(TamperKindName(kind))) << problem.message;
    EXPECT_THAT(problem.message, HasSubstr(words));
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, AuditChain,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendParamName);

TEST(AuditHash, IsBlake2b256OfPreviousHashBytesThenPayload) {
  // Expected values from Python's hashlib (an independent BLAKE2b):
  //   hashlib.blake2b(bytes(32) + b'abc', digest_size=32).hexdigest()
  Result<std::string> first = ChainHash(GenesisHash(), "abc");
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "5db827e5e925e6b933a86596a0446c345c0d74d77f55a751ade5d7c7162eead8");
  //   hashlib.blake2b(bytes.fromhex('11' * 32) + b'{"seq":1}', digest_size=32).hexdigest()
  Result<std::string> next = ChainHash(std::string(64, '1'), R"({"seq":1})");
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, "5fc59645be0fc687e01782a384bbdf899a23998c9714a8bf186fd90c6b869586");
  EXPECT_FALSE(ChainHash("not hex", "abc"));
}

TEST(AuditPayload, IsCanonicalJsonWithSortedKeys) {
  const AuditEntry entry{"record.amend", "order",           "o-1",
                         "p-1",          {{"dose_mg", 35}}, {{"dose_mg", 36}}};
  EXPECT_EQ(AuditPayload(7, Actor{"u-1", "physician", "10.1.2.3"}, TestTime(0), entry),
            R"({"action":"record.amend","after":{"dose_mg":36},"at":"2026-11-29T09:00:00Z",)"
            R"("before":{"dose_mg":35},"client_address":"10.1.2.3","patient_id":"p-1",)"
            R"("record_id":"o-1","record_type":"order","role":"physician","seq":7,)"
            R"("user_id":"u-1"})");
}

TEST(AuditPayload, MatchesTheWorkedExampleOfTheDocs) {
  // docs/STORAGE.md "Audit chain": the example row 1 and its hash (computed with Python's
  // hashlib, as the docs show).
  const AuditEntry entry{"record.read", "session", "s-1", "p-1", nullptr, nullptr};
  const std::string payload =
      AuditPayload(1, Actor{"u-7", "nurse", "10.0.0.7"}, TestTime(0), entry);
  EXPECT_EQ(payload,
            R"({"action":"record.read","after":null,"at":"2026-11-29T09:00:00Z","before":null,)"
            R"("client_address":"10.0.0.7","patient_id":"p-1","record_id":"s-1",)"
            R"("record_type":"session","role":"nurse","seq":1,"user_id":"u-7"})");
  EXPECT_EQ(ChainHash(GenesisHash(), payload).value_or(""),
            "e1cc7bae7be2bde40911f6953addeb716a82bdf9ff6990a0a33bea6d8ddb1e57");
}

TEST_P(StoreContract, EveryChangeAndReadIsAuditedWithWhoWhatWhenWhere) {
  RecordStore records(store());
  clinical::RecordMeta meta;
  meta.author = "user-nurse-1";
  meta.recorded_at = TestTime(1);
  clock_.Set(TestTime(2));
  Result<clinical::RecordMeta> created =
      records.Put(Nurse(), {"session", meta, std::string("patient-9"), {{"chair", 3}}, 0});
  ASSERT_TRUE(created);
  clock_.Set(TestTime(3));
  ASSERT_TRUE(records.Get(Physician(), created->id));

  Result<Rows> rows = store().Read([](Transaction& tx) {
    return tx.Query("SELECT payload, user_id, action, patient_id FROM audit_log ORDER BY seq");
  });
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  RowReader create_row(*rows, 0);
  const nlohmann::json create = nlohmann::json::parse(create_row.Text(0));
  EXPECT_EQ(create["seq"], 1);
  EXPECT_EQ(create["action"], "record.create");
  EXPECT_EQ(create["user_id"], "user-nurse-1");
  EXPECT_EQ(create["role"], "nurse");
  EXPECT_EQ(create["client_address"], "10.0.0.7");
  EXPECT_EQ(create["at"], "2026-11-29T09:02:00Z");  // the server's clock, not the record's
  EXPECT_EQ(create["record_type"], "session");
  EXPECT_EQ(create["record_id"], created->id);
  EXPECT_EQ(create["patient_id"], "patient-9");
  EXPECT_TRUE(create["before"].is_null());
  EXPECT_EQ(create["after"]["body"]["chair"], 3);
  EXPECT_EQ(create["after"]["version"], 1);
  RowReader read_row(*rows, 1);
  const nlohmann::json read = nlohmann::json::parse(read_row.Text(0));
  EXPECT_EQ(read["action"], "record.read");
  EXPECT_EQ(read["user_id"], "user-physician-1");
  EXPECT_EQ(read["at"], "2026-11-29T09:03:00Z");
  EXPECT_TRUE(read["after"].is_null());
  EXPECT_EQ(read_row.Text(1), "user-physician-1");
  EXPECT_EQ(read_row.Text(2), "record.read");
  EXPECT_EQ(read_row.OptText(3), "patient-9");

  const AuditVerification verified = Verify(store());
  EXPECT_TRUE(verified.intact());
  EXPECT_EQ(verified.rows, 2);
  EXPECT_EQ(verified.head_seq, 2);
  EXPECT_EQ(verified.head_hash, *StoredHash(store(), 2));
}

TEST_P(StoreContract, EmptyChainIsIntact) {
  const AuditVerification verified = Verify(store());
  EXPECT_TRUE(verified.intact());
  EXPECT_EQ(verified.rows, 0);
  EXPECT_EQ(verified.head_hash, GenesisHash());
}

TEST_P(StoreContract, AuditRowsCannotBeChangedOrDeleted) {
  ASSERT_TRUE(AppendReads(store(), 2));
  std::vector<std::string> statements = {"UPDATE audit_log SET user_id = 'x' WHERE seq = 1",
                                         "DELETE FROM audit_log WHERE seq = 2"};
  if (GetParam() == Backend::kPostgres) statements.emplace_back("TRUNCATE audit_log");
  for (const std::string& sql : statements) {
    Status changed = store().Transact([&](Transaction& tx) -> Status {
      Result<int64_t> n = tx.Exec(sql);
      if (!n) return tl::unexpected(n.error());
      return OkStatus();
    });
    ASSERT_FALSE(changed) << sql;
    EXPECT_THAT(changed.error().message(), HasSubstr("append-only")) << sql;
  }
  EXPECT_TRUE(Verify(store()).intact());
}

TEST_P(StoreContract, ConcurrentAppendsNeverForkTheChain) {
  constexpr int kThreads = 4;
  constexpr int kEach = 20;
  std::vector<std::thread> threads;
  std::vector<Status> results(kThreads);
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      results[static_cast<size_t>(t)] = AppendReads(store(), kEach, "t" + std::to_string(t) + "-");
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Status& result : results) ASSERT_TRUE(result) << result.error().ToString();
  const AuditVerification verified = Verify(store());
  EXPECT_TRUE(verified.intact()) << ProblemText(verified);
  EXPECT_EQ(verified.rows, kThreads * kEach);
  EXPECT_EQ(verified.head_seq, kThreads * kEach);
}

TEST_P(AuditChain, EditedPayloadIsNamed) {
  ASSERT_TRUE(Tamper(store(),
                     "UPDATE audit_log SET payload = REPLACE(payload, "
                     "'\"record_id\":\"r3\"', '\"record_id\":\"r9\"') WHERE seq = 3"));
  ExpectProblem(3, TamperKind::kEdited, "does not match its hash");
}

TEST_P(AuditChain, EditedQueryColumnIsNamed) {
  ASSERT_TRUE(Tamper(store(), "UPDATE audit_log SET user_id = 'someone-else' WHERE seq = 4"));
  ExpectProblem(4, TamperKind::kEdited, "column user_id says 'someone-else'");
}

TEST_P(AuditChain, RewrittenAndRehashedRowIsNamed) {
  // An attacker who knows the hash recomputes row 4's own hash, but not its successors'.
  Result<Rows> row4 = store().Read([](Transaction& tx) {
    return tx.Query("SELECT payload, prev_hash FROM audit_log WHERE seq = 4");
  });
  ASSERT_TRUE(row4);
  RowReader reader(*row4, 0);
  std::string payload = reader.Text(0);
  const std::string prev = reader.Text(1);
  payload.replace(payload.find("\"r4\""), 4, "\"rX\"");
  const std::string hash = *ChainHash(prev, payload);
  ASSERT_TRUE(Tamper(store(), "UPDATE audit_log SET payload = '" + payload + "', hash = '" + hash +
                                  "', record_id = 'rX' WHERE seq = 4"));
  ExpectProblem(4, TamperKind::kEdited, "row 4 was rewritten");
}

TEST_P(AuditChain, RemovedRowIsNamed) {
  ASSERT_TRUE(Tamper(store(), "DELETE FROM audit_log WHERE seq = 3"));
  ExpectProblem(3, TamperKind::kRemoved, "row 3 removed");
}

TEST_P(AuditChain, RemovedAndRenumberedRowsAreNamed) {
  ASSERT_TRUE(Tamper(store(),
                     "DELETE FROM audit_log WHERE seq IN (2, 3); "
                     "UPDATE audit_log SET seq = seq + 100 WHERE seq > 3; "
                     "UPDATE audit_log SET seq = seq - 102 WHERE seq > 100"));
  ExpectProblem(2, TamperKind::kRemoved, "rows 2 to 3 removed");
}

TEST_P(AuditChain, SwappedRowsAreNamed) {
  ASSERT_TRUE(Tamper(store(),
                     "UPDATE audit_log SET seq = 1000 WHERE seq = 2; "
                     "UPDATE audit_log SET seq = 2 WHERE seq = 5; "
                     "UPDATE audit_log SET seq = 5 WHERE seq = 1000"));
  ExpectProblem(2, TamperKind::kReordered, "position 2 holds row 5");
}

TEST_P(AuditChain, ForgedRowInsertedMidChainIsNamed) {
  // The strongest forgery short of rewriting the rest of the chain: later rows are renumbered
  // to make room, and the forged row carries a correct hash linked to row 2.
  ASSERT_TRUE(Tamper(store(),
                     "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3; "
                     "UPDATE audit_log SET seq = seq - 99 WHERE seq >= 103"));
  const Actor forger{"user-physician-1", "physician", "10.0.0.8"};
  const AuditEntry entry{"record.read", "session", "forged", "patient-1", nullptr, nullptr};
  const std::string payload = AuditPayload(3, forger, TestTime(0), entry);
  const std::string prev = *StoredHash(store(), 2);
  const std::string hash = *ChainHash(prev, payload);
  ASSERT_TRUE(Tamper(store(),
                     "INSERT INTO audit_log (seq, at, user_id, action, record_type, record_id, "
                     "patient_id, payload, prev_hash, hash) VALUES (3, '2026-11-29T09:00:00Z', "
                     "'user-physician-1', 'record.read', 'session', 'forged', 'patient-1', '" +
                         payload + "', '" + prev + "', '" + hash + "')"));
  ExpectProblem(3, TamperKind::kInserted, "row 3 was inserted");
}

TEST_P(AuditChain, DuplicatedRowIsNamed) {
  ASSERT_TRUE(Tamper(store(),
                     "INSERT INTO audit_log SELECT 7, at, user_id, action, record_type, "
                     "record_id, patient_id, payload, prev_hash, hash FROM audit_log "
                     "WHERE seq = 2"));
  ExpectProblem(7, TamperKind::kInserted, "a copy of row 2");
}

TEST_P(AuditChain, RowsRemovedFromTheEndNeedAnAnchor) {
  const AuditAnchor anchor{6, *StoredHash(store(), 6)};
  ASSERT_TRUE(Tamper(store(), "DELETE FROM audit_log WHERE seq = 6"));
  // The chain alone cannot tell a shortened chain from a complete one...
  EXPECT_TRUE(Verify(store()).intact());
  // ...but a (seq, hash) recorded off the machine can.
  ExpectProblem(6, TamperKind::kRemoved, "anchored off-box", anchor);
}

TEST_P(AuditChain, RewrittenTailIsCaughtByAnAnchor) {
  const AuditAnchor anchor{5, *StoredHash(store(), 5)};
  // Rewrite rows 4-6 consistently, as someone who knows the scheme could.
  Result<Rows> rows = store().Read([](Transaction& tx) {
    return tx.Query("SELECT seq, payload FROM audit_log WHERE seq >= 4 ORDER BY seq");
  });
  ASSERT_TRUE(rows);
  std::string prev = *StoredHash(store(), 3);
  std::string sql;
  for (size_t i = 0; i < rows->size(); ++i) {
    RowReader reader(*rows, i);
    const int64_t seq = reader.Int64(0);
    std::string payload = reader.Text(1);
    payload.replace(payload.find("patient-1"), 9, "patient-2");
    const std::string hash = *ChainHash(prev, payload);
    sql += "UPDATE audit_log SET payload = '";
    sql += payload;
    sql += "', prev_hash = '";
    sql += prev;
    sql += "', hash = '";
    sql += hash;
    sql += "', patient_id = 'patient-2' WHERE seq = ";
    sql += std::to_string(seq);
    sql += "; ";
    prev = hash;
  }
  ASSERT_TRUE(Tamper(store(), sql));
  EXPECT_TRUE(Verify(store()).intact());
  ExpectProblem(5, TamperKind::kEdited, "differs from the anchor", anchor);
}

TEST_P(StoreContract, PostgresApplicationRoleCannotChangeTheAuditLog) {
  if (GetParam() != Backend::kPostgres) {
    GTEST_SKIP() << "SQLite has no roles; its triggers are tested by AuditRowsCannotBeChanged";
  }
  ASSERT_TRUE(AppendReads(store(), 1));
  const std::string role = "kc_app_" + database_->schema().substr(5);
  Result<std::string> grants = PostgresAppRoleGrants(role);
  ASSERT_TRUE(grants) << grants.error().ToString();
  ASSERT_TRUE(store().Transact([&](Transaction& tx) {
    return tx.ExecScript("CREATE ROLE " + role + " NOLOGIN; " + *grants);
  }));
  // As the application: it can read and append...
  Status appended = store().Transact([&](Transaction& tx) -> Status {
    if (Status as_app = tx.ExecScript("SET LOCAL ROLE " + role); !as_app) return as_app;
    AuditEntry entry{"record.read", "session", "s-1", "patient-1", nullptr, nullptr};
    Result<AuditRow> row = AppendAudit(tx, Nurse(), store().Now(), entry);
    if (!row) return tl::unexpected(row.error());
    return OkStatus();
  });
  EXPECT_TRUE(appended) << appended.error().ToString();
  // ...but not update, delete or truncate: the privilege is missing, whatever the triggers.
  // The other append-only tables read like any table to the application...
  EXPECT_TRUE(store().Transact([&](Transaction& tx) {
    return tx.ExecScript("SET LOCAL ROLE " + role +
                         "; SELECT COUNT(*) FROM ledger_entries, ledger_vials, ledger_lots, "
                         "ledger_products, login_sessions, login_failures");
  }));
  for (const char* sql :
       {"UPDATE audit_log SET user_id = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log",
        "UPDATE ledger_entries SET quantity_ug = 0", "DELETE FROM ledger_entries",
        "DELETE FROM ledger_vials", "UPDATE login_sessions SET user_id = 'x'",
        "DELETE FROM login_failures"}) {
    Status changed = store().Transact([&](Transaction& tx) -> Status {
      return tx.ExecScript("SET LOCAL ROLE " + role + "; " + sql);
    });
    ASSERT_FALSE(changed) << sql;
    EXPECT_THAT(changed.error().message(), HasSubstr("permission denied")) << sql;
  }
  EXPECT_TRUE(Verify(store()).intact());
  EXPECT_TRUE(store().Transact([&](Transaction& tx) {
    return tx.ExecScript("DROP OWNED BY " + role + "; DROP ROLE " + role);
  }));
}

}  // namespace
}  // namespace ketaclinic::store
