#include "store/ledger_store.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "clinical/patient.h"
#include "clinical/roles.h"
#include "clinical_json/ledger_json.h"
#include "store/ids.h"

namespace ketaclinic::store {
namespace {

using clinical::LedgerEntry;

constexpr std::string_view kEntryColumns =
    "seq, id, entry_type, quantity_ug, vial_id, patient_id, session_id, actor, witness, reason, "
    "location, happened_at, reverses, author, recorded_at";

// PostgreSQL advisory locks (two-key form: a namespace and the id's hash). A hash collision
// only makes two unrelated vials wait for each other, never lets two writers of one vial in.
// The namespaces spell "LV" and "LS" (ledger vial, ledger session).
constexpr std::string_view kPgVialLock = "SELECT pg_advisory_xact_lock(19542, hashtext($1))";
constexpr std::string_view kPgSessionLock = "SELECT pg_advisory_xact_lock(19539, hashtext($1))";

Error Corrupt(const std::string& what) {
  return Error(ErrorCode::kInternal, "the stored ledger is unreadable: " + what);
}

Status Audit(Transaction& tx, const Actor& actor, Instant now, std::string action,
             std::string record_type, std::string record_id,
             const std::optional<std::string>& patient_id, nlohmann::json after) {
  AuditEntry entry;
  entry.action = std::move(action);
  entry.record_type = std::move(record_type);
  entry.record_id = std::move(record_id);
  entry.patient_id = patient_id;
  entry.after = std::move(after);
  if (Result<AuditRow> row = AppendAudit(tx, actor, now, entry); !row) {
    return tl::unexpected(row.error());
  }
  return OkStatus();
}

std::optional<std::string> NonEmpty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

// ---- Decoding ----------------------------------------------------------------------------

struct StoredEntry {
  int64_t seq = 0;
  LedgerEntry entry;
};

Result<std::vector<StoredEntry>> DecodeEntries(const Rows& rows) {
  std::vector<StoredEntry> entries;
  entries.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    RowReader reader(rows, i);
    StoredEntry stored;
    LedgerEntry& e = stored.entry;
    stored.seq = reader.Int64(0);
    e.meta.id = reader.Text(1);
    const std::string type = reader.Text(2);
    e.quantity_ug = reader.Int64(3);
    e.vial_id = reader.Text(4);
    e.patient_id = reader.Text(5);
    e.session_id = reader.Text(6);
    e.actor = reader.Text(7);
    e.witness = reader.Text(8);
    e.reason = reader.Text(9);
    e.location = reader.Text(10);
    const std::string happened_at = reader.Text(11);
    e.reverses = reader.Text(12);
    e.meta.author = reader.Text(13);
    const std::string recorded_at = reader.Text(14);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    Result<clinical::EntryType> parsed_type = clinical::ParseEntryType(type, "entry_type");
    Result<Instant> time = ParseRfc3339(happened_at, "happened_at");
    Result<Instant> recorded = ParseRfc3339(recorded_at, "recorded_at");
    if (!parsed_type || !time || !recorded) {
      return tl::unexpected(Corrupt("entry " + e.meta.id + " has an unreadable type or time"));
    }
    e.type = *parsed_type;
    e.time = *time;
    e.meta.recorded_at = *recorded;
    e.meta.version = 1;
    e.meta.status = clinical::RecordStatus::kActive;
    entries.push_back(std::move(stored));
  }
  return entries;
}

std::vector<LedgerEntry> Unwrap(std::vector<StoredEntry> stored) {
  std::sort(stored.begin(), stored.end(),
            [](const StoredEntry& a, const StoredEntry& b) { return a.seq < b.seq; });
  std::vector<LedgerEntry> entries;
  entries.reserve(stored.size());
  for (StoredEntry& s : stored) entries.push_back(std::move(s.entry));
  return entries;
}

Result<std::vector<StoredEntry>> QueryEntries(Transaction& tx, const std::string& where,
                                              const Params& params) {
  Result<Rows> rows = tx.Query(
      "SELECT " + std::string(kEntryColumns) + " FROM ledger_entries " + where + " ORDER BY seq",
      params);
  if (!rows) return tl::unexpected(rows.error());
  return DecodeEntries(*rows);
}

Result<std::vector<LedgerEntry>> LoadEntries(Transaction& tx, const std::string& where,
                                             const Params& params) {
  Result<std::vector<StoredEntry>> stored = QueryEntries(tx, where, params);
  if (!stored) return tl::unexpected(stored.error());
  return Unwrap(std::move(*stored));
}

Status AddCatalogRows(Transaction& tx, clinical::LedgerCatalog& catalog,
                      const std::string& vial_where, const Params& params) {
  Result<Rows> rows = tx.Query(
      "SELECT v.id, v.lot_number, v.initial_content_ug, l.ndc, l.expiry, p.name, "
      "p.concentration_ug_per_ml, p.vial_volume_ul FROM ledger_vials v "
      "JOIN ledger_lots l ON l.lot_number = v.lot_number "
      "JOIN ledger_products p ON p.ndc = l.ndc " +
          vial_where,
      params);
  if (!rows) return tl::unexpected(rows.error());
  for (size_t i = 0; i < rows->size(); ++i) {
    RowReader reader(*rows, i);
    clinical::Vial vial;
    clinical::Lot lot;
    clinical::Product product;
    vial.id = reader.Text(0);
    vial.lot_number = reader.Text(1);
    vial.initial_content_ug = reader.Int64(2);
    lot.lot_number = vial.lot_number;
    lot.ndc = reader.Text(3);
    const std::string expiry = reader.Text(4);
    product.ndc = lot.ndc;
    product.name = reader.Text(5);
    product.concentration_ug_per_ml = reader.Int64(6);
    product.vial_volume_ul = reader.Int64(7);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    Result<clinical::Date> date = clinical::ParseDate(expiry, "expiry");
    if (!date) return tl::unexpected(Corrupt("lot " + lot.lot_number + " has no readable expiry"));
    lot.expiry = *date;
    catalog.products.emplace(product.ndc, std::move(product));
    catalog.lots.emplace(lot.lot_number, std::move(lot));
    catalog.vials.emplace(vial.id, std::move(vial));
  }
  return OkStatus();
}

// ---- Who may sign ----------------------------------------------------------------------

// An existing, enabled user with a licensed clinician's role; `field` names the entry's field.
Status CheckSigner(Transaction& tx, const std::string& user_id, const std::string& field) {
  Result<Rows> rows = tx.Query("SELECT role, disabled FROM users WHERE id = $1", {user_id});
  if (!rows) return tl::unexpected(rows.error());
  const auto refuse = [&](const std::string& why) -> Status {
    return tl::unexpected(Error(ErrorCode::kFailedPrecondition, "ledger entry refused",
                                {FieldProblem{field, "user " + user_id + " " + why}}));
  };
  if (rows->empty()) return refuse("does not exist");
  RowReader reader(*rows, 0);
  const std::string role = reader.Text(0);
  const bool disabled = reader.Int64(1) != 0;
  if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
  if (disabled) return refuse("is disabled");
  Result<clinical::Role> parsed = clinical::ParseRole(role, "role");
  if (!parsed || !clinical::IsLicensedClinician(*parsed)) {
    return refuse("is a " + role +
                  "; only a physician, nurse or pharmacist handles or witnesses a controlled "
                  "substance");
  }
  return OkStatus();
}

// ---- Catalog writes ----------------------------------------------------------------------

Status InsertCatalogRow(Transaction& tx, std::string_view sql, const Params& params,
                        const std::string& what) {
  Result<int64_t> inserted = tx.Exec(sql, params);
  if (inserted) return OkStatus();
  if (tx.last_failure() == FailureKind::kUniqueViolation) {
    return tl::unexpected(ConflictError(what + " was added by someone else meanwhile"));
  }
  return tl::unexpected(inserted.error());
}

}  // namespace

