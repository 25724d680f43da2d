// Networks and diaspora: how many residents of each city were born in each
// place, and how many of them have stayed long enough to bring family.
// Migration decisions read these stocks (a diaspora makes a city more
// attractive and cheaper to reach, and opens family reunification).
#include <cmath>
#include <optional>
#include <span>
#include <vector>

#include "declare.hpp"
#include "diaspora_kernel.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

struct Params {
  double settled_after_years;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::settled_after_years,
           real_param("networks.settled_after_years", "years", 2.0, 0.0, 20.0,
                      "Stay after which a migrant can bring family (family reunification)",
                      "Family Reunification Directive 2003/86/EC, art. 8: up to two years of lawful stay")),
  };
  return table;
}

class Diaspora : public Model {
 public:
  explicit Diaspora(ModelSetup& setup) : geography_(setup.geography) {
    places_ = 2 * setup.geography.city_count() + 1;
    settled_steps_ = static_cast<int>(
        std::ceil(12.0 * bound_params().read(setup.spec).settled_after_years / setup.clock.step_months));
    diaspora_ = setup.fields.add(kDiasporaField, static_cast<std::uint32_t>(places_), "residents by place of birth");
    settled_ = setup.fields.add(kSettledDiasporaField, static_cast<std::uint32_t>(places_),
                                "residents by place of birth settled for the qualifying stay");
  }

  void initialise(World& world) override {
    if (world.schema().has(kArrivalColumn)) arrival_ = world.schema().find<std::uint16_t>(kArrivalColumn);
    count(world);
  }

  void run(Phase, World& world) override { count(world); }

  // Nothing changes after initialise: the stocks live in city fields (the World's).
  void checkpoint(StateArchive&) override {}

 private:
  void count(World& world) {
    const auto chunks = make_chunks(world);
    const std::int64_t step = world.step();
    std::vector<std::vector<double>> all(chunks.size()), settled(chunks.size());
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const AgentTable& a = world.agents(ch.city);
      const auto origin = a.col(core::origin);
      const auto arrival = arrival_ ? a.col(*arrival_) : std::span<const std::uint16_t>{};
      // Counted by (place of birth, settled): code = 2 * place + settled;
      // residents present at the start count as settled
      // (models/mobility/diaspora_kernel.cpp).
      thread_local std::vector<std::int64_t> residents;
      residents.assign(2 * places_, 0);
      count_by_birthplace(BirthplaceColumns{origin.data(), arrival.empty() ? nullptr : arrival.data()},
                          SettledRule{step, settled_steps_}, static_cast<std::uint16_t>(geography_.city_place(ch.city)),
                          static_cast<std::uint16_t>(geography_.hinterland_place(ch.city)), ch.begin, ch.end,
                          residents.data());
      all[k].resize(places_);
      settled[k].resize(places_);
      for (std::size_t p = 0; p < places_; ++p) {
        settled[k][p] = static_cast<double>(residents[2 * p + 1]);
        all[k][p] = static_cast<double>(residents[2 * p]) + settled[k][p];
      }
    });
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      auto d = world.fields().at(diaspora_, c);
      auto s = world.fields().at(settled_, c);
      std::fill(d.begin(), d.end(), 0.0);
      std::fill(s.begin(), s.end(), 0.0);
    }
    for (std::size_t k = 0; k < chunks.size(); ++k) {
      auto d = world.fields().at(diaspora_, chunks[k].city);
      auto s = world.fields().at(settled_, chunks[k].city);
      for (std::size_t p = 0; p < places_; ++p) {
        d[p] += all[k][p] * scale;
        s[p] += settled[k][p] * scale;
      }
    }
  }

  const Geography& geography_;
  std::size_t places_ = 0;
  int settled_steps_ = 0;
  CityField diaspora_, settled_;
  std::optional<Column<std::uint16_t>> arrival_;
};

}  // namespace

ModelInfo diaspora_networks() {
  ModelInfo info;
  info.slot = "networks";
  info.slot_meaning = "Diaspora stocks";
  info.name = "diaspora";
  info.summary = "stocks of residents by place of birth in every city, and those settled for family reunification";
  info.is_default = true;
  info.phases = {Phase::decide};
  info.params = bound_params().declarations();
  const std::string places = "places (cities, hinterlands, rest of world)";
  info.state.owns = {
      owns_field(kDiasporaField, places, "persons", "residents by place of birth", {Phase::decide}),
      owns_field(kSettledDiasporaField, places, "persons",
                 "residents by place of birth settled for the qualifying stay of family reunification",
                 {Phase::decide}),
  };
  // The count needs this step's newcomers (boundary phase) and comes before
  // the moves requested later in decide, which also set the arrival step.
  info.state.reads = {
      optional(reads_column(kArrivalColumn, Phase::decide, ReadTiming::phase_start), "everyone counts as settled"),
  };
  info.make = [](ModelSetup& setup) { return std::make_unique<Diaspora>(setup); };
  return info;
}

}  // namespace mobsim::models
