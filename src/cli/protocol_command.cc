// `ketaclinic protocol show|check`: the effective protocol with the source of every default,
// and the validation of a clinic's protocol file.

#include "cli/protocol_command.h"

#include <algorithm>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/validation.h"
#include "cli/inputs.h"

#include "clinical/protocol.h"
#include "clinical_json/protocol_json.h"

namespace ketaclinic::cli {
namespace {

using nlohmann::json;

// One protocol key as shown: "section.key", its value as JSON text, the default's.
struct ShownKey {
  std::string key;
  std::string value;
  std::string default_value;
};

// Numbers as people write them ("100", "0.75"), lists as [a, b].
std::string ValueText(const json& value) {
  if (value.is_number_float()) return FormatNumber(value.get<double>());
  if (value.is_array()) {
    std::string text = "[";
    for (size_t i = 0; i < value.size(); ++i) text += (i > 0 ? ", " : "") + ValueText(value[i]);
    return text + "]";
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Every key of every section, in the file's section order and each section's key order.
std::vector<ShownKey> Flatten(const clinical::Protocol& protocol) {
  const json effective = clinical_json::ProtocolToJson(protocol);
  const json defaults = clinical_json::ProtocolToJson(clinical::DefaultProtocol());
  std::vector<ShownKey> keys;
  for (const std::string& section : clinical::ProtocolSectionNames()) {
    for (const auto& [key, value] : effective.at(section).items()) {
      std::string name = section;
      name.append(".").append(key);
      keys.push_back({std::move(name), ValueText(value), ValueText(defaults.at(section).at(key))});
    }
  }
  return keys;
}

void PrintTable(const clinical::Protocol& protocol, std::ostream& out) {
  out << "protocol " << protocol.version << ": " << protocol.title << '\n';
  if (!protocol.approved_by.empty()) {
    out << "approved by " << protocol.approved_by << " on " << protocol.approved_on << '\n';
  } else {
    out << "not approved (no approved_by / approved_on)\n";
  }
  out << "(a * marks a value that differs from the default of clinical.md §6)\n";
  std::map<std::string, std::string> sources;
  for (const clinical::ParameterSource& source : clinical::ProtocolSources()) {
    sources[source.key] = source.source;
  }
  const std::vector<ShownKey> keys = Flatten(protocol);
  size_t width = 0;
  for (const ShownKey& k : keys) width = std::max(width, k.key.size() + k.value.size() + 3);
  std::string section;
  for (const ShownKey& k : keys) {
    const std::string this_section = k.key.substr(0, k.key.find('.'));
    if (this_section != section) {
      section = this_section;
      out << '\n' << '[' << section << "]\n";
    }
    const bool changed = k.value != k.default_value;
    const std::string assignment = k.key.substr(section.size() + 1) + " = " + k.value;
    out << (changed ? "* " : "  ") << assignment
        << std::string(width + 2 - std::min(width + 1, assignment.size()), ' ');
    if (changed) out << "(default " << k.default_value << ") ";
    const auto source = sources.find(k.key);
    out << (source != sources.end() ? source->second : "") << '\n';
  }
}

bool ValidFormat(Format format) { return format == Format::kTable || format == Format::kJson; }

int BadFormat(std::ostream& out, std::ostream& err) {
  return ReportError(Error::InvalidArgument("--format", "must be table or json"), Format::kTable,
                     out, err);
}

}  // namespace

int RunProtocolShow(const ProtocolShowOptions& options, std::ostream& out, std::ostream& err) {
  if (!ValidFormat(options.format)) return BadFormat(out, err);
  auto protocol = LoadProtocol(options.protocol_file);
  if (!protocol) return ReportError(protocol.error(), options.format, out, err);
  if (options.format == Format::kJson) {
    out << clinical_json::ProtocolToJson(*protocol).dump(2, ' ', false,
                                                         json::error_handler_t::replace)
        << '\n';
  } else {
    PrintTable(*protocol, out);
  }
  return 0;
}

int RunProtocolCheck(const ProtocolCheckOptions& options, std::ostream& out, std::ostream& err) {
  if (!ValidFormat(options.format)) return BadFormat(out, err);
  if (options.file.empty()) {
    return ReportError(Error::InvalidArgument("FILE", "is required: a protocol file"),
                       options.format, out, err);
  }
  auto protocol = LoadProtocol(options.file);
  if (!protocol) return ReportError(protocol.error(), options.format, out, err);
  std::vector<std::string> changed;
  for (const ShownKey& k : Flatten(*protocol)) {
    if (k.value != k.default_value) changed.push_back(k.key);
  }
  if (options.format == Format::kJson) {
    out << json{{"valid", true}, {"version", protocol->version}, {"changed_keys", changed}}.dump(2)
        << '\n';
  } else {
    out << "valid protocol " << protocol->version << " (" << changed.size()
        << " key(s) differ from the defaults of clinical.md §6)\n";
    for (const std::string& key : changed) out << "  " << key << '\n';
  }
  return 0;
}

}  // namespace ketaclinic::cli
