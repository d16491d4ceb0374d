// `ketaclinic session replay`: a session timeline replayed through clinical::ReplaySession.

#include "cli/session_command.h"

#include <cctype>
#include <cmath>
#include <ostream>
#include <string>

#include <fmt/format.h>

#include "base/validation.h"
#include "cli/inputs.h"

#include "clinical/session.h"

namespace ketaclinic::cli {
namespace {

// "155.25", "77.625", "31.0625": what the pump and the arithmetic say, to 0.0001.
std::string Number(double value) { return FormatNumber(std::round(value * 1e4) / 1e4); }

std::string Upper(const char* text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

// "CRITICAL vitals.bp-pause, WARNING monitoring.bp-overdue", or "REJECTED: reason".
std::string AlarmsCell(const clinical::ReplayStep& step) {
  if (!step.accepted) return "REJECTED: " + step.rejection;
  std::string text;
  for (const clinical::RaisedAlarm& a : step.alarms) {
    if (!text.empty()) text += ", ";
    text += Upper(clinical::AlarmLevelName(a.level)) + " " + a.rule_id;
  }
  return text;
}

void PrintTable(const clinical::ReplayResult& result, std::ostream& out) {
  out << fmt::format("{:>3}  {:<20}  {:<15}  {:<10}  {:>9}  {:>12}  {}\n", "#", "time", "event",
                     "state", "rate mL/h", "delivered mg", "alarms");
  for (const clinical::ReplayStep& step : result.steps) {
    std::string line = fmt::format(
        "{:>3}  {:<20}  {:<15}  {:<10}  {:>9}  {:>12}  {}", step.index, FormatRfc3339(step.at),
        clinical::SessionEventTypeName(step.type), clinical::SessionStateName(step.state),
        Number(step.rate_ml_per_h), Number(step.delivered_mg), AlarmsCell(step));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
  bool any = false;
  for (const clinical::ReplayStep& step : result.steps) {
    for (const clinical::RaisedAlarm& a : step.alarms) {
      if (!any) out << "\nalarms:\n";
      any = true;
      out << fmt::format("  #{} {} {} {}: {}\n      action: {}\n      source: {}\n", step.index,
                         FormatRfc3339(a.at), Upper(clinical::AlarmLevelName(a.level)), a.rule_id,
                         a.message, a.action, a.source);
    }
  }
  out << "\nfinal: " << clinical::SessionStateName(result.final_state) << "; delivered "
      << Number(result.delivered_mg) << " of " << Number(result.planned_dose_mg) << " mg planned";
  if (result.delivered_mg_per_kg) out << " (" << Number(*result.delivered_mg_per_kg) << " mg/kg)";
  out << "; " << result.rejected << " rejected, " << result.warnings << " warnings, "
      << result.criticals << " critical; protocol " << result.protocol_version << '\n';
}

}  // namespace

int RunSessionReplay(const SessionReplayOptions& options, std::ostream& out, std::ostream& err) {
  auto protocol = LoadProtocol(options.protocol_file);
  if (!protocol) return ReportError(protocol.error(), options.format, out, err);
  return RunSessionReplay(options,
                          clinical_json::ReplayProtocols{protocol->session, protocol->pre_infusion,
                                                         protocol->discharge},
                          out, err);
}

int RunSessionReplay(const SessionReplayOptions& options,
                     const clinical_json::ReplayProtocols& protocols, std::ostream& out,
                     std::ostream& err) {
  if (options.format == Format::kCsv) {
    return ReportError(Error::InvalidArgument("format", "session replay prints table or json"),
                       options.format, out, err);
  }
  auto text = ReadTextFile(options.file, "FILE");
  if (!text) return ReportError(text.error(), options.format, out, err);
  auto input = clinical_json::ParseSessionReplayText(*text, protocols);
  if (!input) {
    const Error& error = input.error();
    return ReportError(
        Error(error.code(), "invalid session replay file " + options.file + ": " + error.message(),
              error.problems()),
        options.format, out, err);
  }
  auto result = clinical::ReplaySession(*input);
  if (!result) return ReportError(result.error(), options.format, out, err);
  if (options.format == Format::kJson) {
    out << clinical_json::ReplayResultToJson(*result).dump(2) << '\n';
  } else {
    PrintTable(*result, out);
  }
  return 0;
}

}  // namespace ketaclinic::cli
