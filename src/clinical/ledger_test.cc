// The controlled-substance ledger (clinical.md §5.4): entries, invariants, witness rules,
// reversals, reconciliation with the session and the reports. Quantities are worked by hand in
// micrograms (1 mg = 1000 µg); a 10 mL vial of 10 mg/mL holds 100 mg = 100000 µg.

#include "clinical/ledger.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::day;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::seconds;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr Micrograms kMg = 1000;

Instant At(const char* text) { return *ParseRfc3339(text, "t"); }

year_month_day Date(int y, unsigned m, unsigned d) { return {year(y), month(m), day(d)}; }

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  return fields;
}

std::vector<std::string> Fields(const Status& status) {
  return status ? std::vector<std::string>{} : Fields(status.error());
}

// Two products, three lots (one expiring on 2026-11-30), vials V1..V3 of 10 mg/mL × 10 mL
// (100 mg), V4 of 100 mg/mL × 5 mL (500 mg), V5 of the expiring lot.
LedgerCatalog MakeCatalog() {
  LedgerCatalog c;
  KC_CHECK(AddProduct(c, {"12345-678-01", "Ketamine HCl 10 mg/mL", 10'000, 10'000}));
  KC_CHECK(AddProduct(c, {"67457-108", "Ketamine HCl 100 mg/mL", 100'000, 5'000}));
  KC_CHECK(AddLot(c, {"L-A", "12345-678-01", Date(2027, 6, 30)}));
  KC_CHECK(AddLot(c, {"L-B", "67457-108", Date(2027, 12, 31)}));
  KC_CHECK(AddLot(c, {"L-X", "12345-678-01", Date(2026, 11, 30)}));
  KC_CHECK(AddVial(c, {"V1", "L-A", 100 * kMg}));
  KC_CHECK(AddVial(c, {"V2", "L-A", 100 * kMg}));
  KC_CHECK(AddVial(c, {"V3", "L-A", 100 * kMg}));
  KC_CHECK(AddVial(c, {"V4", "L-B", 500 * kMg}));
  KC_CHECK(AddVial(c, {"V5", "L-X", 100 * kMg}));
  return c;
}

class LedgerTest : public ::testing::Test {
 protected:
  LedgerTest() { state_.catalog = MakeCatalog(); }

  // An entry by nurse-ana, one minute after the previous one, recorded when it happened.
  LedgerEntry E(EntryType type, Micrograms quantity_ug, const std::string& vial = "V1") {
    LedgerEntry e;
    e.meta.id = "e" + std::to_string(++count_);
    e.meta.author = "nurse-ana";
    e.time = now_;
    e.meta.recorded_at = now_;
    now_ += minutes(1);
    e.type = type;
    e.quantity_ug = quantity_ug;
    e.vial_id = vial;
    e.actor = "nurse-ana";
    return e;
  }
  LedgerEntry Receive(const std::string& vial, Micrograms ug) {
    LedgerEntry e = E(EntryType::kReceive, ug, vial);
    e.location = "safe-a";
    return e;
  }
  LedgerEntry ForSession(EntryType type, Micrograms ug, const std::string& vial = "V1",
                         const std::string& session = "S1", const std::string& patient = "P1") {
    LedgerEntry e = E(type, ug, vial);
    e.session_id = session;
    e.patient_id = patient;
    if (NeedsWitness(type)) e.witness = "nurse-bo";
    return e;
  }
  LedgerEntry Witnessed(EntryType type, Micrograms ug, const std::string& vial = "V1") {
    LedgerEntry e = E(type, ug, vial);
    e.witness = "nurse-bo";
    e.reason = "documented by the two of us";
    return e;
  }
  LedgerEntry Reversal(const LedgerEntry& original, const std::string& reason = "wrong amount") {
    LedgerEntry e = E(original.type, original.quantity_ug, original.vial_id);
    e.session_id = original.session_id;
    e.patient_id = original.patient_id;
    e.witness = original.witness;
    e.reverses = original.meta.id;
    e.reason = reason;
    return e;
  }

  // Applies and, on success, logs the entry (the reports read the log).
  Status Apply(const LedgerEntry& e) {
    const LedgerState before = state_;
    Status status = ApplyEntryInPlace(state_, e);
    if (status) {
      log_.push_back(e);
      EXPECT_TRUE(CheckInvariants(state_)) << CheckInvariants(state_).error().ToString();
    } else {
      EXPECT_EQ(state_, before) << "a refused entry changed the state";
    }
    return status;
  }
  void MustApply(const LedgerEntry& e) {
    auto status = Apply(e);
    ASSERT_TRUE(status.has_value()) << status.error().ToString();
  }

  const VialBalance& Vial(const std::string& id) { return state_.vials.at(id); }

  LedgerState state_;
  std::vector<LedgerEntry> log_;
  Instant now_ = At("2026-11-29T08:00:00Z");
  int count_ = 0;
};

