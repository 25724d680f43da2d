// Initial population: each city's agents reproduce its population and
// foreign-born share exactly (up to the agent scale), with ages from the
// city's age profile and labour-market and skill states from city shares.
#include <algorithm>
#include <array>
#include <cmath>

#include "declare.hpp"
#include "engine_params.hpp"
#include "register_models.hpp"

namespace mobsim::models {

namespace {

constexpr std::size_t kAgeGroups = 17;        // 0-4, 5-9, ..., 75-79, 80+
constexpr int kOpenGroupWidthMonths = 15 * 12;  // 80+ is spread over 80-94
constexpr Purpose kInitDraw = purpose("population.init");
constexpr Purpose kInitDraw2 = purpose("population.init.2");

// A reference to an entry of [age_profiles], declared as text so that the
// docs say "text" like the city data file.
ParamDecl age_profile_field() {
  ParamDecl decl = text_param("age_profile", std::nullopt, "Age profile of the residents (a name of [age_profiles])",
                              kCityData);
  decl.type = ParamType::reference;
  decl.collection = "age_profiles";
  return decl;
}

// What the city data give the initial population (scenarios/data/cities.toml).
struct CityData {
  std::string age_profile;
  double migrant_share;
  std::string migrant_share_measure;
  double employment_rate_15_64;
  double unemployment_rate;
  double youth_unemployment_rate;
  double high_skill_share;
  double medium_skill_share;
};

const ParamBindings<CityData>& city_data() {
  static const ParamBindings<CityData> table{
      bind(&CityData::age_profile, age_profile_field()),
      bind(&CityData::migrant_share,
           share_param("migrant_share", std::nullopt,
                       "Share of residents who are migrants, as migrant_share_measure defines them", kCityData)),
      bind(&CityData::migrant_share_measure,
           required(choice_param("migrant_share_measure", {"foreign_born", "foreign_national"}, "",
                        "What migrant_share counts: residents born abroad, or residents without the country's "
                        "nationality (converted to foreign-born with the country's nationality shares)",
                        kCityData))),
      bind(&CityData::employment_rate_15_64,
           share_param("employment_rate_15_64", 0.6, "Employed share of residents aged 15-64 at the start",
                       "assumption: ILOSTAT modelled estimates put employment-to-population ratios of the "
                       "cities' countries between about 0.45 and 0.8")),
      bind(&CityData::unemployment_rate,
           share_param("unemployment_rate", 0.08,
                       "Unemployed share of the labour force (employed + unemployed) at the start",
                       "assumption: ILOSTAT modelled estimates for the cities' countries range from about 3% "
                       "to 30% (South Africa); 8% is a middle value")),
      bind(&CityData::youth_unemployment_rate,
           share_param("youth_unemployment_rate", std::nullopt,
                       "Unemployed share of the labour force aged 15-24 at the start", kCityData)),
      bind(&CityData::high_skill_share,
           share_param("high_skill_share", 0.2, "Share of residents with tertiary education (high skill)",
                       "assumption: UNESCO UIS / Eurostat tertiary attainment of adults ranges from under 5% "
                       "to over 40% across the cities' countries")),
      bind(&CityData::medium_skill_share,
           share_param("medium_skill_share", 0.4, "Share of residents with upper-secondary education (medium skill)",
                       "assumption: as high_skill_share; the rest are low skill")),
  };
  return table;
}

// What the country data give the initial population (scenarios/data/countries.toml).
struct CountryData {
  double foreign_born_citizen_share;
  double foreign_national_born_in_country_share;
};

const ParamBindings<CountryData>& country_data() {
  static const ParamBindings<CountryData> table{
      bind(&CountryData::foreign_born_citizen_share,
           share_param("foreign_born_citizen_share", std::nullopt,
                       "Share of foreign-born residents who hold the country's nationality", kCountryData)),
      bind(&CountryData::foreign_national_born_in_country_share,
           share_param("foreign_national_born_in_country_share", std::nullopt,
                       "Share of the country's foreign nationals who were born in the country (used to convert a "
                       "foreign-national share into a foreign-born share)",
                       kCountryData)),
  };
  return table;
}

// Foreign-born share of a city's residents from its migrant figure: a
// foreign-national share counts foreign-born non-nationals plus foreign
// nationals born in the country; foreign-born residents are non-nationals
// and naturalised in the country's proportions.
double foreign_born_share(const CityData& city, const CountryData& country) {
  if (city.migrant_share_measure == "foreign_born") return city.migrant_share;
  return city.migrant_share * (1.0 - country.foreign_national_born_in_country_share) /
         (1.0 - country.foreign_born_citizen_share);
}

struct CityShares {
  std::array<double, kAgeGroups> cumulative_age{};       // all residents
  std::array<double, kAgeGroups> cumulative_age_15p{};   // residents 15 and older (foreign-born)
  std::int64_t agents = 0;
  std::int64_t foreign_born_agents = 0;
  double participation = 0;                  // labour force / residents aged 15-64
  double youth_unemployment_rate = 0;        // aged 15-24
  double adult_unemployment_rate = 0;        // aged 25-64, so that the whole rate is the city's
  double high_skill = 0;
  double medium_skill = 0;
  double citizen_share_of_foreign_born = 0;
};

std::array<double, kAgeGroups> cumulative(const std::vector<double>& shares, std::size_t first_group) {
  std::array<double, kAgeGroups> cum{};
  double total = 0;
  for (std::size_t g = first_group; g < kAgeGroups; ++g) total += shares[g];
  double running = 0;
  for (std::size_t g = 0; g < kAgeGroups; ++g) {
    if (g >= first_group) running += shares[g] / total;
    cum[g] = running;
  }
  cum[kAgeGroups - 1] = 1.0;
  return cum;
}

// The unemployment rate of residents aged 25-64 that, with the youth rate
// for 15-24, gives the city's rate for 15-64 under the age profile (labour
// force participation being the same at every working age).
double adult_unemployment_rate(const CityData& data, const std::vector<double>& profile) {
  double youth = 0, adult = 0;
  for (std::size_t g = 3; g < 5; ++g) youth += profile[g];   // 15-24
  for (std::size_t g = 5; g < 13; ++g) adult += profile[g];  // 25-64
  if (adult <= 0) return data.unemployment_rate;
  return (data.unemployment_rate * (youth + adult) - data.youth_unemployment_rate * youth) / adult;
}

std::uint16_t draw_age_months(const std::array<double, kAgeGroups>& cum, double u_group, double u_within) {
  std::size_t g = 0;
  while (g + 1 < kAgeGroups && u_group > cum[g]) ++g;
  const int width = g + 1 == kAgeGroups ? kOpenGroupWidthMonths : 60;
  return static_cast<std::uint16_t>(static_cast<int>(g) * 60 + static_cast<int>(u_within * width));
}

struct Params {
  double male_share, foreign_born_from_simulated_share, diaspora_distance_elasticity;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::male_share,
           share_param("population.male_share", 0.5, "Share of men among the initial residents",
                       "assumption: sex ratios of urban populations are close to 1 (UN WPP 2022)")),
      bind(
          &Params::foreign_born_from_simulated_share,
          share_param("population.foreign_born_from_simulated_share", 0.2,
                      "Share of foreign-born residents born in another simulated city (the rest come from elsewhere)",
                      "assumption: the Dialogue cities are among the largest of their countries, and neighbouring and "
                      "partner countries supply a sizeable part of each city's migrants (UN DESA International Migrant "
                      "Stock 2020, bilateral tables)")),
      bind(&Params::diaspora_distance_elasticity,
           real_param("population.diaspora_distance_elasticity", "1", 1.0, 0.0, 5.0,
                      "Foreign-born residents from simulated cities come from city j with weight P_j / d^e",
                      "assumption: gravity regularity of migrant stocks (Poot et al. 2016)")),
  };
  return table;
}

