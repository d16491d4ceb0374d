#include "clinical_json/ledger_json.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ketaclinic::clinical_json {
namespace {

using clinical::EntryType;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool HasProblem(const Error& error, const std::string& field) {
  for (const FieldProblem& problem : error.problems()) {
    if (problem.field == field) return true;
  }
  return false;
}

TEST(LedgerJsonTest, ReadsAnEntryInMilligramsExactly) {
  Result<std::vector<clinical::LedgerEntry>> entries = ParseLedgerEntriesFile(R"({
    "type": "DRAW", "quantity_mg": 35.5, "vial_id": "V1", "patient_id": "P1",
    "session_id": "S1", "time": "2026-11-29T09:30:00+01:00"})");
  ASSERT_TRUE(entries) << entries.error().ToString();
  ASSERT_EQ(entries->size(), 1U);
  const clinical::LedgerEntry& e = entries->front();
  EXPECT_EQ(e.type, EntryType::kDraw);
  EXPECT_EQ(e.quantity_ug, 35'500);
  EXPECT_EQ(e.vial_id, "V1");
  EXPECT_EQ(e.session_id, "S1");
  EXPECT_EQ(FormatRfc3339(e.time), "2026-11-29T08:30:00Z");
  EXPECT_TRUE(e.actor.empty());
  EXPECT_TRUE(e.witness.empty());
}

TEST(LedgerJsonTest, OneMicrogramIsTheFinestMilligramStep) {
  Result<std::vector<clinical::LedgerEntry>> fine = ParseLedgerEntriesFile(
      R"({"type": "COUNT", "quantity_mg": 0.001, "vial_id": "V1",
          "time": "2026-11-29T09:00:00Z"})");
  ASSERT_TRUE(fine) << fine.error().ToString();
  EXPECT_EQ(fine->front().quantity_ug, 1);
  Result<std::vector<clinical::LedgerEntry>> too_fine = ParseLedgerEntriesFile(
      R"({"type": "COUNT", "quantity_mg": 0.0005, "vial_id": "V1",
          "time": "2026-11-29T09:00:00Z"})");
  ASSERT_FALSE(too_fine);
  EXPECT_TRUE(HasProblem(too_fine.error(), "quantity_mg"));
}

TEST(LedgerJsonTest, NamesEveryProblemOfAnArrayByIndex) {
  Result<std::vector<clinical::LedgerEntry>> entries = ParseLedgerEntriesFile(R"([
    {"type": "DRAW", "quantity_ug": 1000, "vial_id": "V1", "time": "2026-11-29T09:00:00Z"},
    {"type": "SPILL", "quantity_ug": 1.5, "quantity_mg": 2, "time": "yesterday",
     "actor": "someone"}])");
  ASSERT_FALSE(entries);
  EXPECT_EQ(entries.error().code(), ErrorCode::kInvalidArgument);
  for (const char* field :
       {"[1].type", "[1].quantity_mg", "[1].vial_id", "[1].time", "[1].actor"}) {
    EXPECT_TRUE(HasProblem(entries.error(), field)) << field << "\n" << entries.error().ToString();
  }
  EXPECT_FALSE(HasProblem(entries.error(), "[0].type"));
}

TEST(LedgerJsonTest, RequiresOneQuantityAndATime) {
  Result<std::vector<clinical::LedgerEntry>> entries =
      ParseLedgerEntriesFile(R"({"type": "RECEIVE", "vial_id": "V1"})");
  ASSERT_FALSE(entries);
  EXPECT_TRUE(HasProblem(entries.error(), "quantity_ug"));
  EXPECT_TRUE(HasProblem(entries.error(), "time"));
}

