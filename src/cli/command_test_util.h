#ifndef KETACLINIC_CLI_COMMAND_TEST_UTIL_H_
#define KETACLINIC_CLI_COMMAND_TEST_UTIL_H_

// Test-only: run a command function as a user would, capturing its streams and status.

#include <sstream>
#include <string>

namespace ketaclinic::cli {

struct CommandOutput {
  int status;
  std::string out;
  std::string err;
};

// `run` is one of the Run* functions of commands.h.
template <typename Options, typename Run>
CommandOutput Invoke(const Options& options, Run run) {
  std::ostringstream out, err;
  const int status = run(options, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_COMMAND_TEST_UTIL_H_
