// Observers write series by name: a series declared but not written, written
// twice or written without a declaration stops the run with its name.
#include "model.hpp"

#include <gtest/gtest.h>

namespace mobsim {
namespace {

std::vector<SeriesDecl> two_series() {
  return {{"employed", "persons", "Employed residents"}, {"unemployed", "persons", "Unemployed residents"}};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "";
}

TEST(SeriesOut, WritesGoToTheNamedSeriesWhateverTheOrder) {
  const auto decls = two_series();
  std::vector<std::vector<double>> values(2, std::vector<double>(3, 0.0));
  SeriesOut out(decls, values);
  out["unemployed"][1] = 5.0;
  out["employed"][2] = 7.0;
  EXPECT_NO_THROW(out.require_all_written("labour=matching"));
  EXPECT_EQ(values[0], (std::vector<double>{0.0, 0.0, 7.0}));
  EXPECT_EQ(values[1], (std::vector<double>{0.0, 5.0, 0.0}));
}

TEST(SeriesOut, ASeriesNotWrittenWrittenTwiceOrUndeclaredIsAnError) {
  const auto decls = two_series();
  std::vector<std::vector<double>> values(2, std::vector<double>(3, 0.0));
  SeriesOut out(decls, values);
  out["employed"];
  EXPECT_EQ(error_of([&] { out.require_all_written("labour=matching"); }),
            "labour=matching declares the series 'unemployed' but did not write it");
  EXPECT_EQ(error_of([&] { out["employed"]; }), "series 'employed' is written twice");
  EXPECT_EQ(error_of([&] { out["employd"]; }), "series 'employd' is written but not declared");
}

TEST(EntrySeriesOut, EveryEntryMustWriteEverySeriesOnce) {
  const auto decls = two_series();
  std::vector<std::vector<double>> values(2, std::vector<double>(2, 0.0));  // two entries
  EntrySeriesOut out(decls, values);
  out(0, "employed") = 1;
  out(0, "unemployed") = 2;
  out(1, "unemployed") = 3;
  EXPECT_EQ(error_of([&] { out.require_all_written("schemes"); }),
            "schemes declares the entry series 'employed' but did not write it for entry 1");
  EXPECT_EQ(error_of([&] { out(0, "employed"); }), "entry series 'employed' of entry 0 is written twice");
  out(1, "employed") = 4;
  EXPECT_NO_THROW(out.require_all_written("schemes"));
  EXPECT_EQ(values[1], (std::vector<double>{4.0, 3.0}));
}

}  // namespace
}  // namespace mobsim
