#ifndef KETACLINIC_CLI_COMMANDS_H_
#define KETACLINIC_CLI_COMMANDS_H_

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace ketaclinic::cli {

// The commands behind `ketaclinic`. Each takes its parsed options and its streams, so tests can
// call it without a process; main.cc only parses arguments (CLI11) and calls one of them.
// Each returns the process exit status: 0 success, 2 bad input, 1 anything else.

enum class Format { kTable, kCsv, kJson };

// --model NAME or --model-file FILE, and an optional --ke0-per-min override.
struct ModelChoice {
  std::string name;
  std::string file;
  std::optional<double> ke0_per_min;
};

// What is given: --dose-mg-per-kg D or --dose-mg X over --over-min T, or --schedule FILE.
struct DoseChoice {
  std::optional<double> dose_mg_per_kg;
  std::optional<double> dose_mg;
  std::optional<double> over_min;
  std::string schedule_file;
};

struct SimulateOptions {
  ModelChoice model;
  std::optional<double> weight_kg;
  DoseChoice dose;
  double until_min = 240;
  double step_min = 1;
  // For each: minutes above it, and the decrement time (after the last dose ends) to fall to it.
  std::vector<double> thresholds_ng_per_ml;
  Format format = Format::kTable;
  std::string plot_file;
};
int RunSimulate(const SimulateOptions& options, std::ostream& out, std::ostream& err);

struct TciOptions {
  ModelChoice model;
  std::optional<double> weight_kg;
  std::optional<double> target_ng_per_ml;
  // Later target changes "AT_MIN:TARGET", e.g. "20:150".
  std::vector<std::string> target_changes;
  double for_min = 60;
  std::string mode = "effect";
  double update_s = 10;
  double max_rate_mg_per_min = 0;
  double step_min = 1;  // of the predicted curve
  Format format = Format::kTable;
  std::string plot_file;
};
int RunTci(const TciOptions& options, std::ostream& out, std::ostream& err);

struct PopulationOptions {
  ModelChoice model;
  std::optional<double> weight_kg;
  DoseChoice dose;
  int64_t subjects = 1000;
  uint64_t seed = 1;
  int threads = 1;
  double until_min = 240;
  double step_min = 1;
  // Percentiles (0-100) at each time, or {"none"} for per-subject summaries only (the
  // benchmark mode: no per-time profiles are kept).
  std::vector<std::string> percentiles = {"5", "50", "95"};
  std::vector<double> thresholds_ng_per_ml;
  // "v1=0.3,cl=0.25": coefficients of variation that replace the model's.
  std::string cv;
  std::string subjects_out;
  Format format = Format::kTable;
  std::string plot_file;
  bool progress = false;  // a progress bar on stderr (main.cc sets it for a terminal)
};
int RunPopulation(const PopulationOptions& options, std::ostream& out, std::ostream& err);

struct ModelsOptions {
  Format format = Format::kTable;
  std::string model_file;  // show this custom model instead of the built-in list
};
int RunModels(const ModelsOptions& options, std::ostream& out, std::ostream& err);

// `ketaclinic score SCALE --items a,b,...`: a rating scale's total, band and findings. A
// blocking finding does not change the exit status: a score is a measurement, not an order.
struct ScoreOptions {
  std::string scale;               // phq9, gad7, madrs, ... (clinical::ParseScaleName)
  std::vector<std::string> items;  // the item responses in questionnaire order, as typed
  Format format = Format::kTable;  // table or json
};
int RunScore(const ScoreOptions& options, std::ostream& out, std::ostream& err);

// `dose`: the dose and pump plan with limit findings. Exit status 3 when a finding blocks it.
struct DoseOptions {
  std::optional<double> weight_kg;
  std::optional<double> weight_lb;  // converted to kg explicitly (and the conversion shown)
  std::optional<double> height_cm;
  std::string sex;
  std::optional<double> mg_per_kg;
  std::string weight_basis;  // empty: the protocol's
  std::optional<double> over_min;
  double vial_mg_per_ml = 10;
  std::optional<double> bag_ml;
  std::string override_physician;
  std::string override_reason;
  std::string model = "kamp";  // for the predicted concentration
  std::string protocol_file;   // --protocol FILE (docs/formats/protocol-file.md); empty: defaults
  Format format = Format::kTable;
};
int RunDose(const DoseOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_COMMANDS_H_
