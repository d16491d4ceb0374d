// `ketaclinic ledger ...` (ledger_command.h): files in, the store's LedgerStore, tables or JSON
// out.

#include "cli/ledger_command.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "cli/inputs.h"
#include "cli/output.h"

#include "clinical/ledger.h"
#include "clinical/patient.h"
#include "clinical/roles.h"
#include "clinical_json/ledger_json.h"
#include "store/database_url.h"
#include "store/ledger_store.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/users.h"

namespace ketaclinic::cli {
namespace {

constexpr int kRefused = 3;

int Fail(const Error& error, const LedgerOptions& options, std::ostream& out, std::ostream& err) {
  const int status = ReportError(error, options.format, out, err);
  // A refusal by the ledger's rules (not a conflict, which is worth retrying) has its own status.
  if (error.code() == ErrorCode::kFailedPrecondition && !store::IsConflict(error)) return kRefused;
  return status;
}

void PrintJson(const nlohmann::json& json, std::ostream& out) {
  out << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

std::string Mg(clinical::Micrograms ug) { return clinical::FormatMilligrams(ug); }

// An existing database at the current schema (a typo in --db must not create an empty one).
Result<std::unique_ptr<store::Store>> OpenDatabase(const std::string& url) {
  Result<store::DatabaseUrl> parsed = store::ParseDatabaseUrl(url);
  if (!parsed) return tl::unexpected(parsed.error());
  std::error_code ec;
  if (parsed->backend == store::Backend::kSqlite && parsed->path != ":memory:" &&
      !std::filesystem::exists(parsed->path, ec)) {
    return tl::unexpected(
        Error(ErrorCode::kNotFound,
              "no database at " + parsed->display + " (create one with `ketaclinic init --db URL`)",
              {FieldProblem{"--db", "'" + parsed->path + "' does not exist"}}));
  }
  store::OpenOptions options;
  options.schema = store::OpenOptions::Schema::kCheck;
  return store::Store::Open(url, options);
}

// Signs `username` in with the password in `variable`; only a licensed clinician may write to
// the ledger or witness. `option` names the command-line option in errors.
Result<store::User> SignIn(store::Store& db, const std::string& username, const char* variable,
                           const std::string& option) {
  if (username.empty()) return tl::unexpected(Error::InvalidArgument(option, "is required"));
  const char* password = std::getenv(variable);  // NOLINT(concurrency-mt-unsafe): read once
  if (password == nullptr || *password == '\0') {
    return tl::unexpected(Error::InvalidArgument(
        variable, std::string("set it to the password of ") + option + " " + username));
  }
  Result<store::User> user = store::UserStore(db).Authenticate(username, password, "local");
  if (!user) {
    return tl::unexpected(Error(ErrorCode::kInvalidArgument, "sign-in failed",
                                {FieldProblem{option, user.error().message()}}));
  }
  if (!clinical::IsLicensedClinician(user->role)) {
    return tl::unexpected(
        Error(ErrorCode::kFailedPrecondition, "not allowed",
              {FieldProblem{option, username + " is a " + clinical::RoleName(user->role) +
                                        "; only a physician, nurse or pharmacist writes to the "
                                        "controlled-substance ledger or witnesses"}}));
  }
  return user;
}

store::Actor ActorOf(const store::User& user) {
  return store::Actor{user.id, clinical::RoleName(user.role), "local"};
}

// The command line reading reports acts as the person logged in to the machine.
store::Actor CommandLineActor() {
  const char* user = std::getenv("USER");  // NOLINT(concurrency-mt-unsafe): read once
  return store::Actor{std::string("local:") + (user != nullptr && *user != '\0' ? user : "unknown"),
                      clinical::RoleName(clinical::Role::kAuditor), "local"};
}

// The shared path of add-product, add-lot and add-vial: parse, sign in, write all or nothing.
template <typename T, typename Parse, typename Add, typename ToJson>
int RunAdd(const LedgerOptions& options, std::ostream& out, std::ostream& err, const char* what,
           Parse parse, Add add, ToJson to_json) {
  const auto fail = [&](const Error& e) { return Fail(e, options, out, err); };
  Result<std::string> text = ReadTextFile(options.file, "FILE");
  if (!text) return fail(text.error());
  Result<std::vector<T>> items = parse(*text);
  if (!items) return fail(items.error());
  Result<std::unique_ptr<store::Store>> db = OpenDatabase(options.db);
  if (!db) return fail(db.error());
  Result<store::User> user = SignIn(**db, options.user, kPasswordVariable, "--user");
  if (!user) return fail(user.error());
  store::LedgerStore ledger(**db);
  if (Status added = add(ledger, ActorOf(*user), *items); !added) return fail(added.error());
  if (options.format == Format::kJson) {
    nlohmann::json added = nlohmann::json::array();
    for (const T& item : *items) added.push_back(to_json(item));
    PrintJson({{"added", added}}, out);
  } else {
    out << "added " << items->size() << ' ' << what << (items->size() == 1 ? "" : "s") << '\n';
  }
  return 0;
}

void PrintEntries(const std::vector<clinical::LedgerEntry>& entries, std::ostream& out) {
  TextTable table({"id", "type", "mg", "vial", "session", "patient", "time"});
  for (const clinical::LedgerEntry& e : entries) {
    table.AddRow({e.meta.id, clinical::EntryTypeName(e.type), Mg(e.quantity_ug), e.vial_id,
                  e.session_id, e.patient_id, FormatRfc3339(e.time)});
  }
  table.Print(out);
}

int ReportOnHand(store::LedgerStore& ledger, const LedgerOptions& options, std::ostream& out,
                 std::ostream& err) {
  Result<std::vector<clinical::LotOnHand>> rows = ledger.OnHandByLot();
  if (!rows) return Fail(rows.error(), options, out, err);
  if (options.format == Format::kJson) {
    nlohmann::json lots = nlohmann::json::array();
    for (const clinical::LotOnHand& row : *rows)
      lots.push_back(clinical_json::LotOnHandToJson(row));
    PrintJson({{"on_hand", lots}}, out);
    return 0;
  }
  TextTable table({"lot", "ndc", "product", "expiry", "vials", "in stock mg", "open draws mg"});
  for (const clinical::LotOnHand& row : *rows) {
    table.AddRow({row.lot_number, row.ndc, row.product_name, clinical::FormatDate(row.expiry),
                  std::to_string(row.vials_with_stock), Mg(row.in_stock_ug),
                  Mg(row.in_open_draws_ug)});
  }
  table.Print(out);
  return 0;
}

int ReportPatient(store::LedgerStore& ledger, const LedgerOptions& options, std::ostream& out,
                  std::ostream& err) {
  if (options.patient_id.empty()) {
    return Fail(Error::InvalidArgument("ID", "the patient's id is required"), options, out, err);
  }
  Result<std::vector<clinical::AdministrationRecord>> rows =
      ledger.PatientAdministrations(CommandLineActor(), options.patient_id);
  if (!rows) return Fail(rows.error(), options, out, err);
  if (options.format == Format::kJson) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& row : *rows) list.push_back(clinical_json::AdministrationToJson(row));
    PrintJson({{"patient_id", options.patient_id}, {"administrations", list}}, out);
    return 0;
  }
  TextTable table({"time", "session", "ndc", "product", "mg", "mL", "lot", "vial", "by", "witness",
                   "reversed by"});
  for (const clinical::AdministrationRecord& row : *rows) {
    table.AddRow({FormatRfc3339(row.time), row.session_id, row.ndc, row.product_name,
                  Mg(row.quantity_ug), Mg(row.volume_ul), row.lot_number, row.vial_id,
                  row.administered_by, row.witness, row.reversed_by});
  }
  table.Print(out);
  return 0;
}

int ReportDiscrepancies(store::LedgerStore& ledger, const LedgerOptions& options, std::ostream& out,
                        std::ostream& err) {
  Result<std::vector<clinical::Discrepancy>> rows = ledger.Discrepancies();
  if (!rows) return Fail(rows.error(), options, out, err);
  if (options.format == Format::kJson) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& row : *rows) list.push_back(clinical_json::DiscrepancyToJson(row));
    PrintJson({{"discrepancies", list}}, out);
    return 0;
  }
  TextTable table({"kind", "time", "vial", "lot", "session", "book mg", "found mg", "actor",
                   "witness", "reason"});
  for (const clinical::Discrepancy& row : *rows) {
    table.AddRow({clinical::DiscrepancyKindName(row.kind), FormatRfc3339(row.time), row.vial_id,
                  row.lot_number, row.session_id, Mg(row.book_ug), Mg(row.found_ug), row.actor,
                  row.witness, row.reason});
  }
  table.Print(out);
  return 0;
}