// ---- Loading -----------------------------------------------------------------------------

Result<clinical::LedgerCatalog> LoadLedgerCatalog(Transaction& tx) {
  clinical::LedgerCatalog catalog;
  Result<Rows> products = tx.Query(
      "SELECT ndc, name, concentration_ug_per_ml, vial_volume_ul FROM ledger_products ORDER BY "
      "ndc");
  if (!products) return tl::unexpected(products.error());
  for (size_t i = 0; i < products->size(); ++i) {
    RowReader reader(*products, i);
    clinical::Product product;
    product.ndc = reader.Text(0);
    product.name = reader.Text(1);
    product.concentration_ug_per_ml = reader.Int64(2);
    product.vial_volume_ul = reader.Int64(3);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    catalog.products.emplace(product.ndc, std::move(product));
  }
  Result<Rows> lots = tx.Query("SELECT lot_number, ndc, expiry FROM ledger_lots ORDER BY 1");
  if (!lots) return tl::unexpected(lots.error());
  for (size_t i = 0; i < lots->size(); ++i) {
    RowReader reader(*lots, i);
    clinical::Lot lot;
    lot.lot_number = reader.Text(0);
    lot.ndc = reader.Text(1);
    const std::string expiry = reader.Text(2);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    Result<clinical::Date> date = clinical::ParseDate(expiry, "expiry");
    if (!date) return tl::unexpected(Corrupt("lot " + lot.lot_number + " has no readable expiry"));
    lot.expiry = *date;
    catalog.lots.emplace(lot.lot_number, std::move(lot));
  }
  Result<Rows> vials =
      tx.Query("SELECT id, lot_number, initial_content_ug FROM ledger_vials ORDER BY id");
  if (!vials) return tl::unexpected(vials.error());
  for (size_t i = 0; i < vials->size(); ++i) {
    RowReader reader(*vials, i);
    clinical::Vial vial;
    vial.id = reader.Text(0);
    vial.lot_number = reader.Text(1);
    vial.initial_content_ug = reader.Int64(2);
    if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
    catalog.vials.emplace(vial.id, std::move(vial));
  }
  return catalog;
}

