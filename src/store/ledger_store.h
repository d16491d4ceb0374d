#ifndef KETACLINIC_STORE_LEDGER_STORE_H_
#define KETACLINIC_STORE_LEDGER_STORE_H_

// The controlled-substance ledger in the database (clinical.md §5.4; docs/LEDGER.md "Storage
// and commands"; tables of migration 5). The rules are clinical/ledger.h's: a write loads, inside
// its transaction, every entry the new one depends on (all entries of its vial, of every vial
// its session drew from, and of the vial of the entry it reverses), replays them, applies the
// new entry with clinical::ApplyEntryInPlace and inserts it only if that succeeded; the rule's
// error reaches the caller unchanged (it names the field). So the ledger's invariants hold in
// the database exactly as in the pure model: the balance never goes negative, drawn = given +
// wasted + returned, witnesses where required.
//
// Concurrency: writers of one vial (and of one session) are serialized. PostgreSQL: a
// transaction-level advisory lock per vial id and per session id, taken before anything is
// read (READ COMMITTED then reads what the previous writer committed); SQLite: one writer
// (BEGIN IMMEDIATE). Two draws that together exceed a vial's stock cannot both succeed.
//
// People: the actor and a witness are existing, enabled users (users.id) whose role is a
// licensed clinician (physician, nurse, pharmacist: clinical::IsLicensedClinician); the witness
// is not the actor.
//
// Audit: every write appends an audit row in its transaction ("ledger.record", record type
// "ledger-entry", the entry's patient when it has one; "ledger.add-product|add-lot|add-vial");
// reads of patient data (a patient's administrations, a session's entries, a reconciliation)
// are audited as reads. The catalog, vial entries and the stock reports carry no patient data.

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/finding.h"
#include "clinical/ledger.h"
#include "store/audit.h"
#include "store/sql.h"
#include "store/store.h"

namespace ketaclinic::store {

// ---- Within a caller's transaction --------------------------------------------------------

// Catalog writes: the rules of clinical::AddProduct/AddLot/AddVial over the stored catalog
// (every problem named); a concurrent writer of the same key is a conflict.
Status PutLedgerProduct(Transaction& tx, const Actor& actor, Instant now,
                        const clinical::Product& product);
Status PutLedgerLot(Transaction& tx, const Actor& actor, Instant now, const clinical::Lot& lot);
Status PutLedgerVial(Transaction& tx, const Actor& actor, Instant now, const clinical::Vial& vial);

// Records one entry. The store fills the header: meta.id (a new id when empty), version 1,
// active, author = actor.user_id, recorded_at = now. Returns the entry as stored. Errors:
// ApplyEntry's, unchanged (kInvalidArgument / kFailedPrecondition naming the field);
// kFailedPrecondition naming "actor" or "witness" for an unknown, disabled or unlicensed user.
Result<clinical::LedgerEntry> RecordLedgerEntry(Transaction& tx, const Actor& actor, Instant now,
                                                clinical::LedgerEntry entry);

Result<clinical::LedgerCatalog> LoadLedgerCatalog(Transaction& tx);
// Entries in ledger order: all of them, or those of a vial, a session or a patient (a
// patient's: every entry of the sessions that drew for the patient, reversals included).
Result<std::vector<clinical::LedgerEntry>> LoadAllLedgerEntries(Transaction& tx);
Result<std::vector<clinical::LedgerEntry>> LoadVialLedgerEntries(Transaction& tx,
                                                                 const std::string& vial_id);
Result<std::vector<clinical::LedgerEntry>> LoadSessionLedgerEntries(Transaction& tx,
                                                                    const std::string& session_id);
Result<std::vector<clinical::LedgerEntry>> LoadPatientLedgerEntries(Transaction& tx,
                                                                    const std::string& patient_id);

// ---- One call, one transaction --------------------------------------------------------------

class LedgerStore {
 public:
  explicit LedgerStore(Store& store) : store_(store) {}

  Status AddProduct(const Actor& actor, const clinical::Product& product);
  Status AddLot(const Actor& actor, const clinical::Lot& lot);
  Status AddVial(const Actor& actor, const clinical::Vial& vial);
  // All or nothing, in one transaction (a file of the CLI).
  Status AddProducts(const Actor& actor, const std::vector<clinical::Product>& products);
  Status AddLots(const Actor& actor, const std::vector<clinical::Lot>& lots);
  Status AddVials(const Actor& actor, const std::vector<clinical::Vial>& vials);

  Result<clinical::LedgerEntry> Record(const Actor& actor, const clinical::LedgerEntry& entry);
  // All or nothing, in order, in one transaction; an error names "entries[i]." + field.
  Result<std::vector<clinical::LedgerEntry>> RecordAll(
      const Actor& actor, const std::vector<clinical::LedgerEntry>& entries);

  Result<clinical::LedgerCatalog> Catalog();
  Result<std::vector<clinical::LedgerEntry>> VialEntries(const std::string& vial_id);
  Result<std::vector<clinical::LedgerEntry>> SessionEntries(const Actor& actor,
                                                            const std::string& session_id);
  Result<std::vector<clinical::LedgerEntry>> PatientEntries(const Actor& actor,
                                                            const std::string& patient_id);

  // clinical::ReconcileSession over the session's stored entries (audited as a read).
  Result<std::vector<clinical::Finding>> ReconcileSession(
      const Actor& actor, const std::string& session_id, double delivered_mg,
      clinical::Micrograms tolerance_ug = clinical::kReconcileToleranceUg);
  // Before a session closes: every draw of the session administered, wasted or returned.
  Status CheckSessionClosed(const std::string& session_id);

  // Reports (clinical.md §5.4), computed by the clinical report functions over stored data.
  Result<std::vector<clinical::LotOnHand>> OnHandByLot();
  Result<std::vector<clinical::AdministrationRecord>> PatientAdministrations(
      const Actor& actor, const std::string& patient_id);
  Result<std::vector<clinical::Discrepancy>> Discrepancies();
  Result<clinical::InventoryReport> Inventory(Instant as_of, clinical::InventoryKind kind);

 private:
  Store& store_;
};

}  // namespace ketaclinic::store

#endif  // KETACLINIC_STORE_LEDGER_STORE_H_