int ReportInventory(store::Store& db, store::LedgerStore& ledger, const LedgerOptions& options,
                    std::ostream& out, std::ostream& err) {
  Validator v("invalid inventory request");
  Instant as_of = db.Now();
  if (!options.as_of.empty()) {
    Result<Instant> parsed = ParseRfc3339(options.as_of, "--as-of");
    if (parsed) {
      as_of = *parsed;
    } else {
      v.Merge(parsed.error(), "");
    }
  }
  const bool initial = options.kind == "initial";
  v.Require(initial || options.kind == "biennial", "--kind",
            "must be initial or biennial, got '" + options.kind + "'");
  if (Status ok = v.Finish(); !ok) return Fail(ok.error(), options, out, err);
  Result<clinical::InventoryReport> report = ledger.Inventory(
      as_of, initial ? clinical::InventoryKind::kInitial : clinical::InventoryKind::kBiennial);
  if (!report) return Fail(report.error(), options, out, err);
  if (options.format == Format::kJson) {
    PrintJson(clinical_json::InventoryToJson(*report), out);
    return 0;
  }
  out << clinical::InventoryKindName(report->kind) << " inventory as of "
      << FormatRfc3339(report->as_of) << " (21 CFR 1304.11)\n";
  TextTable lines({"vial", "ndc", "product", "lot", "expiry", "location", "in vial mg",
                   "open draws mg", "container"});
  for (const clinical::InventoryLine& line : report->lines) {
    lines.AddRow({line.vial_id, line.ndc, line.product_name, line.lot_number,
                  clinical::FormatDate(line.expiry) + (line.expired ? " (expired)" : ""),
                  line.location, Mg(line.in_vial_ug), Mg(line.in_open_draws_ug),
                  line.opened ? "opened (may be estimated)" : "sealed (exact count)"});
  }
  lines.Print(out);
  TextTable totals({"ndc", "vials", "total mg"});
  for (const clinical::InventoryTotal& total : report->totals) {
    totals.AddRow({total.ndc, std::to_string(total.vials), Mg(total.total_ug)});
  }
  totals.Print(out);
  return 0;
}

}  // namespace

