// Circular migration schemes: residents of an origin city who meet the
// scheme's eligibility apply; each step the applicants are ranked by a keyed
// random order weighted towards the targeted groups (e.g. women and youth)
// and admitted up to the places the annual quota releases and the open jobs
// of the scheme's sector in the destination. Participants travel, work in
// the sector on a temporary permit and remit their own share of income. At
// the end of the stay each is renewed (by the renewal rules), overstays
// (becomes irregular) with the scheme's overstay probability, or returns
// home, possibly with a skill gained. Returnees may re-enter if the scheme
// allows it. Examples: Freetown-Milan fashion and textiles (seed 002, Box 3),
// the MENTOR project for Tunisian youth in Milan. A scheme may house its
// participants (the employer or the scheme provides the accommodation, as
// the EU Seasonal Workers Directive 2014/36/EU, art. 20, asks for evidence
// of): they then live outside the destination's housing market, paying the
// scheme's housing cost, until they return or overstay (an overstayer loses
// it and looks for housing like anyone else).
#include <algorithm>
#include <cmath>

#include "declare.hpp"
#include "levers.hpp"
#include "policy.hpp"
#include "provided_housing.hpp"
#include "register_models.hpp"
#include "relocation.hpp"
#include "selection.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kApplyDraw = purpose("circular.apply");    // 0 applies, 1 can travel now
constexpr Purpose kSelectDraw = purpose("circular.select");
constexpr Purpose kExpiryDraw = purpose("circular.expiry");  // 0 renewal, 1 overstay, 2 skill gain, 3 can travel
constexpr std::size_t kMaxSchemes = 32;                      // alumni are a bit mask

// A scheme's terms as its [circular_schemes.NAME] block states them.
struct SchemeTerms {
  std::string origin, destination, sector;
  std::int64_t annual_quota;
  bool unemployed_only;
  double priority_weight_women, priority_weight_youth;
  int youth_max_age_years;
  double application_rate_per_year, stay_months, overstay_probability, renewal_probability;
  int max_renewals;
  bool renewal_requires_job;
  double skill_gain_probability, remittance_share;
  bool reentry_allowed;
  bool housing_provided;
  double housing_cost_eur_per_month;
};

