#ifndef KETACLINIC_API_PROBLEM_H_
#define KETACLINIC_API_PROBLEM_H_

// Error responses as application/problem+json (RFC 9457): type, title, status, detail and,
// for invalid input, `invalid_params`: [{name, reason}] naming every bad field at once (from
// base::Error's problems). docs/API.md "Errors".

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"

#include "api/http_types.h"

namespace ketaclinic::api {

// The problem type URI of a status: "urn:ketaclinic:problem:invalid-input" etc.
std::string ProblemType(int status);
// The standard reason phrase ("Not Found").
std::string_view StatusTitle(int status);

HttpResponse Problem(int status, std::string_view detail,
                     const std::vector<FieldProblem>& invalid_params = {});

// The status an Error maps to: invalid input 400, not found 404, a conflict of optimistic
// concurrency 409, another failed precondition 409, out of range 422, I/O and internal 500.
int StatusForError(const Error& error);
// The problem for `error`. A 500 never shows the internal message (it may name tables or
// files); the caller logs it.
HttpResponse ErrorProblem(const Error& error);

// A JSON response.
HttpResponse JsonResponse(int status, const nlohmann::json& body);

}  // namespace ketaclinic::api

#endif  // KETACLINIC_API_PROBLEM_H_
