#include "clinical/protocol.h"

#include <cctype>
#include <chrono>
#include <string_view>
#include <utility>

#include "base/validation.h"

namespace ketaclinic::clinical {
namespace {

bool IsBlank(std::string_view text) {
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

// YYYY-MM-DD naming a real calendar day.
bool IsIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int fields[3] = {0, 0, 0};
  const std::pair<size_t, size_t> spans[3] = {{0, 4}, {5, 2}, {8, 2}};
  for (int i = 0; i < 3; ++i) {
    const auto [start, length] = spans[i];
    for (size_t j = start; j < start + length; ++j) {
      if (std::isdigit(static_cast<unsigned char>(text[j])) == 0) return false;
      fields[i] = fields[i] * 10 + (text[j] - '0');
    }
  }
  const std::chrono::year_month_day day{std::chrono::year{fields[0]},
                                        std::chrono::month{static_cast<unsigned>(fields[1])},
                                        std::chrono::day{static_cast<unsigned>(fields[2])}};
  return day.ok();
}

void MergeSection(Validator& v, const Status& status, std::string_view section) {
  if (!status) v.Merge(status.error(), std::string(section) + ".");
}

std::string Number(double value) { return FormatNumber(value); }

// The checks that span two sections (see protocol.h). Each names the key a medical director
// would change: the later of the two sections in the file, the one that depends on the other.
void CheckAcrossSections(const Protocol& p, Validator& v) {
  if (p.course.interval_hard_min_h != p.pre_infusion.interval_hard_min_h) {
    v.Add({"course.interval_hard_min_h",
           "must equal pre_infusion.interval_hard_min_h (" +
               Number(p.pre_infusion.interval_hard_min_h) + " h): the schedule and the " +
               "pre-infusion gate must allow the same infusions, got " +
               Number(p.course.interval_hard_min_h) + " h"});
  }
  if (p.course.interval_soft_min_h != p.pre_infusion.interval_soft_min_h) {
    v.Add({"course.interval_soft_min_h", "must equal pre_infusion.interval_soft_min_h (" +
                                             Number(p.pre_infusion.interval_soft_min_h) +
                                             " h), got " + Number(p.course.interval_soft_min_h) +
                                             " h"});
  }
  auto at_most = [&v](double value, const char* key, double limit, const std::string& limit_key,
                      const char* why) {
    if (value > limit) {
      v.Add({key, "must be at most " + limit_key + " (" + Number(limit) + "): " + why + ", got " +
                      Number(value)});
    }
  };
  const char* start_then_pause =
      "a baseline the gate lets through would already pause the infusion";
  at_most(p.pre_infusion.bp_block_systolic_mmhg, "pre_infusion.bp_block_systolic_mmhg",
          p.session.sbp_pause_mmhg, "session.sbp_pause_mmhg", start_then_pause);
  at_most(p.pre_infusion.bp_block_diastolic_mmhg, "pre_infusion.bp_block_diastolic_mmhg",
          p.session.dbp_pause_mmhg, "session.dbp_pause_mmhg", start_then_pause);
  at_most(p.pre_infusion.hr_block_bpm, "pre_infusion.hr_block_bpm", p.session.hr_pause_above_bpm,
          "session.hr_pause_above_bpm", start_then_pause);
  if (p.discharge.sbp_max_mmhg >= p.session.sbp_pause_mmhg) {
    v.Add({"discharge.sbp_max_mmhg", "must be below session.sbp_pause_mmhg (" +
                                         Number(p.session.sbp_pause_mmhg) +
                                         "): a patient must not go home with a blood pressure "
                                         "that pauses an infusion, got " +
                                         Number(p.discharge.sbp_max_mmhg)});
  }
  if (p.discharge.dbp_max_mmhg >= p.session.dbp_pause_mmhg) {
    v.Add({"discharge.dbp_max_mmhg", "must be below session.dbp_pause_mmhg (" +
                                         Number(p.session.dbp_pause_mmhg) + "), got " +
                                         Number(p.discharge.dbp_max_mmhg)});
  }
  if (p.outcomes.early_nonresponse_after_infusions > p.course.induction_planned_infusions) {
    v.Add({"outcomes.early_nonresponse_after_infusions",
           "must be at most course.induction_planned_infusions (" +
               std::to_string(p.course.induction_planned_infusions) +
               "): the response check happens during induction, got " +
               std::to_string(p.outcomes.early_nonresponse_after_infusions)});
  }
  if (p.course.stop_if_no_response_after_infusions < p.outcomes.early_nonresponse_after_infusions) {
    v.Add({"course.stop_if_no_response_after_infusions",
           "must be at least outcomes.early_nonresponse_after_infusions (" +
               std::to_string(p.outcomes.early_nonresponse_after_infusions) +
               "): stopping for no response comes after the response check, got " +
               std::to_string(p.course.stop_if_no_response_after_infusions)});
  }
}

void CheckSectionVersions(const Protocol& p, Validator& v) {
  const std::pair<const std::string*, const char*> versions[] = {
      {&p.eligibility.version, "eligibility.version"},
      {&p.pre_infusion.version, "pre_infusion.version"},
      {&p.dosing.version, "dosing.version"},
      {&p.session.version, "session.version"},
      {&p.discharge.version, "discharge.version"},
      {&p.outcomes.version, "outcomes.version"},
      {&p.course.version, "course.version"}};
  for (const auto& [version, key] : versions) {
    if (*version != p.version) {
      v.Add({key, "must be the protocol's version '" + p.version + "' (StampVersion), got '" +
                      *version + "'"});
    }
  }
}

void AppendSources(std::vector<ParameterSource>& out, std::string_view section,
                   std::vector<ParameterSource> sources) {
  for (ParameterSource& source : sources) {
    out.push_back({std::string(section) + "." + source.key, std::move(source.source)});
  }
}

}  // namespace

const std::vector<std::string>& ProtocolSectionNames() {
  static const std::vector<std::string> kNames = {
      "eligibility", "pre_infusion", "dosing", "session", "discharge", "outcomes", "course"};
  return kNames;
}

Protocol DefaultProtocol() {
  Protocol protocol;
  StampVersion(protocol);
  return protocol;
}

void StampVersion(Protocol& protocol) {
  protocol.eligibility.version = protocol.version;
  protocol.pre_infusion.version = protocol.version;
  protocol.dosing.version = protocol.version;
  protocol.session.version = protocol.version;
  protocol.discharge.version = protocol.version;
  protocol.outcomes.version = protocol.version;
  protocol.course.version = protocol.version;
}

Status ValidateProtocol(const Protocol& p) {
  Validator v("invalid protocol");
  v.Require(!IsBlank(p.version), "version", "must not be empty: every decision records it");
  v.Require(p.version.size() <= 100, "version", "must be at most 100 characters");
  v.Require(p.title.size() <= 200, "title", "must be at most 200 characters");
  const bool has_by = !IsBlank(p.approved_by);
  const bool has_on = !p.approved_on.empty();
  v.Require(has_by || !has_on, "approved_by", "must name who approved it when approved_on is set");
  v.Require(has_on || !has_by, "approved_on", "must be set when approved_by is");
  v.Require(!has_on || IsIsoDate(p.approved_on), "approved_on",
            "must be a date YYYY-MM-DD, got '" + p.approved_on + "'");

  // A blank version is reported once, above, not again by each of the seven sections.
  Protocol sections = p;
  if (IsBlank(p.version)) {
    sections.version = "(blank)";
    StampVersion(sections);
  }
  MergeSection(v, ValidateEligibilityProtocol(sections.eligibility), "eligibility");
  MergeSection(v, ValidatePreInfusionProtocol(sections.pre_infusion), "pre_infusion");
  MergeSection(v, ValidateDoseProtocol(sections.dosing), "dosing");
  MergeSection(v, ValidateSessionProtocol(sections.session), "session");
  MergeSection(v, ValidateDischargeProtocol(sections.discharge), "discharge");
  MergeSection(v, ValidateOutcomeProtocol(sections.outcomes), "outcomes");
  MergeSection(v, ValidateCourseProtocol(sections.course), "course");
  if (!IsBlank(p.version)) CheckSectionVersions(p, v);
  CheckAcrossSections(p, v);
  return v.Finish();
}

std::vector<ParameterSource> ProtocolSources() {
  std::vector<ParameterSource> sources;
  AppendSources(sources, "eligibility", EligibilityProtocolSources());
  AppendSources(sources, "pre_infusion", PreInfusionProtocolSources());
  AppendSources(sources, "dosing", DoseProtocolSources());
  AppendSources(sources, "session", SessionProtocolSources());
  AppendSources(sources, "discharge", DischargeProtocolSources());
  AppendSources(sources, "outcomes", OutcomeProtocolSources());
  AppendSources(sources, "course", CourseProtocolSources());
  return sources;
}

}  // namespace ketaclinic::clinical
