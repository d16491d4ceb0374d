// The repository contract suite, part 2: versioned clinical records (records.h) on both
// backends.

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clinical/record.h"
#include "store/records.h"
#include "store/store_test_util.h"

namespace ketaclinic::store {
namespace {

using ::testing::HasSubstr;

clinical::RecordMeta NewMeta(const std::string& author, int minute) {
  clinical::RecordMeta meta;
  meta.author = author;
  meta.recorded_at = TestTime(minute);
  return meta;
}

RecordWrite NewPatient(const std::string& name) {
  return RecordWrite{"patient", NewMeta("user-nurse-1", 1), std::nullopt,
                     nlohmann::json{{"name", name}, {"weight_kg", 72.5}}, 0};
}

Result<int64_t> AuditRows(Store& store) {
  return store.Read([](Transaction& tx) -> Result<int64_t> {
    Result<Rows> rows = tx.Query("SELECT COUNT(*) FROM audit_log");
    if (!rows) return tl::unexpected(rows.error());
    RowReader reader(*rows, 0);
    return reader.Int64(0);
  });
}

TEST_P(StoreContract, PutGetAndHistoryKeepEveryVersion) {
  RecordStore records(store());
  Result<clinical::RecordMeta> created = records.Put(Nurse(), NewPatient("Ada"));
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(created->id.size(), 36u);  // a UUID

  // The patient record's own id is its patient id: later records point at it.
  Result<StoredRecord> got = records.Get(Physician(), created->id);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(got->record_type, "patient");
  EXPECT_EQ(got->meta.version, 1);
  EXPECT_EQ(got->meta.author, "user-nurse-1");
  EXPECT_EQ(got->meta.recorded_at, TestTime(1));
  EXPECT_EQ(got->meta.status, clinical::RecordStatus::kActive);
  EXPECT_EQ(got->body["name"], "Ada");
  EXPECT_EQ(got->body["weight_kg"], 72.5);

  Result<clinical::RecordMeta> next =
      clinical::Amend(got->meta, "user-physician-1", TestTime(5), "weight re-measured");
  ASSERT_TRUE(next);
  Result<clinical::RecordMeta> amended =
      records.Put(Physician(), "patient", *next, std::nullopt,
                  nlohmann::json{{"name", "Ada"}, {"weight_kg", 71.0}}, 1);
  ASSERT_TRUE(amended) << amended.error().ToString();
  EXPECT_EQ(amended->version, 2);
  EXPECT_EQ(amended->id, created->id);

  Result<StoredRecord> current = records.Get(Nurse(), created->id);
  ASSERT_TRUE(current);
  EXPECT_EQ(current->meta.version, 2);
  EXPECT_EQ(current->meta.reason, "weight re-measured");
  EXPECT_EQ(current->body["weight_kg"], 71.0);

  Result<std::vector<StoredRecord>> history = records.History(Nurse(), created->id);
  ASSERT_TRUE(history) << history.error().ToString();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].meta.version, 1);
  EXPECT_EQ((*history)[0].meta.status, clinical::RecordStatus::kAmended);
  EXPECT_EQ((*history)[0].body["weight_kg"], 72.5);  // the earlier text is not obscured
  EXPECT_EQ((*history)[1].meta.status, clinical::RecordStatus::kActive);
  EXPECT_EQ((*history)[1].meta.author, "user-physician-1");

  Result<StoredRecord> missing = records.Get(Nurse(), "no-such-record");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreContract, StaleVersionIsAConflictNamingRecordAndBothVersions) {
  RecordStore records(store());
  Result<clinical::RecordMeta> created = records.Put(Nurse(), NewPatient("Ben"));
  ASSERT_TRUE(created);
  // Two nurses read version 1; the first saves version 2.
  Result<clinical::RecordMeta> first = clinical::Amend(*created, "nurse-a", TestTime(2), "BP");
  Result<clinical::RecordMeta> second = clinical::Amend(*created, "nurse-b", TestTime(3), "HR");
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(records.Put(Nurse(), "patient", *first, std::nullopt, {{"v", "a"}}, 1));
  const Result<int64_t> audit_before = AuditRows(store());

  Result<clinical::RecordMeta> lost =
      records.Put(Nurse(), "patient", *second, std::nullopt, {{"v", "b"}}, 1);
  ASSERT_FALSE(lost);
  EXPECT_TRUE(IsConflict(lost.error())) << lost.error().ToString();
  EXPECT_THAT(lost.error().message(), HasSubstr(created->id));
  EXPECT_THAT(lost.error().message(), HasSubstr("based on version 1"));
  EXPECT_THAT(lost.error().message(), HasSubstr("current version is 2"));
  // The loser wrote nothing: neither a version nor an audit row.
  Result<std::vector<StoredRecord>> history = records.History(Nurse(), created->id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().body["v"], "a");
  EXPECT_EQ(*AuditRows(store()), *audit_before + 1);  // + the History read

  // A "new" record with an id that exists is a conflict too.
  RecordWrite again = NewPatient("Ben");
  again.meta.id = created->id;
  Result<clinical::RecordMeta> duplicate = records.Put(Nurse(), again);
  ASSERT_FALSE(duplicate);
  EXPECT_TRUE(IsConflict(duplicate.error()));
  EXPECT_THAT(duplicate.error().message(), HasSubstr("already exists (version 2)"));
}