Result<std::vector<LedgerEntry>> LoadAllLedgerEntries(Transaction& tx) {
  return LoadEntries(tx, "", {});
}

Result<std::vector<LedgerEntry>> LoadVialLedgerEntries(Transaction& tx,
                                                       const std::string& vial_id) {
  return LoadEntries(tx, "WHERE vial_id = $1", {vial_id});
}

Result<std::vector<LedgerEntry>> LoadSessionLedgerEntries(Transaction& tx,
                                                          const std::string& session_id) {
  return LoadEntries(tx, "WHERE session_id = $1", {session_id});
}

Result<std::vector<LedgerEntry>> LoadPatientLedgerEntries(Transaction& tx,
                                                          const std::string& patient_id) {
  // Reversing entries need not repeat the patient; they share the session of what they undo.
  return LoadEntries(tx,
                     "WHERE patient_id = $1 OR session_id IN (SELECT session_id FROM "
                     "ledger_entries WHERE patient_id = $1 AND session_id <> '')",
                     {patient_id});
}

namespace {

// The state a new entry of `vial_id` / `session_id` (reversing `reverses`) depends on: every
// entry of its vial, of each vial its session drew from and of the reversed entry's vial. The
// set is closed (whole vials), so the replay is exactly the full ledger's state of those vials
// and of the session's patient binding.
Result<clinical::LedgerState> LoadStateFor(Transaction& tx, const std::string& vial_id,
                                           const std::string& session_id,
                                           const std::string& reverses) {
  std::set<std::string> vials = {vial_id};
  if (!session_id.empty()) {
    Result<Rows> rows =
        tx.Query("SELECT DISTINCT vial_id FROM ledger_entries WHERE session_id = $1", {session_id});
    if (!rows) return tl::unexpected(rows.error());
    for (const Row& row : rows->rows) {
      if (const auto* id = std::get_if<std::string>(&row.cells.at(0).data())) vials.insert(*id);
    }
  }
  if (!reverses.empty()) {
    Result<Rows> rows = tx.Query("SELECT vial_id FROM ledger_entries WHERE id = $1", {reverses});
    if (!rows) return tl::unexpected(rows.error());
    for (const Row& row : rows->rows) {
      if (const auto* id = std::get_if<std::string>(&row.cells.at(0).data())) vials.insert(*id);
    }
  }
  clinical::LedgerCatalog catalog;
  std::vector<StoredEntry> stored;
  for (const std::string& vial : vials) {
    if (Status added = AddCatalogRows(tx, catalog, "WHERE v.id = $1", {vial}); !added) {
      return tl::unexpected(added.error());
    }
    Result<std::vector<StoredEntry>> of_vial = QueryEntries(tx, "WHERE vial_id = $1", {vial});
    if (!of_vial) return tl::unexpected(of_vial.error());
    stored.insert(stored.end(), std::make_move_iterator(of_vial->begin()),
                  std::make_move_iterator(of_vial->end()));
  }
  Result<clinical::LedgerState> state = clinical::Replay(catalog, Unwrap(std::move(stored)));
  if (!state) return tl::unexpected(Corrupt("it does not replay: " + state.error().ToString()));
  if (Status kept = clinical::CheckInvariants(*state); !kept) {
    return tl::unexpected(Corrupt(kept.error().ToString()));
  }
  return state;
}

}  // namespace

