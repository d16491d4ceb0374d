// The router, the request helpers, problem+json and metrics: no sockets, no database.
#include "api/router.h"

#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/metrics.h"
#include "api/problem.h"

namespace ketaclinic::api {
namespace {

TEST(MatchPath, LiteralAndParameterSegments) {
  std::map<std::string, std::string> params;
  EXPECT_TRUE(MatchPath("/api/v1/patients", "/api/v1/patients", params));
  EXPECT_TRUE(params.empty());
  EXPECT_TRUE(MatchPath("/api/v1/patients/{id}", "/api/v1/patients/abc-1", params));
  EXPECT_EQ(params.at("id"), "abc-1");
  EXPECT_TRUE(MatchPath("/api/v1/users/{id}/disable", "/api/v1/users/u%2F1/disable", params));
  EXPECT_EQ(params.at("id"), "u/1");  // decoded after matching: stays one segment
}

TEST(MatchPath, RefusesOtherShapes) {
  std::map<std::string, std::string> params;
  EXPECT_FALSE(MatchPath("/api/v1/patients/{id}", "/api/v1/patients", params));
  EXPECT_FALSE(MatchPath("/api/v1/patients/{id}", "/api/v1/patients/", params));
  EXPECT_FALSE(MatchPath("/api/v1/patients/{id}", "/api/v1/patients/a/b", params));
  EXPECT_FALSE(MatchPath("/api/v1/patients", "/api/v1/patients/", params));
  EXPECT_FALSE(MatchPath("/api/v1/patients", "/api/v1//patients", params));
  EXPECT_FALSE(MatchPath("/api/v1/patients/{id}", "/api/v1/patients/../users", params));
  EXPECT_FALSE(MatchPath("/healthz", "healthz", params));
}

TEST(Router, FindsTheRouteOrSaysWhichMethodsExist) {
  auto ok = [](RequestContext&) { return HttpResponse{}; };
  Router router({{"GET", "/a/{id}", true, {}, "", ok}, {"PUT", "/a/{id}", true, {}, "", ok}});
  Router::Lookup get = router.Find("GET", "/a/7");
  ASSERT_NE(get.route, nullptr);
  EXPECT_EQ(get.route->method, "GET");
  EXPECT_EQ(get.params.at("id"), "7");
  Router::Lookup del = router.Find("DELETE", "/a/7");
  EXPECT_EQ(del.route, nullptr);
  EXPECT_EQ(del.allowed_methods, (std::vector<std::string>{"GET", "PUT"}));
  Router::Lookup none = router.Find("GET", "/b");
  EXPECT_EQ(none.route, nullptr);
  EXPECT_TRUE(none.allowed_methods.empty());
}

TEST(HttpRequest, PathQueryAndHeaders) {
  HttpRequest request;
  request.target = "/api/v1/patients?limit=5&offset=1%30&flag";
  request.headers["if-match"] = "\"2\"";
  EXPECT_EQ(request.Path(), "/api/v1/patients");
  const auto query = request.Query();
  EXPECT_EQ(query.at("limit"), "5");
  EXPECT_EQ(query.at("offset"), "10");
  EXPECT_EQ(query.at("flag"), "");
  EXPECT_EQ(request.Header("if-match"), "\"2\"");
  EXPECT_FALSE(request.Header("authorization").has_value());
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
}

TEST(Problem, HasTheRfc9457MembersAndEveryInvalidParam) {
  const Error error(ErrorCode::kInvalidArgument, "invalid dose request",
                    {{"weight_kg", "must be > 0"}, {"sex", "must be female or male"}});
  const HttpResponse response = ErrorProblem(error);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "application/problem+json");
  const nlohmann::json body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body.at("type"), "urn:ketaclinic:problem:invalid-input");
  EXPECT_EQ(body.at("title"), "Bad Request");
  EXPECT_EQ(body.at("status"), 400);
  EXPECT_EQ(body.at("detail"), "invalid dose request");
  ASSERT_EQ(body.at("invalid_params").size(), 2u);
  EXPECT_EQ(body["invalid_params"][1].at("name"), "sex");
  EXPECT_EQ(body["invalid_params"][1].at("reason"), "must be female or male");
}

TEST(Problem, StatusByErrorKindAndNoInternalDetail) {
  EXPECT_EQ(StatusForError(Error::NotFound("x")), 404);
  EXPECT_EQ(StatusForError(Error(ErrorCode::kFailedPrecondition, "x")), 409);
  EXPECT_EQ(StatusForError(Error::OutOfRange("x")), 422);
  const HttpResponse internal = ErrorProblem(Error::Internal("table users is broken"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("users"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(internal.body).count("invalid_params"), 0u);
}

TEST(Metrics, CountsByRouteTemplateAndFillsTheHistogram) {
  Metrics metrics;
  metrics.RecordRequest("GET", "/api/v1/patients/{id}", 200, std::chrono::milliseconds(3));
  metrics.RecordRequest("GET", "/api/v1/patients/{id}", 200, std::chrono::milliseconds(30));
  metrics.RecordRequest("GET", "/api/v1/patients/{id}", 404, std::chrono::milliseconds(2));
  metrics.RecordDatabase(std::chrono::milliseconds(5));
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("kc_http_requests_total{method=\"GET\",route=\"/api/v1/patients/{id}\","
                      "status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  // 3 ms and 2 ms are <= 5 ms; 30 ms is not.
  EXPECT_NE(text.find("route=\"/api/v1/patients/{id}\",le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("route=\"/api/v1/patients/{id}\",le=\"0.05\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("kc_db_calls_total 1\n"), std::string::npos);
}

}  // namespace
}  // namespace ketaclinic::api
