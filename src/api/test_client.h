#ifndef KETACLINIC_API_TEST_CLIENT_H_
#define KETACLINIC_API_TEST_CLIENT_H_

// Test-only: a blocking HTTP/1.1 client on Beast (in test_client.cc, so the tests themselves
// compile without Beast). One keep-alive connection, reopened when the server closed it.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace ketaclinic::api {

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = true;

  std::string Header(const std::string& name) const;
  // The body as JSON (null if it is not JSON).
  nlohmann::json Json() const;
};

class TestClient {
 public:
  explicit TestClient(uint16_t port);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Sends one request; a failure of the connection is status 0 with the reason in body.
  ClientResponse Send(const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::map<std::string, std::string>& headers = {});
  // Writes raw bytes on a fresh connection and reads one response (malformed requests).
  ClientResponse SendRaw(const std::string& bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ketaclinic::api

#endif  // KETACLINIC_API_TEST_CLIENT_H_