// ---- Writes ------------------------------------------------------------------------------

Status PutLedgerProduct(Transaction& tx, const Actor& actor, Instant now,
                        const clinical::Product& product) {
  Result<clinical::LedgerCatalog> catalog = LoadLedgerCatalog(tx);
  if (!catalog) return tl::unexpected(catalog.error());
  if (Status added = clinical::AddProduct(*catalog, product); !added) return added;
  if (Status inserted = InsertCatalogRow(
          tx,
          "INSERT INTO ledger_products (ndc, name, concentration_ug_per_ml, vial_volume_ul, "
          "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
          {product.ndc, product.name, product.concentration_ug_per_ml, product.vial_volume_ul,
           actor.user_id, FormatRfc3339(now)},
          "product " + product.ndc);
      !inserted) {
    return inserted;
  }
  return Audit(tx, actor, now, "ledger.add-product", "ledger-product", product.ndc, std::nullopt,
               clinical_json::ProductToJson(product));
}

Status PutLedgerLot(Transaction& tx, const Actor& actor, Instant now, const clinical::Lot& lot) {
  Result<clinical::LedgerCatalog> catalog = LoadLedgerCatalog(tx);
  if (!catalog) return tl::unexpected(catalog.error());
  if (Status added = clinical::AddLot(*catalog, lot); !added) return added;
  if (Status inserted = InsertCatalogRow(
          tx,
          "INSERT INTO ledger_lots (lot_number, ndc, expiry, created_by, created_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {lot.lot_number, lot.ndc, clinical::FormatDate(lot.expiry), actor.user_id,
           FormatRfc3339(now)},
          "lot " + lot.lot_number);
      !inserted) {
    return inserted;
  }
  return Audit(tx, actor, now, "ledger.add-lot", "ledger-lot", lot.lot_number, std::nullopt,
               clinical_json::LotToJson(lot));
}

Status PutLedgerVial(Transaction& tx, const Actor& actor, Instant now, const clinical::Vial& vial) {
  Result<clinical::LedgerCatalog> catalog = LoadLedgerCatalog(tx);
  if (!catalog) return tl::unexpected(catalog.error());
  if (Status added = clinical::AddVial(*catalog, vial); !added) return added;
  if (Status inserted = InsertCatalogRow(
          tx,
          "INSERT INTO ledger_vials (id, lot_number, initial_content_ug, created_by, created_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {vial.id, vial.lot_number, vial.initial_content_ug, actor.user_id, FormatRfc3339(now)},
          "vial " + vial.id);
      !inserted) {
    return inserted;
  }
  return Audit(tx, actor, now, "ledger.add-vial", "ledger-vial", vial.id, std::nullopt,
               clinical_json::VialToJson(vial));
}

