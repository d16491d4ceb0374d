// The crash test (issue 4; docs/RELIABILITY.md "Crash test"): writer processes
// (crash_writer.cc) append vital signs and acknowledge each committed transaction on stdout; this
// driver kills them with SIGKILL at random (seeded) moments, many times, then opens the database
// and checks that
//   - every acknowledged reading is there exactly once, with the content that was written,
//   - nothing was committed that the writers had not started (at most the one transaction each
//     killed writer had in flight, and then all of it),
//   - every session's append has exactly one audit row, and the audit chain verifies,
//   - SQLite's integrity_check says ok, and the store opens and migrates cleanly.
// Runs on SQLite always and on PostgreSQL when KC_TEST_PG_URL is set (scripts/with-postgres.sh).
//
// Environment: KC_CRASH_KILLS (kill rounds, default 25; 500 for the long run), KC_CRASH_WRITERS
// (concurrent writers per round, default 2), KC_CRASH_SEED (default 20261129),
// KC_CRASH_MAX_DELAY_MS (latest kill after a writer's first acknowledgement, default 300).

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error.h"
#include "base/time.h"

#include "clinical/vitals.h"
#include "crash_workload.h"
#include "store/audit.h"
#include "store/migrations.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace ketaclinic::crash {
namespace {

using Clock = std::chrono::steady_clock;

// A writer that has acknowledged nothing by then is broken (a slow sanitizer build on a busy
// machine takes about a second).
constexpr std::chrono::seconds kStartupLimit{120};

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  return end != text && *end == '\0' && value > 0 ? value : fallback;
}

// One session's part of an acknowledged transaction.
struct Ack {
  std::string session;
  std::vector<int64_t> ids;
};

// Which (run, transaction, part) a session id names.
struct SessionKey {
  int64_t run = -1;
  int64_t txn = -1;
  int part = -1;
};

std::optional<SessionKey> ParseSession(const std::string& session) {
  SessionKey key;
  long long run = 0;
  long long txn = 0;
  int part = 0;
  int consumed = 0;
  // NOLINTNEXTLINE(cert-err34-c): the trailing %n and the length check reject partial parses
  if (std::sscanf(session.c_str(), "crash-r%lld-t%lld-s%d%n", &run, &txn, &part, &consumed) != 3 ||
      static_cast<size_t>(consumed) != session.size()) {
    return std::nullopt;
  }
  key.run = run;
  key.txn = txn;
  key.part = part;
  return key;
}

