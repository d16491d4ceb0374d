// End to end: a real server on an ephemeral loopback port, a Beast client, a real database —
// SQLite always, PostgreSQL when KC_TEST_PG_URL is set (scripts/with-postgres.sh).
#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/http_server.h"
#include "api/test_client.h"
#include "clinical/roles.h"
#include "store/migrations.h"
#include "store/store_test_util.h"
#include "store/users.h"

namespace ketaclinic::api {
namespace {

using clinical::Role;
using nlohmann::json;
using store::Backend;

constexpr const char* kPassword = "correct horse battery";

// A clock the test moves while server threads read it.
class TestClock final : public Clock {
 public:
  explicit TestClock(Instant now) : seconds_(now.time_since_epoch().count()) {}
  Instant Now() const override { return Instant(std::chrono::seconds(seconds_.load())); }
  void Advance(std::chrono::seconds by) { seconds_ += by.count(); }

 private:
  std::atomic<int64_t> seconds_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Username(Role role) {
  std::string name = clinical::RoleName(role);
  return name + "1";
}

class ApiEndToEnd : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres && store::TestDatabase::PgUrl().empty()) {
      GTEST_SKIP() << "KC_TEST_PG_URL is not set: the PostgreSQL half runs under "
                      "scripts/with-postgres.sh";
    }
    database_ = std::make_unique<store::TestDatabase>(GetParam());
    ASSERT_TRUE(database_->setup_error().empty()) << database_->setup_error();
    store::OpenOptions options;
    options.clock = &clock_;
    Result<std::unique_ptr<store::Store>> opened = store::Store::Open(database_->url(), options);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    store::UserStore users(*store_);
    for (Role role : clinical::kAllRoles) {
      store::NewUser user{Username(role), std::string("Dr ") + clinical::RoleName(role), role,
                          kPassword};
      Result<store::User> created =
          users.Create(store::Actor{"local:test", "admin", "local"}, user);
      ASSERT_TRUE(created) << created.error().ToString();
    }
    StartServer();
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  void StartServer() {
    ApiConfig config;
    config.request_log = [this](const std::string& line) {
      std::lock_guard lock(log_mutex_);
      log_.push_back(line);
    };
    api_ = std::make_unique<Api>(*store_, clock_, config);
    ServerOptions server_options;
    server_options.port = 0;
    server_options.workers = 2;
    Api* api = api_.get();
    Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(
        server_options, [api](const HttpRequest& request) { return api->Handle(request); });
    ASSERT_TRUE(server) << server.error().ToString();
    server_ = std::move(*server);
    client_ = std::make_unique<TestClient>(server_->port());
  }

  ClientResponse Login(const std::string& username, const std::string& password = kPassword) {
    return client_->Send("POST", "/api/v1/auth/login",
                         json{{"username", username}, {"password", password}}.dump());
  }
  std::string TokenOf(Role role) {
    ClientResponse response = Login(Username(role));
    EXPECT_EQ(response.status, 200) << response.body;
    return response.Json().value("token", "");
  }
  static std::map<std::string, std::string> Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  ClientResponse Get(const std::string& target, const std::string& token) {
    return client_->Send("GET", target, "", Bearer(token));
  }
  ClientResponse Post(const std::string& target, const json& body, const std::string& token) {
    return client_->Send("POST", target, body.dump(), Bearer(token));
  }

