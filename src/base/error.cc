#include "base/error.h"

#include <cstdio>
#include <cstdlib>

namespace ketaclinic {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kOutOfRange:
      return "out_of_range";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Error Error::InvalidArgument(std::string field, std::string reason) {
  std::string message = "invalid " + field + ": " + reason;
  return Error(ErrorCode::kInvalidArgument, std::move(message),
               {FieldProblem{std::move(field), std::move(reason)}});
}

Error Error::NotFound(std::string message) {
  return Error(ErrorCode::kNotFound, std::move(message));
}

Error Error::OutOfRange(std::string message) {
  return Error(ErrorCode::kOutOfRange, std::move(message));
}

Error Error::Io(std::string message) { return Error(ErrorCode::kIo, std::move(message)); }

Error Error::Internal(std::string message) {
  return Error(ErrorCode::kInternal, std::move(message));
}

std::string Error::ToString() const {
  std::string text = message_;
  for (const FieldProblem& problem : problems_) {
    text += "\n  ";
    text += problem.field;
    text += ": ";
    text += problem.reason;
  }
  return text;
}

Error Error::WithFieldPrefix(const std::string& prefix) && {
  for (FieldProblem& problem : problems_) problem.field = prefix + problem.field;
  return std::move(*this);
}

namespace internal {
void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "KC_CHECK failed: %s at %s:%d\n", condition, file, line);
  std::abort();
}
}  // namespace internal

}  // namespace ketaclinic