// "ack S:1,2 S2:3\n" -> its parts; nullopt if the line is not an acknowledgement.
std::optional<std::vector<Ack>> ParseAckLine(const std::string& line) {
  std::istringstream words(line);
  std::string word;
  if (!(words >> word) || word != "ack") return std::nullopt;
  std::vector<Ack> acks;
  while (words >> word) {
    const size_t colon = word.find(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    Ack ack;
    ack.session = word.substr(0, colon);
    std::istringstream ids(word.substr(colon + 1));
    std::string id;
    while (std::getline(ids, id, ',')) {
      char* end = nullptr;
      const long long value = std::strtoll(id.c_str(), &end, 10);
      if (id.empty() || *end != '\0') return std::nullopt;
      ack.ids.push_back(value);
    }
    if (ack.ids.empty()) return std::nullopt;
    acks.push_back(std::move(ack));
  }
  if (acks.empty()) return std::nullopt;
  return acks;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One writer process of one kill round.
struct Writer {
  int64_t run = 0;
  pid_t pid = -1;
  int out = -1;  // read end of its stdout
  std::string pending;
  std::string stderr_path;
  std::chrono::milliseconds delay{0};
  std::optional<Clock::time_point> kill_at;  // unset: after the first acknowledgement + delay
  bool acked = false;
  bool killed = false;
  bool eof = false;
};

struct Outcome {
  int64_t kills = 0;
  int64_t writers = 0;
  int64_t rounds_mid_load = 0;
  std::vector<Ack> acks;
  std::string partial_lines;  // text after the last newline of a killed writer (should be none)
};

class CrashTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == store::Backend::kPostgres && store::TestDatabase::PgUrl().empty()) {
      GTEST_SKIP() << "KC_TEST_PG_URL is not set: the PostgreSQL crash test runs under "
                      "scripts/with-postgres.sh";
    }
    database_ = std::make_unique<store::TestDatabase>(GetParam());
    ASSERT_TRUE(database_->setup_error().empty()) << database_->setup_error();
    logs_ = std::filesystem::temp_directory_path() /
            ("kc_crash_logs_" + std::to_string(::getpid()) + "_" + store::BackendName(GetParam()));
    std::filesystem::create_directories(logs_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!HasFailure()) std::filesystem::remove_all(logs_, ec);
  }

  // Starts one writer with stdout on a pipe and stderr in a log file.
  void Spawn(Writer& writer, uint64_t seed) {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0) << std::strerror(errno);
    writer.stderr_path = (logs_ / ("writer-" + std::to_string(writer.run) + ".err")).string();
    const int err =
        ::open(writer.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(err, 0) << std::strerror(errno);
    const std::string run = std::to_string(writer.run);
    const std::string seed_text = std::to_string(seed);
    std::vector<std::string> args = {KC_CRASH_WRITER, "--db",   database_->url(), "--run", run,
                                     "--seed",        seed_text};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0) << std::strerror(errno);
    if (pid == 0) {
      // The child: only async-signal-safe calls until exec.
      ::dup2(fds[1], STDOUT_FILENO);
      ::dup2(err, STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    ::close(err);
    writer.pid = pid;
    writer.out = fds[0];
  }

  // Moves whole lines from the writer's pipe into `outcome` (all of it until end of file when
  // `block`, else what is there now).
  static void Drain(Writer& writer, Outcome& outcome, bool block) {
    char buffer[65536];
    while (!writer.eof) {
      if (!block) {
        pollfd p{writer.out, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0) return;
      }
      const ssize_t n = ::read(writer.out, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        writer.eof = true;
        break;
      }
      writer.pending.append(buffer, static_cast<size_t>(n));
      size_t newline = 0;
      while ((newline = writer.pending.find('\n')) != std::string::npos) {
        const std::string line = writer.pending.substr(0, newline);
        writer.pending.erase(0, newline + 1);
        std::optional<std::vector<Ack>> acks = ParseAckLine(line);
        if (!acks) {
          ADD_FAILURE() << "the writer printed a line that is not an acknowledgement: " << line;
          continue;
        }
        writer.acked = true;
        for (Ack& ack : *acks) outcome.acks.push_back(std::move(ack));
      }
      if (!block) return;
    }
  }

  // Kill rounds: `writers` writers start together; each is killed at its own random moment:
  // one in five during start-up (opening, migrating, recovering the previous kill's journal),
  // the others mid-load, a random 0..max_delay_ms after their first acknowledgement (so the
  // kills land in the load however fast the machine is).
  Outcome KillRounds(int64_t rounds, int64_t writers, uint64_t seed, int64_t max_delay_ms) {
    Outcome outcome;
    std::mt19937_64 random(seed);
    std::uniform_int_distribution<int64_t> delay_ms(0, max_delay_ms);
    std::uniform_int_distribution<int> one_in_five(0, 4);
    int64_t next_run = 0;
    for (int64_t round = 0; round < rounds && !HasFailure(); ++round) {
      std::vector<Writer> group(static_cast<size_t>(writers));
      const Clock::time_point start = Clock::now();
      for (Writer& writer : group) {
        writer.run = next_run++;
        writer.delay = std::chrono::milliseconds(delay_ms(random));
        if (one_in_five(random) == 0) writer.kill_at = start + writer.delay;
        Spawn(writer, seed);
        if (HasFailure()) return outcome;
      }
      const size_t acks_before = outcome.acks.size();
      while (std::any_of(group.begin(), group.end(), [](const Writer& w) { return !w.killed; })) {
        std::vector<pollfd> polls;
        polls.reserve(group.size());
        Clock::time_point next_kill = Clock::now() + std::chrono::milliseconds(50);
        for (const Writer& writer : group) {
          if (!writer.eof) polls.push_back(pollfd{writer.out, POLLIN, 0});
          if (!writer.killed && writer.kill_at) next_kill = std::min(next_kill, *writer.kill_at);
        }
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(next_kill - Clock::now());
        ::poll(polls.data(), polls.size(), static_cast<int>(std::max<int64_t>(0, wait.count())));
        for (Writer& writer : group) {
          const Clock::time_point now = Clock::now();
          Drain(writer, outcome, false);
          if (writer.killed) continue;
          if (!writer.kill_at && writer.acked) writer.kill_at = now + writer.delay;
          if (writer.eof || now - start > kStartupLimit) {
            // The writer died by itself or never got going: its stderr says why.
            ADD_FAILURE() << "writer run " << writer.run
                          << (writer.eof ? " exited before the kill: "
                                         : " acknowledged nothing within 120 s: ")
                          << ReadFile(writer.stderr_path);
          }
          if (writer.eof || now - start > kStartupLimit ||
              (writer.kill_at && now >= *writer.kill_at)) {
            ::kill(writer.pid, SIGKILL);
            ++outcome.kills;
            writer.killed = true;
          }
        }
      }
      for (Writer& writer : group) {
        if (writer.pid > 0) {
          int status = 0;
          ::waitpid(writer.pid, &status, 0);
          if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
            ADD_FAILURE() << "writer run " << writer.run << " ended with status " << status
                          << " instead of the kill: " << ReadFile(writer.stderr_path);
          }
        }
        Drain(writer, outcome, true);
        outcome.partial_lines += writer.pending;
        ::close(writer.out);
        ++outcome.writers;
      }
      if (outcome.acks.size() > acks_before) ++outcome.rounds_mid_load;
    }
    return outcome;
  }

  std::unique_ptr<store::TestDatabase> database_;
  std::filesystem::path logs_;
};

