#ifndef KETACLINIC_CLINICAL_JSON_COURSE_JSON_H_
#define KETACLINIC_CLINICAL_JSON_COURSE_JSON_H_

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/time.h"

#include "clinical/course.h"

namespace ketaclinic::clinical_json {

// A course file (docs/formats/course-file.md): the course, its infusions, its assessments (scale
// with a total or the items, and when it was taken), the patient's relief history, and
// optionally the moment it is judged at ("at"; the command line's --at wins, else the clock).
struct CourseFile {
  clinical::TreatmentCourse course;
  std::optional<Instant> at;
};

// Parses a course file object. Every problem at once, each named by its JSON path under `path`
// ("" at the top level; "input" in a scenario): wrong types, unknown keys, missing required keys,
// bad names, items that do not score, a total that disagrees with its items, and the course's
// own checks (clinical::ValidateCourse; against "at" when the file has one; the evaluation
// checks again against the moment it is judged at).
Result<CourseFile> ParseCourseFile(const nlohmann::json& body, const std::string& path);

// The same from JSON text (a file's contents); malformed text is a "(json)" problem.
Result<CourseFile> ParseCourseFileText(std::string_view text);

// Everything a course evaluation found, in the shape the command's --format json prints and the
// course scenarios check: {"at", "protocol_versions", "primary_scale", "primary_scale_basis",
// "outcomes": {"phq9": {...}, ...}, "next_infusion", "series", "induction_plan", "escalation",
// "maintenance", "findings"}. docs/formats/course-file.md lists every key.
nlohmann::json CourseReportToJson(const clinical::CourseReport& report);

// One scale's outcome (a member of "outcomes" above).
nlohmann::json ScaleOutcomeToJson(const clinical::ScaleOutcome& outcome);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_COURSE_JSON_H_
