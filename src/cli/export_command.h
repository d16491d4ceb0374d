#ifndef KETACLINIC_CLI_EXPORT_COMMAND_H_
#define KETACLINIC_CLI_EXPORT_COMMAND_H_

// `ketaclinic export csv`: the outcomes of every course for research, one row per depression
// scale score per course timepoint, pseudonymous (docs/formats/outcomes-csv.md). Exit status:
// 0 written, 2 bad input, 1 anything else.

#include <iosfwd>
#include <string>
#include <string_view>

namespace ketaclinic::cli {

struct ExportCsvOptions {
  std::string db = "sqlite:ketaclinic.db";
  std::string out_file;  // empty: standard output
};

int RunExportCsv(const ExportCsvOptions& options, std::ostream& out, std::ostream& err);

// One CSV field per RFC 4180: quoted (with inner quotes doubled) when it holds a comma, a
// quote, CR or LF; as is otherwise.
std::string CsvField(std::string_view text);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_EXPORT_COMMAND_H_
