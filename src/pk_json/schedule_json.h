#ifndef KETACLINIC_PK_JSON_SCHEDULE_JSON_H_
#define KETACLINIC_PK_JSON_SCHEDULE_JSON_H_

// Schedule files: what is given and when, as JSON text. The format is fixed by the product issue
// and described, with examples, in docs/formats/schedule-file.md:
//
//   {"events": [
//     {"type": "bolus", "at_min": 0, "dose_mg": 20},
//     {"type": "infusion", "start_min": 0, "duration_min": 40, "rate_mg_per_min": 0.875}
//   ]}
//
// A bolus has at_min and dose_mg. An infusion has start_min, exactly one of duration_min /
// end_min, and exactly one of rate_mg_per_min / rate_mg_per_h / dose_mg (the total over the
// duration). Times are minutes from the schedule's time zero. Infusions may overlap; their rates
// add. Unknown members, and a member given twice, are errors.

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "pk/schedule.h"

namespace ketaclinic::pk_json {

// Parses a schedule file. Every problem is reported at once, named by its JSON path in the
// user's terms ("events[2].dose_mg", even when pk::ValidateSchedule found it in the rate derived
// from that dose). The result has passed pk::ValidateSchedule. Never throws for any input text.
Result<pk::Schedule> ParseSchedule(std::string_view json_text);

// The schedule in the same format: the boluses in order, then the infusions in order, each
// infusion as start_min, duration_min and rate_mg_per_min, so that ParseSchedule reads back the
// same schedule. An empty schedule gives {"events": []}, which ParseSchedule refuses.
nlohmann::json ScheduleToJson(const pk::Schedule& schedule);

}  // namespace ketaclinic::pk_json

#endif  // KETACLINIC_PK_JSON_SCHEDULE_JSON_H_
