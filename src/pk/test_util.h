#ifndef KETACLINIC_PK_TEST_UTIL_H_
#define KETACLINIC_PK_TEST_UTIL_H_

// Helpers shared by the pk tests (test-only; not part of the library).

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pk/model.h"
#include "pk/schedule.h"

#include "pk_ode_oracle.h"

namespace ketaclinic::pk {

inline testing::OracleModel ToOracle(const IndividualParameters& p) {
  testing::OracleModel m;
  m.compartments = p.compartments;
  m.v1_l = p.v1_l;
  m.v2_l = p.v2_l;
  m.v3_l = p.v3_l;
  m.cl_l_per_min = p.cl_l_per_min;
  m.q2_l_per_min = p.q2_l_per_min;
  m.q3_l_per_min = p.q3_l_per_min;
  m.ke0_per_min = p.ke0_per_min;
  if (p.metabolite) {
    m.metabolite = true;
    m.metabolite_fraction = p.metabolite->fraction_formed;
    m.metabolite_mass_ratio = p.metabolite->molar_mass_ratio;
    m.metabolite_volume_l = p.metabolite->volume_l;
    m.metabolite_clearance_l_per_min = p.metabolite->clearance_l_per_min;
  }
  return m;
}

inline testing::OracleValues RunOracle(const IndividualParameters& p, const Schedule& schedule,
                                       const std::vector<double>& times) {
  std::vector<testing::OracleBolus> boluses;
  boluses.reserve(schedule.boluses.size());
  for (const Bolus& b : schedule.boluses) boluses.push_back({b.at_min, b.dose_mg});
  std::vector<testing::OracleInfusion> infusions;
  infusions.reserve(schedule.infusions.size());
  for (const Infusion& i : schedule.infusions) {
    infusions.push_back({i.start_min, i.duration_min, i.rate_mg_per_min});
  }
  return testing::IntegrateOracle(ToOracle(p), boluses, infusions, times);
}

// The accuracy criterion of the engine against the ODE oracle: relative error below `relative`
// for every value, with an absolute floor of 1e-12 of the series peak for values near zero
// (where any relative measure is meaningless: Ce is exactly 0 at the start of an infusion).
inline void ExpectClose(const std::vector<double>& actual, const std::vector<double>& expected,
                        double relative, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  double peak = 0;
  for (double v : expected) peak = std::max(peak, std::abs(v));
  double worst = 0;
  size_t worst_index = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    const double scale = std::max(std::abs(expected[i]), 1e-3 * peak);
    const double error = std::abs(actual[i] - expected[i]) / scale;
    if (error > worst) {
      worst = error;
      worst_index = i;
    }
  }
  EXPECT_LE(worst, relative) << what << ": worst relative error at index " << worst_index
                             << ": got " << actual[worst_index] << ", expected "
                             << expected[worst_index];
}

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_TEST_UTIL_H_