TEST(LedgerFormatTest, MilligramsAreExactDecimals) {
  EXPECT_EQ(FormatMilligrams(0), "0");
  EXPECT_EQ(FormatMilligrams(35'000), "35");
  EXPECT_EQ(FormatMilligrams(35'500), "35.5");
  EXPECT_EQ(FormatMilligrams(1), "0.001");
  EXPECT_EQ(FormatMilligrams(1'010), "1.01");
  EXPECT_EQ(FormatMilligrams(-2'250), "-2.25");
  EXPECT_EQ(FormatMilligrams(std::numeric_limits<Micrograms>::min()), "-9223372036854775.808");
}

TEST(LedgerCatalogTest, NominalContentIsConcentrationTimesVolume) {
  // 10 mg/mL × 10 mL = 100 mg; 100 mg/mL × 5 mL = 500 mg; 50 mg/mL × 0.5 mL = 25 mg.
  EXPECT_EQ(*NominalContentUg({"x", "x", 10'000, 10'000}), 100'000);
  EXPECT_EQ(*NominalContentUg({"x", "x", 100'000, 5'000}), 500'000);
  EXPECT_EQ(*NominalContentUg({"x", "x", 50'000, 500}), 25'000);
  // 3 µg/mL × 1 µL = 0.003 µg: not a whole microgram.
  EXPECT_FALSE(NominalContentUg({"x", "x", 3, 1}).has_value());
}

TEST(LedgerCatalogTest, NdcShapes) {
  LedgerCatalog c;
  for (const char* ndc : {"67457-108", "1234-5678-90", "12345-678-90", "12345-6789-0",
                          "12345-6789-01", "1234-5678", "12345-6789"}) {
    EXPECT_TRUE(AddProduct(c, {ndc, "Ketamine", 10'000, 10'000})) << ndc;
  }
  for (const char* ndc : {"674-57108", "12345678901", "12345-67a-90", "12345--90", "", "-",
                          "123456-789-0", "12345-678-901", "1-2-3-4"}) {
    auto status = AddProduct(c, {ndc, "Ketamine", 10'000, 10'000});
    EXPECT_EQ(Fields(status), (std::vector<std::string>{"ndc"})) << ndc;
  }
}

TEST(LedgerCatalogTest, EveryCatalogProblemIsNamedAndNothingIsAdded) {
  LedgerCatalog c = MakeCatalog();
  const LedgerCatalog before = c;
  EXPECT_EQ(Fields(AddProduct(c, {"67457-108", "", 0, 2'000'000})),
            (std::vector<std::string>{"ndc", "name", "concentration_ug_per_ml", "vial_volume_ul"}));
  EXPECT_EQ(Fields(AddProduct(c, {"11111-222-33", "odd", 3, 1})),
            (std::vector<std::string>{"vial_volume_ul"}));
  EXPECT_EQ(Fields(AddLot(c, {"L-A", "99999-999-99", Date(2026, 2, 30)})),
            (std::vector<std::string>{"lot_number", "ndc", "expiry"}));
  EXPECT_EQ(Fields(AddVial(c, {"V1", "L-none", 0})),
            (std::vector<std::string>{"id", "lot_number", "initial_content_ug"}));
  // A vial holds at most its labelled content: 100 mg, not 100.001 mg.
  EXPECT_EQ(Fields(AddVial(c, {"V9", "L-A", 100 * kMg + 1})),
            (std::vector<std::string>{"initial_content_ug"}));
  EXPECT_EQ(c, before);
  EXPECT_TRUE(AddVial(c, {"V9", "L-A", 100 * kMg}));
  EXPECT_TRUE(AddVial(c, {"V10", "L-A", 40 * kMg}));  // a partly filled container
}

TEST(LedgerEntryTypeTest, NamesRoundTripAndWitnessRules) {
  for (EntryType type :
       {EntryType::kReceive, EntryType::kDraw, EntryType::kAdminister, EntryType::kWaste,
        EntryType::kReturnToStock, EntryType::kTransfer, EntryType::kDestroyInventory,
        EntryType::kBreakage, EntryType::kAdjust, EntryType::kCount}) {
    auto parsed = ParseEntryType(EntryTypeName(type), "type");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, type);
  }
  EXPECT_STREQ(EntryTypeName(EntryType::kReturnToStock), "RETURN_TO_STOCK");
  EXPECT_EQ(Fields(ParseEntryType("waste", "entries[2].type").error()),
            (std::vector<std::string>{"entries[2].type"}));
  EXPECT_TRUE(NeedsWitness(EntryType::kWaste));
  EXPECT_TRUE(NeedsWitness(EntryType::kBreakage));
  EXPECT_TRUE(NeedsWitness(EntryType::kDestroyInventory));
  EXPECT_TRUE(NeedsWitness(EntryType::kAdjust));
  EXPECT_FALSE(NeedsWitness(EntryType::kCount));  // only a discrepancy
  EXPECT_FALSE(NeedsWitness(EntryType::kDraw));
  EXPECT_FALSE(NeedsWitness(EntryType::kAdminister));
  EXPECT_FALSE(NeedsWitness(EntryType::kReceive));
}

// The standard infusion: 35 mg drawn from a 100 mg vial and given; the 65 mg left in the
// single-use vial is wasted with a witness.
TEST_F(LedgerTest, AStandardSessionBalancesToTheMicrogram) {
  MustApply(Receive("V1", 100 * kMg));
  EXPECT_EQ(OnHandUg(state_), 100 * kMg);
  MustApply(ForSession(EntryType::kDraw, 35 * kMg));
  EXPECT_EQ(Vial("V1").in_vial_ug, 65 * kMg);
  EXPECT_EQ(Vial("V1").open_draws.at("S1"), (OpenDraw{"P1", 35 * kMg}));
  EXPECT_FALSE(CheckSessionClosed(state_, "S1"));
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg));
  EXPECT_TRUE(CheckSessionClosed(state_, "S1"));
  EXPECT_TRUE(ClosingCheck(state_, "V1"));
  LedgerEntry residue = Witnessed(EntryType::kWaste, 65 * kMg);  // no session: from the vial
  MustApply(residue);
  const VialBalance& b = Vial("V1");
  EXPECT_EQ(b.in_vial_ug, 0);
  EXPECT_EQ(b.received_ug, 100 * kMg);
  EXPECT_EQ(b.drawn_ug, 35 * kMg);
  EXPECT_EQ(b.administered_ug, 35 * kMg);
  EXPECT_EQ(b.wasted_from_vial_ug, 65 * kMg);
  EXPECT_EQ(b.wasted_from_draw_ug, 0);
  EXPECT_TRUE(b.opened);
  EXPECT_EQ(OnHandUg(state_), 0);
  EXPECT_EQ(LotBalanceUg(state_, "L-A"), 0);
  auto findings = ReconcileSession("S1", 35.0, log_);
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].rule_id, "ledger.session-reconcile");
  EXPECT_EQ((*findings)[0].severity, Severity::kInfo);
}

// Drawn 40, given 35, the 5 mg left in the syringe wasted: drawn = administered + wasted.
TEST_F(LedgerTest, WasteFromTheDrawClosesIt) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 40 * kMg));
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg));
  auto closing = ClosingCheck(state_, "V1");
  ASSERT_FALSE(closing.has_value());
  EXPECT_EQ(Fields(closing.error()), (std::vector<std::string>{"open_draws[S1]"}));
  EXPECT_NE(closing.error().problems()[0].reason.find("5 mg"), std::string::npos);
  MustApply(ForSession(EntryType::kWaste, 5 * kMg));
  EXPECT_TRUE(ClosingCheck(state_, "V1"));
  EXPECT_EQ(Vial("V1").wasted_from_draw_ug, 5 * kMg);
  EXPECT_EQ(Vial("V1").in_vial_ug, 60 * kMg);
  EXPECT_TRUE(Vial("V1").open_draws.empty());
}

TEST_F(LedgerTest, AnUnusedDrawIsReturnedToStock) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 40 * kMg));
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg));
  MustApply(ForSession(EntryType::kReturnToStock, 5 * kMg));
  EXPECT_TRUE(ClosingCheck(state_, "V1"));
  EXPECT_EQ(Vial("V1").returned_ug, 5 * kMg);
  EXPECT_EQ(Vial("V1").in_vial_ug, 65 * kMg);
  // Returning more than is open is refused: 0 mg left in the draw.
  auto more = Apply(ForSession(EntryType::kReturnToStock, 1));
  EXPECT_EQ(more.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Fields(more), (std::vector<std::string>{"session_id"}));
}

// The stock of a vial never goes negative: 100 mg can be drawn from a 100 mg vial, 100.001 not.
TEST_F(LedgerTest, TheBalanceNeverGoesNegative) {
  MustApply(Receive("V1", 100 * kMg));
  auto over = Apply(ForSession(EntryType::kDraw, 100 * kMg + 1));
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Fields(over), (std::vector<std::string>{"quantity_ug"}));
  EXPECT_NE(over.error().problems()[0].reason.find("never go negative"), std::string::npos);
  MustApply(ForSession(EntryType::kDraw, 100 * kMg));
  EXPECT_EQ(Vial("V1").in_vial_ug, 0);
  // Given more than drawn: 100.001 mg refused, 100 mg given.
  EXPECT_EQ(Fields(Apply(ForSession(EntryType::kAdminister, 100 * kMg + 1))),
            (std::vector<std::string>{"quantity_ug"}));
  MustApply(ForSession(EntryType::kAdminister, 100 * kMg));
  for (EntryType type : {EntryType::kDestroyInventory, EntryType::kBreakage}) {
    EXPECT_EQ(Fields(Apply(Witnessed(type, 1))), (std::vector<std::string>{"quantity_ug"}));
  }
  EXPECT_EQ(Fields(Apply(Witnessed(EntryType::kWaste, 1))),
            (std::vector<std::string>{"quantity_ug"}));
  EXPECT_EQ(Fields(Apply(Witnessed(EntryType::kAdjust, -1))),
            (std::vector<std::string>{"quantity_ug"}));
}

