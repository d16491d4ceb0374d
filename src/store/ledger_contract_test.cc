// The repository contract suite: the controlled-substance ledger (ledger_store.h) on both
// backends, one test per invariant of issue 4 and clinical.md §5.4. Expected numbers are worked
// by hand from a 10 mg/mL x 10 mL vial (100 mg = 100000 µg).

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinical/ledger.h"
#include "clinical/patient.h"
#include "store/ledger_store.h"
#include "store/store_test_util.h"

namespace ketaclinic::store {
namespace {

using clinical::EntryType;
using clinical::LedgerEntry;
using ::testing::HasSubstr;

constexpr clinical::Micrograms kMg = 1000;

// Users (inserted directly: the tests need accounts, not password hashing).
constexpr const char* kNurse = "u-nurse";
constexpr const char* kPharmacist = "u-pharmacist";
constexpr const char* kPhysician = "u-physician";
constexpr const char* kDisabledNurse = "u-disabled";
constexpr const char* kFrontDesk = "u-front-desk";

bool HasProblem(const Error& error, const std::string& field) {
  for (const FieldProblem& problem : error.problems()) {
    if (problem.field == field) return true;
  }
  return false;
}

class LedgerContract : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Status users = store().Transact([](Transaction& tx) -> Status {
      const struct {
        const char* id;
        const char* role;
        int disabled;
      } kUsers[] = {{kNurse, "nurse", 0},
                    {kPharmacist, "pharmacist", 0},
                    {kPhysician, "physician", 0},
                    {kDisabledNurse, "nurse", 1},
                    {kFrontDesk, "front-desk", 0}};
      for (const auto& u : kUsers) {
        Result<int64_t> inserted = tx.Exec(
            "INSERT INTO users (id, username, display_name, role, password_hash, created_at, "
            "disabled) VALUES ($1, $2, $3, $4, 'x', '2026-01-01T00:00:00Z', $5)",
            {u.id, std::string(u.id).substr(2), u.id, u.role, u.disabled});
        if (!inserted) return tl::unexpected(inserted.error());
      }
      return OkStatus();
    });
    ASSERT_TRUE(users) << users.error().ToString();
    ASSERT_TRUE(
        ledger().AddProduct(Pharmacy(), {"12345-678", "Ketamine HCl 10 mg/mL", 10'000, 10'000}));
    ASSERT_TRUE(ledger().AddLot(
        Pharmacy(),
        {"L1", "12345-678",
         clinical::Date{std::chrono::year(2027), std::chrono::month(6), std::chrono::day(30)}}));
    for (const char* vial : {"V1", "V2"}) {
      Status added = ledger().AddVial(Pharmacy(), {vial, "L1", 100 * kMg});
      ASSERT_TRUE(added) << added.error().ToString();
    }
  }

  static Actor Pharmacy() { return Actor{kPharmacist, "pharmacist", "10.0.0.9"}; }
  static Actor Ward() { return Actor{kNurse, "nurse", "10.0.0.7"}; }

  // An entry by the nurse, half an hour before the store's clock (entries happen, then are
  // recorded).
  static LedgerEntry E(EntryType type, clinical::Micrograms ug, const std::string& vial = "V1") {
    LedgerEntry e;
    e.type = type;
    e.quantity_ug = ug;
    e.vial_id = vial;
    e.actor = kNurse;
    e.time = TestTime(-30);
    return e;
  }
  static LedgerEntry Receive(const std::string& vial = "V1") {
    LedgerEntry e = E(EntryType::kReceive, 100 * kMg, vial);
    e.actor = kPharmacist;
    e.location = "safe A";
    return e;
  }
  static LedgerEntry ForSession(EntryType type, clinical::Micrograms ug, const std::string& session,
                                const std::string& patient, const std::string& vial = "V1") {
    LedgerEntry e = E(type, ug, vial);
    e.session_id = session;
    e.patient_id = patient;
    return e;
  }
  static LedgerEntry Witnessed(LedgerEntry e) {
    e.witness = kPharmacist;
    return e;
  }

