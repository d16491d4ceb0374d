#include "cli/inputs.h"

#include <cmath>
#include <fstream>
#include <ostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/validation.h"
#include "pk/registry.h"
#include "pk_json/model_json.h"
#include "pk_json/schedule_json.h"

#include "clinical_json/protocol_json.h"

namespace ketaclinic::cli {

Result<std::string> ReadTextFile(const std::string& path, const std::string& field) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return tl::unexpected(
        Error(ErrorCode::kIo, "cannot read " + path, {FieldProblem{field, "cannot open " + path}}));
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

Status WriteTextFile(const std::string& path, const std::string& text, const std::string& field) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    return tl::unexpected(Error(ErrorCode::kIo, "cannot write " + path,
                                {FieldProblem{field, "cannot write " + path}}));
  }
  return OkStatus();
}

Result<pk::ModelDefinition> LoadModel(const ModelChoice& choice) {
  if (choice.name.empty() == choice.file.empty()) {
    return tl::unexpected(
        Error::InvalidArgument("--model", "give either --model NAME or --model-file FILE"));
  }
  Result<pk::ModelDefinition> model;
  if (!choice.file.empty()) {
    auto text = ReadTextFile(choice.file, "--model-file");
    if (!text) return tl::unexpected(text.error());
    model = pk_json::ParseModel(*text);
    if (!model) {
      const Error& error = model.error();
      return tl::unexpected(Error(error.code(),
                                  "invalid model file " + choice.file + ": " + error.message(),
                                  error.problems()));
    }
  } else {
    model = pk::FindModel(choice.name);
    if (!model) return model;
  }
  if (choice.ke0_per_min) {
    Validator v("invalid ke0");
    v.InRange("--ke0-per-min", *choice.ke0_per_min, 1e-4, 1000, "/min");
    if (auto status = v.Finish(); !status) return tl::unexpected(status.error());
    model->ke0_per_min = *choice.ke0_per_min;
    model->ke0_provenance = "set on the command line (--ke0-per-min)";
  }
  return model;
}

Result<double> RequireWeight(const std::optional<double>& weight_kg) {
  if (!weight_kg) {
    return tl::unexpected(Error::InvalidArgument("--weight-kg", "is required (body weight in kg)"));
  }
  return *weight_kg;
}

Result<IndividualModel> LoadIndividualModel(const ModelChoice& choice,
                                            const std::optional<double>& weight_kg) {
  auto model = LoadModel(choice);
  if (!model) return tl::unexpected(model.error());
  auto weight = RequireWeight(weight_kg);
  if (!weight) return tl::unexpected(weight.error());
  auto parameters = pk::Individualize(*model, *weight);
  if (!parameters) return tl::unexpected(parameters.error());
  return IndividualModel{std::move(*model), *weight, std::move(*parameters)};
}

Result<pk::Schedule> LoadSchedule(const DoseChoice& choice, double weight_kg) {
  const bool has_dose = choice.dose_mg_per_kg || choice.dose_mg || choice.over_min;
  if (!choice.schedule_file.empty()) {
    if (has_dose) {
      return tl::unexpected(Error::InvalidArgument(
          "--schedule", "give either --schedule or --dose-mg-per-kg/--dose-mg with --over-min"));
    }
    auto text = ReadTextFile(choice.schedule_file, "--schedule");
    if (!text) return tl::unexpected(text.error());
    auto schedule = pk_json::ParseSchedule(*text);
    if (!schedule) {
      const Error& error = schedule.error();
      return tl::unexpected(Error(
          error.code(), "invalid schedule file " + choice.schedule_file + ": " + error.message(),
          error.problems()));
    }
    return schedule;
  }
  Validator v("invalid dose");
  v.Require(choice.dose_mg_per_kg.has_value() || choice.dose_mg.has_value(), "--dose-mg-per-kg",
            "give a dose (--dose-mg-per-kg or --dose-mg) or a --schedule file");
  v.Require(!(choice.dose_mg_per_kg && choice.dose_mg), "--dose-mg",
            "give either --dose-mg-per-kg or --dose-mg, not both");
  v.Require(choice.over_min.has_value(), "--over-min", "is required with a dose (minutes)");
  if (choice.dose_mg_per_kg)
    v.InRange("--dose-mg-per-kg", *choice.dose_mg_per_kg, 0.001, 20, "mg/kg");
  if (choice.dose_mg) v.Positive("--dose-mg", *choice.dose_mg);
  if (choice.over_min) v.InRange("--over-min", *choice.over_min, 0.01, 24 * 60, "min");
  if (auto status = v.Finish(); !status) return tl::unexpected(status.error());
  // Validation above guarantees a dose and a duration; value_or keeps the access checked.
  const double dose_mg =
      choice.dose_mg ? *choice.dose_mg : choice.dose_mg_per_kg.value_or(0) * weight_kg;
  pk::Schedule schedule = pk::ConstantInfusion(dose_mg, choice.over_min.value_or(0));
  if (auto status = pk::ValidateSchedule(schedule); !status) {
    return tl::unexpected(status.error());
  }
  return schedule;
}

