#ifndef KETACLINIC_CLINICAL_JSON_LEDGER_JSON_H_
#define KETACLINIC_CLINICAL_JSON_LEDGER_JSON_H_

// The JSON of the controlled-substance ledger (docs/formats/ledger-entry-file.md): the files of
// `ketaclinic ledger add-product|add-lot|add-vial|record` and the JSON of stored entries and
// reports. Quantities are exact micrograms; a file may give milligrams instead ("quantity_mg":
// 35.5) with at most three decimals (1 µg), converted exactly. Who did an entry and who
// witnessed it never come from a file: they are the signed-in users.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/validation.h"

#include "clinical/ledger.h"

namespace ketaclinic::clinical_json {

// Each reads one object at `path`, every problem into `v` named path + "." + key; unknown keys
// are problems.
clinical::Product ReadProduct(const nlohmann::json& object, const std::string& path, Validator& v);
clinical::Lot ReadLot(const nlohmann::json& object, const std::string& path, Validator& v);
clinical::Vial ReadVial(const nlohmann::json& object, const std::string& path, Validator& v);
// An entry as written by a user: id (optional), type, quantity_ug or quantity_mg, vial_id,
// patient_id, session_id, reason, location, time (RFC 3339), reverses. actor, witness and the
// record header are left empty for the caller.
clinical::LedgerEntry ReadLedgerEntry(const nlohmann::json& object, const std::string& path,
                                      Validator& v);

// A file of one object or an array of them (all-or-nothing): kInvalidArgument naming every
// problem ("[2].quantity_mg" in an array, "quantity_mg" for one object).
Result<std::vector<clinical::Product>> ParseProductsFile(std::string_view text);
Result<std::vector<clinical::Lot>> ParseLotsFile(std::string_view text);
Result<std::vector<clinical::Vial>> ParseVialsFile(std::string_view text);
Result<std::vector<clinical::LedgerEntry>> ParseLedgerEntriesFile(std::string_view text);

nlohmann::json ProductToJson(const clinical::Product& product);
nlohmann::json LotToJson(const clinical::Lot& lot);
nlohmann::json VialToJson(const clinical::Vial& vial);
// Every field of a stored entry, including actor, witness, author and recorded_at; quantities
// as integer µg and as an exact decimal mg string.
nlohmann::json LedgerEntryToJson(const clinical::LedgerEntry& entry);

// Reports.
nlohmann::json LotOnHandToJson(const clinical::LotOnHand& row);
nlohmann::json AdministrationToJson(const clinical::AdministrationRecord& row);
nlohmann::json DiscrepancyToJson(const clinical::Discrepancy& row);
nlohmann::json InventoryToJson(const clinical::InventoryReport& report);

}  // namespace ketaclinic::clinical_json

#endif  // KETACLINIC_CLINICAL_JSON_LEDGER_JSON_H_
