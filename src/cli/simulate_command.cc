// `ketaclinic simulate`: the predicted plasma and effect-site curve of a schedule.

#include <cmath>
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
#include "pk_json/schedule_json.h"

namespace ketaclinic::cli {
namespace {

nlohmann::json SummaryJson(const pk::SeriesSummary& s) {
  return {{"cmax_ng_per_ml", s.cmax_ng_per_ml},
          {"tmax_min", s.tmax_min},
          {"auc_ng_min_per_ml", s.auc_ng_min_per_ml}};
}

// What a threshold means for this curve: time above it, and time to fall to it once dosing ends.
struct ThresholdSummary {
  double threshold_ng_per_ml;
  double plasma_min_above, effect_min_above;
  double plasma_decrement_min, effect_decrement_min;  // NaN if not reached within 14 days
};

Result<std::vector<ThresholdSummary>> SummarizeThresholds(const pk::Engine& engine,
                                                          const pk::Schedule& schedule,
                                                          const pk::Curve& curve,
                                                          const std::vector<double>& thresholds) {
  std::vector<ThresholdSummary> out;
  out.reserve(thresholds.size());
  for (size_t i = 0; i < thresholds.size(); ++i) {
    const double c = thresholds[i];
    const std::string field = "--threshold-ng-per-ml[" + std::to_string(i) + "]";
    if (!(c > 0) || !std::isfinite(c)) {
      return tl::unexpected(Error::InvalidArgument(field, "must be a concentration above 0 ng/mL"));
    }
    const double end = schedule.EndMin();
    auto decrement = [&](pk::Site site) {
      auto t = pk::DecrementTimeMin(engine, schedule, end, site, c);
      return t ? *t : std::nan("");
    };
    out.push_back({c, pk::TimeAboveMin(curve.time_min, curve.plasma_ng_per_ml, c),
                   pk::TimeAboveMin(curve.time_min, curve.effect_ng_per_ml, c),
                   decrement(pk::Site::kPlasma), decrement(pk::Site::kEffect)});
  }
  return out;
}

nlohmann::json ThresholdsJson(const std::vector<ThresholdSummary>& thresholds) {
  nlohmann::json list = nlohmann::json::array();
  auto number_or_null = [](double x) {
    return std::isnan(x) ? nlohmann::json() : nlohmann::json(x);
  };
  for (const ThresholdSummary& t : thresholds) {
    list.push_back({{"threshold_ng_per_ml", t.threshold_ng_per_ml},
                    {"plasma_min_above", t.plasma_min_above},
                    {"effect_min_above", t.effect_min_above},
                    {"plasma_decrement_min", number_or_null(t.plasma_decrement_min)},
                    {"effect_decrement_min", number_or_null(t.effect_decrement_min)}});
  }
  return list;
}

std::string MetaboliteName(const pk::ModelDefinition& model) {
  return model.metabolite ? model.metabolite->name : std::string("metabolite");
}

}  // namespace

int RunSimulate(const SimulateOptions& options, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& error) { return ReportError(error, options.format, out, err); };
  auto individual = LoadIndividualModel(options.model, options.weight_kg);
  if (!individual) return fail(individual.error());
  const pk::ModelDefinition& model = individual->model;
  const double weight = individual->weight_kg;
  const pk::IndividualParameters& parameters = individual->parameters;
  auto schedule = LoadSchedule(options.dose, weight);
  if (!schedule) return fail(schedule.error());
  const pk::Engine engine = pk::Engine::Create(parameters);
  auto curve = pk::Simulate(engine, *schedule, {options.until_min, options.step_min});
  if (!curve) {
    // Name the grid fields as the user typed them.
    const Error& error = curve.error();
    std::vector<FieldProblem> problems = error.problems();
    for (FieldProblem& p : problems) {
      if (p.field == "until_min") p.field = "--until-min";
      if (p.field == "step_min") p.field = "--step-min";
    }
    return fail(Error(error.code(), error.message(), problems));
  }
  const bool metabolite = engine.has_metabolite();
  const pk::SeriesSummary plasma = pk::Summarize(curve->time_min, curve->plasma_ng_per_ml);
  const pk::SeriesSummary effect = pk::Summarize(curve->time_min, curve->effect_ng_per_ml);
  const std::vector<std::string> warnings = ModelWarnings(model, weight);
  auto thresholds = SummarizeThresholds(engine, *schedule, *curve, options.thresholds_ng_per_ml);
  if (!thresholds) return fail(thresholds.error());

