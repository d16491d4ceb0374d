// `ketaclinic tci`: a target-controlled infusion plan (rate schedule) and its predicted curves.

#include <algorithm>
#include <cstdlib>
#include <ostream>

#include <nlohmann/json.hpp>

#include "base/validation.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/output.h"
#include "cli/plots.h"
#include "pk/engine.h"
#include "pk/metrics.h"
#include "pk/simulate.h"
#include "pk/tci.h"

namespace ketaclinic::cli {
namespace {

// "20:150" -> {20 min, 150 ng/mL}; problems named "--target-change".
Result<pk::TargetChange> ParseTargetChange(const std::string& text) {
  const size_t colon = text.find(':');
  char* end = nullptr;
  if (colon != std::string::npos) {
    const std::string at = text.substr(0, colon);
    const std::string target = text.substr(colon + 1);
    const double at_min = std::strtod(at.c_str(), &end);
    const bool at_ok = !at.empty() && *end == '\0';
    const double target_ng_per_ml = std::strtod(target.c_str(), &end);
    if (at_ok && !target.empty() && *end == '\0') return pk::TargetChange{at_min, target_ng_per_ml};
  }
  return tl::unexpected(Error::InvalidArgument(
      "--target-change", "'" + text + "' is not AT_MIN:TARGET_NG_PER_ML (e.g. 20:150)"));
}

std::string RenameField(const std::string& field) {
  if (field == "duration_min") return "--for-min";
  if (field == "update_s") return "--update-s";
  if (field == "max_rate_mg_per_min") return "--max-rate-mg-per-min";
  if (field == "targets[0].target_ng_per_ml") return "--target-ng-per-ml";
  return field;
}

}  // namespace

int RunTci(const TciOptions& options, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& error) { return ReportError(error, options.format, out, err); };
  auto individual = LoadIndividualModel(options.model, options.weight_kg);
  if (!individual) return fail(individual.error());
  const pk::ModelDefinition& model = individual->model;
  const double weight = individual->weight_kg;
  const pk::IndividualParameters& parameters = individual->parameters;

  pk::TciRequest request;
  Validator v("invalid TCI request");
  if (options.mode == "plasma") {
    request.mode = pk::TciMode::kPlasma;
  } else if (options.mode == "effect") {
    request.mode = pk::TciMode::kEffect;
  } else {
    v.Add({"--mode", "must be plasma or effect, got '" + options.mode + "'"});
  }
  v.Require(options.target_ng_per_ml.has_value(), "--target-ng-per-ml", "is required");
  request.targets.push_back({0, options.target_ng_per_ml.value_or(0)});
  for (const std::string& text : options.target_changes) {
    auto change = ParseTargetChange(text);
    if (change) {
      request.targets.push_back(*change);
    } else {
      v.Merge(change.error(), "");
    }
  }
  request.duration_min = options.for_min;
  request.update_s = options.update_s;
  request.max_rate_mg_per_min = options.max_rate_mg_per_min;
  if (auto status = v.Finish(); !status) return fail(status.error());

  const pk::Engine engine = pk::Engine::Create(parameters);
  auto plan = pk::PlanTci(engine, request);
  if (!plan) {
    std::vector<FieldProblem> problems = plan.error().problems();
    for (FieldProblem& p : problems) p.field = RenameField(p.field);
    return fail(Error(plan.error().code(), plan.error().message(), problems));
  }
  auto curve = pk::Simulate(engine, plan->schedule, {options.for_min, options.step_min});
  if (!curve) return fail(curve.error());
  if (!options.plot_file.empty()) {
    // The plot shows the pump's every update (a 1-min table step would hide the induction peak).
    const double plot_step = std::min(options.step_min, options.update_s / 60);
    auto fine = pk::Simulate(engine, plan->schedule, {options.for_min, plot_step});
    if (!fine) return fail(fine.error());
    const std::string svg = RenderTciPlot(model, weight, request, *plan, *fine);
    if (auto status = WriteTextFile(options.plot_file, svg, "--plot"); !status) {
      return fail(status.error());
    }
  }

  switch (options.format) {
    case Format::kCsv:
      WriteCsvRow(out, {"start_min", "duration_min", "rate_mg_per_min"});
      for (const pk::RateSegment& s : plan->segments) {
        WriteCsvRow(out, {Full(s.start_min), Full(s.duration_min), Full(s.rate_mg_per_min)});
      }
      break;
    case Format::kJson: {
      nlohmann::json segments = nlohmann::json::array();
      for (const pk::RateSegment& s : plan->segments) {
        segments.push_back({{"start_min", s.start_min},
                            {"duration_min", s.duration_min},
                            {"rate_mg_per_min", s.rate_mg_per_min}});
      }
      nlohmann::json points = nlohmann::json::array();
      for (size_t i = 0; i < curve->time_min.size(); ++i) {
        points.push_back({{"time_min", curve->time_min[i]},
                          {"plasma_ng_per_ml", curve->plasma_ng_per_ml[i]},
                          {"effect_ng_per_ml", curve->effect_ng_per_ml[i]}});
      }
      nlohmann::json body = {{"model", model.name},
                             {"weight_kg", weight},
                             {"mode", options.mode},
                             {"update_s", options.update_s},
                             {"delivered_mg", plan->delivered_mg},
                             {"segments", segments},
                             {"warnings", ModelWarnings(model, weight)},
                             {"points", points}};
      out << body.dump(2) << '\n';
      break;
    }
    case Format::kTable: {
      out << model.title << ", " << Fixed(weight, 1) << " kg, " << options.mode
          << "-site targeting, update every " << Fixed(options.update_s, 0) << " s\n";
      for (const std::string& warning : ModelWarnings(model, weight)) {
        out << "warning: " << warning << '\n';
      }
      TextTable table({"start_min", "duration_min", "rate_mg_per_min", "rate_mg_per_h"});
      for (const pk::RateSegment& s : plan->segments) {
        table.AddRow({Fixed(s.start_min, 3), Fixed(s.duration_min, 3), Fixed(s.rate_mg_per_min, 4),
                      Fixed(s.rate_mg_per_min * 60, 2)});
      }
      table.Print(out);
      out << "delivered: " << Fixed(plan->delivered_mg, 2) << " mg over "
          << Fixed(options.for_min, 1) << " min\n";
      const pk::SeriesSummary plasma = pk::Summarize(curve->time_min, curve->plasma_ng_per_ml);
      const pk::SeriesSummary effect = pk::Summarize(curve->time_min, curve->effect_ng_per_ml);
      out << "plasma peak " << Fixed(plasma.cmax_ng_per_ml, 1) << " ng/mL at "
          << Fixed(plasma.tmax_min, 1) << " min; effect-site peak "
          << Fixed(effect.cmax_ng_per_ml, 1) << " ng/mL at " << Fixed(effect.tmax_min, 1)
          << " min\n";
      break;
    }
  }
  return 0;
}

}  // namespace ketaclinic::cli