const ParamBindings<SchemeTerms>& scheme_terms() {
  static const ParamBindings<SchemeTerms> table{
      bind(&SchemeTerms::origin,
           reference_param("origin", "cities", false, "City participants come from", kFromScenario)),
      bind(&SchemeTerms::destination,
           reference_param("destination", "cities", false, "City participants work in", kFromScenario)),
      bind(&SchemeTerms::sector,
           reference_param("sector", "sectors", false, "Sector of the participants' jobs", kFromScenario)),
      bind(&SchemeTerms::annual_quota,
           integer_param(
               "annual_quota", "persons per year", 0, 0, 1.0e7,
               "Participants admitted per calendar year, at most (rounded down to whole agents; released evenly "
               "over the year)",
               kFromScenario)),
      bind(&SchemeTerms::unemployed_only,
           bool_param("unemployed_only", false, "Whether only the unemployed may apply", kFromScenario)),
      bind(&SchemeTerms::priority_weight_women,
           real_param("priority_weight_women", "1", 1.0, 0.01, 100.0,
                      "Selection weight of women relative to men (weighted random order)", kFromScenario)),
      bind(&SchemeTerms::priority_weight_youth,
           real_param("priority_weight_youth", "1", 1.0, 0.01, 100.0,
                      "Selection weight of youth (up to youth_max_age_years) relative to older applicants",
                      kFromScenario)),
      bind(&SchemeTerms::youth_max_age_years,
           integer_param("youth_max_age_years", "years", 24, 10, 60, "Oldest age counted as youth for selection",
                         "UN definition of youth: 15-24")),
      bind(&SchemeTerms::application_rate_per_year,
           real_param(
               "application_rate_per_year", "1/year", 0.05, 0.0, 10.0,
               "Hazard that an eligible resident applies, per year",
               kAssumption + "schemes are typically oversubscribed many times (e.g. seasonal worker programmes)")),
      bind(&SchemeTerms::stay_months,
           real_param(
               "stay_months", "months", 9.0, 1.0, 120.0, "Length of a stay",
               kAssumption +
                   "seasonal and circular schemes allow stays of 6-12 months (EU Seasonal Workers Directive: up to "
                   "9 months a year)")),
      bind(
          &SchemeTerms::overstay_probability,
          share_param("overstay_probability", 0.05, "Probability that a participant stays on without papers at the end",
                      kAssumption +
                          "overstay in well-run circular schemes is low (New Zealand RSE: about 1%; Spanish-Moroccan "
                          "strawberry scheme early years: higher)")),
      bind(&SchemeTerms::renewal_probability,
           share_param("renewal_probability", 0.0, "Probability that a stay is renewed at its end", kFromScenario)),
      bind(&SchemeTerms::max_renewals,
           integer_param("max_renewals", "1", 0, 0, 20, "Renewals allowed per stay", kFromScenario)),
      bind(&SchemeTerms::renewal_requires_job,
           bool_param("renewal_requires_job", true, "Whether only participants in work are renewed", kFromScenario)),
      bind(&SchemeTerms::skill_gain_probability,
           share_param("skill_gain_probability", 0.3, "Probability that a returnee gains a skill level",
                       kAssumption +
                           "on-the-job training and mentoring are the stated aim of MENTOR and of the Freetown-Milan "
                           "partnership (seed 002)")),
      bind(&SchemeTerms::remittance_share,
           share_param(
               "remittance_share", 0.3, "Share of income participants send home",
               kAssumption + "temporary workers remit more than settled migrants (World Bank 2006; RSE evaluations)")),
      bind(&SchemeTerms::reentry_allowed,
           bool_param("reentry_allowed", true, "Whether returnees may take part again", kFromScenario)),
      bind(&SchemeTerms::housing_provided,
           bool_param("housing_provided", false,
                      "Whether the employer or the scheme houses the participants (outside the housing market)",
                      kFromScenario)),
      bind(&SchemeTerms::housing_cost_eur_per_month,
           provided_housing_cost_param("housing_provided")),
  };
  return table;
}

// The scheme in agents and steps, with its state.
struct Scheme {
  std::string name;
  std::optional<std::size_t> origin, destination;
  std::size_t sector = 0;
  Window window;
  std::int64_t quota_agents = 0;
  TargetGroup group;
  bool unemployed_only = false;
  double weight_women = 1, weight_youth = 1;
  int youth_max_months = 0;
  double apply_per_step = 0;
  int stay_steps = 1;
  double overstay = 0, renewal = 0;
  int max_renewals = 0;
  bool renewal_requires_job = true;
  double skill_gain = 0, remittance_share = 0;
  bool reentry = true;
  bool housing_provided = false;
  double housing_cost = 0;  // EUR per month
  // state
  int year = 0;
  std::int64_t admitted_this_year = 0;
  double applicants = 0, departures = 0, returns = 0, overstays = 0, skill_gains = 0;  // agents, this step
};

