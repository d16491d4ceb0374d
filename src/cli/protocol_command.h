#ifndef KETACLINIC_CLI_PROTOCOL_COMMAND_H_
#define KETACLINIC_CLI_PROTOCOL_COMMAND_H_

#include <iosfwd>
#include <string>

#include "cli/commands.h"

namespace ketaclinic::cli {

// `ketaclinic protocol show [--protocol FILE] [--format table|json]`: the effective protocol
// (docs/formats/protocol-file.md). As a table: every key by section with its value, a mark on
// each value that differs from the default, and the source of the default (clinical.md §6). As
// JSON: the whole protocol in the file's shape, so that the output is itself a protocol file that
// means the same. Exit status: 0, 2 invalid protocol file, 1 unreadable file.
struct ProtocolShowOptions {
  std::string protocol_file;  // empty: the default protocol
  Format format = Format::kTable;
};
int RunProtocolShow(const ProtocolShowOptions& options, std::ostream& out, std::ostream& err);

// `ketaclinic protocol check FILE [--format table|json]`: validates a protocol file whole.
// Exit status: 0 valid (its version and the keys it changes are printed), 2 invalid (every
// problem by its key path), 1 unreadable file.
struct ProtocolCheckOptions {
  std::string file;
  Format format = Format::kTable;
};
int RunProtocolCheck(const ProtocolCheckOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_PROTOCOL_COMMAND_H_