TEST_F(LedgerTest, QuantitiesMustBePositiveAndBounded) {
  MustApply(Receive("V1", 100 * kMg));
  for (Micrograms q : {Micrograms{0}, Micrograms{-1}, kMaxEntryUg + 1}) {
    auto draw = Apply(ForSession(EntryType::kDraw, q));
    EXPECT_EQ(draw.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(Fields(draw), (std::vector<std::string>{"quantity_ug"})) << q;
  }
  EXPECT_EQ(Fields(Apply(Witnessed(EntryType::kAdjust, 0))),
            (std::vector<std::string>{"quantity_ug"}));
  EXPECT_EQ(Fields(Apply(Witnessed(EntryType::kCount, -1))),
            (std::vector<std::string>{"quantity_ug"}));
}

TEST_F(LedgerTest, WitnessedEntriesNeedAWitnessWhoIsNotTheActor) {
  MustApply(Receive("V1", 100 * kMg));
  for (EntryType type : {EntryType::kWaste, EntryType::kBreakage, EntryType::kDestroyInventory,
                         EntryType::kAdjust}) {
    LedgerEntry alone = Witnessed(type, 1 * kMg);
    alone.witness = "";
    auto status = Apply(alone);
    ASSERT_FALSE(status.has_value()) << EntryTypeName(type);
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(Fields(status), (std::vector<std::string>{"witness"})) << EntryTypeName(type);
    LedgerEntry self = Witnessed(type, 1 * kMg);
    self.witness = self.actor;
    EXPECT_EQ(Fields(Apply(self)), (std::vector<std::string>{"witness"})) << EntryTypeName(type);
  }
  // A draw needs no witness, but a witness that is the actor is never accepted.
  LedgerEntry draw = ForSession(EntryType::kDraw, 1 * kMg);
  draw.witness = draw.actor;
  EXPECT_EQ(Fields(Apply(draw)), (std::vector<std::string>{"witness"}));
  draw.witness = "";
  MustApply(draw);
}

TEST_F(LedgerTest, ReasonsAreRequiredWhereTheRecordMustExplain) {
  MustApply(Receive("V1", 100 * kMg));
  for (EntryType type : {EntryType::kBreakage, EntryType::kDestroyInventory, EntryType::kAdjust}) {
    LedgerEntry e = Witnessed(type, 1 * kMg);
    e.reason = "";
    EXPECT_EQ(Fields(Apply(e)), (std::vector<std::string>{"reason"})) << EntryTypeName(type);
  }
  // A waste is routine: witness, no reason needed.
  LedgerEntry waste = Witnessed(EntryType::kWaste, 1 * kMg);
  waste.reason = "";
  MustApply(waste);
}

// A count that agrees needs nobody else; one that disagrees needs a witness and a reason, and
// changes nothing (an ADJUST does, after the investigation).
TEST_F(LedgerTest, ACountDiscrepancyNeedsAWitnessAndAReason) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(E(EntryType::kCount, 100 * kMg));
  auto short_count = Apply(E(EntryType::kCount, 99 * kMg));
  ASSERT_FALSE(short_count.has_value());
  EXPECT_EQ(short_count.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Fields(short_count), (std::vector<std::string>{"witness", "reason"}));
  LedgerEntry witnessed = Witnessed(EntryType::kCount, 99 * kMg);
  MustApply(witnessed);
  EXPECT_EQ(Vial("V1").in_vial_ug, 100 * kMg);  // a count is an observation
  MustApply(Witnessed(EntryType::kAdjust, -1 * kMg));
  EXPECT_EQ(Vial("V1").in_vial_ug, 99 * kMg);
  EXPECT_EQ(Vial("V1").adjusted_ug, -1 * kMg);
  MustApply(E(EntryType::kCount, 99 * kMg));
}

TEST_F(LedgerTest, AnAdjustmentCannotOverfillAVial) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 30 * kMg));
  MustApply(Witnessed(EntryType::kAdjust, -10 * kMg));  // 60 in the vial, 30 open
  // Up to the 100 mg received (60 + 30 + 10), not one microgram more.
  EXPECT_EQ(Fields(Apply(Witnessed(EntryType::kAdjust, 10 * kMg + 1))),
            (std::vector<std::string>{"quantity_ug"}));
  MustApply(Witnessed(EntryType::kAdjust, 10 * kMg));
  EXPECT_EQ(Vial("V1").in_vial_ug, 70 * kMg);
}

// Lot L-X expires on 2026-11-30: usable through that day, not a second after.
TEST_F(LedgerTest, NothingIsDrawnFromAnExpiredLot) {
  now_ = At("2026-11-30T23:58:00Z");
  MustApply(Receive("V5", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 10 * kMg, "V5"));  // 23:59
  now_ = At("2026-12-01T00:00:00Z");
  auto expired = Apply(ForSession(EntryType::kDraw, 10 * kMg, "V5"));
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(Fields(expired), (std::vector<std::string>{"vial_id"}));
  EXPECT_NE(expired.error().problems()[0].reason.find("2026-11-30"), std::string::npos);
  // What was drawn before expiry can still be given, and the rest destroyed.
  MustApply(ForSession(EntryType::kAdminister, 10 * kMg, "V5"));
  MustApply(Witnessed(EntryType::kDestroyInventory, 90 * kMg, "V5"));
  EXPECT_EQ(Vial("V5").destroyed_ug, 90 * kMg);
}

TEST_F(LedgerTest, DrawsBelongToOneSessionAndOnePatient) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(Receive("V2", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 40 * kMg, "V1", "S1", "P1"));
  // Given to another patient: refused.
  EXPECT_EQ(Fields(Apply(ForSession(EntryType::kAdminister, 35 * kMg, "V1", "S1", "P2"))),
            (std::vector<std::string>{"patient_id"}));
  // From a session with no draw on this vial: refused.
  EXPECT_EQ(Fields(Apply(ForSession(EntryType::kAdminister, 35 * kMg, "V1", "S2", "P1"))),
            (std::vector<std::string>{"session_id"}));
  EXPECT_EQ(Fields(Apply(ForSession(EntryType::kAdminister, 35 * kMg, "V2", "S1", "P1"))),
            (std::vector<std::string>{"session_id"}));
  // Session S1 is for P1, whatever the vial.
  EXPECT_EQ(Fields(Apply(ForSession(EntryType::kDraw, 10 * kMg, "V2", "S1", "P2"))),
            (std::vector<std::string>{"patient_id"}));
  // Two sessions may draw from one multi-dose vial; each closes on its own.
  MustApply(ForSession(EntryType::kDraw, 30 * kMg, "V1", "S2", "P2"));
  MustApply(ForSession(EntryType::kAdminister, 40 * kMg, "V1", "S1", "P1"));
  EXPECT_TRUE(CheckSessionClosed(state_, "S1"));
  auto s2 = CheckSessionClosed(state_, "S2");
  ASSERT_FALSE(s2.has_value());
  EXPECT_EQ(Fields(s2), (std::vector<std::string>{"vials[V1]"}));
  EXPECT_FALSE(ClosingCheck(state_, "V1"));
}

