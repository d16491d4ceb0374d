// The `ketaclinic` command: parses arguments with CLI11 and calls one command. Thin on purpose;
// the work is in the libraries (see commands.h).

#include <iostream>
#include <map>
#include <tuple>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "cli/check_command.h"
#include "cli/commands.h"
#include "cli/course_command.h"
#include "cli/db_command.h"
#include "cli/demo_command.h"
#include "cli/eligibility_command.h"
#include "cli/export_command.h"
#include "cli/ledger_command.h"
#include "cli/protocol_command.h"
#include "cli/serve_command.h"
#include "cli/session_command.h"

namespace {

using ketaclinic::cli::Format;

const std::map<std::string, Format> kFormats = {
    {"table", Format::kTable}, {"csv", Format::kCsv}, {"json", Format::kJson}};

void AddFormat(CLI::App* command, Format& format) {
  command->add_option("--format", format, "Output: table, csv or json")
      ->transform(CLI::CheckedTransformer(kFormats, CLI::ignore_case))
      ->default_str("table");
}

void AddModel(CLI::App* command, ketaclinic::cli::ModelChoice& model) {
  auto* name = command->add_option("--model", model.name,
                                   "Built-in model: domino, clements, hijazi, kamp, herd "
                                   "(`ketaclinic models` lists them)");
  auto* file = command->add_option("--model-file", model.file,
                                   "Custom model JSON file (docs/formats/model-file.md)");
  name->excludes(file);
  command->add_option("--ke0-per-min", model.ke0_per_min,
                      "Override the model's effect-site rate constant ke0 (1/min)");
}

void AddDose(CLI::App* command, ketaclinic::cli::DoseChoice& dose) {
  command->add_option("--dose-mg-per-kg", dose.dose_mg_per_kg,
                      "Dose per kg of body weight, infused over --over-min (0.5 is the "
                      "standard antidepressant dose)");
  command->add_option("--dose-mg", dose.dose_mg, "Total dose in mg, infused over --over-min");
  command->add_option("--over-min", dose.over_min, "Infusion duration in minutes (e.g. 40)");
  command->add_option("--schedule", dose.schedule_file,
                      "Schedule JSON file of boluses and infusions "
                      "(docs/formats/schedule-file.md)");
}

void AddGrid(CLI::App* command, double& until_min, double& step_min) {
  command->add_option("--until-min", until_min, "Simulate from 0 to this time (min)")
      ->default_val(until_min);
  command->add_option("--step-min", step_min, "Output step (min)")->default_val(step_min);
}

// Everything that can throw (CLI11's parser, allocation) stays inside Run: main() reports and
// exits with status 1 instead of terminating.
int Run(int argc, char** argv) {
  CLI::App app{
      "KetaClinic: ketamine infusion therapy for treatment-resistant depression.\n"
      "Pharmacokinetic prediction (simulate, tci, population, models); dose and pump planning\n"
      "with protocol limits (dose); rating scales (score); eligibility, pre-infusion and\n"
      "discharge checks (eligibility, check); session replay (session); outcomes and course\n"
      "scheduling (course); the clinic's protocol (protocol); the database (init, db, audit,\n"
      "backup, restore), the controlled-substance ledger (ledger), a demo clinic (demo), research\n"
      "export (export); the HTTP API (serve)."};
  app.set_version_flag("--version", std::string("ketaclinic ") + KC_VERSION);
  app.require_subcommand(1);

  namespace cli = ketaclinic::cli;
  cli::SimulateOptions simulate;
  auto* simulate_cmd = app.add_subcommand(
      "simulate", "Predicted plasma and effect-site concentration of a dose or schedule");
  AddModel(simulate_cmd, simulate.model);
  simulate_cmd->add_option("--weight-kg", simulate.weight_kg, "Body weight (kg)");
  AddDose(simulate_cmd, simulate.dose);
  AddGrid(simulate_cmd, simulate.until_min, simulate.step_min);
  simulate_cmd
      ->add_option("--threshold-ng-per-ml", simulate.thresholds_ng_per_ml,
                   "Concentrations (comma-separated) for the time spent above each and the "
                   "time after the last dose ends until Cp and Ce fall to each")
      ->delimiter(',');
  AddFormat(simulate_cmd, simulate.format);
  simulate_cmd->add_option("--plot", simulate.plot_file, "Also write an SVG plot to this file");

  cli::TciOptions tci;
  auto* tci_cmd = app.add_subcommand(
      "tci", "Target-controlled infusion: the pump rates that reach and hold a concentration");
  AddModel(tci_cmd, tci.model);
  tci_cmd->add_option("--weight-kg", tci.weight_kg, "Body weight (kg)");
  tci_cmd->add_option("--target-ng-per-ml", tci.target_ng_per_ml, "Target concentration (ng/mL)");
  tci_cmd->add_option("--target-change", tci.target_changes,
                      "A later target, AT_MIN:NG_PER_ML (repeatable), e.g. 20:150");
  tci_cmd->add_option("--for-min", tci.for_min, "Duration of the plan (min)")->default_val(60);
  tci_cmd->add_option("--mode", tci.mode, "plasma or effect (site targeting)")
      ->default_val("effect");
  tci_cmd->add_option("--update-s", tci.update_s, "Rate update interval (s)")->default_val(10);
  tci_cmd->add_option("--max-rate-mg-per-min", tci.max_rate_mg_per_min,
                      "The pump's maximum rate (mg/min); 0 for none");
  tci_cmd->add_option("--step-min", tci.step_min, "Step of the predicted curve (min)")
      ->default_val(1);
  AddFormat(tci_cmd, tci.format);
  tci_cmd->add_option("--plot", tci.plot_file, "Also write an SVG plot to this file");

  cli::PopulationOptions population;
  auto* population_cmd =
      app.add_subcommand("population",
                         "Monte Carlo simulation of a dose across patients (inter-individual "
                         "variability)");
  AddModel(population_cmd, population.model);
  population_cmd->add_option("--weight-kg", population.weight_kg, "Body weight (kg)");
  AddDose(population_cmd, population.dose);
  AddGrid(population_cmd, population.until_min, population.step_min);
  population_cmd->add_option("--subjects", population.subjects, "Number of simulated patients")
      ->default_val(1000);
  population_cmd->add_option("--seed", population.seed, "Random seed (same seed, same result)")
      ->default_val(1);
  population_cmd->add_option("--threads", population.threads, "Worker threads")->default_val(1);
  population_cmd
      ->add_option("--percentiles", population.percentiles,
                   "Percentiles of Cp and Ce at each time, comma-separated, or 'none' for "
                   "per-subject summaries only")
      ->delimiter(',')
      ->default_str("5,50,95");
  population_cmd
      ->add_option("--threshold-ng-per-ml", population.thresholds_ng_per_ml,
                   "Concentrations for the fraction of patients above them, comma-separated")
      ->delimiter(',');
  population_cmd->add_option("--cv", population.cv,
                             "Coefficients of variation replacing the model's, e.g. "
                             "v1=0.3,cl=0.25 (v1 v2 v3 cl q2 q3 ke0)");
  population_cmd->add_option("--subjects-out", population.subjects_out,
                             "Write each subject's parameters, Cmax and AUC to this CSV file");
  AddFormat(population_cmd, population.format);
  population_cmd->add_option("--plot", population.plot_file, "Also write an SVG plot");

  cli::ModelsOptions models;
  auto* models_cmd =
      app.add_subcommand("models", "List the built-in models with citations and parameters");
  models_cmd->add_option("--model-file", models.model_file, "Show this custom model file instead");
  AddFormat(models_cmd, models.format);

  cli::ScoreOptions score;
  auto* score_cmd = app.add_subcommand(
      "score",
      "Score a rating scale from its item responses: total, band and findings "
      "(docs/SCALES.md). A blocking finding (e.g. C-SSRS high risk, MOAA/S <= 2) is reported "
      "but does not make the exit status non-zero: a score is a measurement, not an order. "
      "Exit status 2 for invalid items");
  score_cmd
      ->add_option("scale", score.scale,
                   "phq9, gad7, madrs, qids-sr16, cadss, cadss6, moaas or cssrs-screener")
      ->required();
  score_cmd
      ->add_option("--items", score.items,
                   "Item responses in questionnaire order, comma-separated, e.g. 1,0,2,3,1,0,0,1,0 "
                   "(C-SSRS: 1 = yes, 0 = no)")
      ->delimiter(',')
      ->required();
  score_cmd->add_option("--format", score.format, "Output: table or json")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, Format>{{"table", Format::kTable}, {"json", Format::kJson}},
          CLI::ignore_case))
      ->default_str("table");

  cli::DoseOptions dose;
  auto* dose_cmd = app.add_subcommand(
      "dose",
      "Dose and pump plan for one infusion, with soft and hard limit findings (exit status 3 "
      "when a finding blocks the dose)");
  dose_cmd->add_option("--weight-kg", dose.weight_kg, "Body weight (kg)");
  dose_cmd->add_option("--weight-lb", dose.weight_lb, "Body weight in pounds (instead of kg)");
  dose_cmd->add_option("--height-cm", dose.height_cm, "Height (cm)");
  dose_cmd->add_option("--sex", dose.sex, "female or male (for ideal body weight)");
  dose_cmd->add_option("--mg-per-kg", dose.mg_per_kg, "Dose in mg per kg (0.5 is standard)");
  dose_cmd->add_option("--weight-basis", dose.weight_basis, "actual, ideal or adjusted");
  dose_cmd->add_option("--over-min", dose.over_min, "Infusion duration (min); default 40");
  dose_cmd->add_option("--vial-mg-per-ml", dose.vial_mg_per_ml, "Vial concentration: 10, 50, 100")
      ->default_val(10);
  dose_cmd->add_option("--bag-ml", dose.bag_ml, "Bag volume the dose is added to; default 100");
  dose_cmd->add_option("--override-physician", dose.override_physician,
                       "Physician overriding a soft limit (hard limits cannot be overridden)");
  dose_cmd->add_option("--override-reason", dose.override_reason, "Reason for the override");
  dose_cmd->add_option("--model", dose.model, "PK model for the predicted concentration")
      ->default_val("kamp");
  dose_cmd->add_option("--protocol", dose.protocol_file,
                       "Protocol file (docs/formats/protocol-file.md); default: clinical.md §6");
  AddFormat(dose_cmd, dose.format);

  // `check pre-infusion|discharge FILE`: runs from its callback; the exit status leaves
  // CLI11_PARSE as a silent CLI::RuntimeError.
  cli::CheckOptions check;
  auto* check_cmd = app.add_subcommand(
      "check",
      "Pre-infusion gates and discharge criteria of a check file "
      "(docs/formats/check-files.md): exit 0 cleared/allowed, 3 not, 2 invalid input");
  check_cmd->require_subcommand(1);
  for (const auto& [name, check_kind] : {std::pair{"pre-infusion", cli::CheckKind::kPreInfusion},
                                         std::pair{"discharge", cli::CheckKind::kDischarge}}) {
    auto* sub = check_cmd->add_subcommand(name, std::string("Judge a ") + name + " check file");
    sub->add_option("file", check.file, "Check file (JSON)")->required();
    sub->add_option("--at", check.at, "Judge at this RFC 3339 time (default: the file's, or now)");
    sub->add_option("--protocol", check.protocol_file,
                    "Protocol file (docs/formats/protocol-file.md); default: clinical.md §6");
    sub->add_option("--format", check.format, "Output: table or json")
        ->transform(CLI::CheckedTransformer(
            std::map<std::string, Format>{{"table", Format::kTable}, {"json", Format::kJson}},
            CLI::ignore_case));
    sub->callback([&check, kind = check_kind] {
      check.kind = kind;
      throw CLI::RuntimeError(cli::RunCheck(check, std::cout, std::cerr));
    });
  }

  // `eligibility --patient FILE`: runs from its callback, like `check`.
  cli::EligibilityOptions eligibility;
  auto* eligibility_cmd = app.add_subcommand(
      "eligibility",
      "Eligibility of a patient file (docs/formats/patient-file.md, docs/ELIGIBILITY.md): exit 0 "
      "eligible, 3 not eligible or needs a physician's review, 2 invalid input");
  eligibility_cmd->add_option("--patient", eligibility.patient_file, "Patient file (JSON)")
      ->required();
  eligibility_cmd->add_option("--at", eligibility.at,
                              "Decide at this RFC 3339 time (default: now)");
  eligibility_cmd->add_option(
      "--protocol", eligibility.protocol_file,
      "Protocol file (docs/formats/protocol-file.md); default: clinical.md §6");
  eligibility_cmd->add_option("--format", eligibility.format, "Output: table or json")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, Format>{{"table", Format::kTable}, {"json", Format::kJson}},
          CLI::ignore_case));
  eligibility_cmd->callback([&eligibility] {
    throw CLI::RuntimeError(cli::RunEligibility(eligibility, std::cout, std::cerr));
  });

  // Database: `init`, `db migrate|status`, `audit verify`, `backup`, `restore`
  // (docs/STORAGE.md); each runs from its callback, like `check`.
  const std::map<std::string, Format> kDbFormats = {{"table", Format::kTable},
                                                    {"json", Format::kJson}};
  const auto add_db = [&kDbFormats](CLI::App* command, std::string& db, Format& format) {
    command->add_option("--db", db, "Database URL: sqlite:PATH or postgresql://... (a libpq URI)")
        ->default_str(cli::kDefaultDatabaseUrl);
    command->add_option("--format", format, "Output: table or json")
        ->transform(CLI::CheckedTransformer(kDbFormats, CLI::ignore_case));
  };
  cli::InitOptions init;
  auto* init_cmd =
      app.add_subcommand("init",
                         "Create the database and its first administrator (a generated password is "
                         "printed once)");
  add_db(init_cmd, init.db, init.format);
  init_cmd->add_option("--admin", init.admin, "The administrator's username")->default_str("admin");
  init_cmd->add_option("--admin-password-file", init.admin_password_file,
                       "Take the administrator's password from this file's first line");
  init_cmd->callback(
      [&init] { throw CLI::RuntimeError(cli::RunInit(init, std::cout, std::cerr)); });
  cli::DbOptions db;
  auto* db_cmd = app.add_subcommand("db", "The database schema: migrate, status");
  db_cmd->require_subcommand(1);
  auto* migrate_cmd = db_cmd->add_subcommand("migrate", "Apply pending schema migrations");
  add_db(migrate_cmd, db.db, db.format);
  migrate_cmd->callback(
      [&db] { throw CLI::RuntimeError(cli::RunDbMigrate(db, std::cout, std::cerr)); });
  auto* status_cmd = db_cmd->add_subcommand(
      "status", "Applied and pending migrations (exit 0 current, 1 otherwise)");
  add_db(status_cmd, db.db, db.format);
  status_cmd->callback(
      [&db] { throw CLI::RuntimeError(cli::RunDbStatus(db, std::cout, std::cerr)); });
  cli::AuditVerifyOptions audit;
  auto* audit_cmd = app.add_subcommand("audit", "The audit trail");
  audit_cmd->require_subcommand(1);
  auto* verify_cmd = audit_cmd->add_subcommand(
      "verify",
      "Check the audit hash chain: exit 0 intact, 1 naming the first edited, removed, "
      "inserted or reordered row");
  add_db(verify_cmd, audit.db, audit.format);
  verify_cmd->add_option("--anchor", audit.anchor,
                         "SEQ:HASH printed by an earlier verify and kept off this machine");
  verify_cmd->callback(
      [&audit] { throw CLI::RuntimeError(cli::RunAuditVerify(audit, std::cout, std::cerr)); });
  cli::BackupOptions backup;
  auto* backup_cmd = app.add_subcommand(
      "backup", "Online backup of a SQLite database into a new file (PostgreSQL: pg_dump)");
  add_db(backup_cmd, backup.db, backup.format);
  backup_cmd->add_option("--to", backup.to, "The backup file to create")->required();
  backup_cmd->callback(
      [&backup] { throw CLI::RuntimeError(cli::RunBackup(backup, std::cout, std::cerr)); });
  cli::RestoreOptions restore;
  auto* restore_cmd = app.add_subcommand(
      "restore", "Replace a SQLite database with a checked backup (PostgreSQL: pg_restore)");
  add_db(restore_cmd, restore.db, restore.format);
  restore_cmd->add_option("--from", restore.from, "The backup file")->required();
  restore_cmd->add_flag("--replace", restore.replace,
                        "Confirm replacing a database that already has content");
  restore_cmd->callback(
      [&restore] { throw CLI::RuntimeError(cli::RunRestore(restore, std::cout, std::cerr)); });

  cli::CourseOptions course;
  auto* course_cmd = app.add_subcommand(
      "course",
      "Outcomes and scheduling of a treatment course file (docs/formats/course-file.md): "
      "response, remission, relapse, next allowed infusion, induction plan, escalation, "
      "next maintenance date. Exit 0 judged, 2 invalid input");
  course_cmd->add_option("file", course.file, "Course file (JSON)")->required();
  course_cmd->add_option("--at", course.at,
                         "Judge at this RFC 3339 time (default: the file's, or now)");
  course_cmd->add_option("--protocol", course.protocol_file,
                         "Protocol file (docs/formats/protocol-file.md); default: clinical.md §6");
  course_cmd->add_option("--format", course.format, "Output: table or json")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, Format>{{"table", Format::kTable}, {"json", Format::kJson}},
          CLI::ignore_case));
  course_cmd->callback(
      [&course] { throw CLI::RuntimeError(cli::RunCourse(course, std::cout, std::cerr)); });

  // `protocol show|check`: the protocol every clinical rule reads (docs/formats/protocol-file.md).
  cli::ProtocolShowOptions protocol_show;
  cli::ProtocolCheckOptions protocol_check;
  const std::map<std::string, Format> kTableOrJson = {{"table", Format::kTable},
                                                      {"json", Format::kJson}};
  auto* protocol_cmd = app.add_subcommand(
      "protocol",
      "The clinic's protocol: every threshold and limit (docs/formats/protocol-file.md)");
  protocol_cmd->require_subcommand(1);
  auto* protocol_show_cmd = protocol_cmd->add_subcommand(
      "show",
      "The effective protocol: every key with its value, a mark where it differs from the "
      "default, and the default's source; --format json prints it as a protocol file");
  protocol_show_cmd->add_option("--protocol", protocol_show.protocol_file,
                                "Protocol file; default: the protocol of clinical.md §6");
  protocol_show_cmd->add_option("--format", protocol_show.format, "Output: table or json")
      ->transform(CLI::CheckedTransformer(kTableOrJson, CLI::ignore_case));
  protocol_show_cmd->callback([&protocol_show] {
    throw CLI::RuntimeError(cli::RunProtocolShow(protocol_show, std::cout, std::cerr));
  });
  auto* protocol_check_cmd = protocol_cmd->add_subcommand(
      "check", "Validate a protocol file: exit 0 valid, 2 invalid (every problem by its key)");
  protocol_check_cmd->add_option("file", protocol_check.file, "Protocol file (JSON)")->required();
  protocol_check_cmd->add_option("--format", protocol_check.format, "Output: table or json")
      ->transform(CLI::CheckedTransformer(kTableOrJson, CLI::ignore_case));
  protocol_check_cmd->callback([&protocol_check] {
    throw CLI::RuntimeError(cli::RunProtocolCheck(protocol_check, std::cout, std::cerr));
  });

  // `session replay FILE`: runs from its callback, like `check`.
  cli::SessionReplayOptions session_replay;
  auto* session_cmd = app.add_subcommand("session", "Infusion sessions (docs/SESSION.md)");
  session_cmd->require_subcommand(1);
  auto* replay_cmd = session_cmd->add_subcommand(
      "replay",
      "Replay a session timeline (docs/formats/session-replay-file.md): state, rate, "
      "delivered dose and alarms after every event. Exit 0 replayed, 2 invalid file");
  replay_cmd->add_option("file", session_replay.file, "Session replay file (JSON)")->required();
  replay_cmd->add_option("--protocol", session_replay.protocol_file,
                         "Protocol file (docs/formats/protocol-file.md) under the file's own "
                         "overrides; default: clinical.md §6");
  replay_cmd->add_option("--format", session_replay.format, "Output: table or json")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, Format>{{"table", Format::kTable}, {"json", Format::kJson}},
          CLI::ignore_case));
  replay_cmd->callback([&session_replay] {
    throw CLI::RuntimeError(cli::RunSessionReplay(session_replay, std::cout, std::cerr));
  });

  // `ledger add-product|add-lot|add-vial|record FILE`, `ledger report NAME`: the
  // controlled-substance ledger (docs/LEDGER.md); each runs from its callback, like `check`.
  cli::LedgerOptions ledger;
  auto* ledger_cmd =
      app.add_subcommand("ledger", "The controlled-substance ledger (docs/LEDGER.md)");
  ledger_cmd->require_subcommand(1);
  using LedgerRun = int (*)(const cli::LedgerOptions&, std::ostream&, std::ostream&);
  const auto ledger_sub = [&](const char* name, const char* help, LedgerRun run) {
    auto* sub = ledger_cmd->add_subcommand(name, help);
    sub->add_option("--db", ledger.db, "Database URL")->default_val(ledger.db);
    sub->add_option("--format", ledger.format, "Output: table or json")
        ->transform(CLI::CheckedTransformer(kTableOrJson, CLI::ignore_case));
    sub->add_flag_callback(
        "--json", [&ledger] { ledger.format = Format::kJson; }, "The same as --format json");
    sub->callback([&ledger, run] { throw CLI::RuntimeError(run(ledger, std::cout, std::cerr)); });
    return sub;
  };
  for (const auto& [name, help, run] :
       {std::tuple{"add-product", "Add products from a file (docs/formats/ledger-entry-file.md)",
                   &cli::RunLedgerAddProduct},
        std::tuple{"add-lot", "Add lots from a file", &cli::RunLedgerAddLot},
        std::tuple{"add-vial", "Add vials from a file", &cli::RunLedgerAddVial},
        std::tuple{"record", "Record ledger entries from a file, all or nothing. Exit 3: refused",
                   &cli::RunLedgerRecord}}) {
    auto* sub = ledger_sub(name, help, run);
    sub->add_option("FILE", ledger.file, "JSON file: one object or an array")->required();
    sub->add_option("--user", ledger.user, "Who writes (password: $KETACLINIC_PASSWORD)")
        ->required();
    if (run == &cli::RunLedgerRecord) {
      sub->add_option("--witness", ledger.witness,
                      "Who witnessed the entries (password: $KETACLINIC_WITNESS_PASSWORD)");
    }
  }
  auto* ledger_report = ledger_sub("report", "Ledger reports", &cli::RunLedgerReport);
  ledger_report->add_option("REPORT", ledger.report, "on-hand, patient, discrepancies, inventory")
      ->required();
  ledger_report->add_option("ID", ledger.patient_id, "The patient (report patient)");
  ledger_report->add_option("--as-of", ledger.as_of, "Inventory time, RFC 3339 (default: now)");
  ledger_report->add_option("--kind", ledger.kind, "Inventory: initial or biennial")
      ->default_val(ledger.kind);

  // `serve`: the HTTP API until SIGTERM/SIGINT (docs/API.md).
  cli::ServeOptions serve;
  auto* serve_cmd = app.add_subcommand(
      "serve",
      "Serve the HTTP API (docs/API.md) until SIGTERM or SIGINT; exit 0 after a graceful "
      "shutdown, 2 invalid configuration, 1 cannot start");
  serve_cmd->add_option("--db", serve.db,
                        "Database URL (default: $KETACLINIC_DB, else sqlite:ketaclinic.db)");
  serve_cmd->add_option("--listen", serve.listen,
                        "ADDR:PORT (default: $KETACLINIC_LISTEN, else 127.0.0.1:8080)");
  serve_cmd->add_option("--threads", serve.threads, "Handler threads (default: the cores)");
  serve_cmd->add_option("--protocol", serve.protocol_file,
                        "Protocol file (docs/formats/protocol-file.md; default: clinical.md §6)");
  serve_cmd->callback(
      [&serve] { throw CLI::RuntimeError(cli::RunServe(serve, std::cout, std::cerr)); });

  // `demo` and `export csv` (docs/DEMO.md, docs/formats/outcomes-csv.md).
  cli::DemoCommandOptions demo;
  auto* demo_cmd = app.add_subcommand("demo", "Fill a database with a synthetic clinic");
  demo_cmd->add_option("--db", demo.db, "Database URL")->default_str(cli::kDefaultDatabaseUrl);
  demo_cmd->add_option("--patients", demo.patients, "Patients to generate")->default_val(100);
  demo_cmd->add_option("--seed", demo.seed, "Random seed (same seed, same clinic)")->default_val(1);
  demo_cmd->add_flag("--append", demo.append, "Add to a database that already has patients");
  demo_cmd->add_flag("--json", demo.json, "Print the summary as JSON (--format json)");
  demo_cmd
      ->add_option_function<Format>(
          "--format", [&demo](const Format& format) { demo.json = format == Format::kJson; },
          "Output: table or json")
      ->transform(CLI::CheckedTransformer(kTableOrJson, CLI::ignore_case));
  demo_cmd->callback([&demo] {
    demo.progress_bar = isatty(STDERR_FILENO) != 0;
    throw CLI::RuntimeError(cli::RunDemo(demo, std::cout, std::cerr));
  });
  cli::ExportCsvOptions export_csv;
  auto* export_cmd = app.add_subcommand("export", "Export data for research");
  export_cmd->require_subcommand(1);
  auto* csv_cmd = export_cmd->add_subcommand("csv", "Course outcomes as pseudonymous CSV");
  csv_cmd->add_option("--db", export_csv.db, "Database URL")->default_str(cli::kDefaultDatabaseUrl);
  csv_cmd->add_option("--out", export_csv.out_file, "Write to this file (default: stdout)");
  csv_cmd->callback([&export_csv] {
    throw CLI::RuntimeError(cli::RunExportCsv(export_csv, std::cout, std::cerr));
  });

  CLI11_PARSE(app, argc, argv);

  if (simulate_cmd->parsed()) return cli::RunSimulate(simulate, std::cout, std::cerr);
  if (tci_cmd->parsed()) return cli::RunTci(tci, std::cout, std::cerr);
  if (population_cmd->parsed()) {
    population.progress = isatty(STDERR_FILENO) != 0;
    return cli::RunPopulation(population, std::cout, std::cerr);
  }
  if (models_cmd->parsed()) return cli::RunModels(models, std::cout, std::cerr);
  if (score_cmd->parsed()) return cli::RunScore(score, std::cout, std::cerr);
  if (dose_cmd->parsed()) return cli::RunDose(dose, std::cout, std::cerr);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "error: unexpected failure\n";
  }
  return 1;
}
