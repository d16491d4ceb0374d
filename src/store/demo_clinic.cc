#include "store/demo_clinic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <random>
#include <utility>

#include "base/validation.h"

#include "clinical/dosing.h"
#include "clinical/outcomes.h"
#include "store/clinic_repository.h"
#include "store/ledger_store.h"
#include "store/users.h"

namespace ketaclinic::store {
namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

// One patient's random stream: std::mt19937_64 (its output is fixed by the C++ standard)
// seeded by a SplitMix64 mix of the seed and the patient's index, with our own uniform and
// normal transforms (the standard distributions differ between library implementations; the
// same approach as pk/random.h, which store may not include).
uint64_t Mix(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, uint64_t index) : engine_(Mix(Mix(seed) + index * 0xD1B54A32D192ED03ULL)) {}
  // Uniform on (0, 1]: 53 random bits, never 0 (safe for log).
  double Uniform() { return (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53; }
  bool Chance(double p) { return Uniform() <= p; }
  // A whole number in [low, high] (the modulo bias is below 1e-17 for these small spans).
  int Int(int low, int high) {
    const uint64_t span = static_cast<uint64_t>(high) - static_cast<uint64_t>(low) + 1;
    return low + static_cast<int>(engine_() % span);
  }
  // Box-Muller, one of the pair.
  double Normal(double mean, double sd) {
    const double radius = std::sqrt(-2.0 * std::log(Uniform()));
    return mean + sd * radius * std::cos(2.0 * std::numbers::pi * Uniform());
  }
  double Between(double low, double high) { return low + (high - low) * Uniform(); }

 private:
  std::mt19937_64 engine_;
};

constexpr std::array<const char*, 20> kFirstNames = {
    "Ada",  "Bram", "Chiara", "Dev",  "Elif", "Femi",  "Greta", "Hiro", "Ines", "Jonas",
    "Kaia", "Luca", "Maya",   "Nils", "Oona", "Pavel", "Rosa",  "Sami", "Tove", "Uma"};
constexpr std::array<const char*, 20> kLastNames = {
    "Abbott", "Berg",   "Castro", "Dahl",  "Eze",    "Fischer", "Garcia",
    "Holm",   "Ito",    "Jensen", "Kowal", "Larsen", "Moreau",  "Novak",
    "Okafor", "Petrov", "Quinn",  "Rossi", "Silva",  "Tanaka"};

struct Drug {
  const char* name;
  clinical::DrugClass drug_class;
  double dose_mg;  // an adequate daily dose (staging.cc table: at least its minimum)
};
constexpr std::array<Drug, 6> kDrugs = {
    {{"sertraline", clinical::DrugClass::kSsri, 150},
     {"escitalopram", clinical::DrugClass::kSsri, 20},
     {"venlafaxine", clinical::DrugClass::kSnri, 225},
     {"bupropion", clinical::DrugClass::kOtherAntidepressant, 300},
     {"duloxetine", clinical::DrugClass::kSnri, 60},
     {"mirtazapine", clinical::DrugClass::kOtherAntidepressant, 30}}};

const std::array<DemoClinician, 6>& Clinicians() {
  static const std::array<DemoClinician, 6> clinicians = {{
      {"dr.lindqvist", "Dr. Anna Lindqvist (demo)", clinical::Role::kPhysician},
      {"dr.mensah", "Dr. Kofi Mensah (demo)", clinical::Role::kPhysician},
      {"rn.okafor", "Ngozi Okafor, RN (demo)", clinical::Role::kNurse},
      {"rn.silva", "Joana Silva, RN (demo)", clinical::Role::kNurse},
      {"rn.berg", "Lars Berg, RN (demo)", clinical::Role::kNurse},
      {"ph.tanaka", "Yui Tanaka, PharmD (demo)", clinical::Role::kPharmacist},
  }};
  return clinicians;
}

std::string Hex(uint64_t value) {
  std::array<char, 17> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%016llx", static_cast<unsigned long long>(value));
  return buffer.data();
}

// "2026-01-05" of an Instant, as a Date.
clinical::Date DateAt(Instant at) { return clinical::DateOf(at); }

// Item responses that sum to `total`, spread over `scored` items of at most `max` each (later
// items stay 0: PHQ-9 item 9 and MADRS item 10, the suicide items, are kept at 0 so the demo does
// not raise suicide-risk findings on every visit).
std::vector<int> Items(int total, int count, int scored, int max) {
  std::vector<int> items(static_cast<size_t>(count), 0);
  total = std::clamp(total, 0, scored * max);
  for (int i = 0; i < scored; ++i) {
    items[static_cast<size_t>(i)] = total / scored + (i < total % scored ? 1 : 0);
  }
  return items;
}

std::vector<int> Phq9Items(int total) { return Items(total, 9, 8, 3); }
std::vector<int> MadrsItems(int total) { return Items(total, 10, 9, 6); }

// Mon/Wed/Fri on or after `from` (induction weekdays, clinical.md §1.9 [S]).
Instant NextClinicDay(Instant from) {
  Instant day = std::chrono::floor<days>(from);
  for (;;) {
    const std::chrono::weekday wd{std::chrono::sys_days(std::chrono::floor<days>(day))};
    if (wd == std::chrono::Monday || wd == std::chrono::Wednesday || wd == std::chrono::Friday) {
      if (day >= std::chrono::floor<days>(from)) return day;
    }
    day += days(1);
  }
}

class PatientBuilder {
 public:
  PatientBuilder(const DemoOptions& options, int index, const std::string& prefix)
      : rng_(options.seed, static_cast<uint64_t>(index)),
        prefix_(prefix + "-p" + std::to_string(index)),
        index_(index),
        start_(options.start) {}