  LedgerEntry MustRecord(const LedgerEntry& e) {
    Result<LedgerEntry> recorded = ledger().Record(Ward(), e);
    EXPECT_TRUE(recorded) << recorded.error().ToString();
    return recorded ? *recorded : LedgerEntry{};
  }

  int64_t Count(const std::string& table) {
    Result<int64_t> n = store().Read([&](Transaction& tx) -> Result<int64_t> {
      Result<Rows> rows = tx.Query("SELECT COUNT(*) FROM " + table);
      if (!rows) return tl::unexpected(rows.error());
      RowReader reader(*rows, 0);
      const int64_t count = reader.Int64(0);
      if (Status ok = reader.status(); !ok) return tl::unexpected(ok.error());
      return count;
    });
    EXPECT_TRUE(n) << n.error().ToString();
    return n.value_or(-1);
  }

  clinical::VialBalance Balance(const std::string& vial) {
    Result<clinical::LedgerCatalog> catalog = ledger().Catalog();
    Result<std::vector<LedgerEntry>> entries = ledger().VialEntries(vial);
    EXPECT_TRUE(catalog && entries);
    if (!catalog || !entries) return {};
    Result<clinical::LedgerState> state = clinical::Replay(*catalog, *entries);
    EXPECT_TRUE(state) << state.error().ToString();
    if (!state || state->vials.count(vial) == 0) return {};
    return state->vials.at(vial);
  }

  LedgerStore ledger() { return LedgerStore(store()); }
};

TEST_P(LedgerContract, BalanceNeverGoesNegativeAndARefusalWritesNothing) {
  MustRecord(Receive());
  MustRecord(ForSession(EntryType::kDraw, 60 * kMg, "S1", "P1"));
  const int64_t entries = Count("ledger_entries");
  const int64_t audit = Count("audit_log");
  // 40 mg left: 40.001 mg is refused, naming the quantity; nothing is written, not even audit.
  Result<LedgerEntry> over =
      ledger().Record(Ward(), ForSession(EntryType::kDraw, 40 * kMg + 1, "S2", "P2"));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(HasProblem(over.error(), "quantity_ug")) << over.error().ToString();
  EXPECT_EQ(Count("ledger_entries"), entries);
  EXPECT_EQ(Count("audit_log"), audit);
  // Exactly 40 mg empties the vial.
  MustRecord(ForSession(EntryType::kDraw, 40 * kMg, "S2", "P2"));
  EXPECT_EQ(Balance("V1").in_vial_ug, 0);
  EXPECT_EQ(Balance("V1").drawn_ug, 100 * kMg);
}

TEST_P(LedgerContract, ARefusedEntryLeavesTablesAndAuditChainUnchanged) {
  MustRecord(Receive());
  Result<AuditVerification> before = VerifyAuditChain(store());
  ASSERT_TRUE(before) << before.error().ToString();
  const int64_t entries = Count("ledger_entries");
  // ADMINISTER without a draw of the session.
  Result<LedgerEntry> refused =
      ledger().Record(Ward(), ForSession(EntryType::kAdminister, 1 * kMg, "S1", "P1"));
  ASSERT_FALSE(refused);
  EXPECT_TRUE(HasProblem(refused.error(), "session_id")) << refused.error().ToString();
  Result<AuditVerification> after = VerifyAuditChain(store());
  ASSERT_TRUE(after) << after.error().ToString();
  EXPECT_TRUE(after->intact()) << ProblemText(*after);
  EXPECT_EQ(after->head_seq, before->head_seq);
  EXPECT_EQ(after->head_hash, before->head_hash);
  EXPECT_EQ(Count("ledger_entries"), entries);
}

