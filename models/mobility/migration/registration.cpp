// The registration of behavioural migration (migration_model.hpp): its
// parameters with their sources, the data fields it reads from countries,
// cities and continents, its series, and the shared state it owns, writes
// and reads.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "declare.hpp"
#include "levers.hpp"
#include "migration_model.hpp"
#include "register_models.hpp"

namespace mobsim::models {

namespace migration {

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::consider_hazard_per_year,
           plausible(real_param(
               "migration.consider_hazard_per_year", "1/year", 0.03, 0.0, 10.0,
               "Base yearly hazard of considering a move (at the age peak, employed, no income gap, able to pay)",
               kAssumption +
                   "Gallup World Poll 2018: about 15% of adults would like to move abroad, and a minority of them "
                   "prepares each year; calibrated so that the baseline moves well under 1% of residents a year; halved "
                   "from 0.06 when a mover's partner and children began to move with them across a border "
                   "(population.family_moves, issue 12), which doubled the persons per decision: at 0.06 the "
                   "native emigration of Freetown, Kanifing, Monrovia, Dakar and Accra came out about twice the "
                   "national rates (docs/VALIDATION.md), at 0.03 within them"), 0.015, 0.06,
                     kAssumption + "a factor 2 either side of the default: 0.06 was the value before families moved with a mover (issue 12), and at half the default native emigration falls well below the national rates (docs/VALIDATION.md)")),
      bind(
          &Params::age_peak_years,
          real_param("migration.age_peak_years", "years", 24.0, 15.0, 60.0, "Age at which the hazard peaks",
                     "Rogers & Castro (1981) model migration schedules: labour migration peaks in the early twenties")),
      bind(&Params::age_spread_years, real_param("migration.age_spread_years", "years", 12.0, 1.0, 50.0,
                                                 "Width of the age peak (Gaussian in age)", "Rogers & Castro (1981)")),
      bind(&Params::age_floor,
           share_param("migration.age_floor", 0.1, "Hazard far from the age peak relative to the peak",
                       kAssumption + "older adults still move")),
      bind(&Params::unemployed_multiplier,
           plausible(real_param(
               "migration.unemployed_multiplier", "1", 2.0, 0.0, 20.0, "Hazard multiplier for the unemployed",
               kAssumption + "unemployment roughly doubles the propensity to migrate (Herzog et al. 1993 survey)"), 1.2, 3.5,
                     kAssumption + "surveys find that unemployment raises the propensity to migrate by about a half to threefold (Herzog, Schlottmann & Boehm 1993, approx.)")),
      bind(&Params::income_gap_weight,
           plausible(real_param("migration.income_gap_weight", "1", 0.5, 0.0, 5.0,
                      "Hazard multiplier exp(w * gap), gap = log(best expected income elsewhere / income here)",
                      kAssumption + "aspirations rise with the income gap (de Haas 2010)"), 0.2, 1.0,
                     kAssumption + "half to twice the default; no estimate of this hazard multiplier was found")),
      bind(&Params::network_tie_multiplier,
           plausible(real_param("migration.network_tie_multiplier", "1", 0.5, 0.0, 10.0,
                      "Hazard rises by this factor for people with a diaspora of their birthplace abroad",
                      kAssumption + "networks lower the threshold to migrate (Massey et al. 1993)"), 0.2, 1.0,
                     kAssumption + "about half to twice the default; no estimate of this hazard multiplier was found")),
      bind(&Params::capability_floor,
           share_param(
               "migration.capability_floor", 0.1,
               "Lowest capability factor; capability = savings / typical moving cost from the city, capped at 1",
               kAssumption + "aspiration-capability framework (Carling 2002; de Haas 2021): the poorest rarely move")),
      bind(&Params::income_weight,
           plausible(real_param("migration.income_weight", "1", 1.0, 0.0, 10.0,
                      "Weight of log(expected net income there / net income here) in a destination's utility",
                      "log-income utility as in Grogger & Hanson (2011)"), 0.5, 1.5,
                     kAssumption + "half to one and a half times the log-income coefficient of Grogger & Hanson (2011)")),
      bind(&Params::size_weight,
           real_param("migration.size_weight", "1", 1.0, 0.0, 5.0,
                      "Weight of log(destination population / 1 million): a city aggregates many opportunities",
                      "size term of aggregated destination choice (McFadden 1978), coefficient 1")),
      bind(&Params::move_constant,
           plausible(real_param(
               "migration.move_constant", "1", -3.0, -20.0, 0.0,
               "Utility of any move away from the current city (leaving home, searching anew)",
               kAssumption +
                   "calibrated so that moves between the simulated cities stay well under 1% of residents a year"), -4.5, -1.5,
                     kAssumption + "+-1.5 around the value set so that moves between the simulated cities stay well under 1% a year, a factor exp(1.5) = 4.5 in the odds of a move either way")),
      bind(&Params::network_weight,
           plausible(real_param("migration.network_weight", "1", 0.5, 0.0, 5.0,
                      "Weight of log(1 + diaspora / 1000) in a destination's utility",
                      "Beine, Docquier & Özden (2011): elasticity of migration to the diaspora about 0.5-0.7"), 0.3, 0.8,
                     "Beine, Docquier & Özden (2011): diaspora elasticities about 0.5-0.7 across specifications, widened a little (approx.)")),
      bind(&Params::distance_weight, plausible(real_param("migration.distance_weight", "1", 1.0, 0.0, 5.0,
                                                "Weight of log(distance / 100 km), entering negatively",
                                                "Poot et al. (2016) meta-analysis: distance elasticities around 1"), 0.5, 1.5,
                     "Poot et al. (2016) meta-analysis: distance elasticities of migration mostly between about 0.5 and 1.5 (approx.)")),
      bind(&Params::cost_weight,
           real_param("migration.cost_weight", "1", 0.05, 0.0, 10.0,
                      "Weight of the moving cost in months of current net income, entering negatively",
                      kAssumption + "moving costs")),
      bind(&Params::language_bonus,
           real_param("migration.language_bonus", "1", 0.7, 0.0, 5.0,
                      "Utility of a destination sharing a language with the country of birth",
                      "Adserà & Pytliková (2015): a common language raises migration rates substantially")),
      bind(&Params::colonial_bonus, real_param("migration.colonial_bonus", "1", 0.4, 0.0, 5.0,
                                               "Utility of a destination with a colonial tie to the country of birth",
                                               "Mayda (2010); Beine et al. (2011)")),
      bind(&Params::international_constant,
           plausible(real_param("migration.international_constant", "1", -2.0, -20.0, 0.0,
                      "Extra utility of crossing a national border (psychic and administrative costs)",
                      kAssumption + "internal moves are far more common than international ones (UN DESA 2013)"), -3.5, -0.5,
                     kAssumption + "+-1.5 around the default, as for move_constant")),
      bind(&Params::stay_constant,
           real_param("migration.stay_constant", "1", 0.0, -10.0, 20.0,
                      "Utility of staying, for those considering a move (status quo), besides the home bonus",
                      kAssumption + "most who consider moving stay (Carling & Schewel 2018)")),
      bind(&Params::home_bonus,
           real_param("migration.home_bonus", "1", 1.0, 0.0, 10.0, "Utility of being in the country of birth",
                      kAssumption + "location-specific capital at home")),
      bind(&Params::access_weight,
           real_param("migration.access_weight", "1", 1.0, 0.0, 5.0,
                      "Weight of the log probability that some channel into a destination is open",
                      kAssumption + "migrants anticipate legal access (Czaika & de Haas 2017)")),
      bind(&Params::income_floor_share,
           share_param("migration.income_floor_share", 0.1,
                       "Net income is floored at this share of the lowest wage (family and informal support)",
                       kAssumption + "avoids "
                                     "log of non-positive income")),
      bind(&Params::travel_cost_eur_per_km, real_param("migration.travel_cost_eur_per_km", "EUR per km", 0.1, 0.0, 10.0,
                                                       "Travel cost per km", kAssumption + "fares")),
      bind(&Params::move_fixed_cost_eur,
           real_param("migration.move_fixed_cost_eur", "EUR", 300.0, 0.0, 1.0e5,
                      "Fixed cost of a legal move (documents, fees, first days)",
                      kAssumption + "Schengen visa fee EUR 80 plus documents and travel to consulates")),
      bind(&Params::irregular_cost_eur,
           real_param("migration.irregular_cost_eur", "EUR", 3000.0, 0.0, 1.0e5, "Extra cost of the irregular route",
                      "UNODC (2018) Global Study on Smuggling of Migrants: West Africa to Europe EUR 1,000-5,000")),
      bind(&Params::network_cost_reduction,
           share_param("migration.network_cost_reduction", 0.5, "Largest reduction of moving costs by a diaspora",
                       kAssumption + "networks provide information, housing and credit (Munshi 2003)")),
      bind(&Params::network_half_persons,
           real_param("migration.network_half_persons", "persons", 5000.0, 1.0, 1.0e8,
                      "Diaspora size at which moving costs are reduced by half the largest reduction", kAssumption)),
      bind(&Params::family_max_probability,
           plausible(share_param("migration.family_max_probability", 0.3, "Largest probability of family reunification",
                       kAssumption + "family is the main legal entry channel into the EU (Eurostat migr_resfirst)"), 0.15, 0.5,
                     kAssumption + "half to about one and a half times the default")),
      bind(&Params::family_half_persons,
           real_param("migration.family_half_persons", "persons", 20000.0, 1.0, 1.0e8,
                      "Settled diaspora at which family reunification reaches half its largest probability", kAssumption)),
      bind(&Params::irregular_willingness,
           plausible(share_param("migration.irregular_willingness", 0.25,
                       "Probability that someone without a legal channel takes the irregular route", kAssumption), 0.1, 0.5,
                     kAssumption + "no survey measures it; a wide range around the default")),
      bind(&Params::irregular_failure_probability,
           share_param(
               "migration.irregular_failure_probability", 0.25,
               "Probability that an irregular crossing fails (interception, turned back, death)",
               kAssumption + "IOM Missing Migrants and UNHCR interception figures for the central Mediterranean")),
      bind(&Params::asylum_application_probability,
           share_param("migration.asylum_application_probability", 0.6,
                       "Probability that an irregular arrival claims asylum",
                       kAssumption + "most irregular arrivals by sea in Italy claim asylum (Eurostat, UNHCR)")),
      bind(&Params::transit_months,
           real_param("migration.transit_months", "months", 6.0, 0.1, 120.0, "Mean wait in a transit hub",
                      "IOM Displacement Tracking Matrix, Niger: stays of weeks to many months in Agadez")),
      bind(&Params::transit_share,
           share_param(
               "migration.transit_share", 0.6,
               "Share of irregular trips from Africa to Europe that pass through a transit hub when one is on the way",
               kAssumption + "Agadez and Tunis are named as transit points in the seeds")),
      bind(&Params::transit_max_detour,
           real_param("migration.transit_max_detour", "1", 1.5, 1.0, 10.0,
                      "Largest ratio (via hub) / (direct distance) for a hub to be on the way", kAssumption)),
      bind(&Params::transit_give_up_probability,
           share_param("migration.transit_give_up_probability", 0.3,
                       "Probability that a migrant whose crossing from a hub failed gives up and returns", kAssumption)),
      bind(&Params::return_hazard_per_year,
           plausible(real_param("migration.return_hazard_per_year", "1/year", 0.12, 0.0, 10.0,
                      "Yearly hazard of returning home just after arrival",
                      "OECD International Migration Outlook 2008: 20-50% of immigrants leave within five years"), 0.06, 0.24,
                     kAssumption + "half to twice the default; with the decay over return_decay_years this spans the 20-50% of immigrants who leave within five years (OECD International Migration Outlook 2008)")),
      bind(&Params::return_unemployed_multiplier,
           real_param("migration.return_unemployed_multiplier", "1", 3.0, 0.0, 20.0,
                      "Return hazard multiplier when unemployed", kAssumption + "Dustmann & Görlach (2016)")),
      bind(&Params::savings_target_months,
           real_param("migration.savings_target_months", "months of living cost", 24.0, 0.0, 600.0,
                      "Savings at which a target saver is ready to go home",
                      "target-saver model of return migration (Dustmann & Görlach 2016)")),
      bind(&Params::return_target_multiplier,
           real_param("migration.return_target_multiplier", "1", 3.0, 0.0, 20.0,
                      "Return hazard multiplier once the savings target is met (migrants arrived during the run)", kAssumption)),
      bind(&Params::return_decay_years,
           real_param(
               "migration.return_decay_years", "years", 4.0, 0.1, 100.0,
               "The return hazard of a newcomer decays as exp(-years since arrival / this)",
               "return rates fall steeply with the duration of stay (OECD International Migration Outlook 2008)")),
      bind(
          &Params::settled_return_factor,
          plausible(share_param("migration.settled_return_factor", 0.25,
                      "Return hazard of settled migrants (and of residents present at the start) relative to newcomers",
                      kAssumption + "a settled foreign-born population leaves at about 0.5-1% a year"), 0.1, 0.5,
                     kAssumption + "about half to twice the default")),
      bind(&Params::min_age_years,
           integer_param("migration.min_age_years", "years", 18, 10, 30,
                         "Age from which agents decide on their own (children stay with their families)", kAssumption)),
      bind(&Params::study_max_age_years,
           integer_param("migration.study_max_age_years", "years", 30, 18, 60, "Oldest age for a study visa", kAssumption)),
  };
  return table;
}

}  // namespace migration

