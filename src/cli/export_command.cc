#include "cli/export_command.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>
#include <vector>

#include "base/error.h"
#include "cli/commands.h"
#include "cli/inputs.h"

#include "clinical/outcomes.h"
#include "clinical/patient.h"
#include "store/clinic_repository.h"
#include "store/store.h"

namespace ketaclinic::cli {
namespace {

// The columns, documented in docs/formats/outcomes-csv.md.
constexpr const char* kHeader =
    "patient,age_years,sex,course,phase,infusions_given,planned_count,scale,timepoint,"
    "day,infusions_before,total,baseline_total,change,reduction_percent,category,response,"
    "remission";

std::string Fixed1(double value) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.1f", value);
  const std::string text = buffer.data();
  return text == "-0.0" ? "0.0" : text;  // half an hour before the first infusion is day 0.0
}

struct Pseudonyms {
  std::map<std::string, std::string> patients;
  std::map<std::string, std::string> courses;

  // P0001, P0002 ... in the order first met: a sequence, not derived from the id.
  const std::string& Patient(const std::string& id) {
    auto [it, added] = patients.try_emplace(id);
    if (added) it->second = Code('P', patients.size());
    return it->second;
  }
  const std::string& Course(const std::string& id) {
    auto [it, added] = courses.try_emplace(id);
    if (added) it->second = Code('C', courses.size());
    return it->second;
  }
  static std::string Code(char letter, size_t n) {
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%c%04zu", letter, n);
    return buffer.data();
  }
};

struct Export {
  std::string csv;
  int64_t rows = 0;
};

void Line(std::string& csv, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) csv += ',';
    csv += CsvField(fields[i]);
  }
  csv += "\r\n";  // RFC 4180 line ending
}

Result<Export> BuildExport(store::Store& database) {
  const store::Actor actor{"local:export", clinical::RoleName(clinical::Role::kAdmin), "local"};
  return database.Transact([&](store::Transaction& tx) -> Result<Export> {
    const Instant now = database.Now();
    // Every current patient, for age and sex (read in pages; each page is one audited list).
    std::map<std::string, clinical::Patient> patients;
    for (int64_t offset = 0;; offset += 1000) {
      Result<store::PatientListing> page =
          store::ListPatients(tx, actor, now, {"", store::Page{1000, offset}});
      if (!page) return tl::unexpected(page.error());
      for (clinical_json::PatientFile& file : page->patients) {
        patients.emplace(file.patient.meta.id, std::move(file.patient));
      }
      if (offset + 1000 >= page->total) break;
    }
    Result<std::vector<clinical::TreatmentCourse>> courses = store::AllCourses(tx);
    if (!courses) return tl::unexpected(courses.error());
    Export out;
    out.csv = std::string(kHeader) + "\r\n";
    Pseudonyms names;
    const clinical::OutcomeProtocol protocol;
    for (const clinical::TreatmentCourse& course : *courses) {
      auto patient = patients.find(course.patient_id);
      if (patient == patients.end() || course.infusions.empty()) continue;
      std::vector<Instant> starts;
      starts.reserve(course.infusions.size());
      for (const clinical::Infusion& infusion : course.infusions) {
        starts.push_back(infusion.started_at);
      }
      Result<clinical::OutcomeReport> report =
          clinical::EvaluateOutcomes(course.assessments, starts, protocol);
      if (!report) return tl::unexpected(report.error());
      const Instant first = course.infusions.front().started_at;
      const std::string age = std::to_string(clinical::AgeYears(patient->second.birth_date, first));
      const std::string sex = patient->second.sex == clinical::Sex::kFemale ? "female" : "male";
      const std::string& patient_key = names.Patient(course.patient_id);
      const std::string& course_key = names.Course(course.meta.id);
      for (const clinical::ScaleOutcome& scale : report->scales) {
        if (!scale.baseline) continue;  // nothing to compare with
        const int base = scale.baseline->total;
        const auto row = [&](const std::string& timepoint, Instant at, int infusions_before,
                             int total, const std::optional<double>& reduction,
                             clinical::ResponseCategory category, bool remission) {
          Line(out.csv,
               {patient_key, age, sex, course_key, clinical::CoursePhaseName(course.phase),
                std::to_string(course.infusions.size()), std::to_string(course.planned_count),
                clinical::GetScaleInfo(scale.scale).name, timepoint,
                Fixed1(MinutesBetween(first, at) / (60.0 * 24.0)), std::to_string(infusions_before),
                std::to_string(total), std::to_string(base), std::to_string(total - base),
                reduction ? Fixed1(*reduction) : "", clinical::ResponseCategoryName(category),
                category == clinical::ResponseCategory::kResponse ? "1" : "0",
                remission ? "1" : "0"});
          ++out.rows;
        };
        row("baseline", scale.baseline->taken_at, 0, base, 0.0,
            clinical::Classify(base, base, protocol),
            clinical::IsRemission(scale.scale, base, protocol));
        for (size_t i = 0; i < scale.follow_up.size(); ++i) {
          const clinical::AssessmentOutcome& a = scale.follow_up[i];
          row("follow-up-" + std::to_string(i + 1), a.taken_at, a.infusions_before, a.total,
              a.reduction_percent, a.category, a.remission);
        }
      }
    }
    store::AuditEntry entry;
    entry.action = "record.list";
    entry.record_type = "outcomes-export";
    if (Result<store::AuditRow> audited = store::AppendAudit(tx, actor, now, entry); !audited) {
      return tl::unexpected(audited.error());
    }
    return out;
  });
}

}  // namespace

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

int RunExportCsv(const ExportCsvOptions& options, std::ostream& out, std::ostream& err) {
  store::OpenOptions open;
  open.schema = store::OpenOptions::Schema::kCheck;
  Result<std::unique_ptr<store::Store>> opened = store::Store::Open(options.db, open);
  if (!opened) return ReportError(opened.error(), Format::kTable, out, err);
  Result<Export> exported = BuildExport(**opened);
  if (!exported) return ReportError(exported.error(), Format::kTable, out, err);
  if (options.out_file.empty()) {
    out << exported->csv;
    return 0;
  }
  if (Status written = WriteTextFile(options.out_file, exported->csv, "out"); !written) {
    return ReportError(written.error(), Format::kTable, out, err);
  }
  err << "export: " << exported->rows << " rows written to " << options.out_file << '\n';
  return 0;
}

}  // namespace ketaclinic::cli
