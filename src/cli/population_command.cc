// `ketaclinic population`: the spread of concentrations across simulated patients.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/validation.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/output.h"
#include "cli/plots.h"
#include "cli/progress_bar.h"
#include "pk/population.h"

namespace ketaclinic::cli {
namespace {

// Type-7 percentile of a copy of `values`, for the per-subject distributions.
double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const double h = static_cast<double>(values.size() - 1) * p / 100;
  const size_t low = static_cast<size_t>(h);
  const size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (h - static_cast<double>(low)) * (values[high] - values[low]);
}

std::string Label(double number) { return fmt::format("{:g}", number); }

// Field names in pk's request -> the flags that set them.
std::string RenameField(const std::string& field) {
  if (field == "subjects") return "--subjects";
  if (field == "threads") return "--threads";
  if (field == "weight_kg") return "--weight-kg";
  if (field == "until_min") return "--until-min";
  if (field == "step_min") return "--step-min";
  if (field.rfind("percentiles[", 0) == 0) return "--percentiles" + field.substr(11);
  if (field.rfind("thresholds_ng_per_ml[", 0) == 0)
    return "--threshold-ng-per-ml" + field.substr(20);
  return field;
}

Status WriteSubjects(const std::string& path, const pk::PopulationRequest& request,
                     const pk::PopulationResult& result) {
  std::ofstream file(path, std::ios::trunc);
  if (!file) {
    return tl::unexpected(Error(ErrorCode::kIo, "cannot write " + path,
                                {FieldProblem{"--subjects-out", "cannot open " + path}}));
  }
  auto typical = pk::Individualize(request.model, request.weight_kg);
  KC_CHECK(typical.has_value());
  WriteCsvRow(
      file, {"subject", "v1_l", "v2_l", "v3_l", "cl_l_per_min", "q2_l_per_min", "q3_l_per_min",
             "ke0_per_min", "plasma_cmax_ng_per_ml", "plasma_tmax_min", "plasma_auc_ng_min_per_ml",
             "effect_cmax_ng_per_ml", "effect_tmax_min", "effect_auc_ng_min_per_ml"});
  const pk::SubjectSummaries& s = result.subjects;
  for (int64_t i = 0; i < request.subjects; ++i) {
    const pk::IndividualParameters p =
        pk::SampleSubject(*typical, request.model.variability, request.seed, i);
    const size_t k = static_cast<size_t>(i);
    WriteCsvRow(file,
                {std::to_string(i), Full(p.v1_l), Full(p.v2_l), Full(p.v3_l), Full(p.cl_l_per_min),
                 Full(p.q2_l_per_min), Full(p.q3_l_per_min), Full(p.ke0_per_min),
                 Full(s.plasma_cmax_ng_per_ml[k]), Full(s.plasma_tmax_min[k]),
                 Full(s.plasma_auc_ng_min_per_ml[k]), Full(s.effect_cmax_ng_per_ml[k]),
                 Full(s.effect_tmax_min[k]), Full(s.effect_auc_ng_min_per_ml[k])});
  }
  file.close();
  if (!file) return tl::unexpected(Error::Io("cannot write " + path));
  return OkStatus();
}

}  // namespace

