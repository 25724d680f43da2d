// Job programmes: a city creates jobs in a sector each year for a target
// group, e.g. Freetown's waste-collection jobs for youth (800 jobs with the
// EU and IOM, seed 002) or Kanifing's "cleaning and greening" jobs. Each
// step the programme's new posts go to unemployed (and, if stated, inactive)
// members of the target group, chosen by a keyed random order; posts nobody
// in the group can take stay open for later. Filled posts become ordinary
// jobs of the sector: the labour market adds them to its jobs.
#include <cmath>

#include "declare.hpp"
#include "policy.hpp"
#include "register_models.hpp"
#include "selection.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kSelectDraw = purpose("job_programme.select");

// A programme's terms as its [job_programmes.NAME] block states them.
struct ProgrammeTerms {
  std::string city;
  std::string sector;
  double jobs_per_year;
  bool include_inactive;
};

const ParamBindings<ProgrammeTerms>& programme_terms() {
  static const ParamBindings<ProgrammeTerms> table{
      bind(&ProgrammeTerms::city, reference_param("city", "cities", false, "City of the programme", kFromScenario)),
      bind(&ProgrammeTerms::sector, reference_param("sector", "sectors", false, "Sector of the jobs", kFromScenario)),
      bind(&ProgrammeTerms::jobs_per_year, real_param("jobs_per_year", "persons per year", std::nullopt, 0.0, 1.0e7,
                                                      "Jobs the programme creates each year", kFromScenario)),
      bind(&ProgrammeTerms::include_inactive,
           bool_param("include_inactive", true,
                      "Whether members of the group outside the labour force (of working age) may take "
                      "the jobs, besides the unemployed",
                      "assumption: youth programmes recruit discouraged young people too")),
  };
  return table;
}

struct Programme {
  std::size_t city;
  std::size_t sector;
  Window window;
  double jobs_per_year;
  TargetGroup group;
  bool include_inactive;
  double open_posts = 0;  // agents
};

class JobProgrammes : public Model {
 public:
  explicit JobProgrammes(ModelSetup& setup) : clock_(setup.clock) {
    const Sectors sectors(setup.spec);
    for (const auto& e : setup.spec.entries("job_programmes")) {
      const ProgrammeTerms terms = programme_terms().read(e);
      if (const auto city = city_of_run(setup.geography, terms.city))
        programmes_.push_back(Programme{*city, static_cast<std::size_t>(sectors.index(terms.sector)),
                                        window_of(e, clock_), terms.jobs_per_year, target_group_of(e),
                                        terms.include_inactive});
    }
    hires_.assign(setup.geography.city_count(), 0.0);
  }

  void initialise(World& world) override {
    if (programmes_.empty()) return;
    job_ = world.schema().find<std::uint8_t>(kJobColumn);
    added_ = world.field_schema().find(kJobsAddedField);
    entry_age_ = world.field_schema().find(kLabourEntryAgeField);
  }

  void run(Phase, World& world) override {
    std::fill(hires_.begin(), hires_.end(), 0.0);
    const std::uint32_t step = world.step();
    const double per_step = clock_.years_per_step() / static_cast<double>(world.people_per_agent());
    for (Programme& p : programmes_) {
      if (!p.window.contains(clock_, step)) continue;
      p.open_posts += p.jobs_per_year * per_step;
      const auto posts = static_cast<std::size_t>(std::floor(p.open_posts + 1e-9));
      if (posts == 0) continue;
      AgentTable& a = world.agents(p.city);
      const int entry_age_months = static_cast<int>(world.fields().at(entry_age_, p.city)[0]);
      const auto id = a.col(core::id);
      const auto age = a.col(core::age_months);
      const auto sex = a.col(core::sex);
      const auto skill = a.col(core::skill);
      auto employment = a.col(core::employment);
      auto job = a.col(job_);
      std::vector<Candidate> candidates;
      std::vector<std::uint32_t> rows;
      for (std::uint32_t r = 0; r < a.size(); ++r) {
        const bool looking = employment[r] == code(Employment::unemployed) ||
                             (p.include_inactive && employment[r] == code(Employment::inactive) &&
                              age[r] >= entry_age_months);
        if (!looking || !p.group.matches(age[r], sex[r], skill[r])) continue;
        candidates.push_back(Candidate{id[r]});
        rows.push_back(r);
      }
      auto added = world.fields().at(added_, p.city);
      const auto hired = select_fairly(world.rng(), candidates, posts, step, kSelectDraw);
      for (const std::size_t k : hired) {
        const std::uint32_t r = rows[k];
        employment[r] = code(Employment::employed);
        job[r] = job_code(p.sector, skill[r]);
        added[job_segment(job[r])] += 1.0;
      }
      p.open_posts -= static_cast<double>(hired.size());
      hires_[p.city] += static_cast<double>(hired.size());
    }
  }

  // programme_hires
  void observe(const World& world, SeriesOut& out) const override {
    auto& programme_hires = out["programme_hires"];
    if (world.step() == 0) return;
    for (std::size_t c = 0; c < world.city_count(); ++c)
      programme_hires[c] = hires_[c] * static_cast<double>(world.people_per_agent());
  }

  // The posts each programme has yet to fill (carried from step to step) and
  // the step's hires (observed); the terms come from the scenario.
  void checkpoint(StateArchive& ar) override {
    for (std::size_t k = 0; k < programmes_.size(); ++k) {
      const auto entry = ar.section("programmes/" + std::to_string(k));
      ar("open_posts", programmes_[k].open_posts);
    }
    ar("hires", hires_);
  }

 private:
  const Clock& clock_;
  std::vector<Programme> programmes_;
  Column<std::uint8_t> job_{};
  CityField added_{}, entry_age_{};
  std::vector<double> hires_;  // agents, this step
};

}  // namespace

ModelInfo job_programmes() {
  ModelInfo info;
  info.slot = "job_programmes";
  info.slot_meaning = "Jobs created for target groups";
  info.name = "programmes";
  info.summary = "jobs a city creates each year in a sector for a target group (e.g. youth)";
  info.is_default = true;
  info.phases = {Phase::policy};
  CollectionDecl programmes;
  programmes.name = "job_programmes";
  programmes.entry_noun = "job programme";
  programmes.is_policy = true;
  programmes.acts_from = "start";
  programmes.meaning = "Policy: jobs created each year in a city and sector, filled from a target group";
  programmes.fields = programme_terms().declarations();
  for (auto& f : target_group_fields(15, 64, kFromScenario)) programmes.fields.push_back(std::move(f));
  for (auto& f : window_fields("the programme")) programmes.fields.push_back(std::move(f));
  info.collections.push_back(std::move(programmes));
  info.checks = {window_check("job_programmes"), target_group_check("job_programmes"),
                 needs_slots_when_used("job_programmes", {"labour"})};
  // Only programmes in use write, and they need the labour model (checked above).
  info.state.writes = {
      optional(writes_column(kJobColumn, {Phase::policy},
                             "hires members of the target group into the programme's jobs")),
      optional(writes_field(kJobsAddedField, {Phase::policy},
                            "adds the filled posts to jobs_added_by_policies, which the labour market adds to its "
                            "jobs"))};
  info.state.reads = {optional(reads_field(kLabourEntryAgeField, Phase::policy),
                               "only programmes in use read it, and they need the labour model (checked above)")};
  info.series = {{"programme_hires", "persons", "People hired into job programmes during the step", true, SeriesKind::flow}};
  info.make = [](ModelSetup& setup) { return std::make_unique<JobProgrammes>(setup); };
  return info;
}

}  // namespace mobsim::models
