#ifndef KETACLINIC_CLINICAL_LEDGER_H_
#define KETACLINIC_CLINICAL_LEDGER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/time.h"

#include "clinical/finding.h"
#include "clinical/record.h"

// The controlled-substance ledger (clinical.md §5.4; ketamine is DEA Schedule III). Quantities
// are exact integers in micrograms: no floating point enters the ledger, so a balance is never
// off by a rounding error and "drawn = administered + wasted + returned" holds exactly. Every
// function here is pure: storage loads the state, calls ApplyEntry inside its transaction and
// writes the entry only if it succeeded. docs/LEDGER.md describes the rules for users.
namespace ketaclinic::clinical {

using Micrograms = std::int64_t;

// The largest quantity one entry may carry: 1 kg, far above any real vial (10 mL of 100 mg/mL
// is 1 g), low enough that no sum of entries can overflow.
inline constexpr Micrograms kMaxEntryUg = 1'000'000'000;

// "35", "35.5", "0.001", "-2.25": micrograms as an exact decimal number of milligrams.
std::string FormatMilligrams(Micrograms ug);

// ---- Master data ----------------------------------------------------------------------------

// A product: one NDC (e.g. 67457-108, Mylan ketamine 100 mg/mL [S]).
struct Product {
  std::string ndc;   // 10/11-digit NDC with hyphens (4-4-2, 5-3-2, 5-4-1, 5-4-2) or its
                     // labeler-product part (4-4, 5-3, 5-4)
  std::string name;  // "Ketamine HCl injection"
  std::int64_t concentration_ug_per_ml = 0;  // 10 mg/mL = 10'000
  std::int64_t vial_volume_ul = 0;           // 10 mL = 10'000

  friend bool operator==(const Product&, const Product&) = default;
};

// The labelled content of one vial: concentration x volume, exactly (refused if not a whole
// number of micrograms).
Result<Micrograms> NominalContentUg(const Product& product);

// A lot of a product. A lot may be used through its expiry date (the last day of use).
// Lot numbers are unique in a clinic's ledger (a second lot with the same number is refused).
struct Lot {
  std::string lot_number;
  std::string ndc;
  std::chrono::year_month_day expiry;

  friend bool operator==(const Lot&, const Lot&) = default;
};

// One container (vial) of a lot, with what it held when received.
struct Vial {
  std::string id;
  std::string lot_number;
  Micrograms initial_content_ug = 0;  // > 0 and at most the product's labelled content

  friend bool operator==(const Vial&, const Vial&) = default;
};

struct LedgerCatalog {
  std::map<std::string, Product> products;  // by NDC
  std::map<std::string, Lot> lots;          // by lot number
  std::map<std::string, Vial> vials;        // by vial id