int RunPopulation(const PopulationOptions& options, std::ostream& out, std::ostream& err) {
  auto fail = [&](const Error& error) {
    std::vector<FieldProblem> problems = error.problems();
    for (FieldProblem& p : problems) p.field = RenameField(p.field);
    return ReportError(Error(error.code(), error.message(), problems), options.format, out, err);
  };
  auto model = LoadModel(options.model);
  if (!model) return fail(model.error());
  if (!options.cv.empty()) {
    if (auto status = ApplyCv(options.cv, model->variability); !status) return fail(status.error());
  }
  auto weight = RequireWeight(options.weight_kg);
  if (!weight) return fail(weight.error());
  auto schedule = LoadSchedule(options.dose, *weight);
  if (!schedule) return fail(schedule.error());

  pk::PopulationRequest request;
  request.model = *model;
  request.weight_kg = *weight;
  request.schedule = *schedule;
  request.grid = {options.until_min, options.step_min};
  request.subjects = options.subjects;
  request.seed = options.seed;
  request.threads = options.threads;
  request.percentiles.clear();
  if (!(options.percentiles.size() == 1 && options.percentiles[0] == "none")) {
    Validator v("invalid --percentiles");
    for (const std::string& text : options.percentiles) {
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0') {
        v.Add({"--percentiles", "'" + text + "' is not a number (or use 'none')"});
      } else {
        request.percentiles.push_back(value);
      }
    }
    if (auto status = v.Finish(); !status) return fail(status.error());
  }
  request.thresholds_ng_per_ml = options.thresholds_ng_per_ml;

  ProgressBar bar(err, "simulating");
  pk::ProgressCallback progress;
  if (options.progress) progress = [&bar](int64_t done, int64_t total) { bar.Update(done, total); };
  const auto start = std::chrono::steady_clock::now();
  auto result = pk::SimulatePopulation(request, progress);
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.progress) bar.Finish();
  if (!result) return fail(result.error());
  const double per_second = static_cast<double>(options.subjects) / elapsed_s;

  if (!options.subjects_out.empty()) {
    if (auto status = WriteSubjects(options.subjects_out, request, *result); !status) {
      return fail(status.error());
    }
  }
  if (!options.plot_file.empty()) {
    const std::string svg = RenderPopulationPlot(*model, *weight, options.subjects, *result);
    if (auto status = WriteTextFile(options.plot_file, svg, "--plot"); !status) {
      return fail(status.error());
    }
  }

  const pk::SubjectSummaries& s = result->subjects;
  const std::vector<double>& times = result->time_min;
  struct Distribution {
    std::string name;
    const std::vector<double>* values;
  };
  std::vector<Distribution> distributions = {
      {"plasma_cmax_ng_per_ml", &s.plasma_cmax_ng_per_ml},
      {"plasma_tmax_min", &s.plasma_tmax_min},
      {"plasma_auc_ng_min_per_ml", &s.plasma_auc_ng_min_per_ml},
      {"effect_cmax_ng_per_ml", &s.effect_cmax_ng_per_ml},
      {"effect_tmax_min", &s.effect_tmax_min},
      {"effect_auc_ng_min_per_ml", &s.effect_auc_ng_min_per_ml}};
  for (size_t h = 0; h < result->thresholds_ng_per_ml.size(); ++h) {
    const std::string t = Label(result->thresholds_ng_per_ml[h]);
    distributions.push_back({"plasma_min_above_" + t, &s.plasma_min_above[h]});
    distributions.push_back({"effect_min_above_" + t, &s.effect_min_above[h]});
  }
  const std::vector<double> summary_percentiles = {5, 25, 50, 75, 95};

  // Per-time columns: percentiles, then fractions above thresholds.
  std::vector<std::string> header = {"time_min"};
  for (double p : result->percentiles) header.push_back("plasma_p" + Label(p) + "_ng_per_ml");
  for (double p : result->percentiles) header.push_back("effect_p" + Label(p) + "_ng_per_ml");
  for (double t : result->thresholds_ng_per_ml) {
    header.push_back("plasma_fraction_above_" + Label(t));
    header.push_back("effect_fraction_above_" + Label(t));
  }
  auto row_at = [&](size_t i, auto&& format) {
    std::vector<std::string> row = {format(times[i])};
    for (const auto& series : result->plasma_percentiles_ng_per_ml)
      row.push_back(format(series[i]));
    for (const auto& series : result->effect_percentiles_ng_per_ml)
      row.push_back(format(series[i]));
    for (size_t h = 0; h < result->thresholds_ng_per_ml.size(); ++h) {
      row.push_back(format(result->plasma_fraction_above[h][i]));
      row.push_back(format(result->effect_fraction_above[h][i]));
    }
    return row;
  };

  switch (options.format) {
    case Format::kCsv:
      WriteCsvRow(out, header);
      for (size_t i = 0; i < times.size(); ++i) {
        WriteCsvRow(out, row_at(i, [](double x) { return Full(x); }));
      }
      break;
    case Format::kJson: {
      nlohmann::json per_time = nlohmann::json::array();
      for (size_t i = 0; i < times.size(); ++i) {
        nlohmann::json point = {{"time_min", times[i]}};
        for (size_t p = 0; p < result->percentiles.size(); ++p) {
          point["plasma_percentiles_ng_per_ml"][Label(result->percentiles[p])] =
              result->plasma_percentiles_ng_per_ml[p][i];
          point["effect_percentiles_ng_per_ml"][Label(result->percentiles[p])] =
              result->effect_percentiles_ng_per_ml[p][i];
        }
        for (size_t h = 0; h < result->thresholds_ng_per_ml.size(); ++h) {
          const std::string t = Label(result->thresholds_ng_per_ml[h]);
          point["plasma_fraction_above"][t] = result->plasma_fraction_above[h][i];
          point["effect_fraction_above"][t] = result->effect_fraction_above[h][i];
        }
        per_time.push_back(point);
      }
      nlohmann::json subjects;
      for (const Distribution& d : distributions) {
        for (double p : summary_percentiles)
          subjects[d.name]["p" + Label(p)] = Percentile(*d.values, p);
      }
      nlohmann::json body = {{"model", model->name},
                             {"weight_kg", *weight},
                             {"subjects", options.subjects},
                             {"seed", options.seed},
                             {"threads", options.threads},
                             {"elapsed_s", elapsed_s},
                             {"subjects_per_s", per_second},
                             {"matrix_exponential_subjects", result->matrix_exponential_subjects},
                             {"per_time", per_time},
                             {"per_subject_percentiles", subjects},
                             {"warnings", ModelWarnings(*model, *weight)}};
      out << body.dump(2) << '\n';
      break;
    }
    case Format::kTable: {
      out << model->title << ", " << Fixed(*weight, 1) << " kg, " << options.subjects
          << " subjects, seed " << options.seed << ", " << options.threads
          << " thread(s): " << Fixed(elapsed_s, 3) << " s (" << Fixed(per_second, 0)
          << " subjects/s)\n";
      for (const std::string& warning : ModelWarnings(*model, *weight)) {
        out << "warning: " << warning << '\n';
      }
      TextTable table(header);
      for (size_t i = 0; i < times.size(); ++i) {
        table.AddRow(row_at(i, [](double x) { return Fixed(x, 2); }));
      }
      table.Print(out);
      out << "\nper subject:\n";
      std::vector<std::string> dist_header = {"quantity"};
      for (double p : summary_percentiles) dist_header.push_back("p" + Label(p));
      TextTable dist(dist_header);
      for (const Distribution& d : distributions) {
        std::vector<std::string> row = {d.name};
        for (double p : summary_percentiles) row.push_back(Fixed(Percentile(*d.values, p), 1));
        dist.AddRow(row);
      }
      dist.Print(out);
      break;
    }
  }
  return 0;
}

}  // namespace ketaclinic::cli
