#ifndef KETACLINIC_CLI_INPUTS_H_
#define KETACLINIC_CLI_INPUTS_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "base/error.h"
#include "cli/commands.h"
#include "pk/model.h"
#include "pk/schedule.h"

#include "clinical/protocol.h"

namespace ketaclinic::cli {

// Turns command-line choices into pk inputs; the file reading of the CLI lives here.

Result<std::string> ReadTextFile(const std::string& path, const std::string& field);

// The model named by --model or read from --model-file, with --ke0-per-min applied.
Result<pk::ModelDefinition> LoadModel(const ModelChoice& choice);

// The schedule from --schedule, or a constant infusion of --dose-mg(-per-kg) over --over-min.
Result<pk::Schedule> LoadSchedule(const DoseChoice& choice, double weight_kg);

// Checks that --weight-kg was given; the range is checked by pk::Individualize.
Result<double> RequireWeight(const std::optional<double>& weight_kg);

// The model chosen on the command line, scaled to the patient's weight.
struct IndividualModel {
  pk::ModelDefinition model;
  double weight_kg = 0;
  pk::IndividualParameters parameters;
};
Result<IndividualModel> LoadIndividualModel(const ModelChoice& choice,
                                            const std::optional<double>& weight_kg);

// Applies "v1=0.3,cl=0.25" to a model's variability; errors name "cv".
Status ApplyCv(const std::string& text, pk::Variability& variability);

// Warnings about using a model outside what it was built from (weight, age group).
std::vector<std::string> ModelWarnings(const pk::ModelDefinition& model, double weight_kg);

// The protocol of --protocol FILE (docs/formats/protocol-file.md), validated whole; the default
// protocol (clinical.md §6) when `path` is empty. Problems keep their key paths
// ("session.sbp_pause_mmhg"); the message names the file.
Result<clinical::Protocol> LoadProtocol(const std::string& path);

// Prints an error: as {"error": ...} JSON on `out` for --format json, else as text on `err`.
// Returns the exit status for it (2 for invalid input, 1 otherwise).
int ReportError(const Error& error, Format format, std::ostream& out, std::ostream& err);

// Writes `text` to `path`; errors name `field`.
Status WriteTextFile(const std::string& path, const std::string& text, const std::string& field);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_INPUTS_H_