  friend bool operator==(const LedgerCatalog&, const LedgerCatalog&) = default;
};

// Each adds to the catalog or, on any problem (every one named), leaves it unchanged. A lot
// needs its product, a vial its lot; ids are unique.
Status AddProduct(LedgerCatalog& catalog, const Product& product);
Status AddLot(LedgerCatalog& catalog, const Lot& lot);
Status AddVial(LedgerCatalog& catalog, const Vial& vial);

// ---- Entries --------------------------------------------------------------------------------

enum class EntryType {
  kReceive,           // a vial enters inventory (invoice; CIII needs no Form 222)
  kDraw,              // drawn from a vial for a session (patient)
  kAdminister,        // given to the patient from that draw
  kWaste,             // wastage: from a draw (session set) or residue in a vial (no session)
  kReturnToStock,     // an unused draw returned to the vial's stock
  kTransfer,          // a vial moved to another storage location
  kDestroyInventory,  // expired/unwanted stock destroyed (reverse distributor or Form 41)
  kBreakage,          // a vial broken or spilled, not recoverable
  kAdjust,            // a signed correction of a vial's content after an investigation
  kCount,             // a physical count of a vial (changes nothing; a mismatch is recorded)
};

// "RECEIVE", "DRAW", "ADMINISTER", "WASTE", "RETURN_TO_STOCK", "TRANSFER", "DESTROY_INVENTORY",
// "BREAKAGE", "ADJUST", "COUNT".
const char* EntryTypeName(EntryType type);
Result<EntryType> ParseEntryType(std::string_view name, std::string_view field);

// Whether an entry of this type needs a witness who is not the actor (clinical.md §5.4: WASTE,
// BREAKAGE, DESTROY, ADJUST; a COUNT only when it finds a discrepancy).
bool NeedsWitness(EntryType type);

// One line of the ledger. Entries are append-only: never amended, never withdrawn. A mistake is
// corrected by a reversing entry (`reverses` = the id of the entry it undoes, same type, vial,
// quantity and session, with a reason).
struct LedgerEntry {
  RecordMeta meta;  // meta.id is the entry id (unique); version 1 and active, always
  EntryType type = EntryType::kCount;
  // > 0, except: ADJUST signed and not 0 (the change of content); COUNT >= 0 (what was counted).
  Micrograms quantity_ug = 0;
  std::string vial_id;
  std::string patient_id;  // DRAW, ADMINISTER (required); WASTE, RETURN_TO_STOCK (optional)
  std::string session_id;  // DRAW, ADMINISTER, RETURN_TO_STOCK (required); WASTE from a draw
  std::string actor;       // who did it (user id)
  std::string witness;     // who saw it; required where NeedsWitness, never the actor
  std::string reason;      // required for BREAKAGE, DESTROY_INVENTORY, ADJUST, a COUNT
                           // discrepancy and every reversal
  std::string location;    // RECEIVE: where it is stored; TRANSFER: where it goes
  Instant time;            // when it happened; never after meta.recorded_at
  std::string reverses;    // the entry this one reverses (empty: none)
};

// ---- State ----------------------------------------------------------------------------------

// A draw not yet fully administered, wasted or returned.
struct OpenDraw {
  std::string patient_id;
  Micrograms open_ug = 0;

  friend bool operator==(const OpenDraw&, const OpenDraw&) = default;
};

// The books of one vial. Two equations hold at all times (CheckInvariants):
//   drawn = administered + wasted_from_draw + returned + open draws
//   received + adjusted + returned = in_vial + drawn + wasted_from_vial + destroyed + broken
// and every quantity is >= 0 (adjusted is signed), in_vial + open draws <= the vial's initial
// content.
struct VialBalance {
  std::string location;
  Micrograms in_vial_ug = 0;  // in the container, in stock
  Micrograms received_ug = 0;
  Micrograms drawn_ug = 0;
  Micrograms administered_ug = 0;
  Micrograms wasted_from_draw_ug = 0;
  Micrograms wasted_from_vial_ug = 0;
  Micrograms returned_ug = 0;
  Micrograms destroyed_ug = 0;
  Micrograms broken_ug = 0;
  Micrograms adjusted_ug = 0;                  // net, signed
  std::map<std::string, OpenDraw> open_draws;  // by session id; only those still open
  bool opened = false;                         // ever drawn from (counts may be estimated)
  std::optional<Instant> last_entry_at;

  friend bool operator==(const VialBalance&, const VialBalance&) = default;
};

// What the ledger remembers of an applied entry, to reverse it.
struct AppliedEntry {
  EntryType type = EntryType::kCount;
  std::string vial_id;
  Micrograms quantity_ug = 0;
  std::string session_id;
  std::string patient_id;
  std::string previous_location;  // TRANSFER: where the vial was
  std::string location;           // TRANSFER: where it went
  bool is_reversal = false;
  std::string reversed_by;  // the reversing entry, once reversed

  friend bool operator==(const AppliedEntry&, const AppliedEntry&) = default;
};

struct LedgerState {
  LedgerCatalog catalog;
  std::map<std::string, VialBalance> vials;     // received vials, by id
  std::map<std::string, AppliedEntry> entries;  // by entry id
  // A session is for one patient, bound by its first standing draw (a reversed draw frees it).
  std::map<std::string, std::string> session_patient;

