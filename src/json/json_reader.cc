#include "json/json_reader.h"

#include <cctype>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace ketaclinic::json_read {
namespace {

using nlohmann::json;

// Model and schedule files nest three levels deep. A limit far above that keeps the path
// bookkeeping below (whose memory grows with the square of the depth) bounded for any input.
constexpr size_t kMaxDepth = 64;

// Thrown from the parser callback to stop at kMaxDepth; caught in ParseJsonText.
struct TooDeep {};

// Follows the parser's events to know the path of every key, so that a duplicate is named where
// it is ("events[1].dose_mg") rather than only by its name.
class DuplicateKeyFinder {
 public:
  explicit DuplicateKeyFinder(std::vector<FieldProblem>& problems) : problems_(problems) {}

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        Push(/*is_array=*/false);
        break;
      case json::parse_event_t::array_start:
        Push(/*is_array=*/true);
        break;
      case json::parse_event_t::key: {
        Frame& frame = frames_.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second) {
          problems_.push_back(
              FieldProblem{JoinPath(frame.path, frame.key),
                           "appears more than once in the same object; give each field once"});
        }
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        frames_.pop_back();
        ValueDone();
        break;
      case json::parse_event_t::value:
        ValueDone();
        break;
    }
    return true;  // keep everything: this only watches
  }

 private:
  struct Frame {
    std::string path;
    bool is_array = false;
    size_t index = 0;  // of the next element, in an array
    std::string key;   // the last key read, in an object
    std::set<std::string> keys;
  };

  void Push(bool is_array) {
    if (frames_.size() >= kMaxDepth) throw TooDeep{};
    Frame frame;
    frame.path = ChildPath();
    frame.is_array = is_array;
    frames_.push_back(std::move(frame));
  }

  // The path of the value about to start in the innermost container.
  std::string ChildPath() const {
    if (frames_.empty()) return "";
    const Frame& parent = frames_.back();
    if (parent.is_array) return parent.path + "[" + std::to_string(parent.index) + "]";
    return JoinPath(parent.path, parent.key);
  }

  void ValueDone() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }

  std::vector<FieldProblem>& problems_;
  std::vector<Frame> frames_;
};

// Replaces every byte that is not part of a well-formed UTF-8 sequence with '?'. The parser's
// message quotes the offending input, and the error may later be written as JSON, which nlohmann
// refuses to do for ill-formed UTF-8.
std::string SanitizeUtf8(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // no overlong forms
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    }
    bool ok = length > 0 && i + length <= text.size();
    for (size_t k = 1; ok && k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      ok = k == 1 ? (byte >= low && byte <= high) : (byte >= 0x80 && byte <= 0xBF);
    }
    if (ok) {
      clean.append(text.substr(i, length));
      i += length;
    } else {
      clean += '?';
      ++i;
    }
  }
  return clean;
}

// A short rendering of a scalar for a message: 12, "twelve", true. Long strings are cut.
std::string Quote(const json& value) {
  constexpr size_t kMaxChars = 40;
  if (value.is_string() && value.get_ref<const std::string&>().size() > kMaxChars) {
    std::string text = value.get<std::string>();
    size_t cut = kMaxChars;
    // Back up to the start of a UTF-8 sequence so as not to split a character.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return json(text.substr(0, cut) + "...").dump();
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

}  // namespace

Result<json> ParseJsonText(std::string_view text, const std::string& message) {
  std::vector<FieldProblem> duplicates;
  json value;
  // nlohmann reports malformed input only through exceptions if its message is wanted (the
  // allow_exceptions=false form returns a bare "discarded"), so catch them here, at the edge.
  try {
    value = json::parse(text.begin(), text.end(), DuplicateKeyFinder(duplicates),
                        /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const json::parse_error& e) {
    return tl::unexpected(Error(
        ErrorCode::kInvalidArgument, message + ": not valid JSON",
        {FieldProblem{std::string(kJsonField), "not valid JSON at byte " + std::to_string(e.byte) +
                                                   ": " + SanitizeUtf8(e.what())}}));
  } catch (const TooDeep&) {
    return tl::unexpected(
        Error(ErrorCode::kInvalidArgument, message + ": not valid JSON",
              {FieldProblem{std::string(kJsonField),
                            "nested more than " + std::to_string(kMaxDepth) + " levels deep"}}));
  } catch (const json::exception& e) {
    // out_of_range 406: a number too large for a double (1e400). JSON has no NaN or infinity.
    return tl::unexpected(Error(
        ErrorCode::kInvalidArgument, message + ": not valid JSON",
        {FieldProblem{std::string(kJsonField), "not usable JSON: " + SanitizeUtf8(e.what())}}));
  }
  if (!duplicates.empty()) {
    return tl::unexpected(Error(ErrorCode::kInvalidArgument, message, std::move(duplicates)));
  }
  return value;
}

std::string TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::binary:
      return "binary data";
    case json::value_t::discarded:
      return "nothing";
  }
  return "an unknown type";
}

