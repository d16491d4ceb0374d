#include "clinical/record.h"

#include <cctype>
#include <limits>

#include "base/validation.h"

namespace ketaclinic::clinical {

const char* RecordStatusName(RecordStatus status) {
  switch (status) {
    case RecordStatus::kActive:
      return "active";
    case RecordStatus::kAmended:
      return "amended";
    case RecordStatus::kEnteredInError:
      return "entered-in-error";
  }
  return "unknown";
}

Result<RecordStatus> ParseRecordStatus(std::string_view name, std::string_view field) {
  for (RecordStatus status :
       {RecordStatus::kActive, RecordStatus::kAmended, RecordStatus::kEnteredInError}) {
    if (name == RecordStatusName(status)) return status;
  }
  return tl::unexpected(Error::InvalidArgument(
      std::string(field),
      "'" + std::string(name) + "' is not active, amended or entered-in-error"));
}

namespace {

// "   " names no one and gives no reason.
bool HasText(const std::string& text) {
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) return true;
  }
  return false;
}

Result<RecordMeta> NextVersion(const RecordMeta& current, std::string author, Instant at,
                               std::string reason, RecordStatus status) {
  Validator v("invalid amendment");
  v.Require(HasText(author), "author", "an amendment names who made it");
  v.Require(HasText(reason), "reason", "an amendment gives a reason");
  v.Require(current.version >= 1 && current.version < std::numeric_limits<int>::max(), "version",
            "must be between 1 and " + std::to_string(std::numeric_limits<int>::max() - 1) +
                " to be amended");
  v.Require(current.status == RecordStatus::kActive, "status",
            std::string("only the active version can be amended; this one is ") +
                RecordStatusName(current.status));
  v.Require(at >= current.recorded_at, "recorded_at",
            "an amendment cannot be dated before the version it replaces");
  if (auto status_ok = v.Finish(); !status_ok) return tl::unexpected(status_ok.error());
  RecordMeta next = current;
  next.version = current.version + 1;
  next.author = std::move(author);
  next.recorded_at = at;
  next.status = status;
  next.reason = std::move(reason);
  return next;
}

}  // namespace

Result<RecordMeta> Amend(const RecordMeta& current, std::string author, Instant at,
                         std::string reason) {
  return NextVersion(current, std::move(author), at, std::move(reason), RecordStatus::kActive);
}

Result<RecordMeta> MarkEnteredInError(const RecordMeta& current, std::string author, Instant at,
                                      std::string reason) {
  return NextVersion(current, std::move(author), at, std::move(reason),
                     RecordStatus::kEnteredInError);
}

}  // namespace ketaclinic::clinical