  if (!options.plot_file.empty()) {
    const std::string svg = RenderCurvePlot(model, weight, schedule->TotalDoseMg(), *curve);
    if (auto status = WriteTextFile(options.plot_file, svg, "--plot"); !status) {
      return fail(status.error());
    }
  }

  switch (options.format) {
    case Format::kCsv: {
      std::vector<std::string> header = {"time_min", "plasma_ng_per_ml", "effect_ng_per_ml"};
      if (metabolite) header.push_back("metabolite_ng_per_ml");
      WriteCsvRow(out, header);
      for (size_t i = 0; i < curve->time_min.size(); ++i) {
        std::vector<std::string> row = {Full(curve->time_min[i]), Full(curve->plasma_ng_per_ml[i]),
                                        Full(curve->effect_ng_per_ml[i])};
        if (metabolite) row.push_back(Full(curve->metabolite_ng_per_ml[i]));
        WriteCsvRow(out, row);
      }
      break;
    }
    case Format::kJson: {
      nlohmann::json points = nlohmann::json::array();
      for (size_t i = 0; i < curve->time_min.size(); ++i) {
        nlohmann::json point = {{"time_min", curve->time_min[i]},
                                {"plasma_ng_per_ml", curve->plasma_ng_per_ml[i]},
                                {"effect_ng_per_ml", curve->effect_ng_per_ml[i]}};
        if (metabolite) point["metabolite_ng_per_ml"] = curve->metabolite_ng_per_ml[i];
        points.push_back(point);
      }
      nlohmann::json body = {
          {"model", model.name},
          {"weight_kg", weight},
          {"ke0_per_min", parameters.ke0_per_min},
          {"total_dose_mg", schedule->TotalDoseMg()},
          {"schedule", pk_json::ScheduleToJson(*schedule)},
          {"method",
           engine.method() == pk::Engine::Method::kModal ? "modal" : "matrix_exponential"},
          {"plasma", SummaryJson(plasma)},
          {"effect", SummaryJson(effect)},
          {"warnings", warnings},
          {"thresholds", ThresholdsJson(*thresholds)},
          {"points", points}};
      out << body.dump(2) << '\n';
      break;
    }
    case Format::kTable: {
      out << model.title << ", " << Fixed(weight, 1) << " kg, " << Fixed(schedule->TotalDoseMg(), 2)
          << " mg in total; ke0 " << Fixed(parameters.ke0_per_min, 4) << " /min\n";
      for (const std::string& warning : warnings) out << "warning: " << warning << '\n';
      std::vector<std::string> header = {"time_min", "plasma_ng_per_ml", "effect_ng_per_ml"};
      if (metabolite) header.push_back(MetaboliteName(model) + "_ng_per_ml");
      TextTable table(header);
      for (size_t i = 0; i < curve->time_min.size(); ++i) {
        std::vector<std::string> row = {Fixed(curve->time_min[i], 2),
                                        Fixed(curve->plasma_ng_per_ml[i], 2),
                                        Fixed(curve->effect_ng_per_ml[i], 2)};
        if (metabolite) row.push_back(Fixed(curve->metabolite_ng_per_ml[i], 2));
        table.AddRow(row);
      }
      table.Print(out);
      out << "plasma: Cmax " << Fixed(plasma.cmax_ng_per_ml, 1) << " ng/mL at "
          << Fixed(plasma.tmax_min, 1) << " min, AUC " << Fixed(plasma.auc_ng_min_per_ml, 0)
          << " ng·min/mL\n";
      out << "effect: Cmax " << Fixed(effect.cmax_ng_per_ml, 1) << " ng/mL at "
          << Fixed(effect.tmax_min, 1) << " min, AUC " << Fixed(effect.auc_ng_min_per_ml, 0)
          << " ng·min/mL\n";
      for (const ThresholdSummary& t : *thresholds) {
        out << Fixed(t.threshold_ng_per_ml, 1) << " ng/mL: above it for "
            << Fixed(t.plasma_min_above, 1) << " min (plasma), " << Fixed(t.effect_min_above, 1)
            << " min (effect site); after the last dose ends, falls to it in "
            << Fixed(t.plasma_decrement_min, 1) << " min (plasma), "
            << Fixed(t.effect_decrement_min, 1) << " min (effect site)\n";
      }
      break;
    }
  }
  return 0;
}

}  // namespace ketaclinic::cli
