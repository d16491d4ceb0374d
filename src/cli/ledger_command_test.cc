#include "cli/ledger_command.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/command_test_util.h"

#include "clinical/roles.h"
#include "store/ids.h"
#include "store/store.h"
#include "store/users.h"

namespace ketaclinic::cli {
namespace {

using ::testing::HasSubstr;

const std::string kExamples = std::string(KC_SOURCE_DIR) + "/examples/";
constexpr const char* kNursePassword = "nurse password 1234";
constexpr const char* kPharmacistPassword = "pharmacist password 5678";
constexpr const char* kDeskPassword = "front desk password 90";

// A database with three users, in a temporary folder of its own.
class LedgerCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() / ("kc_ledger_" + store::NewId());
    std::filesystem::create_directories(directory_);
    url_ = "sqlite:" + (directory_ / "clinic.db").string();
    Result<std::unique_ptr<store::Store>> db = store::Store::Open(url_);
    ASSERT_TRUE(db) << db.error().ToString();
    store::UserStore users(**db);
    const store::Actor admin{"local:test", "admin", "local"};
    for (const auto& [name, role, password] :
         {std::tuple{"nurse.ann", clinical::Role::kNurse, kNursePassword},
          std::tuple{"pharm.bob", clinical::Role::kPharmacist, kPharmacistPassword},
          std::tuple{"desk.cat", clinical::Role::kFrontDesk, kDeskPassword}}) {
      Result<store::User> user = users.Create(admin, {name, name, role, password});
      ASSERT_TRUE(user) << user.error().ToString();
    }
  }
  void TearDown() override {
    unsetenv(kPasswordVariable);         // NOLINT(concurrency-mt-unsafe): one test thread
    unsetenv(kWitnessPasswordVariable);  // NOLINT(concurrency-mt-unsafe)
    std::error_code ec;
    std::filesystem::remove_all(directory_, ec);
  }

  LedgerOptions Options(const std::string& file, const std::string& user,
                        const char* password) const {
    LedgerOptions options;
    options.db = url_;
    options.file = file;
    options.user = user;
    setenv(kPasswordVariable, password, 1);  // NOLINT(concurrency-mt-unsafe)
    return options;
  }