  DemoPatient Build() {
    DemoPatient out;
    const double u = rng_.Uniform();
    const DemoTargets& targets = DefaultDemoTargets();
    // Which eligibility rule this referral will fail, if any: the stated reasons.
    enum class Reason { kNone, kFewTrials, kNoPsychotherapy, kMildSeverity, kNoClearance };
    Reason reason = Reason::kNone;
    if (u < targets.ineligible_fraction) {
      reason = static_cast<Reason>(1 + rng_.Int(0, 3));
    }
    intake_ = start_ + days(rng_.Int(0, 120)) + std::chrono::hours(9);
    clinical::Patient& p = out.file.patient;
    p.meta.id = prefix_;
    p.meta.author = "rn.okafor";
    p.meta.recorded_at = intake_;
    p.identifier = "DEMO-" + std::to_string(index_ + 1);
    p.name = std::string(kFirstNames[static_cast<size_t>(rng_.Int(0, 19))]) + " " +
             kLastNames[static_cast<size_t>(rng_.Int(0, 19))];
    const int age = rng_.Int(22, 68);
    p.birth_date = DateAt(intake_ - days(age * 365 + rng_.Int(10, 350)));
    p.sex = rng_.Chance(0.6) ? clinical::Sex::kFemale : clinical::Sex::kMale;
    const bool female = p.sex == clinical::Sex::kFemale;
    p.height_cm = std::round(std::clamp(rng_.Normal(female ? 164 : 178, 7), 145.0, 205.0));
    weight_kg_ = std::round(std::clamp(rng_.Normal(female ? 72 : 85, 14), 48.0, 150.0) * 10) / 10;
    p.weights.push_back({{}, intake_, weight_kg_});

    const int failed_trials = reason == Reason::kFewTrials ? 1 : rng_.Int(2, 4);
    const Instant episode_start = intake_ - days(7 * (failed_trials * 14 + 6 + rng_.Int(0, 20)));
    clinical::Diagnosis diagnosis;
    diagnosis.kind = clinical::DiagnosisKind::kMdd;
    diagnosis.code = clinical::CodedConcept{clinical::CodeSystem::kIcd10Cm, "F33.2",
                                            "Major depressive disorder, recurrent severe"};
    diagnosis.episode_start = DateAt(episode_start);
    p.diagnosis = diagnosis;
    const int first_drug = rng_.Int(0, 5);
    for (int t = 0; t < failed_trials; ++t) {
      const Drug& drug = kDrugs[static_cast<size_t>((first_drug + t) % 6)];
      clinical::AntidepressantTrial trial;
      trial.drug = drug.name;
      trial.daily_dose_mg = drug.dose_mg;
      const Instant begin = episode_start + days(7 * (2 + 14 * t));
      trial.start = DateAt(begin);
      trial.stop = DateAt(begin + days(7 * 12));
      trial.weeks_at_dose = 8;
      trial.adherence = clinical::Adherence::kGood;
      trial.outcome = clinical::TrialOutcome::kNoResponse;
      p.antidepressant_trials.push_back(trial);
    }
    if (reason != Reason::kNoPsychotherapy) {
      clinical::PsychotherapyTrial cbt;
      cbt.type = "CBT";
      cbt.sessions = 12;
      cbt.start = DateAt(episode_start + days(14));
      cbt.stop = DateAt(episode_start + days(14 + 7 * 14));
      cbt.outcome = clinical::TrialOutcome::kNoResponse;
      p.psychotherapy_trials.push_back(cbt);
    }
    clinical::Consent consent;
    consent.kind = clinical::ConsentKind::kKetamineInfusion;
    consent.signed_at = intake_ - std::chrono::hours(1);
    consent.signed_by = p.name;
    consent.obtained_by = "dr.lindqvist";
    p.consents.push_back(consent);
    if (reason != Reason::kNoClearance) {
      clinical::MedicalClearance clearance;
      clearance.date = DateAt(intake_ - days(7));
      clearance.by = "Dr. Family Practice (demo)";
      clearance.covered = clinical::AllClearanceItems();
      p.clearances.push_back(clearance);
    }
    baseline_phq9_ = reason == Reason::kMildSeverity ? rng_.Int(5, 9) : rng_.Int(14, 24);
    clinical::ScaleResponse phq9;
    phq9.scale = clinical::Scale::kPhq9;
    phq9.items = Phq9Items(baseline_phq9_);
    phq9.taken_at = intake_;
    clinical::ScaleResponse cssrs;
    cssrs.scale = clinical::Scale::kCssrsScreener;
    cssrs.items = {0, 0, 0, 0, 0, 0};
    cssrs.taken_at = intake_;
    p.scale_responses = {phq9, cssrs};

    Result<clinical::EligibilityVerdict> verdict = clinical::EvaluateEligibility(
        p, clinical::EligibilityProtocol{}, intake_ + minutes(30), {});
    if (verdict) {
      out.eligibility = verdict->outcome;
      for (const clinical::Finding& f : verdict->findings) {
        if (f.severity == clinical::Severity::kBlock) out.blocked_by.push_back(f.rule_id);
      }
    } else {
      out.blocked_by.push_back("invalid: " + verdict.error().ToString());
    }
    if (out.eligibility != clinical::EligibilityOutcome::kNotEligible) Treat(out);
    return out;
  }

