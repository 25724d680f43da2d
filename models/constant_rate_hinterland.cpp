// Arrivals from each city's rural hinterland: the documented external source
// of internal (rural-urban) migrants. The number arriving in a step is
// Poisson with mean rate x residents x step length; newcomers are young
// adults born in the hinterland, citizens, looking for work.
#include <cmath>

#include "declare.hpp"
#include "register_models.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kArrivalsDraw = purpose("hinterland.arrivals");
constexpr Purpose kNewcomerDraw = purpose("hinterland.newcomer");

class ConstantRateHinterland : public Model {
 public:
  explicit ConstantRateHinterland(ModelSetup& setup) : clock_(setup.clock) {
    const auto& spec = setup.spec;
    min_age_months_ = static_cast<int>(spec.integer("hinterland.min_age_years")) * 12;
    age_span_months_ = static_cast<int>(spec.integer("hinterland.max_age_years") + 1) * 12 - min_age_months_;
    male_share_ = spec.real("hinterland.male_share");
    high_skill_ = spec.real("hinterland.high_skill_share");
    medium_skill_ = spec.real("hinterland.medium_skill_share");
    for (const auto& city : setup.geography.cities())
      rate_per_year_.push_back(spec.find_entry("cities", city.name)->real("hinterland_inflow_per_1000") / 1000.0);
  }

  void initialise(World& world) override { flow_ = world.flow("hinterland_inflow"); }

  void run(Phase, World& world) override {
    const std::uint32_t step = world.step();
    const Geography& geo = world.geography();
    parallel_for_cities(world.city_count(), [&](std::size_t c) {
      AgentTable& agents = world.agents(c);
      const double mean = rate_per_year_[c] * clock_.years_per_step() * static_cast<double>(agents.size());
      auto stream = world.rng().city_stream(static_cast<std::uint32_t>(c), step, kArrivalsDraw);
      const auto count = static_cast<std::size_t>(poisson(stream, mean));
      if (count == 0) return;
      const std::size_t first = world.create_agents(c, count, flow_);
      const CoreColumns a = core_columns(agents);
      for (std::size_t r = first; r < first + count; ++r) {
        const Draw d = world.rng().agent(a.id[r], step, kNewcomerDraw);
        a.origin[r] = geo.hinterland_place(c);
        a.age_months[r] = static_cast<std::uint16_t>(min_age_months_ + static_cast<int>(d.unit(0) * age_span_months_));
        a.sex[r] = code(d.unit(1) < male_share_ ? Sex::male : Sex::female);
        const double u = d.unit(2);
        a.skill[r] = code(u < high_skill_ ? Skill::high : u < high_skill_ + medium_skill_ ? Skill::medium : Skill::low);
        a.employment[r] = code(Employment::unemployed);
        a.legal_status[r] = code(LegalStatus::citizen);
      }
    });
  }

 private:
  const Clock& clock_;
  std::vector<double> rate_per_year_;  // arrivals per resident per year
  int min_age_months_ = 0;
  int age_span_months_ = 0;
  double male_share_ = 0.5, high_skill_ = 0, medium_skill_ = 0;
  FlowId flow_ = 0;
};

}  // namespace

ModelInfo constant_rate_hinterland() {
  ModelInfo info;
  info.slot = "hinterland";
  info.name = "constant_rate";
  info.summary = "Poisson arrivals at a city-specific rate per resident; newcomers are young adult citizens";
  info.is_default = true;
  info.phases = {Phase::boundary};
  const std::string young =
      "assumption: rural-urban migrants are mostly young adults (UN DESA, International Migration Report; "
      "Rogers-Castro migration age schedules peak in the early twenties)";
  info.params = {
      integer_param("hinterland.min_age_years", "years", 15, 0, 80, "Youngest age of arrivals (uniform ages)", young),
      integer_param("hinterland.max_age_years", "years", 34, 0, 100, "Oldest age of arrivals (uniform ages)", young),
      real_param("hinterland.male_share", "1", 0.5, 0.0, 1.0, "Share of men among arrivals",
                 "assumption: rural-urban migration in Africa is roughly sex-balanced (UN DESA 2019)"),
      real_param("hinterland.high_skill_share", "1", 0.05, 0.0, 1.0, "Share of arrivals with tertiary education",
                 "assumption: tertiary attainment in rural areas is low (UNESCO UIS)"),
      real_param("hinterland.medium_skill_share", "1", 0.35, 0.0, 1.0,
                 "Share of arrivals with upper-secondary education", "assumption: as high_skill_share"),
  };
  info.fields = {
      {"cities", text_param("hinterland_name", std::string(""), "Name of the city's rural hinterland",
                            "city data (scenarios/data/cities.toml)")},
      {"cities", real_param("hinterland_inflow_per_1000", "per 1000 residents per year", std::nullopt, 0.0, 200.0,
                            "Arrivals from the rural hinterland per 1000 residents per year",
                            "city data (scenarios/data/cities.toml)")},
  };
  info.flows = {FlowDecl{"hinterland_inflow", true, "Arrivals from the city's rural hinterland during the step", true}};
  info.checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    if (spec.integer("hinterland.max_age_years") < spec.integer("hinterland.min_age_years"))
      diags.push_back(Diagnostic{spec.setting("hinterland.max_age_years").where, "hinterland.max_age_years",
                                 "is below hinterland.min_age_years", ""});
    if (spec.real("hinterland.high_skill_share") + spec.real("hinterland.medium_skill_share") > 1.0 + 1e-12)
      diags.push_back(Diagnostic{spec.setting("hinterland.medium_skill_share").where, "hinterland.medium_skill_share",
                                 "high_skill_share + medium_skill_share exceeds 1", ""});
  });
  info.make = [](ModelSetup& setup) { return std::make_unique<ConstantRateHinterland>(setup); };
  return info;
}

}  // namespace mobsim::models
