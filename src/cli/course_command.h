#ifndef KETACLINIC_CLI_COURSE_COMMAND_H_
#define KETACLINIC_CLI_COURSE_COMMAND_H_

#include <iosfwd>
#include <string>

#include "base/time.h"
#include "cli/commands.h"

namespace ketaclinic::cli {

// `ketaclinic course FILE`: the outcomes and scheduling of one treatment course
// (docs/formats/course-file.md, docs/OUTCOMES.md), judged by the default protocol: outcomes per
// scale, findings, the next allowed infusion (hard / soft minimum interval), the induction plan,
// the escalation suggestion and the next maintenance date with its range and method. Exit
// status: 0 judged (findings do not change it: a report, not a gate), 2 invalid input (every
// problem by its JSON path), 1 anything else (an unreadable file).
struct CourseOptions {
  std::string file;
  // RFC 3339; wins over the file's "at". Without either, the clock's now.
  std::string at;
  Format format = Format::kTable;  // table or json
  std::string protocol_file;  // --protocol FILE (docs/formats/protocol-file.md); empty: defaults
};

int RunCourse(const CourseOptions& options, std::ostream& out, std::ostream& err);
// The same with the clock that supplies "now" when neither --at nor the file gives it.
int RunCourse(const CourseOptions& options, const Clock& clock, std::ostream& out,
              std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_COURSE_COMMAND_H_