TEST_P(LedgerContract, DrawnEqualsGivenPlusWastedPlusReturnedBeforeTheSessionCloses) {
  MustRecord(Receive());
  MustRecord(ForSession(EntryType::kDraw, 50 * kMg, "S1", "P1"));
  MustRecord(ForSession(EntryType::kAdminister, 35 * kMg, "S1", "P1"));
  Status open = ledger().CheckSessionClosed("S1");
  ASSERT_FALSE(open);
  EXPECT_TRUE(HasProblem(open.error(), "vials[V1]")) << open.error().ToString();
  MustRecord(Witnessed(ForSession(EntryType::kWaste, 10 * kMg, "S1", "P1")));
  // 5 mg still open: returning 5.001 mg is refused.
  Result<LedgerEntry> too_much =
      ledger().Record(Ward(), ForSession(EntryType::kReturnToStock, 5 * kMg + 1, "S1", "P1"));
  ASSERT_FALSE(too_much);
  EXPECT_TRUE(HasProblem(too_much.error(), "quantity_ug"));
  MustRecord(ForSession(EntryType::kReturnToStock, 5 * kMg, "S1", "P1"));
  Status closed = ledger().CheckSessionClosed("S1");
  EXPECT_TRUE(closed) << closed.error().ToString();
  const clinical::VialBalance b = Balance("V1");
  EXPECT_EQ(b.drawn_ug, 50 * kMg);
  EXPECT_EQ(b.administered_ug + b.wasted_from_draw_ug + b.returned_ug, 50 * kMg);
  EXPECT_EQ(b.in_vial_ug, 55 * kMg);  // 100 - 50 + 5
  EXPECT_TRUE(b.open_draws.empty());
}