TEST_P(StoreContract, ConcurrentAmendmentsOfOneRecordHaveOneWinnerPerVersion) {
  RecordStore records(store());
  Result<clinical::RecordMeta> created = records.Put(Nurse(), NewPatient("Cy"));
  ASSERT_TRUE(created);
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  std::atomic<int> other{0};
  std::vector<std::thread> writers;
  writers.reserve(4);
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      Result<clinical::RecordMeta> next =
          clinical::Amend(*created, "writer-" + std::to_string(w), TestTime(10), "edit");
      Result<clinical::RecordMeta> put =
          records.Put(Nurse(), "patient", *next, std::nullopt, {{"writer", w}}, 1);
      if (put) {
        ++wins;
      } else if (IsConflict(put.error())) {
        ++conflicts;
      } else {
        ++other;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
  EXPECT_EQ(other.load(), 0);
}

TEST_P(StoreContract, EnteredInErrorIsAVersionAndEndsTheRecord) {
  RecordStore records(store());
  Result<clinical::RecordMeta> created = records.Put(Nurse(), NewPatient("Dee"));
  ASSERT_TRUE(created);
  Result<clinical::RecordMeta> withdrawn = records.MarkEnteredInError(
      Physician(), created->id, 1, "charted on the wrong patient", TestTime(30));
  ASSERT_TRUE(withdrawn) << withdrawn.error().ToString();
  EXPECT_EQ(withdrawn->version, 2);
  EXPECT_EQ(withdrawn->status, clinical::RecordStatus::kEnteredInError);

  Result<StoredRecord> current = records.Get(Nurse(), created->id);
  ASSERT_TRUE(current);
  EXPECT_EQ(current->meta.status, clinical::RecordStatus::kEnteredInError);
  EXPECT_EQ(current->meta.reason, "charted on the wrong patient");
  EXPECT_EQ(current->meta.author, "user-physician-1");
  EXPECT_EQ(current->body["name"], "Dee");  // still readable

  // It cannot be amended or withdrawn again.
  clinical::RecordMeta next = current->meta;
  next.version = 3;
  next.status = clinical::RecordStatus::kActive;
  next.reason = "undo";
  Result<clinical::RecordMeta> amended =
      records.Put(Nurse(), "patient", next, std::nullopt, {{"name", "Dee"}}, 2);
  ASSERT_FALSE(amended);
  EXPECT_EQ(amended.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(amended.error().message(), HasSubstr("entered-in-error"));
  EXPECT_FALSE(records.MarkEnteredInError(Physician(), created->id, 2, "again", TestTime(31)));
  // A stale withdrawal is a conflict.
  Result<clinical::RecordMeta> stale =
      records.MarkEnteredInError(Physician(), created->id, 1, "late", TestTime(32));
  ASSERT_FALSE(stale);
  EXPECT_TRUE(IsConflict(stale.error()));
}

TEST_P(StoreContract, InvalidWritesNameEveryBadField) {
  RecordStore records(store());
  RecordWrite bad;
  bad.record_type = "Patient Record";
  bad.meta.id = "abc";
  bad.meta.version = 5;
  bad.meta.status = clinical::RecordStatus::kAmended;
  bad.expected_version = 1;
  bad.patient_id = "";
  Result<clinical::RecordMeta> put = records.Put(Nurse(), bad);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code(), ErrorCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const FieldProblem& problem : put.error().problems()) fields.push_back(problem.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("record_type", "meta.version", "meta.author",
                                                      "meta.recorded_at", "meta.status",
                                                      "meta.reason", "patient_id"));
}

TEST_P(StoreContract, ANewVersionCannotMoveARecordToAnotherPatientOrType) {
  RecordStore records(store());
  RecordWrite order{"order",
                    NewMeta("user-physician-1", 2),
                    std::string("patient-1"),
                    {{"dose_mg_per_kg", 0.5}},
                    0};
  Result<clinical::RecordMeta> created = records.Put(Physician(), order);
  ASSERT_TRUE(created);
  Result<clinical::RecordMeta> next =
      clinical::Amend(*created, "user-physician-1", TestTime(3), "wrong chart");
  ASSERT_TRUE(next);
  Result<clinical::RecordMeta> moved =
      records.Put(Physician(), "order", *next, std::string("patient-2"), {{"x", 1}}, 1);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(moved.error().message(), HasSubstr("patient-1"));
  Result<clinical::RecordMeta> retyped =
      records.Put(Physician(), "session", *next, std::string("patient-1"), {{"x", 1}}, 1);
  ASSERT_FALSE(retyped);
  EXPECT_EQ(retyped.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreContract, ListByPatientGivesCurrentVersionsByTypeAndPage) {
  RecordStore records(store());
  const std::optional<std::string> p1("patient-1");
  const std::optional<std::string> p2("patient-2");
  ASSERT_TRUE(records.Put(Nurse(), {"session", NewMeta("n", 10), p1, {{"n", 1}}, 0}));
  Result<clinical::RecordMeta> scale =
      records.Put(Nurse(), {"scale-response", NewMeta("n", 11), p1, {{"phq9", 14}}, 0});
  ASSERT_TRUE(scale);
  ASSERT_TRUE(records.Put(Nurse(), {"session", NewMeta("n", 12), p1, {{"n", 2}}, 0}));
  ASSERT_TRUE(records.Put(Nurse(), {"session", NewMeta("n", 13), p2, {{"n", 3}}, 0}));
  Result<clinical::RecordMeta> rescored = clinical::Amend(*scale, "n", TestTime(14), "item 3");
  ASSERT_TRUE(records.Put(Nurse(), "scale-response", *rescored, p1, {{"phq9", 15}}, 1));

  Result<std::vector<StoredRecord>> all = records.ListByPatient(Physician(), "patient-1");
  ASSERT_TRUE(all) << all.error().ToString();
  ASSERT_EQ(all->size(), 3u);  // one entry per record, its current version
  EXPECT_EQ((*all)[0].body["n"], 1);
  EXPECT_EQ((*all)[1].body["n"], 2);
  EXPECT_EQ((*all)[2].body["phq9"], 15);  // amended last, so listed last
  EXPECT_EQ((*all)[2].meta.version, 2);

  Result<std::vector<StoredRecord>> sessions =
      records.ListByPatient(Physician(), "patient-1", "session");
  ASSERT_TRUE(sessions);
  EXPECT_EQ(sessions->size(), 2u);
  Result<std::vector<StoredRecord>> second_page =
      records.ListByPatient(Physician(), "patient-1", "session", Page{1, 1});
  ASSERT_TRUE(second_page);
  ASSERT_EQ(second_page->size(), 1u);
  EXPECT_EQ((*second_page)[0].body["n"], 2);

  Result<std::vector<StoredRecord>> bad_page =
      records.ListByPatient(Physician(), "patient-1", "", Page{0, -1});
  ASSERT_FALSE(bad_page);
  EXPECT_EQ(bad_page.error().problems().size(), 2u);
}

TEST_P(StoreContract, AFailedCommandWritesNothing) {
  const Result<int64_t> audit_before = AuditRows(store());
  ASSERT_TRUE(audit_before);
  std::string written_id;
  // A command that writes a record (and its audit row), then fails: all of it is rolled back.
  Status failed = store().Transact([&](Transaction& tx) -> Status {
    Result<clinical::RecordMeta> put = PutRecord(tx, Nurse(), TestTime(0), NewPatient("Eve"));
    if (!put) return tl::unexpected(put.error());
    written_id = put->id;
    return tl::unexpected(Error::InvalidArgument("dose_mg", "a later step of the command failed"));
  });
  ASSERT_FALSE(failed);
  ASSERT_FALSE(written_id.empty());
  RecordStore records(store());
  EXPECT_EQ(records.Get(Nurse(), written_id).error().code(), ErrorCode::kNotFound);
  // A failing statement rolls back the earlier ones of its command too.
  Status bad_sql = store().Transact([&](Transaction& tx) -> Status {
    Result<clinical::RecordMeta> put = PutRecord(tx, Nurse(), TestTime(0), NewPatient("Fay"));
    if (!put) return tl::unexpected(put.error());
    Result<int64_t> broken = tx.Exec("INSERT INTO no_such_table VALUES ($1)", {1});
    if (!broken) return tl::unexpected(broken.error());
    return OkStatus();
  });
  ASSERT_FALSE(bad_sql);
  Result<int64_t> audit_after = AuditRows(store());
  ASSERT_TRUE(audit_after);
  EXPECT_EQ(*audit_after, *audit_before);  // (a Get of a missing record reads no patient data)
  Result<int64_t> versions = store().Read([](Transaction& tx) -> Result<int64_t> {
    Result<Rows> rows = tx.Query("SELECT COUNT(*) FROM clinical_records");
    if (!rows) return tl::unexpected(rows.error());
    RowReader reader(*rows, 0);
    return reader.Int64(0);
  });
  ASSERT_TRUE(versions);
  EXPECT_EQ(*versions, 0);
}

TEST_P(StoreContract, StoredVersionsCannotBeChangedOrDeleted) {
  RecordStore records(store());
  ASSERT_TRUE(records.Put(Nurse(), NewPatient("Gil")));
  for (const char* sql :
       {"UPDATE clinical_records SET body = '{}'", "DELETE FROM clinical_records"}) {
    Status changed = store().Transact([&](Transaction& tx) -> Status {
      Result<int64_t> n = tx.Exec(sql);
      if (!n) return tl::unexpected(n.error());
      return OkStatus();
    });
    ASSERT_FALSE(changed) << sql;
    EXPECT_THAT(changed.error().message(),
                ::testing::AnyOf(HasSubstr("never"), HasSubstr("append-only")));
  }
}

}  // namespace
}  // namespace ketaclinic::store
