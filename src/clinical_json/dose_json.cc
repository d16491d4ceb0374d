#include "clinical_json/dose_json.h"

#include "base/validation.h"

#include "clinical_json/finding_json.h"
#include "json/json_reader.h"

namespace ketaclinic::clinical_json {

using json_read::ObjectReader;
using nlohmann::json;

namespace {
constexpr double kKgPerLb = 0.45359237;  // exact, by definition of the pound
}  // namespace

Result<clinical::DoseRequest> ParseDoseRequest(const json& body, const std::string& path) {
  Validator v("invalid dose request");
  clinical::DoseRequest request;
  if (!body.is_object()) {
    v.Add({path.empty() ? std::string(json_read::kJsonField) : path,
           "must be an object, got " + json_read::TypeName(body)});
    if (auto status = v.Finish(); !status) return tl::unexpected(status.error());
  }
  ObjectReader reader(body, path, v);
  reader.RejectUnknown({"sex", "weight_kg", "weight_lb", "height_cm", "mg_per_kg", "weight_basis",
                        "duration_min", "vial_mg_per_ml", "bag_ml", "override"},
                       "a dose request");
  if (auto sex = reader.String("sex")) {
    if (auto parsed = clinical::ParseSex(*sex)) {
      request.sex = *parsed;
    } else {
      v.Add({reader.Field("sex"), "must be female or male, got '" + *sex + "'"});
    }
  } else if (!reader.Has("sex")) {
    v.Add({reader.Field("sex"), "is required (female or male: Devine ideal weight depends on it)"});
  }
  const auto weight_kg = reader.Number("weight_kg");
  const auto weight_lb = reader.Number("weight_lb");
  if (reader.Has("weight_kg") == reader.Has("weight_lb")) {
    v.Add({reader.Field("weight_kg"), "give the weight once: weight_kg or weight_lb"});
  } else if (weight_kg) {
    request.weight_kg = *weight_kg;
  } else if (weight_lb) {
    request.weight_kg = *weight_lb * kKgPerLb;
  }
  auto required = [&](const char* key, double& target, const char* why) {
    if (auto value = reader.Number(key)) {
      target = *value;
    } else if (!reader.Has(key)) {
      v.Add({reader.Field(key), why});
    }
  };
  required("height_cm", request.height_cm, "is required (cm)");
  required("mg_per_kg", request.mg_per_kg, "is required (0.5 is standard)");
  if (auto basis = reader.String("weight_basis")) {
    if (auto parsed = clinical::ParseWeightBasis(*basis)) {
      request.weight_basis = *parsed;
    } else {
      v.Add({reader.Field("weight_basis"),
             "must be actual, ideal or adjusted, got '" + *basis + "'"});
    }
  }
  if (auto duration = reader.Number("duration_min")) request.duration_min = duration;
  if (auto vial = reader.Number("vial_mg_per_ml")) request.vial_mg_per_ml = *vial;
  if (auto bag = reader.Number("bag_ml")) request.bag_ml = bag;
  if (const json* override_json = reader.Object("override")) {
    ObjectReader o(*override_json, reader.Field("override"), v);
    o.RejectUnknown({"physician", "reason"}, "an override");
    request.soft_limit_override = clinical::SoftLimitOverride{o.String("physician").value_or(""),
                                                              o.String("reason").value_or("")};
  }
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());
  return request;
}

json DosePlanToJson(const clinical::DosePlan& plan) {
  return json{{"protocol_version", plan.protocol_version},
              {"bmi_kg_per_m2", plan.bmi_kg_per_m2},
              {"ideal_weight_kg", plan.ideal_weight_kg},
              {"adjusted_weight_kg", plan.adjusted_weight_kg},
              {"weight_basis", clinical::WeightBasisName(plan.weight_basis)},
              {"basis_weight_kg", plan.basis_weight_kg},
              {"mg_per_kg", plan.requested_mg_per_kg},
              {"effective_mg_per_kg", plan.effective_mg_per_kg},
              {"dose_mg", plan.dose_mg},
              {"draw_ml", plan.draw_ml},
              {"bag_ml", plan.bag_ml},
              {"total_volume_ml", plan.total_volume_ml},
              {"bag_mg_per_ml", plan.bag_mg_per_ml},
              {"duration_min", plan.duration_min},
              {"rate_ml_per_h", plan.rate_ml_per_h},
              {"rate_mg_per_min", plan.rate_mg_per_min},
              {"blocked", plan.blocked},
              {"findings", FindingsToJson(plan.findings)}};
}

}  // namespace ketaclinic::clinical_json
