// Declarations of parameters: a plausible range (what sensitivity analysis
// and calibration vary) must sit inside the valid range, hold the default
// and cite its reason; the library declares ranges for the behavioural
// parameters that calibration needs.
#include <gtest/gtest.h>

#include <stdexcept>

#include "declare.hpp"
#include "param.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

ParamDecl with_range(double lo, double hi, std::string source = "assumption: a test") {
  return models::plausible(models::real_param("test.rate", "1", 0.3, 0.0, 1.0, "a rate", "a test"), lo, hi,
                           std::move(source));
}

TEST(PlausibleRange, InsideTheValidRangeAndAroundTheDefaultIsAccepted) {
  ParamTable table;
  table.add(with_range(0.1, 0.6));
  ASSERT_TRUE(table.find("test.rate")->plausible.has_value());
  EXPECT_EQ(table.find("test.rate")->plausible->max, 0.6);
}

TEST(PlausibleRange, OutsideTheValidRangeEmptyWithoutTheDefaultOrWithoutASourceIsAProgrammingError) {
  for (const ParamDecl& bad : {with_range(-0.1, 0.6), with_range(0.1, 1.5), with_range(0.5, 0.2),
                               with_range(0.4, 0.6), with_range(0.1, 0.6, "")}) {
    ParamTable table;
    EXPECT_THROW(table.add(bad), std::logic_error) << bad.plausible->min << " " << bad.plausible->max;
  }
  ParamTable table;
  ParamDecl integer = models::integer_param("test.age", "years", 18, 10, 30, "an age", "a test");
  integer.plausible = PlausibleRange{15, 20, "assumption: a test"};
  EXPECT_THROW(table.add(integer), std::logic_error);
}

TEST(PlausibleRange, TheLibraryDeclaresRangesForTheBehaviouralParametersOfMigrationLabourHousingAndRemittances) {
  const ParamTable table = test::registry().param_table();
  int ranges = 0;
  for (const auto& d : table.globals()) ranges += d.plausible.has_value();
  EXPECT_GE(ranges, 20);
  for (const char* key : {"migration.consider_hazard_per_year", "migration.move_constant", "labour.matching_efficiency_per_month",
                          "housing.homeless_exit_per_month", "remittances.share_of_income"})
    EXPECT_TRUE(table.find(key)->plausible.has_value()) << key;
}

}  // namespace
}  // namespace mobsim