int RunLedgerAddProduct(const LedgerOptions& options, std::ostream& out, std::ostream& err) {
  return RunAdd<clinical::Product>(
      options, out, err, "product", clinical_json::ParseProductsFile,
      [](store::LedgerStore& l, const store::Actor& a, const std::vector<clinical::Product>& p) {
        return l.AddProducts(a, p);
      },
      clinical_json::ProductToJson);
}

int RunLedgerAddLot(const LedgerOptions& options, std::ostream& out, std::ostream& err) {
  return RunAdd<clinical::Lot>(
      options, out, err, "lot", clinical_json::ParseLotsFile,
      [](store::LedgerStore& l, const store::Actor& a, const std::vector<clinical::Lot>& lots) {
        return l.AddLots(a, lots);
      },
      clinical_json::LotToJson);
}

int RunLedgerAddVial(const LedgerOptions& options, std::ostream& out, std::ostream& err) {
  return RunAdd<clinical::Vial>(
      options, out, err, "vial", clinical_json::ParseVialsFile,
      [](store::LedgerStore& l, const store::Actor& a, const std::vector<clinical::Vial>& v) {
        return l.AddVials(a, v);
      },
      clinical_json::VialToJson);
}

int RunLedgerRecord(const LedgerOptions& options, std::ostream& out, std::ostream& err) {
  const auto fail = [&](const Error& e) { return Fail(e, options, out, err); };
  Result<std::string> text = ReadTextFile(options.file, "FILE");
  if (!text) return fail(text.error());
  Result<std::vector<clinical::LedgerEntry>> entries = clinical_json::ParseLedgerEntriesFile(*text);
  if (!entries) return fail(entries.error());
  Result<std::unique_ptr<store::Store>> db = OpenDatabase(options.db);
  if (!db) return fail(db.error());
  Result<store::User> user = SignIn(**db, options.user, kPasswordVariable, "--user");
  if (!user) return fail(user.error());
  std::string witness_id;
  if (!options.witness.empty()) {
    Result<store::User> witness =
        SignIn(**db, options.witness, kWitnessPasswordVariable, "--witness");
    if (!witness) return fail(witness.error());
    witness_id = witness->id;
  }
  // The signed-in user did every entry of the file; the witness, when given, saw them all.
  for (clinical::LedgerEntry& e : *entries) {
    e.actor = user->id;
    e.witness = witness_id;
  }
  store::LedgerStore ledger(**db);
  Result<std::vector<clinical::LedgerEntry>> recorded =
      entries->size() == 1
          ? ledger.Record(ActorOf(*user), entries->front()).map([](clinical::LedgerEntry e) {
              return std::vector<clinical::LedgerEntry>{std::move(e)};
            })
          : ledger.RecordAll(ActorOf(*user), *entries);
  if (!recorded) {
    // The store names "entries[i].field"; the file's own paths are "[i].field".
    std::vector<FieldProblem> problems = recorded.error().problems();
    for (FieldProblem& p : problems) {
      if (p.field.rfind("entries[", 0) == 0) p.field.erase(0, 7);
    }
    return fail(Error(recorded.error().code(), recorded.error().message(), std::move(problems)));
  }
  if (options.format == Format::kJson) {
    nlohmann::json list = nlohmann::json::array();
    for (const clinical::LedgerEntry& e : *recorded) {
      list.push_back(clinical_json::LedgerEntryToJson(e));
    }
    PrintJson({{"recorded", list}}, out);
  } else {
    out << "recorded " << recorded->size() << " ledger entr"
        << (recorded->size() == 1 ? "y" : "ies") << '\n';
    PrintEntries(*recorded, out);
  }
  return 0;
}

int RunLedgerReport(const LedgerOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& r = options.report;
  if (r != "on-hand" && r != "patient" && r != "discrepancies" && r != "inventory") {
    return Fail(
        Error::InvalidArgument(
            "REPORT", "must be on-hand, patient, discrepancies or inventory, got '" + r + "'"),
        options, out, err);
  }
  Result<std::unique_ptr<store::Store>> db = OpenDatabase(options.db);
  if (!db) return Fail(db.error(), options, out, err);
  store::LedgerStore ledger(**db);
  if (r == "on-hand") return ReportOnHand(ledger, options, out, err);
  if (r == "patient") return ReportPatient(ledger, options, out, err);
  if (r == "discrepancies") return ReportDiscrepancies(ledger, options, out, err);
  return ReportInventory(**db, ledger, options, out, err);
}

}  // namespace ketaclinic::cli
