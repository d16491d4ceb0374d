#include "cli/output.h"

#include <algorithm>
#include <cmath>
#include <ostream>

#include <fmt/format.h>

namespace ketaclinic::cli {

std::string Fixed(double value, int decimals) {
  if (std::isnan(value)) return "-";
  return fmt::format("{:.{}f}", value, decimals);
}

std::string Full(double value) { return fmt::format("{:.17g}", value); }

void TextTable::Print(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = headers_[c].size();
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  auto print_row = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < widths.size(); ++c) {
      const std::string& cell = c < cells.size() ? cells[c] : std::string();
      out << (c == 0 ? "" : "  ") << std::string(widths[c] - cell.size(), ' ') << cell;
    }
    out << '\n';
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

void WriteCsvRow(std::ostream& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) out << (i == 0 ? "" : ",") << cells[i];
  out << '\n';
}

void PrintFindings(const std::vector<clinical::Finding>& findings, std::ostream& out) {
  for (const clinical::Finding& f : findings) {
    out << clinical::SeverityName(f.severity) << " [" << f.rule_id << "] " << f.message << '\n'
        << "    source: " << f.source << '\n';
  }
}

}  // namespace ketaclinic::cli
