// Legal status and its transitions. Permits expire and are renewed (more
// often for the employed), lead to permanent residence after a qualifying
// stay, or end: the holder overstays (becomes irregular) or must leave.
// Asylum claims are decided after a delay with the destination's
// recognition rate. Permanent residents naturalise. Visa grant rates and
// asylum rules define the legal access that migration decisions read (free
// movement: models/policies/policy_free_movement.cpp).
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "counting.hpp"
#include "declare.hpp"
#include "legal_status_kernel.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kInitDraw = purpose("legal.init");
constexpr Purpose kStatusDraw = purpose("legal.status");

struct Params {
  double work_permit_years, permanent_after_years, refugee_permanent_after_years;
  double renewal_probability_employed, renewal_probability_unemployed, overstay_probability;
  double rejected_asylum_return_probability, irregular_return_per_year;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::work_permit_years,
           real_param("legal.work_permit_years", "years", 2.0, 0.1, 20.0, "Validity of a work, family or study permit",
                      "assumption: first permits in the EU are typically valid 1-2 years (EU Blue Card: 1-4 years)")),
      bind(&Params::permanent_after_years,
           real_param("legal.permanent_after_years", "years", 5.0, 0.0, 30.0,
                      "Stay after which a renewed permit becomes permanent residence",
                      "EU Long-term Residents Directive 2003/109/EC: five years of legal residence")),
      bind(&Params::refugee_permanent_after_years,
           real_param("legal.refugee_permanent_after_years", "years", 5.0, 0.0, 30.0,
                      "Stay after which a refugee becomes a permanent resident",
                      "Directive 2003/109/EC as amended (2011)")),
      bind(&Params::renewal_probability_employed, share_param("legal.renewal_probability_employed", 0.9,
                                                              "Probability that an employed holder's permit is renewed",
                                                              "assumption: renewal is mostly tied to employment")),
      bind(&Params::renewal_probability_unemployed,
           share_param("legal.renewal_probability_unemployed", 0.3,
                       "Probability that an unemployed holder's permit is renewed", "assumption")),
      bind(
          &Params::overstay_probability,
          plausible(share_param("legal.overstay_probability", 0.4,
                      "Probability that a holder whose permit was not renewed stays on without papers",
                      "assumption: overstayers are a main source of irregular residence in Europe (Clandestino 2009)"), 0.2, 0.6,
                     kAssumption + "+-0.2 around the default; overstays are not counted directly (Clandestino project 2009)")),
      bind(&Params::rejected_asylum_return_probability,
           share_param("legal.rejected_asylum_return_probability", 0.3,
                       "Probability that a rejected asylum seeker leaves (otherwise stays without papers)",
                       "Eurostat migr_eiord/migr_eirtn: about a third of return orders are carried out")),
      bind(&Params::irregular_return_per_year,
           real_param("legal.irregular_return_per_year", "1/year", 0.05, 0.0, 5.0,
                      "Yearly hazard that an irregular resident leaves (voluntarily or removed)", "assumption")),
  };
  return table;
}

// The parameters in the units of a step.
struct StepRules {
  int work_permit_steps;
  int permanent_after_steps;
  int refugee_permanent_after_steps;
  double renewal_employed;
  double renewal_unemployed;
  double overstay;
  double rejected_return;
  double irregular_return_per_step;
};

// What the city data give the legal status model (scenarios/data/cities.toml).
struct CityData {
  double work_visa_grant_rate_low;
  double work_visa_grant_rate_medium;
  double work_visa_grant_rate_high;
  double study_visa_grant_rate;
  double asylum_recognition_rate;
  std::int64_t asylum_decision_months;
  double irregular_share_of_foreign_born;
  double asylum_seeker_share_of_foreign_born;
  double work_permit_share_of_foreign_born;
  double refugee_share_of_foreign_born;
};