 private:
  std::string Id(const char* kind, int n) const { return prefix_ + "-" + kind + std::to_string(n); }

  // Records one scale response (linked to a course) and returns it as a course assessment.
  clinical::Assessment Assess(DemoPatient& out, const std::string& course_id, clinical::Scale scale,
                              int total, Instant at) {
    clinical_json::ScaleResponseRecord record;
    record.patient_id = prefix_;
    record.course_id = course_id;
    record.response.meta.id = Id("r", responses_++);
    record.response.meta.author = scale == clinical::Scale::kMadrs ? "dr.mensah" : "rn.silva";
    record.response.meta.recorded_at = at;
    record.response.scale = scale;
    record.response.items = scale == clinical::Scale::kMadrs ? MadrsItems(total) : Phq9Items(total);
    record.response.taken_at = at;
    clinical::Assessment a;
    a.id = record.response.meta.id;
    a.scale = scale;
    a.taken_at = at;
    a.items = record.response.items;
    a.total = clinical::ScoreScale(scale, a.items)
                  .map([](const clinical::ScaleScore& s) { return s.total; })
                  .value_or(total);
    out.scale_responses.push_back(std::move(record));
    return a;
  }

  // One infusion session at `start` (the pump's start) with the planned dose; returns whether it
  // was tolerated (no marked BP rise).
  bool Infuse(DemoPatient& out, const clinical::DosePlan& plan, const std::string& course_id,
              Instant start) {
    const DemoTargets& targets = DefaultDemoTargets();
    const bool bp_rise = rng_.Chance(targets.bp_rise_session_fraction);
    DemoSession session;
    clinical_json::SessionRecord& s = session.record;
    s.meta.id = Id("s", sessions_++);
    s.meta.author = rng_.Chance(0.5) ? "rn.okafor" : "rn.berg";
    s.patient_id = prefix_;
    s.course_id = course_id;
    s.scheduled_at = start - minutes(10);
    s.setup.planned_dose_mg = plan.dose_mg;
    s.setup.bag_volume_ml = plan.total_volume_ml;
    s.setup.concentration_mg_per_ml = plan.bag_mg_per_ml;
    s.setup.planned_rate_ml_per_h = plan.rate_ml_per_h;
    s.setup.weight_kg = weight_kg_;
    const double mg_per_min = plan.rate_mg_per_min;
    Instant end = start + seconds(static_cast<int64_t>(std::lround(plan.duration_min * 60)));
    if (bp_rise) {
      // At 20 minutes the nurse slows the pump to 75 % for the rest of the dose (clinical.md
      // §1.6: reduce rate or pause on a BP rise [D]).
      const Instant change = start + minutes(20);
      const double left_mg = std::max(0.0, plan.dose_mg - mg_per_min * 20);
      const double slow_min = left_mg / (mg_per_min * 0.75);
      end = change + seconds(static_cast<int64_t>(std::lround(slow_min * 60)));
      s.segments = {{start, change, plan.rate_ml_per_h, plan.bag_mg_per_ml},
                    {change, end, plan.rate_ml_per_h * 0.75, plan.bag_mg_per_ml}};
    } else {
      s.segments = {{start, end, plan.rate_ml_per_h, plan.bag_mg_per_ml}};
    }
    double delivered = 0;
    for (const clinical::RateSegment& segment : s.segments) {
      delivered +=
          segment.RateMgPerMin() * MinutesBetween(segment.start, segment.end.value_or(end));
    }
    s.delivered_mg = std::min(plan.dose_mg, std::round(delivered * 1000) / 1000);
    s.infusion_start = start;
    s.infusion_end = end;
    s.state = clinical::SessionState::kDischarged;
    s.meta.recorded_at = end + minutes(45);
    const clinical::Clinician nurse{s.meta.author, clinical::Role::kNurse};
    s.scores.push_back(
        {start + minutes(20), nurse, clinical::Scale::kMoaas, {rng_.Chance(0.85) ? 5 : 4}});
    s.scores.push_back(
        {end,
         nurse,
         clinical::Scale::kCadss6,
         {rng_.Int(0, 2), rng_.Int(0, 1), rng_.Int(0, 2), rng_.Int(0, 1), rng_.Int(0, 1), 0}});
    s.scores.push_back({end + minutes(30), nurse, clinical::Scale::kMoaas, {5}});

    // Vital signs: a baseline, every 10 minutes during the infusion, then 15 and 30 minutes
    // after it (recovery). SBP rises by about 10 mmHg during an infusion, more in a BP-rise one.
    const double base_sbp = std::clamp(rng_.Normal(124, 11), 100.0, 150.0);
    const double base_hr = std::clamp(rng_.Normal(74, 9), 55.0, 100.0);
    const double rise = bp_rise ? rng_.Between(32, 45) : rng_.Between(5, 15);
    const double infusion_min = MinutesBetween(start, end);
    auto reading = [&](Instant at, double effect) {
      clinical::VitalSigns v;
      v.time = at;
      const double sbp = std::round(base_sbp + rise * effect + rng_.Normal(0, 3));
      v.systolic_mmhg = sbp;
      v.diastolic_mmhg = std::round(sbp * 0.63 + rng_.Normal(0, 3));
      v.heart_rate_bpm = std::round(base_hr + 8 * effect + rng_.Normal(0, 3));
      v.spo2_percent = std::round(std::clamp(rng_.Normal(98, 0.8), 94.0, 100.0));
      v.resp_rate_per_min = std::round(std::clamp(rng_.Normal(15, 1.5), 10.0, 22.0));
      session.vitals.push_back(v);
    };
    reading(start - minutes(10), 0);
    for (int m = 0; m <= static_cast<int>(infusion_min); m += 10) {
      reading(start + minutes(m), std::min(1.0, m / 25.0));
    }
    reading(end + minutes(15), 0.4);
    reading(end + minutes(30), 0.1);

    // Side effects (clinical.md §1.11 capture [D]): transient dissociation is the commonest.
    auto effect = [&](clinical::SideEffectKind kind, int grade, int onset_min, int lasts_min,
                      std::string treatment) {
      clinical_json::SideEffectRecord e;
      e.meta.id = Id("e", effects_++);
      e.meta.author = s.meta.author;
      e.meta.recorded_at = end + minutes(40);
      e.patient_id = prefix_;
      e.session_id = s.meta.id;
      e.effect.kind = kind;
      e.effect.grade = grade;
      e.effect.onset = start + minutes(onset_min);
      e.effect.resolved_at = e.effect.onset + minutes(lasts_min);
      e.effect.treatment = std::move(treatment);
      out.side_effects.push_back(std::move(e));
    };
    if (rng_.Chance(0.30)) effect(clinical::SideEffectKind::kDissociation, 1, 15, 40, "");
    if (rng_.Chance(0.12)) {
      const int grade = rng_.Int(1, 2);
      effect(clinical::SideEffectKind::kNausea, grade, 25, 45,
             grade == 2 ? "ondansetron 4 mg IV" : "");
    }
    if (rng_.Chance(0.08)) effect(clinical::SideEffectKind::kHeadache, 1, 30, 90, "");
    if (rng_.Chance(0.10)) effect(clinical::SideEffectKind::kDizziness, 1, 35, 30, "");
    if (bp_rise) effect(clinical::SideEffectKind::kHypertension, 2, 18, 50, "rate reduced");
    out.sessions.push_back(std::move(session));
    return !bp_rise;
  }

