// The demo clinic: the generator (deterministic, valid, at its target rates) and its writing
// through the clinic repository on both backends.

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "clinical_json/patient_json.h"
#include "clinical_json/record_json.h"
#include "store/clinic_repository.h"
#include "store/demo_clinic.h"
#include "store/ledger_store.h"
#include "store/store_test_util.h"

namespace ketaclinic::store {
namespace {

// Everything generated for a patient, as JSON, to compare clinics.
nlohmann::json PatientJson(const DemoPatient& p) {
  nlohmann::json out = {{"file", clinical_json::PatientFileToJson(p.file)},
                        {"id", p.file.patient.meta.id}};
  for (const clinical::TreatmentCourse& c : p.courses) {
    out["courses"].push_back(clinical_json::CourseToJson(c));
  }
  for (const DemoSession& s : p.sessions) {
    out["sessions"].push_back(clinical_json::SessionRecordToJson(s.record));
    for (const clinical::VitalSigns& v : s.vitals) {
      out["vitals"].push_back(
          {FormatRfc3339(v.time), v.systolic_mmhg.value_or(0), v.heart_rate_bpm.value_or(0)});
    }
  }
  for (const auto& r : p.scale_responses) {
    out["responses"].push_back(clinical_json::ScaleResponseRecordToJson(r));
  }
  for (const auto& e : p.side_effects) {
    out["effects"].push_back(clinical_json::SideEffectRecordToJson(e));
  }
  return out;
}

DemoClinic Generate(int patients, uint64_t seed) {
  DemoOptions options;
  options.patients = patients;
  options.seed = seed;
  Result<DemoClinic> clinic = GenerateDemoClinic(options);
  EXPECT_TRUE(clinic) << clinic.error().ToString();
  return clinic.value_or(DemoClinic{});
}

TEST(DemoClinicTest, SameSeedSameClinicOtherSeedAnother) {
  const DemoClinic a = Generate(40, 7);
  const DemoClinic b = Generate(40, 7);
  const DemoClinic c = Generate(40, 8);
  ASSERT_EQ(a.patients.size(), 40u);
  int differing = 0;
  for (size_t i = 0; i < a.patients.size(); ++i) {
    EXPECT_EQ(PatientJson(a.patients[i]), PatientJson(b.patients[i])) << i;
    if (PatientJson(a.patients[i])["file"] != PatientJson(c.patients[i])["file"]) ++differing;
  }
  EXPECT_GT(differing, 30);
}

TEST(DemoClinicTest, RefusesABadPatientCount) {
  DemoOptions options;
  options.patients = 0;
  Result<DemoClinic> clinic = GenerateDemoClinic(options);
  ASSERT_FALSE(clinic);
  EXPECT_EQ(clinic.error().problems().at(0).field, "patients");
}

TEST(DemoClinicTest, EveryRecordPassesItsReader) {
  const DemoClinic clinic = Generate(120, 3);
  for (const DemoPatient& p : clinic.patients) {
    const std::string& id = p.file.patient.meta.id;
    auto file = clinical_json::PatientFileFromJson(clinical_json::PatientFileToJson(p.file));
    ASSERT_TRUE(file) << id << ": " << file.error().ToString();
    for (const clinical::TreatmentCourse& c : p.courses) {
      auto read = clinical_json::CourseFromJson(clinical_json::CourseToJson(c));
      ASSERT_TRUE(read) << c.meta.id << ": " << read.error().ToString();
    }
    for (const DemoSession& s : p.sessions) {
      auto read =
          clinical_json::SessionRecordFromJson(clinical_json::SessionRecordToJson(s.record));
      ASSERT_TRUE(read) << s.record.meta.id << ": " << read.error().ToString();
      EXPECT_GE(s.vitals.size(), 7u);  // baseline, 0..40 min every 10, +15, +30
      for (const clinical::VitalSigns& v : s.vitals) {
        EXPECT_TRUE(clinical::ValidateVitalSigns(v)) << s.record.meta.id;
      }
    }
    for (const auto& r : p.scale_responses) {
      auto read =
          clinical_json::ScaleResponseRecordFromJson(clinical_json::ScaleResponseRecordToJson(r));
      ASSERT_TRUE(read) << r.response.meta.id << ": " << read.error().ToString();
    }
    for (const auto& e : p.side_effects) {
      auto read = clinical_json::SideEffectRecordFromJson(clinical_json::SideEffectRecordToJson(e));
      ASSERT_TRUE(read) << e.meta.id << ": " << read.error().ToString();
    }
    // The not-eligible have stated reasons and no treatment; the treated have an induction.
    if (p.eligibility == clinical::EligibilityOutcome::kNotEligible) {
      EXPECT_FALSE(p.blocked_by.empty()) << id;
      EXPECT_TRUE(p.courses.empty()) << id;
    } else {
      ASSERT_FALSE(p.courses.empty()) << id;
      EXPECT_EQ(p.courses.front().phase, clinical::CoursePhase::kInduction);
      EXPECT_GE(p.courses.front().infusions.size(), 1u);
      EXPECT_LE(p.courses.front().infusions.size(), 6u);
    }
  }
}

TEST(DemoClinicTest, RatesAreNearTheTargets) {
  const DemoClinic clinic = Generate(800, 11);
  const DemoSummary s = Summarize(clinic);
  const DemoTargets& t = DefaultDemoTargets();
  ASSERT_EQ(s.patients, 800);
  ASSERT_GT(s.eligible, 0);
  const auto share = [](int64_t part, int64_t whole) {
    return static_cast<double>(part) / static_cast<double>(whole);
  };
  // Bands: sampling error at these sizes is about ±0.04; the rules' own decisions (an early
  // drop-out cannot reach a response) move the measured rates a little below the targets.
  EXPECT_NEAR(share(s.not_eligible, s.patients), t.ineligible_fraction, 0.06);
  EXPECT_NEAR(share(s.completed_induction, s.eligible), t.completes_induction, 0.07);
  EXPECT_NEAR(share(s.stopped_after_first, s.eligible), t.stops_after_first, 0.06);
  EXPECT_NEAR(share(s.responders, s.eligible), t.responder_fraction, 0.1);
  EXPECT_NEAR(share(s.remitters, s.eligible), t.remitter_fraction, 0.1);
  EXPECT_NEAR(share(s.relapses, s.responders), t.relapse_of_responders, 0.12);
  EXPECT_GT(s.boosters, 0);
  EXPECT_GT(s.side_effects, 0);
}

class DemoClinicContract : public StoreContract {};

TEST_P(DemoClinicContract, WritesTheClinicThroughTheRepository) {
  const DemoClinic clinic = Generate(60, 5);
  const DemoSummary summary = Summarize(clinic);
  std::vector<std::pair<int64_t, int64_t>> progress;
  Status written = WriteDemoClinic(store(), Physician(), clinic, [&](int64_t done, int64_t total) {
    progress.emplace_back(done, total);
  });
  ASSERT_TRUE(written) << written.error().ToString();
  ASSERT_EQ(progress.size(), 2u);  // batches of 50
  EXPECT_EQ(progress.back(), std::make_pair(int64_t{60}, int64_t{60}));

  Result<int64_t> patients = store().Read([](Transaction& tx) { return CountPatients(tx); });
  ASSERT_TRUE(patients);
  EXPECT_EQ(*patients, 60);
  Result<int64_t> vitals = store().Read([](Transaction& tx) -> Result<int64_t> {
    Result<Rows> rows = tx.Query("SELECT COUNT(*) FROM vitals");
    if (!rows) return tl::unexpected(rows.error());
    RowReader reader(*rows, 0);
    return reader.Int64(0);
  });
  ASSERT_TRUE(vitals);
  EXPECT_EQ(*vitals, summary.vitals);

  // The ledger: every infusion before the store's clock has its vial, drawn, given and wasted
  // to zero (nothing left in stock or in open draws), and reconciles with what the pump gave.
  LedgerStore ledger(store());
  int reconciled = 0;
  for (const DemoPatient& patient : clinic.patients) {
    for (const DemoSession& session : patient.sessions) {
      const auto& r = session.record;
      if (!r.infusion_end || *r.infusion_end + std::chrono::hours(1) > store().Now()) continue;
      auto findings = ledger.ReconcileSession(Physician(), r.meta.id, r.delivered_mg);
      ASSERT_TRUE(findings) << findings.error().ToString();
      ASSERT_EQ(findings->size(), 1u);
      EXPECT_EQ((*findings)[0].rule_id, "ledger.session-reconcile");
      EXPECT_EQ((*findings)[0].severity, clinical::Severity::kInfo) << (*findings)[0].message;
      ++reconciled;
    }
  }
  EXPECT_GT(reconciled, 20);
  auto on_hand = ledger.OnHandByLot();
  ASSERT_TRUE(on_hand) << on_hand.error().ToString();
  ASSERT_FALSE(on_hand->empty());
  for (const clinical::LotOnHand& lot : *on_hand) {
    EXPECT_EQ(lot.in_stock_ug, 0) << lot.lot_number;
    EXPECT_EQ(lot.in_open_draws_ug, 0) << lot.lot_number;
  }

  // One treated patient's chart has what was generated, authored by a stored clinician.
  const auto treated = std::find_if(clinic.patients.begin(), clinic.patients.end(),
                                    [](const DemoPatient& p) { return !p.courses.empty(); });
  ASSERT_NE(treated, clinic.patients.end());
  ClinicRepository repo(store());
  Result<PatientChart> chart = repo.ReadPatientChart(Physician(), treated->file.patient.meta.id);
  ASSERT_TRUE(chart) << chart.error().ToString();
  EXPECT_EQ(chart->courses.size(), treated->courses.size());
  EXPECT_EQ(chart->sessions.size(), treated->sessions.size());
  EXPECT_EQ(chart->scale_responses.size(), treated->scale_responses.size());
  EXPECT_EQ(chart->side_effects.size(), treated->side_effects.size());
  ASSERT_FALSE(chart->sessions.empty());
  EXPECT_NE(chart->sessions[0].meta.author.rfind("rn.", 0), 0u);  // a user id, not a username

  // The same seed again collides with its own ids: nothing of the second run is written.
  Status again = WriteDemoClinic(store(), Physician(), Generate(10, 5));
  ASSERT_FALSE(again);
  EXPECT_TRUE(IsConflict(again.error())) << again.error().ToString();
  Result<int64_t> after = store().Read([](Transaction& tx) { return CountPatients(tx); });
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, 60);
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoClinicContract,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendParamName);

}  // namespace
}  // namespace ketaclinic::store