TEST_P(LedgerContract, WasteNeedsAnEnabledLicensedWitnessWhoIsNotTheActor) {
  MustRecord(Receive());
  MustRecord(ForSession(EntryType::kDraw, 50 * kMg, "S1", "P1"));
  LedgerEntry waste = ForSession(EntryType::kWaste, 5 * kMg, "S1", "P1");

  Result<LedgerEntry> alone = ledger().Record(Ward(), waste);
  ASSERT_FALSE(alone);
  EXPECT_EQ(alone.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(HasProblem(alone.error(), "witness"));

  LedgerEntry self = waste;
  self.witness = kNurse;
  Result<LedgerEntry> own = ledger().Record(Ward(), self);
  ASSERT_FALSE(own);
  EXPECT_TRUE(HasProblem(own.error(), "witness"));

  for (const char* witness : {"u-nobody", kDisabledNurse, kFrontDesk}) {
    LedgerEntry e = waste;
    e.witness = witness;
    Result<LedgerEntry> refused = ledger().Record(Ward(), e);
    ASSERT_FALSE(refused) << witness;
    EXPECT_EQ(refused.error().code(), ErrorCode::kFailedPrecondition) << witness;
    EXPECT_TRUE(HasProblem(refused.error(), "witness")) << refused.error().ToString();
  }
  // The actor is checked the same way.
  LedgerEntry by_stranger = Witnessed(waste);
  by_stranger.actor = "u-nobody";
  Result<LedgerEntry> stranger = ledger().Record(Ward(), by_stranger);
  ASSERT_FALSE(stranger);
  EXPECT_TRUE(HasProblem(stranger.error(), "actor")) << stranger.error().ToString();

  EXPECT_EQ(Count("ledger_entries"), 2);
  LedgerEntry witnessed = waste;
  witnessed.witness = kPhysician;
  const LedgerEntry stored = MustRecord(witnessed);
  EXPECT_EQ(stored.witness, kPhysician);
  EXPECT_EQ(Balance("V1").wasted_from_draw_ug, 5 * kMg);
}

TEST_P(LedgerContract, BreakageAndACountDiscrepancyNeedAWitness) {
  MustRecord(Receive());
  LedgerEntry breakage = E(EntryType::kBreakage, 100 * kMg);
  breakage.reason = "dropped";
  Result<LedgerEntry> unwitnessed = ledger().Record(Ward(), breakage);
  ASSERT_FALSE(unwitnessed);
  EXPECT_TRUE(HasProblem(unwitnessed.error(), "witness"));
  LedgerEntry count = E(EntryType::kCount, 99 * kMg);
  Result<LedgerEntry> short_count = ledger().Record(Ward(), count);
  ASSERT_FALSE(short_count);
  EXPECT_TRUE(HasProblem(short_count.error(), "witness")) << short_count.error().ToString();
  count.witness = kPharmacist;
  count.reason = "1 mg short at the evening count";
  MustRecord(count);
  MustRecord(Witnessed(breakage));
  EXPECT_EQ(Balance("V1").broken_ug, 100 * kMg);
}

TEST_P(LedgerContract, ASessionIsForOnePatientAcrossVials) {
  MustRecord(Receive("V1"));
  MustRecord(Receive("V2"));
  MustRecord(ForSession(EntryType::kDraw, 10 * kMg, "S1", "P1", "V1"));
  // V2 has no entry of S1 yet: the store must load V1's entries to see the binding.
  Result<LedgerEntry> other =
      ledger().Record(Ward(), ForSession(EntryType::kDraw, 10 * kMg, "S1", "P2", "V2"));
  ASSERT_FALSE(other);
  EXPECT_TRUE(HasProblem(other.error(), "patient_id")) << other.error().ToString();
  MustRecord(ForSession(EntryType::kDraw, 10 * kMg, "S1", "P1", "V2"));
}

TEST_P(LedgerContract, AnEntryIdIsUniqueAcrossVials) {
  MustRecord(Receive("V1"));
  LedgerEntry second = Receive("V2");
  second.meta.id = MustRecord([] {
                     LedgerEntry e = E(EntryType::kCount, 100 * kMg, "V1");
                     return e;
                   }())
                       .meta.id;
  Result<LedgerEntry> duplicate = ledger().Record(Pharmacy(), second);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(HasProblem(duplicate.error(), "meta.id")) << duplicate.error().ToString();
}

TEST_P(LedgerContract, AReversalCorrectsAnAdministration) {
  MustRecord(Receive());
  MustRecord(ForSession(EntryType::kDraw, 40 * kMg, "S1", "P1"));
  const LedgerEntry wrong = MustRecord(ForSession(EntryType::kAdminister, 40 * kMg, "S1", "P1"));
  LedgerEntry reversal = ForSession(EntryType::kAdminister, 40 * kMg, "S1", "P1");
  reversal.reverses = wrong.meta.id;
  reversal.reason = "35 mg given, not 40";
  const LedgerEntry reversed = MustRecord(reversal);
  MustRecord(ForSession(EntryType::kAdminister, 35 * kMg, "S1", "P1"));
  MustRecord(Witnessed(ForSession(EntryType::kWaste, 5 * kMg, "S1", "P1")));
  // A second reversal of the same entry is refused.
  reversal.meta.id.clear();
  Result<LedgerEntry> twice = ledger().Record(Ward(), reversal);
  ASSERT_FALSE(twice);
  EXPECT_TRUE(HasProblem(twice.error(), "reverses")) << twice.error().ToString();

  Result<std::vector<clinical::AdministrationRecord>> rows =
      ledger().PatientAdministrations(Ward(), "P1");
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 2U);
  EXPECT_EQ((*rows)[0].quantity_ug, 40 * kMg);
  EXPECT_EQ((*rows)[0].reversed_by, reversed.meta.id);
  EXPECT_EQ((*rows)[1].quantity_ug, 35 * kMg);
  EXPECT_EQ((*rows)[1].volume_ul, 3500);  // 35 mg at 10 mg/mL = 3.5 mL
}

