// Health, metrics, authentication, users and the protocol (docs/API.md "Routes").
#include "api/routes.h"

#include <charconv>
#include <string>
#include <utility>

#include "base/validation.h"

#include "api/problem.h"
#include "clinical_json/protocol_json.h"
#include "json/json_reader.h"
#include "store/audit.h"
#include "store/migrations.h"
#include "store/sql.h"

namespace ketaclinic::api {
namespace {

using clinical::Role;

const std::vector<Role> kEveryone(clinical::kAllRoles.begin(), clinical::kAllRoles.end());
// The protocol is read by every member of staff (patients need none of it).
const std::vector<Role> kStaff = {Role::kPhysician, Role::kNurse,   Role::kPharmacist,
                                  Role::kFrontDesk, Role::kAuditor, Role::kAdmin};
const std::vector<Role> kAdmins = {Role::kAdmin};

std::optional<int64_t> ParseInt(const std::string& text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

constexpr std::string_view kUserColumns = "id, username, display_name, role, created_at, disabled";

Result<store::User> DecodeUser(const store::Rows& rows, size_t i) {
  store::RowReader reader(rows, i);
  store::User user;
  user.id = reader.Text(0);
  user.username = reader.Text(1);
  user.display_name = reader.Text(2);
  const std::string role = reader.Text(3);
  const std::string created = reader.Text(4);
  user.disabled = reader.Int64(5) != 0;
  if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
  Result<Role> parsed_role = clinical::ParseRole(role, "role");
  Result<Instant> created_at = ParseRfc3339(created, "created_at");
  if (!parsed_role || !created_at) {
    return tl::unexpected(Error::Internal("user with an unreadable role or time"));
  }
  user.role = *parsed_role;
  user.created_at = *created_at;
  return user;
}

// --- health -----------------------------------------------------------------------------

HttpResponse Healthz(RequestContext&) { return JsonResponse(200, {{"status", "ok"}}); }

HttpResponse Readyz(Api& api) {
  DatabaseTimer timer(api.metrics());
  // Reachable (a read transaction) and exactly the schema this binary writes.
  if (Status current = store::CheckSchemaCurrent(api.store()); !current) {
    return Problem(503, "not ready: " + current.error().message());
  }
  return JsonResponse(200, {{"status", "ready"}, {"schema_version", store::LatestSchemaVersion()}});
}

HttpResponse MetricsText(Api& api) {
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = api.metrics().Render();
  return response;
}

// --- authentication ---------------------------------------------------------------------

HttpResponse Login(Api& api, RequestContext& context) {
  JsonBody body = ReadJsonBody(context.request);
  if (body.problem) return *body.problem;
  Validator v("invalid sign-in");
  std::string username;
  std::string password;
  if (!body.value.is_object()) {
    v.Add({"(body)", "must be a JSON object {\"username\": ..., \"password\": ...}"});
  } else {
    json_read::ObjectReader reader(body.value, "", v);
    username = reader.String("username").value_or("");
    password = reader.String("password").value_or("");
    reader.RejectUnknown({"username", "password"}, "a sign-in");
    if (!reader.Has("username")) v.Add({"username", "is required"});
    if (!reader.Has("password")) v.Add({"password", "is required"});
  }
  if (Status valid = v.Finish(); !valid) return ErrorProblem(valid.error());

  DatabaseTimer timer(api.metrics());
  const std::string& address = context.request.client_address;
  Result<std::optional<Throttle>> throttle =
      api.sessions().CheckThrottle(username, address, context.now);
  if (!throttle) return ErrorProblem(throttle.error());
  if (const std::optional<Throttle>& limited = *throttle; limited.has_value()) {
    // Refused before the password is checked: no Argon2id work, no new failure counted.
    const Throttle& t = *limited;
    HttpResponse response =
        Problem(429, "too many failed sign-ins for this " + t.scope + ": try again in " +
                         std::to_string(t.retry_after.count()) + " s");
    response.headers.emplace_back("Retry-After", std::to_string(t.retry_after.count()));
    return response;
  }
  store::UserStore users(api.store());
  Result<store::User> user = users.Authenticate(username, password, address);
  if (!user) {
    if (user.error().code() != ErrorCode::kNotFound) return ErrorProblem(user.error());
    if (Status recorded = api.sessions().RecordFailure(username, address, context.now); !recorded) {
      return ErrorProblem(recorded.error());
    }
    return Problem(401, "unknown user or wrong password");
  }
  Result<NewLoginSession> session = api.sessions().Create(*user, address, context.now);
  if (!session) return ErrorProblem(session.error());
  return JsonResponse(200, {{"token", session->token},
                            {"token_type", "Bearer"},
                            {"expires_at", FormatRfc3339(session->expires_at)},
                            {"idle_timeout_s", api.sessions().config().idle_timeout.count()},
                            {"user", UserToJson(*user)}});
}

HttpResponse Logout(Api& api, RequestContext& context) {
  const Principal* principal = SignedIn(context);
  if (principal == nullptr) return NotSignedIn();
  DatabaseTimer timer(api.metrics());
  if (Status revoked = api.sessions().Revoke(*principal, context.actor, context.now); !revoked) {
    return ErrorProblem(revoked.error());
  }
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

HttpResponse Me(RequestContext& context) {
  const Principal* principal = SignedIn(context);
  if (principal == nullptr) return NotSignedIn();
  nlohmann::json body = UserToJson(principal->user);
  body["session_expires_at"] = FormatRfc3339(principal->expires_at);
  return JsonResponse(200, body);
}

// --- users (admin) ----------------------------------------------------------------------

HttpResponse ListUsers(Api& api, RequestContext& context) {
  Result<store::Page> page = ReadPage(context.request);
  if (!page) return ErrorProblem(page.error());
  DatabaseTimer timer(api.metrics());
  Result<std::vector<store::User>> users =
      api.store().Read([&](store::Transaction& tx) -> Result<std::vector<store::User>> {
        Result<store::Rows> rows = tx.Query("SELECT " + std::string(kUserColumns) +
                                                " FROM users ORDER BY username LIMIT $1 OFFSET $2",
                                            {page->limit, page->offset});
        if (!rows) return tl::unexpected(rows.error());
        std::vector<store::User> out;
        out.reserve(rows->size());
        for (size_t i = 0; i < rows->size(); ++i) {
          Result<store::User> user = DecodeUser(*rows, i);
          if (!user) return tl::unexpected(user.error());
          out.push_back(std::move(*user));
        }
        return out;
      });
  if (!users) return ErrorProblem(users.error());
  nlohmann::json items = nlohmann::json::array();
  for (const store::User& user : *users) items.push_back(UserToJson(user));
  return JsonResponse(
      200, {{"items", std::move(items)}, {"limit", page->limit}, {"offset", page->offset}});
}

HttpResponse CreateUser(Api& api, RequestContext& context) {
  JsonBody body = ReadJsonBody(context.request);
  if (body.problem) return *body.problem;
  Validator v("invalid user");
  store::NewUser user;
  if (!body.value.is_object()) {
    v.Add({"(body)", "must be a JSON object"});
  } else {
    json_read::ObjectReader reader(body.value, "", v);
    for (const char* key : {"username", "display_name", "role", "password"}) {
      if (!reader.Has(key)) v.Add({key, "is required"});
    }
    user.username = reader.String("username").value_or("");
    user.display_name = reader.String("display_name").value_or("");
    user.password = reader.String("password").value_or("");
    if (std::optional<std::string> role = reader.String("role"); role) {
      Result<Role> parsed = clinical::ParseRole(*role, "role");
      if (parsed) {
        user.role = *parsed;
      } else {
        v.Merge(parsed.error(), "");
      }
    }
    reader.RejectUnknown({"username", "display_name", "role", "password"}, "a user");
  }
  if (Status valid = v.Finish(); !valid) return ErrorProblem(valid.error());
  DatabaseTimer timer(api.metrics());
  Result<store::User> created = store::UserStore(api.store()).Create(context.actor, user);
  if (!created) return ErrorProblem(created.error());
  HttpResponse response = JsonResponse(201, UserToJson(*created));
  response.headers.emplace_back("Location", "/api/v1/users/" + created->id);
  return response;
}

HttpResponse DisableUser(Api& api, RequestContext& context) {
  const std::string& id = context.params.at("id");
  DatabaseTimer timer(api.metrics());
  Result<store::User> user =
      api.store().Transact([&](store::Transaction& tx) -> Result<store::User> {
        Result<int64_t> updated = tx.Exec("UPDATE users SET disabled = 1 WHERE id = $1", {id});
        if (!updated) return tl::unexpected(updated.error());
        if (*updated == 0) return tl::unexpected(Error::NotFound("no user with id " + id));
        if (Status revoked = LoginSessions::RevokeAllOfUser(tx, id, context.now); !revoked) {
          return tl::unexpected(revoked.error());
        }
        Result<store::Rows> rows =
            tx.Query("SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1", {id});
        if (!rows) return tl::unexpected(rows.error());
        Result<store::User> read = DecodeUser(*rows, 0);
        if (!read) return tl::unexpected(read.error());
        store::AuditEntry entry;
        entry.action = "user.disable";
        entry.record_type = "user";
        entry.record_id = id;
        entry.after = {{"username", read->username}, {"disabled", true}};
        if (Result<store::AuditRow> row = store::AppendAudit(tx, context.actor, context.now, entry);
            !row) {
          return tl::unexpected(row.error());
        }
        return read;
      });
  if (!user) return ErrorProblem(user.error());
  return JsonResponse(200, UserToJson(*user));
}

}  // namespace

JsonBody ReadJsonBody(const HttpRequest& request) {
  JsonBody body;
  const std::string type = request.Header("content-type").value_or("");
  if (type.rfind("application/json", 0) != 0) {
    body.problem = Problem(415, "the body must be JSON (Content-Type: application/json)");
    return body;
  }
  Result<nlohmann::json> parsed = json_read::ParseJsonText(request.body, "malformed JSON body");
  if (!parsed) {
    body.problem = ErrorProblem(parsed.error());
    return body;
  }
  body.value = std::move(*parsed);
  return body;
}

Result<store::Page> ReadPage(const HttpRequest& request) {
  const std::map<std::string, std::string> query = request.Query();
  Validator v("invalid paging");
  store::Page page;
  if (auto limit = query.find("limit"); limit != query.end()) {
    const std::optional<int64_t> value = ParseInt(limit->second);
    v.Require(value.has_value() && *value >= 1 && *value <= 1000, "limit",
              "must be a whole number from 1 to 1000");
    if (value) page.limit = *value;
  }
  if (auto offset = query.find("offset"); offset != query.end()) {
    const std::optional<int64_t> value = ParseInt(offset->second);
    v.Require(value.has_value() && *value >= 0, "offset", "must be a whole number >= 0");
    if (value) page.offset = *value;
  }
  if (Status valid = v.Finish(); !valid) return tl::unexpected(valid.error());
  return page;
}

const Principal* SignedIn(const RequestContext& context) {
  return context.principal.has_value() ? &*context.principal : nullptr;
}

HttpResponse NotSignedIn() { return Problem(401, "sign in first"); }

nlohmann::json UserToJson(const store::User& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"display_name", user.display_name},
          {"role", clinical::RoleName(user.role)},
          {"created_at", FormatRfc3339(user.created_at)},
          {"disabled", user.disabled}};
}

std::vector<Route> SystemRoutes(Api& api) {
  Api* a = &api;
  std::vector<Route> routes;
  routes.push_back({"GET", "/healthz", true, {}, "Liveness: the process answers", Healthz});
  routes.push_back({"GET",
                    "/readyz",
                    true,
                    {},
                    "Readiness: database reachable, schema current",
                    [a](RequestContext&) { return Readyz(*a); }});
  routes.push_back(
      {"GET", "/metrics", true, {}, "Prometheus metrics (no patient data)", [a](RequestContext&) {
         return MetricsText(*a);
       }});
  routes.push_back(
      {"POST", "/api/v1/auth/login", true, {}, "Sign in: a bearer token", [a](RequestContext& c) {
         return Login(*a, c);
       }});
  routes.push_back({"POST", "/api/v1/auth/logout", false, kEveryone, "Revoke this token",
                    [a](RequestContext& c) { return Logout(*a, c); }});
  routes.push_back({"GET", "/api/v1/auth/me", false, kEveryone, "The signed-in user", Me});
  routes.push_back({"GET", "/api/v1/users", false, kAdmins, "List user accounts",
                    [a](RequestContext& c) { return ListUsers(*a, c); }});
  routes.push_back({"POST", "/api/v1/users", false, kAdmins, "Create a user account",
                    [a](RequestContext& c) { return CreateUser(*a, c); }});
  routes.push_back({"POST", "/api/v1/users/{id}/disable", false, kAdmins,
                    "Disable an account and revoke its sessions",
                    [a](RequestContext& c) { return DisableUser(*a, c); }});
  routes.push_back(
      {"GET", "/api/v1/protocol", false, kStaff, "The effective protocol", [a](RequestContext&) {
         return JsonResponse(200, clinical_json::ProtocolToJson(a->config().protocol));
       }});
  return routes;
}

}  // namespace ketaclinic::api
