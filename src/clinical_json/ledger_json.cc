#include "clinical_json/ledger_json.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/time.h"

#include "clinical/patient.h"
#include "json/json_reader.h"

namespace ketaclinic::clinical_json {
namespace {

using json_read::ObjectReader;
using nlohmann::json;

// Far beyond any real quantity, concentration or volume (clinical::kMaxEntryUg is 1e9), and
// well inside a double's exact integers, so the conversions below are exact.
constexpr double kMaxWhole = 1e12;

// A present whole number member (2.0 accepted; 2.5, 1e13 problems).
std::optional<std::int64_t> WholeNumber(ObjectReader& reader, Validator& v, std::string_view key) {
  const std::optional<double> value = reader.Number(key);
  if (!value) return std::nullopt;
  if (std::trunc(*value) != *value || std::fabs(*value) > kMaxWhole) {
    v.Add(
        {reader.Field(key), "must be a whole number (at most 1e12), got " + FormatNumber(*value)});
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*value);
}

// Exactly one of KEY_ug (whole micrograms) and KEY_mg (milligrams, at most three decimals),
// as micrograms; `prefix` is "quantity" or "initial_content".
std::optional<clinical::Micrograms> ReadMicrograms(ObjectReader& reader, Validator& v,
                                                   const std::string& prefix) {
  const std::string ug_key = prefix + "_ug";
  const std::string mg_key = prefix + "_mg";
  const bool has_ug = reader.Has(ug_key);
  const bool has_mg = reader.Has(mg_key);
  if (has_ug == has_mg) {
    v.Add({reader.Field(has_ug ? mg_key : ug_key),
           has_ug ? "give " + ug_key + " or " + mg_key + ", not both"
                  : "is required (or " + mg_key + " in milligrams)"});
    return std::nullopt;
  }
  if (has_ug) return WholeNumber(reader, v, ug_key);
  const std::optional<double> mg = reader.Number(mg_key);
  if (!mg) return std::nullopt;
  const double ug = *mg * 1000.0;
  const double whole = std::round(ug);
  // 35.5 mg * 1000 is 35500 exactly; 0.001 * 1000 is within 1e-12 of 1: anything further from a
  // whole microgram has more than three decimals.
  if (std::fabs(*mg) > kMaxWhole / 1000.0 || std::fabs(ug - whole) > 1e-6) {
    v.Add({reader.Field(mg_key),
           "must be milligrams with at most three decimals (1 µg), got " + FormatNumber(*mg)});
    return std::nullopt;
  }
  return static_cast<clinical::Micrograms>(whole);
}

std::string RequiredString(ObjectReader& reader, Validator& v, std::string_view key) {
  if (!reader.Has(key)) {
    v.Add({reader.Field(key), "is required"});
    return {};
  }
  return reader.String(key).value_or("");
}

bool CheckObject(const json& object, const std::string& path, Validator& v, const char* what) {
  if (object.is_object()) return true;
  v.Add({path.empty() ? std::string(json_read::kJsonField) : path,
         std::string("must be ") + what + " object, got " + json_read::TypeName(object)});
  return false;
}

template <typename T, typename Reader>
Result<std::vector<T>> ParseFile(std::string_view text, const std::string& message, Reader read) {
  Result<json> root = json_read::ParseJsonText(text, message);
  if (!root) return tl::unexpected(root.error());
  Validator v(message);
  std::vector<T> items;
  if (root->is_array()) {
    if (root->empty()) v.Add({std::string(json_read::kJsonField), "the array is empty"});
    items.reserve(root->size());
    for (size_t i = 0; i < root->size(); ++i) {
      items.push_back(read((*root)[i], "[" + std::to_string(i) + "]", v));
    }
  } else {
    items.push_back(read(*root, "", v));
  }
  if (Status done = v.Finish(); !done) return tl::unexpected(done.error());
  return items;
}

std::string Mg(clinical::Micrograms ug) { return clinical::FormatMilligrams(ug); }

}  // namespace

clinical::Product ReadProduct(const json& object, const std::string& path, Validator& v) {
  clinical::Product product;
  if (!CheckObject(object, path, v, "a product")) return product;
  ObjectReader reader(object, path, v);
  product.ndc = RequiredString(reader, v, "ndc");
  product.name = RequiredString(reader, v, "name");
  if (!reader.Has("concentration_ug_per_ml")) {
    v.Add({reader.Field("concentration_ug_per_ml"), "is required (100 mg/mL = 100000)"});
  }
  product.concentration_ug_per_ml = WholeNumber(reader, v, "concentration_ug_per_ml").value_or(0);
  if (!reader.Has("vial_volume_ul")) {
    v.Add({reader.Field("vial_volume_ul"), "is required (10 mL = 10000)"});
  }
  product.vial_volume_ul = WholeNumber(reader, v, "vial_volume_ul").value_or(0);
  reader.RejectUnknown({"ndc", "name", "concentration_ug_per_ml", "vial_volume_ul"}, "a product");
  return product;
}

clinical::Lot ReadLot(const json& object, const std::string& path, Validator& v) {
  clinical::Lot lot;
  if (!CheckObject(object, path, v, "a lot")) return lot;
  ObjectReader reader(object, path, v);
  lot.lot_number = RequiredString(reader, v, "lot_number");
  lot.ndc = RequiredString(reader, v, "ndc");
  const std::string expiry = RequiredString(reader, v, "expiry");
  if (!expiry.empty()) {
    Result<clinical::Date> date = clinical::ParseDate(expiry, reader.Field("expiry"));
    if (date) {
      lot.expiry = *date;
    } else {
      v.Merge(date.error(), "");
    }
  }
  reader.RejectUnknown({"lot_number", "ndc", "expiry"}, "a lot");
  return lot;
}

clinical::Vial ReadVial(const json& object, const std::string& path, Validator& v) {
  clinical::Vial vial;
  if (!CheckObject(object, path, v, "a vial")) return vial;
  ObjectReader reader(object, path, v);
  vial.id = RequiredString(reader, v, "id");
  vial.lot_number = RequiredString(reader, v, "lot_number");
  vial.initial_content_ug = ReadMicrograms(reader, v, "initial_content").value_or(0);
  reader.RejectUnknown({"id", "lot_number", "initial_content_ug", "initial_content_mg"}, "a vial");
  return vial;
}

clinical::LedgerEntry ReadLedgerEntry(const json& object, const std::string& path, Validator& v) {
  clinical::LedgerEntry entry;
  if (!CheckObject(object, path, v, "a ledger entry")) return entry;
  ObjectReader reader(object, path, v);
  entry.meta.id = reader.String("id").value_or("");
  const std::string type = RequiredString(reader, v, "type");
  if (!type.empty()) {
    Result<clinical::EntryType> parsed = clinical::ParseEntryType(type, reader.Field("type"));
    if (parsed) {
      entry.type = *parsed;
    } else {
      v.Merge(parsed.error(), "");
    }
  }
  entry.quantity_ug = ReadMicrograms(reader, v, "quantity").value_or(0);
  entry.vial_id = RequiredString(reader, v, "vial_id");
  entry.patient_id = reader.String("patient_id").value_or("");
  entry.session_id = reader.String("session_id").value_or("");
  entry.reason = reader.String("reason").value_or("");
  entry.location = reader.String("location").value_or("");
  entry.reverses = reader.String("reverses").value_or("");
  if (!reader.Has("time")) v.Add({reader.Field("time"), "is required (when it happened)"});
  if (std::optional<Instant> time = reader.Time("time")) entry.time = *time;
  reader.RejectUnknown({"id", "type", "quantity_ug", "quantity_mg", "vial_id", "patient_id",
                        "session_id", "reason", "location", "time", "reverses"},
                       "a ledger entry (actor and witness are the signed-in users)");
  return entry;
}

Result<std::vector<clinical::Product>> ParseProductsFile(std::string_view text) {
  return ParseFile<clinical::Product>(text, "invalid product file", ReadProduct);
}

Result<std::vector<clinical::Lot>> ParseLotsFile(std::string_view text) {
  return ParseFile<clinical::Lot>(text, "invalid lot file", ReadLot);
}

Result<std::vector<clinical::Vial>> ParseVialsFile(std::string_view text) {
  return ParseFile<clinical::Vial>(text, "invalid vial file", ReadVial);
}

Result<std::vector<clinical::LedgerEntry>> ParseLedgerEntriesFile(std::string_view text) {
  return ParseFile<clinical::LedgerEntry>(text, "invalid ledger entry file", ReadLedgerEntry);
}

json ProductToJson(const clinical::Product& product) {
  return {{"ndc", product.ndc},
          {"name", product.name},
          {"concentration_ug_per_ml", product.concentration_ug_per_ml},
          {"vial_volume_ul", product.vial_volume_ul}};
}

json LotToJson(const clinical::Lot& lot) {
  return {{"lot_number", lot.lot_number},
          {"ndc", lot.ndc},
          {"expiry", clinical::FormatDate(lot.expiry)}};
}

json VialToJson(const clinical::Vial& vial) {
  return {{"id", vial.id},
          {"lot_number", vial.lot_number},
          {"initial_content_ug", vial.initial_content_ug}};
}

json LedgerEntryToJson(const clinical::LedgerEntry& entry) {
  return {{"id", entry.meta.id},
          {"type", clinical::EntryTypeName(entry.type)},
          {"quantity_ug", entry.quantity_ug},
          {"quantity_mg", Mg(entry.quantity_ug)},
          {"vial_id", entry.vial_id},
          {"patient_id", entry.patient_id},
          {"session_id", entry.session_id},
          {"actor", entry.actor},
          {"witness", entry.witness},
          {"reason", entry.reason},
          {"location", entry.location},
          {"time", FormatRfc3339(entry.time)},
          {"reverses", entry.reverses},
          {"author", entry.meta.author},
          {"recorded_at", FormatRfc3339(entry.meta.recorded_at)}};
}

json LotOnHandToJson(const clinical::LotOnHand& row) {
  return {{"lot_number", row.lot_number},
          {"ndc", row.ndc},
          {"product_name", row.product_name},
          {"expiry", clinical::FormatDate(row.expiry)},
          {"vials_with_stock", row.vials_with_stock},
          {"in_stock_ug", row.in_stock_ug},
          {"in_open_draws_ug", row.in_open_draws_ug}};
}

json AdministrationToJson(const clinical::AdministrationRecord& row) {
  return {{"entry_id", row.entry_id},
          {"time", FormatRfc3339(row.time)},
          {"patient_id", row.patient_id},
          {"session_id", row.session_id},
          {"ndc", row.ndc},
          {"product_name", row.product_name},
          {"concentration_ug_per_ml", row.concentration_ug_per_ml},
          {"quantity_ug", row.quantity_ug},
          {"volume_ul", row.volume_ul},
          {"lot_number", row.lot_number},
          {"vial_id", row.vial_id},
          {"administered_by", row.administered_by},
          {"witness", row.witness},
          {"reversed_by", row.reversed_by}};
}

json DiscrepancyToJson(const clinical::Discrepancy& row) {
  return {{"kind", clinical::DiscrepancyKindName(row.kind)},
          {"entry_id", row.entry_id},
          {"time", FormatRfc3339(row.time)},
          {"vial_id", row.vial_id},
          {"lot_number", row.lot_number},
          {"session_id", row.session_id},
          {"book_ug", row.book_ug},
          {"found_ug", row.found_ug},
          {"actor", row.actor},
          {"witness", row.witness},
          {"reason", row.reason}};
}

json InventoryToJson(const clinical::InventoryReport& report) {
  json lines = json::array();
  for (const clinical::InventoryLine& line : report.lines) {
    lines.push_back({{"ndc", line.ndc},
                     {"product_name", line.product_name},
                     {"concentration_ug_per_ml", line.concentration_ug_per_ml},
                     {"vial_volume_ul", line.vial_volume_ul},
                     {"lot_number", line.lot_number},
                     {"expiry", clinical::FormatDate(line.expiry)},
                     {"expired", line.expired},
                     {"vial_id", line.vial_id},
                     {"location", line.location},
                     {"in_vial_ug", line.in_vial_ug},
                     {"in_open_draws_ug", line.in_open_draws_ug},
                     {"opened", line.opened}});
  }
  json totals = json::array();
  for (const clinical::InventoryTotal& total : report.totals) {
    totals.push_back({{"ndc", total.ndc}, {"vials", total.vials}, {"total_ug", total.total_ug}});
  }
  return {{"kind", clinical::InventoryKindName(report.kind)},
          {"as_of", FormatRfc3339(report.as_of)},
          {"lines", std::move(lines)},
          {"totals", std::move(totals)}};
}

}  // namespace ketaclinic::clinical_json
