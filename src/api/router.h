#ifndef KETACLINIC_API_ROUTER_H_
#define KETACLINIC_API_ROUTER_H_

// The route table: every route of the API in one list of (method, path template, who may call
// it, handler). The table is data, so a test walks it and proves that every non-public route
// refuses a missing or bad token and every role it does not name (docs/API.md "Routes").

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

#include "api/http_types.h"
#include "api/login_sessions.h"
#include "clinical/roles.h"
#include "store/audit.h"

namespace ketaclinic::api {

// What a handler gets: the request, the path's parameters, the signed-in user (absent only on
// public routes), the audit actor and the request's time (one clock read per request).
struct RequestContext {
  const HttpRequest& request;
  std::map<std::string, std::string> params;
  std::optional<Principal> principal;
  store::Actor actor;
  Instant now;
};

using Handler = std::function<HttpResponse(RequestContext&)>;

struct Route {
  std::string method;  // "GET", "POST", "PUT"
  std::string path;    // "/api/v1/patients/{id}": a {name} matches one non-empty segment
  bool is_public = false;
  std::vector<clinical::Role> roles;  // who may call it (ignored when public)
  std::string summary;                // one line, for docs and the route listing
  Handler handler;

  bool Allows(clinical::Role role) const;
};

// Whether `path` matches `path_template`; fills `params` (percent-decoded) when it does.
bool MatchPath(std::string_view path_template, std::string_view path,
               std::map<std::string, std::string>& params);

class Router {
 public:
  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {}

  const std::vector<Route>& routes() const { return routes_; }

  struct Lookup {
    const Route* route = nullptr;               // the match, or null
    std::map<std::string, std::string> params;  // its path parameters
    std::vector<std::string> allowed_methods;   // when the path matched under other methods
  };
  // The route for `method` and `path`. No route and no methods: 404; methods: 405.
  Lookup Find(std::string_view method, std::string_view path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace ketaclinic::api

#endif  // KETACLINIC_API_ROUTER_H_