TEST_F(LedgerTest, ADrawForTheWrongPatientIsReversedAndRedrawn) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(Receive("V2", 100 * kMg));
  const LedgerEntry first = ForSession(EntryType::kDraw, 10 * kMg, "V1", "S1", "P2");
  const LedgerEntry second = ForSession(EntryType::kDraw, 10 * kMg, "V2", "S1", "P2");
  MustApply(first);
  MustApply(second);
  MustApply(Reversal(first, "wrong patient"));
  // One draw for P2 still stands: S1 stays P2's.
  EXPECT_EQ(Fields(Apply(ForSession(EntryType::kDraw, 10 * kMg, "V1", "S1", "P1"))),
            (std::vector<std::string>{"patient_id"}));
  MustApply(Reversal(second, "wrong patient"));
  MustApply(ForSession(EntryType::kDraw, 10 * kMg, "V1", "S1", "P1"));
  EXPECT_EQ(state_.session_patient.at("S1"), "P1");
}

TEST_F(LedgerTest, DrawAndAdministerNameTheSessionAndPatient) {
  MustApply(Receive("V1", 100 * kMg));
  LedgerEntry draw = E(EntryType::kDraw, 10 * kMg);
  EXPECT_EQ(Fields(Apply(draw)), (std::vector<std::string>{"session_id", "patient_id"}));
  LedgerEntry give = E(EntryType::kAdminister, 10 * kMg);
  EXPECT_EQ(Fields(Apply(give)), (std::vector<std::string>{"session_id", "patient_id"}));
  LedgerEntry back = E(EntryType::kReturnToStock, 10 * kMg);
  EXPECT_EQ(Fields(Apply(back)), (std::vector<std::string>{"session_id"}));
}

TEST_F(LedgerTest, AVialIsReceivedOnceWholeAndBeforeUse) {
  EXPECT_EQ(Fields(Apply(ForSession(EntryType::kDraw, 10 * kMg))),
            (std::vector<std::string>{"vial_id"}));
  EXPECT_EQ(Fields(Apply(Receive("V-unknown", 100 * kMg))), (std::vector<std::string>{"vial_id"}));
  EXPECT_EQ(Fields(Apply(Receive("V1", 99 * kMg))), (std::vector<std::string>{"quantity_ug"}));
  LedgerEntry nowhere = Receive("V1", 100 * kMg);
  nowhere.location = "";
  EXPECT_EQ(Fields(Apply(nowhere)), (std::vector<std::string>{"location"}));
  MustApply(Receive("V1", 100 * kMg));
  EXPECT_EQ(Vial("V1").location, "safe-a");
  EXPECT_FALSE(Vial("V1").opened);
  EXPECT_EQ(Fields(Apply(Receive("V1", 100 * kMg))), (std::vector<std::string>{"vial_id"}));
}

TEST_F(LedgerTest, ATransferMovesTheWholeVial) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 20 * kMg));
  LedgerEntry move = E(EntryType::kTransfer, 100 * kMg);
  move.location = "safe-b";
  EXPECT_EQ(Fields(Apply(move)), (std::vector<std::string>{"quantity_ug"}));  // 80 mg is there
  move = E(EntryType::kTransfer, 80 * kMg);
  move.location = "safe-a";
  EXPECT_EQ(Fields(Apply(move)), (std::vector<std::string>{"location"}));
  move.location = "safe-b";
  MustApply(move);
  EXPECT_EQ(Vial("V1").location, "safe-b");
  EXPECT_EQ(Vial("V1").in_vial_ug, 80 * kMg);  // a move changes no balance
  MustApply(Reversal(move, "moved to the wrong safe"));
  EXPECT_EQ(Vial("V1").location, "safe-a");
}

// Append-only: an entry is never amended or withdrawn; a reversal undoes it.
TEST_F(LedgerTest, EntriesAreNeverEditedOnlyReversed) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 40 * kMg));
  LedgerEntry wrong = ForSession(EntryType::kAdminister, 40 * kMg);
  MustApply(wrong);

  LedgerEntry edited = wrong;
  edited.meta.version = 2;
  edited.meta.status = RecordStatus::kAmended;
  edited.quantity_ug = 35 * kMg;
  EXPECT_EQ(Fields(Apply(edited)), (std::vector<std::string>{"meta.version", "meta.status"}));
  LedgerEntry withdrawn = E(EntryType::kAdminister, 40 * kMg);
  withdrawn.meta.status = RecordStatus::kEnteredInError;
  withdrawn.session_id = "S1";
  withdrawn.patient_id = "P1";
  EXPECT_EQ(Fields(Apply(withdrawn)), (std::vector<std::string>{"meta.status"}));
  LedgerEntry same_id = ForSession(EntryType::kDraw, 1 * kMg);
  same_id.meta.id = wrong.meta.id;
  EXPECT_EQ(Fields(Apply(same_id)), (std::vector<std::string>{"meta.id"}));

  // The reversal puts the 40 mg back in the open draw; then the truth is recorded.
  LedgerEntry no_reason = Reversal(wrong, "");
  EXPECT_EQ(Fields(Apply(no_reason)), (std::vector<std::string>{"reason"}));
  const LedgerEntry reversal = Reversal(wrong, "35 mg given, not 40");
  MustApply(reversal);
  EXPECT_EQ(Vial("V1").administered_ug, 0);
  EXPECT_EQ(Vial("V1").open_draws.at("S1").open_ug, 40 * kMg);
  EXPECT_EQ(state_.entries.at(wrong.meta.id).reversed_by, reversal.meta.id);
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg));
  MustApply(ForSession(EntryType::kWaste, 5 * kMg));
  EXPECT_TRUE(ClosingCheck(state_, "V1"));

  // Not twice, not a reversal of a reversal, not of an unknown entry.
  EXPECT_EQ(Fields(Apply(Reversal(wrong))), (std::vector<std::string>{"reverses"}));
  EXPECT_EQ(Fields(Apply(Reversal(reversal))), (std::vector<std::string>{"reverses"}));
  LedgerEntry ghost = Reversal(wrong);
  ghost.reverses = "e999";
  EXPECT_EQ(Fields(Apply(ghost)), (std::vector<std::string>{"reverses"}));
  LedgerEntry self = Reversal(wrong);
  self.reverses = self.meta.id;
  EXPECT_EQ(Fields(Apply(self)), (std::vector<std::string>{"reverses"}));
}

TEST_F(LedgerTest, AReversalMustMirrorTheEntryItReverses) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(Receive("V2", 100 * kMg));
  const LedgerEntry draw = ForSession(EntryType::kDraw, 40 * kMg);
  MustApply(draw);
  LedgerEntry r = Reversal(draw);
  r.type = EntryType::kAdminister;
  r.vial_id = "V2";
  r.quantity_ug = 35 * kMg;
  r.session_id = "S9";
  auto status = Apply(r);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(Fields(status),
            (std::vector<std::string>{"type", "vial_id", "quantity_ug", "session_id"}));
  // A COUNT is not reversed.
  const LedgerEntry count = E(EntryType::kCount, 60 * kMg);
  MustApply(count);
  EXPECT_EQ(Fields(Apply(Reversal(count))), (std::vector<std::string>{"reverses"}));
}

