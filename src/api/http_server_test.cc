// The transport alone (a stand-in handler, no database): keep-alive, limits, malformed
// requests, graceful shutdown with a request in flight.
#include "api/http_server.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "api/test_client.h"

namespace ketaclinic::api {
namespace {

std::unique_ptr<HttpServer> StartEcho(ServerOptions options, RequestHandler handler = {}) {
  options.port = 0;
  options.workers = 2;
  if (!handler) {
    handler = [](const HttpRequest& request) {
      HttpResponse response;
      response.content_type = "text/plain";
      response.body = request.method + " " + request.target + " " + request.body + " from " +
                      request.client_address;
      return response;
    };
  }
  Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(options, std::move(handler));
  EXPECT_TRUE(server) << server.error().ToString();
  return server ? std::move(*server) : nullptr;
}

TEST(HttpServer, ServesSeveralRequestsOnOneKeepAliveConnection) {
  auto server = StartEcho({});
  ASSERT_TRUE(server);
  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(server->address(), "127.0.0.1");
  TestClient client(server->port());
  for (int i = 0; i < 3; ++i) {
    ClientResponse response = client.Send("POST", "/x?i=" + std::to_string(i), "hi");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "POST /x?i=" + std::to_string(i) + " hi from 127.0.0.1");
    EXPECT_TRUE(response.keep_alive);
  }
}

TEST(HttpServer, RefusesABodyOverTheLimitWith413) {
  ServerOptions options;
  options.body_limit = 100;
  auto server = StartEcho(options);
  ASSERT_TRUE(server);
  TestClient client(server->port());
  EXPECT_EQ(client.Send("POST", "/x", std::string(100, 'a')).status, 200);
  ClientResponse big = client.Send("POST", "/x", std::string(101, 'a'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.Header("content-type"), "application/problem+json");
  EXPECT_FALSE(big.keep_alive);
}

TEST(HttpServer, RefusesHeadersOverTheLimitWith431) {
  ServerOptions options;
  options.header_limit = 512;
  auto server = StartEcho(options);
  ASSERT_TRUE(server);
  TestClient client(server->port());
  EXPECT_EQ(client.Send("GET", "/x", "", {{"X-Pad", std::string(1000, 'b')}}).status, 431);
}

TEST(HttpServer, AnswersMalformedRequestsWith400) {
  auto server = StartEcho({});
  ASSERT_TRUE(server);
  TestClient client(server->port());
  EXPECT_EQ(client.SendRaw("GARBAGE\r\n\r\n").status, 400);
  EXPECT_EQ(client.SendRaw("GET /x HTTP/1.1\r\nContent-Length: nope\r\n\r\n").status, 400);
}

TEST(HttpServer, RefusesAnAddressThatIsNotOne) {
  ServerOptions options;
  options.address = "localhost:80";
  Result<std::unique_ptr<HttpServer>> server =
      HttpServer::Start(options, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().problems().at(0).field, "listen");
}

TEST(HttpServer, ShutdownFinishesTheRequestInFlightThenStopsAccepting) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  auto server = StartEcho({}, [&](const HttpRequest&) {
    if (first.exchange(false)) {
      entered.set_value();
      released.wait();
    }
    HttpResponse response;
    response.body = "finished";
    return response;
  });
  ASSERT_TRUE(server);
  const uint16_t port = server->port();
  auto in_flight = std::async(std::launch::async, [port] {
    TestClient client(port);
    return client.Send("GET", "/slow");
  });
  entered.get_future().wait();
  // An idle keep-alive connection, open before shutdown: closed, not waited for.
  TestClient idle(port);
  ASSERT_EQ(idle.Send("GET", "/quick").status, 200);

  auto stopped = std::async(std::launch::async, [&] { server->Shutdown(); });
  // Shutdown waits for the request being handled.
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  release.set_value();
  const ClientResponse response = in_flight.get();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "finished");
  EXPECT_FALSE(response.keep_alive);  // told the connection closes
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // Nothing listens any more.
  TestClient late(port);
  EXPECT_EQ(late.Send("GET", "/x").status, 0);
}

TEST(HttpServer, RunUntilSignalReturnsOnSigterm) {
  auto server = StartEcho({});
  ASSERT_TRUE(server);
  auto waiting = std::async(std::launch::async, [&] { return server->RunUntilSignal(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(std::raise(SIGTERM), 0);
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(waiting.get(), SIGTERM);
}

}  // namespace
}  // namespace ketaclinic::api
