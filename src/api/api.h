#ifndef KETACLINIC_API_API_H_
#define KETACLINIC_API_API_H_

// The HTTP API as a function from request to response, independent of the transport: routing,
// authentication, the role check, the handler, problem+json for every failure, metrics and one
// structured log line per request. http_server.h puts it on a socket. docs/API.md.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/time.h"

#include "api/http_types.h"
#include "api/login_sessions.h"
#include "api/metrics.h"
#include "api/router.h"
#include "clinical/protocol.h"
#include "store/store.h"

namespace ketaclinic::api {

struct ApiConfig {
  AuthConfig auth;
  // The effective protocol (`serve --protocol FILE`, else clinical.md §6's defaults).
  clinical::Protocol protocol = clinical::DefaultProtocol();
  // Receives one JSON line per request (time, method, route template, status, duration); never
  // bodies, concrete paths or patient data. Null: no request log.
  std::function<void(const std::string&)> request_log;
};

class Api {
 public:
  // `store` and `clock` must outlive the Api. Give the store the same clock (OpenOptions::clock)
  // so that audit rows and sessions agree on time.
  Api(store::Store& store, const Clock& clock, ApiConfig config);

  // Thread-safe: called concurrently by the server's workers. Never throws.
  HttpResponse Handle(const HttpRequest& request);

  const Router& router() const { return *router_; }
  Metrics& metrics() { return metrics_; }
  store::Store& store() { return store_; }
  LoginSessions& sessions() { return sessions_; }
  const ApiConfig& config() const { return config_; }
  const Clock& clock() const { return clock_; }

 private:
  HttpResponse Dispatch(const HttpRequest& request, Instant now, std::string& route_label);

  store::Store& store_;
  const Clock& clock_;
  ApiConfig config_;
  LoginSessions sessions_;
  Metrics metrics_;
  std::unique_ptr<Router> router_;
  std::atomic<uint64_t> dropped_log_lines_{0};
};

}  // namespace ketaclinic::api

#endif  // KETACLINIC_API_API_H_