  // The audit rows with `action`, in order.
  int64_t AuditCount(const std::string& action) {
    Result<int64_t> count = store_->Read([&](store::Transaction& tx) -> Result<int64_t> {
      Result<store::Rows> rows =
          tx.Query("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action});
      if (!rows) return tl::unexpected(rows.error());
      store::RowReader reader(*rows, 0);
      return reader.Int64(0);
    });
    EXPECT_TRUE(count);
    return count.value_or(-1);
  }

  json PatientFile() {
    return json::parse(ReadFile(std::string(KC_SOURCE_DIR) + "/examples/patient.json"));
  }

  TestClock clock_{store::TestTime(0)};
  std::unique_ptr<store::TestDatabase> database_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<TestClient> client_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

// A concrete path for a template: every {parameter} replaced by a made-up id.
std::string Concrete(const std::string& path_template) {
  std::string out;
  bool in_param = false;
  for (char c : path_template) {
    if (c == '{') {
      in_param = true;
      out += "phq9";  // a valid scale name; an id that does not exist
    } else if (c == '}') {
      in_param = false;
    } else if (!in_param) {
      out.push_back(c);
    }
  }
  return out;
}

TEST_P(ApiEndToEnd, EveryProtectedRouteRefusesMissingBadExpiredRevokedTokensAndOtherRoles) {
  std::map<Role, std::string> tokens;
  for (Role role : clinical::kAllRoles) tokens[role] = TokenOf(role);
  // Revoked: signed in, then signed out.
  const std::string revoked = TokenOf(Role::kAdmin);
  ASSERT_EQ(client_->Send("POST", "/api/v1/auth/logout", "", Bearer(revoked)).status, 204);
  // Expired: a session begun 13 h ago (past the 12 h absolute lifetime).
  Result<std::optional<store::User>> admin =
      store::UserStore(*store_).FindByUsername(Username(Role::kAdmin));
  ASSERT_TRUE(admin && admin->has_value());
  Result<NewLoginSession> old =
      api_->sessions().Create(**admin, "127.0.0.1", clock_.Now() - std::chrono::hours(13));
  ASSERT_TRUE(old);
  const std::string expired = old->token;
  const std::string garbage = "not-a-token";
  const std::string well_formed_unknown(43, 'A');

  std::set<std::string> public_routes;
  int protected_routes = 0;
  for (const Route& route : api_->router().routes()) {
    const std::string path = Concrete(route.path);
    const std::string what = route.method + " " + route.path;
    if (route.is_public) {
      public_routes.insert(what);
      continue;
    }
    ++protected_routes;
    EXPECT_FALSE(route.roles.empty()) << what;
    ClientResponse none = client_->Send(route.method, path, "{}");
    EXPECT_EQ(none.status, 401) << what;
    EXPECT_EQ(none.Header("content-type"), "application/problem+json") << what;
    EXPECT_NE(none.Header("www-authenticate").find("Bearer"), std::string::npos) << what;
    for (const std::string& bad : {garbage, well_formed_unknown, expired, revoked}) {
      EXPECT_EQ(client_->Send(route.method, path, "{}", Bearer(bad)).status, 401)
          << what << " with token " << bad;
    }
    for (Role role : clinical::kAllRoles) {
      const int status = client_->Send(route.method, path, "{}", Bearer(tokens[role])).status;
      if (route.Allows(role)) {
        EXPECT_NE(status, 401) << what << " as " << clinical::RoleName(role);
        EXPECT_NE(status, 403) << what << " as " << clinical::RoleName(role);
        if (route.path == "/api/v1/auth/logout") tokens[role] = TokenOf(role);  // it worked
      } else {
        EXPECT_EQ(status, 403) << what << " as " << clinical::RoleName(role);
      }
    }
  }
  EXPECT_EQ(public_routes, (std::set<std::string>{"GET /healthz", "GET /readyz", "GET /metrics",
                                                  "POST /api/v1/auth/login"}));
  EXPECT_GE(protected_routes, 12);
}

TEST_P(ApiEndToEnd, LoginReturnsAnOpaqueTokenStoredOnlyAsAHash) {
  ClientResponse response = Login(Username(Role::kNurse));
  ASSERT_EQ(response.status, 200) << response.body;
  const json body = response.Json();
  const std::string token = body.at("token");
  EXPECT_EQ(token.size(), 43u);  // 32 random bytes, unpadded base64url
  EXPECT_EQ(body.at("token_type"), "Bearer");
  EXPECT_EQ(body.at("expires_at"), "2026-11-29T21:00:00Z");  // 09:00 + 12 h
  EXPECT_EQ(body.at("idle_timeout_s"), 1800);
  EXPECT_EQ(body.at("user").at("role"), "nurse");
  Result<int64_t> stored = store_->Read([&](store::Transaction& tx) -> Result<int64_t> {
    Result<store::Rows> plain =
        tx.Query("SELECT COUNT(*) FROM login_sessions WHERE token_hash = $1", {token});
    Result<store::Rows> hashed =
        tx.Query("SELECT COUNT(*) FROM login_sessions WHERE token_hash = $1", {TokenHash(token)});
    if (!plain || !hashed) return tl::unexpected(Error::Internal("query"));
    return store::RowReader(*plain, 0).Int64(0) * 10 + store::RowReader(*hashed, 0).Int64(0);
  });
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, 1);  // the hash is there, the token is not
  ClientResponse me = Get("/api/v1/auth/me", token);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.Json().at("username"), Username(Role::kNurse));
  EXPECT_EQ(AuditCount("user.login"), 1);
}

TEST_P(ApiEndToEnd, WrongPasswordIs401AndAudited) {
  ClientResponse wrong = Login(Username(Role::kNurse), "wrong password!!");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Json().at("detail"), "unknown user or wrong password");
  ClientResponse unknown = Login("nobody", "wrong password!!");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.Json().at("detail"), wrong.Json().at("detail"));  // no hint which
  EXPECT_EQ(AuditCount("user.login-failed"), 2);
  ClientResponse missing = client_->Send("POST", "/api/v1/auth/login", "{\"user\": 1}");
  EXPECT_EQ(missing.status, 400);
  std::set<std::string> names;
  const json missing_body = missing.Json();
  for (const json& p : missing_body.at("invalid_params")) names.insert(p.at("name"));
  EXPECT_EQ(names, (std::set<std::string>{"user", "username", "password"}));
}

