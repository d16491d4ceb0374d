// Storage benchmarks (issue 4; numbers and commands in docs/BENCHMARKS.md "Storage"):
//   - durable vital-sign inserts per second through the store's own API (VitalsStore::Append:
//     validation, the typed insert and one audit row per call), one reading per transaction,
//     batches of readings per transaction, several threads sharing the store, and group commit
//     (many clients' single readings committed together, each acknowledged after its commit);
//   - the read of one patient's chart (the patient record, the patient's records and the
//     patient's vitals) in a clinic of 200,000 patients and 20,000,000 vitals, p50 and p99.
// On SQLite (a file on disk: WAL, synchronous=FULL) and on PostgreSQL (any URL).
//
//   ketaclinic_store_bench --db sqlite:/var/tmp/kc-bench.db [--patients 200000]
//                          [--vitals 20000000] [--populate-only] [--chart-reads 2000]
//   ketaclinic_store_bench --smoke          (seconds: 200 patients, 20,000 vitals, a temp file)
//
// The clinic is populated once through the store's own tables (so the schema, indexes and
// triggers are the real ones) with SQL that generates the rows inside the database, in large
// transactions; a later run with the same --db reuses it (and resumes an interrupted populate).
// Google Benchmark flags (--benchmark_filter=..., --benchmark_format=json) work as usual.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include "base/error.h"
#include "base/time.h"

#include "clinical/vitals.h"
#include "store/audit.h"
#include "store/records.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/vitals_store.h"

