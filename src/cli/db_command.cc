// `ketaclinic init`, `db migrate|status`, `audit verify`, `backup`, `restore` (store module).

#include "cli/db_command.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/inputs.h"
#include "cli/output.h"

#include "clinical/roles.h"
#include "store/audit.h"
#include "store/backup.h"
#include "store/database_url.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store/users.h"

namespace ketaclinic::cli {
namespace {

// The command line acts as the person logged in to the machine, in the audit trail.
store::Actor CommandLineActor() {
  const char* user = std::getenv("USER");
  return store::Actor{std::string("local:") + (user != nullptr && *user != '\0' ? user : "unknown"),
                      clinical::RoleName(clinical::Role::kAdmin), "local"};
}

void PrintJson(const nlohmann::json& json, std::ostream& out) {
  out << json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

// Opens the database at `url` without migrating it. `must_exist`: a SQLite file that is not
// there is an error (a typo in --db must not silently create an empty database).
Result<std::unique_ptr<store::Store>> OpenExisting(const std::string& url, bool must_exist) {
  Result<store::DatabaseUrl> parsed = store::ParseDatabaseUrl(url);
  if (!parsed) return tl::unexpected(parsed.error());
  std::error_code ec;
  if (must_exist && parsed->backend == store::Backend::kSqlite && parsed->path != ":memory:" &&
      !std::filesystem::exists(parsed->path, ec)) {
    return tl::unexpected(
        Error(ErrorCode::kNotFound,
              "no database at " + parsed->display + " (create one with `ketaclinic init --db URL`)",
              {FieldProblem{"db", "'" + parsed->path + "' does not exist"}}));
  }
  store::OpenOptions options;
  options.schema = store::OpenOptions::Schema::kInspect;
  return store::Store::Open(url, options);
}

std::string JoinIds(const std::vector<int>& ids) {
  std::string text;
  for (int id : ids) text += (text.empty() ? "" : ", ") + std::to_string(id);
  return text;
}

// The first line of a password file, without its line ending.
Result<std::string> ReadPasswordFile(const std::string& path) {
  Result<std::string> text = ReadTextFile(path, "admin-password-file");
  if (!text) return text;
  std::string password = text->substr(0, text->find('\n'));
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

Result<store::AuditAnchor> ParseAnchor(const std::string& text) {
  const size_t colon = text.find(':');
  store::AuditAnchor anchor;
  const char* end = text.data() + (colon == std::string::npos ? 0 : colon);
  const auto [parsed_end, ec] = std::from_chars(text.data(), end, anchor.seq);
  if (colon == std::string::npos || ec != std::errc() || parsed_end != end || anchor.seq < 1) {
    return tl::unexpected(
        Error::InvalidArgument("anchor", "must be SEQ:HASH (as printed by `audit verify`)"));
  }
  anchor.hash = text.substr(colon + 1);
  if (!store::ChainHash(anchor.hash, "")) {
    return tl::unexpected(
        Error::InvalidArgument("anchor", "the hash must be 64 lower-case hex digits"));
  }
  return anchor;
}

}  // namespace

int RunInit(const InitOptions& options, std::ostream& out, std::ostream& err) {
  std::string password;
  const bool generated = options.admin_password_file.empty();
  if (generated) {
    password = store::GeneratePassword();
  } else {
    Result<std::string> read = ReadPasswordFile(options.admin_password_file);
    if (!read) return ReportError(read.error(), options.format, out, err);
    password = *read;
  }
  Result<std::unique_ptr<store::Store>> opened = OpenExisting(options.db, false);
  if (!opened) return ReportError(opened.error(), options.format, out, err);
  store::Store& db = **opened;
  Result<std::vector<int>> applied = store::Migrate(db);
  if (!applied) return ReportError(applied.error(), options.format, out, err);
  store::UserStore users(db);
  Result<int64_t> existing = users.Count();
  if (!existing) return ReportError(existing.error(), options.format, out, err);
  if (*existing > 0) {
    return ReportError(
        Error(ErrorCode::kFailedPrecondition, "database " + db.url() + " is already initialized (" +
                                                  std::to_string(*existing) +
                                                  " user(s)); init creates the first "
                                                  "administrator only"),
        options.format, out, err);
  }
  Result<store::User> admin = users.Create(
      CommandLineActor(),
      store::NewUser{options.admin, "Administrator", clinical::Role::kAdmin, password});
  if (!admin) {
    // Name the command's options rather than the library's fields.
    std::vector<FieldProblem> problems;
    for (FieldProblem problem : admin.error().problems()) {
      if (problem.field == "username") problem.field = "admin";
      if (problem.field == "password") problem.field = "admin-password-file";
      problems.push_back(std::move(problem));
    }
    return ReportError(Error(admin.error().code(), admin.error().message(), std::move(problems)),
                       options.format, out, err);
  }

  if (options.format == Format::kJson) {
    nlohmann::json json = {{"database", db.url()},
                           {"schema_version", store::LatestSchemaVersion()},
                           {"migrations_applied", *applied},
                           {"admin", {{"id", admin->id}, {"username", admin->username}}}};
    if (generated) json["generated_password"] = password;
    PrintJson(json, out);
    return 0;
  }
  out << "Database:       " << db.url() << " (schema version " << store::LatestSchemaVersion()
      << ")\n"
      << "Administrator:  " << admin->username << '\n';
  if (generated) {
    out << "Password:       " << password << '\n'
        << "\nThe password is shown this once and stored only as an Argon2id hash: keep it in a\n"
           "password manager now.\n";
  }
  return 0;
}

int RunDbMigrate(const DbOptions& options, std::ostream& out, std::ostream& err) {
  Result<std::unique_ptr<store::Store>> opened = OpenExisting(options.db, false);
  if (!opened) return ReportError(opened.error(), options.format, out, err);
  Result<std::vector<int>> applied = store::Migrate(**opened);
  if (!applied) return ReportError(applied.error(), options.format, out, err);
  if (options.format == Format::kJson) {
    PrintJson({{"database", (*opened)->url()},
               {"migrations_applied", *applied},
               {"schema_version", store::LatestSchemaVersion()}},
              out);
    return 0;
  }
  if (applied->empty()) {
    out << "Schema of " << (*opened)->url() << " is current (version "
        << store::LatestSchemaVersion() << "); nothing to apply.\n";
  } else {
    out << "Applied migration" << (applied->size() > 1 ? "s " : " ") << JoinIds(*applied) << " to "
        << (*opened)->url() << "; schema version " << store::LatestSchemaVersion() << ".\n";
  }
  return 0;
}

int RunDbStatus(const DbOptions& options, std::ostream& out, std::ostream& err) {
  Result<std::unique_ptr<store::Store>> opened = OpenExisting(options.db, true);
  if (!opened) return ReportError(opened.error(), options.format, out, err);
  Result<store::SchemaStatus> status = store::ReadSchemaStatus(**opened);
  if (!status) return ReportError(status.error(), options.format, out, err);
  const std::string state = status->newer_than_binary() ? "newer"
                            : status->pending.empty()   ? "current"
                                                        : "pending";
  if (options.format == Format::kJson) {
    nlohmann::json migrations = nlohmann::json::array();
    for (const store::AppliedMigration& m : status->applied) {
      const bool known = m.id <= status->latest;
      migrations.push_back({{"id", m.id},
                            {"description", m.description},
                            {"applied_at", m.applied_at},
                            {"state", known ? "applied" : "unknown to this ketaclinic"}});
    }
    for (const store::Migration& m : status->pending) {
      migrations.push_back({{"id", m.id},
                            {"description", std::string(m.description)},
                            {"applied_at", nullptr},
                            {"state", "pending"}});
    }
    PrintJson({{"database", (*opened)->url()},
               {"schema_version", status->current},
               {"binary_schema_version", status->latest},
               {"state", state},
               {"migrations", migrations}},
              out);
  } else {
    TextTable table({"id", "migration", "applied at"});
    for (const store::AppliedMigration& m : status->applied) {
      table.AddRow({std::to_string(m.id), m.description, m.applied_at});
    }
    for (const store::Migration& m : status->pending) {
      table.AddRow({std::to_string(m.id), std::string(m.description), "pending"});
    }
    out << "Database " << (*opened)->url() << ": schema version " << status->current
        << "; this ketaclinic writes version " << status->latest << ".\n";
    table.Print(out);
    if (state == "pending") out << "Run `ketaclinic db migrate` (after a backup) to apply.\n";
    if (state == "newer") {
      out << "The database is newer than this ketaclinic, which will not open it.\n";
    }
  }
  return state == "current" ? 0 : 1;
}

int RunAuditVerify(const AuditVerifyOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<store::AuditAnchor> anchor;
  if (!options.anchor.empty()) {
    Result<store::AuditAnchor> parsed = ParseAnchor(options.anchor);
    if (!parsed) return ReportError(parsed.error(), options.format, out, err);
    anchor = *parsed;
  }
  Result<std::unique_ptr<store::Store>> opened = OpenExisting(options.db, true);
  if (!opened) return ReportError(opened.error(), options.format, out, err);
  Result<store::AuditVerification> result = store::VerifyAuditChain(**opened, anchor);
  if (!result) return ReportError(result.error(), options.format, out, err);

  const std::optional<store::AuditProblem>& bad = result->problem;
  if (options.format == Format::kJson) {
    nlohmann::json problem = nullptr;
    if (bad.has_value()) {
      problem = {
          {"seq", bad->seq}, {"kind", store::TamperKindName(bad->kind)}, {"message", bad->message}};
    }
    PrintJson({{"database", (*opened)->url()},
               {"intact", result->intact()},
               {"rows", result->rows},
               {"head", {{"seq", result->head_seq}, {"hash", result->head_hash}}},
               {"problem", problem}},
              out);
  } else if (!bad.has_value()) {
    out << "Audit chain of " << (*opened)->url() << " is intact: " << result->rows
        << " rows checked.\n"
        << "Head: " << result->head_seq << ':' << result->head_hash << '\n'
        << "Keep the head off this machine; `audit verify --anchor " << result->head_seq
        << ":HASH` later proves the rows up to it were not rewritten or removed.\n";
  } else {
    out << "Audit chain of " << (*opened)->url() << " is BROKEN at row " << bad->seq << " ("
        << store::TamperKindName(bad->kind) << "): " << bad->message << '\n';
  }
  return result->intact() ? 0 : 1;
}

int RunBackup(const BackupOptions& options, std::ostream& out, std::ostream& err) {
  Result<std::unique_ptr<store::Store>> opened = OpenExisting(options.db, true);
  if (!opened) return ReportError(opened.error(), options.format, out, err);
  if (Status current = store::CheckSchemaCurrent(**opened); !current) {
    return ReportError(current.error(), options.format, out, err);
  }
  if (Status done = store::BackupTo(**opened, CommandLineActor(), options.to); !done) {
    return ReportError(done.error(), options.format, out, err);
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(options.to, ec);
  if (options.format == Format::kJson) {
    PrintJson({{"database", (*opened)->url()},
               {"backup", options.to},
               {"bytes", ec ? nlohmann::json(nullptr) : nlohmann::json(bytes)}},
              out);
  } else {
    out << "Backed up " << (*opened)->url() << " to " << options.to;
    if (!ec) out << " (" << bytes << " bytes)";
    out << ".\n";
  }
  return 0;
}

int RunRestore(const RestoreOptions& options, std::ostream& out, std::ostream& err) {
  Result<std::unique_ptr<store::Store>> opened = OpenExisting(options.db, false);
  if (!opened) return ReportError(opened.error(), options.format, out, err);
  store::RestoreOptions restore;
  restore.replace_existing = options.replace;
  if (Status done = store::RestoreFrom(**opened, CommandLineActor(), options.from, restore);
      !done) {
    return ReportError(done.error(), options.format, out, err);
  }
  if (options.format == Format::kJson) {
    PrintJson({{"database", (*opened)->url()},
               {"restored_from", options.from},
               {"schema_version", store::LatestSchemaVersion()}},
              out);
  } else {
    out << "Restored " << (*opened)->url() << " from " << options.from
        << "; its audit chain was verified before the restore.\n";
  }
  return 0;
}

}  // namespace ketaclinic::cli
