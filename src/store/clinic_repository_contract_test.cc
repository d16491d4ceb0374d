// The repository contract suite: the typed clinic repository (clinic_repository.h) on both
// backends.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/clinic_repository.h"
#include "store/store_test_util.h"

namespace ketaclinic::store {
namespace {

using clinical_json::PatientFile;

class ClinicRepositoryContract : public StoreContract {};

clinical_json::PatientFile MakePatient(const std::string& name, const std::string& mrn) {
  PatientFile file;
  file.patient.identifier = mrn;
  file.patient.name = name;
  file.patient.birth_date = std::chrono::year_month_day(std::chrono::year(1980),
                                                        std::chrono::month(4), std::chrono::day(2));
  file.patient.sex = clinical::Sex::kFemale;
  file.patient.height_cm = 168;
  return file;
}

Result<int64_t> Count(Store& store, const std::string& sql) {
  return store.Read([&](Transaction& tx) -> Result<int64_t> {
    Result<Rows> rows = tx.Query(sql);
    if (!rows) return tl::unexpected(rows.error());
    RowReader reader(*rows, 0);
    const int64_t n = reader.Int64(0);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    return n;
  });
}

int64_t AuditCount(Store& store) {
  return Count(store, "SELECT COUNT(*) FROM audit_log").value_or(-1);
}
int64_t RecordCount(Store& store) {
  return Count(store, "SELECT COUNT(*) FROM clinical_records").value_or(-1);
}

bool Names(const Error& error, const std::string& field) {
  for (const FieldProblem& p : error.problems()) {
    if (p.field == field) return true;
  }
  return false;
}

TEST_P(ClinicRepositoryContract, RepositoryPutsGetsAndAmendsPatients) {
  ClinicRepository repo(store());
  Result<clinical::RecordMeta> created = repo.PutPatient(Nurse(), MakePatient("Ada Byrne", "M-1"));
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(created->author, Nurse().user_id);
  EXPECT_EQ(created->recorded_at, TestTime(0));

  Result<PatientFile> got = repo.GetPatient(Physician(), created->id);
  ASSERT_TRUE(got) << got.error().ToString();
  EXPECT_EQ(got->patient.name, "Ada Byrne");
  EXPECT_EQ(got->patient.meta.id, created->id);
  EXPECT_EQ(got->patient.meta.version, 1);

  PatientFile changed = *got;
  changed.patient.name = "Ada Byrne-Okafor";
  Result<clinical::RecordMeta> amended = repo.AmendPatient(Physician(), changed, 1, "married name");
  ASSERT_TRUE(amended) << amended.error().ToString();
  EXPECT_EQ(amended->version, 2);
  Result<PatientFile> again = repo.GetPatient(Nurse(), created->id);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->patient.name, "Ada Byrne-Okafor");
  EXPECT_EQ(again->patient.meta.reason, "married name");

  // A stale version is a conflict; an amendment without a reason is refused.
  Result<clinical::RecordMeta> stale = repo.AmendPatient(Nurse(), changed, 1, "typo");
  ASSERT_FALSE(stale);
  EXPECT_TRUE(IsConflict(stale.error())) << stale.error().ToString();
  Result<clinical::RecordMeta> no_reason = repo.AmendPatient(Nurse(), changed, 2, "");
  ASSERT_FALSE(no_reason);
  EXPECT_TRUE(Names(no_reason.error(), "meta.reason")) << no_reason.error().ToString();
}

TEST_P(ClinicRepositoryContract, RepositoryRefusesInvalidRecordsAndWritesNothing) {
  ClinicRepository repo(store());
  PatientFile bad = MakePatient("", "M-2");
  bad.patient.height_cm = 1.68;  // metres, not cm
  const int64_t audit_before = AuditCount(store());
  Result<clinical::RecordMeta> refused = repo.PutPatient(Nurse(), bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Names(refused.error(), "patient.name")) << refused.error().ToString();
  EXPECT_TRUE(Names(refused.error(), "patient.height_cm")) << refused.error().ToString();
  EXPECT_EQ(RecordCount(store()), 0);
  EXPECT_EQ(AuditCount(store()), audit_before);

  // A course of no stored patient, and a side effect of grade 6.
  clinical::TreatmentCourse course;
  course.patient_id = "nobody";
  Result<clinical::RecordMeta> orphan = repo.PutCourse(Nurse(), course);
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code(), ErrorCode::kNotFound);
  clinical_json::SideEffectRecord effect;
  effect.patient_id = "nobody";
  effect.effect.grade = 6;
  effect.effect.onset = TestTime(0);
  Result<clinical::RecordMeta> graded = repo.PutSideEffect(Nurse(), effect);
  ASSERT_FALSE(graded);
  EXPECT_TRUE(Names(graded.error(), "grade")) << graded.error().ToString();
  EXPECT_EQ(RecordCount(store()), 0);
}

