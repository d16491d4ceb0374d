// Infusion orders and the independent double-check (clinical.md §1.8 DOSE-03, DOSE-05). The
// plans come from PlanDose; the expected numbers are worked by hand in the comments.

#include "clinical/order.h"

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ketaclinic::clinical {
namespace {

using std::chrono::seconds;

Instant At(const char* text) { return *ParseRfc3339(text, "t"); }

const Instant kOrderedAt = At("2026-11-29T09:00:00Z");
const Instant kCheckedAt = At("2026-11-29T09:40:00Z");

std::vector<std::string> Fields(const Error& error) {
  std::vector<std::string> fields;
  for (const FieldProblem& p : error.problems()) fields.push_back(p.field);
  return fields;
}

DoseRequest StandardRequest() {
  DoseRequest r;
  r.sex = Sex::kMale;
  r.weight_kg = 70;
  r.height_cm = 175;
  r.mg_per_kg = 0.5;
  r.vial_mg_per_ml = 10;
  return r;
}

// 0.5 mg/kg × 70 kg = 35 mg; 3.5 mL of 10 mg/mL into 100 mL = 103.5 mL over 40 min
// = 155.25 mL/h, 0.875 mg/min.
DosePlan StandardPlan() { return *PlanDose(StandardRequest(), DoseProtocol{}); }

OrderRequest Request() {
  OrderRequest r;
  r.patient_id = "pat-7";
  r.course_id = "course-2";
  r.vial_mg_per_ml = 10;
  r.ordered_by = Clinician{"dr-lee", Role::kPhysician};
  r.ordered_at = kOrderedAt;
  return r;
}

InfusionOrder StandardOrder() { return *CreateOrder(StandardPlan(), Request()); }

TEST(OrderTest, CreateOrderKeepsThePlanAsCalculated) {
  const DosePlan plan = StandardPlan();
  auto order = CreateOrder(plan, Request());
  ASSERT_TRUE(order.has_value()) << order.error().ToString();
  EXPECT_EQ(order->patient_id, "pat-7");
  EXPECT_EQ(order->course_id, "course-2");
  EXPECT_EQ(order->plan.dose_mg, 35);
  EXPECT_EQ(order->plan.requested_mg_per_kg, 0.5);
  EXPECT_EQ(order->plan.effective_mg_per_kg, 0.5);
  EXPECT_EQ(order->plan.weight_basis, WeightBasis::kActual);
  EXPECT_EQ(order->plan.basis_weight_kg, 70);
  EXPECT_EQ(order->plan.duration_min, 40);
  EXPECT_DOUBLE_EQ(order->plan.rate_ml_per_h, 155.25);
  EXPECT_DOUBLE_EQ(order->plan.rate_mg_per_min, 0.875);
  EXPECT_EQ(order->plan.bag_ml, 100);
  EXPECT_EQ(order->plan.findings, plan.findings);
  EXPECT_EQ(order->vial_mg_per_ml, 10);
  EXPECT_EQ(order->protocol_version, DoseProtocol{}.version);
  EXPECT_EQ(order->ordered_by, (Clinician{"dr-lee", Role::kPhysician}));
  EXPECT_EQ(order->ordered_at, kOrderedAt);
  EXPECT_EQ(order->meta.author, "dr-lee");
  EXPECT_EQ(order->meta.recorded_at, kOrderedAt);
  EXPECT_EQ(order->meta.version, 1);
  EXPECT_FALSE(order->soft_limit_override.has_value());
  EXPECT_FALSE(order->double_check.has_value());
  // Not ready until a second clinician checks it.
  auto ready = CheckReadyToGive(*order);
  ASSERT_FALSE(ready.has_value());
  EXPECT_EQ(Fields(ready.error()), (std::vector<std::string>{"double_check"}));
  EXPECT_FALSE(IsReadyToGive(*order));
}

// 1.01 mg/kg × 70 = 70.7 → 70.5 mg = 1.007 mg/kg: above the hard maximum of 1.0, blocked even
// with an override, and never orderable.
TEST(OrderTest, ABlockedPlanIsNeverOrdered) {
  DoseRequest dose = StandardRequest();
  dose.mg_per_kg = 1.01;
  dose.soft_limit_override = SoftLimitOverride{"dr-lee", "non-responder"};
  const DosePlan plan = *PlanDose(dose, DoseProtocol{});
  ASSERT_TRUE(plan.blocked);
  auto order = CreateOrder(plan, Request());
  ASSERT_FALSE(order.has_value());
  EXPECT_EQ(Fields(order.error()), (std::vector<std::string>{"plan.blocked"}));
  EXPECT_NE(order.error().problems()[0].reason.find("dose.hard-max"), std::string::npos);
  // An override in the order changes nothing: there is no soft limit left to override.
  OrderRequest request = Request();
  request.soft_limit_override = OrderOverride{{"dr-lee", Role::kPhysician}, "non-responder"};
  EXPECT_EQ(Fields(CreateOrder(plan, request).error()),
            (std::vector<std::string>{"plan.blocked", "soft_limit_override"}));
}

TEST(OrderTest, ABlockFindingAloneAlsoBlocks) {
  DosePlan plan = StandardPlan();
  plan.findings.push_back({"dose.dilution", Severity::kBlock, "undiluted", "label"});
  ASSERT_FALSE(plan.blocked);  // a snapshot whose flag was lost still carries its finding
  auto order = CreateOrder(plan, Request());
  ASSERT_FALSE(order.has_value());
  EXPECT_EQ(Fields(order.error()), (std::vector<std::string>{"plan.blocked"}));
}

// 0.8 mg/kg (56 mg) is above the soft maximum of 0.75: a warning that only a physician's
// override with a reason resolves.
TEST(OrderTest, ASoftLimitWarningNeedsAPhysiciansOverride) {
  DoseRequest dose = StandardRequest();
  dose.mg_per_kg = 0.8;
  const DosePlan plan = *PlanDose(dose, DoseProtocol{});
  ASSERT_FALSE(plan.blocked);

  auto unresolved = CreateOrder(plan, Request());
  ASSERT_FALSE(unresolved.has_value());
  EXPECT_EQ(Fields(unresolved.error()), (std::vector<std::string>{"soft_limit_override"}));
  EXPECT_NE(unresolved.error().problems()[0].reason.find("dose.soft-limit"), std::string::npos);

  // The ordering physician may override...
  OrderRequest request = Request();
  request.soft_limit_override =
      OrderOverride{{"dr-lee", Role::kPhysician}, "non-responder after 3 infusions"};
  auto own = CreateOrder(plan, request);
  ASSERT_TRUE(own.has_value()) << own.error().ToString();
  EXPECT_EQ(own->soft_limit_override, request.soft_limit_override);
  EXPECT_EQ(own->plan.dose_mg, 56);

  // ...or another physician...
  request.soft_limit_override->physician.user_id = "dr-medical-director";
  EXPECT_TRUE(CreateOrder(plan, request).has_value());

  // ...but not a nurse, and not without a reason (five characters at least).
  request.soft_limit_override = OrderOverride{{"nurse-ana", Role::kNurse}, "ok"};
  auto nurse = CreateOrder(plan, request);
  ASSERT_FALSE(nurse.has_value());
  EXPECT_EQ(Fields(nurse.error()), (std::vector<std::string>{"soft_limit_override.physician.role",
                                                             "soft_limit_override.reason"}));
  request.soft_limit_override = OrderOverride{{"", Role::kPhysician}, "12345"};
  auto unnamed = CreateOrder(plan, request);
  ASSERT_FALSE(unnamed.has_value());
  EXPECT_EQ(Fields(unnamed.error()),
            (std::vector<std::string>{"soft_limit_override.physician.user_id"}));
  request.soft_limit_override = OrderOverride{{"dr-lee", Role::kPhysician}, "1234"};
  EXPECT_FALSE(CreateOrder(plan, request).has_value());
}

TEST(OrderTest, APlanCalculatedWithAnOverrideStillNamesTheOverrideInTheOrder) {
  DoseRequest dose = StandardRequest();
  dose.mg_per_kg = 0.8;
  dose.soft_limit_override = SoftLimitOverride{"dr-lee", "non-responder"};
  const DosePlan plan = *PlanDose(dose, DoseProtocol{});
  auto order = CreateOrder(plan, Request());
  ASSERT_FALSE(order.has_value());
  EXPECT_EQ(Fields(order.error()), (std::vector<std::string>{"soft_limit_override"}));
  OrderRequest request = Request();
  request.soft_limit_override = OrderOverride{{"dr-lee", Role::kPhysician}, "non-responder"};
  EXPECT_TRUE(CreateOrder(plan, request).has_value());
}

TEST(OrderTest, AnOverrideWithNothingToOverrideIsRefused) {
  OrderRequest request = Request();
  request.soft_limit_override = OrderOverride{{"dr-lee", Role::kPhysician}, "just in case"};
  auto order = CreateOrder(StandardPlan(), request);
  ASSERT_FALSE(order.has_value());
  EXPECT_EQ(Fields(order.error()), (std::vector<std::string>{"soft_limit_override"}));
}

TEST(OrderTest, OnlyAPhysicianOrdersAndEveryProblemIsNamed) {
  OrderRequest request = Request();
  request.patient_id = "";
  request.course_id = "";
  request.ordered_by = Clinician{"", Role::kNurse};
  request.vial_mg_per_ml = 25;
  auto order = CreateOrder(StandardPlan(), request);
  ASSERT_FALSE(order.has_value());
  EXPECT_EQ(order.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(Fields(order.error()),
            (std::vector<std::string>{"patient_id", "course_id", "ordered_by.user_id",
                                      "ordered_by.role", "vial_mg_per_ml"}));
  for (Role role : {Role::kPharmacist, Role::kFrontDesk, Role::kAdmin, Role::kAuditor}) {
    request = Request();
    request.ordered_by.role = role;
    EXPECT_EQ(Fields(CreateOrder(StandardPlan(), request).error()),
              (std::vector<std::string>{"ordered_by.role"}))
        << RoleName(role);
  }
}

// The plan drew 3.5 mL for 35 mg: 10 mg/mL. An order that says 50 mg/mL would give 175 mg.
TEST(OrderTest, TheVialMustMatchThePlansDrawVolume) {
  OrderRequest request = Request();
  request.vial_mg_per_ml = 50;
  auto order = CreateOrder(StandardPlan(), request);
  ASSERT_FALSE(order.has_value());
  EXPECT_EQ(Fields(order.error()), (std::vector<std::string>{"vial_mg_per_ml"}));

  DoseRequest dose = StandardRequest();
  dose.vial_mg_per_ml = 50;  // 0.7 mL of 50 mg/mL
  request.vial_mg_per_ml = 50;
  EXPECT_TRUE(CreateOrder(*PlanDose(dose, DoseProtocol{}), request).has_value());
}

TEST(OrderTest, AnAlteredSnapshotIsRefused) {
  DosePlan plan = StandardPlan();
  plan.dose_mg = 350;  // a tenfold edit of the dose alone
  auto order = CreateOrder(plan, Request());
  ASSERT_FALSE(order.has_value());
  EXPECT_EQ(Fields(order.error()),
            (std::vector<std::string>{"vial_mg_per_ml", "plan.effective_mg_per_kg",
                                      "plan.rate_mg_per_min"}));

  plan = StandardPlan();
  plan.rate_ml_per_h = 1552.5;  // a tenfold rate
  EXPECT_EQ(Fields(CreateOrder(plan, Request()).error()),
            (std::vector<std::string>{"plan.rate_ml_per_h"}));

  plan = StandardPlan();
  plan.protocol_version = "";
  plan.duration_min = 0;
  EXPECT_EQ(Fields(CreateOrder(plan, Request()).error()),
            (std::vector<std::string>{"plan.protocol_version", "plan.duration_min"}));
}

TEST(OrderTest, ASecondClinicianVerifiesAndTheOrderIsReady) {
  const InfusionOrder order = StandardOrder();
  auto verified = VerifyOrder(order, "nurse-ana", Role::kNurse, kCheckedAt, 155.2, 35);
  ASSERT_TRUE(verified.has_value()) << verified.error().ToString();
  ASSERT_TRUE(verified->double_check.has_value());
  const DoubleCheck check = verified->double_check.value_or(DoubleCheck{});
  EXPECT_EQ(check.verifier, (Clinician{"nurse-ana", Role::kNurse}));
  EXPECT_EQ(check.at, kCheckedAt);
  EXPECT_EQ(check.entered_rate_ml_per_h, 155.2);
  EXPECT_EQ(check.entered_dose_mg, 35);
  EXPECT_EQ(check.order_version, 1);
  EXPECT_TRUE(CheckReadyToGive(*verified).has_value());
  EXPECT_TRUE(IsReadyToGive(*verified));
  EXPECT_FALSE(order.double_check.has_value());  // the input is unchanged

  // A pharmacist or another physician may check too.
  EXPECT_TRUE(VerifyOrder(order, "pharm-bo", Role::kPharmacist, kCheckedAt, 155.25, 35));
  EXPECT_TRUE(VerifyOrder(order, "dr-kim", Role::kPhysician, kCheckedAt, 155.25, 35));
}

TEST(OrderTest, TheAuthorCannotVerifyTheirOwnOrder) {
  const InfusionOrder order = StandardOrder();
  auto self = VerifyOrder(order, "dr-lee", Role::kPhysician, kCheckedAt, 155.25, 35);
  ASSERT_FALSE(self.has_value());
  EXPECT_EQ(Fields(self.error()), (std::vector<std::string>{"verifier"}));
  EXPECT_NE(self.error().problems()[0].reason.find("author"), std::string::npos);

  // Nor the physician who overrode its soft limit.
  DoseRequest dose = StandardRequest();
  dose.mg_per_kg = 0.8;
  OrderRequest request = Request();
  request.soft_limit_override = OrderOverride{{"dr-director", Role::kPhysician}, "escalation"};
  auto overridden = CreateOrder(*PlanDose(dose, DoseProtocol{}), request);
  ASSERT_TRUE(overridden.has_value());
  // 56 mg: 5.6 mL into 100 mL = 105.6 mL over 40 min = 158.4 mL/h.
  auto by_overrider =
      VerifyOrder(*overridden, "dr-director", Role::kPhysician, kCheckedAt, 158.4, 56);
  ASSERT_FALSE(by_overrider.has_value());
  EXPECT_EQ(Fields(by_overrider.error()), (std::vector<std::string>{"verifier"}));
  EXPECT_TRUE(VerifyOrder(*overridden, "nurse-ana", Role::kNurse, kCheckedAt, 158.4, 56));
}

TEST(OrderTest, OnlyALicensedClinicianVerifiesAndNotBeforeTheOrder) {
  const InfusionOrder order = StandardOrder();
  for (Role role : {Role::kFrontDesk, Role::kAdmin, Role::kAuditor, Role::kPatient}) {
    auto check = VerifyOrder(order, "someone", role, kCheckedAt, 155.25, 35);
    ASSERT_FALSE(check.has_value()) << RoleName(role);
    EXPECT_EQ(Fields(check.error()), (std::vector<std::string>{"role"}));
  }
  auto early = VerifyOrder(order, "nurse-ana", Role::kNurse, kOrderedAt - seconds(1), 155.25, 35);
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(Fields(early.error()), (std::vector<std::string>{"at"}));
  EXPECT_TRUE(VerifyOrder(order, "nurse-ana", Role::kNurse, kOrderedAt, 155.25, 35));
  auto anonymous = VerifyOrder(order, "", Role::kNurse, kCheckedAt, 155.25, 35);
  EXPECT_EQ(Fields(anonymous.error()), (std::vector<std::string>{"verifier"}));
}

// Dose tolerance 0.05 mg: 35.05 passes, 35.06 and one step off (35.5) do not.
TEST(OrderTest, TheEnteredDoseMustMatchWithinTolerance) {
  const InfusionOrder order = StandardOrder();
  EXPECT_TRUE(VerifyOrder(order, "nurse-ana", Role::kNurse, kCheckedAt, 155.25, 35.05));
  EXPECT_TRUE(VerifyOrder(order, "nurse-ana", Role::kNurse, kCheckedAt, 155.25, 34.95));
  for (double dose : {35.06, 34.94, 35.5, 350.0, 3.5}) {
    auto check = VerifyOrder(order, "nurse-ana", Role::kNurse, kCheckedAt, 155.25, dose);
    ASSERT_FALSE(check.has_value()) << dose;
    EXPECT_EQ(Fields(check.error()), (std::vector<std::string>{"entered_dose_mg"})) << dose;
    EXPECT_NE(check.error().problems()[0].reason.find("recheck the calculation"),
              std::string::npos);
  }
}

// Rate tolerance: max(0.1 mL/h, 0.5 % × 155.25 = 0.77625 mL/h) = 0.77625 mL/h. 156.0 (0.75 off)
// and 154.48 (0.77 off) pass; 156.03 and 154.47 (0.78 off) do not, nor a tenfold rate.
TEST(OrderTest, TheProgrammedRateMustMatchWithinTolerance) {
  const InfusionOrder order = StandardOrder();
  for (double rate : {155.25, 156.0, 155.0, 154.48}) {
    EXPECT_TRUE(VerifyOrder(order, "nurse-ana", Role::kNurse, kCheckedAt, rate, 35)) << rate;
  }
  for (double rate : {156.03, 154.47, 1552.5, 15.5}) {
    auto check = VerifyOrder(order, "nurse-ana", Role::kNurse, kCheckedAt, rate, 35);
    ASSERT_FALSE(check.has_value()) << rate;
    EXPECT_EQ(Fields(check.error()), (std::vector<std::string>{"entered_rate_ml_per_h"}));
    EXPECT_NE(check.error().problems()[0].reason.find("recheck the pump programming"),
              std::string::npos);
  }
}

// Without a bag: 3.5 mL over 40 min = 5.25 mL/h; 0.5 % is 0.026 mL/h, so the absolute 0.1 mL/h
// applies: 5.35 passes, 5.36 does not.
TEST(OrderTest, SlowRatesUseTheAbsoluteRateTolerance) {
  DoseRequest dose = StandardRequest();
  dose.bag_ml = 0;
  const auto order = CreateOrder(*PlanDose(dose, DoseProtocol{}), Request());
  ASSERT_TRUE(order.has_value()) << order.error().ToString();
  ASSERT_DOUBLE_EQ(order->plan.rate_ml_per_h, 5.25);
  EXPECT_TRUE(VerifyOrder(*order, "nurse-ana", Role::kNurse, kCheckedAt, 5.35, 35));
  EXPECT_TRUE(VerifyOrder(*order, "nurse-ana", Role::kNurse, kCheckedAt, 5.15, 35));
  EXPECT_FALSE(VerifyOrder(*order, "nurse-ana", Role::kNurse, kCheckedAt, 5.36, 35));
}

TEST(OrderTest, EveryVerificationProblemIsNamedAtOnce) {
  auto check =
      VerifyOrder(StandardOrder(), "dr-lee", Role::kAdmin, kOrderedAt - seconds(60), 1552.5, 350);
  ASSERT_FALSE(check.has_value());
  EXPECT_EQ(Fields(check.error()),
            (std::vector<std::string>{"verifier", "role", "at", "entered_dose_mg",
                                      "entered_rate_ml_per_h"}));
  auto nan = VerifyOrder(StandardOrder(), "nurse-ana", Role::kNurse, kCheckedAt,
                         std::numeric_limits<double>::quiet_NaN(), -1);
  EXPECT_EQ(Fields(nan.error()),
            (std::vector<std::string>{"entered_dose_mg", "entered_rate_ml_per_h"}));
}

TEST(OrderTest, AVersionIsVerifiedOnceAndAnAmendmentNeedsANewCheck) {
  auto verified = VerifyOrder(StandardOrder(), "nurse-ana", Role::kNurse, kCheckedAt, 155.25, 35);
  ASSERT_TRUE(verified.has_value());
  auto again = VerifyOrder(*verified, "nurse-bo", Role::kNurse, kCheckedAt, 155.25, 35);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);

  // Storage amends the order (a new version): the old check no longer covers it.
  InfusionOrder amended = *verified;
  amended.meta = *Amend(verified->meta, "dr-lee", kCheckedAt + seconds(60), "bag changed");
  auto ready = CheckReadyToGive(amended);
  ASSERT_FALSE(ready.has_value());
  EXPECT_EQ(Fields(ready.error()), (std::vector<std::string>{"double_check"}));
  EXPECT_NE(ready.error().problems()[0].reason.find("version 1"), std::string::npos);
  // The amender is now an author too and cannot check it; someone else can.
  InfusionOrder amended_by_other = amended;
  amended_by_other.meta.author = "dr-kim";
  EXPECT_EQ(Fields(VerifyOrder(amended_by_other, "dr-kim", Role::kPhysician,
                               kCheckedAt + seconds(120), 155.25, 35)
                       .error()),
            (std::vector<std::string>{"verifier"}));
  auto rechecked =
      VerifyOrder(amended, "nurse-bo", Role::kNurse, kCheckedAt + seconds(120), 155.25, 35);
  ASSERT_TRUE(rechecked.has_value()) << rechecked.error().ToString();
  EXPECT_EQ(rechecked->double_check.value_or(DoubleCheck{}).order_version, 2);
  EXPECT_TRUE(IsReadyToGive(*rechecked));
}

TEST(OrderTest, AWithdrawnOrderIsNeitherVerifiedNorGiven) {
  auto verified = VerifyOrder(StandardOrder(), "nurse-ana", Role::kNurse, kCheckedAt, 155.25, 35);
  ASSERT_TRUE(verified.has_value());
  InfusionOrder withdrawn = *verified;
  withdrawn.meta =
      *MarkEnteredInError(verified->meta, "dr-lee", kCheckedAt, "ordered for the wrong patient");
  auto ready = CheckReadyToGive(withdrawn);
  ASSERT_FALSE(ready.has_value());
  EXPECT_EQ(Fields(ready.error()), (std::vector<std::string>{"status", "double_check"}));
  InfusionOrder unverified = StandardOrder();
  unverified.meta.status = RecordStatus::kEnteredInError;
  auto check = VerifyOrder(unverified, "nurse-ana", Role::kNurse, kCheckedAt, 155.25, 35);
  ASSERT_FALSE(check.has_value());
  EXPECT_EQ(check.error().code(), ErrorCode::kFailedPrecondition);
}

TEST(OrderTest, ABlockedSnapshotIsNeverReady) {
  auto verified = VerifyOrder(StandardOrder(), "nurse-ana", Role::kNurse, kCheckedAt, 155.25, 35);
  ASSERT_TRUE(verified.has_value());
  InfusionOrder tampered = *verified;
  tampered.plan.blocked = true;
  EXPECT_EQ(Fields(CheckReadyToGive(tampered).error()), (std::vector<std::string>{"plan"}));
}

TEST(OrderTest, DoubleCheckToleranceDefaultsAreValidAndBadKeysAreNamed) {
  EXPECT_TRUE(ValidateDoubleCheckTolerance(DoubleCheckTolerance{}).has_value());
  DoubleCheckTolerance t;
  t.dose_mg = 0.5;         // a whole dose step would pass
  t.rate_ml_per_h = -0.1;  // negative
  t.rate_fraction = 0.05;  // 5 %
  auto status = ValidateDoubleCheckTolerance(t);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(Fields(status.error()),
            (std::vector<std::string>{"dose_mg", "rate_ml_per_h", "rate_fraction"}));
  const auto sources = DoubleCheckToleranceSources();
  ASSERT_EQ(sources.size(), 3u);
  EXPECT_EQ(sources[0].key, "dose_mg");
  EXPECT_EQ(sources[1].key, "rate_ml_per_h");
  EXPECT_EQ(sources[2].key, "rate_fraction");
}

TEST(RolesTest, NamesRoundTripAndUnknownNamesTheField) {
  for (Role role : kAllRoles) {
    auto parsed = ParseRole(RoleName(role), "role");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, role);
  }
  auto bad = ParseRole("doctor", "users[1].role");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(Fields(bad.error()), (std::vector<std::string>{"users[1].role"}));
  EXPECT_TRUE(IsLicensedClinician(Role::kPhysician));
  EXPECT_TRUE(IsLicensedClinician(Role::kNurse));
  EXPECT_TRUE(IsLicensedClinician(Role::kPharmacist));
  EXPECT_FALSE(IsLicensedClinician(Role::kFrontDesk));
  EXPECT_FALSE(IsLicensedClinician(Role::kAdmin));
  EXPECT_FALSE(IsLicensedClinician(Role::kAuditor));
  EXPECT_FALSE(IsLicensedClinician(Role::kPatient));
}

}  // namespace
}  // namespace ketaclinic::clinical
