#ifndef KETACLINIC_API_ROUTES_H_
#define KETACLINIC_API_ROUTES_H_

// The route table's parts (internal to the module) and the helpers their handlers share.

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"

#include "api/api.h"
#include "api/http_types.h"
#include "api/router.h"
#include "store/records.h"
#include "store/users.h"

namespace ketaclinic::api {

// Health, metrics, authentication, users, protocol (routes.cc).
std::vector<Route> SystemRoutes(Api& api);
// Dose plans, scale scores, patients (clinical_routes.cc).
std::vector<Route> ClinicalRoutes(Api& api);

// The request's JSON body, or the problem to answer with: 415 for another content type, 400
// for malformed JSON (invalid_params names "(json)").
struct JsonBody {
  nlohmann::json value;
  std::optional<HttpResponse> problem;
};
JsonBody ReadJsonBody(const HttpRequest& request);

// ?limit (1..1000, default 100) and ?offset (>= 0, default 0); every bad one named.
Result<store::Page> ReadPage(const HttpRequest& request);

nlohmann::json UserToJson(const store::User& user);

// The signed-in user of a protected route (Api::Handle sets it before the handler runs); a
// missing one is answered 401 rather than trusted.
const Principal* SignedIn(const RequestContext& context);
HttpResponse NotSignedIn();

}  // namespace ketaclinic::api

#endif  // KETACLINIC_API_ROUTES_H_