Result<LedgerEntry> RecordLedgerEntry(Transaction& tx, const Actor& actor, Instant now,
                                      LedgerEntry entry) {
  if (entry.meta.id.empty()) entry.meta.id = NewId();
  entry.meta.version = 1;
  entry.meta.status = clinical::RecordStatus::kActive;
  entry.meta.author = actor.user_id;
  entry.meta.recorded_at = now;
  entry.meta.reason.clear();

  // Writers of this vial and this session wait here for each other (see the header).
  if (tx.backend() == Backend::kPostgres) {
    if (Result<Rows> locked = tx.Query(kPgVialLock, {entry.vial_id}); !locked) {
      return tl::unexpected(locked.error());
    }
    if (!entry.session_id.empty()) {
      if (Result<Rows> locked = tx.Query(kPgSessionLock, {entry.session_id}); !locked) {
        return tl::unexpected(locked.error());
      }
    }
  }
  Result<clinical::LedgerState> state =
      LoadStateFor(tx, entry.vial_id, entry.session_id, entry.reverses);
  if (!state) return tl::unexpected(state.error());
  // The rule decides; its error (naming the field) goes to the caller as it is.
  if (Status applied = clinical::ApplyEntryInPlace(*state, entry); !applied) {
    return tl::unexpected(applied.error());
  }
  // An id may be taken by an entry of a vial the state did not load.
  Result<Rows> taken = tx.Query("SELECT 1 FROM ledger_entries WHERE id = $1", {entry.meta.id});
  if (!taken) return tl::unexpected(taken.error());
  if (!taken->empty()) {
    return tl::unexpected(
        Error(ErrorCode::kFailedPrecondition, "ledger entry refused",
              {FieldProblem{"meta.id", "entry " + entry.meta.id + " is already in the ledger"}}));
  }
  if (Status ok = CheckSigner(tx, entry.actor, "actor"); !ok) return tl::unexpected(ok.error());
  if (!entry.witness.empty()) {
    if (Status ok = CheckSigner(tx, entry.witness, "witness"); !ok) {
      return tl::unexpected(ok.error());
    }
  }

  Result<int64_t> inserted = tx.Exec(
      "INSERT INTO ledger_entries (id, entry_type, quantity_ug, vial_id, patient_id, session_id, "
      "actor, witness, reason, location, happened_at, reverses, author, recorded_at) VALUES ($1, "
      "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
      {entry.meta.id, clinical::EntryTypeName(entry.type), entry.quantity_ug, entry.vial_id,
       entry.patient_id, entry.session_id, entry.actor, entry.witness, entry.reason, entry.location,
       FormatRfc3339(entry.time), entry.reverses, entry.meta.author,
       FormatRfc3339(entry.meta.recorded_at)});
  if (!inserted) {
    if (tx.last_failure() == FailureKind::kUniqueViolation) {
      return tl::unexpected(
          ConflictError("ledger entry " + entry.meta.id + " was written by someone else"));
    }
    return tl::unexpected(inserted.error());
  }
  // The patient an entry concerns: its own, or (a reversal, a WASTE from a draw) its draw's.
  const std::string& patient = state->entries.at(entry.meta.id).patient_id;
  if (Status audited = Audit(tx, actor, now, "ledger.record", "ledger-entry", entry.meta.id,
                             NonEmpty(patient), clinical_json::LedgerEntryToJson(entry));
      !audited) {
    return tl::unexpected(audited.error());
  }
  return entry;
}

// ---- LedgerStore -------------------------------------------------------------------------

namespace {

template <typename T, typename Put>
Status PutAll(Store& store, const std::vector<T>& items, const char* what, Put put) {
  return store.Transact([&](Transaction& tx) -> Status {
    const Instant now = store.Now();
    for (size_t i = 0; i < items.size(); ++i) {
      if (Status done = put(tx, now, items[i]); !done) {
        if (items.size() == 1) return done;
        return tl::unexpected(
            Error(done.error())
                .WithFieldPrefix(std::string(what) + "[" + std::to_string(i) + "]."));
      }
    }
    return OkStatus();
  });
}

}  // namespace

Status LedgerStore::AddProduct(const Actor& actor, const clinical::Product& product) {
  return AddProducts(actor, {product});
}

Status LedgerStore::AddLot(const Actor& actor, const clinical::Lot& lot) {
  return AddLots(actor, {lot});
}

