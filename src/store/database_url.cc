#include "store/database_url.h"

#include <string>

#include <libpq-fe.h>

namespace ketaclinic::store {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

Error BadUrl(const std::string& display, const std::string& reason) {
  return Error::InvalidArgument("db", "database URL '" + display + "': " + reason);
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  std::string text(url);
  // "scheme://user:password@host": the password runs from the ':' after the user to the '@'.
  if (const size_t scheme = text.find("://"); scheme != std::string::npos) {
    const size_t authority = scheme + 3;
    const size_t end = text.find_first_of("/?", authority);
    const size_t at = text.rfind('@', end == std::string::npos ? text.size() : end);
    if (at != std::string::npos && at > authority) {
      const size_t colon = text.find(':', authority);
      if (colon != std::string::npos && colon < at) text.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // "...?password=secret&..." or "password=secret" in a key=value list.
  for (size_t at = text.find("password="); at != std::string::npos;
       at = text.find("password=", at + 1)) {
    const size_t value = at + 9;
    const size_t end = text.find_first_of("& ", value);
    text.replace(value, (end == std::string::npos ? text.size() : end) - value, "***");
  }
  return text;
}

Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url) {
  DatabaseUrl parsed;
  parsed.display = RedactUrl(url);
  if (StartsWith(url, kSqlitePrefix)) {
    parsed.backend = Backend::kSqlite;
    parsed.path = std::string(url.substr(kSqlitePrefix.size()));
    if (parsed.path.empty()) {
      return tl::unexpected(
          BadUrl(parsed.display, "names no file; use sqlite:PATH (e.g. sqlite:ketaclinic.db)"));
    }
    if (StartsWith(parsed.path, "//")) {
      return tl::unexpected(BadUrl(parsed.display,
                                   "use sqlite:PATH without '//' (sqlite:/var/lib/kc.db for an "
                                   "absolute path)"));
    }
    return parsed;
  }
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    parsed.backend = Backend::kPostgres;
    parsed.conninfo = std::string(url);
    // libpq's own parser: the same rules the connection will apply, checked before connecting.
    char* message = nullptr;
    PQconninfoOption* options = PQconninfoParse(parsed.conninfo.c_str(), &message);
    if (options == nullptr) {
      std::string reason = message != nullptr ? message : "libpq cannot parse it (out of memory?)";
      PQfreemem(message);
      while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
      return tl::unexpected(BadUrl(parsed.display, RedactUrl(reason)));
    }
    PQconninfoFree(options);
    return parsed;
  }
  if (url.empty()) {
    return tl::unexpected(
        BadUrl(parsed.display, "is empty; use sqlite:PATH or postgresql://HOST/DATABASE"));
  }
  return tl::unexpected(BadUrl(parsed.display,
                               "unknown kind of database; use sqlite:PATH or "
                               "postgresql://USER@HOST:PORT/DATABASE (a libpq URI)"));
}

}  // namespace ketaclinic::store
