#ifndef KETACLINIC_TESTS_SUPPORT_PK_ODE_ORACLE_H_
#define KETACLINIC_TESTS_SUPPORT_PK_ODE_ORACLE_H_

#include <vector>

namespace ketaclinic::testing {

// An independent reference for the PK engine's tests: integrates the compartment ODEs
//   dA1/dt = R(t) − (k10 + k12 + k13) A1 + k21 A2 + k31 A3
//   dA2/dt = k12 A1 − k21 A2,   dA3/dt = k13 A1 − k31 A3
//   dCe/dt = ke0 (A1/V1 − Ce)
//   dCm/dt = fm · r · CL/Vm · A1/V1 − CLm/Vm · Cm
// numerically, in long double, with Boost.Odeint's adaptive Runge–Kutta–Fehlberg 7(8) at a
// tolerance of 1e-17, restarting at every dose event. It shares no code with the engine (no
// eigenvalues, no matrix exponential), so agreement is evidence, not an echo.
struct OracleModel {
  int compartments = 3;
  double v1_l = 0, v2_l = 0, v3_l = 0;
  double cl_l_per_min = 0, q2_l_per_min = 0, q3_l_per_min = 0;
  double ke0_per_min = 0;
  bool metabolite = false;
  double metabolite_fraction = 1, metabolite_mass_ratio = 1;
  double metabolite_volume_l = 0, metabolite_clearance_l_per_min = 0;
};

struct OracleBolus {
  double at_min;
  double dose_mg;
};

struct OracleInfusion {
  double start_min;
  double duration_min;
  double rate_mg_per_min;
};

struct OracleValues {
  std::vector<double> plasma_ng_per_ml, effect_ng_per_ml, metabolite_ng_per_ml;
};

// Concentrations at each of `times_min` (ascending); a bolus at an output time is included.
OracleValues IntegrateOracle(const OracleModel& model, const std::vector<OracleBolus>& boluses,
                             const std::vector<OracleInfusion>& infusions,
                             const std::vector<double>& times_min);

}  // namespace ketaclinic::testing

#endif  // KETACLINIC_TESTS_SUPPORT_PK_ODE_ORACLE_H_