  friend bool operator==(const LedgerState&, const LedgerState&) = default;
};

// Applies one entry: the new state, or an error naming the field and the reason, in which case
// nothing changed. kInvalidArgument for a malformed entry (every problem at once),
// kFailedPrecondition when the entry is well formed but the ledger refuses it:
// - the id is taken, the vial is not in the catalog or not (yet / already) received, the entry is
//   dated before the vial's last entry;
// - a balance would go negative (vial stock, an open draw), a draw from an expired lot, a
//   RECEIVE other than the vial's initial content, a TRANSFER that is not the whole vial or to
//   where it already is, an ADJUST beyond the vial's capacity;
// - ADMINISTER / WASTE / RETURN_TO_STOCK without an open draw of that session, or for another
//   patient; a session that already drew for another patient;
// - a COUNT that disagrees with the book without a witness and a reason;
// - a reversal of an unknown, reversed or reversing entry, or one that differs from it.
Result<LedgerState> ApplyEntry(const LedgerState& state, const LedgerEntry& entry);

// The same, in place, with the same guarantee: `state` changes only on success. (What
// ApplyEntry and Replay use; storage may hold one state for a batch.)
Status ApplyEntryInPlace(LedgerState& state, const LedgerEntry& entry);

// Applies `entries` in order over an empty ledger with `catalog`; an error names
// "entries[i]." + field.
Result<LedgerState> Replay(const LedgerCatalog& catalog, const std::vector<LedgerEntry>& entries);

// Every invariant of the state (see VialBalance): storage can run it on a state it loaded.
// kInternal naming the vial when one fails (it never does for a state built by ApplyEntry).
Status CheckInvariants(const LedgerState& state);

// Balances.
Micrograms LotBalanceUg(const LedgerState& state, const std::string& lot_number);
Micrograms OnHandUg(const LedgerState& state);  // stock in all vials (open draws not included)

// When a vial or syringe is closed: every draw from the vial is administered, wasted or returned
// (drawn = administered + wasted + returned, tolerance 0). The error names each open draw
// ("open_draws[session]").
Status ClosingCheck(const LedgerState& state, const std::string& vial_id);

// Before a session closes: every draw it made is administered, wasted or returned
// (clinical.md §5.4 "DRAW→ADMINISTER/WASTE must close before encounter close").
Status CheckSessionClosed(const LedgerState& state, const std::string& session_id);

// ---- Reconciliation with the session ---------------------------------------------------------

// Default tolerance between what the pump delivered and what the ledger says was administered:
// 0.5 mg [D], the dose step of DOSE-01 (clinical.md §1.8). The pump's delivered dose is a sum
// of rate segments in floating point; a difference below one dose step is the arithmetic of the
// reconstruction, not drug.
inline constexpr Micrograms kReconcileToleranceUg = 500;

// Compares what session `session_id` delivered (mg, reconstructed from the pump's rate
// segments) with the ledger's ADMINISTER entries for it (reversals subtracted), clinical.md
// §5.4 "every session's MedicationAdministration total equals ledger ADMINISTER". delivered_mg
// is converted to micrograms by rounding to the nearest microgram. Findings:
// - "ledger.session-reconcile" block when they differ by more than `tolerance_ug`, else info;
// - "ledger.session-open-draw" block for each vial with drug drawn for the session and not yet
//   administered, wasted or returned.
// An invalid delivered_mg (not finite, negative, above 1 kg) is an error naming "delivered_mg".
Result<std::vector<Finding>> ReconcileSession(const std::string& session_id, double delivered_mg,
                                              const std::vector<LedgerEntry>& entries,
                                              Micrograms tolerance_ug = kReconcileToleranceUg);

// ---- Reports (pure functions over the catalog and the entries, in ledger order) --------------

struct LotOnHand {
  std::string lot_number;
  std::string ndc;
  std::string product_name;
  std::chrono::year_month_day expiry;
  int vials_with_stock = 0;
  Micrograms in_stock_ug = 0;       // in the vials
  Micrograms in_open_draws_ug = 0;  // drawn and not yet closed