TEST_P(LedgerContract, SessionReconciliationComparesThePumpWithTheLedger) {
  MustRecord(Receive());
  MustRecord(ForSession(EntryType::kDraw, 50 * kMg, "S1", "P1"));
  MustRecord(ForSession(EntryType::kAdminister, 35 * kMg, "S1", "P1"));
  // 15 mg still open: the open draw blocks.
  Result<std::vector<clinical::Finding>> open = ledger().ReconcileSession(Ward(), "S1", 35.0);
  ASSERT_TRUE(open) << open.error().ToString();
  bool open_draw = false;
  for (const clinical::Finding& f : *open) {
    if (f.rule_id == "ledger.session-open-draw")
      open_draw = f.severity == clinical::Severity::kBlock;
  }
  EXPECT_TRUE(open_draw);
  MustRecord(Witnessed(ForSession(EntryType::kWaste, 15 * kMg, "S1", "P1")));
  // 35 mg in the ledger: 35.5 delivered agrees (tolerance 0.5 mg), 35.501 does not.
  for (const auto& [delivered, severity] :
       {std::pair{35.5, clinical::Severity::kInfo}, std::pair{34.5, clinical::Severity::kInfo},
        std::pair{35.501, clinical::Severity::kBlock}}) {
    Result<std::vector<clinical::Finding>> findings =
        ledger().ReconcileSession(Ward(), "S1", delivered);
    ASSERT_TRUE(findings) << findings.error().ToString();
    ASSERT_EQ(findings->size(), 1U) << delivered;
    EXPECT_EQ(findings->front().rule_id, "ledger.session-reconcile");
    EXPECT_EQ(findings->front().severity, severity) << delivered;
  }
  Result<std::vector<clinical::Finding>> bad = ledger().ReconcileSession(Ward(), "S1", -1);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(HasProblem(bad.error(), "delivered_mg"));
}

TEST_P(LedgerContract, WritesAndPatientReadsAreAudited) {
  const int64_t before = Count("audit_log");
  MustRecord(Receive());
  const LedgerEntry draw = MustRecord(ForSession(EntryType::kDraw, 10 * kMg, "S1", "P1"));
  ASSERT_TRUE(ledger().PatientAdministrations(Physician(), "P1"));
  EXPECT_EQ(Count("audit_log"), before + 3);
  Result<Rows> rows = store().Read([&](Transaction& tx) {
    return tx.Query(
        "SELECT action, record_type, record_id, patient_id, user_id FROM audit_log "
        "WHERE seq > $1 ORDER BY seq",
        {before});
  });
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 3U);
  RowReader receive(*rows, 0), drawn(*rows, 1), read(*rows, 2);
  EXPECT_EQ(receive.Text(0), "ledger.record");
  EXPECT_EQ(receive.Text(1), "ledger-entry");
  EXPECT_FALSE(receive.OptText(3).has_value());
  EXPECT_EQ(drawn.Text(2), draw.meta.id);
  EXPECT_EQ(drawn.OptText(3), std::optional<std::string>("P1"));
  EXPECT_EQ(drawn.Text(4), kNurse);
  EXPECT_EQ(read.Text(0), "ledger.read-administrations");
  EXPECT_EQ(read.OptText(3), std::optional<std::string>("P1"));
  EXPECT_EQ(read.Text(4), "user-physician-1");
  EXPECT_EQ(draw.meta.author, kNurse);
  EXPECT_EQ(draw.meta.recorded_at, TestTime(0));
}

TEST_P(LedgerContract, EntriesAndCatalogAreAppendOnly) {
  MustRecord(Receive());
  for (const char* sql :
       {"UPDATE ledger_entries SET quantity_ug = 1", "DELETE FROM ledger_entries",
        "UPDATE ledger_vials SET initial_content_ug = 1", "DELETE FROM ledger_products"}) {
    Status changed = store().Transact([&](Transaction& tx) -> Status {
      Result<int64_t> n = tx.Exec(sql);
      if (!n) return tl::unexpected(n.error());
      return OkStatus();
    });
    EXPECT_FALSE(changed) << sql;
  }
  EXPECT_EQ(Balance("V1").in_vial_ug, 100 * kMg);
}

