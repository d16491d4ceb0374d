#ifndef KETACLINIC_CLI_SESSION_COMMAND_H_
#define KETACLINIC_CLI_SESSION_COMMAND_H_

#include <iosfwd>
#include <string>

#include "cli/commands.h"

#include "clinical_json/session_json.h"

namespace ketaclinic::cli {

// `ketaclinic session replay FILE.json`: replays a session replay file
// (docs/formats/session-replay-file.md) through the session state machine and the protocol's
// rules, and prints after every event its state, pump rate, delivered dose and alarms. Exit
// status: 0 replayed (rejected events are part of the result), 2 invalid file (every problem by
// its JSON path), 1 anything else (an unreadable file).
struct SessionReplayOptions {
  std::string file;
  Format format = Format::kTable;  // table or json
  std::string protocol_file;  // --protocol FILE (docs/formats/protocol-file.md); empty: defaults
};

int RunSessionReplay(const SessionReplayOptions& options, std::ostream& out, std::ostream& err);
// The same under given protocol sections (before the file's own overrides).
int RunSessionReplay(const SessionReplayOptions& options,
                     const clinical_json::ReplayProtocols& protocols, std::ostream& out,
                     std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_SESSION_COMMAND_H_
