#include "api/problem.h"

#include <string>

namespace ketaclinic::api {

std::string_view StatusTitle(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

std::string ProblemType(int status) {
  std::string slug;
  switch (status) {
    case 400:
      slug = "invalid-input";
      break;
    case 401:
      slug = "unauthenticated";
      break;
    case 403:
      slug = "forbidden";
      break;
    case 404:
      slug = "not-found";
      break;
    case 405:
      slug = "method-not-allowed";
      break;
    case 409:
      slug = "conflict";
      break;
    case 412:
      slug = "version-mismatch";
      break;
    case 428:
      slug = "if-match-required";
      break;
    case 429:
      slug = "too-many-attempts";
      break;
    case 503:
      slug = "unavailable";
      break;
    default:
      slug = "http-" + std::to_string(status);
  }
  return "urn:ketaclinic:problem:" + slug;
}

HttpResponse Problem(int status, std::string_view detail,
                     const std::vector<FieldProblem>& invalid_params) {
  nlohmann::json body = {{"type", ProblemType(status)},
                         {"title", std::string(StatusTitle(status))},
                         {"status", status},
                         {"detail", std::string(detail)}};
  if (!invalid_params.empty()) {
    nlohmann::json params = nlohmann::json::array();
    for (const FieldProblem& p : invalid_params) {
      params.push_back({{"name", p.field}, {"reason", p.reason}});
    }
    body["invalid_params"] = std::move(params);
  }
  HttpResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  // Invalid UTF-8 from a client (echoed in a reason) is replaced rather than thrown on.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

int StatusForError(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kOutOfRange:
      return 422;
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse ErrorProblem(const Error& error) {
  const int status = StatusForError(error);
  if (status == 500) return Problem(500, "the server could not complete the request");
  return Problem(status, error.message(), error.problems());
}

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace ketaclinic::api