const ParamBindings<CityData>& city_data() {
  static const ParamBindings<CityData> table{
      bind(&CityData::work_visa_grant_rate_low,
           share_param("work_visa_grant_rate_low", std::nullopt,
                       "Probability that a low-skill applicant without free movement gets a work visa", kCityData)),
      bind(&CityData::work_visa_grant_rate_medium,
           share_param("work_visa_grant_rate_medium", std::nullopt, "Same, medium skill", kCityData)),
      bind(&CityData::work_visa_grant_rate_high,
           share_param("work_visa_grant_rate_high", std::nullopt, "Same, high skill", kCityData)),
      bind(&CityData::study_visa_grant_rate,
           share_param("study_visa_grant_rate", std::nullopt, "Probability that a study visa is granted", kCityData)),
      bind(&CityData::asylum_recognition_rate,
           share_param("asylum_recognition_rate", std::nullopt,
                       "First-instance recognition rate of asylum claims (refugee and subsidiary protection)",
                       kCityData)),
      bind(&CityData::asylum_decision_months,
           required(integer_param("asylum_decision_months", "months", 12, 1, 120,
                                  "Typical months until a first-instance asylum decision", kCityData))),
      bind(&CityData::irregular_share_of_foreign_born,
           share_param("irregular_share_of_foreign_born", 0.08,
                       "Share of foreign-born residents without papers at the start",
                       "assumption: Clandestino (2009) and Pew (2019) put irregular migrants at 0.4-1.2% of the "
                       "EU population, i.e. roughly 5-10% of foreign-born residents; Zürich estimates about "
                       "10,000 (seed 002)")),
      bind(&CityData::asylum_seeker_share_of_foreign_born,
           share_param("asylum_seeker_share_of_foreign_born", std::nullopt,
                       "Share of foreign-born residents with a pending asylum claim at the start", kCityData)),
      bind(&CityData::work_permit_share_of_foreign_born,
           share_param("work_permit_share_of_foreign_born", 0.15,
                       "Share of foreign-born residents holding a temporary work permit at the start",
                       "assumption: Eurostat migr_resvalid, first and temporary permits are a minority of valid "
                       "permits")),
      bind(&CityData::refugee_share_of_foreign_born,
           share_param("refugee_share_of_foreign_born", std::nullopt,
                       "Share of foreign-born residents with refugee status, subsidiary or temporary protection at "
                       "the start",
                       kCityData)),
  };
  return table;
}

// What the country data give the legal status model (scenarios/data/countries.toml).
struct CountryData {
  double naturalisation_rate_per_year;
};

const ParamBindings<CountryData>& country_data() {
  static const ParamBindings<CountryData> table{
      bind(&CountryData::naturalisation_rate_per_year,
           real_param("naturalisation_rate_per_year", "1/year", std::nullopt, 0.0, 1.0,
                      "Acquisitions of citizenship per resident non-national per year; the yearly hazard that a "
                      "permanent resident naturalises",
                      kCountryData)),
  };
  return table;
}

struct CityRules {
  std::array<double, kSkillLevels> work_visa{};
  double study_visa = 0;
  double asylum_recognition = 0;
  double asylum_decision_months = 12;
  double irregular_share = 0;  // of foreign-born residents at the start
  double asylum_share = 0;
  double work_permit_share = 0;
  double refugee_share = 0;
  double naturalisation_per_step = 0;
};

int steps_for_months(double months, int step_months) {
  return std::max(1, static_cast<int>(std::ceil(months / step_months)));
}

class LegalStatusModel : public Model {
 public:
  explicit LegalStatusModel(ModelSetup& setup) : geography_(setup.geography) {
    const auto& spec = setup.spec;
    const int sm = setup.clock.step_months;
    const double dt = setup.clock.years_per_step();
    const Params params = bound_params().read(spec);
    p_.work_permit_steps = steps_for_months(12.0 * params.work_permit_years, sm);
    p_.permanent_after_steps = steps_for_months(12.0 * params.permanent_after_years, sm);
    p_.refugee_permanent_after_steps = steps_for_months(12.0 * params.refugee_permanent_after_years, sm);
    p_.renewal_employed = params.renewal_probability_employed;
    p_.renewal_unemployed = params.renewal_probability_unemployed;
    p_.overstay = params.overstay_probability;
    p_.rejected_return = params.rejected_asylum_return_probability;
    p_.irregular_return_per_step = 1.0 - std::exp(-params.irregular_return_per_year * dt);
    for (const auto& city : setup.geography.cities()) {
      const auto& e = *spec.find_entry("cities", city.name);
      const CityData data = city_data().read(e);
      CityRules r;
      r.work_visa = {data.work_visa_grant_rate_low, data.work_visa_grant_rate_medium,
                     data.work_visa_grant_rate_high};
      r.study_visa = data.study_visa_grant_rate;
      r.asylum_recognition = data.asylum_recognition_rate;
      r.asylum_decision_months = static_cast<double>(data.asylum_decision_months);
      r.irregular_share = data.irregular_share_of_foreign_born;
      r.asylum_share = data.asylum_seeker_share_of_foreign_born;
      r.work_permit_share = data.work_permit_share_of_foreign_born;
      r.refugee_share = data.refugee_share_of_foreign_born;
      const CountryData country = country_data().read(*spec.find_entry("countries", city.country));
      r.naturalisation_per_step = 1.0 - std::exp(-country.naturalisation_rate_per_year * dt);
      rules_.push_back(r);
    }
    citizenship_ = setup.schema.add<std::uint8_t>(kCitizenshipColumn, "0 of the birth country; k+1 naturalised in country k");
    permit_end_ = setup.schema.add<std::uint16_t>(kPermitEndColumn, "step a permit ends or an asylum decision is due; 0 none");
    arrival_ = setup.schema.add<std::uint16_t>(kArrivalColumn, "step of arrival in the current city");
    return_due_ = setup.schema.add<std::uint8_t>(kReturnDueColumn, "1 when the agent must leave");
    visa_field_ = setup.fields.add("work_visa_grant_rate", kSkillLevels, "probability a work visa is granted, by skill");
    study_field_ = setup.fields.add("study_visa_grant_rate", 1, "probability a study visa is granted");
    asylum_field_ = setup.fields.add("asylum_recognition_rate", 1, "share of asylum claims recognised");
    decision_field_ = setup.fields.add("asylum_decision_months", 1, "months until an asylum decision");
    permit_steps_field_ = setup.fields.add(kWorkPermitStepsField, 1, "length of a work, family or study permit (steps)");
  }

