// Beast and Asio live here only (about 10 s of compile time per translation unit).
// <utility> first: Boost 1.74's Asio does not compile under C++20 with GCC 12 otherwise
// (reference/dependencies.md pitfall 4).
#include "api/http_server.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace ketaclinic::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A minimal problem+json for failures found before a request reaches the API (oversized or
// malformed requests); the API's own problems come from problem.h.
HttpResponse TransportProblem(int status, const std::string& title, const std::string& detail) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = "{\"type\":\"urn:ketaclinic:problem:http-" + std::to_string(status) +
                  "\",\"title\":\"" + title + "\",\"status\":" + std::to_string(status) +
                  ",\"detail\":\"" + detail + "\"}";
  return response;
}

}  // namespace

class Session;

struct HttpServer::Impl {
  explicit Impl(const ServerOptions& opts, RequestHandler h)
      : options(opts),
        handler(std::move(h)),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM),
        workers(static_cast<size_t>(opts.workers)) {}

  void Accept();
  void Register(const std::shared_ptr<Session>& session);
  void Remove(Session* session);

  ServerOptions options;
  RequestHandler handler;
  std::atomic<bool> stopping{false};
  std::atomic<bool> shut_down{false};
  std::mutex mutex;
  std::condition_variable changed;
  std::map<Session*, std::weak_ptr<Session>> sessions;
  std::promise<int> signalled;
  std::atomic<bool> signal_reported{false};

  asio::io_context ioc;
  // Keeps the I/O threads running while a request is with the workers and no socket operation
  // is pending (at shutdown: the acceptor closed, the last connection busy), so that the
  // response can still be written. Released at the end of Shutdown.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::thread_pool workers;
  std::vector<std::thread> threads;
  uint16_t bound_port = 0;
  std::string bound_address;

  void ReportSignal(int number) {
    if (!signal_reported.exchange(true)) signalled.set_value(number);
  }
};

// One connection: reads requests one after another (keep-alive), hands each to the workers,
// writes the response. Everything on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    beast::error_code ec;
    const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    peer_ = ec ? std::string("unknown") : peer.address().to_string();
  }
  ~Session() { server_.Remove(this); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

  // Shutdown: a connection waiting for its next request is closed now; one whose request is
  // being handled closes after writing the response.
  void StopIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }
  void ForceClose() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }

 private:
  void Read() {
    if (server_.stopping) {
      Close();
      return;
    }
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    parser_->body_limit(server_.options.body_limit);
    stream_.expires_after(server_.options.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec == http::error::body_limit) {
      Write(TransportProblem(413, "Content Too Large", "the body exceeds the server's limit"),
            false, 11);
      return;
    }
    if (ec == http::error::header_limit) {
      Write(TransportProblem(431, "Request Header Fields Too Large",
                             "the request line and headers exceed the server's limit"),
            false, 11);
      return;
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      Write(TransportProblem(400, "Bad Request", "malformed HTTP request"), false, 11);
      return;
    }
    if (ec) {  // closed by the client, timed out, or cancelled by shutdown
      Close();
      return;
    }
    if (!parser_.has_value()) {  // cannot happen: Read() emplaced it
      Close();
      return;
    }
    http::request<http::string_body> message = parser_->release();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      std::string name = Lower(std::string(field.name_string()));
      auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request.body = std::move(message.body());
    request.client_address = peer_;
    const bool keep_alive = message.keep_alive();
    const unsigned version = message.version();
    busy_ = true;
    asio::post(server_.workers,
               [self = shared_from_this(), request = std::move(request), keep_alive, version]() {
                 HttpResponse response = self->server_.handler(request);
                 asio::post(self->stream_.get_executor(),
                            [self, response = std::move(response), keep_alive, version]() mutable {
                              self->Write(std::move(response), keep_alive, version);
                            });
               });
  }

  void Write(HttpResponse response, bool keep_alive, unsigned version) {
    busy_ = true;
    response_ = {};
    response_.version(version == 10 ? 10 : 11);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "ketaclinic");
    if (!response.content_type.empty()) {
      response_.set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) response_.set(name, value);
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive && !server_.stopping);
    response_.prepare_payload();
    stream_.expires_after(server_.options.read_timeout);
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t /*bytes*/) {
    busy_ = false;
    if (ec || !response_.keep_alive()) {
      Close();
      return;
    }
    Read();
  }

  void Close() {
    beast::error_code ec;
    ec = stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    ec = stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  HttpServer::Impl& server_;
  std::string peer_;
  bool busy_ = false;
};