  void Treat(DemoPatient& out) {
    const DemoTargets& targets = DefaultDemoTargets();
    const clinical::Patient& p = out.file.patient;
    clinical::DoseRequest request;
    request.sex = p.sex;
    request.weight_kg = weight_kg_;
    request.height_cm = p.height_cm.value_or(170);
    request.mg_per_kg = 0.5;  // the standard induction dose (clinical.md §1.8 [S])
    Result<clinical::DosePlan> plan = clinical::PlanDose(request, clinical::DoseProtocol{});
    if (!plan || plan->blocked) {
      out.blocked_by.push_back("dosing: no plan");
      return;
    }
    // How many of the 6 infusions are given (ORKA-2 [S]): 20 % stop after the first, about
    // half do not complete the series.
    const double stay = rng_.Uniform();
    const int given = stay <= targets.stops_after_first         ? 1
                      : stay <= 1 - targets.completes_induction ? rng_.Int(2, 5)
                                                                : 6;
    // The patient's course of symptoms: the reduction the infusions will bring.
    const double kind = rng_.Uniform();
    const bool remits = kind <= targets.remitter_fraction;
    const bool responds = kind <= targets.responder_fraction;
    const double target = remits     ? rng_.Between(0.82, 0.95)
                          : responds ? rng_.Between(0.55, 0.7)
                                     : rng_.Between(0.0, 0.4);

    clinical::TreatmentCourse course;
    course.meta.id = Id("c", courses_++);
    course.meta.author = "dr.lindqvist";
    course.patient_id = prefix_;
    course.phase = clinical::CoursePhase::kInduction;
    course.planned_count = 6;
    course.primary_scale = clinical::Scale::kPhq9;
    const Instant first = NextClinicDay(intake_ + days(7)) + std::chrono::hours(9);
    course.meta.recorded_at = first - days(2);
    const int baseline_madrs = std::min(54, baseline_phq9_ * 3 / 2 + 4);
    course.assessments.push_back(
        Assess(out, course.meta.id, clinical::Scale::kPhq9, baseline_phq9_, first - minutes(30)));
    course.assessments.push_back(
        Assess(out, course.meta.id, clinical::Scale::kMadrs, baseline_madrs, first - minutes(20)));
    Instant at = first;
    Instant last = first;
    for (int k = 0; k < given; ++k) {
      if (k > 0) {
        at = NextClinicDay(at + days(1)) + std::chrono::hours(9);
        // Ketamine acts within hours; the effect builds over the first infusions.
        const double reached = target * std::min(1.0, 0.6 + 0.2 * k);
        const int total = static_cast<int>(std::lround(baseline_phq9_ * (1 - reached)));
        course.assessments.push_back(
            Assess(out, course.meta.id, clinical::Scale::kPhq9, total, at - minutes(30)));
      }
      const bool tolerated = Infuse(out, *plan, course.meta.id, at);
      course.infusions.push_back({Id("i", k), at, 0.5, tolerated});
      last = at;
    }
    const Instant after = last + days(2);
    const int final_phq9 = static_cast<int>(std::lround(baseline_phq9_ * (1 - target)));
    course.assessments.push_back(
        Assess(out, course.meta.id, clinical::Scale::kPhq9, final_phq9, after));
    course.assessments.push_back(
        Assess(out, course.meta.id, clinical::Scale::kMadrs,
               static_cast<int>(std::lround(baseline_madrs * (1 - target))), after + minutes(10)));
    out.completed_induction = given == 6;
    if (given < 6) course.ended = clinical::CourseEnd{last + days(10), "stopped attending"};

    // Follow-up for those who responded: some relapse (back near the baseline twice).
    const bool relapses = responds && rng_.Chance(targets.relapse_of_responders);
    if (responds && given >= 2) {
      for (int f = 0; f < 2; ++f) {
        const int total = relapses ? static_cast<int>(std::lround(baseline_phq9_ * 0.85))
                                   : final_phq9 + rng_.Int(0, 1);
        course.assessments.push_back(
            Assess(out, course.meta.id, clinical::Scale::kPhq9, total, after + days(21 + 14 * f)));
      }
    }
    std::vector<Instant> starts;
    starts.reserve(course.infusions.size());
    for (const clinical::Infusion& infusion : course.infusions)
      starts.push_back(infusion.started_at);
    if (Result<clinical::OutcomeReport> report =
            clinical::EvaluateOutcomes(course.assessments, starts, clinical::OutcomeProtocol{})) {
      if (const clinical::ScaleOutcome* phq9 =
              clinical::FindScale(*report, clinical::Scale::kPhq9)) {
        out.responder = phq9->response_at.has_value();
        out.remitter = phq9->remission_at.has_value();
        out.relapsed = phq9->relapse_at.has_value();
      }
    }
    const clinical::Assessment baseline = course.assessments.front();
    out.courses.push_back(std::move(course));

    // Maintenance boosters every 4-6 weeks for responders (clinical.md §1.9 [S-low]).
    if (!out.responder) return;
    Instant booster = after + days(49);
    const int boosters = rng_.Int(1, 3);
    for (int b = 0; b < boosters; ++b) {
      clinical::TreatmentCourse c;
      c.meta.id = Id("c", courses_++);
      c.meta.author = "dr.mensah";
      c.patient_id = prefix_;
      c.phase = clinical::CoursePhase::kBooster;
      c.planned_count = 1;
      c.primary_scale = clinical::Scale::kPhq9;
      const Instant day = NextClinicDay(booster) + std::chrono::hours(9);
      c.meta.recorded_at = day - days(3);
      clinical::Assessment carried = baseline;
      carried.baseline = true;  // the induction's baseline (course-file.md)
      c.assessments.push_back(carried);
      const int before = relapses ? static_cast<int>(std::lround(baseline_phq9_ * 0.8))
                                  : final_phq9 + rng_.Int(1, 3);
      c.assessments.push_back(
          Assess(out, c.meta.id, clinical::Scale::kPhq9, before, day - minutes(30)));
      const bool tolerated = Infuse(out, *plan, c.meta.id, day);
      c.infusions.push_back({Id("i", 100 + b), day, 0.5, tolerated});
      c.assessments.push_back(Assess(out, c.meta.id, clinical::Scale::kPhq9,
                                     std::max(0, final_phq9 - rng_.Int(0, 2)), day + days(2)));
      out.courses.push_back(std::move(c));
      booster = day + days(rng_.Int(28, 42));
    }
  }

