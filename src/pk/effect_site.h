#ifndef KETACLINIC_PK_EFFECT_SITE_H_
#define KETACLINIC_PK_EFFECT_SITE_H_

#include "base/error.h"
#include "pk/model.h"

namespace ketaclinic::pk {

// The time (min) at which the effect-site concentration peaks after an IV bolus, for the
// parameters' ke0. The peak is where Cp = Ce (dCe/dt = ke0 (Cp − Ce) = 0), found by bisection to
// 1e-9 min. Errors if there is no peak within 120 min.
Result<double> TimeToPeakEffectMin(const IndividualParameters& parameters);

// The ke0 (1/min) that puts the post-bolus effect-site peak at `time_to_peak_min`, as STANPUMP's
// recalculate_ke0() and stanpumpR's getDrugPK do (reference/pk.md §3.1-3.2). The peak time falls
// monotonically as ke0 rises, so a bisection on log(ke0) over [1e-4, 1e3] finds it to 1e-12
// relative. Errors naming "time_to_peak_effect_min" when no ke0 in that range reaches it.
Result<double> Ke0FromTimeToPeak(IndividualParameters parameters, double time_to_peak_min);

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_EFFECT_SITE_H_
