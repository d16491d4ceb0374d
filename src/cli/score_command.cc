// `ketaclinic score`: a rating scale from its item responses (clinical/scales.h).

#include <cctype>
#include <charconv>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/validation.h"
#include "cli/commands.h"
#include "cli/inputs.h"

#include "clinical/finding.h"
#include "clinical/scales.h"
#include "clinical_json/finding_json.h"

namespace ketaclinic::cli {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

// A whole number, or nothing for anything else ("", "1.5", "two", "3x", too large for an int).
std::optional<int> ParseItem(std::string_view text) {
  text = Trim(text);
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string ItemField(size_t index) { return "items[" + std::to_string(index) + "]"; }

// Parses the scale and the items and validates them, naming every problem at once: an unknown
// scale, items that are not whole numbers, and (when the scale is known) a wrong count and every
// item out of range, in item order.
Result<clinical::ScaleScore> ScoreInput(const ScoreOptions& options) {
  const Result<clinical::Scale> scale = clinical::ParseScaleName(options.scale);
  std::vector<int> values;
  values.reserve(options.items.size());
  std::map<size_t, FieldProblem> not_numbers;
  for (size_t i = 0; i < options.items.size(); ++i) {
    const std::optional<int> value = ParseItem(options.items[i]);
    if (!value) {
      not_numbers.emplace(
          i, FieldProblem{ItemField(i), "must be a whole number, got '" + options.items[i] +
                                            "' (item " + std::to_string(i + 1) + ")"});
    }
    // 0 stands in for an unreadable item: every scale accepts it, so the scale's own checks
    // report only the other items.
    values.push_back(value.value_or(0));
  }
  if (scale && not_numbers.empty()) return clinical::ScoreScale(*scale, values);

  Validator v(scale ? std::string("invalid ") + clinical::GetScaleInfo(*scale).title + " items"
                    : std::string("invalid score input"));
  std::map<std::string, FieldProblem> range_problems;
  if (scale) {
    if (Status valid = clinical::ValidateItems(*scale, values); !valid) {
      for (const FieldProblem& problem : valid.error().problems()) {
        range_problems.emplace(problem.field, problem);
      }
    }
  } else {
    v.Merge(scale.error(), "");
  }
  if (auto count = range_problems.find("items"); count != range_problems.end()) {
    v.Add(count->second);
    range_problems.erase(count);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (auto bad = not_numbers.find(i); bad != not_numbers.end()) {
      v.Add(bad->second);
    } else if (auto out = range_problems.find(ItemField(i)); out != range_problems.end()) {
      v.Add(out->second);
      range_problems.erase(out);
    }
  }
  for (const auto& [field, problem] : range_problems) v.Add(problem);  // none expected
  if (Status valid = v.Finish(); !valid) return tl::unexpected(valid.error());
  return tl::unexpected(Error::Internal("score input rejected without a problem"));
}

nlohmann::json ToJson(const clinical::ScaleScore& score) {
  const clinical::ScaleInfo& info = clinical::GetScaleInfo(score.scale);
  nlohmann::json subscores = nlohmann::json::array();
  for (const clinical::Subscore& s : score.subscores) {
    subscores.push_back({{"name", s.name}, {"score", s.score}});
  }
  const nlohmann::json findings = clinical_json::FindingsToJson(score.findings);
  return {{"scale", info.name},   {"title", info.title},         {"total", score.total},
          {"min_total", 0},       {"max_total", info.total_max}, {"band", score.band},
          {"items", score.items}, {"subscores", subscores},      {"findings", findings},
          {"source", info.source}};
}

std::string Upper(const char* text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

void PrintTable(const clinical::ScaleScore& score, std::ostream& out) {
  const clinical::ScaleInfo& info = clinical::GetScaleInfo(score.scale);
  out << "scale:     " << info.title << " (" << info.name << ")\n";
  out << "total:     " << score.total << " (range 0-" << info.total_max << ")\n";
  out << "band:      " << score.band << '\n';
  out << "items:     ";
  for (size_t i = 0; i < score.items.size(); ++i) out << (i ? "," : "") << score.items[i];
  out << '\n';
  if (!score.subscores.empty()) {
    out << "subscores: ";
    for (size_t i = 0; i < score.subscores.size(); ++i) {
      out << (i ? ", " : "") << score.subscores[i].name << ' ' << score.subscores[i].score;
    }
    out << '\n';
  }
  if (score.findings.empty()) {
    out << "findings:  none\n";
  } else {
    out << "findings:\n";
    for (const clinical::Finding& f : score.findings) {
      out << "  " << Upper(clinical::SeverityName(f.severity)) << ' ' << f.rule_id << ": "
          << f.message << "\n    source: " << f.source << '\n';
    }
  }
  out << "source:    " << info.source << '\n';
}

}  // namespace

int RunScore(const ScoreOptions& options, std::ostream& out, std::ostream& err) {
  if (options.format == Format::kCsv) {
    return ReportError(Error::InvalidArgument("format", "score prints table or json"),
                       options.format, out, err);
  }
  const Result<clinical::ScaleScore> score = ScoreInput(options);
  if (!score) return ReportError(score.error(), options.format, out, err);
  if (options.format == Format::kJson) {
    out << ToJson(*score).dump(2) << '\n';
  } else {
    PrintTable(*score, out);
  }
  // A blocking finding is part of the measurement, not a failure of the command.
  return 0;
}

}  // namespace ketaclinic::cli
