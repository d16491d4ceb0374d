#include "base/validation.h"

#include <cmath>
#include <cstdio>

namespace ketaclinic {

std::string FormatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

void Validator::Require(bool ok, std::string_view field, std::string_view reason) {
  if (!ok) problems_.push_back(FieldProblem{std::string(field), std::string(reason)});
}

// Reasons are built only for a failing field: validation runs on every simulation, and
// formatting numbers into strings would cost more than the simulation itself.
bool Validator::Finite(std::string_view field, double value) {
  const bool ok = std::isfinite(value);
  if (!ok) Add({std::string(field), "must be a finite number, got " + FormatNumber(value)});
  return ok;
}

bool Validator::Positive(std::string_view field, double value) {
  if (!Finite(field, value)) return false;
  const bool ok = value > 0.0;
  if (!ok) Add({std::string(field), "must be greater than 0, got " + FormatNumber(value)});
  return ok;
}

bool Validator::NonNegative(std::string_view field, double value) {
  if (!Finite(field, value)) return false;
  const bool ok = value >= 0.0;
  if (!ok) Add({std::string(field), "must not be negative, got " + FormatNumber(value)});
  return ok;
}

bool Validator::InRange(std::string_view field, double value, double low, double high,
                        std::string_view unit) {
  if (!Finite(field, value)) return false;
  const bool ok = value >= low && value <= high;
  if (!ok) {
    std::string reason = "must be between " + FormatNumber(low) + " and " + FormatNumber(high);
    if (!unit.empty()) reason += " " + std::string(unit);
    reason += ", got " + FormatNumber(value);
    Add({std::string(field), std::move(reason)});
  }
  return ok;
}

void Validator::Merge(const Error& error, std::string_view prefix) {
  if (error.problems().empty()) {
    problems_.push_back(FieldProblem{std::string(prefix), error.message()});
    return;
  }
  for (const FieldProblem& problem : error.problems()) {
    problems_.push_back(FieldProblem{std::string(prefix) + problem.field, problem.reason});
  }
}

Status Validator::Finish() const {
  if (problems_.empty()) return OkStatus();
  return tl::unexpected(Error(ErrorCode::kInvalidArgument, message_, problems_));
}

}  // namespace ketaclinic
