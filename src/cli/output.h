#ifndef KETACLINIC_CLI_OUTPUT_H_
#define KETACLINIC_CLI_OUTPUT_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "clinical/finding.h"

namespace ketaclinic::cli {

// "12.35" with `decimals` digits after the point; "-" for NaN.
std::string Fixed(double value, int decimals);
// Round-trip precision (17 significant digits) for CSV and JSON consumers.
std::string Full(double value);

// A plain-text table with right-aligned columns, for --format table.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// Writes rows of a CSV file; cells are numbers or plain identifiers, so no quoting is needed.
void WriteCsvRow(std::ostream& out, const std::vector<std::string>& cells);

// One finding per line as "severity [rule] message", its source on the next line: the table
// form every clinical command prints.
void PrintFindings(const std::vector<clinical::Finding>& findings, std::ostream& out);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_OUTPUT_H_
