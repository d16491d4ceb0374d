#ifndef KETACLINIC_CLI_ELIGIBILITY_COMMAND_H_
#define KETACLINIC_CLI_ELIGIBILITY_COMMAND_H_

#include <iosfwd>
#include <string>

#include "base/time.h"
#include "cli/commands.h"

#include "clinical/eligibility_protocol.h"

namespace ketaclinic::cli {

// `ketaclinic eligibility --patient FILE.json [--at RFC3339] [--format json|table]`: the
// eligibility verdict of one patient file (docs/formats/patient-file.md) with every finding, the
// Maudsley Staging Method score and each trial's adequacy (docs/ELIGIBILITY.md). Exit status:
// 0 eligible, 3 not eligible or needs a physician's review (the findings say why), 2 invalid
// input (every problem by its JSON path), 1 anything else (an unreadable file).
struct EligibilityOptions {
  std::string patient_file;
  std::string at;                  // RFC 3339; without it, the clock's now
  Format format = Format::kTable;  // table or json
  std::string protocol_file;  // --protocol FILE (docs/formats/protocol-file.md); empty: defaults
};

// Judged by the protocol of --protocol (the default protocol without it).
int RunEligibility(const EligibilityOptions& options, std::ostream& out, std::ostream& err);
// Judged by `protocol`, with `clock` supplying "now" when --at is not given.
int RunEligibility(const EligibilityOptions& options, const clinical::EligibilityProtocol& protocol,
                   const Clock& clock, std::ostream& out, std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_ELIGIBILITY_COMMAND_H_