Status ApplyCv(const std::string& text, pk::Variability& variability) {
  Validator v("invalid --cv");
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const size_t equals = item.find('=');
    if (equals == std::string::npos) {
      v.Add({"cv", "'" + item + "' is not NAME=VALUE (e.g. cl=0.3)"});
      continue;
    }
    const std::string name = item.substr(0, equals);
    const std::string value_text = item.substr(equals + 1);
    char* end = nullptr;
    const double value = std::strtod(value_text.c_str(), &end);
    if (value_text.empty() || end == nullptr || *end != '\0' || !std::isfinite(value)) {
      v.Add({"cv." + name, "'" + value_text + "' is not a number"});
      continue;
    }
    double* target = name == "v1"    ? &variability.v1_cv
                     : name == "v2"  ? &variability.v2_cv
                     : name == "v3"  ? &variability.v3_cv
                     : name == "cl"  ? &variability.cl_cv
                     : name == "q2"  ? &variability.q2_cv
                     : name == "q3"  ? &variability.q3_cv
                     : name == "ke0" ? &variability.ke0_cv
                                     : nullptr;
    if (target == nullptr) {
      v.Add({"cv." + name, "unknown parameter; use v1, v2, v3, cl, q2, q3 or ke0"});
      continue;
    }
    if (v.InRange("cv." + name, value, 0, 3, "(0.3 = 30 %)")) *target = value;
  }
  return v.Finish();
}

std::vector<std::string> ModelWarnings(const pk::ModelDefinition& model, double weight_kg) {
  std::vector<std::string> warnings;
  if (model.studied_weight_max_kg > 0 &&
      (weight_kg < model.studied_weight_min_kg || weight_kg > model.studied_weight_max_kg)) {
    warnings.push_back("weight " + FormatNumber(weight_kg) + " kg is outside the " +
                       FormatNumber(model.studied_weight_min_kg) + "-" +
                       FormatNumber(model.studied_weight_max_kg) + " kg the " + model.title +
                       " model was built from; predictions are extrapolated");
  }
  if (model.paediatric) {
    warnings.push_back(model.title + " is a paediatric model; do not use it to dose adults");
  }
  return warnings;
}

Result<clinical::Protocol> LoadProtocol(const std::string& path) {
  if (path.empty()) return clinical::DefaultProtocol();
  auto text = ReadTextFile(path, "--protocol");
  if (!text) return tl::unexpected(text.error());
  auto protocol = clinical_json::ParseProtocolText(*text);
  if (!protocol) {
    const Error& error = protocol.error();
    return tl::unexpected(Error(error.code(), "invalid protocol file " + path, error.problems()));
  }
  return protocol;
}

int ReportError(const Error& error, Format format, std::ostream& out, std::ostream& err) {
  if (format == Format::kJson) {
    nlohmann::json problems = nlohmann::json::array();
    for (const FieldProblem& problem : error.problems()) {
      problems.push_back({{"field", problem.field}, {"reason", problem.reason}});
    }
    nlohmann::json body = {{"error",
                            {{"code", ErrorCodeName(error.code())},
                             {"message", error.message()},
                             {"problems", problems}}}};
    out << body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  } else {
    err << "error: " << error.ToString() << '\n';
  }
  return error.code() == ErrorCode::kInvalidArgument || error.code() == ErrorCode::kNotFound ? 2
                                                                                             : 1;
}

}  // namespace ketaclinic::cli