  Rng rng_;
  std::string prefix_;
  int index_;
  Instant start_;
  Instant intake_;
  double weight_kg_ = 70;
  int baseline_phq9_ = 0;
  int courses_ = 0;
  int sessions_ = 0;
  int responses_ = 0;
  int effects_ = 0;
};

}  // namespace

const DemoTargets& DefaultDemoTargets() {
  static const DemoTargets targets;
  return targets;
}

Result<DemoClinic> GenerateDemoClinic(const DemoOptions& options) {
  Validator v("invalid demo options");
  v.Require(options.patients >= 1 && options.patients <= 100000, "patients",
            "must be 1 to 100000, got " + std::to_string(options.patients));
  if (Status ok = v.Finish(); !ok) return tl::unexpected(ok.error());
  DemoClinic clinic;
  clinic.seed = options.seed;
  clinic.clinicians.assign(Clinicians().begin(), Clinicians().end());
  clinic.patients.reserve(static_cast<size_t>(options.patients));
  const std::string prefix = "demo-" + Hex(options.seed);
  for (int i = 0; i < options.patients; ++i) {
    clinic.patients.push_back(PatientBuilder(options, i, prefix).Build());
  }
  return clinic;
}

DemoSummary Summarize(const DemoClinic& clinic) {
  DemoSummary s;
  s.clinicians = static_cast<int64_t>(clinic.clinicians.size());
  for (const DemoPatient& p : clinic.patients) {
    ++s.patients;
    const bool treated = p.eligibility != clinical::EligibilityOutcome::kNotEligible;
    ++(treated ? s.eligible : s.not_eligible);
    s.courses += static_cast<int64_t>(p.courses.size());
    for (const clinical::TreatmentCourse& c : p.courses) {
      if (c.phase == clinical::CoursePhase::kBooster) ++s.boosters;
    }
    s.sessions += static_cast<int64_t>(p.sessions.size());
    for (const DemoSession& session : p.sessions) {
      s.vitals += static_cast<int64_t>(session.vitals.size());
    }
    s.scale_responses += static_cast<int64_t>(p.scale_responses.size());
    s.side_effects += static_cast<int64_t>(p.side_effects.size());
    if (!p.courses.empty()) {
      if (p.completed_induction) ++s.completed_induction;
      if (p.courses.front().infusions.size() == 1) ++s.stopped_after_first;
    }
    if (p.responder) ++s.responders;
    if (p.remitter) ++s.remitters;
    if (p.relapsed) ++s.relapses;
  }
  return s;
}