namespace ketaclinic::store {
namespace {

using Clock = std::chrono::steady_clock;

// 2026-11-29T09:00:00Z, the first session of the synthetic clinic.
constexpr int64_t kStartEpoch = 1795942800;
// Every patient has kSessions sessions (a course of six infusions and four maintenance ones,
// clinical.md §2), each with the same number of readings (vitals / patients / kSessions: 10 at
// full size, every 10 minutes through a 100-minute session).
constexpr int64_t kSessions = 10;
// Records per patient: the patient, a history, a course and the sessions.
constexpr int64_t kRecordsPerPatient = 3 + kSessions;

struct Config {
  std::string db;
  int64_t patients = 200'000;
  int64_t vitals = 20'000'000;
  int64_t chart_reads = 2000;
  bool smoke = false;
  bool populate_only = false;
  std::string smoke_file;  // removed at exit
};

Config g_config;
std::unique_ptr<Store> g_store;

const Actor& BenchNurse() {
  static const Actor kActor{"bench-nurse", "nurse", "10.0.0.9"};
  return kActor;
}

std::string PatientId(int64_t p) {
  char text[32];
  std::snprintf(text, sizeof text, "bench-p%07lld", static_cast<long long>(p));
  return text;
}

// --- populate --------------------------------------------------------------------------------

// The records of patients [first, last): kRecordsPerPatient rows each, generated in the database.
Status InsertRecords(Transaction& tx, int64_t first, int64_t last) {
  const Params params = {first * kRecordsPerPatient, last * kRecordsPerPatient, kRecordsPerPatient,
                         kStartEpoch};
  if (tx.backend() == Backend::kSqlite) {
    Result<int64_t> done = tx.Exec(R"sql(
WITH RECURSIVE n(x) AS (SELECT $1 UNION ALL SELECT x + 1 FROM n WHERE x + 1 < $2)
INSERT INTO clinical_records
  (id, version, record_type, patient_id, author, recorded_at, status, reason, body)
SELECT CASE x % $3 WHEN 0 THEN printf('bench-p%07d', x / $3)
                   WHEN 1 THEN printf('bench-h%07d', x / $3)
                   WHEN 2 THEN printf('bench-c%07d', x / $3)
                   ELSE printf('bench-s%07d-%02d', x / $3, x % $3 - 3) END,
       1,
       CASE x % $3 WHEN 0 THEN 'patient' WHEN 1 THEN 'history' WHEN 2 THEN 'course'
                   ELSE 'session' END,
       printf('bench-p%07d', x / $3), 'bench',
       strftime('%Y-%m-%dT%H:%M:%SZ', $4 + (x % $3) * 604800 + (x / $3) * 2, 'unixepoch'),
       'active', '',
       printf('{"bench_patient":%d,"part":%d,"note":"synthetic record of the storage benchmark"}',
              x / $3, x % $3)
FROM n)sql",
                                   params);
    if (!done) return tl::unexpected(done.error());
    return OkStatus();
  }
  Result<int64_t> done = tx.Exec(R"sql(
INSERT INTO clinical_records
  (id, version, record_type, patient_id, author, recorded_at, status, reason, body)
SELECT CASE x % $3::bigint WHEN 0 THEN 'bench-p' || lpad((x / $3::bigint)::text, 7, '0')
                           WHEN 1 THEN 'bench-h' || lpad((x / $3::bigint)::text, 7, '0')
                           WHEN 2 THEN 'bench-c' || lpad((x / $3::bigint)::text, 7, '0')
                           ELSE 'bench-s' || lpad((x / $3::bigint)::text, 7, '0') || '-' ||
                                lpad((x % $3::bigint - 3)::text, 2, '0') END,
       1,
       CASE x % $3::bigint WHEN 0 THEN 'patient' WHEN 1 THEN 'history' WHEN 2 THEN 'course'
                           ELSE 'session' END,
       'bench-p' || lpad((x / $3::bigint)::text, 7, '0'), 'bench',
       to_char(to_timestamp($4::bigint + (x % $3::bigint) * 604800 + (x / $3::bigint) * 2)
                 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       'active', '',
       '{"bench_patient":' || (x / $3::bigint) || ',"part":' || (x % $3::bigint) ||
         ',"note":"synthetic record of the storage benchmark"}'
FROM generate_series($1::bigint, $2::bigint - 1) AS x)sql",
                                 params);
  if (!done) return tl::unexpected(done.error());
  return OkStatus();
}

// Vitals rows [first, last) of the whole clinic, in the order a clinic writes them: session
// round by round (every patient's first session, then every patient's second, ...), so one
// patient's readings lie in kSessions places of the table, as they do after months of work.
// Row x: round s = x / (patients * per_session), patient (x / per_session) % patients, reading
// x % per_session.
Status InsertVitals(Transaction& tx, int64_t first, int64_t last, int64_t per_session) {
  const int64_t per_round = g_config.patients * per_session;
  const Params params = {first, last, per_session, per_round, g_config.patients, kStartEpoch};
  if (tx.backend() == Backend::kSqlite) {
    Result<int64_t> done = tx.Exec(R"sql(
WITH RECURSIVE n(x) AS (SELECT $1 UNION ALL SELECT x + 1 FROM n WHERE x + 1 < $2),
r(x, s, p, k) AS (SELECT x, x / $4, (x / $3) % $5, x % $3 FROM n)
INSERT INTO vitals (session_id, patient_id, taken_at, systolic_mmhg, diastolic_mmhg,
                    heart_rate_bpm, spo2_percent, resp_rate_per_min, on_room_air, author,
                    recorded_at)
SELECT printf('bench-s%07d-%02d', p, s), printf('bench-p%07d', p),
       strftime('%Y-%m-%dT%H:%M:%SZ', $6 + s * 604800 + p * 2 + k * 600, 'unixepoch'),
       110 + x % 41, 65 + x % 23, 58 + x % 47, 93 + x % 8, 10 + x % 9, 1, 'bench-nurse',
       strftime('%Y-%m-%dT%H:%M:%SZ', $6 + s * 604800 + p * 2 + k * 600 + 5, 'unixepoch')
FROM r)sql",
                                   params);
    if (!done) return tl::unexpected(done.error());
    return OkStatus();
  }
  Result<int64_t> done = tx.Exec(R"sql(
INSERT INTO vitals (session_id, patient_id, taken_at, systolic_mmhg, diastolic_mmhg,
                    heart_rate_bpm, spo2_percent, resp_rate_per_min, on_room_air, author,
                    recorded_at)
SELECT 'bench-s' || lpad(p::text, 7, '0') || '-' || lpad(s::text, 2, '0'),
       'bench-p' || lpad(p::text, 7, '0'),
       to_char(to_timestamp($6::bigint + s * 604800 + p * 2 + k * 600) AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       110 + x % 41, 65 + x % 23, 58 + x % 47, 93 + x % 8, 10 + x % 9, 1, 'bench-nurse',
       to_char(to_timestamp($6::bigint + s * 604800 + p * 2 + k * 600 + 5) AT TIME ZONE 'UTC',
               'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM (SELECT x, x / $4::bigint AS s, (x / $3::bigint) % $5::bigint AS p, x % $3::bigint AS k
      FROM generate_series($1::bigint, $2::bigint - 1) AS x) AS r)sql",
                                 params);
  if (!done) return tl::unexpected(done.error());
  return OkStatus();
}

