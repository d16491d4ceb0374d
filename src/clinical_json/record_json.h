#ifndef KETACLINIC_CLINICAL_JSON_RECORD_JSON_H_
#define KETACLINIC_CLINICAL_JSON_RECORD_JSON_H_

// The JSON bodies of stored clinical records (src/store/clinic_repository.h; docs/STORAGE.md
// "Clinic repository"), each with its writer and its checked reader (every bad field named by
// its path, all at once; unknown keys refused). Record headers (id, version, author, time,
// status, reason) live in the store's columns, not in these bodies.
//
//   record type       body
//   "patient"         the patient file (patient_json.h: PatientFileToJson / PatientFileFromJson)
//   "course"          the course file without "at" (course_json.h; CourseToJson below)
//   "session"         SessionRecord
//   "scale-response"  ScaleResponseRecord
//   "side-effect"     SideEffectRecord

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/time.h"

#include "clinical/course.h"
#include "clinical/patient.h"
#include "clinical/record.h"
#include "clinical/session.h"

namespace ketaclinic::clinical_json {

inline constexpr const char* kPatientRecordType = "patient";
inline constexpr const char* kCourseRecordType = "course";
inline constexpr const char* kSessionRecordType = "session";
inline constexpr const char* kScaleResponseRecordType = "scale-response";
inline constexpr const char* kSideEffectRecordType = "side-effect";

// --- course ------------------------------------------------------------------------------------

// The course in the course file's format (docs/formats/course-file.md) without "at": "course"
// (with "meta" only when it is not the default), "infusions", "assessments" (the total and, when
// recorded, the items), "relief_history" (relief_days, plus the times when both are known).
// ParseCourseFile reads it back to the same course.
nlohmann::json CourseToJson(const clinical::TreatmentCourse& course);
// ParseCourseFile's course, refusing an "at" (a stored course is not judged at a moment).
Result<clinical::TreatmentCourse> CourseFromJson(const nlohmann::json& body,
                                                 const std::string& path = "");

// --- session -----------------------------------------------------------------------------------

// A MOAA/S, CADSS or CADSS-6 scored during a session.
struct SessionScoreEntry {
  Instant at;
  clinical::Clinician by;
  clinical::Scale scale = clinical::Scale::kMoaas;
  std::vector<int> items;

  friend bool operator==(const SessionScoreEntry&, const SessionScoreEntry&) = default;
};

// One infusion session as the chart keeps it: where it stands, what was set up, what the pump
// did (rate segments) and the scores taken. Vital signs are in the vitals table and side
// effects are their own records, both linked by the session's id.
struct SessionRecord {
  clinical::RecordMeta meta;  // from the store's columns
  std::string patient_id;
  std::string course_id;  // empty: not linked to a course
  Instant scheduled_at;
  clinical::SessionState state = clinical::SessionState::kScheduled;
  clinical::InfusionSetup setup;
  std::vector<clinical::RateSegment> segments;
  std::optional<Instant> infusion_start;
  std::optional<Instant> infusion_end;
  double delivered_mg = 0;
  std::vector<SessionScoreEntry> scores;
  std::string end_reason;  // why it was stopped early or cancelled
};

// {"patient_id", "course_id"?, "scheduled_at", "state", "setup": {"planned_dose_mg",
//  "bag_volume_ml", "concentration_mg_per_ml", "planned_rate_ml_per_h", "weight_kg"?},
//  "segments": [{"start", "end"?, "rate_ml_per_h", "concentration_mg_per_ml"}],
//  "infusion_start"?, "infusion_end"?, "delivered_mg", "scores": [{"at", "by": {"user_id",
//  "role"}, "scale", "items"}], "end_reason"?}
nlohmann::json SessionRecordToJson(const SessionRecord& session);
// Checks types and names; the setup (ValidateInfusionSetup); segments in time order, each
// ending after it starts, at a rate in (0, 1200] mL/h; the infusion start/end consistent with
// the state; delivered_mg within 0..planned dose; scores that score (MOAA/S, CADSS, CADSS-6).
Result<SessionRecord> SessionRecordFromJson(const nlohmann::json& body,
                                            const std::string& path = "");

// --- scale response ----------------------------------------------------------------------------

struct ScaleResponseRecord {
  std::string patient_id;
  std::string course_id;             // empty: not linked to a course
  std::string session_id;            // empty: not taken at a session
  clinical::ScaleResponse response;  // response.meta from the store's columns
};

// {"patient_id", "course_id"?, "session_id"?, "scale", "items", "taken_at"}
nlohmann::json ScaleResponseRecordToJson(const ScaleResponseRecord& record);
// Items valid for their scale (clinical::ValidateItems, named "items[i]").
Result<ScaleResponseRecord> ScaleResponseRecordFromJson(const nlohmann::json& body,
                                                        const std::string& path = "");

// --- side effect -------------------------------------------------------------------------------

struct SideEffectRecord {
  clinical::RecordMeta meta;  // from the store's columns
  std::string patient_id;
  std::string session_id;  // empty: reported between sessions
  clinical::SideEffect effect;
};

// {"patient_id", "session_id"?, "kind", "grade", "onset", "resolved_at"?, "treatment"?,
//  "serious"}
nlohmann::json SideEffectRecordToJson(const SideEffectRecord& record);
// Grade 1-5 (CTCAE-like [R], clinical.md §1.11); resolved_at not before onset.
Result<SideEffectRecord> SideEffectRecordFromJson(const nlohmann::json& body,
                                                  const std::string& path = "");

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_RECORD_JSON_H_