TEST_P(ApiEndToEnd, FiveFailuresIn15MinutesLockTheAccountUntilTheFirstLeavesTheWindow) {
  const std::string nurse = Username(Role::kNurse);
  for (int i = 0; i < 5; ++i) {
    if (i > 0) clock_.Advance(std::chrono::minutes(1));
    EXPECT_EQ(Login(nurse, "wrong password!!").status, 401) << i;
  }
  // Failures at 0..4 min; at 4 min the first leaves the window at 15 min: 11 min to wait.
  ClientResponse locked = Login(nurse);  // even the right password
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.Header("retry-after"), "660");
  EXPECT_EQ(locked.Json().at("type"), "urn:ketaclinic:problem:too-many-attempts");
  clock_.Advance(std::chrono::seconds(659));  // 14:59
  ClientResponse still = Login(nurse);
  EXPECT_EQ(still.status, 429);
  EXPECT_EQ(still.Header("retry-after"), "1");
  // The limit is durable: a restarted server (same database) still refuses.
  server_->Shutdown();
  StartServer();
  EXPECT_EQ(Login(nurse).status, 429);
  clock_.Advance(std::chrono::seconds(1));  // 15:00: four failures left in the window
  EXPECT_EQ(Login(nurse).status, 200);
  // Another account from the same address was never limited (address limit is 20).
  EXPECT_EQ(Login(Username(Role::kPhysician)).status, 200);
}

TEST_P(ApiEndToEnd, TwentyFailuresFromOneAddressLockEveryAccountFromIt) {
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Login("guess" + std::to_string(i), "wrong password!!").status, 401) << i;
  }
  ClientResponse locked = Login(Username(Role::kPhysician));
  EXPECT_EQ(locked.status, 429);
  EXPECT_NE(locked.Json().at("detail").get<std::string>().find("address"), std::string::npos);
  EXPECT_EQ(locked.Header("retry-after"), "900");
}

TEST_P(ApiEndToEnd, IdleTimeoutEndsASessionUnusedFor30Minutes) {
  const std::string token = TokenOf(Role::kNurse);
  clock_.Advance(std::chrono::seconds(29 * 60 + 59));
  EXPECT_EQ(Get("/api/v1/auth/me", token).status, 200);  // just inside; counts as use
  clock_.Advance(std::chrono::seconds(29 * 60 + 59));
  EXPECT_EQ(Get("/api/v1/auth/me", token).status, 200);
  clock_.Advance(std::chrono::minutes(30));  // exactly 30 min unused
  EXPECT_EQ(Get("/api/v1/auth/me", token).status, 401);
}

