#ifndef KETACLINIC_CLINICAL_ROLES_H_
#define KETACLINIC_CLINICAL_ROLES_H_

#include <array>
#include <string>
#include <string_view>

#include "base/error.h"

namespace ketaclinic::clinical {

// Who a user is in the clinic (DESIGN.md §2). The clinical rules use it where a rule names a
// profession: only a physician orders or overrides a soft limit; the independent double-check
// (clinical.md §1.8 DOSE-05) is by a licensed clinician. The server's role matrix (who may call
// what) is built on the same names.
enum class Role {
  kPhysician,   // prescriber, medical director
  kNurse,       // runs sessions, programs the pump
  kPharmacist,  // pharmacy / controlled-substance inventory
  kFrontDesk,   // patients, appointments; no clinical writes
  kAuditor,     // read-only
  kAdmin,       // users and settings; no clinical writes
  kPatient,     // self-report scales only
};

inline constexpr std::array<Role, 7> kAllRoles = {
    Role::kPhysician, Role::kNurse, Role::kPharmacist, Role::kFrontDesk,
    Role::kAuditor,   Role::kAdmin, Role::kPatient};

// "physician", "nurse", "pharmacist", "front-desk", "auditor", "admin", "patient".
inline const char* RoleName(Role role) {
  switch (role) {
    case Role::kPhysician:
      return "physician";
    case Role::kNurse:
      return "nurse";
    case Role::kPharmacist:
      return "pharmacist";
    case Role::kFrontDesk:
      return "front-desk";
    case Role::kAuditor:
      return "auditor";
    case Role::kAdmin:
      return "admin";
    case Role::kPatient:
      return "patient";
  }
  return "unknown";
}

// The role named `name`; an error naming `field` otherwise.
inline Result<Role> ParseRole(std::string_view name, std::string_view field) {
  for (Role role : kAllRoles) {
    if (name == RoleName(role)) return role;
  }
  return tl::unexpected(Error::InvalidArgument(
      std::string(field), "'" + std::string(name) +
                              "' is not a role (physician, nurse, pharmacist, front-desk, "
                              "auditor, admin, patient)"));
}

// A licensed clinician: may verify a dose and a pump programme (DOSE-05) and witness a
// controlled-substance entry.
inline bool IsLicensedClinician(Role role) {
  return role == Role::kPhysician || role == Role::kNurse || role == Role::kPharmacist;
}

// A user acting in a role: who signed an order, an override or a check.
struct Clinician {
  std::string user_id;
  Role role = Role::kNurse;

  friend bool operator==(const Clinician&, const Clinician&) = default;
};

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_ROLES_H_