TEST_P(LedgerContract, ABatchIsAllOrNothing) {
  std::vector<LedgerEntry> batch = {Receive(), ForSession(EntryType::kDraw, 30 * kMg, "S1", "P1"),
                                    ForSession(EntryType::kAdminister, 31 * kMg, "S1", "P1")};
  Result<std::vector<LedgerEntry>> refused = ledger().RecordAll(Ward(), batch);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(HasProblem(refused.error(), "entries[2].quantity_ug")) << refused.error().ToString();
  EXPECT_EQ(Count("ledger_entries"), 0);
  batch[2].quantity_ug = 30 * kMg;
  Result<std::vector<LedgerEntry>> done = ledger().RecordAll(Ward(), batch);
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_EQ(done->size(), 3U);
  EXPECT_EQ(Count("ledger_entries"), 3);
}

TEST_P(LedgerContract, CatalogRulesAreEnforced) {
  Status lot = ledger().AddLot(Pharmacy(), {"L2", "99999-999", clinical::Date{}});
  ASSERT_FALSE(lot);
  EXPECT_TRUE(HasProblem(lot.error(), "ndc")) << lot.error().ToString();
  Status vial = ledger().AddVial(Pharmacy(), {"V1", "L1", 100 * kMg + 1});
  ASSERT_FALSE(vial);
  EXPECT_TRUE(HasProblem(vial.error(), "id")) << vial.error().ToString();
  EXPECT_TRUE(HasProblem(vial.error(), "initial_content_ug")) << vial.error().ToString();
  Result<clinical::LedgerCatalog> catalog = ledger().Catalog();
  ASSERT_TRUE(catalog);
  EXPECT_EQ(catalog->vials.size(), 2U);
  EXPECT_EQ(catalog->lots.at("L1").expiry,
            (clinical::Date{std::chrono::year(2027), std::chrono::month(6), std::chrono::day(30)}));
}

