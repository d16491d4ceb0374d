// `ketaclinic check pre-infusion|discharge FILE`: the pre-infusion gates or the discharge
// checklist of one check file, with every finding.

#include "cli/check_command.h"

#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/inputs.h"
#include "cli/output.h"

#include "clinical/discharge.h"
#include "clinical/pre_infusion.h"
#include "clinical_json/checks_json.h"

namespace ketaclinic::cli {
namespace {

// The moment of the check: --at, else the file's "at", else the clock.
Result<Instant> CheckTime(const CheckOptions& options, const std::optional<Instant>& file_at,
                          const Clock& clock) {
  if (!options.at.empty()) return ParseRfc3339(options.at, "--at");
  if (file_at) return *file_at;
  return clock.Now();
}

int PreInfusion(const CheckOptions& options, const std::string& text,
                const clinical::PreInfusionProtocol& protocol, const Clock& clock,
                std::ostream& out, std::ostream& err) {
  auto check = clinical_json::ParsePreInfusionCheckText(text);
  if (!check) return ReportError(check.error(), options.format, out, err);
  auto at = CheckTime(options, check->at, clock);
  if (!at) return ReportError(at.error(), options.format, out, err);
  auto verdict = clinical::EvaluatePreInfusion(check->input, protocol, *at);
  if (!verdict) return ReportError(verdict.error(), options.format, out, err);
  if (options.format == Format::kJson) {
    nlohmann::json body = clinical_json::PreInfusionVerdictToJson(*verdict);
    body["check"] = "pre-infusion";
    body["at"] = FormatRfc3339(*at);
    out << body.dump(2) << '\n';
  } else {
    out << "pre-infusion check at " << FormatRfc3339(*at) << " (protocol "
        << verdict->protocol_version << "): " << (verdict->cleared ? "CLEARED" : "NOT CLEARED")
        << '\n';
    PrintFindings(verdict->findings, out);
    const std::optional<Instant> repeat_at = verdict->needs_repeat_vitals_at;
    if (repeat_at)
      out << "repeat the high reading after rest, from " << FormatRfc3339(*repeat_at) << '\n';
    for (const std::string& rule : verdict->awaiting_override) {
      out << "awaiting a physician's override with a reason: " << rule << '\n';
    }
  }
  return verdict->cleared ? 0 : 3;
}

int Discharge(const CheckOptions& options, const std::string& text,
              const clinical::DischargeProtocol& protocol, const Clock& clock, std::ostream& out,
              std::ostream& err) {
  auto check = clinical_json::ParseDischargeCheckText(text);
  if (!check) return ReportError(check.error(), options.format, out, err);
  auto at = CheckTime(options, check->at, clock);
  if (!at) return ReportError(at.error(), options.format, out, err);
  auto verdict = clinical::EvaluateDischarge(check->input, protocol, *at);
  if (!verdict) return ReportError(verdict.error(), options.format, out, err);
  if (options.format == Format::kJson) {
    nlohmann::json body = clinical_json::DischargeVerdictToJson(*verdict);
    body["check"] = "discharge";
    body["at"] = FormatRfc3339(*at);
    out << body.dump(2) << '\n';
  } else {
    out << "discharge check at " << FormatRfc3339(*at) << " (protocol " << verdict->protocol_version
        << "): " << (verdict->allowed ? "ALLOWED" : "NOT ALLOWED") << '\n';
    PrintFindings(verdict->findings, out);
    const std::optional<Instant> earliest = verdict->earliest_at;
    if (earliest) out << "minimum observation ends at " << FormatRfc3339(*earliest) << '\n';
  }
  return verdict->allowed ? 0 : 3;
}

}  // namespace

int RunCheck(const CheckOptions& options, const Clock& clock, std::ostream& out,
             std::ostream& err) {
  if (options.format != Format::kTable && options.format != Format::kJson) {
    return ReportError(Error::InvalidArgument("--format", "must be table or json"), Format::kTable,
                       out, err);
  }
  auto protocol = LoadProtocol(options.protocol_file);
  if (!protocol) return ReportError(protocol.error(), options.format, out, err);
  auto text = ReadTextFile(options.file, "FILE");
  if (!text) return ReportError(text.error(), options.format, out, err);
  return options.kind == CheckKind::kPreInfusion
             ? PreInfusion(options, *text, protocol->pre_infusion, clock, out, err)
             : Discharge(options, *text, protocol->discharge, clock, out, err);
}

int RunCheck(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  const SystemClock clock;
  return RunCheck(options, clock, out, err);
}

}  // namespace ketaclinic::cli