TEST(LedgerJsonTest, ReadsTheCatalogFiles) {
  Result<std::vector<clinical::Product>> products = ParseProductsFile(
      R"({"ndc": "67457-108", "name": "Ketamine HCl 100 mg/mL",
          "concentration_ug_per_ml": 100000, "vial_volume_ul": 10000})");
  ASSERT_TRUE(products) << products.error().ToString();
  EXPECT_EQ(products->front().concentration_ug_per_ml, 100'000);
  Result<std::vector<clinical::Lot>> lots =
      ParseLotsFile(R"([{"lot_number": "L1", "ndc": "67457-108", "expiry": "2027-02-30"}])");
  ASSERT_FALSE(lots);
  EXPECT_TRUE(HasProblem(lots.error(), "[0].expiry")) << lots.error().ToString();
  Result<std::vector<clinical::Vial>> vials =
      ParseVialsFile(R"({"id": "V1", "lot_number": "L1", "initial_content_mg": 1000})");
  ASSERT_TRUE(vials) << vials.error().ToString();
  EXPECT_EQ(vials->front().initial_content_ug, 1'000'000);
}

TEST(LedgerJsonTest, WritesEveryFieldOfAnEntry) {
  clinical::LedgerEntry e;
  e.meta.id = "e1";
  e.type = EntryType::kWaste;
  e.quantity_ug = 5'250;
  e.vial_id = "V1";
  e.session_id = "S1";
  e.actor = "u1";
  e.witness = "u2";
  const nlohmann::json json = LedgerEntryToJson(e);
  EXPECT_EQ(json["type"], "WASTE");
  EXPECT_EQ(json["quantity_ug"], 5'250);
  EXPECT_EQ(json["quantity_mg"], "5.25");
  EXPECT_EQ(json["witness"], "u2");
}

// The examples of docs/formats/ledger-entry-file.md live in examples/: each must parse.
TEST(LedgerJsonTest, ParsesTheExamples) {
  const std::string dir = KC_EXAMPLES_DIR;
  Result<std::vector<clinical::Product>> products =
      ParseProductsFile(ReadFile(dir + "/ledger-products.json"));
  ASSERT_TRUE(products) << products.error().ToString();
  Result<std::vector<clinical::Lot>> lots = ParseLotsFile(ReadFile(dir + "/ledger-lots.json"));
  ASSERT_TRUE(lots) << lots.error().ToString();
  Result<std::vector<clinical::Vial>> vials = ParseVialsFile(ReadFile(dir + "/ledger-vials.json"));
  ASSERT_TRUE(vials) << vials.error().ToString();
  Result<std::vector<clinical::LedgerEntry>> entries =
      ParseLedgerEntriesFile(ReadFile(dir + "/ledger-session.json"));
  ASSERT_TRUE(entries) << entries.error().ToString();
  EXPECT_GE(entries->size(), 3U);
}

// The four examples of docs/formats/ledger-entry-file.md, in order: product, lot, vial, entries.
TEST(LedgerJsonTest, ParsesTheFormatDocumentsExamples) {
  const std::string doc = ReadFile(std::string(KC_DOCS_DIR) + "/formats/ledger-entry-file.md");
  std::vector<std::string> blocks;
  for (size_t at = doc.find("```json\n"); at != std::string::npos;
       at = doc.find("```json\n", at + 1)) {
    const size_t begin = at + 8;
    blocks.push_back(doc.substr(begin, doc.find("```", begin) - begin));
  }
  ASSERT_EQ(blocks.size(), 4U);
  Result<std::vector<clinical::Product>> products = ParseProductsFile(blocks[0]);
  EXPECT_TRUE(products) << products.error().ToString();
  Result<std::vector<clinical::Lot>> lots = ParseLotsFile(blocks[1]);
  EXPECT_TRUE(lots) << lots.error().ToString();
  Result<std::vector<clinical::Vial>> vials = ParseVialsFile(blocks[2]);
  EXPECT_TRUE(vials) << vials.error().ToString();
  Result<std::vector<clinical::LedgerEntry>> entries = ParseLedgerEntriesFile(blocks[3]);
  ASSERT_TRUE(entries) << entries.error().ToString();
  EXPECT_EQ(entries->size(), 3U);
}

}  // namespace
}  // namespace ketaclinic::clinical_json
