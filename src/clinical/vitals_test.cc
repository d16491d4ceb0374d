// Plausibility of a vital-signs reading (vitals.h): values no living patient in a chair can have
// are input errors (SBP 40-300, DBP 20-200 and below SBP, HR 20-300, SpO2 50-100, RR 0-80), each
// tested at, just below and just above its bounds. Clinical abnormality is vitals_rules' job.

#include "clinical/vitals.h"

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ketaclinic::clinical {
namespace {

std::vector<std::string> Fields(const Status& status) {
  std::vector<std::string> fields;
  if (status) return fields;
  for (const FieldProblem& p : status.error().problems()) fields.push_back(p.field);
  return fields;
}

VitalSigns Normal() {
  VitalSigns v;
  v.time = *ParseRfc3339("2026-11-29T09:30:00Z", "t");
  v.systolic_mmhg = 128;
  v.diastolic_mmhg = 82;
  v.heart_rate_bpm = 74;
  v.spo2_percent = 98;
  v.resp_rate_per_min = 14;
  return v;
}

TEST(VitalsTest, ANormalReadingIsValid) {
  auto status = ValidateVitalSigns(Normal());
  EXPECT_TRUE(status.has_value()) << status.error().ToString();
}

// One measurement at a time, the others absent, so each bound is tested alone.
struct Bound {
  std::optional<double> VitalSigns::*field;
  const char* name;
  double low;
  double high;
};

class VitalsBoundsTest : public ::testing::TestWithParam<Bound> {};

TEST_P(VitalsBoundsTest, InclusiveBoundsAndJustOutside) {
  const Bound b = GetParam();
  auto only = [&](double value) {
    VitalSigns v;
    v.*b.field = value;
    return ValidateVitalSigns(v);
  };
  EXPECT_TRUE(only(b.low).has_value()) << b.name << " " << b.low;
  EXPECT_TRUE(only(b.high).has_value()) << b.name << " " << b.high;
  EXPECT_EQ(Fields(only(b.low - 0.1)), (std::vector<std::string>{b.name})) << b.low - 0.1;
  EXPECT_EQ(Fields(only(b.high + 0.1)), (std::vector<std::string>{b.name})) << b.high + 0.1;
  EXPECT_EQ(Fields(only(std::numeric_limits<double>::quiet_NaN())),
            (std::vector<std::string>{b.name}));
  EXPECT_EQ(Fields(only(std::numeric_limits<double>::infinity())),
            (std::vector<std::string>{b.name}));
}

INSTANTIATE_TEST_SUITE_P(
    Ranges, VitalsBoundsTest,
    ::testing::Values(Bound{&VitalSigns::systolic_mmhg, "systolic_mmhg", 40, 300},
                      Bound{&VitalSigns::diastolic_mmhg, "diastolic_mmhg", 20, 200},
                      Bound{&VitalSigns::heart_rate_bpm, "heart_rate_bpm", 20, 300},
                      Bound{&VitalSigns::spo2_percent, "spo2_percent", 50, 100},
                      Bound{&VitalSigns::resp_rate_per_min, "resp_rate_per_min", 0, 80}),
    [](const ::testing::TestParamInfo<Bound>& param) { return std::string(param.param.name); });

TEST(VitalsTest, OutOfRangeReasonNamesTheRangeAndUnit) {
  VitalSigns v;
  v.systolic_mmhg = 1280;  // an extra digit
  auto status = ValidateVitalSigns(v);
  ASSERT_FALSE(status.has_value());
  ASSERT_EQ(status.error().problems().size(), 1u);
  const std::string& reason = status.error().problems()[0].reason;
  EXPECT_NE(reason.find("40"), std::string::npos) << reason;
  EXPECT_NE(reason.find("300"), std::string::npos) << reason;
  EXPECT_NE(reason.find("mmHg"), std::string::npos) << reason;
  EXPECT_NE(reason.find("1280"), std::string::npos) << reason;
}

// Diastolic must be below systolic: 119/120 and 120/120 are refused (swapped or mistyped),
// 121/120 is accepted.
TEST(VitalsTest, DiastolicMustBeBelowSystolic) {
  VitalSigns v = Normal();
  v.systolic_mmhg = 121;
  v.diastolic_mmhg = 120;
  EXPECT_TRUE(ValidateVitalSigns(v).has_value());
  v.systolic_mmhg = 120;
  EXPECT_EQ(Fields(ValidateVitalSigns(v)), (std::vector<std::string>{"diastolic_mmhg"}));
  v.systolic_mmhg = 82;  // 82/128: the two fields swapped
  v.diastolic_mmhg = 128;
  auto status = ValidateVitalSigns(v);
  EXPECT_EQ(Fields(status), (std::vector<std::string>{"diastolic_mmhg"}));
  EXPECT_NE(status.error().problems()[0].reason.find("swapped"), std::string::npos);
}

TEST(VitalsTest, ABloodPressureHalfIsAcceptedAlone) {
  VitalSigns v;
  v.diastolic_mmhg = 150;  // no systolic to compare with
  EXPECT_TRUE(ValidateVitalSigns(v).has_value());
  v = VitalSigns{};
  v.systolic_mmhg = 60;
  EXPECT_TRUE(ValidateVitalSigns(v).has_value());
}

TEST(VitalsTest, AnEmptyReadingIsRefused) {
  const VitalSigns empty;
  EXPECT_FALSE(HasAnyMeasurement(empty));
  EXPECT_EQ(Fields(ValidateVitalSigns(empty)), (std::vector<std::string>{"vitals"}));
  EXPECT_EQ(Fields(ValidateVitalSigns(empty, "readings[4].")),
            (std::vector<std::string>{"readings[4]"}));
  // The room-air flag alone is not a measurement.
  VitalSigns flag_only;
  flag_only.on_room_air = false;
  EXPECT_FALSE(HasAnyMeasurement(flag_only));
}

TEST(VitalsTest, AnyOneMeasurementCounts) {
  for (auto field :
       {&VitalSigns::systolic_mmhg, &VitalSigns::diastolic_mmhg, &VitalSigns::heart_rate_bpm,
        &VitalSigns::spo2_percent, &VitalSigns::resp_rate_per_min}) {
    VitalSigns v;
    v.*field = 60;
    EXPECT_TRUE(HasAnyMeasurement(v));
  }
  VitalSigns rr_zero;  // apnoea is a measurement (and an alarm elsewhere), not a missing value
  rr_zero.resp_rate_per_min = 0;
  EXPECT_TRUE(HasAnyMeasurement(rr_zero));
  EXPECT_TRUE(ValidateVitalSigns(rr_zero).has_value());
}

TEST(VitalsTest, FieldNamesCarryThePrefixAndEveryProblemIsReported) {
  VitalSigns v;
  v.systolic_mmhg = 30;
  v.diastolic_mmhg = 210;  // out of range and above systolic: two problems on one field
  v.heart_rate_bpm = 400;
  v.spo2_percent = 101;
  v.resp_rate_per_min = -1;
  EXPECT_EQ(Fields(ValidateVitalSigns(v, "vitals[2].")),
            (std::vector<std::string>{"vitals[2].systolic_mmhg", "vitals[2].diastolic_mmhg",
                                      "vitals[2].heart_rate_bpm", "vitals[2].spo2_percent",
                                      "vitals[2].resp_rate_per_min", "vitals[2].diastolic_mmhg"}));
}

TEST(VitalsTest, HeavyOrUnusualPatientsAreNotLimitedHere) {
  VitalSigns v;
  v.systolic_mmhg = 240;  // alarming but possible: an alarm, not an input error
  v.diastolic_mmhg = 140;
  v.heart_rate_bpm = 35;
  v.spo2_percent = 70;
  EXPECT_TRUE(ValidateVitalSigns(v).has_value());
}

}  // namespace
}  // namespace ketaclinic::clinical
