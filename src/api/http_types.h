#ifndef KETACLINIC_API_HTTP_TYPES_H_
#define KETACLINIC_API_HTTP_TYPES_H_

// A request and a response as plain values: what the router and the handlers see. The Beast
// types stay inside http_server.cc (and the test client), so that the rest of the module
// compiles in a fraction of the time (docs/decisions/0007-http-server.md).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ketaclinic::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query as received: "/api/v1/patients?limit=10"
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string client_address;  // the peer's IP address

  // A header's value by its lower-case name.
  std::optional<std::string> Header(std::string_view name) const;
  // The target's path (before '?').
  std::string_view Path() const;
  // The query's parameters, percent-decoded; a repeated name keeps the last value.
  std::map<std::string, std::string> Query() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type

  // The value of `name` (case-insensitive) among `headers`.
  std::optional<std::string> Header(std::string_view name) const;
};

// "%2F" -> "/", "+" kept; an invalid escape is kept as written.
std::string PercentDecode(std::string_view text);

}  // namespace ketaclinic::api

#endif  // KETACLINIC_API_HTTP_TYPES_H_
