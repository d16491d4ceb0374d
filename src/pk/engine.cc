#include "pk/engine.h"

#include <algorithm>
#include <cmath>
#include <numbers>
// Eigen's matrix functions (expm) are kept to this translation unit: the header is heavy.
#include <Eigen/Dense>
#include <unsupported/Eigen/MatrixFunctions>

namespace ketaclinic::pk {
namespace {

// Below this relative separation between two rate constants that the modal coefficients divide
// by, the modal form loses more than ~1e-13 of relative accuracy (cancellation grows as
// eps / separation), so the engine uses the matrix exponential instead.
constexpr double kMinRelativeSeparation = 1e-3;

bool WellSeparated(double a, double b) {
  return std::abs(a - b) >= kMinRelativeSeparation * std::max(std::abs(a), std::abs(b));
}

size_t Index(int i) { return static_cast<size_t>(i); }

// Row-major index of (row, col) in an n x n matrix stored in an array.
size_t MatrixIndex(int row, int col, int n) {
  return static_cast<size_t>(row) * static_cast<size_t>(n) + static_cast<size_t>(col);
}

// A first-order follower of plasma concentration: y' = gain * Cp - rate * y.
struct Follower {
  double gain_per_min;
  double rate_per_min;
};

}  // namespace

std::array<double, 3> DispositionEigenvalues(int compartments, const MicroConstants& k) {
  std::array<double, 3> lambda{};
  if (compartments == 1) {
    lambda[0] = k.k10;
    return lambda;
  }
  if (compartments == 2) {
    // λ = ½[s ± √(s² − 4 k10 k21)]; the smaller root from the product avoids cancellation.
    const double s = k.k10 + k.k12 + k.k21;
    const double disc = std::sqrt(std::max(0.0, s * s - 4 * k.k10 * k.k21));
    lambda[0] = 0.5 * (s + disc);
    lambda[1] = k.k10 * k.k21 / lambda[0];
    return lambda;
  }
  // λ³ − a2 λ² + a1 λ − a0 = 0 (STANPUMP CUBE.C; reference/pk.md §3.1).
  const double a0 = k.k10 * k.k21 * k.k31;
  const double a1 = k.k10 * k.k31 + k.k21 * k.k31 + k.k21 * k.k13 + k.k10 * k.k21 + k.k31 * k.k12;
  const double a2 = k.k10 + k.k12 + k.k13 + k.k21 + k.k31;
  // Depressed cubic t³ + p t + q with λ = t + a2/3.
  const double p = a1 - a2 * a2 / 3;
  const double q = -2 * a2 * a2 * a2 / 27 + a2 * a1 / 3 - a0;
  const double r = std::sqrt(std::max(0.0, -p / 3));
  double phi = 0;
  if (r > 0) phi = std::clamp(-q / (2 * r * r * r), -1.0, 1.0);
  const double theta = std::acos(phi) / 3;
  for (int i = 0; i < 3; ++i) {
    lambda[Index(i)] = a2 / 3 + 2 * r * std::cos(theta - 2 * std::numbers::pi * i / 3);
  }
  // Newton polish: the trigonometric form loses digits when roots are close.
  for (double& root : lambda) {
    for (int iteration = 0; iteration < 2; ++iteration) {
      const double f = ((root - a2) * root + a1) * root - a0;
      const double df = (3 * root - 2 * a2) * root + a1;
      if (df == 0) break;
      root -= f / df;
    }
  }
  std::sort(lambda.begin(), lambda.end(), std::greater<>());
  return lambda;
}

Engine Engine::Create(const IndividualParameters& parameters) {
  return Create(parameters, Method::kModal);
}

Engine Engine::Create(const IndividualParameters& parameters, Method preferred) {
  KC_CHECK(parameters.compartments >= 1 && parameters.compartments <= 3);
  KC_CHECK(parameters.v1_l > 0 && parameters.ke0_per_min > 0);
  Engine engine;
  engine.parameters_ = parameters;
  engine.compartments_ = parameters.compartments;
  engine.has_metabolite_ = parameters.metabolite.has_value();
  engine.n_ = engine.compartments_ + 1 + (engine.has_metabolite_ ? 1 : 0);
  engine.lambda_ = DispositionEigenvalues(parameters.compartments, parameters.Micro());
  ModalForm form;
  if (preferred == Method::kModal && ComputeModalForm(parameters, form)) {
    engine.method_ = Method::kModal;
    engine.mode_rate_ = form.rate;
    engine.mode_input_ = form.input;
    engine.plasma_row_ = form.plasma_row;
    engine.effect_row_ = form.effect_row;
    engine.metabolite_row_ = form.metabolite_row;
  } else {
    engine.BuildMatrix();
  }
  return engine;
}

bool ComputeModalForm(const IndividualParameters& parameters, ModalForm& form) {
  const MicroConstants k = parameters.Micro();
  const int nc = parameters.compartments;
  const std::array<double, 3> lambda = DispositionEigenvalues(nc, k);
  // Followers of Cp: the effect site, then the metabolite.
  std::array<Follower, 2> followers{};
  int follower_count = 0;
  followers[Index(follower_count++)] = {parameters.ke0_per_min, parameters.ke0_per_min};
  if (parameters.metabolite) {
    const MetaboliteDefinition& m = *parameters.metabolite;
    followers[Index(follower_count++)] = {
        m.fraction_formed * m.molar_mass_ratio * parameters.cl_l_per_min / m.volume_l,
        m.clearance_l_per_min / m.volume_l};
  }

  // Every rate constant the coefficients divide by must be well separated.
  for (int i = 0; i < nc; ++i) {
    for (int j = i + 1; j < nc; ++j) {
      if (!WellSeparated(lambda[Index(i)], lambda[Index(j)])) return false;
    }
    for (int f = 0; f < follower_count; ++f) {
      if (!WellSeparated(lambda[Index(i)], followers[Index(f)].rate_per_min)) return false;
    }
  }

  form = ModalForm{};
  form.modes = nc + follower_count;
  // Unit-bolus plasma amplitudes (reference/pk.md §3.6):
  // A_i = Π_peripheral (k_j1 − λ_i) / (V1 Π_{j≠i} (λ_j − λ_i)).
  const std::array<double, 2> back_rates = {k.k21, k.k31};
  for (int i = 0; i < nc; ++i) {
    const double li = lambda[Index(i)];
    double numerator = 1;
    for (int p = 0; p < nc - 1; ++p) numerator *= back_rates[Index(p)] - li;
    double denominator = parameters.v1_l;
    for (int j = 0; j < nc; ++j) {
      if (j != i) denominator *= lambda[Index(j)] - li;
    }
    form.rate[Index(i)] = li;
    form.input[Index(i)] = numerator / denominator;
    form.plasma_row[Index(i)] = 1;
  }
  // Follower f: y = Σ w_i x_i + z, w_i = gain / (rate − λ_i), z' = −rate z − (Σ w_i A_i) R.
  for (int f = 0; f < follower_count; ++f) {
    const Follower& follower = followers[Index(f)];
    const int mode = nc + f;
    std::array<double, kMaxStates>& row = f == 0 ? form.effect_row : form.metabolite_row;
    double own_input = 0;
    for (int i = 0; i < nc; ++i) {
      const double w = follower.gain_per_min / (follower.rate_per_min - lambda[Index(i)]);
      row[Index(i)] = w;
      own_input -= w * form.input[Index(i)];
    }
    row[Index(mode)] = 1;
    form.rate[Index(mode)] = follower.rate_per_min;
    form.input[Index(mode)] = own_input;
  }
  return true;
}

void Engine::BuildMatrix() {
  method_ = Method::kMatrixExponential;
  const MicroConstants k = parameters_.Micro();
  const int nc = compartments_;
  const double v1 = parameters_.v1_l;
  auto at = [this](int row, int col) -> double& { return a_[MatrixIndex(row, col, n_)]; };
  a_.fill(0);
  at(0, 0) = -(k.k10 + k.k12 + k.k13);
  if (nc >= 2) {
    at(0, 1) = k.k21;
    at(1, 0) = k.k12;
    at(1, 1) = -k.k21;
  }
  if (nc >= 3) {
    at(0, 2) = k.k31;
    at(2, 0) = k.k13;
    at(2, 2) = -k.k31;
  }
  const int effect = nc;
  at(effect, 0) = parameters_.ke0_per_min / v1;
  at(effect, effect) = -parameters_.ke0_per_min;
  plasma_row_.fill(0);
  effect_row_.fill(0);
  metabolite_row_.fill(0);
  plasma_row_[0] = 1 / v1;
  effect_row_[Index(effect)] = 1;
  if (parameters_.metabolite) {
    const MetaboliteDefinition& m = *parameters_.metabolite;
    const int metabolite = nc + 1;
    at(metabolite, 0) =
        m.fraction_formed * m.molar_mass_ratio * parameters_.cl_l_per_min / m.volume_l / v1;
    at(metabolite, metabolite) = -m.clearance_l_per_min / m.volume_l;
    metabolite_row_[Index(metabolite)] = 1;
  }
  mode_input_.fill(0);
  mode_input_[0] = 1;  // infusion and bolus enter the central amount
}

void Engine::AddBolus(State& state, double dose_mg) const {
  for (int i = 0; i < n_; ++i) state.x[Index(i)] += mode_input_[Index(i)] * dose_mg;
}

Stepper Engine::MakeStepper(double dt_min) const {
  KC_CHECK(dt_min >= 0);
  Stepper stepper;
  stepper.n_ = n_;
  stepper.dt_min_ = dt_min;
  if (method_ == Method::kModal) {
    stepper.diagonal_ = true;
    for (int i = 0; i < n_; ++i) {
      const double rate = mode_rate_[Index(i)];
      // (1 − e^{−λ dt}) / λ without cancellation for small λ dt.
      const double decay = std::exp(-rate * dt_min);
      const double integral = rate > 0 ? -std::expm1(-rate * dt_min) / rate : dt_min;
      stepper.phi_[Index(i)] = decay;
      stepper.gamma_[Index(i)] = mode_input_[Index(i)] * integral;
    }
    return stepper;
  }
  // Van Loan: exp([[A, b], [0, 0]] dt) = [[Φ, γ], [0, 1]].
  stepper.diagonal_ = false;
  const Eigen::Index size = n_ + 1;
  Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(size, size);
  for (int r = 0; r < n_; ++r) {
    for (int c = 0; c < n_; ++c) augmented(r, c) = a_[MatrixIndex(r, c, n_)] * dt_min;
    augmented(r, n_) = mode_input_[Index(r)] * dt_min;
  }
  const Eigen::MatrixXd exponential = augmented.exp();  // assign first: see dependencies.md §5.2
  for (int r = 0; r < n_; ++r) {
    for (int c = 0; c < n_; ++c) stepper.phi_[MatrixIndex(r, c, n_)] = exponential(r, c);
    stepper.gamma_[Index(r)] = exponential(r, n_);
  }
  return stepper;
}

void Stepper::AdvanceDense(State& state, double rate_mg_per_min) const {
  State next;
  for (int r = 0; r < n_; ++r) {
    double value = gamma_[size_t(r)] * rate_mg_per_min;
    for (int c = 0; c < n_; ++c) value += phi_[MatrixIndex(r, c, n_)] * state.x[size_t(c)];
    next.x[size_t(r)] = value;
  }
  state = next;
}

void Stepper::PropagateRow(std::array<double, kMaxStates>& row) const {
  if (diagonal_) {
    for (int i = 0; i < n_; ++i) row[size_t(i)] *= phi_[size_t(i)];
    return;
  }
  std::array<double, kMaxStates> next{};
  for (int c = 0; c < n_; ++c) {
    for (int r = 0; r < n_; ++r) next[size_t(c)] += row[size_t(r)] * phi_[MatrixIndex(r, c, n_)];
  }
  row = next;
}

Concentrations Engine::Read(const State& state) const {
  Concentrations c;
  for (int i = 0; i < n_; ++i) {
    c.plasma_mg_per_l += plasma_row_[Index(i)] * state.x[Index(i)];
    c.effect_mg_per_l += effect_row_[Index(i)] * state.x[Index(i)];
    c.metabolite_mg_per_l += metabolite_row_[Index(i)] * state.x[Index(i)];
  }
  return c;
}

}  // namespace ketaclinic::pk