ModelInfo behavioural_migration() {
  ModelInfo info;
  info.slot = "migration";
  info.slot_meaning = "Moves between the simulated cities";
  info.name = "behavioural";
  info.summary = "two-stage decisions (whether: age, unemployment, income gap, capability, networks; where: logit "
                 "on expected income, diaspora, distance, cost, ties, legal access), channels, transit, returns";
  info.phases = {Phase::decide};
  info.channels = migration::kChannelNames;
  info.requires_slots = {"labour", "housing", "legal_status", "budget", "networks", "free_movement"};
  info.flows = {FlowDecl{"returns_to_rest_of_world", false,
                         "Migrants born outside the simulated cities returning there during the step", true}};
  info.params = migration::bound_params().declarations();
  CollectionDecl corridors;
  corridors.name = "corridors";
  corridors.entry_noun = "corridor";
  corridors.meaning = "Rules for moves from one city to another (all channels open unless a corridor says otherwise)";
  const std::string scen = "scenario";
  ParamDecl from = reference_param("origin", "cities", false, "City moves start from", scen);
  ParamDecl to = reference_param("destination", "cities", false, "City moves go to", scen);
  corridors.fields = {from,
                      to,
                      bool_param("legal_open", true, "Whether legal channels (citizens included) are open", scen),
                      bool_param("irregular_open", true, "Whether the irregular route is open", scen),
                      real_param("work_visa_multiplier", "1", 1.0, 0.0, 100.0,
                                 "Multiplier of the destination's work-visa grant rate on this corridor", scen)};
  info.collections.push_back(std::move(corridors));
  const std::string data = "country data (scenarios/data/countries.toml)";
  ParamDecl languages = text_param("languages", std::nullopt, "Official and widely spoken languages", data);
  languages.type = ParamType::text_list;
  languages.default_value = std::vector<std::string>{};
  info.fields = {
      {"countries", languages},
      {"countries", reference_param("colonial_ties", "countries", true,
                                    "Countries with a former colonial relationship (either direction)", data, false)},
      {"cities", bool_param("transit_hub", false,
                            "Whether irregular routes from the city's continent (continents.*.irregular_routes_to) "
                            "pass through the city",
                            "city data (scenarios/data/cities.toml); the seeds name Agadez and Tunis")},
      {"continents", reference_param("irregular_routes_to", "continents", true,
                                     "Continents that irregular routes lead to from this one (through its transit hubs)",
                                     "continent data (scenarios/data/continents.toml)", false)},
  };
  info.series = {
      {"returns", "persons", "Return migrants leaving the city for their home during the step", true, SeriesKind::flow, true},
      {"skilled_emigrants", "persons", "High-skill residents leaving for another country during the step (brain drain)",
       true, SeriesKind::flow},
  };
  info.state.owns = {
      owns_column<std::uint16_t>(kTransitColumn, "code",
                                 "1 + city an irregular migrant waiting in a transit hub heads to; 0 none",
                                 {Phase::decide}),
      owns_column<std::uint16_t>(kNextDecisionColumn, "step",
                                 "step of the agent's next decision opportunity (+ 0x8000), or of its next band of "
                                 "ages; 0 not yet scheduled",
                                 {Phase::decide})};
  info.state.writes = {
      writes_column(kSavingsColumn, {Phase::decide},
                    "a move is paid from savings; a supported return adds the return incentive"),
      optional(writes_column(kPathwayApplicationColumn, {Phase::decide},
                             "a decision to take a legal pathway files an application")),
      optional(writes_column(kPathwayDestinationColumn, {Phase::decide}, "the city a pathway application is for")),
      optional(writes_column(kSupportedReturnColumn, {Phase::decide},
                             "marks a return with return support, for placement on arrival home"))};
  const auto decide = Phase::decide;
  info.state.reads = {
      reads_field(kSkillWageField, decide),
      reads_field(kWageField, decide),
      reads_field(kUnemploymentRateField, decide),
      reads_field(kRecognitionPenaltyField, decide),
      reads_field(kRentField, decide),
      // Set by the budget model while initialising, not written in a step.
      reads_field(kBenefitField, decide, ReadTiming::last_step),
      reads_field(kBenefitContributionField, decide, ReadTiming::last_step),
      reads_field(kLivingCostField, decide, ReadTiming::last_step),
      reads_field(kDiasporaField, decide),  // counted earlier in decide by the networks model
      reads_field(kSettledDiasporaField, decide),
      reads_field(kFreeMovementField, decide),
      reads_field("work_visa_grant_rate", decide),
      reads_field("study_visa_grant_rate", decide),
      reads_field("asylum_decision_months", decide),
      reads_field(kWorkPermitStepsField, decide),
      reads_column(kCitizenshipColumn, decide, ReadTiming::phase_start),
      // Recruited earlier in decide by the circular schemes.
      optional(reads_column(kSchemeColumn, decide), "no circular scheme participants: every agent decides")};
  // What legal pathways and return support set in the policy phase.
  reads_lever(info.state, legal_pathway_lever(), decide);
  reads_lever(info.state, return_programme_lever(), decide);
  reads_lever(info.state, return_incentive_lever(), decide);
  // The savings read and the writes of what a move leaves behind. The job,
  // tenure, return order, arrival and permit end are read here too but
  // declared as writes only: whole columns are declared, and the agents that
  // circular schemes (before migration) and legal pathways (after it)
  // relocate in decide are not the ones migration reads, so neither timing
  // of a read would be true.
  // Decisions see savings as the decide phase starts: the admission fees of
  // legal pathways are paid after them.
  declare_relocation(info.state, {Phase::decide}, ReadTiming::phase_start);
  reads_lever(info.state, international_move_lever(), Phase::decide);
  info.make = [](ModelSetup& setup) { return std::make_unique<migration::BehaviouralMigration>(setup); };
  return info;
}

}  // namespace mobsim::models
