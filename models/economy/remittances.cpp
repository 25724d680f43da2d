// Remittances: employed migrants send a share of their income home. A
// migrant away from their household (one who moved alone and kept it, see
// household_groups.hpp) sends to that household in the city where it lives;
// the others send to the city they were born in (or to the rest of the
// world, outside the model). What a household receives and saves goes into
// its savings; the rest a city receives raises all its adults' savings
// evenly. Savings pay for moving (the "migration hump"); every million EUR
// received creates local jobs.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include "declare.hpp"
#include "household_groups.hpp"
#include "income_rule.hpp"
#include "register_models.hpp"
#include "remittances_kernel.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

struct Params {
  double share_of_income, recipient_savings_share, jobs_per_million_eur;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::share_of_income,
           plausible(share_param("remittances.share_of_income", 0.15, "Share of income an employed migrant sends home",
                       "IFAD (2017) Sending Money Home: migrants send on average about 15% of their earnings"), 0.08, 0.25,
                     "IFAD (2017) Sending Money Home: about 15% of earnings on average; shares of about a tenth to a quarter in surveys of migrants in Europe (approx.)")),
      bind(
          &Params::recipient_savings_share,
          share_param("remittances.recipient_savings_share", 0.3,
                      "Share of remittances received that recipients save (the rest is consumed)",
                      "assumption: most remittances finance consumption, health and education (World Bank 2006, Global "
                      "Economic Prospects)")),
      bind(&Params::jobs_per_million_eur,
           real_param(
               "remittances.jobs_per_million_eur", "jobs per million EUR a year", 20.0, 0.0, 1000.0,
               "Informal jobs in the receiving city that a million EUR of remittances received a year supports "
               "(jobs rise and fall with the yearly rate of receipts)",
               "assumption: receipts spent locally pay informal incomes; at a few thousand EUR a year per informal "
               "income in West Africa and most of the spending going to imported goods, about 20 jobs per million "
               "EUR a year; a stock that follows the flow (earlier versions added the jobs every month, so ten "
               "years of steady receipts created 120 times the yearly figure)")),
  };
  return table;
}

class Remittances : public Model {
 public:
  explicit Remittances(ModelSetup& setup) : clock_(setup.clock), geography_(setup.geography) {
    const auto& spec = setup.spec;
    const Params p = bound_params().read(spec);
    share_ = p.share_of_income;
    savings_share_ = p.recipient_savings_share;
    jobs_per_million_ = p.jobs_per_million_eur;
    jobs_field_ = setup.fields.add(kRemittanceJobsField, 1, "jobs the remittances received this step support (agents)");
    saved_field_ = setup.fields.add(kRemittanceSavingsField, 1, "remittances saved per adult resident this step (EUR)");
    const std::size_t n = setup.geography.city_count();
    sent_.assign(n, 0.0);
    received_.assign(n, 0.0);
    outside_.assign(n, 0.0);
    to_households_.assign(n, 0.0);
  }

  void initialise(World& world) override {
    savings_ = world.schema().find<float>(kSavingsColumn);
    if (world.schema().has(kHouseholdColumn)) {
      household_ = world.schema().find<std::uint32_t>(kHouseholdColumn);
      numbers_.emplace(world.city_count());
    }
    rule_.emplace(world);
    adult_age_ = world.field_schema().find(kAdultAgeField);
    // Participants of circular schemes remit their scheme's share.
    if (world.schema().has(kSchemeColumn)) {
      scheme_ = world.schema().find<std::uint8_t>(kSchemeColumn);
      scheme_share_ = world.field_schema().find(kSchemeRemittanceShareField);
      scheme_sent_ = world.field_schema().find(kSchemeRemittancesField);
    }
  }