void HttpServer::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopping && acceptor.is_open()) Accept();
      return;
    }
    if (stopping) {
      beast::error_code ignored;
      ignored = socket.close(ignored);
      return;
    }
    auto session = std::make_shared<Session>(std::move(socket), *this);
    Register(session);
    session->Start();
    Accept();
  });
}

void HttpServer::Impl::Register(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex);
  sessions[session.get()] = session;
}

void HttpServer::Impl::Remove(Session* session) {
  std::lock_guard lock(mutex);
  sessions.erase(session);
  changed.notify_all();
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Shutdown(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options,
                                                      RequestHandler handler) {
  ServerOptions effective = options;
  if (effective.workers <= 0) {
    effective.workers = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  if (effective.io_threads <= 0) effective.io_threads = std::max(1, effective.workers / 2);
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(effective.address, ec);
  if (ec) {
    return tl::unexpected(Error::InvalidArgument(
        "listen", "'" + effective.address + "' is not an IP address (e.g. 127.0.0.1)"));
  }
  auto impl = std::make_unique<Impl>(effective, std::move(handler));
  const tcp::endpoint endpoint(address, effective.port);
  const std::string where = effective.address + ":" + std::to_string(effective.port);
  ec = impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) ec = impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) ec = impl->acceptor.bind(endpoint, ec);
  if (!ec) ec = impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return tl::unexpected(Error::Io("cannot listen on " + where + ": " + ec.message()));
  const tcp::endpoint bound = impl->acceptor.local_endpoint(ec);
  if (ec) return tl::unexpected(Error::Io("cannot listen on " + where + ": " + ec.message()));
  impl->bound_port = bound.port();
  impl->bound_address = bound.address().to_string();
  Impl* raw = impl.get();
  impl->signals.async_wait([raw](beast::error_code error, int number) {
    if (!error) raw->ReportSignal(number);
  });
  impl->keep_running.emplace(impl->ioc.get_executor());
  impl->Accept();
  impl->threads.reserve(static_cast<size_t>(effective.io_threads));
  for (int i = 0; i < effective.io_threads; ++i) {
    impl->threads.emplace_back([raw] { raw->ioc.run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->bound_port; }
std::string HttpServer::address() const { return impl_->bound_address; }
int HttpServer::workers() const { return impl_->options.workers; }

int HttpServer::RunUntilSignal() {
  const int number = impl_->signalled.get_future().get();
  Shutdown();
  return number;
}

void HttpServer::Shutdown() {
  Impl& s = *impl_;
  if (s.shut_down.exchange(true)) return;
  s.stopping = true;
  // Stop accepting (on the I/O threads: the acceptor is not thread-safe).
  std::promise<void> closed;
  asio::post(s.ioc, [&s, &closed] {
    beast::error_code ec;
    ec = s.acceptor.close(ec);
    ec = s.signals.cancel(ec);
    closed.set_value();
  });
  closed.get_future().wait();
  s.ReportSignal(0);  // wakes RunUntilSignal when shut down from elsewhere

  auto live = [&s] {
    std::vector<std::shared_ptr<Session>> out;
    std::lock_guard lock(s.mutex);
    for (auto& [raw, weak] : s.sessions) {
      if (std::shared_ptr<Session> session = weak.lock()) out.push_back(std::move(session));
    }
    return out;
  };
  for (const std::shared_ptr<Session>& session : live()) session->StopIfIdle();
  {
    std::unique_lock lock(s.mutex);
    s.changed.wait_for(lock, s.options.shutdown_grace, [&s] { return s.sessions.empty(); });
  }
  // Past the grace period: whatever is left is closed.
  for (const std::shared_ptr<Session>& session : live()) session->ForceClose();
  {
    std::unique_lock lock(s.mutex);
    s.changed.wait_for(lock, std::chrono::seconds(2), [&s] { return s.sessions.empty(); });
  }
  s.workers.join();
  s.keep_running.reset();
  s.ioc.stop();
  for (std::thread& thread : s.threads) thread.join();
}

}  // namespace ketaclinic::api
