// Legal status transitions with hand-set permits: renewal tied to work,
// overstay or return when a permit ends, asylum decisions at the recognition
// rate, and free movement inside blocs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <unordered_set>
#include <vector>

#include "avx2.hpp"
#include "legal_status_kernel.hpp"
#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

struct Outcome {
  double n = 0, renewed = 0, irregular = 0, must_leave = 0, refugee = 0;
};

// Gives every adult foreign-born agent the status `status`, ending at step 1,
// runs one step (no migration, so nobody leaves) and tallies what happened.
Outcome one_step(const std::vector<std::string>& overrides, LegalStatus status, bool employed_only) {
  auto all = overrides;
  all.push_back("models.migration=none");
  all.push_back("run.people_per_agent=100");
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), all);
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  World& world = sim->world();
  const auto permit_end = world.schema().find<std::uint16_t>(models::kPermitEndColumn);
  const auto return_due = world.schema().find<std::uint8_t>(models::kReturnDueColumn);
  std::unordered_set<std::uint64_t> chosen;
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    auto& a = world.agents(c);
    for (std::size_t r = 0; r < a.size(); ++r) {
      if (!world.geography().foreign_born(a.col(core::origin)[r], c) || a.col(core::age_months)[r] < 25 * 12 ||
          a.col(core::age_months)[r] > 50 * 12)
        continue;
      if (employed_only && a.col(core::employment)[r] != code(Employment::employed)) continue;
      if (!employed_only && a.col(core::employment)[r] == code(Employment::employed)) continue;
      a.col(core::legal_status)[r] = code(status);
      a.col(permit_end)[r] = 1;
      chosen.insert(a.col(core::id)[r]);
    }
  }
  sim->step();
  Outcome out;
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    const auto& a = world.agents(c);
    for (std::size_t r = 0; r < a.size(); ++r) {
      if (!chosen.count(a.col(core::id)[r])) continue;
      out.n += 1;
      const auto s = static_cast<LegalStatus>(a.col(core::legal_status)[r]);
      if (s == status && a.col(permit_end)[r] > 1) out.renewed += 1;
      if (s == LegalStatus::irregular && !a.col(return_due)[r]) out.irregular += 1;
      if (a.col(return_due)[r]) out.must_leave += 1;
      if (s == LegalStatus::refugee) out.refugee += 1;
    }
  }
  return out;
}

// Binomial check: |k - n p| < 4 sqrt(n p (1 - p)).
void expect_share(double k, double n, double p, const char* what) {
  ASSERT_GT(n, 50.0) << what;
  EXPECT_LT(std::abs(k - n * p), 4.0 * std::sqrt(n * p * (1 - p)) + 1e-9) << what << ": " << k << " of " << n;
}

TEST(LegalStatus, EmployedWorkersPermitsAreRenewed) {
  const auto o = one_step({"legal.renewal_probability_employed=1"}, LegalStatus::work_permit, true);
  // Some lose their job in the step, before the permit is looked at; nearly all are renewed.
  EXPECT_GT(o.renewed, 0.95 * o.n);
  EXPECT_EQ(o.irregular + o.must_leave + o.renewed, o.n);
}

TEST(LegalStatus, UnrenewedPermitsEndInOverstayOrDeparture) {
  const auto o = one_step({"legal.renewal_probability_unemployed=0", "legal.renewal_probability_employed=0",
                           "legal.overstay_probability=0.4"},
                          LegalStatus::work_permit, false);
  EXPECT_EQ(o.renewed, 0.0);
  EXPECT_EQ(o.irregular + o.must_leave, o.n);
  expect_share(o.irregular, o.n, 0.4, "overstayers");
}

TEST(LegalStatus, AsylumClaimsAreDecidedAtTheRecognitionRate) {
  std::vector<std::string> rates;
  for (const char* c : {"Freetown", "Dakar", "Milan", "Paris"})
    rates.push_back(std::string("cities.") + c + ".asylum_recognition_rate=0.35");
  rates.push_back("legal.rejected_asylum_return_probability=0.5");
  const auto o = one_step(rates, LegalStatus::asylum_seeker, false);
  expect_share(o.refugee, o.n, 0.35, "recognised");
  expect_share(o.must_leave, o.n, 0.65 * 0.5, "rejected and leaving");
  EXPECT_EQ(o.refugee + o.must_leave + o.irregular, o.n);
}

TEST(LegalStatus, FreeMovementFollowsTheBlocs) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"));
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto free = world.field_schema().find(models::kFreeMovementField);
  const auto& countries = world.geography().countries();
  auto nationality = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(countries.begin(), countries.end(), name) - countries.begin());
  };
  // Cities: Freetown (Sierra Leone), Dakar (Senegal), Milan (Italy), Paris (France).
  EXPECT_EQ(world.fields().at(free, 0)[nationality("Senegal")], 1.0);  // ECOWAS
  EXPECT_EQ(world.fields().at(free, 2)[nationality("France")], 1.0);   // EU
  EXPECT_EQ(world.fields().at(free, 2)[nationality("Senegal")], 0.0);
  EXPECT_EQ(world.fields().at(free, 1)[nationality("Italy")], 0.0);
  EXPECT_EQ(world.fields().at(free, 3)[countries.size()], 0.0);  // rest of the world
  // Switching the EU bloc off ends free movement between Italy and France.
  const ScenarioSpec off = test::load(test::scenario_path("ci/four_cities.toml"), {"blocs.eu_efta.free_movement=false"});
  const Engine engine_off(off, test::registry());
  auto sim_off = engine_off.make_simulation(0);
  EXPECT_EQ(sim_off->world().fields().at(free, 2)[nationality("France")], 0.0);
}

TEST(LegalStatus, VectorisedListingEqualsPlain) {
  // list_non_citizens takes the AVX2 form only where cpu_has_avx2(); without it
  // both calls run the plain form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  // Every status, some due to leave.
  std::mt19937 gen(19);
  const std::uint32_t n = 3001;
  std::vector<std::uint64_t> id(n);
  std::vector<std::uint8_t> status(n), due(n);
  for (std::uint32_t r = 0; r < n; ++r) {
    id[r] = 5 + 7ull * r;
    status[r] = static_cast<std::uint8_t>(gen() % 2 ? code(LegalStatus::citizen) : gen() % 9);
    due[r] = static_cast<std::uint8_t>(gen() % 5 == 0 ? 1 + gen() % 3 : 0);
  }
  for (const std::uint32_t begin : {0u, 11u}) {
    test::RowList rows_plain(n), rows_fast(n);
    rows_plain.count = models::list_non_citizens_plain(id.data(), status.data(), due.data(), begin, n,
                                                                rows_plain.rows.data(), rows_plain.ids.data());
    rows_fast.count =
        models::list_non_citizens(id.data(), status.data(), due.data(), begin, n, rows_fast.rows.data(), rows_fast.ids.data());
    test::expect_same_rows(rows_plain, rows_fast);
    EXPECT_GT(rows_plain.count, n / 5);
    EXPECT_LT(rows_plain.count, n / 2);
    for (const std::uint32_t r : rows_plain.listed()) EXPECT_TRUE(status[r] != code(LegalStatus::citizen) && due[r] == 0);
  }
}

}  // namespace
}  // namespace mobsim
