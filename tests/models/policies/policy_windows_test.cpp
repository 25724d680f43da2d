// A policy that can never act is worth a warning (and an error under
// --strict): a window outside the run, a one-off date before it, a quota that
// rounds to no agent at the run's scale. Policies that do act say nothing.
#include <gtest/gtest.h>

#include "cli_helpers.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

std::string four_cities(const std::string& body) { return "base = \"ci/four_cities.toml\"\n" + body; }

const char* kScheme = R"(
[circular_schemes.s]
origin = "Freetown"
destination = "Milan"
sector = "creative_textiles"
annual_quota = QUOTA
start = "START"
)";

std::string scheme(const std::string& quota, const std::string& start) {
  std::string text = kScheme;
  text.replace(text.find("QUOTA"), 5, quota);
  text.replace(text.find("START"), 5, start);
  return four_cities(text);
}

// four_cities runs 24 monthly steps from 2025-01, at 1,000 people per agent.
TEST(PolicyWindows, ASchemeStartingAfterTheRunIsAWarningWithItsPosition) {
  const ScenarioSpec spec = test::load_text(scheme("2000", "2040-01"));
  ASSERT_EQ(spec.warnings().size(), 1u);
  const Diagnostic& w = spec.warnings()[0];
  EXPECT_EQ(w.severity, Severity::warning);
  EXPECT_EQ(w.key_path, "circular_schemes.s.start");
  EXPECT_EQ(w.where.line, 8);
  EXPECT_NE(w.format().find(":8:9: warning: circular_schemes.s.start: its window from 2040-01 lies after the run ends "
                            "(the steps of the run begin from 2025-01 to 2026-12): it never acts"),
            std::string::npos)
      << w.format();
}

TEST(PolicyWindows, TheLastStepsMonthStillCountsAndTheMonthAfterDoesNot) {
  EXPECT_TRUE(test::load_text(scheme("2000", "2026-12")).warnings().empty());
  EXPECT_EQ(test::load_text(scheme("2000", "2027-01")).warnings().size(), 1u);
  EXPECT_TRUE(test::load_text(scheme("2000", "2020-01")).warnings().empty());  // still in force during the run
}

TEST(PolicyWindows, AWindowThatEndsBeforeTheRunOrFallsBetweenStepsNeverActs) {
  const auto ended = test::load_text(four_cities(R"(
[housing_programmes.h]
city = "Milan"
start = "2020-01"
end = "2024-06"
)"));
  ASSERT_EQ(ended.warnings().size(), 1u) << "housing_programmes fields may have changed";
  EXPECT_NE(ended.warnings()[0].message.find("lies before the run starts"), std::string::npos);
  const auto between = test::load_text(scheme("2000", "2025-02") + "end = \"2025-05\"\n",
                                       {"run.step_months=12", "run.duration_months=36"});
  ASSERT_EQ(between.warnings().size(), 1u);
  EXPECT_NE(between.warnings()[0].message.find("between two steps of 12 months"), std::string::npos);
}

TEST(PolicyWindows, AQuotaBelowOneAgentIsAWarningThatNamesTheScale) {
  const auto spec = test::load_text(scheme("400", "2025-06"));
  ASSERT_EQ(spec.warnings().size(), 1u);
  EXPECT_EQ(spec.warnings()[0].key_path, "circular_schemes.s.annual_quota");
  EXPECT_NE(spec.warnings()[0].message.find("400 persons a year round down to 0 agents at run.people_per_agent = 1000"),
            std::string::npos);
  EXPECT_TRUE(test::load_text(scheme("400", "2025-06"), {"run.people_per_agent=400"}).warnings().empty());
  EXPECT_TRUE(test::load_text(scheme("0", "2025-06")).warnings().empty());  // a closed scheme is deliberate
}

TEST(PolicyWindows, ARegularisationDatedBeforeOrAfterTheRunNeverActs) {
  const std::string reg = "\n[regularisations.r]\ncity = \"Milan\"\ndate = \"DATE\"\n";
  auto with_date = [&](const std::string& date) {
    std::string text = reg;
    text.replace(text.find("DATE"), 4, date);
    return test::load_text(four_cities(text));
  };
  EXPECT_EQ(with_date("2024-12").warnings().size(), 1u);
  EXPECT_TRUE(with_date("2025-01").warnings().empty());
  EXPECT_TRUE(with_date("2026-12").warnings().empty());
  EXPECT_EQ(with_date("2027-01").warnings().size(), 1u);
}

TEST(PolicyWindows, ValidateAndRunWarnAndStrictRefusesWithExitCode2) {
  test::TempDir dir("policy_windows");
  const auto scenario = dir / "late.toml";
  test::write_file(scenario, "base = \"" + test::scenario_path("ci/four_cities.toml").string() + "\"\n" +
                                 scheme("2000", "2040-01").substr(scheme("2000", "2040-01").find('\n') + 1));
  const auto validated = test::run_cli({"validate", scenario.string()});
  EXPECT_EQ(validated.exit_code, 0);
  EXPECT_NE(validated.out.find("1 warning (on stderr)"), std::string::npos) << validated.out;
  EXPECT_NE(validated.err.find("warning: circular_schemes.s.start"), std::string::npos) << validated.err;
  const auto strict = test::run_cli({"validate", "--strict", scenario.string()});
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find("error: circular_schemes.s.start"), std::string::npos) << strict.err;
  EXPECT_NE(strict.err.find("rejected under --strict (1 warning treated as errors)"), std::string::npos) << strict.err;
  const auto run_strict = test::run_cli({"run", "--strict", scenario.string(), "-o", (dir / "out.h5").string()});
  EXPECT_EQ(run_strict.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.h5"));
  const auto run = test::run_cli({"run", "-q", "--no-summary", scenario.string(), "-o", (dir / "out.h5").string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("warning: circular_schemes.s.start"), std::string::npos) << run.err;
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"late.toml", "out.h5"}));
}

}  // namespace
}  // namespace mobsim
