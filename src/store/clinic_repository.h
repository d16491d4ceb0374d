#ifndef KETACLINIC_STORE_CLINIC_REPOSITORY_H_
#define KETACLINIC_STORE_CLINIC_REPOSITORY_H_

// The typed repository of the clinic's records (issue 4; docs/STORAGE.md "Clinic repository"):
// patients, courses, sessions, scale responses and side effects as clinical types over the
// versioned RecordStore (records.h), and vital signs over the vitals table (vitals_store.h).
// Every write is validated by the same reader that reads it back (clinical_json/record_json.h,
// patient_json.h), so what is stored can always be read; a validation failure writes nothing.
// Every read and write is audited in its transaction, like RecordStore's.
//
// The Transaction& functions compose several writes into one command (the demo clinic writes
// a whole patient in one); the ClinicRepository methods run one call as one transaction.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/course.h"
#include "clinical/record.h"
#include "clinical/vitals.h"
#include "clinical_json/patient_json.h"
#include "clinical_json/record_json.h"
#include "store/audit.h"
#include "store/records.h"
#include "store/store.h"
#include "store/vitals_store.h"

namespace ketaclinic::store {

// A search of the current patients: `name_contains` matches the name or the identifier (MRN),
// ignoring letter case; empty matches everyone. Ordered by name, then id.
struct PatientQuery {
  std::string name_contains;
  Page page;
};

struct PatientListing {
  std::vector<clinical_json::PatientFile> patients;  // this page; meta from the store
  int64_t total = 0;                                 // all matches, for paging
};

// Everything one chart page shows, read in one transaction and audited as one read
// (action "record.read", record type "patient-chart"). Records of each kind are in the order of
// their current version's time; withdrawn ones are included (their meta.status says so).
struct PatientChart {
  clinical_json::PatientFile patient;
  std::vector<clinical::TreatmentCourse> courses;
  std::vector<clinical_json::SessionRecord> sessions;
  std::vector<clinical_json::ScaleResponseRecord> scale_responses;
  std::vector<clinical_json::SideEffectRecord> side_effects;
  std::vector<StoredVitals> vitals;  // in time order
};

// --- within a transaction ---------------------------------------------------------------------
//
// Writes take the record with its meta: meta.id empty for a new record (a fresh id is given);
// `expected_version` is the version read (0: new). The written version is expected_version + 1;
// an empty meta.author is the actor, an unset meta.recorded_at is `now`; an amendment needs
// meta.reason. Errors: kInvalidArgument naming every bad field (nothing written), kNotFound for
// an unknown patient or course, a conflict (IsConflict) for a stale expected_version.

Result<clinical::RecordMeta> PutPatient(Transaction& tx, const Actor& actor, Instant now,
                                        const clinical_json::PatientFile& file,
                                        int expected_version = 0);
// The course's patient_id must name a stored patient.
Result<clinical::RecordMeta> PutCourse(Transaction& tx, const Actor& actor, Instant now,
                                       const clinical::TreatmentCourse& course,
                                       int expected_version = 0);
// The session's patient must exist, and its course (if named) be a course of that patient.
Result<clinical::RecordMeta> PutSession(Transaction& tx, const Actor& actor, Instant now,
                                        const clinical_json::SessionRecord& session,
                                        int expected_version = 0);
Result<clinical::RecordMeta> PutScaleResponse(Transaction& tx, const Actor& actor, Instant now,
                                              const clinical_json::ScaleResponseRecord& record,
                                              int expected_version = 0);
Result<clinical::RecordMeta> PutSideEffect(Transaction& tx, const Actor& actor, Instant now,
                                           const clinical_json::SideEffectRecord& record,
                                           int expected_version = 0);
Result<PatientChart> ReadPatientChart(Transaction& tx, const Actor& actor, Instant now,
                                      std::string_view patient_id);
Result<PatientListing> ListPatients(Transaction& tx, const Actor& actor, Instant now,
                                    const PatientQuery& query);
// Every current course of every patient (research exports), without audit rows of its own:
// the caller audits the export. Entered-in-error courses are left out.
Result<std::vector<clinical::TreatmentCourse>> AllCourses(Transaction& tx);
// The number of current patients (entered-in-error ones not counted). Not audited: a count
// names no one.
Result<int64_t> CountPatients(Transaction& tx);

class ClinicRepository {
 public:
  explicit ClinicRepository(Store& store) : store_(store) {}

  // A new patient (file.patient.meta.id empty or a new id).
  Result<clinical::RecordMeta> PutPatient(const Actor& actor,
                                          const clinical_json::PatientFile& file);
  // Version expected_version + 1 of patient file.patient.meta.id, for `reason`.
  Result<clinical::RecordMeta> AmendPatient(const Actor& actor, clinical_json::PatientFile file,
                                            int expected_version, const std::string& reason);
  // kNotFound when there is no such patient (or the id is another kind of record).
  Result<clinical_json::PatientFile> GetPatient(const Actor& actor, std::string_view id);
  Result<PatientListing> ListPatients(const Actor& actor, const PatientQuery& query);

  Result<clinical::RecordMeta> PutCourse(const Actor& actor,
                                         const clinical::TreatmentCourse& course,
                                         int expected_version = 0);
  Result<clinical::TreatmentCourse> GetCourse(const Actor& actor, std::string_view id);
  Result<clinical::RecordMeta> PutSession(const Actor& actor,
                                          const clinical_json::SessionRecord& session,
                                          int expected_version = 0);
  Result<clinical_json::SessionRecord> GetSession(const Actor& actor, std::string_view id);
  Result<clinical::RecordMeta> PutScaleResponse(const Actor& actor,
                                                const clinical_json::ScaleResponseRecord& record,
                                                int expected_version = 0);
  Result<clinical::RecordMeta> PutSideEffect(const Actor& actor,
                                             const clinical_json::SideEffectRecord& record,
                                             int expected_version = 0);
  // Readings of one session of one patient (the session must be that patient's).
  Result<std::vector<int64_t>> AppendSessionVitals(
      const Actor& actor, std::string_view session_id,
      const std::vector<clinical::VitalSigns>& readings);

  Result<PatientChart> ReadPatientChart(const Actor& actor, std::string_view patient_id);

 private:
  Store& store_;
};

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_CLINIC_REPOSITORY_H_
