#ifndef KETACLINIC_CLINICAL_DISCHARGE_PROTOCOL_H_
#define KETACLINIC_CLINICAL_DISCHARGE_PROTOCOL_H_

#include <string>
#include <vector>

#include "base/error.h"

#include "clinical/parameter_source.h"

namespace ketaclinic::clinical {

// The recovery and discharge part of the clinic's protocol (clinical.md §1.10 "Codeable
// discharge checklist", §1.7, §6; the source of each default is in DischargeProtocolSources).
// Ranges are inclusive: a value exactly at a bound is within it.
struct DischargeProtocol {
  std::string version = "default-2026-11";
  // Minimum observation after the end of the infusion (IV ketamine 30 min; esketamine 120 min).
  double min_observation_min = 30;
  // The last BP passes when inside this range OR within baseline_tolerance_percent of the
  // patient's pre-infusion baseline (each number on its own).
  double sbp_min_mmhg = 90;
  double sbp_max_mmhg = 140;
  double dbp_min_mmhg = 50;
  double dbp_max_mmhg = 90;
  double baseline_tolerance_percent = 20;
  // SpO2 on room air: at least this.
  double spo2_min_percent = 94;
  // MOAA/S at least this (5 = responds readily to name in a normal tone).
  int moaas_min = 5;
  // The BP, SpO2 and MOAA/S used must be this recent (the post-infusion NIBP interval).
  double observation_max_age_min = 15;
};

// Checks ranges and consistency (min below max), naming each bad key.
Status ValidateDischargeProtocol(const DischargeProtocol& protocol);

// The source of each default, one entry per key.
std::vector<ParameterSource> DischargeProtocolSources();

}  // namespace ketaclinic::clinical

#endif  // KETACLINIC_CLINICAL_DISCHARGE_PROTOCOL_H_
