#ifndef KETACLINIC_CLI_CHECK_COMMAND_H_
#define KETACLINIC_CLI_CHECK_COMMAND_H_

#include <iosfwd>
#include <string>

#include "base/time.h"
#include "cli/commands.h"

namespace ketaclinic::cli {

// `ketaclinic check pre-infusion FILE` and `ketaclinic check discharge FILE`: the pre-infusion
// gates or the discharge checklist of one check file (docs/formats/check-files.md), judged by the
// default protocol. Exit status: 0 cleared / allowed, 3 not (the findings say why), 2 invalid
// input (every problem by its JSON path), 1 anything else (an unreadable file).
enum class CheckKind { kPreInfusion, kDischarge };

struct CheckOptions {
  CheckKind kind = CheckKind::kPreInfusion;
  std::string file;
  // RFC 3339; wins over the file's "at". Without either, the clock's now.
  std::string at;
  Format format = Format::kTable;  // table or json
  std::string protocol_file;  // --protocol FILE (docs/formats/protocol-file.md); empty: defaults
};

int RunCheck(const CheckOptions& options, std::ostream& out, std::ostream& err);
// The same with the clock that supplies "now" when neither --at nor the file gives it.
int RunCheck(const CheckOptions& options, const Clock& clock, std::ostream& out, std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_CHECK_COMMAND_H_
