#include "pk_json/model_json.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/validation.h"
#include "pk/effect_site.h"
#include "pk/metrics.h"

#include "json/json_reader.h"

namespace ketaclinic::pk_json {
namespace {

using json_read::ObjectReader;
using nlohmann::json;

constexpr double kMinPerHour = 60;
constexpr size_t kMaxNameChars = 40;
// Derived values read back must agree with those recomputed to this relative tolerance: dump()
// writes doubles so that they parse back exactly, so only hand edits differ.
constexpr double kDerivedRelativeTolerance = 1e-9;

// One volume or clearance of form A as a file may give it (v1_l, which both forms share, aside).
struct ParameterField {
  const char* field;       // as in the file and in pk::ModelDefinition
  const char* per_hour;    // the per-hour alternative of a clearance, else nullptr
  int first_compartments;  // the smallest compartment count that uses it
  double pk::ModelDefinition::*member;
};
constexpr ParameterField kVolumesAndClearances[] = {
    {"cl_l_per_min", "cl_l_per_h", 1, &pk::ModelDefinition::cl_l_per_min},
    {"v2_l", nullptr, 2, &pk::ModelDefinition::v2_l},
    {"q2_l_per_min", "q2_l_per_h", 2, &pk::ModelDefinition::q2_l_per_min},
    {"v3_l", nullptr, 3, &pk::ModelDefinition::v3_l},
    {"q3_l_per_min", "q3_l_per_h", 3, &pk::ModelDefinition::q3_l_per_min},
};

// Form B: a micro-constant, and the canonical parameter it chiefly determines, so that a problem
// pk::ValidateModel finds in a derived parameter is reported against the file's field.
struct MicroField {
  const char* field;
  const char* derives;
  int first_compartments;
  double pk::MicroConstants::*member;
};
constexpr MicroField kMicroConstants[] = {
    {"k10_per_min", "cl_l_per_min", 1, &pk::MicroConstants::k10},
    {"k12_per_min", "q2_l_per_min", 2, &pk::MicroConstants::k12},
    {"k21_per_min", "v2_l", 2, &pk::MicroConstants::k21},
    {"k13_per_min", "q3_l_per_min", 3, &pk::MicroConstants::k13},
    {"k31_per_min", "v3_l", 3, &pk::MicroConstants::k31},
};

std::string CompartmentWord(int compartments) {
  return std::to_string(compartments) + "-compartment model";
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameChars) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// Reads an optional string member into `target`.
void ReadString(ObjectReader& reader, std::string_view key, std::string& target) {
  if (auto value = reader.String(key)) target = *value;
}

// Parses one model file's members, collecting every problem in `v`.
class ModelParser {
 public:
  ModelParser(const json& root, Validator& v) : reader_(root, "", v), v_(v) {}

  pk::ModelDefinition Parse();

 private:
  void ReadDescription();
  void ReadShape();
  void ReadParameters();
  void ReadKe0();
  void ReadVariability();
  void ReadMetabolite();
  // After the parameters pass pk::ValidateModel: ke0 from the time to peak, and the check of
  // derived values read back.
  void DeriveKe0();
  void CheckDerived();
  // Adds pk::ValidateModel's problems, in the file's terms, except for fields already reported.
  void MergeModelProblems(const Error& error);

  // A parameter's value if present, a number and > 0; the problem is recorded otherwise.
  std::optional<double> PositiveParameter(std::string_view key);
  // "is required for a 2-compartment model", or only "is required" if the count is unknown.
  std::string RequiredReason() const;
  // Whether a parameter first used by `first_compartments` compartments is required.
  bool Needed(int first_compartments) const;