Result<int64_t> CountRows(std::string_view sql) {
  Result<Rows> rows = g_store->Read([&](Transaction& tx) { return tx.Query(sql); });
  if (!rows) return tl::unexpected(rows.error());
  RowReader reader(*rows, 0);
  const int64_t count = reader.Int64(0);
  if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
  return count;
}

// Populates up to the configured size, resuming where an earlier run stopped (every chunk is
// one transaction, written in order, so the row counts say how far it got).
Status Populate() {
  const int64_t per_session = g_config.vitals / g_config.patients / kSessions;
  if (per_session < 1 || per_session * kSessions * g_config.patients != g_config.vitals) {
    return tl::unexpected(Error::InvalidArgument(
        "vitals", "must be a multiple of patients x " + std::to_string(kSessions) + " sessions"));
  }
  Result<int64_t> records = CountRows(
      "SELECT COUNT(*) FROM clinical_records WHERE patient_id >= 'bench-p' AND "
      "patient_id < 'bench-q'");
  if (!records) return tl::unexpected(records.error());
  Result<int64_t> vitals = CountRows(
      "SELECT COUNT(*) FROM vitals WHERE patient_id >= 'bench-p' AND patient_id < 'bench-q'");
  if (!vitals) return tl::unexpected(vitals.error());
  const int64_t want_records = g_config.patients * kRecordsPerPatient;
  if (*records > want_records || *vitals > g_config.vitals || *records % kRecordsPerPatient != 0) {
    return tl::unexpected(Error(ErrorCode::kFailedPrecondition,
                                "the database holds another clinic (" + std::to_string(*records) +
                                    " records, " + std::to_string(*vitals) +
                                    " vitals); use a new --db"));
  }
  if (*records == want_records && *vitals == g_config.vitals) {
    std::fprintf(stderr, "store_bench: reusing the populated clinic in %s\n",
                 g_store->url().c_str());
    return OkStatus();
  }
  const Clock::time_point began = Clock::now();
  constexpr int64_t kPatientChunk = 20'000;
  for (int64_t p = *records / kRecordsPerPatient; p < g_config.patients; p += kPatientChunk) {
    const int64_t end = std::min(g_config.patients, p + kPatientChunk);
    if (Status done = g_store->Transact([&](Transaction& tx) { return InsertRecords(tx, p, end); });
        !done) {
      return done;
    }
    std::fprintf(stderr, "store_bench: records of %lld/%lld patients (%.0f s)\n",
                 static_cast<long long>(end), static_cast<long long>(g_config.patients),
                 std::chrono::duration<double>(Clock::now() - began).count());
  }
  constexpr int64_t kVitalsChunk = 500'000;
  for (int64_t x = *vitals; x < g_config.vitals; x += kVitalsChunk) {
    const int64_t end = std::min(g_config.vitals, x + kVitalsChunk);
    if (Status done = g_store->Transact(
            [&](Transaction& tx) { return InsertVitals(tx, x, end, per_session); });
        !done) {
      return done;
    }
    std::fprintf(stderr, "store_bench: %lld/%lld vitals (%.0f s)\n", static_cast<long long>(end),
                 static_cast<long long>(g_config.vitals),
                 std::chrono::duration<double>(Clock::now() - began).count());
  }
  // Fresh planner statistics, as a clinic's database has them.
  if (Status analyzed = g_store->Transact([](Transaction& tx) { return tx.ExecScript("ANALYZE"); });
      !analyzed) {
    return analyzed;
  }
  std::fprintf(stderr, "store_bench: populated in %.0f s\n",
               std::chrono::duration<double>(Clock::now() - began).count());
  return OkStatus();
}