TEST_P(ApiEndToEnd, AbsoluteExpiryEndsASessionAfter12HoursHoweverBusy) {
  const std::string token = TokenOf(Role::kNurse);
  for (int i = 0; i < 35; ++i) {  // a request every 20 min up to 11:40
    clock_.Advance(std::chrono::minutes(20));
    ASSERT_EQ(Get("/api/v1/auth/me", token).status, 200) << i;
  }
  clock_.Advance(std::chrono::seconds(20 * 60 - 1));  // 11:59:59
  EXPECT_EQ(Get("/api/v1/auth/me", token).status, 200);
  clock_.Advance(std::chrono::seconds(1));  // 12:00:00
  EXPECT_EQ(Get("/api/v1/auth/me", token).status, 401);
}

TEST_P(ApiEndToEnd, LogoutRevokesTheTokenAndIsAudited) {
  const std::string token = TokenOf(Role::kNurse);
  const std::string other = TokenOf(Role::kNurse);
  ASSERT_EQ(Get("/api/v1/auth/me", token).status, 200);
  EXPECT_EQ(client_->Send("POST", "/api/v1/auth/logout", "", Bearer(token)).status, 204);
  EXPECT_EQ(Get("/api/v1/auth/me", token).status, 401);
  EXPECT_EQ(Get("/api/v1/auth/me", other).status, 200);  // only that session
  EXPECT_EQ(AuditCount("user.logout"), 1);
}

TEST_P(ApiEndToEnd, ErrorsAreProblemJsonNamingEveryInvalidField) {
  const std::string nurse = TokenOf(Role::kNurse);
  ClientResponse invalid =
      Post("/api/v1/dose-plans",
           {{"sex", "other"}, {"weight_kg", 70}, {"mg_per_kg", "half"}, {"weigth", 1}}, nurse);
  ASSERT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_EQ(invalid.Header("content-type"), "application/problem+json");
  const json body = invalid.Json();
  EXPECT_EQ(body.at("status"), 400);
  EXPECT_EQ(body.at("title"), "Bad Request");
  EXPECT_TRUE(body.contains("type"));
  EXPECT_TRUE(body.contains("detail"));
  std::set<std::string> names;
  for (const json& p : body.at("invalid_params")) {
    names.insert(p.at("name"));
    EXPECT_FALSE(p.at("reason").get<std::string>().empty());
  }
  EXPECT_TRUE(names.count("sex")) << invalid.body;
  EXPECT_TRUE(names.count("mg_per_kg")) << invalid.body;
  EXPECT_TRUE(names.count("weigth")) << invalid.body;
  EXPECT_TRUE(names.count("height_cm")) << invalid.body;

  ClientResponse malformed =
      client_->Send("POST", "/api/v1/dose-plans", "{\"sex\": ", Bearer(nurse));
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.Json().at("invalid_params").at(0).at("name"), "(json)");
  ClientResponse text =
      client_->Send("POST", "/api/v1/dose-plans", "x",
                    {{"Authorization", "Bearer " + nurse}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415);
  ClientResponse missing = Get("/api/v1/nothing-here", nurse);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json().at("type"), "urn:ketaclinic:problem:not-found");
  ClientResponse wrong_method = client_->Send("DELETE", "/api/v1/patients", "", Bearer(nurse));
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Header("allow"), "GET, POST");
}

