#include "pk_ode_oracle.h"

#include <algorithm>
#include <array>
#include <utility>

// Boost.Asio-free, but include <utility> first anyway, as for all Boost under C++20 + g++ 12.
#include <boost/numeric/odeint.hpp>

namespace ketaclinic::testing {
namespace {

using Real = long double;
using StateType = std::array<Real, 5>;  // A1, A2, A3 (mg), Ce (mg/L), Cm (mg/L)

struct Rhs {
  const OracleModel& m;
  Real rate = 0;

  void operator()(const StateType& x, StateType& dx, Real /*t*/) const {
    const Real v1 = m.v1_l;
    const Real k10 = m.cl_l_per_min / v1;
    const Real k12 = m.compartments >= 2 ? m.q2_l_per_min / v1 : 0;
    const Real k21 = m.compartments >= 2 ? m.q2_l_per_min / m.v2_l : 0;
    const Real k13 = m.compartments >= 3 ? m.q3_l_per_min / v1 : 0;
    const Real k31 = m.compartments >= 3 ? m.q3_l_per_min / m.v3_l : 0;
    dx[0] = rate - (k10 + k12 + k13) * x[0] + k21 * x[1] + k31 * x[2];
    dx[1] = k12 * x[0] - k21 * x[1];
    dx[2] = k13 * x[0] - k31 * x[2];
    const Real cp = x[0] / v1;
    dx[3] = Real(m.ke0_per_min) * (cp - x[3]);
    dx[4] = 0;
    if (m.metabolite) {
      const Real vm = m.metabolite_volume_l;
      dx[4] = Real(m.metabolite_fraction) * m.metabolite_mass_ratio * m.cl_l_per_min / vm * cp -
              Real(m.metabolite_clearance_l_per_min) / vm * x[4];
    }
  }
};

}  // namespace

OracleValues IntegrateOracle(const OracleModel& model, const std::vector<OracleBolus>& boluses,
                             const std::vector<OracleInfusion>& infusions,
                             const std::vector<double>& times_min) {
  namespace odeint = boost::numeric::odeint;
  std::vector<double> breaks(times_min);
  for (const auto& b : boluses) breaks.push_back(b.at_min);
  for (const auto& i : infusions) {
    breaks.push_back(i.start_min);
    breaks.push_back(i.start_min + i.duration_min);
  }
  breaks.push_back(0);
  std::sort(breaks.begin(), breaks.end());
  breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());

  auto bolus_at = [&](double t) {
    Real dose = 0;
    for (const auto& b : boluses) {
      if (b.at_min == t) dose += b.dose_mg;
    }
    return dose;
  };
  auto rate_on = [&](double from, double to) {
    Real rate = 0;
    for (const auto& i : infusions) {
      if (i.start_min <= from && i.start_min + i.duration_min >= to) rate += i.rate_mg_per_min;
    }
    return rate;
  };

  OracleValues out;
  auto record = [&](const StateType& x, double t) {
    for (double wanted : times_min) {
      if (wanted != t) continue;
      out.plasma_ng_per_ml.push_back(static_cast<double>(x[0] / model.v1_l * 1000));
      out.effect_ng_per_ml.push_back(static_cast<double>(x[3] * 1000));
      out.metabolite_ng_per_ml.push_back(static_cast<double>(x[4] * 1000));
    }
  };

  StateType x{};
  x[0] += bolus_at(0);
  record(x, 0);
  auto stepper = odeint::make_controlled(Real(1e-17), Real(1e-17),
                                         odeint::runge_kutta_fehlberg78<StateType, Real>());
  for (size_t i = 1; i < breaks.size(); ++i) {
    const double from = breaks[i - 1];
    const double to = breaks[i];
    if (from < 0) continue;
    Rhs rhs{model, rate_on(from, to)};
    odeint::integrate_adaptive(stepper, rhs, x, Real(from), Real(to), Real(1e-3));
    x[0] += bolus_at(to);
    record(x, to);
  }
  return out;
}

}  // namespace ketaclinic::testing
