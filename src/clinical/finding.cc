#include "clinical/finding.h"

namespace ketaclinic::clinical {

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kBlock:
      return "block";
  }
  return "unknown";
}

}  // namespace ketaclinic::clinical