class CensusPopulation : public Model {
 public:
  explicit CensusPopulation(ModelSetup& setup) {
    const auto& spec = setup.spec;
    const Params p = bound_params().read(spec);
    male_share_ = p.male_share;
    from_simulated_share_ = p.foreign_born_from_simulated_share;
    // Foreign-born residents born in another simulated city come from cities
    // of other countries with gravity weights P_j / d_ij^e.
    const auto& geo = setup.geography;
    const double elasticity = p.diaspora_distance_elasticity;
    diaspora_origins_.resize(geo.city_count());
    for (std::size_t c = 0; c < geo.city_count(); ++c) {
      double total = 0;
      std::vector<std::pair<double, std::uint16_t>> cum;
      for (std::size_t j = 0; j < geo.city_count(); ++j) {
        if (geo.city(j).country_index == geo.city(c).country_index) continue;
        total += static_cast<double>(geo.city(j).population) * std::pow(geo.distance_km(c, j), -elasticity);
        cum.emplace_back(total, geo.city_place(j));
      }
      for (auto& entry : cum) entry.first /= total;
      diaspora_origins_[c] = std::move(cum);
    }
    const auto ppa = spec.integer("run.people_per_agent");
    for (const auto& city : setup.geography.cities()) {
      const CollectionEntry& entry = *spec.find_entry("cities", city.name);
      const CityData data = city_data().read(entry);
      const auto& profile = spec.find_entry("age_profiles", data.age_profile)->reals("shares_by_5y_group");
      CityShares s;
      s.cumulative_age = cumulative(profile, 0);
      s.cumulative_age_15p = cumulative(profile, 3);
      s.agents = agents_for(city.population, ppa);
      const CountryData country = country_data().read(*spec.find_entry("countries", city.country));
      s.foreign_born_agents =
          std::min(s.agents, static_cast<std::int64_t>(std::llround(foreign_born_share(data, country) *
                                                                    static_cast<double>(s.agents))));
      s.citizen_share_of_foreign_born = country.foreign_born_citizen_share;
      s.participation = data.employment_rate_15_64 / (1.0 - data.unemployment_rate);
      s.youth_unemployment_rate = data.youth_unemployment_rate;
      s.adult_unemployment_rate = adult_unemployment_rate(data, profile);
      s.high_skill = data.high_skill_share;
      s.medium_skill = data.medium_skill_share;
      cities_.push_back(s);
    }
  }

