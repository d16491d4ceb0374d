#ifndef KETACLINIC_BASE_ERROR_H_
#define KETACLINIC_BASE_ERROR_H_

#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace ketaclinic {

// The kind of an expected failure. A rule verdict is not an error: it is a list of findings.
enum class ErrorCode {
  kInvalidArgument,     // the caller's input is wrong; `problems` names each bad field
  kNotFound,            // a named thing (model, record) does not exist
  kFailedPrecondition,  // the request is valid but the system is not in a state to do it
  kOutOfRange,          // a computation left its supported domain (e.g. a horizon too short)
  kIo,                  // a file or device could not be read or written
  kInternal,            // a bug; should never reach a user
};

const char* ErrorCodeName(ErrorCode code);

// One bad field: its path in the input ("events[2].dose_mg") and why it is bad.
struct FieldProblem {
  std::string field;
  std::string reason;

  friend bool operator==(const FieldProblem&, const FieldProblem&) = default;
};

// An expected failure, as a value. Carries every problem found, not just the first, so that a
// user can fix all of them in one round.
class Error {
 public:
  Error(ErrorCode code, std::string message, std::vector<FieldProblem> problems = {})
      : code_(code), message_(std::move(message)), problems_(std::move(problems)) {}

  static Error InvalidArgument(std::string field, std::string reason);
  static Error NotFound(std::string message);
  static Error OutOfRange(std::string message);
  static Error Io(std::string message);
  static Error Internal(std::string message);

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldProblem>& problems() const { return problems_; }

  // The message followed by one line per problem: "field: reason".
  std::string ToString() const;

  // Prefixes every problem's field with `prefix` ("model." + "v1_l"), for nested inputs.
  Error WithFieldPrefix(const std::string& prefix) &&;

 private:
  ErrorCode code_;
  std::string message_;
  std::vector<FieldProblem> problems_;
};

template <typename T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline Status OkStatus() { return {}; }

}  // namespace ketaclinic

// Programmer-error check: aborts with the condition and location. Never use it for user input.
#define KC_CHECK(condition)                                                                \
  do {                                                                                     \
    if (!(condition)) ::ketaclinic::internal::CheckFailed(#condition, __FILE__, __LINE__); \
  } while (false)

namespace ketaclinic::internal {
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);
}  // namespace ketaclinic::internal

#endif  // KETACLINIC_BASE_ERROR_H_
