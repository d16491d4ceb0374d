#ifndef KETACLINIC_CLINICAL_FINDING_H_
#define KETACLINIC_CLINICAL_FINDING_H_

#include <string>

namespace ketaclinic::clinical {

// How strongly a rule speaks. A rule verdict is not an error (base/error.h): a valid input can
// still produce findings, and the caller decides what each severity means for its action.
enum class Severity {
  kInfo,     // worth recording; nothing to do
  kWarning,  // a clinician must look at it (and may act on it)
  kBlock,    // the action the rule guards must not go ahead without a clinician resolving it
};

// "info", "warning" or "block".
const char* SeverityName(Severity severity);

// One verdict of one rule.
struct Finding {
  std::string rule_id;  // stable, dotted: "suicide-risk.phq9-item9"
  Severity severity = Severity::kInfo;
  std::string message;  // for the clinician, in plain words
  std::string source;   // the citation: "clinical.md §2.1 [D]; LOINC 44260-8"

  friend bool operator==(const Finding&, const Finding&) = default;
};

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_FINDING_H_
