// <utility> first: reference/dependencies.md pitfall 4.
#include "api/test_client.h"

#include <cctype>
#include <cstdint>
#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
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

}  // namespace

std::string ClientResponse::Header(const std::string& name) const {
  auto found = headers.find(Lower(name));
  return found == headers.end() ? std::string() : found->second;
}

nlohmann::json ClientResponse::Json() const { return nlohmann::json::parse(body, nullptr, false); }

struct TestClient::Impl {
  explicit Impl(uint16_t p) : port(p) {}
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  uint16_t port;

  beast::tcp_stream& Connect() {
    beast::tcp_stream& fresh = stream.emplace(ioc);
    buffer.clear();
    fresh.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    return fresh;
  }
  // The open connection, or a new one.
  beast::tcp_stream& Stream() { return stream.has_value() ? *stream : Connect(); }

  ClientResponse Read(beast::tcp_stream& from) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{64} * 1024 * 1024);
    http::read(from, buffer, parser);
    http::response<http::string_body> message = parser.release();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers[Lower(std::string(field.name_string()))] = std::string(field.value());
    }
    response.body = message.body();
    response.keep_alive = message.keep_alive();
    if (!response.keep_alive) stream.reset();
    return response;
  }
};

TestClient::TestClient(uint16_t port) : impl_(std::make_unique<Impl>(port)) {}
TestClient::~TestClient() = default;

ClientResponse TestClient::Send(const std::string& method, const std::string& target,
                                const std::string& body,
                                const std::map<std::string, std::string>& headers) {
  try {
    beast::tcp_stream& stream = impl_->Stream();
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() && headers.find("Content-Type") == headers.end()) {
      request.set(http::field::content_type, "application/json");
    }
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    return impl_->Read(stream);
  } catch (const std::exception& e) {
    impl_->stream.reset();
    ClientResponse failed;
    failed.body = e.what();
    return failed;
  }
}

ClientResponse TestClient::SendRaw(const std::string& bytes) {
  try {
    beast::tcp_stream& stream = impl_->Connect();
    asio::write(stream.socket(), asio::buffer(bytes));
    return impl_->Read(stream);
  } catch (const std::exception& e) {
    impl_->stream.reset();
    ClientResponse failed;
    failed.body = e.what();
    return failed;
  }
}

}  // namespace ketaclinic::api
