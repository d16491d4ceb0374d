#ifndef KETACLINIC_CLI_PLOTS_H_
#define KETACLINIC_CLI_PLOTS_H_

#include <string>

#include "pk/model.h"
#include "pk/population.h"
#include "pk/simulate.h"
#include "pk/tci.h"

namespace ketaclinic::cli {

// The SVG plots of the pk commands, labelled for a clinician: what was given, to whom, by which
// model, and the published dissociation range for orientation (reference/pk.md §2).
std::string RenderCurvePlot(const pk::ModelDefinition& model, double weight_kg,
                            double total_dose_mg, const pk::Curve& curve);
std::string RenderTciPlot(const pk::ModelDefinition& model, double weight_kg,
                          const pk::TciRequest& request, const pk::TciPlan& plan,
                          const pk::Curve& curve);
std::string RenderPopulationPlot(const pk::ModelDefinition& model, double weight_kg,
                                 int64_t subjects, const pk::PopulationResult& result);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_PLOTS_H_