  std::string Write(const std::string& name, const std::string& text) const {
    const std::string path = (directory_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  // Catalog and both vials received, by the pharmacist.
  void Stock() {
    const auto run = [&](const char* file, auto command) {
      const CommandOutput result =
          Invoke(Options(kExamples + file, "pharm.bob", kPharmacistPassword), command);
      ASSERT_EQ(result.status, 0) << file << ": " << result.err << result.out;
    };
    run("ledger-products.json", RunLedgerAddProduct);
    run("ledger-lots.json", RunLedgerAddLot);
    run("ledger-vials.json", RunLedgerAddVial);
    run("ledger-receive.json", RunLedgerRecord);
  }

  nlohmann::json Report(const std::string& name, const std::string& patient = "",
                        const std::string& as_of = "") const {
    LedgerOptions options;
    options.db = url_;
    options.report = name;
    options.patient_id = patient;
    options.as_of = as_of;
    options.format = Format::kJson;
    const CommandOutput result = Invoke(options, RunLedgerReport);
    EXPECT_EQ(result.status, 0) << result.err << result.out;
    return nlohmann::json::parse(result.out, nullptr, false);
  }

  std::filesystem::path directory_;
  std::string url_;
};

TEST_F(LedgerCommandTest, RecordsTheExampleSessionAndReportsIt) {
  Stock();
  LedgerOptions session = Options(kExamples + "ledger-session.json", "nurse.ann", kNursePassword);
  session.witness = "pharm.bob";
  setenv(kWitnessPasswordVariable, kPharmacistPassword, 1);  // NOLINT(concurrency-mt-unsafe)
  const CommandOutput recorded = Invoke(session, RunLedgerRecord);
  ASSERT_EQ(recorded.status, 0) << recorded.err;
  EXPECT_THAT(recorded.out, HasSubstr("recorded 3 ledger entries"));
  EXPECT_THAT(recorded.out, HasSubstr("35.5"));

  // Hand-worked: vial 001 100 - 40 drawn = 60 mg, vial 002 100 mg; the draw is closed
  // (35.5 given + 4.5 wasted).
  const nlohmann::json on_hand = Report("on-hand");
  ASSERT_EQ(on_hand["on_hand"].size(), 1U);
  EXPECT_EQ(on_hand["on_hand"][0]["lot_number"], "K2401");
  EXPECT_EQ(on_hand["on_hand"][0]["vials_with_stock"], 2);
  EXPECT_EQ(on_hand["on_hand"][0]["in_stock_ug"], 160'000);
  EXPECT_EQ(on_hand["on_hand"][0]["in_open_draws_ug"], 0);

  const nlohmann::json patient = Report("patient", "patient-0001");
  ASSERT_EQ(patient["administrations"].size(), 1U);
  EXPECT_EQ(patient["administrations"][0]["quantity_ug"], 35'500);
  EXPECT_EQ(patient["administrations"][0]["volume_ul"], 3'550);  // 35.5 mg at 10 mg/mL
  EXPECT_EQ(patient["administrations"][0]["lot_number"], "K2401");

  EXPECT_TRUE(Report("discrepancies")["discrepancies"].empty());

  const nlohmann::json inventory = Report("inventory", "", "2026-03-02T10:00:00Z");
  ASSERT_EQ(inventory["lines"].size(), 2U);
  EXPECT_EQ(inventory["lines"][0]["vial_id"], "K2401-001");
  EXPECT_EQ(inventory["lines"][0]["in_vial_ug"], 60'000);
  EXPECT_EQ(inventory["lines"][0]["opened"], true);
  EXPECT_EQ(inventory["lines"][1]["opened"], false);

  // The table forms print too.
  LedgerOptions table;
  table.db = url_;
  table.report = "inventory";
  const CommandOutput text = Invoke(table, RunLedgerReport);
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("sealed (exact count)"));
}

TEST_F(LedgerCommandTest, AnOverdrawIsRefusedWithStatus3AndWritesNothing) {
  Stock();
  const std::string file = Write("draw.json", R"({"type": "DRAW", "quantity_mg": 100.001,
      "vial_id": "K2401-001", "patient_id": "p1", "session_id": "s1",
      "time": "2026-03-02T09:00:00Z"})");
  const CommandOutput refused = Invoke(Options(file, "nurse.ann", kNursePassword), RunLedgerRecord);
  EXPECT_EQ(refused.status, 3);
  EXPECT_THAT(refused.err, HasSubstr("quantity_ug"));
  EXPECT_EQ(Report("on-hand")["on_hand"][0]["in_stock_ug"], 200'000);
}

TEST_F(LedgerCommandTest, ABatchNamesTheFailingEntryByItsPlaceInTheFile) {
  Stock();
  const std::string file = Write("batch.json", R"([
    {"type": "DRAW", "quantity_mg": 10, "vial_id": "K2401-001", "patient_id": "p1",
     "session_id": "s1", "time": "2026-03-02T09:00:00Z"},
    {"type": "ADMINISTER", "quantity_mg": 11, "vial_id": "K2401-001", "patient_id": "p1",
     "session_id": "s1", "time": "2026-03-02T09:30:00Z"}])");
  const CommandOutput refused = Invoke(Options(file, "nurse.ann", kNursePassword), RunLedgerRecord);
  EXPECT_EQ(refused.status, 3);
  EXPECT_THAT(refused.err, HasSubstr("[1].quantity_ug"));
  EXPECT_EQ(Report("on-hand")["on_hand"][0]["in_stock_ug"], 200'000);
}

TEST_F(LedgerCommandTest, WritersSignInAndMustBeLicensedClinicians) {
  const std::string file = kExamples + "ledger-products.json";
  LedgerOptions no_password;
  no_password.db = url_;
  no_password.file = file;
  no_password.user = "pharm.bob";
  const CommandOutput missing = Invoke(no_password, RunLedgerAddProduct);
  EXPECT_EQ(missing.status, 2);
  EXPECT_THAT(missing.err, HasSubstr(kPasswordVariable));

  const CommandOutput wrong =
      Invoke(Options(file, "pharm.bob", "not the password"), RunLedgerAddProduct);
  EXPECT_EQ(wrong.status, 2);
  EXPECT_THAT(wrong.err, HasSubstr("--user"));

  const CommandOutput desk = Invoke(Options(file, "desk.cat", kDeskPassword), RunLedgerAddProduct);
  EXPECT_EQ(desk.status, 3);
  EXPECT_THAT(desk.err, HasSubstr("front-desk"));
}

TEST_F(LedgerCommandTest, WasteWithoutAWitnessIsInvalid) {
  Stock();
  const std::string file = Write("waste.json", R"({"type": "WASTE", "quantity_mg": 1,
      "vial_id": "K2401-002", "reason": "residue", "time": "2026-03-02T09:00:00Z"})");
  const CommandOutput result = Invoke(Options(file, "nurse.ann", kNursePassword), RunLedgerRecord);
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.err, HasSubstr("witness"));
}

TEST_F(LedgerCommandTest, AnInvalidFileNamesEveryProblem) {
  const std::string file =
      Write("bad.json", R"([{"type": "DRAW"}, {"type": "SPILL", "quantity_ug": 1}])");
  LedgerOptions options = Options(file, "nurse.ann", kNursePassword);
  options.format = Format::kJson;
  const CommandOutput result = Invoke(options, RunLedgerRecord);
  EXPECT_EQ(result.status, 2);
  for (const char* field : {"[0].quantity_ug", "[0].vial_id", "[0].time", "[1].type"}) {
    EXPECT_THAT(result.out, HasSubstr(field));
  }
}

TEST_F(LedgerCommandTest, UnknownReportAndMissingDatabaseAreInvalid) {
  LedgerOptions options;
  options.db = url_;
  options.report = "balance";
  EXPECT_EQ(Invoke(options, RunLedgerReport).status, 2);
  options.report = "on-hand";
  options.db = "sqlite:" + (directory_ / "nowhere.db").string();
  const CommandOutput missing = Invoke(options, RunLedgerReport);
  EXPECT_EQ(missing.status, 2);
  EXPECT_THAT(missing.err, HasSubstr("no database"));
}

}  // namespace
}  // namespace ketaclinic::cli
