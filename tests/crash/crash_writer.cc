// The crash test's writer (docs/RELIABILITY.md "Crash test"): opens a database, then appends
// vital signs forever, one transaction at a time, and acknowledges each transaction on stdout
// only after its commit returned. The driver (crash_test.cc) kills it with SIGKILL at random
// moments; every line it printed is a promise the database must keep.
//
//   ketaclinic_crash_writer --db URL --run N --seed S
//
// Transactions mix the shapes a clinic produces: a single reading (a nurse's manual entry), a
// batch of readings of one session (a monitor upload), and several sessions in one transaction
// (one command touching several chairs). Exit status: 1 on any store error (the driver then
// fails and shows stderr), 2 on bad arguments; never 0 (it runs until killed).

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "base/error.h"
#include "base/time.h"

#include "clinical/vitals.h"
#include "crash_workload.h"
#include "store/audit.h"
#include "store/store.h"
#include "store/vitals_store.h"

namespace ketaclinic::crash {
namespace {

struct Args {
  std::string db;
  int64_t run = -1;
  uint64_t seed = 0;
};

bool ParseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* value = argv[i + 1];
    char* end = nullptr;
    if (flag == "--db") {
      args.db = value;
    } else if (flag == "--run") {
      args.run = std::strtoll(value, &end, 10);
      if (end == value || *end != '\0') return false;
    } else if (flag == "--seed") {
      args.seed = std::strtoull(value, &end, 10);
      if (end == value || *end != '\0') return false;
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && !args.db.empty() && args.run >= 0;
}

// One write(2) per line: the driver sees a whole acknowledgement or none of it (a pipe write of
// at most PIPE_BUF bytes is atomic), and nothing waits in a stdio buffer when the kill comes.
bool WriteLine(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

int Run(const Args& args) {
  Result<std::unique_ptr<store::Store>> opened = store::Store::Open(args.db);
  if (!opened) {
    std::fprintf(stderr, "crash writer: %s\n", opened.error().ToString().c_str());
    return 1;
  }
  store::Store& db = **opened;
  const store::Actor actor{"crash-writer", "nurse", "local"};
  std::mt19937_64 random(args.seed * 1'000'003 + static_cast<uint64_t>(args.run));
  std::uniform_int_distribution<int> shape(0, 9);
  std::uniform_int_distribution<int> batch(2, kMaxBatch);
  std::uniform_int_distribution<int> parts(2, kMaxParts);

  for (int64_t txn = 0;; ++txn) {
    // 50 % single readings, 30 % one batched session, 20 % several sessions in one transaction.
    const int kind = shape(random);
    const int part_count = kind < 8 ? 1 : parts(random);
    std::vector<int> sizes;
    sizes.reserve(static_cast<size_t>(part_count));
    for (int p = 0; p < part_count; ++p) sizes.push_back(kind < 5 ? 1 : batch(random));

    Result<std::string> ack = db.Transact([&](store::Transaction& tx) -> Result<std::string> {
      std::string line = "ack";
      for (int p = 0; p < part_count; ++p) {
        std::vector<clinical::VitalSigns> readings;
        readings.reserve(static_cast<size_t>(sizes[static_cast<size_t>(p)]));
        for (int i = 0; i < sizes[static_cast<size_t>(p)]; ++i) {
          readings.push_back(Reading(args.run, txn, p, i));
        }
        const std::string session = SessionId(args.run, txn, p);
        Result<std::vector<int64_t>> ids = store::AppendVitals(
            tx, actor, db.Now(), session, PatientId(args.run), readings, readings.front().time);
        if (!ids) return tl::unexpected(ids.error());
        line += " " + session + ":";
        for (size_t i = 0; i < ids->size(); ++i) {
          line += (i == 0 ? "" : ",") + std::to_string((*ids)[i]);
        }
      }
      return line + "\n";
    });
    if (!ack) {
      std::fprintf(stderr, "crash writer: transaction %lld failed: %s\n",
                   static_cast<long long>(txn), ack.error().ToString().c_str());
      return 1;
    }
    // Only now, after the commit returned, is the write acknowledged.
    if (!WriteLine(*ack)) {
      std::fprintf(stderr, "crash writer: cannot write the acknowledgement\n");
      return 1;
    }
  }
}

}  // namespace
}  // namespace ketaclinic::crash

int main(int argc, char** argv) {
  ketaclinic::crash::Args args;
  if (!ketaclinic::crash::ParseArgs(argc, argv, args)) {
    std::fprintf(stderr, "usage: %s --db URL --run N [--seed S]\n", argv[0]);
    return 2;
  }
  return ketaclinic::crash::Run(args);
}