TEST_F(LedgerTest, AReversalCannotBreakABalance) {
  const LedgerEntry receive = Receive("V1", 100 * kMg);
  MustApply(receive);
  const LedgerEntry draw = ForSession(EntryType::kDraw, 40 * kMg);
  MustApply(draw);
  MustApply(ForSession(EntryType::kAdminister, 40 * kMg));
  // Un-receiving a vial that was drawn from would leave -40 mg; un-drawing a given dose too.
  EXPECT_EQ(Fields(Apply(Reversal(receive))), (std::vector<std::string>{"reverses"}));
  EXPECT_EQ(Fields(Apply(Reversal(draw))), (std::vector<std::string>{"reverses"}));
  // An untouched vial can be un-received (received in error) and received again.
  const LedgerEntry v2 = Receive("V2", 100 * kMg);
  MustApply(v2);
  MustApply(Reversal(v2, "belongs to the other clinic"));
  EXPECT_EQ(Vial("V2").in_vial_ug, 0);
  EXPECT_EQ(Fields(Apply(ForSession(EntryType::kDraw, 1 * kMg, "V2"))),
            (std::vector<std::string>{"vial_id"}));
  MustApply(Receive("V2", 100 * kMg));
}

// Found by the property below: 100 mg, 60 mg broken, +1 mg adjusted (41 mg), then the breakage
// reversed would leave 101 mg in a 100 mg vial. The adjustment must be reversed first.
TEST_F(LedgerTest, AReversalCannotOverfillAVial) {
  MustApply(Receive("V1", 100 * kMg));
  const LedgerEntry broken = Witnessed(EntryType::kBreakage, 60 * kMg);
  MustApply(broken);
  const LedgerEntry adjust = Witnessed(EntryType::kAdjust, 1 * kMg);
  MustApply(adjust);
  auto status = Apply(Reversal(broken));
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"reverses"}));
  EXPECT_NE(status.error().problems()[0].reason.find("101 mg"), std::string::npos);
  MustApply(Reversal(adjust));
  MustApply(Reversal(broken));
  EXPECT_EQ(Vial("V1").in_vial_ug, 100 * kMg);
}

TEST_F(LedgerTest, EveryKindOfEntryCanBeReversed) {
  MustApply(Receive("V1", 100 * kMg));
  const LedgerEntry draw = ForSession(EntryType::kDraw, 50 * kMg);
  const LedgerEntry give = ForSession(EntryType::kAdminister, 20 * kMg);
  const LedgerEntry waste_draw = ForSession(EntryType::kWaste, 10 * kMg);
  const LedgerEntry back = ForSession(EntryType::kReturnToStock, 10 * kMg);
  const LedgerEntry waste_vial = Witnessed(EntryType::kWaste, 5 * kMg);
  const LedgerEntry destroy = Witnessed(EntryType::kDestroyInventory, 5 * kMg);
  const LedgerEntry broken = Witnessed(EntryType::kBreakage, 5 * kMg);
  const LedgerEntry adjust = Witnessed(EntryType::kAdjust, -5 * kMg);
  for (const LedgerEntry* e :
       {&draw, &give, &waste_draw, &back, &waste_vial, &destroy, &broken, &adjust}) {
    MustApply(*e);
  }
  const VialBalance after_all = Vial("V1");
  EXPECT_EQ(after_all.in_vial_ug, (100 - 50 + 10 - 5 - 5 - 5 - 5) * kMg);
  for (const LedgerEntry* e :
       {&adjust, &broken, &destroy, &waste_vial, &back, &waste_draw, &give, &draw}) {
    MustApply(Reversal(*e, "undo " + std::string(EntryTypeName(e->type))));
  }
  const VialBalance& b = Vial("V1");
  EXPECT_EQ(b.in_vial_ug, 100 * kMg);
  EXPECT_EQ(b.drawn_ug, 0);
  EXPECT_EQ(b.administered_ug, 0);
  EXPECT_EQ(b.wasted_from_draw_ug + b.wasted_from_vial_ug + b.returned_ug + b.destroyed_ug +
                b.broken_ug + b.adjusted_ug,
            0);
  EXPECT_TRUE(b.open_draws.empty());
}

TEST_F(LedgerTest, AVialsLedgerRunsForward) {
  MustApply(Receive("V1", 100 * kMg));
  LedgerEntry late = ForSession(EntryType::kDraw, 10 * kMg);
  late.time = log_.back().time - seconds(1);
  EXPECT_EQ(Fields(Apply(late)), (std::vector<std::string>{"time"}));
  late.time = log_.back().time;  // the same second is fine
  MustApply(late);
  // Another vial has its own clock.
  LedgerEntry other = Receive("V2", 100 * kMg);
  other.time = At("2026-11-01T08:00:00Z");
  MustApply(other);
  // An event cannot be recorded before it happens.
  LedgerEntry future = ForSession(EntryType::kAdminister, 10 * kMg);
  future.time = future.meta.recorded_at + seconds(1);
  EXPECT_EQ(Fields(Apply(future)), (std::vector<std::string>{"time"}));
}

TEST_F(LedgerTest, EveryShapeProblemIsNamedAtOnce) {
  LedgerEntry e;
  e.type = EntryType::kWaste;
  e.quantity_ug = 0;
  e.time = At("2026-11-29T09:00:00Z");
  e.meta.recorded_at = At("2026-11-29T08:00:00Z");
  auto status = Apply(e);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"meta.id", "actor", "vial_id", "quantity_ug",
                                                      "witness", "time"}));
}

TEST_F(LedgerTest, ApplyEntryLeavesItsInputAlone) {
  MustApply(Receive("V1", 100 * kMg));
  const LedgerState before = state_;
  auto next = ApplyEntry(state_, ForSession(EntryType::kDraw, 10 * kMg));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(state_, before);
  EXPECT_EQ(next->vials.at("V1").in_vial_ug, 90 * kMg);
  auto refused = ApplyEntry(state_, ForSession(EntryType::kDraw, 101 * kMg));
  EXPECT_FALSE(refused.has_value());
  EXPECT_EQ(state_, before);
}

TEST_F(LedgerTest, ReplayRebuildsTheStateAndNamesTheBadEntry) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 35 * kMg));
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg));
  auto replayed = Replay(state_.catalog, log_);
  ASSERT_TRUE(replayed.has_value());
  EXPECT_EQ(*replayed, state_);
  std::vector<LedgerEntry> bad = log_;
  bad[2].quantity_ug = 36 * kMg;
  auto failed = Replay(state_.catalog, bad);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(Fields(failed.error()), (std::vector<std::string>{"entries[2].quantity_ug"}));
}

TEST_F(LedgerTest, CheckInvariantsCatchesABrokenLoadedState) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 35 * kMg));
  EXPECT_TRUE(CheckInvariants(state_));
  LedgerState tampered = state_;
  tampered.vials.at("V1").administered_ug = 1;  // given from nowhere
  auto status = CheckInvariants(tampered);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"vials[V1]"}));
  tampered = state_;
  tampered.vials.at("V1").in_vial_ug = -1;
  EXPECT_FALSE(CheckInvariants(tampered));
}