  void run(Phase, World& world) override {
    const std::size_t n = world.city_count();
    const double months = clock_.step_months;
    const auto chunks = make_chunks(world);
    // Send: per chunk, amounts by destination city (the last slot is the rest of the world).
    std::vector<std::vector<double>> by_chunk(chunks.size());
    std::vector<std::vector<double>> by_scheme(chunks.size());
    std::vector<double> adults_by_chunk(chunks.size(), 0.0);
    std::vector<std::vector<std::pair<std::uint32_t, double>>> to_households(chunks.size());
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto age = a.col(core::age_months);
      const auto origin = a.col(core::origin);
      const auto employment = a.col(core::employment);
      auto savings = a.col(savings_);
      by_chunk[k].assign(n + 1, 0.0);
      const auto schemes = scheme_ ? a.col(*scheme_) : std::span<std::uint8_t>{};
      const auto scheme_share = scheme_ ? world.fields().at(*scheme_share_, ch.city) : std::span<double>{};
      if (scheme_) by_scheme[k].assign(scheme_share.size(), 0.0);
      const auto own = geography_.city_place(ch.city), own_hinterland = geography_.hinterland_place(ch.city);
      const int adult_months = static_cast<int>(world.fields().at(adult_age_, ch.city)[0]);
      const auto household = household_ ? a.col(*household_) : std::span<std::uint32_t>{};
      to_households[k].clear();
      // Migrants in work (not born here or in this city's hinterland),
      // listed without a branch per agent (their states are mixed at
      // random; models/economy/remittances_kernel.cpp), then their remittances in
      // row order; the adults counted in the same pass.
      thread_local std::vector<std::uint32_t> senders;
      senders.resize(std::max<std::size_t>(senders.size(), ch.end - ch.begin));
      const SenderSurvey survey = survey_senders(SenderColumns{employment.data(), origin.data(), age.data()}, own,
                                                 own_hinterland, adult_months, ch.begin, ch.end, senders.data());
      adults_by_chunk[k] = static_cast<double>(survey.adults);
      const std::size_t count = survey.senders;
      // Senders are employed: their income is what their work earns (Incomes::earned).
      const Incomes in = rule_->in(world, ch.city);
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t r = senders[i];
        std::size_t home = home_of(origin[r], n);
        const std::uint8_t scheme = scheme_ && schemes[r] < scheme_share.size() ? schemes[r] : 0;
        const double share = scheme > 0 ? scheme_share[scheme] : share_;
        const float income = static_cast<float>(age[r] >= adult_months) * in.earned(r);  // children's is 0
        const double amount = std::min<double>(share * income * months, savings[r]);
        savings[r] = static_cast<float>(savings[r] - amount);
        // Away from the household: to it, in the city that formed it.
        if (!household.empty() && household[r] != kNoHousehold && numbers_->city_of(household[r]) != ch.city) {
          home = numbers_->city_of(household[r]);
          to_households[k].emplace_back(household[r], amount);
        }
        by_chunk[k][home] += amount;
        if (scheme > 0) by_scheme[k][scheme] += amount;
      }
    });
    std::fill(sent_.begin(), sent_.end(), 0.0);
    std::fill(received_.begin(), received_.end(), 0.0);
    std::fill(outside_.begin(), outside_.end(), 0.0);
    if (scheme_)
      for (std::size_t c = 0; c < n; ++c) {
        auto sent = world.fields().at(*scheme_sent_, c);
        std::fill(sent.begin(), sent.end(), 0.0);
      }
    for (std::size_t k = 0; k < chunks.size(); ++k) {
      if (scheme_) {
        auto sent = world.fields().at(*scheme_sent_, chunks[k].city);
        for (std::size_t s = 0; s < by_scheme[k].size(); ++s) sent[s] += by_scheme[k][s];
      }
      for (std::size_t home = 0; home < n; ++home) {
        sent_[chunks[k].city] += by_chunk[k][home];
        received_[home] += by_chunk[k][home];
      }
      sent_[chunks[k].city] += by_chunk[k][n];
      outside_[chunks[k].city] += by_chunk[k][n];
    }

    // Receive: a share is saved, spread evenly over the adults of the city
    // (the budget credits it with next month's income); every million EUR
    // received creates jobs.
    std::vector<double> adults(n, 0.0);
    for (std::size_t k = 0; k < chunks.size(); ++k) adults[chunks[k].city] += adults_by_chunk[k];
    std::vector<std::vector<std::pair<std::uint32_t, double>>> by_household(n);
    for (std::size_t k = 0; k < chunks.size(); ++k)
      for (const auto& [h, amount] : to_households[k]) by_household[numbers_->city_of(h)].emplace_back(h, amount);
    std::fill(to_households_.begin(), to_households_.end(), 0.0);
    parallel_for_cities(world, [&](std::size_t c) {
      if (!by_household[c].empty()) to_households_[c] = deliver(world, c, by_household[c]);
    });
    for (std::size_t c = 0; c < n; ++c) {
      world.fields().at(jobs_field_, c)[0] = received_[c] * (12.0 / clock_.step_months) * jobs_per_million_ / 1.0e6;
      const double spread = savings_share_ * (received_[c] - to_households_[c]);
      world.fields().at(saved_field_, c)[0] = adults[c] > 0 ? spread / adults[c] : 0.0;
    }
  }

  // remittances_sent, remittances_received, remittances_to_rest_of_world (EUR)
  void observe(const World& world, SeriesOut& out) const override {
    auto& remittances_sent = out["remittances_sent"];
    auto& remittances_received = out["remittances_received"];
    auto& remittances_to_rest_of_world = out["remittances_to_rest_of_world"];
    auto& remittances_to_households = out["remittances_to_households"];
    if (world.step() == 0) return;
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      remittances_sent[c] = sent_[c] * scale;
      remittances_received[c] = received_[c] * scale;
      remittances_to_rest_of_world[c] = outside_[c] * scale;
      remittances_to_households[c] = to_households_[c] * scale;
    }
  }

  // The last step's amounts that observe reports.
  void checkpoint(StateArchive& ar) override {
    ar("sent", sent_);
    ar("received", received_);
    ar("outside", outside_);
    ar("to_households", to_households_);
  }

 private:
  // Credits what each household of city c was sent (`sent`, in the order
  // sent), the saved share of it, to its first adult member in row order
  // (the recipient at home); returns the amount delivered.
  // A household with no adult left in the city gets nothing: its share is
  // spread with the rest.
  double deliver(World& world, std::size_t c, const std::vector<std::pair<std::uint32_t, double>>& sent) {
    // The recipients are few: a bit per serial (a city's fits in the
    // processor's cache) finds their rows eight at a time
    // (remittances_kernel.hpp); the amounts are in a map.
    thread_local std::vector<std::uint64_t> sent_to;
    thread_local std::unordered_map<std::uint32_t, double> by_serial;
    std::vector<std::uint64_t>& bits = sent_to;
    std::unordered_map<std::uint32_t, double>& amounts = by_serial;
    std::uint32_t largest = 0;
    for (const auto& [h, amount] : sent) largest = std::max(largest, numbers_->serial_of(h));
    bits.assign(largest / 64 + 1, 0);
    amounts.clear();
    for (const auto& [h, amount] : sent) {
      const std::uint32_t serial = numbers_->serial_of(h);
      amounts[serial] += amount;
      bits[serial / 64] |= std::uint64_t{1} << (serial % 64);
    }
    AgentTable& a = world.agents(c);
    const auto household = a.col(*household_);
    const auto age = a.col(core::age_months);
    auto savings = a.col(savings_);
    const int adult_months = static_cast<int>(world.fields().at(adult_age_, c)[0]);
    const std::uint32_t base = numbers_->base_of(c);
    const auto n = static_cast<std::uint32_t>(a.size());
    double delivered = 0;
    for (std::uint32_t r = next_recipient_row(household.data(), base, largest, bits.data(), 0, n); r < n;
         r = next_recipient_row(household.data(), base, largest, bits.data(), r + 1, n)) {
      if (age[r] < adult_months) continue;
      // The first adult member in row order receives it, and only once.
      const std::uint32_t serial = household[r] - base;
      bits[serial / 64] &= ~(std::uint64_t{1} << (serial % 64));
      const double amount = amounts[serial];
      savings[r] = static_cast<float>(savings[r] + savings_share_ * amount);
      delivered += amount;
    }
    return delivered;
  }

  // The city a migrant remits to: the city of birth, the city whose
  // hinterland the migrant comes from, or n for the rest of the world.
  std::size_t home_of(std::uint16_t origin, std::size_t n) const {
    if (origin == geography_.rest_of_world_place()) return n;
    return origin < n ? origin : origin - n;
  }

  const Clock& clock_;
  const Geography& geography_;
  double share_ = 0, savings_share_ = 0, jobs_per_million_ = 0;
  CityField adult_age_;  // the budget's adult age, in months
  Column<float> savings_{};
  std::optional<IncomeRule> rule_;
  std::optional<Column<std::uint8_t>> scheme_;
  std::optional<CityField> scheme_share_, scheme_sent_;
  CityField jobs_field_, saved_field_;
  std::vector<double> sent_, received_, outside_;  // EUR (agent units) of the last step, by city
  std::vector<double> to_households_;              // of received_: delivered to households with a member away
  std::optional<Column<std::uint32_t>> household_;
  std::optional<HouseholdNumbers> numbers_;
};

}  // namespace

