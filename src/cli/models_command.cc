// `ketaclinic models`: the built-in models with citations and parameters.

#include <ostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/output.h"
#include "pk/metrics.h"
#include "pk/registry.h"
#include "pk_json/model_json.h"

namespace ketaclinic::cli {
namespace {

void PrintModel(const pk::ModelDefinition& m, std::ostream& out) {
  out << m.name << " — " << m.title << (m.paediatric ? " [PAEDIATRIC]" : "") << '\n';
  out << "  source:     " << m.citation << '\n';
  out << "  population: " << m.population << '\n';
  out << "  structure:  " << m.compartments << " compartment(s) + effect site"
      << (m.metabolite ? " + " + m.metabolite->name : "") << "; per "
      << Fixed(m.reference_weight_kg, 0) << " kg: V1 " << Fixed(m.v1_l, 3) << " L";
  if (m.compartments >= 2) out << ", V2 " << Fixed(m.v2_l, 3) << " L";
  if (m.compartments >= 3) out << ", V3 " << Fixed(m.v3_l, 3) << " L";
  out << "; CL " << Fixed(m.cl_l_per_min, 4) << " L/min";
  if (m.compartments >= 2) out << ", Q2 " << Fixed(m.q2_l_per_min, 4) << " L/min";
  if (m.compartments >= 3) out << ", Q3 " << Fixed(m.q3_l_per_min, 4) << " L/min";
  out << '\n';
  out << "  scaling:    V x (W/" << Fixed(m.reference_weight_kg, 0) << ")^"
      << Fixed(m.volume_weight_exponent, 2) << ", CL and Q x (W/" << Fixed(m.reference_weight_kg, 0)
      << ")^" << Fixed(m.clearance_weight_exponent, 2) << '\n';
  auto individual = pk::Individualize(m, m.reference_weight_kg);
  if (individual) {
    const pk::ModelSummary s = pk::SummarizeModel(*individual);
    out << "  half-lives: ";
    for (size_t i = 0; i < s.half_lives_min.size(); ++i) {
      out << (i ? ", " : "") << Fixed(s.half_lives_min[i], 1) << " min";
    }
    out << "; Vss " << Fixed(s.vss_l, 1) << " L; time to peak effect after a bolus "
        << Fixed(s.time_to_peak_effect_min, 2) << " min\n";
  }
  out << "  ke0:        " << Fixed(m.ke0_per_min, 4) << " /min. " << m.ke0_provenance << '\n';
  const pk::Variability& v = m.variability;
  if (v.Any()) {
    out << "  variability (CV): V1 " << Fixed(v.v1_cv * 100, 1) << " %, V2 "
        << Fixed(v.v2_cv * 100, 1) << " %, V3 " << Fixed(v.v3_cv * 100, 1) << " %, CL "
        << Fixed(v.cl_cv * 100, 1) << " %, Q2 " << Fixed(v.q2_cv * 100, 1) << " %, Q3 "
        << Fixed(v.q3_cv * 100, 1) << " %\n";
  } else {
    out << "  variability: none published (population simulation needs --cv)\n";
  }
  if (!m.notes.empty()) out << "  notes:      " << m.notes << '\n';
}

}  // namespace

int RunModels(const ModelsOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<pk::ModelDefinition> models;
  if (!options.model_file.empty()) {
    auto model = LoadModel(ModelChoice{"", options.model_file, std::nullopt});
    if (!model) return ReportError(model.error(), options.format, out, err);
    models.push_back(*model);
  } else {
    models = pk::BuiltInModels();
  }
  if (options.format == Format::kJson) {
    nlohmann::json list = nlohmann::json::array();
    for (const pk::ModelDefinition& m : models) list.push_back(pk_json::ModelToJson(m));
    out << nlohmann::json{{"models", list}}.dump(2) << '\n';
    return 0;
  }
  if (options.format == Format::kCsv) {
    WriteCsvRow(out, {"name", "compartments", "reference_weight_kg", "v1_l", "v2_l", "v3_l",
                      "cl_l_per_min", "q2_l_per_min", "q3_l_per_min", "ke0_per_min",
                      "volume_weight_exponent", "clearance_weight_exponent", "paediatric"});
    for (const pk::ModelDefinition& m : models) {
      WriteCsvRow(
          out, {m.name, std::to_string(m.compartments), Full(m.reference_weight_kg), Full(m.v1_l),
                Full(m.v2_l), Full(m.v3_l), Full(m.cl_l_per_min), Full(m.q2_l_per_min),
                Full(m.q3_l_per_min), Full(m.ke0_per_min), Full(m.volume_weight_exponent),
                Full(m.clearance_weight_exponent), m.paediatric ? "true" : "false"});
    }
    return 0;
  }
  for (size_t i = 0; i < models.size(); ++i) {
    if (i) out << '\n';
    PrintModel(models[i], out);
  }
  return 0;
}

}  // namespace ketaclinic::cli
