#include "api/api.h"

#include <chrono>
#include <exception>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "api/routes.h"

namespace ketaclinic::api {
namespace {

std::vector<Route> AllRoutes(Api& api) {
  std::vector<Route> routes = SystemRoutes(api);
  std::vector<Route> clinical = ClinicalRoutes(api);
  routes.reserve(routes.size() + clinical.size());
  for (Route& route : clinical) routes.push_back(std::move(route));
  return routes;
}

// "Bearer TOKEN" (scheme case-insensitive, RFC 6750 §2.1); nullopt for anything else.
std::optional<std::string> BearerToken(const HttpRequest& request) {
  const std::optional<std::string> header = request.Header("authorization");
  if (!header || header->size() < 7) return std::nullopt;
  std::string scheme = header->substr(0, 7);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "bearer ") return std::nullopt;
  std::string token = header->substr(7);
  while (!token.empty() && token.front() == ' ') token.erase(token.begin());
  while (!token.empty() && token.back() == ' ') token.pop_back();
  return token;
}

HttpResponse Unauthenticated(std::string_view detail, bool invalid_token) {
  HttpResponse response = Problem(401, detail);
  response.headers.emplace_back("WWW-Authenticate", invalid_token ? "Bearer realm=\"ketaclinic\", "
                                                                    "error=\"invalid_token\""
                                                                  : "Bearer realm=\"ketaclinic\"");
  return response;
}

}  // namespace

Api::Api(store::Store& store, const Clock& clock, ApiConfig config)
    : store_(store),
      clock_(clock),
      config_(std::move(config)),
      sessions_(store, config_.auth),
      router_(std::make_unique<Router>(AllRoutes(*this))) {}

HttpResponse Api::Handle(const HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  std::string route_label = "unmatched";
  HttpResponse response;
  Instant now{};
  try {
    now = clock_.Now();
    response = Dispatch(request, now, route_label);
  } catch (const std::exception&) {
    // nlohmann or an allocation: a bug or exhaustion, never a partial write (each store call
    // is one transaction that rolled back).
    response = Problem(500, "the server could not complete the request");
  }
  // Patient data must not sit in shared caches or the browser's history.
  response.headers.emplace_back("Cache-Control", "no-store");
  const auto duration = std::chrono::steady_clock::now() - start;
  metrics_.RecordRequest(request.method, route_label, response.status, duration);
  if (config_.request_log) {
    try {
      const nlohmann::json line = {
          {"time", FormatRfc3339(now)},
          {"method", request.method},
          {"route", route_label},
          {"status", response.status},
          {"duration_ms", std::chrono::duration<double, std::milli>(duration).count()}};
      config_.request_log(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } catch (const std::exception&) {
      // A log line that cannot be written does not fail the request; it is counted.
      dropped_log_lines_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  return response;
}

HttpResponse Api::Dispatch(const HttpRequest& request, Instant now, std::string& route_label) {
  Router::Lookup lookup = router_->Find(request.method, request.Path());
  if (lookup.route == nullptr) {
    if (lookup.allowed_methods.empty()) return Problem(404, "no such resource");
    HttpResponse response = Problem(405, "this resource does not accept " + request.method);
    std::string allow;
    for (const std::string& method : lookup.allowed_methods) {
      allow += (allow.empty() ? "" : ", ") + method;
    }
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  const Route& route = *lookup.route;
  route_label = route.path;
  RequestContext context{request, std::move(lookup.params), std::nullopt,
                         store::Actor{"anonymous", "none", request.client_address}, now};
  if (!route.is_public) {
    const std::optional<std::string> token = BearerToken(request);
    if (!token) return Unauthenticated("sign in and send the token as 'Bearer TOKEN'", false);
    Result<std::optional<Principal>> principal = [&] {
      DatabaseTimer timer(metrics_);
      return sessions_.Authenticate(*token, now);
    }();
    if (!principal) return ErrorProblem(principal.error());
    std::optional<Principal>& signed_in = *principal;
    if (!signed_in.has_value()) {
      return Unauthenticated("the token is unknown, expired or revoked: sign in again", true);
    }
    const store::User& user = signed_in->user;
    if (!route.Allows(user.role)) {
      return Problem(403, std::string("the role ") + clinical::RoleName(user.role) + " may not " +
                              route.method + " " + route.path);
    }
    context.actor = store::Actor{user.id, clinical::RoleName(user.role), request.client_address};
    context.principal = std::move(signed_in);
  }
  return route.handler(context);
}

}  // namespace ketaclinic::api