// --- inserts ---------------------------------------------------------------------------------

clinical::VitalSigns BenchReading(int64_t n) {
  clinical::VitalSigns v;
  v.time = Instant(std::chrono::seconds(kStartEpoch + int64_t{400} * 86400 + n));
  v.systolic_mmhg = 110.0 + static_cast<double>(n % 40);
  v.diastolic_mmhg = 70.0 + static_cast<double>(n % 20);
  v.heart_rate_bpm = 60.0 + static_cast<double>(n % 50);
  v.spo2_percent = 95.0 + static_cast<double>(n % 5);
  v.resp_rate_per_min = 12.0 + static_cast<double>(n % 8);
  return v;
}

// A chair's session: readings of the insert benchmarks go to sessions of their own, never to
// the populated patients (whose row counts tell how far a populate got).
std::string InsertSession(int64_t chair) { return "ins-session-" + std::to_string(chair); }
std::string InsertPatient(int64_t chair) { return "ins-patient-" + std::to_string(chair); }

// Readings per transaction = state.range(0); one VitalsStore::Append (one transaction with one
// audit row) per iteration. With several threads they share the store (SQLite: one connection,
// taken in turn; PostgreSQL: a pool of 4).
void BM_DurableInsert(benchmark::State& state) {
  VitalsStore vitals(*g_store);
  const int64_t batch = state.range(0);
  const int64_t chair = state.thread_index();
  int64_t n = 0;
  std::vector<clinical::VitalSigns> readings(static_cast<size_t>(batch));
  for (auto _ : state) {
    for (clinical::VitalSigns& reading : readings) reading = BenchReading(n++);
    Result<std::vector<int64_t>> ids = vitals.Append(
        BenchNurse(), InsertSession(chair), InsertPatient(chair), readings, g_store->Now());
    if (!ids) {
      state.SkipWithError(ids.error().ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

// Group commit: `clients` threads each submit one reading (its own chair, its own audit row)
// and wait until it is durable; one committer thread writes everything pending in one
// transaction and then acknowledges all of it. What a server taking readings from many chairs
// would do: each reading is still acknowledged only after its commit.
class GroupCommitter {
 public:
  GroupCommitter() : thread_([this] { Loop(); }) {}
  ~GroupCommitter() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Blocks until the reading is committed; false if its transaction failed.
  bool Submit(int64_t chair, const clinical::VitalSigns& reading) {
    std::unique_lock lock(mutex_);
    const uint64_t batch = open_batch_;
    pending_.push_back({chair, reading});
    wake_.notify_all();
    done_.wait(lock, [&] { return committed_batch_ > batch; });
    return failed_batches_.empty() || std::find(failed_batches_.begin(), failed_batches_.end(),
                                                batch) == failed_batches_.end();
  }
  int64_t transactions() const { return transactions_; }

 private:
  struct Item {
    int64_t chair;
    clinical::VitalSigns reading;
  };

  void Loop() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [&] { return stop_ || !pending_.empty(); });
      if (pending_.empty()) return;
      std::vector<Item> batch;
      batch.swap(pending_);
      const uint64_t number = open_batch_++;
      lock.unlock();
      Status done = g_store->Transact([&](Transaction& tx) -> Status {
        for (const Item& item : batch) {
          Result<std::vector<int64_t>> ids =
              AppendVitals(tx, BenchNurse(), g_store->Now(), InsertSession(item.chair),
                           InsertPatient(item.chair), {item.reading}, g_store->Now());
          if (!ids) return tl::unexpected(ids.error());
        }
        return OkStatus();
      });
      lock.lock();
      if (!done) failed_batches_.push_back(number);
      ++transactions_;
      committed_batch_ = number + 1;
      done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<Item> pending_;
  uint64_t open_batch_ = 0;       // the batch new submissions join
  uint64_t committed_batch_ = 0;  // batches below this one are finished
  std::vector<uint64_t> failed_batches_;
  int64_t transactions_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

std::unique_ptr<GroupCommitter> g_committer;

void BM_GroupCommit(benchmark::State& state) {
  if (state.thread_index() == 0) g_committer = std::make_unique<GroupCommitter>();
  // Google Benchmark starts every thread's timing together, after this setup.
  const int64_t chair = 100 + state.thread_index();
  int64_t n = 0;
  for (auto _ : state) {
    if (!g_committer->Submit(chair, BenchReading(n++))) {
      state.SkipWithError("a group commit failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["transactions"] = static_cast<double>(g_committer->transactions());
  }
}

// Google Benchmark runs thread 0's setup before the others start, but the committer must
// outlive every thread: it is destroyed after the run (Teardown below).
void GroupCommitTeardown(const benchmark::State& /*state*/) { g_committer.reset(); }

// --- the chart read --------------------------------------------------------------------------

// One patient's chart, as a clinician opening it sees it: the patient record and the current
// versions of all the patient's records (one transaction, two audit rows), then all of the
// patient's vitals in time order (VitalsStore, its own transaction and audit row). p50/p99 over
// random patients of the populated clinic.
void BM_ChartRead(benchmark::State& state) {
  VitalsStore vitals(*g_store);
  std::mt19937_64 random(20261129);
  std::uniform_int_distribution<int64_t> patient(0, g_config.patients - 1);
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(g_config.chart_reads));
  int64_t records_read = 0;
  int64_t vitals_read = 0;
  for (auto _ : state) {
    const std::string id = PatientId(patient(random));
    const Clock::time_point start = Clock::now();
    Result<std::vector<StoredRecord>> records =
        g_store->Transact([&](Transaction& tx) -> Result<std::vector<StoredRecord>> {
          Result<StoredRecord> person = GetRecord(tx, BenchNurse(), g_store->Now(), id);
          if (!person) return tl::unexpected(person.error());
          return ListPatientRecords(tx, BenchNurse(), g_store->Now(), id, "", Page{1000, 0});
        });
    Result<std::vector<StoredVitals>> readings =
        vitals.ListByPatient(BenchNurse(), id, std::nullopt, std::nullopt, 100000);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!records || !readings) {
      state.SkipWithError((!records ? records.error() : readings.error()).ToString().c_str());
      break;
    }
    records_read += static_cast<int64_t>(records->size());
    vitals_read += static_cast<int64_t>(readings->size());
  }
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))];
  };
  state.counters["p50_ms"] = at(0.50);
  state.counters["p99_ms"] = at(0.99);
  state.counters["max_ms"] = ms.back();
  state.counters["records"] = static_cast<double>(records_read) / static_cast<double>(ms.size());
  state.counters["vitals"] = static_cast<double>(vitals_read) / static_cast<double>(ms.size());
}

