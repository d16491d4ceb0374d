#ifndef KETACLINIC_PK_ENGINE_H_
#define KETACLINIC_PK_ENGINE_H_

#include <array>
#include <span>

#include "base/error.h"
#include "pk/model.h"

namespace ketaclinic::pk {

// Up to three disposition compartments, the effect site and one metabolite.
inline constexpr int kMaxStates = 5;

// The state of one individual's linear PK system. Its meaning depends on the engine's method
// (modal amplitudes or compartment amounts); only the Engine reads it.
struct State {
  std::array<double, kMaxStates> x{};
};

// Concentrations at one instant, in mg/L (= µg/mL). Multiply by 1000 for ng/mL.
struct Concentrations {
  double plasma_mg_per_l = 0;
  double effect_mg_per_l = 0;
  double metabolite_mg_per_l = 0;  // 0 when the model has no metabolite
};

class Stepper;

// The modal (one state per exponential) form of a model: x_i' = −rate_i x_i + input_i R, a bolus
// D adds input_i D, and each concentration is Σ row_i x_i (mg/L). Modes 0..compartments−1 are the
// disposition exponentials, then the effect site, then the metabolite if any.
struct ModalForm {
  int modes = 0;
  std::array<double, kMaxStates> rate{};
  std::array<double, kMaxStates> input{};
  std::array<double, kMaxStates> plasma_row{};
  std::array<double, kMaxStates> effect_row{};
  std::array<double, kMaxStates> metabolite_row{};
};

// Computes the modal form from the closed-form eigenvalues (reference/pk.md §3.6). Returns false,
// leaving `form` unspecified, when two rate constants that the coefficients divide by are closer
// than 1e-3 relative: the modal form would then lose accuracy, and the matrix exponential is
// the exact alternative (Engine chooses it).
bool ComputeModalForm(const IndividualParameters& parameters, ModalForm& form);

// The exact solution of a linear mammillary model (1-3 compartments) with an effect site and an
// optional metabolite, for piecewise-constant infusion rates and boluses.
//
// Two exact methods, chosen at creation:
//  - kModal: one state per exponential, as in STANPUMP (Shafer; reference/pk.md §3.1, §3.6).
//    The plasma modes come from the closed-form roots of the characteristic polynomial; the
//    effect site and the metabolite are first-order "followers" of Cp, each adding one mode.
//    Advancing a state is 1 multiply-add per state. Its coefficients divide by differences of
//    rate constants, so it is used only when every pair that is divided by is well separated.
//  - kMatrixExponential: compartment amounts advanced by exp(M dt) of the augmented
//    (Van Loan) matrix M = [[A, b], [0, 0]], computed by Eigen's scaling-and-squaring Padé
//    method. No division by eigenvalue differences, so ke0 equal to an eigenvalue, or a
//    metabolite rate equal to one, is exact rather than lucky.
//
// Immutable after creation; safe to share between threads.
class Engine {
 public:
  enum class Method { kModal, kMatrixExponential };

  // Chooses the modal method when it is well conditioned, else the matrix exponential.
  // REQUIRES: `parameters` came from Individualize() of a validated model.
  static Engine Create(const IndividualParameters& parameters);
  // Forces a method (tests compare both). kModal falls back when it is ill-conditioned, so check
  // method() afterwards.
  static Engine Create(const IndividualParameters& parameters, Method preferred);

  Method method() const { return method_; }
  int state_count() const { return n_; }
  bool has_metabolite() const { return has_metabolite_; }
  const IndividualParameters& parameters() const { return parameters_; }

  // The disposition eigenvalues λ1 > λ2 > λ3 (1/min) of the parent, one per compartment.
  std::span<const double> eigenvalues() const { return {lambda_.data(), size_t(compartments_)}; }

  // Adds a bolus of `dose_mg` into the central compartment.
  void AddBolus(State& state, double dose_mg) const;
  // Precomputes the exact propagator over `dt_min` (>= 0).
  Stepper MakeStepper(double dt_min) const;
  // The concentrations a state stands for.
  Concentrations Read(const State& state) const;
  // The linear maps Read() applies: concentration (mg/L) = Σ row_i x_i.
  const std::array<double, kMaxStates>& plasma_row() const { return plasma_row_; }
  const std::array<double, kMaxStates>& effect_row() const { return effect_row_; }
  // The modal form, for vectorized population kernels. REQUIRES: method() == kModal.
  // x_i' = -mode_rates()[i] x_i + mode_inputs()[i] R, and a bolus D adds mode_inputs()[i] D.
  const std::array<double, kMaxStates>& mode_rates() const { return mode_rate_; }
  const std::array<double, kMaxStates>& mode_inputs() const { return mode_input_; }

 private:
  Engine() = default;
  void BuildMatrix();

  IndividualParameters parameters_;
  Method method_ = Method::kModal;
  int compartments_ = 0;
  int n_ = 0;
  bool has_metabolite_ = false;
  std::array<double, 3> lambda_{};  // disposition eigenvalues, descending

  // Modal form: x_i' = -rate_i x_i + input_i R; a bolus D adds input_i D.
  std::array<double, kMaxStates> mode_rate_{};
  std::array<double, kMaxStates> mode_input_{};
  // Output rows: concentration = Σ row_i x_i (mg/L). Also used by the matrix form.
  std::array<double, kMaxStates> plasma_row_{};
  std::array<double, kMaxStates> effect_row_{};
  std::array<double, kMaxStates> metabolite_row_{};

  // Matrix form: x' = A x + b R, x = amounts (mg) of each compartment, then Ce and Cm (mg/L).
  std::array<double, size_t{kMaxStates} * kMaxStates> a_{};  // row-major n x n
};

// The exact propagator of an Engine over one time step: x(t + dt) = Φ x(t) + γ R.
class Stepper {
 public:
  // Advances `state` by the step with a constant infusion `rate_mg_per_min` (>= 0).
  void Advance(State& state, double rate_mg_per_min) const {
    if (diagonal_) {
      for (int i = 0; i < n_; ++i) {
        state.x[size_t(i)] =
            phi_[size_t(i)] * state.x[size_t(i)] + gamma_[size_t(i)] * rate_mg_per_min;
      }
      return;
    }
    AdvanceDense(state, rate_mg_per_min);
  }
  double dt_min() const { return dt_min_; }
  // row ← row Φ: the output row that reads, from a state, the value `dt` later with no input.
  void PropagateRow(std::array<double, kMaxStates>& row) const;

 private:
  friend class Engine;
  void AdvanceDense(State& state, double rate_mg_per_min) const;

  bool diagonal_ = true;
  int n_ = 0;
  double dt_min_ = 0;
  std::array<double, size_t{kMaxStates} * kMaxStates> phi_{};  // diagonal: first n entries
  std::array<double, kMaxStates> gamma_{};
};

// Disposition eigenvalues (1/min, descending) of a mammillary model's micro-constants: the
// roots of the characteristic polynomial by the closed form (STANPUMP cube(), Viète's
// trigonometric method) polished by Newton's method.
std::array<double, 3> DispositionEigenvalues(int compartments, const MicroConstants& k);

}  // namespace ketaclinic::pk

#endif  // KETACLINIC_PK_ENGINE_H_
