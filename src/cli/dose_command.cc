// `ketaclinic dose`: the dose and pump plan for one infusion, with every finding.

#include <ostream>

#include <nlohmann/json.hpp>

#include "base/validation.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/output.h"
#include "pk/engine.h"
#include "pk/metrics.h"
#include "pk/registry.h"
#include "pk/simulate.h"

#include "clinical/dosing.h"
#include "clinical_json/dose_json.h"

namespace ketaclinic::cli {
namespace {

constexpr double kKgPerLb = 0.45359237;  // exact, by definition of the pound

// Weight from exactly one of --weight-kg / --weight-lb; the conversion is stated in the output.
Result<double> WeightKg(const DoseOptions& options) {
  if (options.weight_kg.has_value() == options.weight_lb.has_value()) {
    return tl::unexpected(Error::InvalidArgument(
        "--weight-kg", "give the weight once: either --weight-kg or --weight-lb"));
  }
  return options.weight_kg ? *options.weight_kg : *options.weight_lb * kKgPerLb;
}

std::string RenameField(const std::string& field) {
  if (field == "weight_kg") return "--weight-kg";
  if (field == "height_cm") return "--height-cm";
  if (field == "mg_per_kg") return "--mg-per-kg";
  if (field == "duration_min") return "--over-min";
  if (field == "vial_mg_per_ml") return "--vial-mg-per-ml";
  if (field == "bag_ml") return "--bag-ml";
  if (field == "override.physician") return "--override-physician";
  if (field == "override.reason") return "--override-reason";
  return field;
}

}  // namespace

int RunDose(const DoseOptions& options, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& error) {
    std::vector<FieldProblem> problems = error.problems();
    for (FieldProblem& p : problems) p.field = RenameField(p.field);
    return ReportError(Error(error.code(), error.message(), problems), options.format, out, err);
  };
  auto loaded = LoadProtocol(options.protocol_file);
  if (!loaded) return ReportError(loaded.error(), options.format, out, err);
  const clinical::DoseProtocol& protocol = loaded->dosing;
  Validator v("invalid dose request");
  clinical::DoseRequest request;
  auto weight = WeightKg(options);
  if (weight) {
    request.weight_kg = *weight;
  } else {
    v.Merge(weight.error(), "");
  }
  auto sex = clinical::ParseSex(options.sex);
  if (sex) {
    request.sex = *sex;
  } else {
    v.Add({"--sex", "must be female or male, got '" + options.sex + "'"});
  }
  if (!options.weight_basis.empty()) {
    auto basis = clinical::ParseWeightBasis(options.weight_basis);
    if (basis) {
      request.weight_basis = *basis;
    } else {
      v.Add({"--weight-basis", "must be actual, ideal or adjusted"});
    }
  }
  v.Require(options.height_cm.has_value(), "--height-cm", "is required (cm)");
  v.Require(options.mg_per_kg.has_value(), "--mg-per-kg", "is required (0.5 is standard)");
  if (auto status = v.Finish(); !status) return fail(status.error());
  request.height_cm = options.height_cm.value_or(0);
  request.mg_per_kg = options.mg_per_kg.value_or(0);
  request.duration_min = options.over_min;
  request.vial_mg_per_ml = options.vial_mg_per_ml;
  request.bag_ml = options.bag_ml;
  if (!options.override_physician.empty() || !options.override_reason.empty()) {
    request.soft_limit_override =
        clinical::SoftLimitOverride{options.override_physician, options.override_reason};
  }
  auto plan = clinical::PlanDose(request, protocol);
  if (!plan) return fail(plan.error());

  // The predicted concentration of this plan (pk), for the clinician's orientation.
  auto model = pk::FindModel(options.model);
  if (!model) return fail(model.error());
  auto parameters = pk::Individualize(*model, request.weight_kg);
  if (!parameters) return fail(parameters.error());
  const pk::Engine engine = pk::Engine::Create(*parameters);
  auto curve = pk::Simulate(engine, pk::ConstantInfusion(plan->dose_mg, plan->duration_min),
                            {plan->duration_min + 120, 1});
  if (!curve) return fail(curve.error());
  const pk::SeriesSummary plasma = pk::Summarize(curve->time_min, curve->plasma_ng_per_ml);
  const pk::SeriesSummary effect = pk::Summarize(curve->time_min, curve->effect_ng_per_ml);

  if (options.format == Format::kJson) {
    nlohmann::json body = clinical_json::DosePlanToJson(*plan);
    body["weight_kg"] = request.weight_kg;
    body["height_cm"] = request.height_cm;
    body["vial_mg_per_ml"] = request.vial_mg_per_ml;
    body["predicted"] = {{"model", model->name},
                         {"plasma_cmax_ng_per_ml", plasma.cmax_ng_per_ml},
                         {"plasma_tmax_min", plasma.tmax_min},
                         {"effect_cmax_ng_per_ml", effect.cmax_ng_per_ml},
                         {"effect_tmax_min", effect.tmax_min}};
    out << body.dump(2) << '\n';
  } else {
    out << "dose " << Fixed(plan->dose_mg, 1) << " mg = " << Fixed(plan->effective_mg_per_kg, 3)
        << " mg/kg of " << clinical::WeightBasisName(plan->weight_basis) << " weight "
        << Fixed(plan->basis_weight_kg, 1) << " kg (BMI " << Fixed(plan->bmi_kg_per_m2, 1)
        << ", protocol " << plan->protocol_version << ")\n";
    if (options.weight_lb) {
      out << "weight " << Fixed(*options.weight_lb, 1) << " lb = " << Fixed(request.weight_kg, 2)
          << " kg\n";
    }
    out << "draw " << Fixed(plan->draw_ml, 2) << " mL of " << Fixed(request.vial_mg_per_ml, 0)
        << " mg/mL into " << Fixed(plan->bag_ml, 0) << " mL: " << Fixed(plan->total_volume_ml, 1)
        << " mL at " << Fixed(plan->bag_mg_per_ml, 3) << " mg/mL\n";
    out << "pump " << Fixed(plan->rate_ml_per_h, 1) << " mL/h (" << Fixed(plan->rate_mg_per_min, 3)
        << " mg/min) for " << Fixed(plan->duration_min, 0) << " min\n";
    out << "predicted (" << model->title << "): plasma peak " << Fixed(plasma.cmax_ng_per_ml, 0)
        << " ng/mL at " << Fixed(plasma.tmax_min, 0) << " min, effect-site peak "
        << Fixed(effect.cmax_ng_per_ml, 0) << " ng/mL\n";
    for (const clinical::Finding& f : plan->findings) {
      out << clinical::SeverityName(f.severity) << " [" << f.rule_id << "] " << f.message << '\n';
    }
    if (plan->blocked) out << "BLOCKED: this dose must not be given\n";
  }
  return plan->blocked ? 3 : 0;
}

}  // namespace ketaclinic::cli