Status LedgerStore::AddVial(const Actor& actor, const clinical::Vial& vial) {
  return AddVials(actor, {vial});
}

Status LedgerStore::AddProducts(const Actor& actor,
                                const std::vector<clinical::Product>& products) {
  return PutAll(store_, products, "products",
                [&](Transaction& tx, Instant now, const clinical::Product& p) {
                  return PutLedgerProduct(tx, actor, now, p);
                });
}

Status LedgerStore::AddLots(const Actor& actor, const std::vector<clinical::Lot>& lots) {
  return PutAll(store_, lots, "lots", [&](Transaction& tx, Instant now, const clinical::Lot& l) {
    return PutLedgerLot(tx, actor, now, l);
  });
}

Status LedgerStore::AddVials(const Actor& actor, const std::vector<clinical::Vial>& vials) {
  return PutAll(store_, vials, "vials", [&](Transaction& tx, Instant now, const clinical::Vial& v) {
    return PutLedgerVial(tx, actor, now, v);
  });
}

Result<LedgerEntry> LedgerStore::Record(const Actor& actor, const LedgerEntry& entry) {
  return store_.Transact(
      [&](Transaction& tx) { return RecordLedgerEntry(tx, actor, store_.Now(), entry); });
}

Result<std::vector<LedgerEntry>> LedgerStore::RecordAll(const Actor& actor,
                                                        const std::vector<LedgerEntry>& entries) {
  return store_.Transact([&](Transaction& tx) -> Result<std::vector<LedgerEntry>> {
    const Instant now = store_.Now();
    std::vector<LedgerEntry> recorded;
    recorded.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      Result<LedgerEntry> done = RecordLedgerEntry(tx, actor, now, entries[i]);
      if (!done) {
        return tl::unexpected(
            Error(done.error()).WithFieldPrefix("entries[" + std::to_string(i) + "]."));
      }
      recorded.push_back(std::move(*done));
    }
    return recorded;
  });
}

Result<clinical::LedgerCatalog> LedgerStore::Catalog() {
  return store_.Read([](Transaction& tx) { return LoadLedgerCatalog(tx); });
}

Result<std::vector<LedgerEntry>> LedgerStore::VialEntries(const std::string& vial_id) {
  return store_.Read([&](Transaction& tx) { return LoadVialLedgerEntries(tx, vial_id); });
}

Result<std::vector<LedgerEntry>> LedgerStore::SessionEntries(const Actor& actor,
                                                             const std::string& session_id) {
  return store_.Transact([&](Transaction& tx) -> Result<std::vector<LedgerEntry>> {
    Result<std::vector<LedgerEntry>> entries = LoadSessionLedgerEntries(tx, session_id);
    if (!entries) return entries;
    std::optional<std::string> patient;
    for (const LedgerEntry& e : *entries) {
      if (!e.patient_id.empty()) patient = e.patient_id;
    }
    if (Status audited = Audit(tx, actor, store_.Now(), "ledger.read", "ledger-session", session_id,
                               patient, nullptr);
        !audited) {
      return tl::unexpected(audited.error());
    }
    return entries;
  });
}

Result<std::vector<LedgerEntry>> LedgerStore::PatientEntries(const Actor& actor,
                                                             const std::string& patient_id) {
  return store_.Transact([&](Transaction& tx) -> Result<std::vector<LedgerEntry>> {
    Result<std::vector<LedgerEntry>> entries = LoadPatientLedgerEntries(tx, patient_id);
    if (!entries) return entries;
    if (Status audited = Audit(tx, actor, store_.Now(), "ledger.read", "ledger-entry", patient_id,
                               patient_id, nullptr);
        !audited) {
      return tl::unexpected(audited.error());
    }
    return entries;
  });
}

