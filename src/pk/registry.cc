#include "pk/registry.h"

#include <cmath>
#include <numbers>

#include "pk/effect_site.h"

namespace ketaclinic::pk {
namespace {

constexpr double kMinPerHour = 60;

// Domino EF et al., Clin Pharmacol Ther 1984;36(5):645-653 (PMID 6488686): the STANPUMP ketamine
// set (DRUGS.C ketamine(), kinetic set 1), V1 = 0.063 L/kg, micro-constants in 1/min.
// stanpumpR's 70-kg conversion (tests/testthat/test-drugs-ketamine.R) is a unit test of ours.
ModelDefinition Domino() {
  ModelDefinition m;
  m.name = "domino";
  m.title = "Domino 1984";
  m.citation =
      "Domino EF et al. Clin Pharmacol Ther 1984;36(5):645-653. PMID 6488686. "
      "Parameters as in STANPUMP DRUGS.C (Shafer) and stanpumpR R/drugs_ketamine.R.";
  m.population = "adult volunteers, racemic ketamine";
  m.compartments = 3;
  m.studied_weight_min_kg = 50;
  m.studied_weight_max_kg = 100;
  SetFromMicroConstants(
      m, 0.063 * 70,
      MicroConstants{.k10 = 0.438, .k12 = 0.592, .k21 = 0.247, .k13 = 0.590, .k31 = 0.0146});
  m.ke0_provenance =
      "Not published. STANPUMP has no effect-site mode for ketamine (k41 = 10 \"no idea\"); "
      "stanpumpR assumes a time to peak effect of 3 min (\"Just a guess\"), from which ke0 is "
      "derived here. Treat Ce as illustrative.";
  return m;
}

// Clements & Nimmo, Br J Anaesth 1981;53:27 (DOI 10.1093/bja/53.1.27): the 250 µg/kg IV set
// as implemented by opentiva (class Clements250).
ModelDefinition Clements() {
  ModelDefinition m;
  m.name = "clements";
  m.title = "Clements & Nimmo 1981";
  m.citation =
      "Clements JA, Nimmo WS. Br J Anaesth 1981;53:27. DOI 10.1093/bja/53.1.27. "
      "Parameters as in opentiva ketamine.py class Clements250.";
  m.population = "adult volunteers, 250 µg/kg IV bolus";
  m.compartments = 2;
  m.studied_weight_min_kg = 50;
  m.studied_weight_max_kg = 100;
  SetFromMicroConstants(m, 1.7522 * 70,
                        MicroConstants{.k10 = 0.0109, .k12 = 0.0186, .k21 = 0.0137});
  m.ke0_per_min = 5.2;
  m.ke0_provenance =
      "opentiva: 5.2 /min from an assumed time to peak effect of 1 min. Not measured.";
  return m;
}

// Hijazi et al., Br J Anaesth 2003;90:155-160 (DOI 10.1093/bja/aeg028), as implemented by
// opentiva (class Hijazi).
ModelDefinition Hijazi() {
  ModelDefinition m;
  m.name = "hijazi";
  m.title = "Hijazi 2003";
  m.citation =
      "Hijazi Y et al. Br J Anaesth 2003;90:155-160. DOI 10.1093/bja/aeg028. Parameters as in "
      "opentiva class Hijazi.";
  m.population = "12 adult ICU patients with brain or spinal cord injury, racemic ketamine";
  m.compartments = 2;
  m.studied_weight_min_kg = 45;
  m.studied_weight_max_kg = 110;
  SetFromMicroConstants(m, 1.08 * 70, MicroConstants{.k10 = 0.0333, .k12 = 0.0088, .k21 = 0.0030});
  m.ke0_per_min = 4.773;
  m.ke0_provenance =
      "opentiva: 4.773 /min from an assumed time to peak effect of 1 min. Not measured.";
  m.notes =
      "ICU patients under sedation, not outpatients; the paper reports CL 36.0 (SD 13.3) "
      "mL/min/kg and a terminal half-life of 4.9 (1.6) h.";
  return m;
}

// Kamp J, Olofsen E, Henthorn TK, van Velzen M, Niesters M, Dahan A. Ketamine pharmacokinetics:
// a systematic review of the literature, meta-analysis, and population analysis.
// Anesthesiology 2020;133:1192-1213 (DOI 10.1097/ALN.0000000000003577); the plain
// three-compartment form implemented by opentiva (class Klamp), L and L/h per 70 kg.
ModelDefinition Kamp() {
  ModelDefinition m;
  m.name = "kamp";
  m.title = "Kamp 2020";
  m.citation =
      "Kamp J, Olofsen E, Henthorn TK, van Velzen M, Niesters M, Dahan A. Ketamine "
      "pharmacokinetics: a systematic review of the literature, meta-analysis, and population "
      "analysis. Anesthesiology 2020;133:1192-1213. DOI 10.1097/ALN.0000000000003577. "
      "Three-compartment form as in opentiva class Klamp.";
  m.population =
      "meta-analysis of 18 studies (mostly healthy adults); population model from 14 "
      "raw data sets";
  m.compartments = 3;
  m.studied_weight_min_kg = 40;
  m.studied_weight_max_kg = 120;
  m.v1_l = 25;
  m.v2_l = 56;
  m.v3_l = 157;
  m.cl_l_per_min = 84 / kMinPerHour;
  m.q2_l_per_min = 161 / kMinPerHour;
  m.q3_l_per_min = 79 / kMinPerHour;
  m.ke0_per_min = 2.791;
  m.ke0_provenance =
      "opentiva: 2.791 /min from an assumed time to peak effect of 1 min. Not "
      "measured.";
  m.notes =
      "The paper's model has arterial and venous delay compartments; whether opentiva's "
      "three-compartment numbers are its arterial model is not verified (reference/pk.md).";
  return m;
}

// Herd et al., Paediatr Anaesth 2007;17:622-629 (PMID 17564643). Between-subject
// variability as published; ke0 from Herd 2008 (Paediatr Anaesth 18:36), t½keo 11 s.
ModelDefinition Herd() {
  ModelDefinition m;
  m.name = "herd";
  m.title = "Herd 2007 (paediatric)";
  m.citation =
      "Herd DW et al. Paediatr Anaesth 2007;17:622-629. PMID 17564643. ke0 from Herd 2008, "
      "Paediatr Anaesth 18:36.";
  m.population = "54 children given 1-1.5 mg/kg IV";
  m.paediatric = true;
  m.compartments = 2;
  m.studied_weight_min_kg = 10;
  m.studied_weight_max_kg = 70;
  m.v1_l = 38.7;
  m.v2_l = 102;
  m.cl_l_per_min = 90 / kMinPerHour;
  m.q2_l_per_min = 215 / kMinPerHour;
  m.volume_weight_exponent = 1;
  m.clearance_weight_exponent = 0.75;
  m.ke0_per_min = std::numbers::ln2 / (11.0 / 60.0);
  m.ke0_provenance =
      "Herd 2008: t½keo 11 s (95 % CI 0.07-20 s) for sedation in children, so "
      "ke0 = ln 2 / (11/60 min) = 3.78 /min. Paediatric; not known for adults.";
  m.variability.v1_cv = 0.64;
  m.variability.v2_cv = 0.517;
  m.variability.cl_cv = 0.381;
  m.variability.q2_cv = 0.19;
  m.notes =
      "Paediatric model: use for children, or for its published between-subject "
      "variability. The norketamine part of the paper is not included: its parameters "
      "were not obtained (docs/decisions/0004-metabolite.md).";
  return m;
}

std::vector<ModelDefinition> MakeModels() {
  std::vector<ModelDefinition> models = {Domino(), Clements(), Hijazi(), Kamp(), Herd()};
  // Domino's ke0 comes from stanpumpR's assumed time to peak effect of 3 min.
  ModelDefinition& domino = models[0];
  auto individual = Individualize(domino, domino.reference_weight_kg);
  KC_CHECK(individual.has_value());
  individual->ke0_per_min = 1;  // any start; Ke0FromTimeToPeak searches
  auto ke0 = Ke0FromTimeToPeak(*individual, 3.0);
  KC_CHECK(ke0.has_value());
  domino.ke0_per_min = *ke0;
  for (const ModelDefinition& model : models) KC_CHECK(ValidateModel(model).has_value());
  return models;
}

}  // namespace

const std::vector<ModelDefinition>& BuiltInModels() {
  static const std::vector<ModelDefinition> models = MakeModels();
  return models;
}

Result<ModelDefinition> FindModel(std::string_view name) {
  std::string names;
  for (const ModelDefinition& model : BuiltInModels()) {
    if (model.name == name) return model;
    if (!names.empty()) names += ", ";
    names += model.name;
  }
  return tl::unexpected(Error(ErrorCode::kNotFound, "unknown model '" + std::string(name) + "'",
                              {FieldProblem{"model", "must be one of: " + names}}));
}

}  // namespace ketaclinic::pk
