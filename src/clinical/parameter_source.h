#ifndef KETACLINIC_CLINICAL_PARAMETER_SOURCE_H_
#define KETACLINIC_CLINICAL_PARAMETER_SOURCE_H_

#include <string>

namespace ketaclinic::clinical {

// Where the default of one protocol parameter comes from, so `ketaclinic protocol show` can
// print each value beside its source and evidence tag (clinical.md §0: [S], [S-low], [R], [D]).
struct ParameterSource {
  std::string key;  // the parameter's key within its protocol section: "min_failed_adequate_trials"
  std::string source;  // "clinical.md §6 min_failed_adequate_trials; §1.2 TRD definitions [S]"
};

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_PARAMETER_SOURCE_H_
