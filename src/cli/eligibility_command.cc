// `ketaclinic eligibility --patient FILE`: the eligibility verdict of one patient file, with
// every finding, the Maudsley Staging Method and each trial's adequacy.

#include "cli/eligibility_command.h"

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/inputs.h"
#include "cli/output.h"

#include "clinical/eligibility.h"
#include "clinical_json/patient_json.h"

namespace ketaclinic::cli {
namespace {

std::string Upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '-') c = ' ';
  }
  return text;
}

void PrintTable(const clinical::EligibilityVerdict& verdict, Instant at, std::ostream& out) {
  out << "eligibility at " << FormatRfc3339(at) << " (protocol " << verdict.protocol_version
      << "): " << Upper(clinical::EligibilityOutcomeName(verdict.outcome)) << '\n';
  PrintFindings(verdict.findings, out);
  if (verdict.msm) {
    const clinical::MsmScore& m = *verdict.msm;
    out << "Maudsley Staging Method " << m.total << " (" << m.category << "): duration "
        << m.duration << ", severity " << m.severity << ", treatment failure "
        << m.treatment_failure << ", augmentation " << m.augmentation << ", ECT " << m.ect << '\n';
  } else {
    out << "Maudsley Staging Method: not computed\n";
  }
  out << "failed adequate trials in the current episode: " << verdict.failed_adequate_trials
      << '\n';
  if (!verdict.trials.empty()) {
    TextTable table({"#", "drug", "ATHF", "adequate", "failed", "episode", "dose"});
    for (const clinical::TrialAssessment& t : verdict.trials) {
      table.AddRow({std::to_string(t.index), t.drug, std::to_string(t.rating.athf),
                    t.rating.adequate ? "yes" : "no", t.rating.failed ? "yes" : "no",
                    t.in_current_episode ? "current" : "earlier",
                    clinical::DoseAdequacyName(t.rating.dose)});
    }
    table.Print(out);
    for (const clinical::TrialAssessment& t : verdict.trials) {
      out << "  [" << t.index << "] " << t.rating.basis << '\n';
    }
  }
  for (const clinical::EligibilityOverride& o : verdict.applied_overrides) {
    out << "override applied: " << o.rule_id << " by " << clinical::RoleName(o.by.role) << " "
        << o.by.user_id << ": " << o.reason << '\n';
  }
}

}  // namespace

int RunEligibility(const EligibilityOptions& options, std::ostream& out, std::ostream& err) {
  const SystemClock clock;
  auto protocol = LoadProtocol(options.protocol_file);
  if (!protocol) return ReportError(protocol.error(), options.format, out, err);
  return RunEligibility(options, protocol->eligibility, clock, out, err);
}

int RunEligibility(const EligibilityOptions& options, const clinical::EligibilityProtocol& protocol,
                   const Clock& clock, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& error) { return ReportError(error, options.format, out, err); };
  if (options.patient_file.empty()) {
    return fail(Error::InvalidArgument("--patient",
                                       "is required: a patient file "
                                       "(docs/formats/patient-file.md)"));
  }
  Result<Instant> at =
      options.at.empty() ? Result<Instant>(clock.Now()) : ParseRfc3339(options.at, "--at");
  if (!at) return fail(at.error());
  auto text = ReadTextFile(options.patient_file, "--patient");
  if (!text) return fail(text.error());
  auto file = clinical_json::ParsePatientFile(*text);
  if (!file) return fail(file.error());
  auto verdict = clinical::EvaluateEligibility(file->patient, protocol, *at, file->overrides);
  if (!verdict) return fail(verdict.error());
  if (options.format == Format::kJson) {
    out << clinical_json::EligibilityVerdictToJson(*verdict, *at)
               .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << '\n';
  } else {
    PrintTable(*verdict, *at, out);
  }
  return verdict->outcome == clinical::EligibilityOutcome::kEligible ? 0 : 3;
}

}  // namespace ketaclinic::cli
