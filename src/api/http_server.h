#ifndef KETACLINIC_API_HTTP_SERVER_H_
#define KETACLINIC_API_HTTP_SERVER_H_

// The HTTP/1.1 server on Boost.Beast/Asio (docs/decisions/0007-http-server.md): asynchronous
// accept and keep-alive on a few I/O threads; each parsed request handed to a pool of worker
// threads, where the (blocking) database work runs, so a slow query never stalls the sockets;
// header and body limits; a read timeout; graceful shutdown (stop accepting, finish the
// requests being handled, close idle connections, then return). Beast stays in the .cc.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/error.h"

#include "api/http_types.h"

namespace ketaclinic::api {

struct ServerOptions {
  std::string address = "127.0.0.1";        // loopback unless told otherwise
  uint16_t port = 8080;                     // 0: an ephemeral port (tests); see HttpServer::port()
  int workers = 0;                          // handler threads; 0: the number of cores
  int io_threads = 0;                       // socket threads; 0: half the workers, at least 1
  size_t header_limit = size_t{16} * 1024;  // bytes of request line and headers (else 431)
  size_t body_limit = size_t{1024} * 1024;  // bytes of body (else 413)
  // Longest wait for a complete request, including an idle keep-alive connection's next one,
  // and for a response to be taken by the client.
  std::chrono::seconds read_timeout{30};
  // Shutdown waits this long for requests being handled, then closes what is left.
  std::chrono::seconds shutdown_grace{30};
};

using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Binds, listens and starts serving before it returns. `handler` runs on the worker threads,
  // concurrently; it must not throw.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options,
                                                   RequestHandler handler);
  ~HttpServer();  // Shutdown()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;        // the bound port (the ephemeral one when asked for 0)
  std::string address() const;  // the bound address
  int workers() const;          // the worker count in effect

  // Stops accepting, lets every request being handled finish and its response be written,
  // closes idle connections, then stops the threads. Idempotent; blocks until done.
  void Shutdown();
  // Blocks until SIGINT or SIGTERM (or Shutdown from another thread), then shuts down
  // gracefully. Returns the signal number, or 0 when shut down otherwise.
  int RunUntilSignal();

  struct Impl;  // internal (http_server.cc)

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ketaclinic::api

#endif  // KETACLINIC_API_HTTP_SERVER_H_