TEST_P(ClinicRepositoryContract, RepositoryListsPatientsWithPagingAndSearch) {
  ClinicRepository repo(store());
  for (const auto& [name, mrn] :
       std::vector<std::pair<std::string, std::string>>{{"Dana Quinn", "M-10"},
                                                        {"Ann Lee", "M-11"},
                                                        {"Bo Chan", "M-12"},
                                                        {"Cara Danby", "M-13"},
                                                        {"Eve Stone", "X-14"}}) {
    ASSERT_TRUE(repo.PutPatient(Nurse(), MakePatient(name, mrn)));
  }
  Result<PatientListing> all = repo.ListPatients(Nurse(), {});
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_EQ(all->total, 5);
  ASSERT_EQ(all->patients.size(), 5u);
  EXPECT_EQ(all->patients[0].patient.name, "Ann Lee");  // by name
  EXPECT_EQ(all->patients[4].patient.name, "Eve Stone");

  Result<PatientListing> page = repo.ListPatients(Nurse(), {"", Page{2, 2}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->patients.size(), 2u);
  EXPECT_EQ(page->patients[0].patient.name, "Cara Danby");
  EXPECT_EQ(page->patients[1].patient.name, "Dana Quinn");
  Result<PatientListing> past_end = repo.ListPatients(Nurse(), {"", Page{2, 10}});
  ASSERT_TRUE(past_end);
  EXPECT_TRUE(past_end->patients.empty());

  Result<PatientListing> dan = repo.ListPatients(Nurse(), {"DAN", {}});
  ASSERT_TRUE(dan);
  ASSERT_EQ(dan->total, 2);  // Dana Quinn, Cara Danby
  EXPECT_EQ(dan->patients[0].patient.name, "Cara Danby");
  Result<PatientListing> by_mrn = repo.ListPatients(Nurse(), {"x-14", {}});
  ASSERT_TRUE(by_mrn);
  ASSERT_EQ(by_mrn->total, 1);
  EXPECT_EQ(by_mrn->patients[0].patient.name, "Eve Stone");

  Result<PatientListing> bad = repo.ListPatients(Nurse(), {"", Page{0, -1}});
  ASSERT_FALSE(bad);
  EXPECT_TRUE(Names(bad.error(), "limit"));
  EXPECT_TRUE(Names(bad.error(), "offset"));
}

TEST_P(ClinicRepositoryContract, RepositoryReadsTheWholeChartAsOneAuditedRead) {
  ClinicRepository repo(store());
  Result<clinical::RecordMeta> patient = repo.PutPatient(Nurse(), MakePatient("Ada", "M-1"));
  ASSERT_TRUE(patient);
  Result<clinical::RecordMeta> other = repo.PutPatient(Nurse(), MakePatient("Bo", "M-2"));
  ASSERT_TRUE(other);

  clinical::TreatmentCourse course;
  course.patient_id = patient->id;
  course.infusions = {{"", TestTime(-60 * 24), 0.5, true}};
  Result<clinical::RecordMeta> course_meta = repo.PutCourse(Physician(), course);
  ASSERT_TRUE(course_meta) << course_meta.error().ToString();

  clinical_json::SessionRecord session;
  session.patient_id = patient->id;
  session.course_id = course_meta->id;
  session.scheduled_at = TestTime(-60 * 24);
  session.state = clinical::SessionState::kScheduled;
  session.setup = {35, 100, 0.35, 150, 70};
  Result<clinical::RecordMeta> session_meta = repo.PutSession(Nurse(), session);
  ASSERT_TRUE(session_meta) << session_meta.error().ToString();
  // A session may not name another patient's course.
  clinical_json::SessionRecord crossed = session;
  crossed.patient_id = other->id;
  Result<clinical::RecordMeta> refused = repo.PutSession(Nurse(), crossed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kNotFound);

  clinical_json::ScaleResponseRecord response;
  response.patient_id = patient->id;
  response.course_id = course_meta->id;
  response.response.scale = clinical::Scale::kPhq9;
  response.response.items = {3, 3, 3, 3, 2, 3, 2, 2, 0};
  response.response.taken_at = TestTime(-60 * 25);
  ASSERT_TRUE(repo.PutScaleResponse(Nurse(), response));
  clinical_json::SideEffectRecord effect;
  effect.patient_id = patient->id;
  effect.session_id = session_meta->id;
  effect.effect.onset = TestTime(-60 * 24 + 20);
  ASSERT_TRUE(repo.PutSideEffect(Nurse(), effect));
  clinical::VitalSigns reading;
  reading.time = TestTime(-60 * 24);
  reading.systolic_mmhg = 128;
  reading.diastolic_mmhg = 80;
  Result<std::vector<int64_t>> vitals =
      repo.AppendSessionVitals(Nurse(), session_meta->id, {reading, reading});
  ASSERT_TRUE(vitals) << vitals.error().ToString();

  Result<clinical_json::SessionRecord> got_session = repo.GetSession(Nurse(), session_meta->id);
  ASSERT_TRUE(got_session);
  EXPECT_EQ(got_session->course_id, course_meta->id);
  // A session id is not a patient or a course.
  EXPECT_FALSE(repo.GetPatient(Nurse(), session_meta->id));
  EXPECT_FALSE(repo.GetCourse(Nurse(), session_meta->id));

  const int64_t audit_before = AuditCount(store());
  Result<PatientChart> chart = repo.ReadPatientChart(Physician(), patient->id);
  ASSERT_TRUE(chart) << chart.error().ToString();
  EXPECT_EQ(AuditCount(store()), audit_before + 1);
  EXPECT_EQ(chart->patient.patient.name, "Ada");
  ASSERT_EQ(chart->courses.size(), 1u);
  EXPECT_EQ(chart->courses[0].meta.id, course_meta->id);
  EXPECT_EQ(chart->courses[0].infusions.size(), 1u);
  ASSERT_EQ(chart->sessions.size(), 1u);
  EXPECT_EQ(chart->sessions[0].meta.author, Nurse().user_id);
  ASSERT_EQ(chart->scale_responses.size(), 1u);
  EXPECT_EQ(chart->scale_responses[0].response.items[4], 2);
  EXPECT_EQ(chart->side_effects.size(), 1u);
  EXPECT_EQ(chart->vitals.size(), 2u);

  Result<PatientChart> empty = repo.ReadPatientChart(Physician(), other->id);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->courses.empty());
  EXPECT_TRUE(empty->vitals.empty());
  Result<PatientChart> missing = repo.ReadPatientChart(Physician(), "nobody");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, ClinicRepositoryContract,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendParamName);

}  // namespace
}  // namespace ketaclinic::store