// A stored reading as the checker reads it back.
struct StoredReading {
  int64_t id = 0;
  std::string patient_id;
  clinical::VitalSigns vitals;
};

Result<std::map<std::string, std::vector<StoredReading>>> ReadAllVitals(store::Store& db) {
  std::map<std::string, std::vector<StoredReading>> by_session;
  int64_t after = 0;
  while (true) {
    Result<store::Rows> rows = db.Read([after](store::Transaction& tx) {
      return tx.Query(
          "SELECT id, session_id, patient_id, taken_at, systolic_mmhg, diastolic_mmhg, "
          "heart_rate_bpm, spo2_percent, resp_rate_per_min, on_room_air FROM vitals "
          "WHERE id > $1 ORDER BY id LIMIT 20000",
          {after});
    });
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) return by_session;
    for (size_t i = 0; i < rows->size(); ++i) {
      store::RowReader row(*rows, i);
      StoredReading reading;
      reading.id = row.Int64(0);
      const std::string session = row.Text(1);
      reading.patient_id = row.Text(2);
      const std::string taken_at = row.Text(3);
      reading.vitals.systolic_mmhg = row.OptDouble(4);
      reading.vitals.diastolic_mmhg = row.OptDouble(5);
      reading.vitals.heart_rate_bpm = row.OptDouble(6);
      reading.vitals.spo2_percent = row.OptDouble(7);
      reading.vitals.resp_rate_per_min = row.OptDouble(8);
      reading.vitals.on_room_air = row.Int64(9) != 0;
      if (Status ok = row.status(); !ok) return tl::unexpected(ok.error());
      Result<Instant> taken = ParseRfc3339(taken_at, "taken_at");
      if (!taken) return tl::unexpected(taken.error());
      reading.vitals.time = *taken;
      after = reading.id;
      by_session[session].push_back(std::move(reading));
    }
  }
}

bool SameReading(const clinical::VitalSigns& a, const clinical::VitalSigns& b) {
  return a.time == b.time && a.systolic_mmhg == b.systolic_mmhg &&
         a.diastolic_mmhg == b.diastolic_mmhg && a.heart_rate_bpm == b.heart_rate_bpm &&
         a.spo2_percent == b.spo2_percent && a.resp_rate_per_min == b.resp_rate_per_min &&
         a.on_room_air == b.on_room_air;
}

