// The repository contract suite, part 4: vital signs (vitals_store.h) and user accounts
// (users.h) on both backends.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinical/vitals.h"
#include "store/store_test_util.h"
#include "store/users.h"
#include "store/vitals_store.h"

namespace ketaclinic::store {
namespace {

using ::testing::HasSubstr;

clinical::VitalSigns Reading(int minute, double systolic, double diastolic, double spo2) {
  clinical::VitalSigns v;
  v.time = TestTime(minute);
  v.systolic_mmhg = systolic;
  v.diastolic_mmhg = diastolic;
  v.heart_rate_bpm = 72;
  v.spo2_percent = spo2;
  return v;
}

TEST_P(StoreContract, VitalsAreReadBackBySessionAndPatientInTimeOrder) {
  VitalsStore vitals(store());
  // Written out of order (a monitor backlog): read back by the time taken.
  Result<std::vector<int64_t>> ids = vitals.Append(
      Nurse(), "session-1", "patient-1",
      {Reading(20, 142, 88, 97), Reading(10, 128, 80, 98), Reading(30, 151, 92, 96)}, TestTime(31));
  ASSERT_TRUE(ids) << ids.error().ToString();
  ASSERT_EQ(ids->size(), 3u);
  clinical::VitalSigns spo2_only;
  spo2_only.time = TestTime(5);
  spo2_only.spo2_percent = 93.5;
  spo2_only.on_room_air = false;
  ASSERT_TRUE(vitals.Append(Nurse(), "session-2", "patient-1", {spo2_only}, TestTime(6)));
  ASSERT_TRUE(
      vitals.Append(Nurse(), "session-3", "patient-2", {Reading(7, 120, 70, 99)}, TestTime(8)));

  Result<std::vector<StoredVitals>> session = vitals.ListBySession(Physician(), "session-1");
  ASSERT_TRUE(session) << session.error().ToString();
  ASSERT_EQ(session->size(), 3u);
  EXPECT_EQ((*session)[0].vitals.time, TestTime(10));
  EXPECT_EQ((*session)[1].vitals.systolic_mmhg, 142);
  EXPECT_EQ((*session)[2].vitals.diastolic_mmhg, 92);
  EXPECT_EQ((*session)[0].author, "user-nurse-1");
  EXPECT_EQ((*session)[0].recorded_at, TestTime(31));
  EXPECT_EQ((*session)[0].patient_id, "patient-1");

  Result<std::vector<StoredVitals>> patient =
      vitals.ListByPatient(Physician(), "patient-1", std::nullopt, std::nullopt);
  ASSERT_TRUE(patient);
  ASSERT_EQ(patient->size(), 4u);
  EXPECT_EQ((*patient)[0].session_id, "session-2");
  EXPECT_EQ((*patient)[0].vitals.spo2_percent, 93.5);
  EXPECT_FALSE((*patient)[0].vitals.systolic_mmhg.has_value());
  EXPECT_FALSE((*patient)[0].vitals.on_room_air);
  // [from, to): 09:10 is in, 09:30 is out.
  Result<std::vector<StoredVitals>> window =
      vitals.ListByPatient(Physician(), "patient-1", TestTime(10), TestTime(30));
  ASSERT_TRUE(window);
  EXPECT_EQ(window->size(), 2u);
}

TEST_P(StoreContract, InvalidVitalsNameEveryBadReadingAndWriteNothing) {
  VitalsStore vitals(store());
  clinical::VitalSigns empty;
  empty.time = TestTime(1);
  Result<std::vector<int64_t>> ids = vitals.Append(
      Nurse(), "session-1", "patient-1",
      {Reading(0, 130, 80, 98), Reading(1, 130, 80, 130), Reading(2, 80, 95, 97), empty},
      TestTime(3));
  ASSERT_FALSE(ids);
  EXPECT_EQ(ids.error().code(), ErrorCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const FieldProblem& problem : ids.error().problems()) fields.push_back(problem.field);
  EXPECT_THAT(fields, ::testing::ElementsAre("readings[1].spo2_percent",
                                             "readings[2].diastolic_mmhg", "readings[3]"));
  Result<std::vector<StoredVitals>> none = vitals.ListBySession(Nurse(), "session-1");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(StoreContract, AVitalsReadingIsWithdrawnNeverChanged) {
  VitalsStore vitals(store());
  Result<std::vector<int64_t>> ids =
      vitals.Append(Nurse(), "session-1", "patient-1", {Reading(0, 210, 80, 98)}, TestTime(1));
  ASSERT_TRUE(ids);
  const int64_t id = ids->front();
  EXPECT_FALSE(vitals.MarkEnteredInError(Nurse(), id, ""));
  ASSERT_TRUE(vitals.MarkEnteredInError(Nurse(), id, "cuff on the wrong arm, re-measured"));
  Status again = vitals.MarkEnteredInError(Nurse(), id, "twice");
  ASSERT_FALSE(again);
  EXPECT_TRUE(IsConflict(again.error()));
  Result<std::vector<StoredVitals>> session = vitals.ListBySession(Nurse(), "session-1");
  ASSERT_TRUE(session);
  ASSERT_EQ(session->size(), 1u);
  EXPECT_EQ((*session)[0].status, clinical::RecordStatus::kEnteredInError);
  EXPECT_EQ((*session)[0].reason, "cuff on the wrong arm, re-measured");
  EXPECT_EQ((*session)[0].vitals.systolic_mmhg, 210);  // the value stays as measured

  // The schema itself refuses changing a value or deleting a reading.
  for (const std::string sql : {"UPDATE vitals SET systolic_mmhg = 120", "DELETE FROM vitals"}) {
    Status changed = store().Transact([&](Transaction& tx) -> Status {
      Result<int64_t> n = tx.Exec(sql);
      if (!n) return tl::unexpected(n.error());
      return OkStatus();
    });
    EXPECT_FALSE(changed) << sql;
  }
}

TEST_P(StoreContract, UsersHaveArgon2idHashesAndSignInWithoutHints) {
  UserStore users(store());
  const Actor admin{"local:root", "admin", "local"};
  Result<User> created = users.Create(
      admin, {"m.rossi", "Maria Rossi", clinical::Role::kNurse, "correct horse battery"});
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(created->role, clinical::Role::kNurse);
  EXPECT_EQ(created->created_at, TestTime(0));

  Result<Rows> hash = store().Read([](Transaction& tx) {
    return tx.Query("SELECT password_hash FROM users WHERE username = 'm.rossi'");
  });
  ASSERT_TRUE(hash);
  RowReader reader(*hash, 0);
  const std::string stored = reader.Text(0);
  EXPECT_THAT(stored, ::testing::StartsWith("$argon2id$v=19$m=65536,t=2,p=1$"));
  EXPECT_THAT(stored, ::testing::Not(HasSubstr("horse")));

  Result<User> signed_in = users.Authenticate("m.rossi", "correct horse battery", "10.0.0.9");
  ASSERT_TRUE(signed_in) << signed_in.error().ToString();
  EXPECT_EQ(signed_in->id, created->id);
  Result<User> wrong = users.Authenticate("m.rossi", "correct horse battery!", "10.0.0.9");
  Result<User> unknown = users.Authenticate("nobody", "correct horse battery", "10.0.0.9");
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().message(), unknown.error().message());

  Result<Rows> actions = store().Read([](Transaction& tx) {
    return tx.Query("SELECT action, user_id FROM audit_log ORDER BY seq");
  });
  ASSERT_TRUE(actions);
  std::vector<std::string> seen;
  for (size_t i = 0; i < actions->size(); ++i) {
    RowReader row(*actions, i);
    seen.push_back(row.Text(0) + " " + row.Text(1));
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("user.create local:root", "user.login " + created->id,
                                           "user.login-failed " + created->id,
                                           "user.login-failed unknown"));

  Result<User> taken =
      users.Create(admin, {"m.rossi", "Another", clinical::Role::kAdmin, "another long password"});
  ASSERT_FALSE(taken);
  EXPECT_TRUE(IsConflict(taken.error()));
  Result<User> bad = users.Create(admin, {"M", "", clinical::Role::kAdmin, "short"});
  ASSERT_FALSE(bad);
  std::vector<std::string> fields;
  for (const FieldProblem& problem : bad.error().problems()) fields.push_back(problem.field);
  EXPECT_THAT(fields, ::testing::ElementsAre("username", "display_name", "password"));
  Result<int64_t> count = users.Count();
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);
  Result<std::optional<User>> found = users.FindByUsername("m.rossi");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->value_or(User{}).display_name, "Maria Rossi");
}

TEST(Passwords, GeneratedPasswordsAreLongAndDifferent) {
  const std::string a = GeneratePassword();
  const std::string b = GeneratePassword();
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_of("0O1lI"), std::string::npos);
  Result<std::string> hash = HashPassword(a);
  ASSERT_TRUE(hash);
  EXPECT_TRUE(PasswordMatches(*hash, a));
  EXPECT_FALSE(PasswordMatches(*hash, b));
}

}  // namespace
}  // namespace ketaclinic::store