TEST_P(ApiEndToEnd, PatientsCreateReadAndUpdateWithETagAndIfMatch) {
  const std::string desk = TokenOf(Role::kFrontDesk);
  const std::string nurse = TokenOf(Role::kNurse);
  ClientResponse created = Post("/api/v1/patients", PatientFile(), desk);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Header("etag"), "\"1\"");
  const std::string id = created.Json().at("id");
  EXPECT_EQ(created.Header("location"), "/api/v1/patients/" + id);
  EXPECT_EQ(created.Json().at("file").at("patient").at("identifier"), "MRN-000123");

  ClientResponse read = Get("/api/v1/patients/" + id, nurse);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.Header("etag"), "\"1\"");
  EXPECT_EQ(read.Header("cache-control"), "no-store");
  EXPECT_EQ(Get("/api/v1/patients/no-such-id", nurse).status, 404);

  json file = PatientFile();
  file["patient"]["name"] = "Alex Q. Example";
  const json update = {{"reason", "name corrected"}, {"file", file}};
  auto put = [&](const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> headers = Bearer(nurse);
    headers.insert(extra.begin(), extra.end());
    return client_->Send("PUT", "/api/v1/patients/" + id, update.dump(), headers);
  };
  EXPECT_EQ(put({}).status, 428);
  ClientResponse stale = put({{"If-Match", "\"7\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.Header("etag"), "\"1\"");
  EXPECT_EQ(put({{"If-Match", "garbage"}}).status, 412);
  ClientResponse updated = put({{"If-Match", "\"1\""}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Header("etag"), "\"2\"");
  EXPECT_EQ(updated.Json().at("reason"), "name corrected");
  EXPECT_EQ(put({{"If-Match", "\"1\""}}).status, 412);  // someone else's change won
  EXPECT_EQ(Get("/api/v1/patients/" + id, nurse).Json().at("file").at("patient").at("name"),
            "Alex Q. Example");

  // An invalid update names its fields under "file." and writes nothing.
  json bad = {{"reason", ""}, {"file", {{"patient", {{"sex", "x"}}}}}};
  std::map<std::string, std::string> headers = Bearer(nurse);
  headers["If-Match"] = "\"2\"";
  ClientResponse refused = client_->Send("PUT", "/api/v1/patients/" + id, bad.dump(), headers);
  EXPECT_EQ(refused.status, 400);
  bool names_file = false;
  bool names_reason = false;
  const json refused_body = refused.Json();
  for (const json& p : refused_body.at("invalid_params")) {
    const std::string name = p.at("name");
    names_file = names_file || name.rfind("file.", 0) == 0;
    names_reason = names_reason || name == "reason";
  }
  EXPECT_TRUE(names_file) << refused.body;
  EXPECT_TRUE(names_reason) << refused.body;
  EXPECT_EQ(Get("/api/v1/patients/" + id, nurse).Header("etag"), "\"2\"");

  ClientResponse list = Get("/api/v1/patients?limit=10", nurse);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.Json().at("items").size(), 1u);
  EXPECT_EQ(list.Json().at("items")[0].at("version"), 2);
  ClientResponse bad_page = Get("/api/v1/patients?limit=0&offset=-1", nurse);
  EXPECT_EQ(bad_page.status, 400);
  EXPECT_EQ(bad_page.Json().at("invalid_params").size(), 2u);

  // Every read and change of the chart is in the audit trail.
  EXPECT_EQ(AuditCount("record.create"), 1);
  EXPECT_GE(AuditCount("record.read"), 3);
  EXPECT_EQ(AuditCount("record.list"), 1);
  // The request log names route templates, never the patient's id or data.
  std::lock_guard lock(log_mutex_);
  ASSERT_FALSE(log_.empty());
  for (const std::string& line : log_) {
    EXPECT_EQ(line.find(id), std::string::npos) << line;
    EXPECT_EQ(line.find("Alex"), std::string::npos) << line;
  }
  const json first = json::parse(log_.front());
  for (const char* key : {"time", "method", "route", "status", "duration_ms"}) {
    EXPECT_TRUE(first.contains(key)) << key;
  }
}

TEST_P(ApiEndToEnd, DosePlanOverridesAreForPhysiciansOnly) {
  const json request = {
      {"sex", "female"}, {"weight_kg", 70}, {"height_cm", 165}, {"mg_per_kg", 0.5}};
  ClientResponse plan = Post("/api/v1/dose-plans", request, TokenOf(Role::kNurse));
  ASSERT_EQ(plan.status, 200) << plan.body;
  EXPECT_DOUBLE_EQ(plan.Json().at("dose_mg").get<double>(), 35.0);  // 0.5 mg/kg x 70 kg
  json with_override = request;
  with_override["override"] = {{"physician", "Dr Somebody"}, {"reason", "tolerated before"}};
  EXPECT_EQ(Post("/api/v1/dose-plans", with_override, TokenOf(Role::kNurse)).status, 403);
  EXPECT_EQ(Post("/api/v1/dose-plans", with_override, TokenOf(Role::kPhysician)).status, 200);
}

TEST_P(ApiEndToEnd, ScalesAreScoredAndBadItemsNamed) {
  const std::string nurse = TokenOf(Role::kNurse);
  ClientResponse phq9 =
      Post("/api/v1/scales/phq9/score", {{"items", {1, 1, 1, 1, 1, 1, 1, 1, 0}}}, nurse);
  ASSERT_EQ(phq9.status, 200) << phq9.body;
  EXPECT_EQ(phq9.Json().at("total"), 8);      // 8 x 1 + 0
  EXPECT_EQ(phq9.Json().at("band"), "mild");  // 5-9 (Kroenke 2001)
  EXPECT_EQ(Post("/api/v1/scales/nope/score", {{"items", {1}}}, nurse).status, 404);
  ClientResponse bad =
      Post("/api/v1/scales/phq9/score", {{"items", {1, 1, 1.5, 1, 9, 1, 1, 1, 0}}}, nurse);
  EXPECT_EQ(bad.status, 400);
  std::set<std::string> names;
  const json bad_body = bad.Json();
  for (const json& p : bad_body.at("invalid_params")) names.insert(p.at("name"));
  EXPECT_EQ(names, (std::set<std::string>{"items[2]", "items[4]"}));
}

TEST_P(ApiEndToEnd, AdminsListCreateAndDisableUsers) {
  const std::string admin = TokenOf(Role::kAdmin);
  ClientResponse list = Get("/api/v1/users", admin);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Json().at("items").size(), clinical::kAllRoles.size());
  const json user = {{"username", "newnurse"},
                     {"display_name", "New Nurse"},
                     {"role", "nurse"},
                     {"password", "a long enough password"}};
  ClientResponse created = Post("/api/v1/users", user, admin);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(created.Json().contains("password"));
  EXPECT_EQ(Post("/api/v1/users", user, admin).status, 409);
  ClientResponse invalid =
      Post("/api/v1/users", {{"username", "X"}, {"role", "chef"}, {"password", "short"}}, admin);
  EXPECT_EQ(invalid.status, 400);
  std::set<std::string> names;
  const json invalid_body = invalid.Json();
  for (const json& p : invalid_body.at("invalid_params")) names.insert(p.at("name"));
  EXPECT_TRUE(names.count("role") && names.count("display_name")) << invalid.body;

  const std::string token = TokenOf(Role::kNurse);
  const std::string nurse_id = Get("/api/v1/auth/me", token).Json().at("id");
  ClientResponse disabled = Post("/api/v1/users/" + nurse_id + "/disable", json::object(), admin);
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(disabled.Json().at("disabled"), true);
  EXPECT_EQ(Get("/api/v1/auth/me", token).status, 401);  // sessions revoked
  EXPECT_EQ(Login(Username(Role::kNurse)).status, 401);  // and no new ones
  EXPECT_EQ(Post("/api/v1/users/nobody/disable", json::object(), admin).status, 404);
  EXPECT_EQ(AuditCount("user.disable"), 1);
}