// Tolerance 0.5 mg: 35 mg in the ledger; the pump's 35.5 and 34.5 match, 35.501 and 34.499 do
// not.
TEST_F(LedgerTest, ReconcileSessionAtTheTolerance) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 35 * kMg));
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg));
  auto severity = [&](double delivered_mg) {
    auto findings = ReconcileSession("S1", delivered_mg, log_);
    EXPECT_TRUE(findings.has_value());
    EXPECT_EQ(findings->size(), 1u);
    EXPECT_EQ(findings->at(0).rule_id, "ledger.session-reconcile");
    return findings->at(0).severity;
  };
  EXPECT_EQ(severity(35.0), Severity::kInfo);
  EXPECT_EQ(severity(35.5), Severity::kInfo);
  EXPECT_EQ(severity(34.5), Severity::kInfo);
  EXPECT_EQ(severity(35.501), Severity::kBlock);
  EXPECT_EQ(severity(34.499), Severity::kBlock);
  // A pump total with floating-point noise (40 segments of 0.875 mg) matches exactly.
  double sum = 0;
  for (int i = 0; i < 40; ++i) sum += 0.875;
  EXPECT_EQ(severity(sum), Severity::kInfo);
  // A tighter tolerance is the caller's choice.
  EXPECT_EQ(ReconcileSession("S1", 35.001, log_, 0)->at(0).severity, Severity::kBlock);
  EXPECT_EQ(ReconcileSession("S1", 35.0004, log_, 0)->at(0).severity, Severity::kInfo);
  // Nothing given, nothing delivered: matched.
  EXPECT_EQ(ReconcileSession("S-other", 0, log_)->at(0).severity, Severity::kInfo);
}

TEST_F(LedgerTest, ReconcileSessionSumsVialsAndSubtractsReversals) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(Receive("V2", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 100 * kMg, "V1"));
  MustApply(ForSession(EntryType::kDraw, 20 * kMg, "V2"));
  MustApply(ForSession(EntryType::kAdminister, 100 * kMg, "V1"));
  const LedgerEntry wrong = ForSession(EntryType::kAdminister, 20 * kMg, "V2");
  MustApply(wrong);
  MustApply(Reversal(wrong, "infusion stopped early"));
  MustApply(ForSession(EntryType::kAdminister, 12 * kMg, "V2"));
  MustApply(ForSession(EntryType::kWaste, 8 * kMg, "V2"));
  auto findings = ReconcileSession("S1", 112.2, log_);
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 1u);
  EXPECT_EQ((*findings)[0].severity, Severity::kInfo);  // 112 given, 112.2 delivered
  EXPECT_EQ(ReconcileSession("S1", 120, log_)->at(0).severity, Severity::kBlock);
}

TEST_F(LedgerTest, ReconcileSessionFlagsOpenDrawsAndBadInput) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 40 * kMg));
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg));
  auto findings = ReconcileSession("S1", 35, log_);
  ASSERT_TRUE(findings.has_value());
  ASSERT_EQ(findings->size(), 2u);
  EXPECT_EQ((*findings)[0].severity, Severity::kInfo);
  EXPECT_EQ((*findings)[1].rule_id, "ledger.session-open-draw");
  EXPECT_EQ((*findings)[1].severity, Severity::kBlock);
  EXPECT_NE((*findings)[1].message.find("5 mg"), std::string::npos);
  EXPECT_NE((*findings)[1].message.find("V1"), std::string::npos);
  for (double bad : {-0.1, std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity(), 1e6 + 1}) {
    auto refused = ReconcileSession("S1", bad, log_);
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(Fields(refused.error()), (std::vector<std::string>{"delivered_mg"}));
  }
  EXPECT_EQ(Fields(ReconcileSession("", 35, log_, -1).error()),
            (std::vector<std::string>{"session_id", "tolerance_ug"}));
}

TEST_F(LedgerTest, OnHandByLot) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(Receive("V2", 100 * kMg));
  MustApply(Receive("V4", 500 * kMg));
  MustApply(ForSession(EntryType::kDraw, 35 * kMg, "V1"));
  MustApply(ForSession(EntryType::kDraw, 100 * kMg, "V2", "S2", "P2"));
  MustApply(ForSession(EntryType::kAdminister, 60 * kMg, "V2", "S2", "P2"));
  auto rows = OnHandByLot(state_.catalog, log_);
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 2u);
  // L-A: V1 65 mg in stock + V2 empty; open: 35 (S1) + 40 (S2).
  EXPECT_EQ((*rows)[0], (LotOnHand{"L-A", "12345-678-01", "Ketamine HCl 10 mg/mL",
                                   Date(2027, 6, 30), 1, 65 * kMg, 75 * kMg}));
  EXPECT_EQ((*rows)[1], (LotOnHand{"L-B", "67457-108", "Ketamine HCl 100 mg/mL", Date(2027, 12, 31),
                                   1, 500 * kMg, 0}));
  EXPECT_EQ(LotBalanceUg(state_, "L-A"), 65 * kMg);
  EXPECT_EQ(OnHandUg(state_), 565 * kMg);
}

// 35 mg of 10 mg/mL is 3.5 mL = 3500 µL; 35 mg of 100 mg/mL is 0.35 mL = 350 µL.
TEST_F(LedgerTest, PatientAdministrationsCarryTheDispensingRecordFields) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(Receive("V4", 500 * kMg));
  MustApply(ForSession(EntryType::kDraw, 40 * kMg, "V1"));
  const LedgerEntry wrong = ForSession(EntryType::kAdminister, 40 * kMg, "V1");
  MustApply(wrong);
  const LedgerEntry reversal = Reversal(wrong, "35 mg given");
  MustApply(reversal);
  const LedgerEntry given = ForSession(EntryType::kAdminister, 35 * kMg, "V1");
  MustApply(given);
  MustApply(ForSession(EntryType::kDraw, 35 * kMg, "V4", "S2", "P1"));
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg, "V4", "S2", "P1"));
  MustApply(ForSession(EntryType::kDraw, 10 * kMg, "V4", "S3", "P2"));
  MustApply(ForSession(EntryType::kAdminister, 10 * kMg, "V4", "S3", "P2"));

  auto rows = PatientAdministrations(state_.catalog, log_, "P1");
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].entry_id, wrong.meta.id);
  EXPECT_EQ((*rows)[0].reversed_by, reversal.meta.id);
  const AdministrationRecord& r = (*rows)[1];
  EXPECT_EQ(r.entry_id, given.meta.id);
  EXPECT_EQ(r.time, given.time);
  EXPECT_EQ(r.patient_id, "P1");
  EXPECT_EQ(r.session_id, "S1");
  EXPECT_EQ(r.ndc, "12345-678-01");
  EXPECT_EQ(r.product_name, "Ketamine HCl 10 mg/mL");
  EXPECT_EQ(r.concentration_ug_per_ml, 10'000);
  EXPECT_EQ(r.quantity_ug, 35 * kMg);
  EXPECT_EQ(r.volume_ul, 3'500);
  EXPECT_EQ(r.lot_number, "L-A");
  EXPECT_EQ(r.vial_id, "V1");
  EXPECT_EQ(r.administered_by, "nurse-ana");
  EXPECT_TRUE(r.reversed_by.empty());
  EXPECT_EQ((*rows)[2].volume_ul, 350);
  EXPECT_EQ((*rows)[2].lot_number, "L-B");
  EXPECT_EQ(PatientAdministrations(state_.catalog, log_, "P2")->size(), 1u);
  EXPECT_TRUE(PatientAdministrations(state_.catalog, log_, "P9")->empty());
  EXPECT_FALSE(PatientAdministrations(LedgerCatalog{}, log_, "P1").has_value());
}

TEST_F(LedgerTest, DiscrepancyReport) {
  MustApply(Receive("V1", 100 * kMg));
  MustApply(E(EntryType::kCount, 100 * kMg));  // agrees: not a discrepancy
  const LedgerEntry count = Witnessed(EntryType::kCount, 98 * kMg);
  MustApply(count);
  const LedgerEntry adjust = Witnessed(EntryType::kAdjust, -2 * kMg);
  MustApply(adjust);
  const LedgerEntry broken = Witnessed(EntryType::kBreakage, 98 * kMg);
  MustApply(broken);
  const LedgerEntry reversal = Reversal(broken, "the vial was intact");
  MustApply(reversal);
  MustApply(ForSession(EntryType::kDraw, 40 * kMg));
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg));

  auto rows = Discrepancies(state_.catalog, log_);
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ((*rows)[0].kind, DiscrepancyKind::kCountMismatch);
  EXPECT_EQ((*rows)[0].entry_id, count.meta.id);
  EXPECT_EQ((*rows)[0].book_ug, 100 * kMg);
  EXPECT_EQ((*rows)[0].found_ug, 98 * kMg);
  EXPECT_EQ((*rows)[0].witness, "nurse-bo");
  EXPECT_EQ((*rows)[0].lot_number, "L-A");
  EXPECT_EQ((*rows)[1].kind, DiscrepancyKind::kAdjustment);
  EXPECT_EQ((*rows)[1].found_ug, -2 * kMg);
  EXPECT_EQ((*rows)[2].kind, DiscrepancyKind::kBreakage);
  EXPECT_EQ((*rows)[3].kind, DiscrepancyKind::kCorrection);
  EXPECT_EQ((*rows)[3].reason, "the vial was intact");
  EXPECT_EQ((*rows)[4].kind, DiscrepancyKind::kOpenDraw);
  EXPECT_EQ((*rows)[4].session_id, "S1");
  EXPECT_EQ((*rows)[4].book_ug, 5 * kMg);
  EXPECT_STREQ(DiscrepancyKindName((*rows)[4].kind), "open-draw");
  EXPECT_STREQ(DiscrepancyKindName(DiscrepancyKind::kCountMismatch), "count-mismatch");
}