class CircularSchemes : public Model {
 public:
  explicit CircularSchemes(ModelSetup& setup) : geography_(setup.geography), clock_(setup.clock) {
    const auto& spec = setup.spec;
    const Sectors sectors(spec);
    const auto ppa = spec.integer("run.people_per_agent");
    const double dt = clock_.years_per_step();
    for (const auto& e : spec.entries("circular_schemes")) {
      const SchemeTerms terms = scheme_terms().read(e);
      Scheme s;
      s.name = e.name;
      s.origin = city_of_run(geography_, terms.origin);
      s.destination = city_of_run(geography_, terms.destination);
      s.sector = static_cast<std::size_t>(sectors.index(terms.sector));
      s.window = window_of(e, clock_);
      s.quota_agents = terms.annual_quota / ppa;  // rounded down: never above the quota in persons
      s.group = target_group_of(e);
      s.unemployed_only = terms.unemployed_only;
      s.weight_women = terms.priority_weight_women;
      s.weight_youth = terms.priority_weight_youth;
      s.youth_max_months = (terms.youth_max_age_years + 1) * 12;
      s.apply_per_step = -std::expm1(-terms.application_rate_per_year * dt);
      s.stay_steps = std::max(1, static_cast<int>(std::ceil(terms.stay_months / clock_.step_months)));
      s.overstay = terms.overstay_probability;
      s.renewal = terms.renewal_probability;
      s.max_renewals = terms.max_renewals;
      s.renewal_requires_job = terms.renewal_requires_job;
      s.skill_gain = terms.skill_gain_probability;
      s.remittance_share = terms.remittance_share;
      s.reentry = terms.reentry_allowed;
      s.housing_provided = terms.housing_provided;
      s.housing_cost = terms.housing_cost_eur_per_month;
      schemes_.push_back(std::move(s));
    }
    if (schemes_.empty()) return;  // idle: no columns, no fields
    const auto width = static_cast<std::uint32_t>(schemes_.size() + 1);
    share_field_ = setup.fields.add(kSchemeRemittanceShareField, width, "remittance share of each scheme's participants");
    remitted_field_ = setup.fields.add(kSchemeRemittancesField, width, "remittances of each scheme's participants");
    scheme_ = setup.schema.add<std::uint8_t>(kSchemeColumn, "1 + circular scheme of a participant; 255 returning");
    end_ = setup.schema.add<std::uint16_t>("scheme_end_step", "step a circular scheme participant's stay ends");
    renewals_ = setup.schema.add<std::uint8_t>("scheme_renewals", "renewals of the current circular scheme stay");
    alumni_ = setup.schema.add<std::uint32_t>("scheme_alumni", "bit k set: took part in circular scheme k");
  }

