// `ketaclinic course FILE`: outcomes and scheduling of one treatment course.

#include "cli/course_command.h"

#include <cctype>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/inputs.h"

#include "clinical/course.h"
#include "clinical_json/course_json.h"

namespace ketaclinic::cli {
namespace {

// The moment of the evaluation: --at, else the file's "at", else the clock.
Result<Instant> CourseTime(const CourseOptions& options, const std::optional<Instant>& file_at,
                           const Clock& clock) {
  if (!options.at.empty()) return ParseRfc3339(options.at, "--at");
  if (file_at) return *file_at;
  return clock.Now();
}

std::string Time(const std::optional<Instant>& at) { return at ? FormatRfc3339(*at) : "-"; }

std::string Percent(const std::optional<double>& value) {
  return value ? fmt::format("{:.1f} %", *value) : "-";
}

std::string Upper(const char* text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

void PrintScale(const clinical::ScaleOutcome& o, std::ostream& out) {
  const clinical::ScaleInfo& info = clinical::GetScaleInfo(o.scale);
  out << info.title << " (remission <= " << o.remission_max_total << "): baseline ";
  if (o.baseline) {
    out << o.baseline->total << " on " << FormatRfc3339(o.baseline->taken_at)
        << (o.baseline->marked ? " (marked)" : "") << '\n';
  } else {
    out << "none\n";
  }
  if (!o.follow_up.empty()) {
    out << fmt::format("  {:<21} {:>5} {:>9} {:>9}  {:<13} {}\n", "taken at", "total", "infusions",
                       "reduction", "category", "remission");
  }
  for (const clinical::AssessmentOutcome& a : o.follow_up) {
    out << fmt::format("  {:<21} {:>5} {:>9} {:>9}  {:<13} {}\n", FormatRfc3339(a.taken_at),
                       a.total, a.infusions_before, Percent(a.reduction_percent),
                       clinical::ResponseCategoryName(a.category), a.remission ? "yes" : "no");
  }
  out << "  best reduction:     " << Percent(o.best_reduction_percent) << " (" << Time(o.best_at)
      << ")\n";
  out << "  response:           " << Time(o.response_at);
  if (o.infusions_to_response) out << " after " << *o.infusions_to_response << " infusion(s)";
  if (o.days_to_response) out << fmt::format(", day {:.1f}", *o.days_to_response);
  out << '\n';
  out << "  remission:          " << Time(o.remission_at) << '\n';
  out << "  sustained:          " << Time(o.sustained_remission_at);
  if (o.sustained_remission_since) out << " (since " << Time(o.sustained_remission_since) << ")";
  out << '\n';
  out << "  relapse:            " << Time(o.relapse_at);
  if (o.relapse_confirmed_at) out << " (confirmed " << Time(o.relapse_confirmed_at) << ")";
  out << '\n';
  out << "  early check:        ";
  if (o.early_check) {
    out << fmt::format("after {} infusion(s): {:.1f} %{}\n", o.early_check->after_infusions,
                       o.early_check->reduction_percent,
                       o.early_check->non_response ? " - EARLY NON-RESPONSE" : "");
  } else {
    out << "-\n";
  }
  out << "  latest:             " << clinical::ResponseCategoryName(o.latest_category)
      << (o.in_remission_now ? ", in remission" : "")
      << (o.loss_of_response ? ", response lost" : "") << (o.worsening ? ", WORSENING" : "")
      << '\n';
}

void PrintTable(const clinical::TreatmentCourse& course, const clinical::CourseReport& r,
                std::ostream& out) {
  out << "course at " << FormatRfc3339(r.at) << ": " << clinical::CoursePhaseName(course.phase)
      << ", " << r.series.given << " of " << r.series.planned << " infusions given ("
      << clinical::SeriesStatusName(r.series.status) << "); protocol " << r.outcome_protocol_version
      << '\n';
  out << "primary scale: " << clinical::GetScaleInfo(r.primary_scale).title << " ("
      << r.primary_scale_basis << ")\n\n";
  if (r.outcomes.scales.empty()) out << "no depression scale recorded\n";
  for (const clinical::ScaleOutcome& o : r.outcomes.scales) {
    PrintScale(o, out);
    out << '\n';
  }
  if (r.findings.empty()) {
    out << "findings: none\n";
  } else {
    out << "findings:\n";
    for (const clinical::Finding& f : r.findings) {
      out << "  " << Upper(clinical::SeverityName(f.severity)) << ' ' << f.rule_id << ": "
          << f.message << "\n    source: " << f.source << '\n';
    }
  }
  const clinical::NextInfusion& n = r.next_infusion;
  out << "\nnext infusion:      ";
  if (n.last_start) {
    out << "never before " << Time(n.hard_allowed_at) << " (hard minimum), from "
        << Time(n.soft_allowed_at) << " without an override (soft minimum); at "
        << FormatRfc3339(r.at) << ": " << clinical::IntervalStatusName(n.status_at) << '\n';
  } else {
    out << "no infusion yet: allowed\n";
  }
  out << "induction plan:     ";
  if (r.plan.applies) {
    for (size_t i = 0; i < r.plan.proposed.size(); ++i) {
      out << (i ? ", " : "") << FormatRfc3339(r.plan.proposed[i]);
    }
    out << " (window to " << Time(r.plan.window_ends_at)
        << (r.plan.fits_window ? ", fits" : ", DOES NOT FIT") << ")";
    if (!r.plan.note.empty()) out << "; " << r.plan.note;
    out << '\n';
  } else {
    out << "- (" << r.plan.note << ")\n";
  }
  out << "escalation:         " << clinical::EscalationStatusName(r.escalation.status);
  if (r.escalation.next_mg_per_kg) {
    out << fmt::format(" to {:g} mg/kg", *r.escalation.next_mg_per_kg);
  }
  if (!r.escalation.reason.empty()) out << " (" << r.escalation.reason << ")";
  out << '\n';
  const clinical::MaintenanceSuggestion& m = r.maintenance;
  out << "next maintenance:   ";
  if (m.available) {
    out << FormatRfc3339(m.suggested_at) << " (range to " << FormatRfc3339(m.latest_at)
        << "; method " << clinical::MaintenanceMethodName(m.method) << ", confidence "
        << m.confidence << ")\n    " << m.explanation << '\n';
  } else {
    out << "- (" << m.reason << ")\n";
  }
}

}  // namespace

int RunCourse(const CourseOptions& options, const Clock& clock, std::ostream& out,
              std::ostream& err) {
  if (options.format != Format::kTable && options.format != Format::kJson) {
    return ReportError(Error::InvalidArgument("--format", "must be table or json"), Format::kTable,
                       out, err);
  }
  auto protocol = LoadProtocol(options.protocol_file);
  if (!protocol) return ReportError(protocol.error(), options.format, out, err);
  auto text = ReadTextFile(options.file, "FILE");
  if (!text) return ReportError(text.error(), options.format, out, err);
  auto file = clinical_json::ParseCourseFileText(*text);
  if (!file) return ReportError(file.error(), options.format, out, err);
  auto at = CourseTime(options, file->at, clock);
  if (!at) return ReportError(at.error(), options.format, out, err);
  const clinical::CourseProtocols protocols{protocol->outcomes, protocol->course, protocol->dosing};
  auto report = clinical::EvaluateCourse(file->course, protocols, *at);
  if (!report) return ReportError(report.error(), options.format, out, err);
  if (options.format == Format::kJson) {
    out << clinical_json::CourseReportToJson(*report).dump(2) << '\n';
  } else {
    PrintTable(file->course, *report, out);
  }
  return 0;
}

int RunCourse(const CourseOptions& options, std::ostream& out, std::ostream& err) {
  const SystemClock clock;
  return RunCourse(options, clock, out, err);
}

}  // namespace ketaclinic::cli
