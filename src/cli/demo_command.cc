#include "cli/demo_command.h"

#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "cli/commands.h"
#include "cli/inputs.h"
#include "cli/progress_bar.h"

#include "store/clinic_repository.h"
#include "store/demo_clinic.h"
#include "store/store.h"

namespace ketaclinic::cli {
namespace {

store::Actor DemoActor() {
  return store::Actor{"local:demo", clinical::RoleName(clinical::Role::kAdmin), "local"};
}

nlohmann::json SummaryJson(const store::DemoSummary& s, uint64_t seed) {
  return {{"seed", seed},
          {"clinicians", s.clinicians},
          {"patients", s.patients},
          {"eligible", s.eligible},
          {"not_eligible", s.not_eligible},
          {"courses", s.courses},
          {"boosters", s.boosters},
          {"sessions", s.sessions},
          {"vitals", s.vitals},
          {"scale_responses", s.scale_responses},
          {"side_effects", s.side_effects},
          {"completed_induction", s.completed_induction},
          {"stopped_after_first", s.stopped_after_first},
          {"responders", s.responders},
          {"remitters", s.remitters},
          {"relapses", s.relapses}};
}

}  // namespace

int RunDemo(const DemoCommandOptions& options, std::ostream& out, std::ostream& err) {
  const Format format = options.json ? Format::kJson : Format::kTable;
  store::DemoOptions demo;
  demo.patients = options.patients;
  demo.seed = options.seed;
  Result<store::DemoClinic> clinic = store::GenerateDemoClinic(demo);
  if (!clinic) return ReportError(clinic.error(), format, out, err);

  Result<std::unique_ptr<store::Store>> opened = store::Store::Open(options.db);
  if (!opened) return ReportError(opened.error(), format, out, err);
  store::Store& database = **opened;
  Result<int64_t> existing =
      database.Read([](store::Transaction& tx) { return store::CountPatients(tx); });
  if (!existing) return ReportError(existing.error(), format, out, err);
  if (*existing > 0 && !options.append) {
    return ReportError(
        Error::InvalidArgument("db", database.url() + " already has " + std::to_string(*existing) +
                                         " patients; a demo clinic goes into an empty database "
                                         "(or give --append)"),
        format, out, err);
  }

  ProgressBar bar(err, "demo patients");
  const store::DemoProgress progress = [&](int64_t done, int64_t total) {
    if (options.progress_bar) {
      bar.Update(done, total);
    } else {
      err << "demo: " << done << "/" << total << " patients written\n";
    }
  };
  Status written = store::WriteDemoClinic(database, DemoActor(), *clinic, progress);
  if (options.progress_bar) bar.Finish();
  if (!written) return ReportError(written.error(), format, out, err);

  const store::DemoSummary s = store::Summarize(*clinic);
  if (options.json) {
    out << SummaryJson(s, options.seed).dump(2) << '\n';
    return 0;
  }
  out << "Demo clinic written to " << database.url() << " (seed " << options.seed << ")\n"
      << "  clinicians        " << s.clinicians << "\n"
      << "  patients          " << s.patients << " (" << s.eligible << " treated, "
      << s.not_eligible << " not eligible)\n"
      << "  courses           " << s.courses << " (" << s.boosters << " boosters)\n"
      << "  sessions          " << s.sessions << " with " << s.vitals << " vital-sign readings\n"
      << "  scale responses   " << s.scale_responses << "\n"
      << "  side effects      " << s.side_effects << "\n"
      << "  induction         " << s.completed_induction << " completed 6 infusions, "
      << s.stopped_after_first << " stopped after the first\n"
      << "  outcomes (PHQ-9)  " << s.responders << " responders, " << s.remitters << " remitters, "
      << s.relapses << " relapses\n";
  return 0;
}

}  // namespace ketaclinic::cli
