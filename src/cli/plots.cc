#include "cli/plots.h"

#include <fmt/format.h>

#include "cli/svg_plot.h"

namespace ketaclinic::cli {
namespace {

constexpr const char* kPlasmaColor = "#0072B2";  // Okabe–Ito blue
constexpr const char* kEffectColor = "#D55E00";  // Okabe–Ito vermillion

// Krystal 1994 via Zanos 2018 (reference/pk.md §2): dissociation at the antidepressant dose.
std::vector<ReferenceLine> DissociationRange() {
  return {{100, "dissociation 100 ng/mL"}, {250, "dissociation 250 ng/mL"}};
}

std::string ModelLine(const pk::ModelDefinition& model, double weight_kg) {
  return fmt::format("{} model, {:.1f} kg, ke0 {:.3g} /min", model.title, weight_kg,
                     model.ke0_per_min);
}

}  // namespace

std::string RenderCurvePlot(const pk::ModelDefinition& model, double weight_kg,
                            double total_dose_mg, const pk::Curve& curve) {
  PlotSpec spec;
  spec.title = fmt::format("Predicted ketamine concentration, {:.1f} mg in total", total_dose_mg);
  spec.subtitle = ModelLine(model, weight_kg);
  spec.x_label = "time (min)";
  spec.y_label = "concentration (ng/mL)";
  spec.series.push_back({"plasma (Cp)", curve.time_min, curve.plasma_ng_per_ml, kPlasmaColor});
  spec.series.push_back({"effect site (Ce)", curve.time_min, curve.effect_ng_per_ml, kEffectColor});
  if (!curve.metabolite_ng_per_ml.empty() && model.metabolite) {
    spec.series.push_back(
        {model.metabolite->name, curve.time_min, curve.metabolite_ng_per_ml, "#009E73", true});
  }
  spec.reference_lines = DissociationRange();
  return RenderSvg(spec);
}

std::string RenderTciPlot(const pk::ModelDefinition& model, double weight_kg,
                          const pk::TciRequest& request, const pk::TciPlan& plan,
                          const pk::Curve& curve) {
  PlotSpec spec;
  spec.title = fmt::format("{} target-controlled infusion, {:.1f} mg delivered",
                           request.mode == pk::TciMode::kEffect ? "Effect-site" : "Plasma",
                           plan.delivered_mg);
  spec.subtitle = ModelLine(model, weight_kg);
  spec.x_label = "time (min)";
  spec.y_label = "concentration (ng/mL)";
  // The target as a step line, drawn first so the predicted curves stay visible on top of it.
  PlotSeries target{"target", {}, {}, "#000000", true};
  for (size_t i = 0; i < request.targets.size(); ++i) {
    const double start = request.targets[i].at_min;
    const double end =
        i + 1 < request.targets.size() ? request.targets[i + 1].at_min : request.duration_min;
    target.x.insert(target.x.end(), {start, end});
    target.y.insert(target.y.end(),
                    {request.targets[i].target_ng_per_ml, request.targets[i].target_ng_per_ml});
  }
  spec.series.push_back(target);
  spec.series.push_back({"plasma (Cp)", curve.time_min, curve.plasma_ng_per_ml, kPlasmaColor});
  spec.series.push_back({"effect site (Ce)", curve.time_min, curve.effect_ng_per_ml, kEffectColor});
  return RenderSvg(spec);
}

std::string RenderPopulationPlot(const pk::ModelDefinition& model, double weight_kg,
                                 int64_t subjects, const pk::PopulationResult& result) {
  PlotSpec spec;
  spec.title = fmt::format("Predicted concentration across {} simulated patients", subjects);
  spec.subtitle = ModelLine(model, weight_kg);
  spec.x_label = "time (min)";
  spec.y_label = "concentration (ng/mL)";
  const std::vector<double>& p = result.percentiles;
  size_t low = 0, high = 0, mid = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] < p[low]) low = i;
    if (p[i] > p[high]) high = i;
    if (std::abs(p[i] - 50) < std::abs(p[mid] - 50)) mid = i;
  }
  if (p.size() >= 2) {
    spec.bands.push_back({fmt::format("plasma {:g}th-{:g}th percentile", p[low], p[high]),
                          result.time_min, result.plasma_percentiles_ng_per_ml[low],
                          result.plasma_percentiles_ng_per_ml[high], kPlasmaColor});
    spec.bands.push_back({fmt::format("effect {:g}th-{:g}th percentile", p[low], p[high]),
                          result.time_min, result.effect_percentiles_ng_per_ml[low],
                          result.effect_percentiles_ng_per_ml[high], kEffectColor});
  }
  if (!p.empty()) {
    spec.series.push_back({fmt::format("plasma {:g}th percentile", p[mid]), result.time_min,
                           result.plasma_percentiles_ng_per_ml[mid], kPlasmaColor});
    spec.series.push_back({fmt::format("effect {:g}th percentile", p[mid]), result.time_min,
                           result.effect_percentiles_ng_per_ml[mid], kEffectColor});
  }
  spec.reference_lines = DissociationRange();
  return RenderSvg(spec);
}

}  // namespace ketaclinic::cli