TEST_F(LedgerTest, BiennialInventoryAsOfADate) {
  now_ = At("2026-11-30T22:00:00Z");
  MustApply(Receive("V1", 100 * kMg));
  MustApply(Receive("V4", 500 * kMg));
  MustApply(Receive("V5", 100 * kMg));
  MustApply(Receive("V2", 100 * kMg));
  MustApply(ForSession(EntryType::kDraw, 35 * kMg, "V1"));
  MustApply(ForSession(EntryType::kAdminister, 35 * kMg, "V1"));
  MustApply(ForSession(EntryType::kDraw, 100 * kMg, "V2", "S2", "P2"));
  MustApply(ForSession(EntryType::kAdminister, 100 * kMg, "V2", "S2", "P2"));
  now_ = At("2026-12-02T09:00:00Z");
  MustApply(Receive("V3", 100 * kMg));  // after the inventory date

  auto report =
      Inventory(state_.catalog, log_, At("2026-12-01T00:00:00Z"), InventoryKind::kBiennial);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->kind, InventoryKind::kBiennial);
  ASSERT_EQ(report->lines.size(), 3u);  // V2 is empty, V3 not yet received
  const InventoryLine& v1 = report->lines[0];
  EXPECT_EQ(v1.vial_id, "V1");
  EXPECT_EQ(v1.in_vial_ug, 65 * kMg);
  EXPECT_TRUE(v1.opened);  // may be an estimated measure
  EXPECT_FALSE(v1.expired);
  EXPECT_EQ(v1.location, "safe-a");
  EXPECT_EQ(v1.concentration_ug_per_ml, 10'000);
  EXPECT_EQ(v1.vial_volume_ul, 10'000);
  EXPECT_EQ(report->lines[1].vial_id, "V4");
  EXPECT_FALSE(report->lines[1].opened);  // sealed: counted exactly
  EXPECT_EQ(report->lines[2].vial_id, "V5");
  EXPECT_TRUE(report->lines[2].expired);  // L-X expired on 2026-11-30
  ASSERT_EQ(report->totals.size(), 2u);
  EXPECT_EQ(report->totals[0], (InventoryTotal{"12345-678-01", 2, 165 * kMg}));
  EXPECT_EQ(report->totals[1], (InventoryTotal{"67457-108", 1, 500 * kMg}));

  auto later =
      Inventory(state_.catalog, log_, At("2026-12-03T00:00:00Z"), InventoryKind::kBiennial);
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->lines.size(), 4u);
  auto initial = Inventory(state_.catalog, {}, At("2026-11-01T00:00:00Z"), InventoryKind::kInitial);
  ASSERT_TRUE(initial.has_value());
  EXPECT_TRUE(initial->lines.empty());
  EXPECT_STREQ(InventoryKindName(InventoryKind::kInitial), "initial");
  EXPECT_STREQ(InventoryKindName(InventoryKind::kBiennial), "biennial");
}

TEST(LedgerInventoryTest, BiennialInventoryIsDueTwoYearsLater) {
  EXPECT_EQ(NextBiennialInventoryDue(Date(2026, 3, 15)), Date(2028, 3, 15));
  EXPECT_EQ(NextBiennialInventoryDue(Date(2028, 2, 29)), Date(2030, 2, 28));
  EXPECT_EQ(NextBiennialInventoryDue(Date(2027, 12, 31)), Date(2029, 12, 31));
}

// ---- Property: any sequence of entries ----------------------------------------------------

// What the vial should hold, summed independently of the ledger's own bookkeeping from the
// entries it accepted: received − drawn − wasted from the vial + returned − destroyed − broken
// + adjusted, reversals counted negative.
std::map<std::string, Micrograms> IndependentStock(const std::vector<LedgerEntry>& accepted) {
  std::map<std::string, Micrograms> stock;
  for (const LedgerEntry& e : accepted) {
    const Micrograms q = e.reverses.empty() ? e.quantity_ug : -e.quantity_ug;
    switch (e.type) {
      case EntryType::kReceive:
      case EntryType::kReturnToStock:
      case EntryType::kAdjust:
        stock[e.vial_id] += q;
        break;
      case EntryType::kDraw:
      case EntryType::kDestroyInventory:
      case EntryType::kBreakage:
        stock[e.vial_id] -= q;
        break;
      case EntryType::kWaste:
        if (e.session_id.empty()) stock[e.vial_id] -= q;
        break;
      default:
        break;
    }
  }
  return stock;
}