  void initialise(World& world) override {
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      // Room for the growth of a decade, so that the columns are rarely moved:
      // reserved pages that are never written take no resident memory.
      world.agents(c).reserve(static_cast<std::size_t>(cities_[c].agents) * 2);
      world.create_initial_agents(c, static_cast<std::size_t>(cities_[c].agents));
    }
    const Geography& geo = world.geography();
    parallel_for_chunks(make_chunks(world), [&](std::size_t, const Chunk& ch) {
      const CityShares& s = cities_[ch.city];
      const CoreColumns a = core_columns(world.agents(ch.city));
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
        const Draw d = world.rng().agent(a.id[r], 0, kInitDraw);
        const Draw e = world.rng().agent(a.id[r], 0, kInitDraw2);
        // The first rows are the foreign-born: an exact count, whatever the draws.
        const bool foreign = r < static_cast<std::uint32_t>(s.foreign_born_agents);
        a.origin[r] = foreign ? foreign_origin(geo, ch.city, e.unit(2), e.unit(3)) : geo.city_place(ch.city);
        a.age_months[r] = draw_age_months(foreign ? s.cumulative_age_15p : s.cumulative_age, d.unit(0), d.unit(1));
        a.sex[r] = code(d.unit(2) < male_share_ ? Sex::male : Sex::female);
        const double u_skill = d.unit(3);
        a.skill[r] = code(u_skill < s.high_skill                    ? Skill::high
                          : u_skill < s.high_skill + s.medium_skill ? Skill::medium
                                                                    : Skill::low);
        // Residents aged 15-64 take part in the labour force with one
        // probability; the unemployed among them at the rate of their age.
        const bool working_age = a.age_months[r] >= 15 * 12 && a.age_months[r] < 65 * 12;
        const double u_rate = a.age_months[r] < 25 * 12 ? s.youth_unemployment_rate : s.adult_unemployment_rate;
        const double u_work = e.unit(0);
        a.employment[r] = code(!working_age || u_work >= s.participation ? Employment::inactive
                               : u_work < s.participation * (1.0 - u_rate) ? Employment::employed
                                                                          : Employment::unemployed);
        a.legal_status[r] = code(!foreign || e.unit(1) < s.citizen_share_of_foreign_born ? LegalStatus::citizen
                                                                            : LegalStatus::permanent_resident);
      }
    });
  }

  // Nothing changes after initialise: it only builds the initial agents.
  void checkpoint(StateArchive&) override {}

 private:
  std::uint16_t foreign_origin(const Geography& geo, std::size_t city, double u_simulated, double u_which) const {
    const auto& cum = diaspora_origins_[city];
    if (cum.empty() || u_simulated >= from_simulated_share_) return geo.rest_of_world_place();
    for (const auto& [p, place] : cum)
      if (u_which <= p) return place;
    return cum.back().second;
  }

  std::vector<CityShares> cities_;
  std::vector<std::vector<std::pair<double, std::uint16_t>>> diaspora_origins_;  // cumulative weights
  double from_simulated_share_ = 0;
  double male_share_ = 0.5;
};

}  // namespace

