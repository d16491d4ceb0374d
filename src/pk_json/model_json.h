#ifndef KETACLINIC_PK_JSON_MODEL_JSON_H_
#define KETACLINIC_PK_JSON_MODEL_JSON_H_

// Model files: a pharmacokinetic model as JSON text, so that a clinician can try another
// published parameter set without a rebuild. The full description, with a worked example, is
// docs/formats/model-file.md. In short, one JSON object with these members (units in the names):
//
//   name                 required; 1-40 of [a-z0-9_-], e.g. "domino_tpeak1"
//   title, citation, population, notes, ke0_provenance     optional strings
//   paediatric           optional bool (default false)
//   studied_weight_min_kg, studied_weight_max_kg           optional (0 = not stated)
//   compartments         required: 1, 2 or 3
//   reference_weight_kg  default 70; the weight the volumes and clearances below are for
//   volume_weight_exponent, clearance_weight_exponent      default 1 (V, CL ∝ (W/Wref)^exp)
//
//   Parameters, in one of two forms (never both):
//   A. volumes and clearances: v1_l, v2_l, v3_l and
//      cl_l_per_min, q2_l_per_min, q3_l_per_min  or the per-hour  cl_l_per_h, q2_l_per_h,
//      q3_l_per_h  (each clearance in one unit only)
//   B. micro-constants: v1_l and k10_per_min, k12_per_min, k21_per_min, k13_per_min, k31_per_min
//   Exactly the parameters the compartment count needs are required; one for a compartment the
//   model does not have is an error.
//
//   ke0_per_min  or  time_to_peak_effect_min (exactly one; the second derives ke0 so that the
//                effect-site peak after a bolus falls at that time, as STANPUMP and stanpumpR do)
//   variability  optional {v1_cv, v2_cv, v3_cv, cl_cv, q2_cv, q3_cv, ke0_cv}: fractions, 0.3 = 30 %
//   metabolite   optional {name, fraction_formed (default 1), molar_mass_ratio (default 1),
//                volume_l, clearance_l_per_min}
//   micro_constants, half_lives_min   output only (see ModelToJson); accepted on input only if
//                they agree with the parameters, so that `models --format json` output can be
//                edited and read back without silently ignoring an edited derived value
//
// Unknown members are errors (a typo such as "v1_L" must not be silently ignored), as is a
// member given twice.

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "pk/model.h"

namespace ketaclinic::pk_json {

// Parses a model file. Every problem is reported at once, each named by its JSON path
// ("variability.cl_cv", "(json)" for text that is not JSON) and in the file's own terms (a bad
// cl_l_per_h is reported as cl_l_per_h). The result has passed pk::ValidateModel. Never throws
// for any input text.
Result<pk::ModelDefinition> ParseModel(std::string_view json_text);

// The model as JSON, for `ketaclinic models --format json`, in the model file format (form A,
// per-minute clearances, ke0_per_min) so that ParseModel reads it back to the same definition.
// Parameters of compartments the model does not have, and an absent metabolite, are left out.
// Adds, for reading only, "micro_constants" {k10_per_min, ...} and "half_lives_min" (disposition
// half-lives, shortest first) at the reference weight; they are left out if the model fails
// pk::ValidateModel or they are not finite. REQUIRES: the model's strings are valid UTF-8
// (nlohmann's dump() throws otherwise); those from ParseModel and pk::BuiltInModels() are.
nlohmann::json ModelToJson(const pk::ModelDefinition& model);

}  // namespace ketaclinic::pk_json

#endif  // KETACLINIC_PK_JSON_MODEL_JSON_H_