ModelInfo remittances() {
  ModelInfo info;
  info.slot = "remittances";
  info.slot_meaning = "Money migrants send home";
  info.name = "share_of_income";
  info.summary = "employed migrants send a share of income home; received remittances raise residents' savings "
                 "and support informal jobs";
  info.is_default = true;
  info.phases = {Phase::income};
  info.requires_slots = {"budget"};
  info.params = bound_params().declarations();
  info.series = {
      {"remittances_sent", "EUR", "Remittances sent by residents during the step", false, SeriesKind::flow},
      {"remittances_received", "EUR", "Remittances received from migrants in other simulated cities during the step",
       false, SeriesKind::flow, true},
      {"remittances_to_rest_of_world", "EUR",
       "Remittances sent by residents to places outside the simulated cities during the step", false, SeriesKind::flow},
      {"remittances_to_households", "EUR",
       "Of remittances_received: sent by members away from their household to the household, in the city where "
       "it lives (the rest is spread over the city's adults)",
       false, SeriesKind::flow},
  };
  info.state.owns = {
      owns_field(kRemittanceJobsField, "1", "agents",
                 "informal jobs that the remittances received this step support at their yearly rate (the labour "
                 "model keeps that many in place from the next step)",
                 {Phase::income}),
      owns_field(kRemittanceSavingsField, "1", "EUR",
                 "remittances received and saved per adult resident this step (the budget adds them to savings "
                 "with the next month's income)",
                 {Phase::income}),
  };
  info.state.writes = {
      writes_column(kSavingsColumn, {Phase::income}, "senders pay their remittances out of their savings"),
      optional(writes_field(kSchemeRemittancesField, {Phase::income},
                            "what the participants of each circular scheme remitted this step")),
  };
  const std::string no_schemes = "every sender remits the general share of income";
  info.state.reads = {
      reads_column(kSavingsColumn, Phase::income),
      // Participation changes in the decide and arrive phases; the share is
      // set once, in the schemes' initialise.
      optional(reads_column(kSchemeColumn, Phase::income, ReadTiming::last_step), no_schemes),
      optional(reads_field(kSchemeRemittanceShareField, Phase::income, ReadTiming::last_step), no_schemes),
      optional(reads_column(kHouseholdColumn, Phase::income),
               "migrants send to the city they were born in, spread over its adults"),
  };
  for (auto& read : IncomeRule::reads(Phase::income, "")) info.state.reads.push_back(std::move(read));
  info.make = [](ModelSetup& setup) { return std::make_unique<Remittances>(setup); };
  return info;
}

}  // namespace mobsim::models