ModelInfo census_population() {
  ModelInfo info;
  info.slot = "population";
  info.slot_meaning = "How the initial agents are built from the city data";
  info.slot_may_be_none = false;
  info.name = "census";
  info.summary = "agents reproduce each city's population and foreign-born share exactly; ages from the city's "
                 "age profile, skills and employment from city shares";
  info.is_default = true;
  info.params = bound_params().declarations();
  CollectionDecl profiles;
  profiles.name = "age_profiles";
  profiles.entry_noun = "age profile";
  profiles.meaning = "Age distribution of residents in 5-year groups, referenced by cities (scenarios/data/age_profiles.toml)";
  ParamDecl shares = real_param("shares_by_5y_group", "1", std::nullopt, 0.0, 1.0,
                                "Shares of residents aged 0-4, 5-9, ..., 75-79, 80+ (17 values summing to 1)",
                                "age profile data (scenarios/data/age_profiles.toml)");
  shares.type = ParamType::real_list;
  shares.list_length = kAgeGroups;
  profiles.fields.push_back(std::move(shares));
  profiles.fields.push_back(text_param("source", std::string(""), "Where the shares come from", "age profile data"));
  info.collections.push_back(std::move(profiles));

  info.fields = with_collection("cities", city_data().declarations());
  for (auto& field : with_collection("countries", country_data().declarations())) info.fields.push_back(std::move(field));
  info.checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    for (const auto& p : spec.entries("age_profiles")) {
      double total = 0;
      for (double s : p.reals("shares_by_5y_group")) total += s;
      if (std::abs(total - 1.0) > 1e-3)
        diags.push_back(Diagnostic{p.field("shares_by_5y_group").where, "age_profiles." + p.name + ".shares_by_5y_group",
                                   "shares sum to " + to_toml_text(Value{total}) + ", not 1", ""});
    }
    for (const auto& c : spec.entries("cities")) {
      const auto* country = spec.find_entry("countries", c.text("country"));
      if (country != nullptr && foreign_born_share(city_data().read(c), country_data().read(*country)) > 1.0 + 1e-12)
        diags.push_back(Diagnostic{c.field("migrant_share").where, "cities." + c.name + ".migrant_share",
                                   "the foreign-national share converts to a foreign-born share above 1 with the "
                                   "country's foreign_born_citizen_share and foreign_national_born_in_country_share",
                                   ""});
      const auto* profile = spec.find_entry("age_profiles", c.text("age_profile"));
      if (profile != nullptr && adult_unemployment_rate(city_data().read(c), profile->reals("shares_by_5y_group")) < 0)
        diags.push_back(Diagnostic{c.field("youth_unemployment_rate").where,
                                   "cities." + c.name + ".youth_unemployment_rate",
                                   "is too high for the city's unemployment_rate: residents aged 25-64 would need a "
                                   "negative unemployment rate",
                                   ""});
      if (c.real("high_skill_share") + c.real("medium_skill_share") > 1.0 + 1e-12)
        diags.push_back(Diagnostic{c.field("medium_skill_share").where, "cities." + c.name + ".medium_skill_share",
                                   "high_skill_share + medium_skill_share exceeds 1", ""});
      if (c.real("unemployment_rate") >= 1.0 ||
          c.real("employment_rate_15_64") / (1.0 - c.real("unemployment_rate")) > 1.0 + 1e-12)
        diags.push_back(Diagnostic{c.field("unemployment_rate").where, "cities." + c.name + ".unemployment_rate",
                                   "employment_rate_15_64 and unemployment_rate imply a labour force above 100% of "
                                   "residents aged 15-64",
                                   ""});
    }
  });
  info.make = [](ModelSetup& setup) { return std::make_unique<CensusPopulation>(setup); };
  return info;
}

}  // namespace mobsim::models