namespace {

// The generated clinicians' usernames mapped to stored user ids (created when missing).
Result<std::map<std::string, std::string>> EnsureClinicians(Store& store, const Actor& actor,
                                                            const DemoClinic& clinic) {
  UserStore users(store);
  std::map<std::string, std::string> ids;
  for (const DemoClinician& c : clinic.clinicians) {
    Result<std::optional<User>> found = users.FindByUsername(c.username);
    if (!found) return tl::unexpected(found.error());
    if (const std::optional<User>& user = *found; user.has_value()) {
      ids[c.username] = user->id;
      continue;
    }
    Result<User> created =
        users.Create(actor, NewUser{c.username, c.display_name, c.role, GeneratePassword()});
    if (!created) return tl::unexpected(created.error());
    ids[c.username] = created->id;
  }
  return ids;
}

// The demo's controlled-substance ledger (clinical.md §5.4; docs/LEDGER.md): ketamine 50 mg/mL
// in 10 mL vials, one vial per infusion, received by the pharmacist the day before; the nurse
// draws the planned dose, administers what the pump delivered (so the session reconciles), and
// wastes the rest of the draw and the vial's residue with a second nurse as witness. One lot per
// calendar year, usable through the end of the next year. Sessions later than the store's clock
// have no ledger entries (an entry cannot be dated after it was recorded).
constexpr const char* kDemoNdc = "99999-500-10";  // a made-up NDC of the 5-3-2 form
constexpr int64_t kDemoVialUg = 500'000;          // 50 mg/mL x 10 mL

std::string DemoLotNumber(Instant at) {
  return "DEMO-" + std::to_string(static_cast<int>(clinical::DateOf(at).year()));
}

// The product and the lots the clinic's sessions need, added when missing (so --append works).
Status EnsureLedgerCatalog(Store& store, const Actor& actor, const DemoClinic& clinic) {
  return store.Transact([&](Transaction& tx) -> Status {
    Result<clinical::LedgerCatalog> catalog = LoadLedgerCatalog(tx);
    if (!catalog) return tl::unexpected(catalog.error());
    const Instant now = store.Now();
    if (catalog->products.count(kDemoNdc) == 0) {
      const clinical::Product product{kDemoNdc, "Ketamine HCl injection 50 mg/mL (demo)", 50'000,
                                      10'000};
      if (Status ok = PutLedgerProduct(tx, actor, now, product); !ok) return ok;
    }
    std::map<std::string, int> years;
    for (const DemoPatient& patient : clinic.patients) {
      for (const DemoSession& session : patient.sessions) {
        if (!session.record.infusion_start) continue;
        const int year = static_cast<int>(clinical::DateOf(*session.record.infusion_start).year());
        years.emplace(DemoLotNumber(*session.record.infusion_start), year);
      }
    }
    for (const auto& [lot_number, year] : years) {
      if (catalog->lots.count(lot_number) != 0) continue;
      const clinical::Lot lot{lot_number, kDemoNdc,
                              std::chrono::year{year + 1} / std::chrono::December / 31};
      if (Status ok = PutLedgerLot(tx, actor, now, lot); !ok) return ok;
    }
    return OkStatus();
  });
}

Status WriteSessionLedger(Transaction& tx, Instant now, const DemoSession& session,
                          const std::map<std::string, std::string>& ids) {
  const clinical_json::SessionRecord& s = session.record;
  if (!s.infusion_start || !s.infusion_end || s.delivered_mg <= 0) return OkStatus();
  const Instant start = *s.infusion_start;
  const Instant end = *s.infusion_end;
  if (end + std::chrono::hours(1) > now) return OkStatus();
  auto user = [&](const char* username) {
    auto it = ids.find(username);
    return it != ids.end() ? it->second : std::string(username);
  };
  const std::string& nurse = s.meta.author;  // a nurse's user id once WritePatient mapped it
  const std::string witness = nurse == user("rn.berg") ? user("rn.silva") : user("rn.berg");
  const Actor pharmacist{user("ph.tanaka"), clinical::RoleName(clinical::Role::kPharmacist),
                         "demo-generator"};
  const Actor nurse_actor{nurse, clinical::RoleName(clinical::Role::kNurse), "demo-generator"};

  const std::string vial_id = "vial-" + s.meta.id;
  if (Status ok = PutLedgerVial(tx, pharmacist, now, {vial_id, DemoLotNumber(start), kDemoVialUg});
      !ok) {
    return ok;
  }
  const int64_t planned_ug = static_cast<int64_t>(std::llround(s.setup.planned_dose_mg * 1000));
  const int64_t given_ug =
      std::min(planned_ug, static_cast<int64_t>(std::llround(s.delivered_mg * 1000)));
  auto entry = [&](const std::string& suffix, clinical::EntryType type, int64_t quantity_ug,
                   Instant at, bool for_session) {
    clinical::LedgerEntry e;
    e.meta.id = "le-" + s.meta.id + "-" + suffix;
    e.type = type;
    e.quantity_ug = quantity_ug;
    e.vial_id = vial_id;
    if (for_session) {
      e.patient_id = s.patient_id;
      e.session_id = s.meta.id;
    }
    e.time = at;
    return e;
  };
  auto record = [&](const Actor& by, clinical::LedgerEntry e, const std::string& witnessed_by,
                    const std::string& reason) -> Status {
    e.actor = by.user_id;
    e.witness = witnessed_by;
    e.reason = reason;
    Result<clinical::LedgerEntry> stored = RecordLedgerEntry(tx, by, now, std::move(e));
    if (!stored) return tl::unexpected(stored.error());
    return OkStatus();
  };
  clinical::LedgerEntry receive = entry("receive", clinical::EntryType::kReceive, kDemoVialUg,
                                        start - std::chrono::hours(24), false);
  receive.location = "Pharmacy safe";
  if (Status ok = record(pharmacist, receive, "", ""); !ok) return ok;
  const Instant draw_at = start - std::chrono::minutes(15);
  if (Status ok =
          record(nurse_actor, entry("draw", clinical::EntryType::kDraw, planned_ug, draw_at, true),
                 "", "");
      !ok) {
    return ok;
  }
  if (Status ok = record(nurse_actor,
                         entry("administer", clinical::EntryType::kAdminister, given_ug, end, true),
                         "", "");
      !ok) {
    return ok;
  }
  if (planned_ug > given_ug) {
    if (Status ok = record(nurse_actor,
                           entry("waste-draw", clinical::EntryType::kWaste, planned_ug - given_ug,
                                 end + std::chrono::minutes(5), true),
                           witness, "");
        !ok) {
      return ok;
    }
  }
  return record(nurse_actor,
                entry("waste-vial", clinical::EntryType::kWaste, kDemoVialUg - planned_ug,
                      end + std::chrono::minutes(5), false),
                witness, "");
}

Status WritePatient(Transaction& tx, const Actor& actor, Instant now, DemoPatient patient,
                    const std::map<std::string, std::string>& ids) {
  auto author = [&](clinical::RecordMeta& meta) {
    auto it = ids.find(meta.author);
    if (it != ids.end()) meta.author = it->second;
  };
  author(patient.file.patient.meta);
  if (auto r = PutPatient(tx, actor, now, patient.file); !r) return tl::unexpected(r.error());
  for (clinical::TreatmentCourse& c : patient.courses) {
    author(c.meta);
    if (auto r = PutCourse(tx, actor, now, c); !r) return tl::unexpected(r.error());
  }
  for (DemoSession& s : patient.sessions) {
    author(s.record.meta);
    for (clinical_json::SessionScoreEntry& score : s.record.scores) {
      auto it = ids.find(score.by.user_id);
      if (it != ids.end()) score.by.user_id = it->second;
    }
    if (auto r = PutSession(tx, actor, now, s.record); !r) return tl::unexpected(r.error());
    const auto recorded = s.record.meta.recorded_at;
    if (auto r =
            AppendVitals(tx, actor, now, s.record.meta.id, s.record.patient_id, s.vitals, recorded);
        !r) {
      return tl::unexpected(r.error());
    }
    if (Status ok = WriteSessionLedger(tx, now, s, ids); !ok) return ok;
  }
  for (clinical_json::ScaleResponseRecord& r : patient.scale_responses) {
    author(r.response.meta);
    if (auto w = PutScaleResponse(tx, actor, now, r); !w) return tl::unexpected(w.error());
  }
  for (clinical_json::SideEffectRecord& e : patient.side_effects) {
    author(e.meta);
    if (auto w = PutSideEffect(tx, actor, now, e); !w) return tl::unexpected(w.error());
  }
  return OkStatus();
}

}  // namespace

Status WriteDemoClinic(Store& store, const Actor& actor, const DemoClinic& clinic,
                       const DemoProgress& progress) {
  Result<std::map<std::string, std::string>> ids = EnsureClinicians(store, actor, clinic);
  if (!ids) return tl::unexpected(ids.error());
  if (Status ok = EnsureLedgerCatalog(store, actor, clinic); !ok) return ok;
  constexpr size_t kBatch = 50;
  const size_t total = clinic.patients.size();
  for (size_t begin = 0; begin < total; begin += kBatch) {
    const size_t end = std::min(total, begin + kBatch);
    Status written = store.Transact([&](Transaction& tx) -> Status {
      const Instant now = store.Now();
      for (size_t i = begin; i < end; ++i) {
        // The error as it is: a conflict must stay recognizable (IsConflict).
        if (Status ok = WritePatient(tx, actor, now, clinic.patients[i], *ids); !ok) return ok;
      }
      return OkStatus();
    });
    if (!written) return written;
    if (progress) progress(static_cast<int64_t>(end), static_cast<int64_t>(total));
  }
  return OkStatus();
}

}  // namespace ketaclinic::store