  friend bool operator==(const LotOnHand&, const LotOnHand&) = default;
};

// Per lot that has received vials, by lot number.
Result<std::vector<LotOnHand>> OnHandByLot(const LedgerCatalog& catalog,
                                           const std::vector<LedgerEntry>& entries);

// One administration, with the fields of a practitioner's dispensing record (21 CFR
// 1304.22(c)-style, clinical.md §5.4 [R field list]): date, patient, substance, strength,
// quantity and volume, who administered it. Name and address come from the patient record.
struct AdministrationRecord {
  std::string entry_id;
  Instant time;
  std::string patient_id;
  std::string session_id;
  std::string ndc;
  std::string product_name;
  std::int64_t concentration_ug_per_ml = 0;
  Micrograms quantity_ug = 0;
  std::int64_t volume_ul = 0;  // quantity / concentration, to the nearest µL
  std::string lot_number;
  std::string vial_id;
  std::string administered_by;
  std::string witness;
  std::string reversed_by;  // a reversing entry's id when this administration was corrected

  friend bool operator==(const AdministrationRecord&, const AdministrationRecord&) = default;
};

// Every ADMINISTER to `patient_id` (reversing entries are not rows; the rows they reverse say
// so), in ledger order. A vial or lot missing from the catalog is kNotFound.
Result<std::vector<AdministrationRecord>> PatientAdministrations(
    const LedgerCatalog& catalog, const std::vector<LedgerEntry>& entries,
    const std::string& patient_id);

enum class DiscrepancyKind {
  kCountMismatch,  // a count found other than the book (a shortfall may be a loss: Form 106)
  kAdjustment,     // an ADJUST
  kBreakage,       // a BREAKAGE
  kCorrection,     // a reversing entry
  kOpenDraw,       // drug drawn and never administered, wasted or returned
};
const char* DiscrepancyKindName(DiscrepancyKind kind);

struct Discrepancy {
  DiscrepancyKind kind = DiscrepancyKind::kCountMismatch;
  std::string entry_id;  // empty for an open draw
  Instant time;
  std::string vial_id;
  std::string lot_number;
  std::string session_id;
  Micrograms book_ug = 0;   // what the ledger said (count: the book; open draw: the open amount)
  Micrograms found_ug = 0;  // count: what was counted; otherwise the entry's quantity
  std::string actor;
  std::string witness;
  std::string reason;

  friend bool operator==(const Discrepancy&, const Discrepancy&) = default;
};

// Every discrepancy in the ledger, in ledger order, then open draws by vial and session.
Result<std::vector<Discrepancy>> Discrepancies(const LedgerCatalog& catalog,
                                               const std::vector<LedgerEntry>& entries);

// The initial inventory (on opening) and the biennial one (21 CFR 1304.11, clinical.md §5.4):
// every vial in custody at `as_of`.
enum class InventoryKind { kInitial, kBiennial };
const char* InventoryKindName(InventoryKind kind);

struct InventoryLine {
  std::string ndc;
  std::string product_name;
  std::int64_t concentration_ug_per_ml = 0;
  std::int64_t vial_volume_ul = 0;
  std::string lot_number;
  std::chrono::year_month_day expiry;
  bool expired = false;
  std::string vial_id;
  std::string location;
  Micrograms in_vial_ug = 0;
  Micrograms in_open_draws_ug = 0;
  // Schedule III: an opened container may be an estimated count or measure; a sealed one is
  // counted exactly (1304.11(e)(3) [R details]).
  bool opened = false;

  friend bool operator==(const InventoryLine&, const InventoryLine&) = default;
};

struct InventoryTotal {
  std::string ndc;
  int vials = 0;
  Micrograms total_ug = 0;

  friend bool operator==(const InventoryTotal&, const InventoryTotal&) = default;
};

struct InventoryReport {
  InventoryKind kind = InventoryKind::kBiennial;
  Instant as_of;
  std::vector<InventoryLine> lines;    // by vial id
  std::vector<InventoryTotal> totals;  // by NDC
};

// Takes the entries dated at or before `as_of`.
Result<InventoryReport> Inventory(const LedgerCatalog& catalog,
                                  const std::vector<LedgerEntry>& entries, Instant as_of,
                                  InventoryKind kind);

// The biennial inventory is due two years after the last one (21 CFR 1304.11(c)); 29 February
// falls due on 28 February.
std::chrono::year_month_day NextBiennialInventoryDue(std::chrono::year_month_day last);

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_LEDGER_H_
