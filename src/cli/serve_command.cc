// `ketaclinic serve`: wires the store, the protocol and the API to the HTTP server.
#include "cli/serve_command.h"

#include <charconv>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <ostream>
#include <thread>

#include "cli/commands.h"
#include "cli/db_command.h"
#include "cli/inputs.h"

#include "api/api.h"
#include "api/http_server.h"
#include "clinical_json/protocol_json.h"
#include "store/migrations.h"
#include "store/store.h"

namespace ketaclinic::cli {

Result<std::pair<std::string, uint16_t>> ParseListen(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return tl::unexpected(Error::InvalidArgument(
        "--listen", "'" + std::string(text) + "' " + why + " (e.g. 127.0.0.1:8080)"));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("has no :PORT");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]
  }
  if (host.empty()) return bad("has no address");
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return bad("has no port from 0 to 65535");
  }
  return std::make_pair(std::string(host), static_cast<uint16_t>(port));
}

ServeOptions ResolveServeOptions(ServeOptions options, const char* (*env)(const char*)) {
  if (options.db.empty()) {
    const char* value = env("KETACLINIC_DB");
    options.db = value != nullptr && *value != '\0' ? value : kDefaultDatabaseUrl;
  }
  if (options.listen.empty()) {
    const char* value = env("KETACLINIC_LISTEN");
    options.listen = value != nullptr && *value != '\0' ? value : kDefaultListen;
  }
  if (options.threads <= 0) {
    options.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  return options;
}

int RunServe(const ServeOptions& given, std::ostream& out, std::ostream& err) {
  const ServeOptions options =
      ResolveServeOptions(given, [](const char* name) -> const char* { return std::getenv(name); });
  auto fail = [&](const Error& error) { return ReportError(error, Format::kTable, out, err); };

  Result<std::pair<std::string, uint16_t>> listen = ParseListen(options.listen);
  if (!listen) return fail(listen.error());
  api::ApiConfig config;
  if (!options.protocol_file.empty()) {
    Result<std::string> text = ReadTextFile(options.protocol_file, "--protocol");
    if (!text) return fail(text.error());
    Result<clinical::Protocol> protocol = clinical_json::ParseProtocolText(*text);
    if (!protocol) return fail(protocol.error());
    config.protocol = std::move(*protocol);
  }
  const SystemClock clock;
  store::OpenOptions open;
  open.schema = store::OpenOptions::Schema::kMigrate;  // a starting server brings the schema up
  open.pool_size = options.threads;                    // one connection per handler thread
  open.clock = &clock;
  Result<std::unique_ptr<store::Store>> store = store::Store::Open(options.db, open);
  if (!store) return fail(store.error());

  std::mutex log_mutex;
  config.request_log = [&out, &log_mutex](const std::string& line) {
    std::lock_guard lock(log_mutex);
    out << line << '\n' << std::flush;
  };
  api::Api api(**store, clock, config);
  api::ServerOptions server_options;
  server_options.address = listen->first;
  server_options.port = listen->second;
  server_options.workers = options.threads;
  Result<std::unique_ptr<api::HttpServer>> server = api::HttpServer::Start(
      server_options, [&api](const api::HttpRequest& request) { return api.Handle(request); });
  if (!server) return fail(server.error());
  const std::string host = listen->first.find(':') == std::string::npos
                               ? (*server)->address()
                               : "[" + (*server)->address() + "]";
  err << "ketaclinic serving http://" << host << ":" << (*server)->port() << " (database "
      << (*store)->url() << ", schema " << store::LatestSchemaVersion() << ", protocol "
      << config.protocol.version << ", " << (*server)->workers() << " workers)"
      << "\n"
      << std::flush;
  const int signal = (*server)->RunUntilSignal();
  err << "ketaclinic stopped" << (signal != 0 ? " on signal " + std::to_string(signal) : "")
      << ": every request in flight was answered"
      << "\n"
      << std::flush;
  return 0;
}

}  // namespace ketaclinic::cli