  void initialise(World& world) override {
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      publish(world, c);
      world.fields().at(permit_steps_field_, c)[0] = p_.work_permit_steps;
    }
    // Naturalised foreign-born residents hold their city's citizenship. The
    // city data give the other statuses as shares of all foreign-born
    // residents, so among those without citizenship they are drawn with
    // probabilities share * foreign-born / non-citizen foreign-born.
    const auto chunks = make_chunks(world);
    std::vector<std::array<std::int64_t, 2>> tally(chunks.size(), std::array<std::int64_t, 2>{});
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const auto origin = world.agents(ch.city).col(core::origin);
      const auto legal = world.agents(ch.city).col(core::legal_status);
      for (std::uint32_t row = ch.begin; row < ch.end; ++row) {
        if (!geography_.foreign_born(origin[row], ch.city)) continue;
        tally[k][0] += 1;
        tally[k][1] += legal[row] != code(LegalStatus::citizen);
      }
    });
    std::vector<std::array<std::int64_t, 2>> per_city(world.city_count(), std::array<std::int64_t, 2>{});
    for (std::size_t k = 0; k < chunks.size(); ++k)
      for (int i = 0; i < 2; ++i) per_city[chunks[k].city][static_cast<std::size_t>(i)] += tally[k][static_cast<std::size_t>(i)];
    std::vector<std::array<double, 4>> thresholds(world.city_count());  // cumulative: irregular, asylum, refugee, work
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const CityRules& r = rules_[c];
      const double scale = per_city[c][1] > 0 ? static_cast<double>(per_city[c][0]) / static_cast<double>(per_city[c][1]) : 0.0;
      double cum = 0;
      const std::array<double, 4> shares{r.irregular_share, r.asylum_share, r.refugee_share, r.work_permit_share};
      for (std::size_t i = 0; i < 4; ++i) thresholds[c][i] = cum += shares[i] * scale;
    }
    parallel_for_chunks(chunks, [&](std::size_t, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      const auto origin = a.col(core::origin);
      auto legal = a.col(core::legal_status);
      auto citizenship = a.col(citizenship_);
      auto permit_end = a.col(permit_end_);
      const CityRules& r = rules_[ch.city];
      const auto& t = thresholds[ch.city];
      const auto country = geography_.city(ch.city).country_index;
      for (std::uint32_t row = ch.begin; row < ch.end; ++row) {
        if (!geography_.foreign_born(origin[row], ch.city)) continue;
        if (legal[row] == code(LegalStatus::citizen)) {
          citizenship[row] = static_cast<std::uint8_t>(country + 1);
          continue;
        }
        const Draw d = world.rng().agent(id[row], 0, kInitDraw);
        const double u = d.unit(0);
        if (u < t[0]) {
          legal[row] = code(LegalStatus::irregular);
        } else if (u < t[1]) {
          legal[row] = code(LegalStatus::asylum_seeker);
          permit_end[row] = static_cast<std::uint16_t>(
              1 + d.unit(1) * steps_for_months(r.asylum_decision_months, world.clock().step_months));
        } else if (u < t[2]) {
          legal[row] = code(LegalStatus::refugee);
        } else if (u < t[3]) {
          legal[row] = code(LegalStatus::work_permit);
          permit_end[row] = static_cast<std::uint16_t>(1 + d.unit(1) * p_.work_permit_steps);
        }
      }
    });
  }

  void run(Phase, World& world) override {
    const std::uint32_t step = world.step();
    for (std::size_t c = 0; c < world.city_count(); ++c) publish(world, c);
    parallel_for_chunks(make_chunks(world), [&](std::size_t, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      const auto employment = a.col(core::employment);
      auto legal = a.col(core::legal_status);
      auto citizenship = a.col(citizenship_);
      auto permit_end = a.col(permit_end_);
      const auto arrival = a.col(arrival_);
      auto return_due = a.col(return_due_);
      const CityRules& r = rules_[ch.city];
      // Non-citizens not already due to leave (models/legal/legal_status_kernel.cpp),
      // then their draws at once.
      thread_local RowSelection selected;
      selected.list(ch, [&](std::uint32_t* rows, std::uint64_t* ids) {
        return list_non_citizens(id.data(), legal.data(), return_due.data(), ch.begin, ch.end, rows, ids);
      });
      thread_local DrawBatch draws;
      world.rng().agents(selected.ids(), step, kStatusDraw, draws);
      for (std::size_t i = 0; i < selected.size(); ++i) {
        const std::uint32_t row = selected.rows()[i];
        const auto status = static_cast<LegalStatus>(legal[row]);
        const struct {
          const DrawBatch& batch;
          std::size_t i;
          double unit(int w) const { return batch.unit(w, i); }
        } d{draws, i};
        const bool due = permit_end[row] > 0 && permit_end[row] <= step;
        const std::uint32_t stay = step - std::min<std::uint32_t>(step, arrival[row]);
        switch (status) {
          case LegalStatus::work_permit:
          case LegalStatus::temporary_permit:
          case LegalStatus::student: {
            if (!due) break;
            const bool employed = employment[row] == code(Employment::employed);
            if (d.unit(0) < (employed ? p_.renewal_employed : p_.renewal_unemployed)) {
              if (stay >= static_cast<std::uint32_t>(p_.permanent_after_steps)) {
                legal[row] = code(LegalStatus::permanent_resident);
                permit_end[row] = 0;
              } else {
                if (status == LegalStatus::student && employed) legal[row] = code(LegalStatus::work_permit);
                permit_end[row] = static_cast<std::uint16_t>(step + p_.work_permit_steps);
              }
            } else if (d.unit(1) < p_.overstay) {
              legal[row] = code(LegalStatus::irregular);
              permit_end[row] = 0;
            } else {
              return_due[row] = 1;
              permit_end[row] = 0;
            }
            break;
          }
          case LegalStatus::asylum_seeker:
            if (!due) break;
            permit_end[row] = 0;
            if (d.unit(0) < r.asylum_recognition) {
              legal[row] = code(LegalStatus::refugee);
            } else {
              legal[row] = code(LegalStatus::irregular);
              if (d.unit(1) < p_.rejected_return) return_due[row] = 1;
            }
            break;
          case LegalStatus::refugee:
            if (stay >= static_cast<std::uint32_t>(p_.refugee_permanent_after_steps))
              legal[row] = code(LegalStatus::permanent_resident);
            break;
          case LegalStatus::permanent_resident:
          case LegalStatus::free_mover:
            if (status == LegalStatus::permanent_resident && d.unit(2) < r.naturalisation_per_step) {
              legal[row] = code(LegalStatus::citizen);
              citizenship[row] = static_cast<std::uint8_t>(geography_.city(ch.city).country_index + 1);
            }
            break;
          case LegalStatus::irregular:
            if (d.unit(3) < p_.irregular_return_per_step) return_due[row] = 1;
            break;
          case LegalStatus::citizen: break;
        }
      }
    });
  }

  // irregular_residents, asylum_seekers, refugees
  void observe(const World& world, SeriesOut& out) const override {
    const std::array<std::vector<double>*, 3> by_status{&out["irregular_residents"], &out["asylum_seekers"],
                                                        &out["refugees"]};
    const auto chunks = make_chunks(world);
    std::vector<std::array<double, 3>> per_chunk(chunks.size(), std::array<double, 3>{});
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const auto legal = world.agents(ch.city).col(core::legal_status);
      std::array<std::int64_t, 9> status{};
      count_codes(legal.data(), ch.begin, ch.end, status.size(), status.data());
      per_chunk[k] = {static_cast<double>(status[code(LegalStatus::irregular)]),
                      static_cast<double>(status[code(LegalStatus::asylum_seeker)]),
                      static_cast<double>(status[code(LegalStatus::refugee)])};
    });
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t k = 0; k < chunks.size(); ++k)
      for (std::size_t i = 0; i < 3; ++i) (*by_status[i])[chunks[k].city] += per_chunk[k][i] * scale;
  }

  // Nothing changes after initialise: step rules and per-city rules only
  // (publish rewrites the fields from them; the agents' statuses are columns).
  void checkpoint(StateArchive&) override {}

 private:
  void publish(World& world, std::size_t c) {
    auto visa = world.fields().at(visa_field_, c);
    std::copy(rules_[c].work_visa.begin(), rules_[c].work_visa.end(), visa.begin());
    world.fields().at(study_field_, c)[0] = rules_[c].study_visa;
    world.fields().at(asylum_field_, c)[0] = rules_[c].asylum_recognition;
    world.fields().at(decision_field_, c)[0] = rules_[c].asylum_decision_months;
  }

  const Geography& geography_;
  StepRules p_{};
  std::vector<CityRules> rules_;
  Column<std::uint8_t> citizenship_{}, return_due_{};
  Column<std::uint16_t> permit_end_{}, arrival_{};
  CityField visa_field_, study_field_, asylum_field_, decision_field_, permit_steps_field_;
};

}  // namespace