TEST_P(CrashTest, EveryAcknowledgedWriteSurvivesSigkill) {
  const int64_t rounds = EnvInt("KC_CRASH_KILLS", 25);
  const int64_t writers = EnvInt("KC_CRASH_WRITERS", 2);
  const auto seed = static_cast<uint64_t>(EnvInt("KC_CRASH_SEED", 20261129));
  const int64_t max_delay_ms = EnvInt("KC_CRASH_MAX_DELAY_MS", 300);
  const Clock::time_point began = Clock::now();
  const Outcome outcome = KillRounds(rounds, writers, seed, max_delay_ms);
  ASSERT_FALSE(HasFailure()) << "seed " << seed;
  EXPECT_EQ(outcome.partial_lines, "") << "an acknowledgement was torn";
  // The test must have killed writers in the middle of their work, not only at start-up.
  ASSERT_GT(outcome.rounds_mid_load, rounds / 2)
      << "too few kill rounds came after the writers had started writing";

  // The store opens and migrates cleanly after the kills.
  Result<std::unique_ptr<store::Store>> opened = store::Store::Open(database_->url());
  ASSERT_TRUE(opened) << opened.error().ToString();
  store::Store& db = **opened;
  Status current = store::CheckSchemaCurrent(db);
  ASSERT_TRUE(current) << current.error().ToString();

  if (GetParam() == store::Backend::kSqlite) {
    Result<store::Rows> check =
        db.Read([](store::Transaction& tx) { return tx.Query("PRAGMA integrity_check"); });
    ASSERT_TRUE(check) << check.error().ToString();
    ASSERT_EQ(check->size(), 1u);
    store::RowReader row(*check, 0);
    EXPECT_EQ(row.Text(0), "ok");
  }

  Result<store::AuditVerification> chain = store::VerifyAuditChain(db);
  ASSERT_TRUE(chain) << chain.error().ToString();
  EXPECT_TRUE(chain->intact()) << store::ProblemText(*chain);

  Result<std::map<std::string, std::vector<StoredReading>>> stored = ReadAllVitals(db);
  ASSERT_TRUE(stored) << stored.error().ToString();

  // Every acknowledged session: exactly the acknowledged ids, each with the written content.
  int64_t acked_readings = 0;
  std::set<std::string> acked_sessions;
  std::map<int64_t, int64_t> last_acked_txn;  // run -> its last acknowledged transaction
  for (const Ack& ack : outcome.acks) {
    const std::optional<SessionKey> key = ParseSession(ack.session);
    if (!key) {
      ADD_FAILURE() << "an acknowledgement names an unknown session: " << ack.session;
      continue;
    }
    EXPECT_TRUE(acked_sessions.insert(ack.session).second) << ack.session << " acknowledged twice";
    last_acked_txn[key->run] = std::max(last_acked_txn[key->run], key->txn);
    acked_readings += static_cast<int64_t>(ack.ids.size());
    const auto found = stored->find(ack.session);
    if (found == stored->end()) {
      ADD_FAILURE() << "LOST: acknowledged session " << ack.session << " (" << ack.ids.size()
                    << " readings) is not in the database";
      continue;
    }
    std::vector<int64_t> ids;
    ids.reserve(found->second.size());
    for (const StoredReading& r : found->second) ids.push_back(r.id);
    EXPECT_EQ(ids, ack.ids) << "session " << ack.session
                            << ": stored ids differ from the acknowledged ones";
  }

  // Every stored session (acknowledged or in flight at a kill) holds what the writer wrote;
  // an unacknowledged one is the transaction right after its run's last acknowledgement.
  int64_t in_flight_transactions = 0;
  std::set<std::pair<int64_t, int64_t>> in_flight;
  for (const auto& [session, readings] : *stored) {
    const std::optional<SessionKey> key = ParseSession(session);
    if (!key) {
      ADD_FAILURE() << "a stored session the writers never name: " << session;
      continue;
    }
    for (size_t i = 0; i < readings.size(); ++i) {
      const clinical::VitalSigns expected =
          Reading(key->run, key->txn, key->part, static_cast<int>(i));
      EXPECT_TRUE(SameReading(readings[i].vitals, expected))
          << "session " << session << " reading " << i << " (id " << readings[i].id
          << ") does not hold what was written";
      EXPECT_EQ(readings[i].patient_id, PatientId(key->run));
    }
    if (acked_sessions.count(session) == 0) {
      const auto last = last_acked_txn.find(key->run);
      const int64_t expected_txn = last == last_acked_txn.end() ? 0 : last->second + 1;
      EXPECT_EQ(key->txn, expected_txn)
          << "session " << session << " was committed but is not the one in-flight transaction";
      if (in_flight.insert({key->run, key->txn}).second) ++in_flight_transactions;
    }
  }
  EXPECT_LE(in_flight_transactions, outcome.writers);

  // One audit row per stored session's append, none without its readings.
  Result<store::Rows> audited = db.Read([](store::Transaction& tx) {
    return tx.Query(
        "SELECT record_id, COUNT(*) FROM audit_log WHERE action = 'vitals.append' "
        "GROUP BY record_id");
  });
  ASSERT_TRUE(audited) << audited.error().ToString();
  std::map<std::string, int64_t> audit_rows;
  for (size_t i = 0; i < audited->size(); ++i) {
    store::RowReader row(*audited, i);
    const std::string session = row.Text(0);
    audit_rows[session] = row.Int64(1);
    ASSERT_TRUE(row.status()) << row.status().error().ToString();
  }
  for (const auto& [session, readings] : *stored) {
    const auto found = audit_rows.find(session);
    EXPECT_TRUE(found != audit_rows.end() && found->second == 1)
        << "session " << session << " has " << (found == audit_rows.end() ? 0 : found->second)
        << " vitals.append audit rows, not 1";
  }
  EXPECT_EQ(audit_rows.size(), stored->size()) << "audit rows for appends that left no readings";

  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  std::cout << "crash test (" << store::BackendName(GetParam()) << "): " << outcome.kills
            << " SIGKILLs of " << outcome.writers << " writer processes (" << writers
            << " at a time, seed " << seed << ", " << outcome.rounds_mid_load
            << " rounds killed mid-load) in " << static_cast<int64_t>(seconds) << " s; "
            << acked_sessions.size() << " acknowledged session appends (" << acked_readings
            << " readings), all present exactly once; " << in_flight_transactions
            << " committed transactions in flight at a kill; audit chain intact (" << chain->rows
            << " rows)\n";
  std::cout.flush();
  RecordProperty("kills", std::to_string(outcome.kills));
  RecordProperty("acknowledged_readings", std::to_string(acked_readings));
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         store::BackendParamName);

}  // namespace
}  // namespace ketaclinic::crash
