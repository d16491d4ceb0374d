#ifndef KETACLINIC_CLI_DEMO_COMMAND_H_
#define KETACLINIC_CLI_DEMO_COMMAND_H_

// `ketaclinic demo`: fills a database with a synthetic clinic (store/demo_clinic.h;
// docs/DEMO.md). Exit status: 0 written, 2 bad input (a bad option, or a database that already
// has patients without --append), 1 anything else.

#include <cstdint>
#include <iosfwd>
#include <string>

namespace ketaclinic::cli {

struct DemoCommandOptions {
  std::string db = "sqlite:ketaclinic.db";
  int patients = 100;
  uint64_t seed = 1;
  bool append = false;        // add to a database that already has patients
  bool json = false;          // the summary as JSON
  bool progress_bar = false;  // a redrawn bar (a terminal); else one plain line per batch
};

// Progress goes to `err`, the summary to `out`.
int RunDemo(const DemoCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_DEMO_COMMAND_H_
