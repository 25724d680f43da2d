// The gravity baseline: every agent considers moving with a constant hazard
// and picks a destination among the other simulated cities by a multinomial
// logit on log population and log great-circle distance,
//   P(j | i) = exp(a ln P_j - b ln d_ij) / sum_{k != i} exp(a ln P_k - b ln d_ik).
// Expected flows are therefore known in closed form (tests rely on it), which
// is why this model stays selectable next to richer behaviour.
#include <Eigen/Core>

#include <cmath>
#include <limits>

#include "declare.hpp"
#include "logit.hpp"
#include "register_models.hpp"
#include "relocation.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kMoveDraw = purpose("gravity.move");

struct Params {
  double move_hazard_per_year, population_elasticity, distance_elasticity;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::move_hazard_per_year,
           real_param("gravity.move_hazard_per_year", "1/year", 0.005, 0.0, 10.0,
                      "Hazard of moving to another simulated city",
                      "assumption: annual migration rates between large cities are of the order of 0.1-1% of residents "
                      "(UN DESA International Migrant Stock 2020 stocks divided by typical durations of stay)")),
      bind(&Params::population_elasticity,
           real_param(
               "gravity.population_elasticity", "1", 1.0, 0.0, 5.0,
               "Weight of log destination population in the destination utility",
               "classic gravity model (Zipf 1946); Poot et al. (2016) meta-analysis finds mass elasticities near 1")),
      bind(&Params::distance_elasticity,
           real_param("gravity.distance_elasticity", "1", 1.5, 0.0, 5.0,
                      "Weight of log great-circle distance (km) in the destination utility (enters negatively)",
                      "assumption within the range of Poot et al. (2016), whose meta-analysis of gravity models of "
                      "migration reports distance elasticities mostly between 0.5 and 2")),
  };
  return table;
}

class GravityMigration : public Model {
 public:
  explicit GravityMigration(ModelSetup& setup) : clock_(setup.clock) {
    const auto& spec = setup.spec;
    const Params p = bound_params().read(spec);
    hazard_per_year_ = p.move_hazard_per_year;
    population_elasticity_ = p.population_elasticity;
    distance_elasticity_ = p.distance_elasticity;
    // The distance term never changes during a run (distances below 1 km,
    // which only a city's own entry has, are clamped so the log stays finite).
    log_distance_ = setup.geography.distance_matrix_km().array().max(1.0).log();
  }

  void initialise(World& world) override { relocation_ = RelocationColumns::find_if_present(world); }

  void run(Phase, World& world) override {
    const std::size_t n = world.city_count();
    const double p_move = 1.0 - std::exp(-hazard_per_year_ * clock_.years_per_step());
    // Utilities change only per city and step: one chooser per origin.
    std::vector<LogitChooser> choosers(n);
    std::vector<double> utility(n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const double population =
            static_cast<double>(world.agents(j).size()) * static_cast<double>(world.people_per_agent());
        const bool available = j != i && population > 0;
        utility[j] = available ? population_elasticity_ * std::log(population) -
                                     distance_elasticity_ * log_distance_(static_cast<Eigen::Index>(i),
                                                                          static_cast<Eigen::Index>(j))
                               : -std::numeric_limits<double>::infinity();
      }
      choosers[i].set_utilities(utility);
    }

    const auto chunks = make_chunks(world);
    std::vector<std::vector<Move>> moves(chunks.size());
    const std::uint32_t step = world.step();
    const Geography& geo = world.geography();
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const LogitChooser& chooser = choosers[ch.city];
      if (chooser.empty()) return;
      AgentTable& agents = world.agents(ch.city);
      const auto id = agents.col(core::id);
      const auto origin = agents.col(core::origin);
      auto legal = agents.col(core::legal_status);
      auto employment = agents.col(core::employment);
      const std::uint16_t here_country = geo.city(ch.city).country_index;
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
        const Draw d = world.rng().agent(id[r], step, kMoveDraw);
        if (d.unit(0) >= p_move) continue;
        const auto destination = static_cast<std::uint16_t>(chooser.choose(d.unit(1)));
        moves[k].push_back(Move{r, destination});
        // The job and the home are left behind (the relocation service,
        // where the models owning them are selected). Legal channels are not modelled here: a
        // person crossing a border becomes a citizen in the country of birth
        // and otherwise a regular migrant with a work permit.
        if (relocation_) leave_behind(agents, r, step, *relocation_);
        else if (employment[r] == code(Employment::employed)) employment[r] = code(Employment::unemployed);
        const std::uint16_t there_country = geo.city(destination).country_index;
        if (there_country == here_country) continue;
        if (geo.country_of_place(origin[r]) == there_country) legal[r] = code(LegalStatus::citizen);
        else if (legal[r] == code(LegalStatus::citizen) || legal[r] == code(LegalStatus::permanent_resident))
          legal[r] = code(LegalStatus::work_permit);
      }
    });
    world.request_moves(chunks, moves);
  }

  // Nothing changes after initialise: parameters, distances and the relocation columns only.
  void checkpoint(StateArchive&) override {}

 private:
  const Clock& clock_;
  double hazard_per_year_ = 0;
  double population_elasticity_ = 0;
  double distance_elasticity_ = 0;
  Eigen::ArrayXXd log_distance_;
  std::optional<RelocationColumns> relocation_;  // with the labour, housing, legal status and budget models
};

}  // namespace

ModelInfo gravity_migration() {
  ModelInfo info;
  info.slot = "migration";
  info.slot_meaning = "Moves between the simulated cities";
  info.name = "gravity";
  info.summary = "constant move hazard; destination by multinomial logit on log population and log distance";
  info.is_default = true;
  info.phases = {Phase::decide};
  info.params = bound_params().declarations();
  // What a move leaves behind, where the models owning it are selected.
  declare_relocation(info.state, {Phase::decide});
  all_optional(info.state, "a mover leaves only the employment status behind");
  info.make = [](ModelSetup& setup) { return std::make_unique<GravityMigration>(setup); };
  return info;
}

}  // namespace mobsim::models