ModelInfo legal_status_model() {
  ModelInfo info;
  info.slot = "legal_status";
  info.slot_meaning = "Permits, asylum decisions, naturalisation and legal access";
  info.name = "permits";
  info.summary = "permits with expiry, renewal, overstay and permanence; asylum decisions; naturalisation; "
                 "visa grant rates for migration decisions";
  info.is_default = true;
  info.phases = {Phase::status};
  info.params = bound_params().declarations();
  info.fields = with_collection("cities", city_data().declarations());
  for (auto& field : with_collection("countries", country_data().declarations())) info.fields.push_back(std::move(field));
  info.series = {
      {"irregular_residents", "persons", "Residents without legal status", true, SeriesKind::stock, true},
      {"asylum_seekers", "persons", "Residents with a pending asylum claim", true, SeriesKind::stock},
      {"refugees", "persons", "Residents with refugee or subsidiary protection", true, SeriesKind::stock},
  };
  info.checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    for (const auto& c : spec.entries("cities")) {
      // The statuses are drawn among foreign-born residents without the
      // country's citizenship, who are this share of the foreign-born.
      const auto* country = spec.find_entry("countries", c.text("country"));
      const double non_citizens =
          country != nullptr && country->fields.count("foreign_born_citizen_share") > 0 ? 1.0 - country->real("foreign_born_citizen_share") : 1.0;
      if (c.real("irregular_share_of_foreign_born") + c.real("asylum_seeker_share_of_foreign_born") +
              c.real("refugee_share_of_foreign_born") + c.real("work_permit_share_of_foreign_born") >
          non_citizens + 1e-12)
        diags.push_back(Diagnostic{c.field("work_permit_share_of_foreign_born").where,
                                   "cities." + c.name + ".work_permit_share_of_foreign_born",
                                   "irregular + asylum seeker + refugee + work permit shares exceed the share of "
                                   "foreign-born residents without citizenship (1 - countries." +
                                       c.text("country") + ".foreign_born_citizen_share = " +
                                       to_toml_text(Value{non_citizens}) + ")",
                                   ""});
    }
  });
  const std::vector<Phase> status_phase{Phase::status};
  info.state.owns = {
      owns_column<std::uint8_t>(kCitizenshipColumn, "code", "0 of the birth country; k+1 naturalised in country k",
                                status_phase),
      owns_column<std::uint16_t>(kPermitEndColumn, "step", "step a permit ends or an asylum decision is due; 0 none",
                                 status_phase),
      // Created here, written only by the models that bring people in or move them.
      owns_column<std::uint16_t>(kArrivalColumn, "step",
                                 "step of arrival in the current city; 0 present since the start, born here or "
                                 "arrived from the hinterland",
                                 {}),
      owns_column<std::uint8_t>(kReturnDueColumn, "1", "1 when the agent must leave", status_phase),
      owns_field(kWorkPermitStepsField, "1", "steps",
                 "length of a work, family or study permit (legal.work_permit_years in whole steps)", {}),
      owns_field("work_visa_grant_rate", "3 skill levels", "1", "probability a work visa is granted, by skill",
                 status_phase),
      owns_field("study_visa_grant_rate", "1", "1", "probability a study visa is granted", status_phase),
      owns_field("asylum_recognition_rate", "1", "1", "share of asylum claims recognised", status_phase),
      owns_field("asylum_decision_months", "1", "months", "months until an asylum decision", status_phase),
  };
  info.make = [](ModelSetup& setup) { return std::make_unique<LegalStatusModel>(setup); };
  return info;
}

}  // namespace mobsim::models