RC_GTEST_PROP(LedgerProperties, AnyEntryEitherFailsWithAReasonOrKeepsEveryInvariant, ()) {
  LedgerState state;
  state.catalog = MakeCatalog();
  const std::vector<std::string> vials = {"V1", "V2", "V4", "V5"};
  const std::vector<EntryType> types = {
      EntryType::kReceive,       EntryType::kDraw,       EntryType::kDraw,
      EntryType::kAdminister,    EntryType::kAdminister, EntryType::kWaste,
      EntryType::kReturnToStock, EntryType::kTransfer,   EntryType::kDestroyInventory,
      EntryType::kBreakage,      EntryType::kAdjust,     EntryType::kCount};
  const std::vector<Micrograms> quantities = {
      0, 1, 5 * kMg, 10 * kMg, 35 * kMg, 40 * kMg, 65 * kMg, 100 * kMg, 500 * kMg, -5 * kMg, -1};
  const std::vector<std::string> sessions = {"", "S1", "S2"};
  const std::vector<std::string> patients = {"", "P1", "P2"};
  const std::vector<std::string> witnesses = {"", "nurse-ana", "nurse-bo", "nurse-bo"};
  const std::vector<std::string> reasons = {"", "why"};
  const std::vector<std::string> locations = {"", "safe-a", "safe-b"};
  std::vector<LedgerEntry> generated;
  std::vector<LedgerEntry> accepted;
  Instant now = At("2026-11-30T23:00:00Z");  // lot L-X expires during the run
  const int length = *rc::gen::inRange(1, 80);
  for (int i = 0; i < length; ++i) {
    LedgerEntry e;
    // Three kinds of entry: a reversal of an earlier one, a plausible entry (built from the
    // state so that most are accepted and the ledger gets deep), or a wild one.
    const int kind = *rc::gen::inRange(0, 10);
    if (kind == 0 && !generated.empty()) {
      const std::vector<LedgerEntry>& pool =
          accepted.empty() || *rc::gen::inRange(0, 3) == 0 ? generated : accepted;
      const LedgerEntry& original =
          pool[static_cast<std::size_t>(*rc::gen::inRange<int>(0, static_cast<int>(pool.size())))];
      e = original;
      e.reverses = original.meta.id;
      e.reason = "correction";
    } else if (kind <= 7) {
      e.type = *rc::gen::elementOf(types);
      e.vial_id = *rc::gen::elementOf(vials);
      const bool second = *rc::gen::arbitrary<bool>();
      e.session_id = second ? "S2" : "S1";
      e.patient_id = second ? "P2" : "P1";
      e.witness = "nurse-bo";
      e.reason = "why";
      e.location = *rc::gen::element<std::string>("safe-a", "safe-b");
      auto balance = state.vials.find(e.vial_id);
      const bool received = balance != state.vials.end() && balance->second.received_ug > 0;
      const Micrograms in_vial = balance == state.vials.end() ? 0 : balance->second.in_vial_ug;
      Micrograms open = 0;
      if (balance != state.vials.end()) {
        auto draw = balance->second.open_draws.find(e.session_id);
        if (draw != balance->second.open_draws.end()) open = draw->second.open_ug;
      }
      // Mostly what could come next: a vial is received before use, drawn before it is given.
      if (!received && *rc::gen::inRange(0, 4) != 0) e.type = EntryType::kReceive;
      const bool from_draw = e.type == EntryType::kAdminister ||
                             e.type == EntryType::kReturnToStock || e.type == EntryType::kWaste;
      if (received && from_draw && open == 0 && *rc::gen::inRange(0, 4) != 0) {
        e.type = EntryType::kDraw;
      }
      auto part = [&](Micrograms whole) {
        return std::max<Micrograms>(1, *rc::gen::element<Micrograms>(1, 2, 3) * whole / 3);
      };
      switch (e.type) {
        case EntryType::kReceive:
          e.quantity_ug = e.vial_id == "V4" ? 500 * kMg : 100 * kMg;
          break;
        case EntryType::kAdminister:
        case EntryType::kReturnToStock:
          e.quantity_ug = part(open);
          break;
        case EntryType::kWaste:
          if (*rc::gen::arbitrary<bool>()) {
            e.session_id.clear();
            e.patient_id.clear();
            e.quantity_ug = part(in_vial);
          } else {
            e.quantity_ug = part(open);
          }
          break;
        case EntryType::kTransfer:
          e.quantity_ug = in_vial;
          break;
        case EntryType::kCount:
          e.quantity_ug = in_vial - *rc::gen::element<Micrograms>(0, 0, 1);
          break;
        case EntryType::kAdjust:
          e.quantity_ug = *rc::gen::element<Micrograms>(-1 * kMg, 1 * kMg);
          break;
        default:  // draw, destroy, breakage
          e.quantity_ug = part(in_vial);
          break;
      }
    } else {
      e.type = *rc::gen::elementOf(types);
      e.vial_id = *rc::gen::element<std::string>("V1", "V4", "V-none");
      e.quantity_ug = *rc::gen::elementOf(quantities);
      e.session_id = *rc::gen::elementOf(sessions);
      e.patient_id = *rc::gen::elementOf(patients);
      e.witness = *rc::gen::elementOf(witnesses);
      e.reason = *rc::gen::elementOf(reasons);
      e.location = *rc::gen::elementOf(locations);
    }
    e.meta.id = *rc::gen::inRange(0, 20) == 0 && !generated.empty()
                    ? generated.back().meta.id  // a duplicate id now and then
                    : "e" + std::to_string(i);
    e.actor = "nurse-ana";
    now += minutes(*rc::gen::element(-1, 0, 1, 7, 7));
    e.time = now;
    e.meta.recorded_at = now;
    generated.push_back(e);

    LedgerState next = state;
    const Status status = ApplyEntryInPlace(next, e);
    if (!status) {
      // Refused: a named reason, and nothing changed.
      RC_ASSERT(!status.error().problems().empty());
      for (const FieldProblem& p : status.error().problems()) {
        RC_ASSERT(!p.field.empty());
        RC_ASSERT(!p.reason.empty());
      }
      RC_ASSERT(next == state);
      continue;
    }
    state = std::move(next);
    accepted.push_back(e);
    if (auto invariants = CheckInvariants(state); !invariants) {
      RC_LOG() << invariants.error().ToString() << "\n";
      for (const LedgerEntry& x : accepted) {
        RC_LOG() << x.meta.id << " " << EntryTypeName(x.type) << " " << x.vial_id << " "
                 << x.quantity_ug << " ug session=" << x.session_id << " reverses=" << x.reverses
                 << "\n";
      }
    }
    RC_ASSERT(CheckInvariants(state).has_value());
    RC_ASSERT(OnHandUg(state) >= 0);
    for (const auto& [lot, unused] : state.catalog.lots) RC_ASSERT(LotBalanceUg(state, lot) >= 0);
    for (const auto& [vial_id, b] : state.vials) {
      RC_ASSERT(b.in_vial_ug >= 0);
      Micrograms open = 0;
      for (const auto& [session, draw] : b.open_draws) open += draw.open_ug;
      RC_ASSERT(b.drawn_ug == b.administered_ug + b.wasted_from_draw_ug + b.returned_ug + open);
    }
    // Witness rules hold for every accepted entry.
    if (NeedsWitness(e.type)) RC_ASSERT(!e.witness.empty() && e.witness != e.actor);
  }
  // The ledger's stock agrees with an independent sum of what it accepted, and replaying the
  // accepted entries rebuilds the same state.
  const auto stock = IndependentStock(accepted);
  for (const auto& [vial_id, b] : state.vials) {
    auto it = stock.find(vial_id);
    RC_ASSERT((it == stock.end() ? 0 : it->second) == b.in_vial_ug);
  }
  auto replayed = Replay(state.catalog, accepted);
  RC_ASSERT(replayed.has_value());
  RC_ASSERT(*replayed == state);
}

}  // namespace
}  // namespace ketaclinic::clinical