  ObjectReader reader_;
  Validator& v_;
  pk::ModelDefinition model_;
  bool compartments_known_ = false;
  std::optional<double> time_to_peak_min_;  // set when ke0 is to be derived from it
  // ValidateModel field -> the file's field it came from, where they differ.
  std::map<std::string, std::string> source_field_;
  // ValidateModel fields whose problems would only repeat one already reported.
  std::set<std::string> suppressed_;
};

pk::ModelDefinition ModelParser::Parse() {
  // Grouped as in model_json.h.
  // clang-format off
  reader_.RejectUnknown(
      {"name", "title", "citation", "population", "notes", "ke0_provenance", "paediatric",
       "studied_weight_min_kg", "studied_weight_max_kg",
       "compartments", "reference_weight_kg", "volume_weight_exponent",
       "clearance_weight_exponent",
       "v1_l", "v2_l", "v3_l", "cl_l_per_min", "q2_l_per_min", "q3_l_per_min",
       "cl_l_per_h", "q2_l_per_h", "q3_l_per_h",
       "k10_per_min", "k12_per_min", "k21_per_min", "k13_per_min", "k31_per_min",
       "ke0_per_min", "time_to_peak_effect_min",
       "variability", "metabolite",
       "micro_constants", "half_lives_min"},
      "a model file");
  // clang-format on
  ReadDescription();
  ReadShape();
  ReadParameters();
  ReadKe0();
  ReadVariability();
  ReadMetabolite();

  // A placeholder ke0 lets ValidateModel judge the rest before the derivation, which needs it.
  if (time_to_peak_min_) model_.ke0_per_min = 1;
  if (auto status = pk::ValidateModel(model_); !status) {
    MergeModelProblems(status.error());
  } else {
    DeriveKe0();
    CheckDerived();
  }
  return model_;
}

void ModelParser::ReadDescription() {
  if (auto name = reader_.String("name")) {
    if (!IsValidName(*name)) {
      v_.Add({"name", name->size() > kMaxNameChars
                          ? "must be at most 40 characters, got " + std::to_string(name->size())
                          : "must be 1-40 characters of a-z, 0-9, _ and -, got \"" + *name + "\""});
    }
    model_.name = *name;
  } else if (!reader_.Has("name")) {
    v_.Add({"name", "is required: a short key of a-z, 0-9, _ and - (e.g. \"domino_tpeak1\")"});
  }
  ReadString(reader_, "title", model_.title);
  ReadString(reader_, "citation", model_.citation);
  ReadString(reader_, "population", model_.population);
  ReadString(reader_, "notes", model_.notes);
  ReadString(reader_, "ke0_provenance", model_.ke0_provenance);
  if (auto paediatric = reader_.Bool("paediatric")) model_.paediatric = *paediatric;

  auto low = reader_.Number("studied_weight_min_kg");
  auto high = reader_.Number("studied_weight_max_kg");
  if (low && v_.NonNegative("studied_weight_min_kg", *low)) model_.studied_weight_min_kg = *low;
  if (high && v_.NonNegative("studied_weight_max_kg", *high)) model_.studied_weight_max_kg = *high;
  if (model_.studied_weight_min_kg > 0 && model_.studied_weight_max_kg > 0) {
    v_.Require(
        model_.studied_weight_max_kg >= model_.studied_weight_min_kg, "studied_weight_max_kg",
        "must not be below studied_weight_min_kg (" + FormatNumber(model_.studied_weight_min_kg) +
            "), got " + FormatNumber(model_.studied_weight_max_kg));
  }
}

void ModelParser::ReadShape() {
  if (auto compartments = reader_.Number("compartments")) {
    const double c = *compartments;
    compartments_known_ = c == 1 || c == 2 || c == 3;
    v_.Require(compartments_known_, "compartments", "must be 1, 2 or 3, got " + FormatNumber(c));
    if (compartments_known_) model_.compartments = static_cast<int>(c);
  } else if (!reader_.Has("compartments")) {
    v_.Add({"compartments", "is required: 1, 2 or 3"});
  }
  // Unknown: 0, so that ValidateModel judges only V1 and CL rather than demanding V2..Q3 of a
  // model that may not have them.
  if (!compartments_known_) model_.compartments = 0;

  if (auto weight = reader_.Number("reference_weight_kg")) {
    // Individualize() accepts only these weights, and ke0 and the derived values are computed
    // at the reference weight.
    if (v_.InRange("reference_weight_kg", *weight, pk::kMinWeightKg, pk::kMaxWeightKg, "kg")) {
      model_.reference_weight_kg = *weight;
    }
  }
  if (auto exponent = reader_.Number("volume_weight_exponent")) {
    model_.volume_weight_exponent = *exponent;
  }
  if (auto exponent = reader_.Number("clearance_weight_exponent")) {
    model_.clearance_weight_exponent = *exponent;
  }
}

std::optional<double> ModelParser::PositiveParameter(std::string_view key) {
  auto value = reader_.Number(key);
  if (value && !v_.Positive(key, *value)) return std::nullopt;
  return value;
}

std::string ModelParser::RequiredReason() const {
  return compartments_known_ ? "is required for a " + CompartmentWord(model_.compartments)
                             : std::string("is required");
}

bool ModelParser::Needed(int first_compartments) const {
  // With the count unknown, only what every model needs is demanded.
  return compartments_known_ ? first_compartments <= model_.compartments : first_compartments == 1;
}

void ModelParser::ReadParameters() {
  // Every parameter present is read and checked (type, sign, compartment count) whatever the
  // form, so that all its problems are reported in one round.
  std::map<std::string, double> values;
  std::vector<std::string> given_a, given_k;  // the form A (v1_l aside) and B fields present
  auto read = [&](const char* field, int first_compartments, std::vector<std::string>* given) {
    if (!reader_.Has(field)) return;
    if (given) given->push_back(field);
    if (compartments_known_ && first_compartments > model_.compartments) {
      v_.Add({field, "is for a " + CompartmentWord(first_compartments) + " but compartments is " +
                         std::to_string(model_.compartments) +
                         ": remove it or raise compartments"});
    }
    if (auto value = PositiveParameter(field)) values[field] = *value;
  };
  read("v1_l", 1, nullptr);
  for (const ParameterField& p : kVolumesAndClearances) {
    read(p.field, p.first_compartments, &given_a);
    if (p.per_hour) read(p.per_hour, p.first_compartments, &given_a);
  }
  for (const MicroField& k : kMicroConstants) read(k.field, k.first_compartments, &given_k);

  if (values.count("v1_l")) model_.v1_l = values["v1_l"];
  if (!reader_.Has("v1_l")) v_.Add({"v1_l", RequiredReason()});

  if (!given_k.empty() && !given_a.empty()) {
    std::string listed;
    for (const std::string& field : given_a) listed += (listed.empty() ? "" : ", ") + field;
    for (const std::string& field : given_k) {
      v_.Add({field, "cannot be combined with volumes and clearances (" + listed +
                         "): give v1_l with either micro-constants or volumes and clearances"});
    }
    // Which form was meant is unknown, so neither is completed nor judged further.
    for (const ParameterField& p : kVolumesAndClearances) suppressed_.insert(p.field);
    return;
  }

  if (!given_k.empty()) {
    // Form B.
    pk::MicroConstants k;
    bool complete = values.count("v1_l") > 0;
    for (const MicroField& micro : kMicroConstants) {
      source_field_[micro.derives] = micro.field;
      if (values.count(micro.field)) {
        k.*micro.member = values[micro.field];
      } else if (Needed(micro.first_compartments)) {
        complete = false;
        if (!reader_.Has(micro.field)) {
          v_.Add({micro.field, RequiredReason() + " given as micro-constants"});
        }
      }
    }
    // The derived parameters would only repeat the problems of the micro-constants.
    if (!complete) {
      for (const MicroField& micro : kMicroConstants) suppressed_.insert(micro.derives);
    }
    pk::SetFromMicroConstants(model_, model_.v1_l, k);
    return;
  }

  // Form A.
  for (const ParameterField& p : kVolumesAndClearances) {
    const bool has_per_min = reader_.Has(p.field);
    const bool has_per_hour = p.per_hour != nullptr && reader_.Has(p.per_hour);
    if (has_per_min && has_per_hour) {
      v_.Add({p.per_hour,
              std::string("conflicts with ") + p.field + ": give this clearance in one unit only"});
    }
    if (has_per_min) {
      if (values.count(p.field)) model_.*p.member = values[p.field];
    } else if (has_per_hour) {
      if (values.count(p.per_hour)) model_.*p.member = values[p.per_hour] / kMinPerHour;
      source_field_[p.field] = p.per_hour;
    } else if (Needed(p.first_compartments)) {
      std::string reason = RequiredReason();
      if (p.per_hour) reason += std::string(" (or ") + p.per_hour + " in L/h)";
      v_.Add({p.field, reason});
    }
  }
}

void ModelParser::ReadKe0() {
  const bool has_ke0 = reader_.Has("ke0_per_min");
  const bool has_peak = reader_.Has("time_to_peak_effect_min");
  const auto ke0 = reader_.Number("ke0_per_min");
  const auto peak = reader_.Number("time_to_peak_effect_min");
  if (has_ke0 && has_peak) {
    v_.Add({"time_to_peak_effect_min",
            "conflicts with ke0_per_min: give either ke0_per_min or time_to_peak_effect_min"});
  } else if (!has_ke0 && !has_peak) {
    v_.Add({"ke0_per_min",
            "is required: give ke0_per_min, or time_to_peak_effect_min to derive "
            "it from the time of the effect-site peak after a bolus"});
  }
  if (ke0) model_.ke0_per_min = *ke0;
  if (has_peak && !has_ke0) {
    // Derived only once the rest of the model is known to be sound (DeriveKe0).
    if (peak && v_.Positive("time_to_peak_effect_min", *peak)) {
      time_to_peak_min_ = peak;
    } else {
      model_.ke0_per_min = 1;  // the problem is reported; keep ValidateModel from adding one
    }
  }
}

void ModelParser::ReadVariability() {
  const json* object = reader_.Object("variability");
  if (object == nullptr) return;
  ObjectReader reader(*object, "variability", v_);
  reader.RejectUnknown({"v1_cv", "v2_cv", "v3_cv", "cl_cv", "q2_cv", "q3_cv", "ke0_cv"},
                       "variability (coefficients of variation, 0.3 = 30 %)");
  pk::Variability& iiv = model_.variability;
  // Ranges are ValidateModel's, which names the same fields.
  for (auto [key, target] : {std::pair{"v1_cv", &iiv.v1_cv}, std::pair{"v2_cv", &iiv.v2_cv},
                             std::pair{"v3_cv", &iiv.v3_cv}, std::pair{"cl_cv", &iiv.cl_cv},
                             std::pair{"q2_cv", &iiv.q2_cv}, std::pair{"q3_cv", &iiv.q3_cv},
                             std::pair{"ke0_cv", &iiv.ke0_cv}}) {
    if (auto value = reader.Number(key)) *target = *value;
  }
}

void ModelParser::ReadMetabolite() {
  const json* object = reader_.Object("metabolite");
  if (object == nullptr) return;
  ObjectReader reader(*object, "metabolite", v_);
  reader.RejectUnknown(
      {"name", "fraction_formed", "molar_mass_ratio", "volume_l", "clearance_l_per_min"},
      "metabolite");
  pk::MetaboliteDefinition m;
  if (auto name = reader.String("name")) m.name = *name;
  if (auto value = reader.Number("fraction_formed")) m.fraction_formed = *value;
  if (auto value = reader.Number("molar_mass_ratio")) m.molar_mass_ratio = *value;
  if (auto value = reader.Number("volume_l")) m.volume_l = *value;
  if (auto value = reader.Number("clearance_l_per_min")) m.clearance_l_per_min = *value;
  for (const char* required : {"name", "volume_l", "clearance_l_per_min"}) {
    if (!reader.Has(required)) v_.Add({reader.Field(required), "is required in a metabolite"});
  }
  model_.metabolite = m;
}

void ModelParser::DeriveKe0() {
  if (!time_to_peak_min_) return;
  auto individual = pk::Individualize(model_, model_.reference_weight_kg);
  if (!individual) {
    v_.Merge(individual.error(), "");  // not expected: the reference weight was range-checked
    return;
  }
  auto ke0 = pk::Ke0FromTimeToPeak(*individual, *time_to_peak_min_);
  if (!ke0) {
    // Its problems are already named "time_to_peak_effect_min".
    v_.Merge(ke0.error(), "");
    return;
  }
  model_.ke0_per_min = *ke0;
  if (model_.ke0_provenance.empty()) {
    model_.ke0_provenance =
        "Derived from time_to_peak_effect_min = " + FormatNumber(*time_to_peak_min_) +
        " min in the model file (the ke0 that puts the effect-site peak "
        "after a bolus at that time, at the reference weight).";
  }
}

void ModelParser::CheckDerived() {
  const json* micro = reader_.Object("micro_constants");
  const json* half_lives = reader_.Array("half_lives_min");
  if (micro == nullptr && half_lives == nullptr) return;
  auto individual = pk::Individualize(model_, model_.reference_weight_kg);
  if (!individual) return;
  auto agrees = [](double given, double expected) {
    return std::abs(given - expected) <= kDerivedRelativeTolerance * std::abs(expected);
  };
  const std::string advice = "; it is output only: change the parameters instead, or delete it";

  if (micro != nullptr) {
    ObjectReader reader(*micro, "micro_constants", v_);
    const pk::MicroConstants k = individual->Micro();
    const std::pair<const char*, double> expected[] = {{"k10_per_min", k.k10},
                                                       {"k12_per_min", k.k12},
                                                       {"k21_per_min", k.k21},
                                                       {"k13_per_min", k.k13},
                                                       {"k31_per_min", k.k31}};
    const size_t used = model_.compartments == 1 ? 1 : model_.compartments == 2 ? 3 : 5;
    for (size_t i = 0; i < std::size(expected); ++i) {
      const auto [key, value] = expected[i];
      if (!reader.Has(key)) continue;
      if (i >= used) {
        v_.Add({reader.Field(key),
                "is not a rate constant of a " + CompartmentWord(model_.compartments) + advice});
        continue;
      }
      auto given = reader.Number(key);
      if (given && !agrees(*given, value)) {
        v_.Add({reader.Field(key), "is " + FormatNumber(*given) + " but the parameters give " +
                                       FormatNumber(value) + advice});
      }
    }
    reader.RejectUnknown(
        {"k10_per_min", "k12_per_min", "k21_per_min", "k13_per_min", "k31_per_min"},
        "micro_constants");
  }

  if (half_lives != nullptr) {
    const std::vector<double> expected = pk::SummarizeModel(*individual).half_lives_min;
    bool same = half_lives->size() == expected.size();
    for (size_t i = 0; same && i < expected.size(); ++i) {
      const json& given = (*half_lives)[i];
      same = given.is_number() && agrees(given.get<double>(), expected[i]);
    }
    if (!same) {
      std::string listed;
      for (double t : expected) listed += (listed.empty() ? "" : ", ") + FormatNumber(t);
      v_.Add({"half_lives_min",
              "does not match the parameters, which give [" + listed + "]" + advice});
    }
  }
}

void ModelParser::MergeModelProblems(const Error& error) {
  const std::set<std::string> reported = json_read::FieldsWithProblems(v_);
  for (const FieldProblem& problem : error.problems()) {
    if (suppressed_.count(problem.field)) continue;
    auto source = source_field_.find(problem.field);
    if (source == source_field_.end()) {
      if (!reported.count(problem.field)) v_.Add(problem);
      continue;
    }
    if (reported.count(source->second)) continue;
    v_.Add({source->second,
            problem.reason + " (as " + problem.field + ", derived from " + source->second + ")"});
  }
}

// The fields every model has, in the model file format.
json ParametersToJson(const pk::ModelDefinition& m) {
  json j = json::object();
  j["name"] = m.name;
  j["title"] = m.title;
  j["citation"] = m.citation;
  j["population"] = m.population;
  j["notes"] = m.notes;
  j["ke0_provenance"] = m.ke0_provenance;
  j["paediatric"] = m.paediatric;
  j["studied_weight_min_kg"] = m.studied_weight_min_kg;
  j["studied_weight_max_kg"] = m.studied_weight_max_kg;
  j["compartments"] = m.compartments;
  j["reference_weight_kg"] = m.reference_weight_kg;
  j["volume_weight_exponent"] = m.volume_weight_exponent;
  j["clearance_weight_exponent"] = m.clearance_weight_exponent;
  j["v1_l"] = m.v1_l;
  j["cl_l_per_min"] = m.cl_l_per_min;
  if (m.compartments >= 2) {
    j["v2_l"] = m.v2_l;
    j["q2_l_per_min"] = m.q2_l_per_min;
  }
  if (m.compartments >= 3) {
    j["v3_l"] = m.v3_l;
    j["q3_l_per_min"] = m.q3_l_per_min;
  }
  j["ke0_per_min"] = m.ke0_per_min;
  const pk::Variability& iiv = m.variability;
  j["variability"] = {{"v1_cv", iiv.v1_cv},  {"v2_cv", iiv.v2_cv}, {"v3_cv", iiv.v3_cv},
                      {"cl_cv", iiv.cl_cv},  {"q2_cv", iiv.q2_cv}, {"q3_cv", iiv.q3_cv},
                      {"ke0_cv", iiv.ke0_cv}};
  if (m.metabolite) {
    const pk::MetaboliteDefinition& met = *m.metabolite;
    j["metabolite"] = {{"name", met.name},
                       {"fraction_formed", met.fraction_formed},
                       {"molar_mass_ratio", met.molar_mass_ratio},
                       {"volume_l", met.volume_l},
                       {"clearance_l_per_min", met.clearance_l_per_min}};
  }
  return j;
}

}  // namespace

Result<pk::ModelDefinition> ParseModel(std::string_view json_text) {
  auto root = json_read::ParseJsonText(json_text, "invalid model");
  if (!root) return tl::unexpected(root.error());
  Validator v("invalid model");
  if (!root->is_object()) {
    v.Add({std::string(json_read::kJsonField),
           "a model file must be a JSON object ({...}), got " + json_read::TypeName(*root)});
    return tl::unexpected(v.Finish().error());
  }
  ModelParser parser(*root, v);
  pk::ModelDefinition model = parser.Parse();
  if (auto status = v.Finish(); !status) {
    const std::string message =
        model.name.empty() ? "invalid model" : "invalid model '" + model.name + "'";
    return tl::unexpected(Error(status.error().code(), message, status.error().problems()));
  }
  return model;
}

json ModelToJson(const pk::ModelDefinition& model) {
  json j = ParametersToJson(model);
  // The engine refuses parameters that fail validation, so derive only from a sound model.
  if (!pk::ValidateModel(model)) return j;
  auto individual = pk::Individualize(model, model.reference_weight_kg);
  if (!individual) return j;
  const pk::MicroConstants k = individual->Micro();
  json micro = {{"k10_per_min", k.k10}};
  if (model.compartments >= 2) {
    micro["k12_per_min"] = k.k12;
    micro["k21_per_min"] = k.k21;
  }
  if (model.compartments >= 3) {
    micro["k13_per_min"] = k.k13;
    micro["k31_per_min"] = k.k31;
  }
  j["micro_constants"] = micro;
  // Parameters far outside physiology (k21 = 1e308) pass ValidateModel yet give no finite
  // eigenvalues; nlohmann would write NaN as null, which does not read back as a number.
  const std::vector<double> half_lives = pk::SummarizeModel(*individual).half_lives_min;
  if (std::all_of(half_lives.begin(), half_lives.end(),
                  [](double t) { return std::isfinite(t); })) {
    j["half_lives_min"] = half_lives;
  }
  return j;
}

}  // namespace ketaclinic::pk_json