std::string JoinPath(std::string_view path, std::string_view key) {
  std::string joined(path);
  if (!joined.empty()) joined += '.';
  joined += key;
  return joined;
}

std::set<std::string> FieldsWithProblems(const Validator& validator) {
  std::set<std::string> fields;
  if (auto status = validator.Finish(); !status) {
    for (const FieldProblem& problem : status.error().problems()) fields.insert(problem.field);
  }
  return fields;
}

bool ObjectReader::Has(std::string_view key) const { return Find(key) != nullptr; }

const json* ObjectReader::Find(std::string_view key) const {
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

void ObjectReader::WrongType(std::string_view key, const json& value, std::string_view expected) {
  std::string reason = "must be " + std::string(expected) + ", got " + TypeName(value);
  if (value.is_primitive() && !value.is_null()) reason += " " + Quote(value);
  validator_.Add(FieldProblem{Field(key), std::move(reason)});
}

std::optional<double> ObjectReader::Number(std::string_view key) {
  const json* value = Find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    WrongType(key, *value, "a number");
    return std::nullopt;
  }
  const double number = value->get<double>();
  if (!validator_.Finite(Field(key), number)) return std::nullopt;
  return number;
}

std::optional<std::string> ObjectReader::String(std::string_view key) {
  const json* value = Find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    WrongType(key, *value, "a string");
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::optional<bool> ObjectReader::Bool(std::string_view key) {
  const json* value = Find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    WrongType(key, *value, "true or false");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<int> ObjectReader::Integer(std::string_view key, int low, int high) {
  const json* value = Find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) {
    WrongType(key, *value, "a whole number");
    return std::nullopt;
  }
  const double number = value->get<double>();
  if (!validator_.Finite(Field(key), number)) return std::nullopt;
  if (number != std::floor(number)) {
    validator_.Add({Field(key), "must be a whole number, got " + FormatNumber(number)});
    return std::nullopt;
  }
  if (!validator_.InRange(Field(key), number, low, high, "")) return std::nullopt;
  return static_cast<int>(number);
}

std::optional<Instant> ObjectReader::Time(std::string_view key) {
  std::optional<std::string> text = String(key);
  if (!text) return std::nullopt;
  auto parsed = ParseRfc3339(*text, Field(key));
  if (!parsed) {
    validator_.Merge(parsed.error(), "");
    return std::nullopt;
  }
  return *parsed;
}

bool ObjectReader::IsNull(std::string_view key) const {
  const json* value = Find(key);
  return value != nullptr && value->is_null();
}

const json* ObjectReader::Object(std::string_view key) {
  const json* value = Find(key);
  if (value == nullptr) return nullptr;
  if (!value->is_object()) {
    WrongType(key, *value, "an object");
    return nullptr;
  }
  return value;
}

const json* ObjectReader::Array(std::string_view key) {
  const json* value = Find(key);
  if (value == nullptr) return nullptr;
  if (!value->is_array()) {
    WrongType(key, *value, "an array");
    return nullptr;
  }
  return value;
}

void ObjectReader::RejectUnknown(std::initializer_list<std::string_view> known,
                                 std::string_view what) {
  for (const auto& [key, value] : object_.items()) {
    bool is_known = false;
    std::string_view same_but_case;
    for (std::string_view name : known) {
      if (key == name) is_known = true;
      if (Lower(key) == Lower(name)) same_but_case = name;
    }
    if (is_known) continue;
    std::string reason = "is not a field of " + std::string(what);
    if (!same_but_case.empty()) {
      reason += "; did you mean \"" + std::string(same_but_case) + "\"?";
    } else {
      reason += " (known fields:";
      for (std::string_view name : known) reason += " " + std::string(name);
      reason += ")";
    }
    validator_.Add(FieldProblem{Field(key), std::move(reason)});
  }
}

}  // namespace ketaclinic::json_read