  void initialise(World& world) override {
    if (schemes_.empty()) return;
    columns_ = RelocationColumns::find(world);
    vacancies_ = world.field_schema().find(kVacanciesField);
    move_factor_ = world.field_schema().find(international_move_lever().name);
    housing_cost_field_ = world.field_schema().find(kProvidedHousingCostField);
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      auto share = world.fields().at(share_field_, c);
      for (std::size_t k = 0; k < schemes_.size(); ++k) share[k + 1] = schemes_[k].remittance_share;
    }
    for (const Scheme& s : schemes_)
      if (s.housing_provided && s.destination) world.fields().at(housing_cost_field_, *s.destination)[0] = s.housing_cost;
  }

  void run(Phase phase, World& world) override {
    if (schemes_.empty()) return;
    if (phase == Phase::policy) {
      start_step(world);
    } else if (phase == Phase::decide) {
      std::vector<std::vector<Move>> moves(world.city_count());
      end_stays(world, moves);
      recruit(world, moves);
      request(world, moves);
    } else {
      welcome_home(world);
      house_arrivals(world);
    }
  }

  // applicants, participants_abroad, departures, returns, overstays, remittances, skill_gains
  void observe_entries(const World& world, EntrySeriesOut& out) const override {
    const double scale = static_cast<double>(world.people_per_agent());
    std::vector<double> abroad(schemes_.size(), 0.0), remitted(schemes_.size(), 0.0);
    std::vector<bool> counted(world.city_count(), false);
    for (const Scheme& s : schemes_) {
      if (!s.destination || counted[*s.destination]) continue;
      counted[*s.destination] = true;
      const auto scheme = world.agents(*s.destination).col(scheme_);
      LaneCounts participants(schemes_.size() + 1);
      for (std::uint32_t r = 0; r < scheme.size(); ++r) participants.add(r, scheme[r] == kSchemeReturning ? 0 : scheme[r]);
      for (std::size_t k = 0; k < schemes_.size(); ++k) abroad[k] += static_cast<double>(participants[k + 1]);
    }
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const auto sent = world.fields().at(remitted_field_, c);
      for (std::size_t k = 0; k < schemes_.size(); ++k) remitted[k] += sent[k + 1];
    }
    const bool initial = world.step() == 0;
    for (std::size_t k = 0; k < schemes_.size(); ++k) {
      const Scheme& s = schemes_[k];
      out(k, "applicants") = initial ? 0.0 : s.applicants * scale;
      out(k, "participants_abroad") = abroad[k] * scale;
      out(k, "departures") = initial ? 0.0 : s.departures * scale;
      out(k, "returns") = initial ? 0.0 : s.returns * scale;
      out(k, "overstays") = initial ? 0.0 : s.overstays * scale;
      out(k, "remittances") = initial ? 0.0 : remitted[k] * scale;
      out(k, "skill_gains") = initial ? 0.0 : s.skill_gains * scale;
    }
  }

  // Each scheme's year and places used in it, and the step's counts (which
  // observe_entries reports); the terms come from the scenario. Participants
  // are agent columns.
  void checkpoint(StateArchive& ar) override {
    for (std::size_t k = 0; k < schemes_.size(); ++k) {
      Scheme& s = schemes_[k];
      const auto entry = ar.section("schemes/" + std::to_string(k));
      ar("year", s.year);
      ar("admitted_this_year", s.admitted_this_year);
      ar("applicants", s.applicants);
      ar("departures", s.departures);
      ar("returns", s.returns);
      ar("overstays", s.overstays);
      ar("skill_gains", s.skill_gains);
    }
  }

 private:
  void start_step(World& world) {
    const int year = clock_.year_of_step(static_cast<int>(world.step()));
    for (Scheme& s : schemes_) {
      s.applicants = s.departures = s.returns = s.overstays = s.skill_gains = 0;
      if (s.year != year) {
        s.year = year;
        s.admitted_this_year = 0;
      }
    }
  }

  // Probability that an international journey between cities a and b can
  // take place now (mobility shocks).
  double travel_factor(const World& world, std::size_t a, std::size_t b) const {
    if (geography_.city(a).country_index == geography_.city(b).country_index) return 1.0;
    return world.fields().at(move_factor_, a)[0] * world.fields().at(move_factor_, b)[0];
  }

  // Participants whose stay has ended: renewed, overstaying or going home.
  void end_stays(World& world, std::vector<std::vector<Move>>& moves) {
    const std::uint32_t step = world.step();
    std::vector<bool> done(world.city_count(), false);
    for (const Scheme& any : schemes_) {
      if (!any.destination || done[*any.destination]) continue;
      const std::size_t c = *any.destination;
      done[c] = true;
      AgentTable& a = world.agents(c);
      const auto id = a.col(core::id);
      auto scheme = a.col(scheme_);
      auto end = a.col(end_);
      auto renewals = a.col(renewals_);
      auto alumni = a.col(alumni_);
      auto skill = a.col(core::skill);
      auto legal = a.col(core::legal_status);
      for (std::uint32_t r = 0; r < a.size(); ++r) {
        if (scheme[r] == 0 || scheme[r] == kSchemeReturning || end[r] > step) continue;
        Scheme& s = schemes_[scheme[r] - 1u];
        const Draw d = world.rng().agent(id[r], step, kExpiryDraw);
        const bool employed = a.col(core::employment)[r] == code(Employment::employed);
        if (renewals[r] < s.max_renewals && (employed || !s.renewal_requires_job) && d.unit(0) < s.renewal) {
          end[r] = static_cast<std::uint16_t>(step + s.stay_steps);
          renewals[r] += 1;
          continue;
        }
        const std::uint32_t bit = 1u << (scheme[r] - 1u);
        if (d.unit(1) < s.overstay) {
          // Without the scheme, without its housing.
          if (a.col(columns_.tenure)[r] == code(Tenure::provided)) a.col(columns_.tenure)[r] = code(Tenure::unhoused);
          legal[r] = code(LegalStatus::irregular);
          scheme[r] = 0;
          alumni[r] |= bit;
          s.overstays += 1;
          continue;
        }
        // Home, unless the border is closed (then on a later step).
        if (!s.origin || d.unit(3) >= travel_factor(world, c, *s.origin)) continue;
        if (skill[r] < code(Skill::high) && d.unit(2) < s.skill_gain) {
          skill[r] += 1;
          s.skill_gains += 1;
        }
        legal[r] = code(LegalStatus::citizen);  // participants are citizens of the origin's country
        a.col(columns_.permit_end)[r] = 0;
        leave_behind(a, r, step, columns_);
        scheme[r] = kSchemeReturning;
        alumni[r] |= bit;
        renewals[r] = 0;
        moves[c].push_back(Move{r, static_cast<std::uint16_t>(*s.origin), world.channel("circular_scheme")});
        s.returns += 1;
      }
    }
  }

  std::int64_t places_left(const Scheme& s, std::uint32_t step) const {
    const int month = clock_.calendar_month_of_step(static_cast<int>(step));
    return std::max<std::int64_t>(0, s.quota_agents * month / 12 - s.admitted_this_year);
  }

  void recruit(World& world, std::vector<std::vector<Move>>& moves) {
    const std::uint32_t step = world.step();
    for (std::size_t k = 0; k < schemes_.size(); ++k) {
      Scheme& s = schemes_[k];
      if (!s.origin || !s.destination || !s.window.contains(clock_, step)) continue;
      const std::size_t o = *s.origin, dest = *s.destination;
      AgentTable& a = world.agents(o);
      const auto id = a.col(core::id);
      const auto age = a.col(core::age_months);
      const auto sex = a.col(core::sex);
      const auto skill = a.col(core::skill);
      const auto employment = a.col(core::employment);
      const auto scheme = a.col(scheme_);
      const auto alumni = a.col(alumni_);
      const auto return_due = a.col(columns_.return_due);
      const auto legal = a.col(core::legal_status);
      const double travel = travel_factor(world, o, dest);
      std::vector<Candidate> candidates;
      std::vector<std::uint32_t> rows;
      for (std::uint32_t r = 0; r < a.size(); ++r) {
        // Citizens of the origin's country (who return to citizenship), not
        // already in a scheme or due to leave.
        if (scheme[r] != 0 || return_due[r] != 0 || legal[r] != code(LegalStatus::citizen) ||
            !s.group.matches(age[r], sex[r], skill[r]))
          continue;
        if (s.unemployed_only && employment[r] != code(Employment::unemployed)) continue;
        if (!s.reentry && (alumni[r] >> k & 1u)) continue;
        const Draw d = world.rng().agent(id[r], step, kApplyDraw);
        if (d.unit(0) >= s.apply_per_step) continue;
        s.applicants += 1;
        if (d.unit(1) >= travel) continue;  // cannot travel while borders are closed
        const double weight = (sex[r] == code(Sex::female) ? s.weight_women : 1.0) *
                              (age[r] < s.youth_max_months ? s.weight_youth : 1.0);
        candidates.push_back(Candidate{id[r], weight});
        rows.push_back(r);
      }
      // In ranked order, while places are left: a job of the sector at the
      // applicant's skill level or, failing that, below it.
      auto open = world.fields().at(vacancies_, dest);
      std::int64_t places = places_left(s, step);
      for (const std::size_t w : select_fairly(world.rng(), candidates, candidates.size(), step, kSelectDraw)) {
        if (places == 0) break;
        const std::uint32_t r = rows[w];
        int level = skill[r];
        while (level >= 0 && open[s.sector * kSkillLevels + static_cast<std::size_t>(level)] < 1.0) --level;
        if (level < 0) continue;
        open[s.sector * kSkillLevels + static_cast<std::size_t>(level)] -= 1.0;
        --places;
        leave_behind(a, r, step, columns_);
        a.col(core::employment)[r] = code(Employment::employed);
        a.col(columns_.job)[r] = job_code(s.sector, level);
        a.col(core::legal_status)[r] = code(LegalStatus::temporary_permit);
        a.col(columns_.permit_end)[r] = 0;  // the scheme, not the permit rules, ends the stay
        a.col(scheme_)[r] = static_cast<std::uint8_t>(k + 1);
        a.col(end_)[r] = static_cast<std::uint16_t>(step + s.stay_steps);
        a.col(renewals_)[r] = 0;
        moves[o].push_back(Move{r, static_cast<std::uint16_t>(dest), world.channel("circular_scheme")});
        s.departures += 1;
        s.admitted_this_year += 1;
      }
    }
  }

  void request(World& world, std::vector<std::vector<Move>>& moves) const {
    std::vector<Chunk> cities;
    std::vector<std::vector<Move>> lists;
    for (std::size_t c = 0; c < moves.size(); ++c) {
      if (moves[c].empty()) continue;
      cities.push_back(Chunk{static_cast<std::uint32_t>(c), 0, 0});
      lists.push_back(std::move(moves[c]));
    }
    world.request_moves(cities, lists);
  }

  // Returnees are home: no longer participants.
  void welcome_home(World& world) const {
    std::vector<bool> done(world.city_count(), false);
    for (const Scheme& s : schemes_) {
      if (!s.origin || done[*s.origin]) continue;
      done[*s.origin] = true;
      auto scheme = world.agents(*s.origin).col(scheme_);
      for (std::size_t r = world.first_arrival(*s.origin); r < scheme.size(); ++r)
        if (scheme[r] == kSchemeReturning) scheme[r] = 0;
    }
  }

  // Participants who arrived this step in a scheme that houses them move
  // into its housing before the housing market places the unhoused.
  void house_arrivals(World& world) const {
    for (std::size_t k = 0; k < schemes_.size(); ++k) {
      const Scheme& s = schemes_[k];
      if (!s.housing_provided || !s.destination) continue;
      AgentTable& a = world.agents(*s.destination);
      const auto scheme = a.col(scheme_);
      auto tenure = a.col(columns_.tenure);
      for (std::size_t r = world.first_arrival(*s.destination); r < a.size(); ++r)
        if (scheme[r] == k + 1) tenure[r] = code(Tenure::provided);
    }
  }

  const Geography& geography_;
  const Clock& clock_;
  std::vector<Scheme> schemes_;
  CityField share_field_, remitted_field_, vacancies_{}, housing_cost_field_{};
  CityField move_factor_;  // lever
  Column<std::uint8_t> scheme_{}, renewals_{};
  Column<std::uint16_t> end_{};
  Column<std::uint32_t> alumni_{};
  RelocationColumns columns_;
};

}  // namespace