TEST_P(ApiEndToEnd, HealthReadinessMetricsAndProtocol) {
  ClientResponse health = client_->Send("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  ClientResponse ready = client_->Send("GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.Json().at("schema_version"), store::LatestSchemaVersion());
  const std::string token = TokenOf(Role::kAuditor);
  ClientResponse protocol = Get("/api/v1/protocol", token);
  ASSERT_EQ(protocol.status, 200);
  EXPECT_EQ(protocol.Json().at("version"), clinical::DefaultProtocol().version);
  EXPECT_TRUE(protocol.Json().contains("dosing"));
  Get("/api/v1/patients/some-id", token);
  ClientResponse metrics = client_->Send("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.Header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("kc_http_requests_total{method=\"GET\",route=\"/healthz\","
                              "status=\"200\"} 1"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("route=\"/api/v1/patients/{id}\""), std::string::npos);
  EXPECT_EQ(metrics.body.find("some-id"), std::string::npos);
  EXPECT_NE(metrics.body.find("kc_db_seconds_total"), std::string::npos);
}

TEST_P(ApiEndToEnd, ReadinessFailsWhenTheSchemaIsNotCurrent) {
  // A database migrated by a newer binary: this one must not serve it.
  const store::Migration newer{store::LatestSchemaVersion() + 1, "from the future", "SELECT 1",
                               "SELECT 1"};
  ASSERT_TRUE(store::ApplyMigrations(*store_, {newer}));
  ClientResponse ready = client_->Send("GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.Header("content-type"), "application/problem+json");
}

INSTANTIATE_TEST_SUITE_P(Backends, ApiEndToEnd,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         store::BackendParamName);

}  // namespace
}  // namespace ketaclinic::api