Result<std::vector<clinical::Finding>> LedgerStore::ReconcileSession(
    const Actor& actor, const std::string& session_id, double delivered_mg,
    clinical::Micrograms tolerance_ug) {
  return store_.Transact([&](Transaction& tx) -> Result<std::vector<clinical::Finding>> {
    Result<std::vector<LedgerEntry>> entries = LoadSessionLedgerEntries(tx, session_id);
    if (!entries) return tl::unexpected(entries.error());
    Result<std::vector<clinical::Finding>> findings =
        clinical::ReconcileSession(session_id, delivered_mg, *entries, tolerance_ug);
    if (!findings) return findings;
    std::optional<std::string> patient;
    for (const LedgerEntry& e : *entries) {
      if (!e.patient_id.empty()) patient = e.patient_id;
    }
    if (Status audited = Audit(tx, actor, store_.Now(), "ledger.reconcile", "ledger-session",
                               session_id, patient, nullptr);
        !audited) {
      return tl::unexpected(audited.error());
    }
    return findings;
  });
}

Status LedgerStore::CheckSessionClosed(const std::string& session_id) {
  return store_.Read([&](Transaction& tx) -> Status {
    Result<std::vector<LedgerEntry>> entries = LoadSessionLedgerEntries(tx, session_id);
    if (!entries) return tl::unexpected(entries.error());
    if (entries->empty()) return OkStatus();
    Result<clinical::LedgerState> state =
        LoadStateFor(tx, entries->front().vial_id, session_id, "");
    if (!state) return tl::unexpected(state.error());
    return clinical::CheckSessionClosed(*state, session_id);
  });
}

namespace {

struct Books {
  clinical::LedgerCatalog catalog;
  std::vector<LedgerEntry> entries;
};

Result<Books> LoadBooks(Transaction& tx) {
  Books books;
  Result<clinical::LedgerCatalog> catalog = LoadLedgerCatalog(tx);
  if (!catalog) return tl::unexpected(catalog.error());
  Result<std::vector<LedgerEntry>> entries = LoadAllLedgerEntries(tx);
  if (!entries) return tl::unexpected(entries.error());
  books.catalog = std::move(*catalog);
  books.entries = std::move(*entries);
  return books;
}

}  // namespace

Result<std::vector<clinical::LotOnHand>> LedgerStore::OnHandByLot() {
  return store_.Read([](Transaction& tx) -> Result<std::vector<clinical::LotOnHand>> {
    Result<Books> books = LoadBooks(tx);
    if (!books) return tl::unexpected(books.error());
    return clinical::OnHandByLot(books->catalog, books->entries);
  });
}

Result<std::vector<clinical::AdministrationRecord>> LedgerStore::PatientAdministrations(
    const Actor& actor, const std::string& patient_id) {
  return store_.Transact(
      [&](Transaction& tx) -> Result<std::vector<clinical::AdministrationRecord>> {
        Result<clinical::LedgerCatalog> catalog = LoadLedgerCatalog(tx);
        if (!catalog) return tl::unexpected(catalog.error());
        Result<std::vector<LedgerEntry>> entries = LoadPatientLedgerEntries(tx, patient_id);
        if (!entries) return tl::unexpected(entries.error());
        Result<std::vector<clinical::AdministrationRecord>> rows =
            clinical::PatientAdministrations(*catalog, *entries, patient_id);
        if (!rows) return rows;
        if (Status audited = Audit(tx, actor, store_.Now(), "ledger.read-administrations",
                                   "ledger-entry", patient_id, patient_id, nullptr);
            !audited) {
          return tl::unexpected(audited.error());
        }
        return rows;
      });
}

Result<std::vector<clinical::Discrepancy>> LedgerStore::Discrepancies() {
  return store_.Read([](Transaction& tx) -> Result<std::vector<clinical::Discrepancy>> {
    Result<Books> books = LoadBooks(tx);
    if (!books) return tl::unexpected(books.error());
    return clinical::Discrepancies(books->catalog, books->entries);
  });
}

Result<clinical::InventoryReport> LedgerStore::Inventory(Instant as_of,
                                                         clinical::InventoryKind kind) {
  return store_.Read([&](Transaction& tx) -> Result<clinical::InventoryReport> {
    Result<Books> books = LoadBooks(tx);
    if (!books) return tl::unexpected(books.error());
    return clinical::Inventory(books->catalog, books->entries, as_of, kind);
  });
}

}  // namespace ketaclinic::store
