#ifndef KETACLINIC_CLI_LEDGER_COMMAND_H_
#define KETACLINIC_CLI_LEDGER_COMMAND_H_

// `ketaclinic ledger`: the controlled-substance ledger in the database (docs/LEDGER.md "Storage
// and commands"; files: docs/formats/ledger-entry-file.md).
//
//   ledger add-product|add-lot|add-vial FILE --db URL --user NAME
//   ledger record FILE --db URL --user NAME [--witness NAME]
//   ledger report on-hand|discrepancies --db URL [--json]
//   ledger report patient ID --db URL [--json]
//   ledger report inventory --db URL [--as-of TIME] [--kind initial|biennial] [--json]
//
// Writers sign in: the password of --user is read from the environment variable
// KETACLINIC_PASSWORD, the witness's from KETACLINIC_WITNESS_PASSWORD (never from the command
// line, where other users of the machine could see it). Only a physician, nurse or pharmacist
// writes to the ledger or witnesses. A file is one object or an array, written all or nothing.
//
// Exit status: 0 done; 2 invalid input (the file, an option, a failed sign-in); 3 refused by
// the ledger's rules (a balance would go negative, a witness is missing ...); 1 anything else.

#include <iosfwd>
#include <string>

#include "cli/commands.h"
#include "cli/db_command.h"

namespace ketaclinic::cli {

inline constexpr const char* kPasswordVariable = "KETACLINIC_PASSWORD";
inline constexpr const char* kWitnessPasswordVariable = "KETACLINIC_WITNESS_PASSWORD";

struct LedgerOptions {
  std::string db = kDefaultDatabaseUrl;
  std::string file;     // add-product, add-lot, add-vial, record
  std::string user;     // --user: who writes (and, for record, who did it)
  std::string witness;  // --witness: who saw the entries of the file (record)
  std::string report;   // on-hand, patient, discrepancies, inventory
  std::string patient_id;
  std::string as_of;               // inventory: RFC 3339; now when empty
  std::string kind = "biennial";   // inventory: initial or biennial
  Format format = Format::kTable;  // --json: Format::kJson
};

int RunLedgerAddProduct(const LedgerOptions& options, std::ostream& out, std::ostream& err);
int RunLedgerAddLot(const LedgerOptions& options, std::ostream& out, std::ostream& err);
int RunLedgerAddVial(const LedgerOptions& options, std::ostream& out, std::ostream& err);
int RunLedgerRecord(const LedgerOptions& options, std::ostream& out, std::ostream& err);
int RunLedgerReport(const LedgerOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_LEDGER_COMMAND_H_
