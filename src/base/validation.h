#ifndef KETACLINIC_BASE_VALIDATION_H_
#define KETACLINIC_BASE_VALIDATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace ketaclinic {

// Collects every problem in an input before answering, so a user sees all of them at once.
//
//   Validator v("invalid schedule");
//   v.Positive("weight_kg", weight_kg);
//   if (auto s = v.Finish(); !s) return tl::unexpected(s.error());
class Validator {
 public:
  explicit Validator(std::string message) : message_(std::move(message)) {}

  // Records a problem for `field` unless `ok`.
  void Require(bool ok, std::string_view field, std::string_view reason);

  // A finite number (not NaN or infinite). Returns whether it was.
  bool Finite(std::string_view field, double value);
  // Finite and > 0.
  bool Positive(std::string_view field, double value);
  // Finite and >= 0.
  bool NonNegative(std::string_view field, double value);
  // Finite and within [low, high]; the reason names the range and unit.
  bool InRange(std::string_view field, double value, double low, double high,
               std::string_view unit);

  void Add(FieldProblem problem) { problems_.push_back(std::move(problem)); }
  // Adds the problems of a nested error, prefixing their fields.
  void Merge(const Error& error, std::string_view prefix);

  bool ok() const { return problems_.empty(); }
  Status Finish() const;

 private:
  std::string message_;
  std::vector<FieldProblem> problems_;
};

// Formats a number for an error message without trailing noise ("0.5", "1e-09", "nan").
std::string FormatNumber(double value);

}  // namespace ketaclinic

#endif  // KETACLINIC_BASE_VALIDATION_H_