ModelInfo circular_schemes() {
  ModelInfo info;
  info.slot = "circular_migration";
  info.slot_meaning = "Circular migration schemes";
  info.name = "schemes";
  info.summary = "circular migration schemes: quotas, eligibility, targeted selection, stays with return, "
                 "renewal or overstay, skill gains and remittances";
  info.is_default = true;
  info.phases = {Phase::policy, Phase::decide, Phase::arrive};
  info.channels = {"circular_scheme"};
  CollectionDecl schemes;
  schemes.name = "circular_schemes";
  schemes.entry_noun = "circular migration scheme";
  schemes.is_policy = true;
  schemes.acts_from = "start";
  schemes.meaning = "Policy: temporary work stays from an origin city in a destination sector, with return";
  schemes.fields = scheme_terms().declarations();
  for (auto& f : target_group_fields(18, 35, kFromScenario)) schemes.fields.push_back(std::move(f));
  for (auto& f : window_fields("recruitment")) schemes.fields.push_back(std::move(f));
  info.collections.push_back(std::move(schemes));
  info.checks = {window_check("circular_schemes"), quota_scale_check("circular_schemes", "annual_quota"), target_group_check("circular_schemes"),
                 output_name_check("circular_schemes"),
                 needs_slots_when_used("circular_schemes", {"labour", "housing", "legal_status", "budget"}),
                 [](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
                   const auto& all = spec.entries("circular_schemes");
                   if (all.size() > kMaxSchemes)
                     diags.push_back(Diagnostic{all[kMaxSchemes].where, "circular_schemes",
                                                "at most " + std::to_string(kMaxSchemes) + " schemes per scenario", ""});
                   for (const auto& e : all)
                     if (e.text("origin") == e.text("destination"))
                       diags.push_back(Diagnostic{e.field("destination").where,
                                                  "circular_schemes." + toml_key(e.name) + ".destination",
                                                  "is the origin city", ""});
                 },
                 one_provided_housing_cost_per_city("circular_schemes")};
  const std::string per_scheme = "schemes + 1 (index 0 unused)";
  info.state.owns = {
      owns_column<std::uint8_t>(kSchemeColumn, "code",
                                "0 none; k + 1 while a participant of scheme k; 255 during the step of the return",
                                {Phase::decide, Phase::arrive}),
      owns_column<std::uint16_t>("scheme_end_step", "step", "step a participant's stay ends", {Phase::decide}),
      owns_column<std::uint8_t>("scheme_renewals", "renewals", "renewals of the current stay", {Phase::decide}),
      owns_column<std::uint32_t>("scheme_alumni", "bit mask", "bit k set: took part in scheme k", {Phase::decide}),
      // Set once, while initialising.
      owns_field(kSchemeRemittanceShareField, per_scheme, "1", "share of income each scheme's participants remit",
                 {}),
      // Filled by the remittances model (income).
      owns_field(kSchemeRemittancesField, per_scheme, "EUR (agent units)",
                 "remittances each scheme's participants living in the city sent this step", {})};
  info.state.writes = {writes_field(kVacanciesField, {Phase::decide},
                                    "each recruit takes one open job of the scheme's sector in the destination"),
                       // Set once, while initialising (one cost per city, checked).
                       writes_field(kProvidedHousingCostField, {},
                                    "what a participant pays for the housing its scheme provides in the destination"),
                       writes_column(kTenureColumn, {Phase::arrive},
                                     "participants of a scheme that houses them move into its housing on arrival")};
  info.state.reads = {
      reads_field(kVacanciesField, Phase::decide)};
  reads_lever(info.state, international_move_lever(), Phase::decide);
  // The return order is read too (recruits must not be due to leave), but is
  // declared as a write only: a this-step read in decide would put migration
  // and legal pathways, which also relocate in decide, before the schemes.
  declare_relocation(info.state, {Phase::decide});
  // Only schemes in use touch other models' state, and they need the labour,
  // housing, legal status and budget models (checked above).
  const std::string unused = "no circular schemes (they need the labour, housing, legal status and budget models)";
  for (auto& read : info.state.reads)
    // RelocationColumns::find looks savings up, but the schemes never read
    // them (nobody pays for a scheme's journeys): no phase, so that
    // migration, which pays for its moves in decide, need not run first.
    if (read.kind == StateKind::agent_column && read.name == kSavingsColumn) read.phase = std::nullopt;
  all_optional(info.state, unused);
  info.entry_series = EntrySeriesDecl{
      "schemes", "circular_schemes",
      {{"applicants", "persons", "Residents of the origin who applied during the step", true, SeriesKind::flow},
       {"participants_abroad", "persons", "Participants in the destination at the end of the step", true, SeriesKind::stock, true},
       {"departures", "persons", "Participants who left for the destination during the step", true, SeriesKind::flow, true},
       {"returns", "persons", "Participants who returned home at the end of their stay during the step", true, SeriesKind::flow, true},
       {"overstays", "persons", "Participants who stayed on without papers at the end of their stay", true, SeriesKind::flow, true},
       {"remittances", "EUR", "Remittances participants sent during the step", false, SeriesKind::flow, true},
       {"skill_gains", "persons", "Returnees who gained a skill level during the step", true, SeriesKind::flow, true}}};
  // Created only when schemes are given: an idle slot adds no column and no field.
  for (auto& owned : info.state.owns) owned = only_when_used(owned);
  info.make = [](ModelSetup& setup) { return std::make_unique<CircularSchemes>(setup); };
  return info;
}

}  // namespace mobsim::models