// --- main ------------------------------------------------------------------------------------

bool ParseInt(const char* text, int64_t& out) {
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || value < 1) return false;
  out = value;
  return true;
}

bool ParseFlags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--smoke") {
      g_config.smoke = true;
    } else if (flag == "--populate-only") {
      g_config.populate_only = true;
    } else if (flag == "--db" && has_value) {
      g_config.db = argv[++i];
    } else if (flag == "--patients" && has_value) {
      if (!ParseInt(argv[++i], g_config.patients)) return false;
    } else if (flag == "--vitals" && has_value) {
      if (!ParseInt(argv[++i], g_config.vitals)) return false;
    } else if (flag == "--chart-reads" && has_value) {
      if (!ParseInt(argv[++i], g_config.chart_reads)) return false;
    } else {
      std::fprintf(stderr, "store_bench: unknown flag %s\n", argv[i]);
      return false;
    }
  }
  if (g_config.smoke) {
    g_config.patients = 200;
    g_config.vitals = 20'000;
    g_config.chart_reads = 100;
    if (g_config.db.empty()) {
      g_config.smoke_file = (std::filesystem::temp_directory_path() /
                             ("kc_store_bench_smoke_" + std::to_string(::getpid()) + ".db"))
                                .string();
      g_config.db = "sqlite:" + g_config.smoke_file;
    }
  }
  return !g_config.db.empty();
}

