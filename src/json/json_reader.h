#ifndef KETACLINIC_JSON_JSON_READER_H_
#define KETACLINIC_JSON_JSON_READER_H_

// The checked reading of JSON text shared by every parser of outside input (model, schedule,
// protocol, patient and session files): all problems at once, each named by its path.

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/time.h"
#include "base/validation.h"

namespace ketaclinic::json_read {

// The field name given to problems with the text itself rather than with one field.
inline constexpr std::string_view kJsonField = "(json)";

// Parses `text` as one JSON value without letting nlohmann's exceptions escape. Malformed text
// and numbers beyond the range of a double are a kInvalidArgument error with one problem named
// "(json)" whose reason quotes the parser (byte position included). A key repeated within one
// object is a problem named by its path: nlohmann would silently keep the last one, and a
// clinician's second "v1_l" must not quietly replace the first. `message` heads the error.
Result<nlohmann::json> ParseJsonText(std::string_view text, const std::string& message);

// The JSON type of `value` in words, for messages: "a string", "null", "an array".
std::string TypeName(const nlohmann::json& value);

// "events[2]" + "dose_mg" -> "events[2].dose_mg"; "" + "v1_l" -> "v1_l".
std::string JoinPath(std::string_view path, std::string_view key);

// The fields (problem names) that already have a problem in `validator`, so that a later, more
// generic check (pk::ValidateModel) does not report the same field twice.
std::set<std::string> FieldsWithProblems(const Validator& validator);

// Reads the members of one JSON object, recording a problem named by the member's path for every
// member of the wrong type. Absent members are not problems here; the caller decides what is
// required. The object and validator must outlive the reader.
class ObjectReader {
 public:
  // REQUIRES: object.is_object(). `path` is the object's own path ("" at the top level).
  ObjectReader(const nlohmann::json& object, std::string path, Validator& validator)
      : object_(object), path_(std::move(path)), validator_(validator) {}

  // The path of member `key`, for problems.
  std::string Field(std::string_view key) const { return JoinPath(path_, key); }
  // Whether `key` is present, whatever its value (null included).
  bool Has(std::string_view key) const;

  // The value of a present number member; nullopt if absent or (with a problem) not a finite
  // number. Booleans are not numbers.
  std::optional<double> Number(std::string_view key);
  std::optional<std::string> String(std::string_view key);
  std::optional<bool> Bool(std::string_view key);
  // A present whole number within [low, high] (2.0 is accepted, 2.5 is a problem).
  std::optional<int> Integer(std::string_view key, int low, int high);
  // A present RFC 3339 date-time with a zone, as UTC (base/time.h).
  std::optional<Instant> Time(std::string_view key);
  // Whether `key` is present with the value null (an optional setting explicitly unset).
  bool IsNull(std::string_view key) const;
  // A present object or array member; nullptr if absent or (with a problem) of another type.
  const nlohmann::json* Object(std::string_view key);
  const nlohmann::json* Array(std::string_view key);

  // Records "unknown field" for every member not in `known`, suggesting the known key that
  // differs only in letter case ("v1_L" -> "v1_l"), the usual typo. `what` names the object in
  // the reason ("a bolus event").
  void RejectUnknown(std::initializer_list<std::string_view> known, std::string_view what);

 private:
  const nlohmann::json* Find(std::string_view key) const;
  void WrongType(std::string_view key, const nlohmann::json& value, std::string_view expected);

  const nlohmann::json& object_;
  std::string path_;
  Validator& validator_;
};

}  // namespace ketaclinic::json_read

#endif  // KETACLINIC_JSON_JSON_READER_H_
