#ifndef KETACLINIC_CLI_SERVE_COMMAND_H_
#define KETACLINIC_CLI_SERVE_COMMAND_H_

// `ketaclinic serve`: the HTTP API (src/api, docs/API.md) on a database. Configuration by flags,
// else environment variables, else defaults:
//   --db URL          KETACLINIC_DB      sqlite:ketaclinic.db (in the working directory)
//   --listen ADDR:PORT KETACLINIC_LISTEN 127.0.0.1:8080 (loopback only)
//   --threads N       -                  the number of cores (handler threads = DB connections)
//   --protocol FILE   -                  clinical.md §6's defaults (docs/formats/protocol-file.md)
// Prints one line on stderr when ready, one JSON line per request on stdout, and exits 0 after
// a graceful shutdown on SIGTERM or SIGINT; 2 for invalid configuration, 1 if it cannot start.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>

#include "base/error.h"

namespace ketaclinic::cli {

inline constexpr const char* kDefaultListen = "127.0.0.1:8080";

struct ServeOptions {
  std::string db;      // empty: $KETACLINIC_DB, else sqlite:ketaclinic.db
  std::string listen;  // empty: $KETACLINIC_LISTEN, else 127.0.0.1:8080
  int threads = 0;     // 0: the number of cores
  std::string protocol_file;
};

// "127.0.0.1:8080" -> {"127.0.0.1", 8080}; "[::1]:8080" -> {"::1", 8080}. Errors name "--listen".
Result<std::pair<std::string, uint16_t>> ParseListen(std::string_view text);

// Flags over environment over defaults (`env` reads a variable; nullptr when unset).
ServeOptions ResolveServeOptions(ServeOptions options, const char* (*env)(const char*));

int RunServe(const ServeOptions& options, std::ostream& out, std::ostream& err);

}  // namespace ketaclinic::cli

#endif  // KETACLINIC_CLI_SERVE_COMMAND_H_