void RemoveSmokeFile() {
  if (g_config.smoke_file.empty()) return;
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(g_config.smoke_file + suffix, ec);
  }
}

void Register() {
  // Smoke: a handful of iterations of each, to show the code runs; not for numbers.
  const double min_time = g_config.smoke ? 0.01 : 3.0;
  for (int64_t batch : {1, 10, 100}) {
    benchmark::RegisterBenchmark("BM_DurableInsert", BM_DurableInsert)
        ->Arg(batch)
        ->MinTime(min_time)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark("BM_DurableInsert", BM_DurableInsert)
      ->Arg(1)
      ->Threads(4)
      ->MinTime(min_time)
      ->UseRealTime();
  for (int clients : {8, 32}) {
    benchmark::RegisterBenchmark("BM_GroupCommit", BM_GroupCommit)
        ->Threads(clients)
        ->MinTime(min_time)
        ->UseRealTime()
        ->Teardown(GroupCommitTeardown);
  }
  benchmark::RegisterBenchmark("BM_ChartRead", BM_ChartRead)
      ->Iterations(g_config.chart_reads)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

}  // namespace
}  // namespace ketaclinic::store

int main(int argc, char** argv) {
  using ketaclinic::store::g_config;
  using ketaclinic::store::g_store;
  benchmark::Initialize(&argc, argv);
  if (!ketaclinic::store::ParseFlags(argc, argv)) {
    std::fprintf(stderr,
                 "usage: %s --db URL [--patients N] [--vitals N] [--chart-reads N] "
                 "[--populate-only] | --smoke [--db URL]\n",
                 argv[0]);
    return 2;
  }
  ketaclinic::Result<std::unique_ptr<ketaclinic::store::Store>> opened =
      ketaclinic::store::Store::Open(g_config.db);
  if (!opened) {
    std::fprintf(stderr, "store_bench: %s\n", opened.error().ToString().c_str());
    return 1;
  }
  g_store = std::move(*opened);
  int status = 0;
  if (ketaclinic::Status populated = ketaclinic::store::Populate(); !populated) {
    std::fprintf(stderr, "store_bench: populate failed: %s\n",
                 populated.error().ToString().c_str());
    status = 1;
  } else if (!g_config.populate_only) {
    benchmark::AddCustomContext("db", g_store->url());
    benchmark::AddCustomContext("patients", std::to_string(g_config.patients));
    benchmark::AddCustomContext("vitals", std::to_string(g_config.vitals));
    ketaclinic::store::Register();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  }
  g_store.reset();
  ketaclinic::store::RemoveSmokeFile();
  return status;
}