// Hand-worked: V1 received (100 mg), S1 drew 50 for P1, gave 35, wasted 15; S2 drew 20 for P2
// (open). V2 received (100 mg), counted 99 mg (1 mg short, witnessed).
//   on hand L1: 2 vials with stock; in stock 30 + 100 = 130 mg; open draws 20 mg
//   discrepancies: the count (book 100, found 99), then S2's open draw (20)
//   inventory: V1 30 mg in vial + 20 open, opened; V2 100 mg, sealed; total L1's NDC 130 mg
TEST_P(LedgerContract, ReportsMatchHandWorkedNumbers) {
  MustRecord(Receive("V1"));
  MustRecord(Receive("V2"));
  MustRecord(ForSession(EntryType::kDraw, 50 * kMg, "S1", "P1"));
  MustRecord(ForSession(EntryType::kAdminister, 35 * kMg, "S1", "P1"));
  MustRecord(Witnessed(ForSession(EntryType::kWaste, 15 * kMg, "S1", "P1")));
  MustRecord(ForSession(EntryType::kDraw, 20 * kMg, "S2", "P2"));
  LedgerEntry count = Witnessed(E(EntryType::kCount, 99 * kMg, "V2"));
  count.reason = "1 mg short";
  const LedgerEntry counted = MustRecord(count);

  Result<std::vector<clinical::LotOnHand>> on_hand = ledger().OnHandByLot();
  ASSERT_TRUE(on_hand) << on_hand.error().ToString();
  ASSERT_EQ(on_hand->size(), 1U);
  EXPECT_EQ(on_hand->front().lot_number, "L1");
  EXPECT_EQ(on_hand->front().vials_with_stock, 2);
  EXPECT_EQ(on_hand->front().in_stock_ug, 130 * kMg);
  EXPECT_EQ(on_hand->front().in_open_draws_ug, 20 * kMg);

  Result<std::vector<clinical::Discrepancy>> discrepancies = ledger().Discrepancies();
  ASSERT_TRUE(discrepancies) << discrepancies.error().ToString();
  ASSERT_EQ(discrepancies->size(), 2U);
  EXPECT_EQ((*discrepancies)[0].kind, clinical::DiscrepancyKind::kCountMismatch);
  EXPECT_EQ((*discrepancies)[0].entry_id, counted.meta.id);
  EXPECT_EQ((*discrepancies)[0].book_ug, 100 * kMg);
  EXPECT_EQ((*discrepancies)[0].found_ug, 99 * kMg);
  EXPECT_EQ((*discrepancies)[1].kind, clinical::DiscrepancyKind::kOpenDraw);
  EXPECT_EQ((*discrepancies)[1].session_id, "S2");
  EXPECT_EQ((*discrepancies)[1].book_ug, 20 * kMg);

  Result<std::vector<clinical::AdministrationRecord>> p1 =
      ledger().PatientAdministrations(Ward(), "P1");
  ASSERT_TRUE(p1) << p1.error().ToString();
  ASSERT_EQ(p1->size(), 1U);
  EXPECT_EQ(p1->front().quantity_ug, 35 * kMg);
  EXPECT_EQ(p1->front().lot_number, "L1");
  EXPECT_EQ(p1->front().administered_by, kNurse);
  Result<std::vector<clinical::AdministrationRecord>> p2 =
      ledger().PatientAdministrations(Ward(), "P2");
  ASSERT_TRUE(p2);
  EXPECT_TRUE(p2->empty());

  Result<clinical::InventoryReport> inventory =
      ledger().Inventory(TestTime(0), clinical::InventoryKind::kBiennial);
  ASSERT_TRUE(inventory) << inventory.error().ToString();
  ASSERT_EQ(inventory->lines.size(), 2U);
  EXPECT_EQ(inventory->lines[0].vial_id, "V1");
  EXPECT_EQ(inventory->lines[0].in_vial_ug, 30 * kMg);
  EXPECT_EQ(inventory->lines[0].in_open_draws_ug, 20 * kMg);
  EXPECT_TRUE(inventory->lines[0].opened);
  EXPECT_EQ(inventory->lines[0].location, "safe A");
  EXPECT_EQ(inventory->lines[1].in_vial_ug, 100 * kMg);
  EXPECT_FALSE(inventory->lines[1].opened);
  ASSERT_EQ(inventory->totals.size(), 1U);
  EXPECT_EQ(inventory->totals[0].ndc, "12345-678");
  EXPECT_EQ(inventory->totals[0].vials, 2);
  // Before anything was received, nothing is in custody.
  Result<clinical::InventoryReport> initial =
      ledger().Inventory(TestTime(-60), clinical::InventoryKind::kInitial);
  ASSERT_TRUE(initial);
  EXPECT_TRUE(initial->lines.empty());
}

// Issue 4: concurrent draws from one vial. 8 sessions each draw 30 mg from a 100 mg vial at
// once: exactly 3 fit; the other 5 are refused for stock, and 10 mg remain.
TEST_P(LedgerContract, ConcurrentDrawsFromOneVialNeverOverdraw) {
  MustRecord(Receive());
  constexpr int kThreads = 8;
  std::atomic<int> succeeded{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const std::string n = std::to_string(i);
      Result<LedgerEntry> drawn =
          ledger().Record(Ward(), ForSession(EntryType::kDraw, 30 * kMg, "S" + n, "P" + n));
      if (drawn) {
        ++succeeded;
      } else if (drawn.error().code() == ErrorCode::kFailedPrecondition &&
                 !IsConflict(drawn.error()) && HasProblem(drawn.error(), "quantity_ug")) {
        ++refused;
      } else {
        ++other;
        ADD_FAILURE() << drawn.error().ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(succeeded.load(), 3);
  EXPECT_EQ(refused.load(), 5);
  EXPECT_EQ(other.load(), 0);
  const clinical::VialBalance b = Balance("V1");
  EXPECT_EQ(b.in_vial_ug, 10 * kMg);
  EXPECT_EQ(b.drawn_ug, 90 * kMg);
  EXPECT_EQ(b.open_draws.size(), 3U);
  EXPECT_EQ(Count("ledger_entries"), 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerContract,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendParamName);

}  // namespace
}  // namespace ketaclinic::store
