#include "engine.hpp"

#include "fork.hpp"

#include <sys/resource.h>

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>

#include "engine_params.hpp"

namespace mobsim {

namespace {

enum CoreSeries : std::size_t {
  kPopulation = 0,
  kForeignBorn,
  kForeignBornShare,
  kInflow,
  kOutflow,
  kNetMigration,
  kCoreCount
};

std::vector<FlowDecl> flows_of(const std::vector<const ModelInfo*>& models) {
  std::vector<FlowDecl> flows;
  for (const auto* m : models) flows.insert(flows.end(), m->flows.begin(), m->flows.end());
  return flows;
}

class PhaseTimer {
 public:
  PhaseTimer(std::map<std::string, double>& totals, const std::string& name)
      : totals_(totals), name_(name), start_(omp_get_wtime()) {}
  ~PhaseTimer() { totals_[name_] += omp_get_wtime() - start_; }

 private:
  std::map<std::string, double>& totals_;
  std::string name_;
  double start_;
};

}  // namespace

const std::vector<SeriesDecl>& core_series() {
  static const std::vector<SeriesDecl> core{
      {"population", "persons", "Residents", true, SeriesKind::stock, true},
      {"foreign_born", "persons", "Residents born in another country", true},
      {"foreign_born_share", "1", "Share of residents born in another country", false, SeriesKind::rate, true},
      {"inflow", "persons", "Arrivals from other simulated cities during the step", true, SeriesKind::flow, true, 1},
      {"outflow", "persons", "Departures to other simulated cities during the step", true, SeriesKind::flow, true, -1},
      {"net_migration", "persons",
       "Arrivals minus departures during the step: other simulated cities, the hinterland, the rest of the world",
       true, SeriesKind::flow, true},
  };
  return core;
}

std::vector<std::string> channels_for(const std::vector<const ModelInfo*>& models) {
  std::vector<std::string> channels;
  for (const auto* m : models) channels.insert(channels.end(), m->channels.begin(), m->channels.end());
  if (channels.empty()) channels.push_back("unspecified");
  return channels;
}

std::vector<EntryOutput> entry_outputs_for(const std::vector<const ModelInfo*>& models, const ScenarioSpec& spec) {
  std::vector<EntryOutput> out;
  for (const auto* m : models) {
    if (!m->entry_series) continue;
    for (const auto& entry : spec.entries(m->entry_series->collection))
      out.push_back(EntryOutput{m->entry_series->group, entry.name, m->entry_series->series});
  }
  return out;
}

std::vector<SeriesDecl> series_for(const std::vector<const ModelInfo*>& models) {
  std::vector<SeriesDecl> all = core_series();
  for (const auto& f : flows_of(models)) all.push_back(series_of(f));
  for (const auto* m : models) all.insert(all.end(), m->series.begin(), m->series.end());
  return all;
}

Simulation::Simulation(const ScenarioSpec& spec, const std::vector<const ModelInfo*>& models,
                       const Geography& geography, const Clock& clock, std::uint64_t seed)
    : geography_(geography), clock_(clock), infos_(models) {
  ModelSetup setup{spec, geography, clock, schema_, field_schema_};
  // Every model's use of the shared state is recorded while it is set up and
  // initialised, and checked against what it declares.
  const std::vector<ContractModel> contract = contract_of(models);
  StateLog log;
  schema_.attach(&log);
  field_schema_.attach(&log);
  // Levers exist for the models that read or write them, created here (not by
  // any of those models) and neutral until an instrument acts on them.
  for (std::size_t i = 0; i < infos_.size(); ++i)
    for (const auto& l : infos_[i]->state.levers) {
      const std::uint32_t width = l.width(spec, geography);
      const auto same = std::find_if(levers_.begin(), levers_.end(), [&](const Lever& x) { return x.name == l.name; });
      if (same == levers_.end()) {
        levers_.push_back(Lever{l.name, field_schema_.add(l.name, width, l.meaning), l.neutral, contract[i].label});
      } else if (same->neutral != l.neutral || same->field.width != width) {
        throw std::logic_error("lever '" + l.name + "' is declared differently by " + same->declared_by + " and " +
                               contract[i].label);
      }
    }
  std::size_t offset = core_series().size() + flows_of(models).size();
  std::size_t entry_offset = 0;
  for (std::size_t i = 0; i < infos_.size(); ++i) {
    const auto* info = infos_[i];
    log.begin(contract[i].label);
    models_.push_back(info->make(setup));
    log.end();
    series_offset_.push_back(offset);
    offset += info->series.size();
    entry_offset_.push_back(entry_offset);
    if (info->entry_series) entry_offset += spec.entries(info->entry_series->collection).size();
  }
  entry_outputs_ = entry_outputs_for(models, spec);
  world_ = std::make_unique<World>(geography, clock, schema_, flows_of(models), channels_for(models), field_schema_,
                                   seed, spec.integer("run.people_per_agent"));
  reset_levers();
  {
    PhaseTimer timer(phase_seconds_, "initialise");
    for (std::size_t i = 0; i < models_.size(); ++i) {
      log.begin(contract[i].label);
      models_[i]->initialise(*world_);
      log.end();
    }
  }
  schema_.attach(nullptr);
  field_schema_.attach(nullptr);
  verify_accesses(contract, log);
  plan_ = plan_run(contract);
}

Simulation::~Simulation() = default;

void Simulation::reset_levers() {
  for (const Lever& l : levers_)
    for (std::size_t c = 0; c < world_->city_count(); ++c) {
      const auto values = world_->fields().at(l.field, c);
      std::fill(values.begin(), values.end(), l.neutral);
    }
}

void Simulation::step() {
  World& world = *world_;
  world.begin_step(world.step() + 1);
  reset_levers();
  for (Phase phase : kPhases) {
    if (phase == Phase::arrive) {
      PhaseTimer timer(phase_seconds_, "move");
      world.apply_moves();
    }
    for (const std::size_t i : plan_.order[static_cast<std::size_t>(phase)]) {
      PhaseTimer timer(phase_seconds_, std::string(name_of(phase)) + ":" + infos_[i]->name);
      models_[i]->run(phase, world);
    }
  }
  world.check_accounting();
}

void Simulation::checkpoint(StateArchive& ar) {
  // The world and each model's state are nested items, so that a fork can
  // pass over those of the models it configures differently (and a reader
  // can list them: StateArchive::nested_items).
  ar.nested("world", [&](StateArchive& world) { world_->checkpoint(world); });
  for (std::size_t i = 0; i < models_.size(); ++i)
    ar.nested(infos_[i]->slot + "=" + infos_[i]->name, [&](StateArchive& own) { models_[i]->checkpoint(own); });
  ar.expect_end();
}

namespace {

// "series 'employed' in Milan"
std::string first_difference(const Frame& a, const Frame& b, const std::vector<std::string>& series_names,
                             const Geography& geography) {
  for (std::size_t s = 0; s < a.series.size() && s < b.series.size(); ++s)
    for (std::size_t c = 0; c < a.series[s].size() && c < b.series[s].size(); ++c)
      if (a.series[s][c] != b.series[s][c])
        return "series '" + (s < series_names.size() ? series_names[s] : std::to_string(s)) + "' in " +
               geography.city(c).name + " (" + std::to_string(a.series[s][c]) + " where the base has " +
               std::to_string(b.series[s][c]) + ")";
  if (a.series.size() != b.series.size()) return "the number of series";
  if (a.flows != b.flows) return "the flows between cities";
  if (a.flows_by_channel != b.flows_by_channel) return "the flows by channel";
  return {};
}

}  // namespace

std::vector<Frame> Simulation::fork_from(std::span<const std::byte> state, const ForkPlan& plan,
                                         std::vector<Frame> frames, const std::string& where) {
  if (frames.empty()) throw CheckpointError("checkpoint " + where + " has no time points");
  const std::size_t step = frames.size() - 1;
  Frame initial;  // time 0 as this scenario has it
  observe(initial);
  const std::set<std::string> changing = fields_changed_in_steps(contract_of(infos_));
  std::vector<bool> keep_own(field_schema_.size());
  for (std::size_t f = 0; f < field_schema_.size(); ++f) keep_own[f] = changing.count(field_schema_.name(f)) == 0;
  StateArchive ar = StateArchive::loading(state, where);
  ar.nested("world", [&](StateArchive& world) { world_->fork_from(world, keep_own); });
  for (std::size_t i = 0; i < models_.size(); ++i) {
    const std::string label = infos_[i]->slot + "=" + infos_[i]->name;
    if (plan.fresh_model.at(i))
      ar.skip_nested(label);
    else
      ar.nested(label, [&](StateArchive& own) { models_[i]->checkpoint(own); });
  }
  ar.expect_end();

  Frame now;
  observe(now);
  std::vector<std::string> names;
  for (const auto& s : series_for(infos_)) names.push_back(s.name);
  if (const std::string differs = first_difference(now, frames[step], names, geography_); !differs.empty())
    throw CheckpointError("cannot fork from checkpoint " + where + ": at step " + std::to_string(step) +
                          " this scenario observes another state than its base did, in " + differs +
                          "; one of its models acts differently before the checkpoint: run it from the start");
  for (std::size_t t = 0; t <= step; ++t) {
    std::vector<std::vector<double>> entries(entry_outputs_.size());
    for (std::size_t j = 0; j < entry_outputs_.size(); ++j) {
      const auto& mine = entry_outputs_[j];
      const auto theirs = std::find_if(plan.base_entries.begin(), plan.base_entries.end(), [&](const EntryOutput& e) {
        return e.group == mine.group && e.entry == mine.entry;
      });
      if (theirs != plan.base_entries.end())
        entries[j] = frames[t].entries.at(static_cast<std::size_t>(theirs - plan.base_entries.begin()));
      else
        entries[j] = (t == 0 ? initial : now).entries.at(j);
      if (t == step && entries[j] != now.entries.at(j))
        throw CheckpointError("cannot fork from checkpoint " + where + ": at step " + std::to_string(step) +
                              " the entry series /" + mine.group + "/" + mine.entry +
                              " differ from its base's; run this scenario from the start");
    }
    frames[t].entries = std::move(entries);
  }
  return frames;
}

void Simulation::observe(Frame& frame) const {
  PhaseTimer timer(phase_seconds_, "observe");
  const World& world = *world_;
  const std::size_t n = world.city_count();
  const double scale = static_cast<double>(world.people_per_agent());
  const std::size_t total_series = series_offset_.empty()
                                       ? core_series().size() + world.flows().size()
                                       : series_offset_.back() + infos_.back()->series.size();
  frame.series.assign(total_series, std::vector<double>(n, 0.0));

  // Foreign-born residents: counted per chunk, summed per city in chunk order.
  const auto chunks = make_chunks(world);
  std::vector<std::int64_t> foreign_per_chunk(chunks.size(), 0);
  parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
    const auto origin = world.agents(ch.city).col(core::origin);
    std::int64_t count = 0;
    for (std::uint32_t r = ch.begin; r < ch.end; ++r) count += geography_.foreign_born(origin[r], ch.city) ? 1 : 0;
    foreign_per_chunk[k] = count;
  });
  for (std::size_t k = 0; k < chunks.size(); ++k)
    frame.series[kForeignBorn][chunks[k].city] += static_cast<double>(foreign_per_chunk[k]) * scale;

  const StepTally& tally = world.tally();
  const bool initial = world.step() == 0;
  for (std::size_t c = 0; c < n; ++c) {
    frame.series[kPopulation][c] = static_cast<double>(world.agents(c).size()) * scale;
    frame.series[kInflow][c] = initial ? 0.0 : static_cast<double>(tally.inflow[c]) * scale;
    frame.series[kOutflow][c] = initial ? 0.0 : static_cast<double>(tally.outflow[c]) * scale;
    double net = frame.series[kInflow][c] - frame.series[kOutflow][c];
    for (std::size_t f = 0; f < world.flows().size(); ++f) {
      const double value = initial ? 0.0 : static_cast<double>(tally.boundary[f][c]) * scale;
      frame.series[kCoreCount + f][c] = value;
      if (world.flows()[f].is_migration) net += world.flows()[f].inward ? value : -value;
    }
    frame.series[kNetMigration][c] = net;
    frame.series[kForeignBornShare][c] =
        world.agents(c).size() > 0 ? frame.series[kForeignBorn][c] / frame.series[kPopulation][c] : 0.0;
  }
  frame.flows.assign(n * n, 0.0);
  frame.flows_by_channel.assign(tally.moves_by_channel.size(), 0.0);
  if (!initial) {
    for (std::size_t i = 0; i < n * n; ++i) frame.flows[i] = static_cast<double>(tally.moves[i]) * scale;
    for (std::size_t i = 0; i < frame.flows_by_channel.size(); ++i)
      frame.flows_by_channel[i] = static_cast<double>(tally.moves_by_channel[i]) * scale;
  }

  for (std::size_t i = 0; i < models_.size(); ++i) {
    const std::size_t count = infos_[i]->series.size();
    if (count == 0) continue;
    SeriesOut out(infos_[i]->series, std::span<std::vector<double>>(frame.series.data() + series_offset_[i], count));
    models_[i]->observe(world, out);
    out.require_all_written(infos_[i]->slot + "=" + infos_[i]->name);
  }

  frame.entries.resize(entry_outputs_.size());
  for (std::size_t e = 0; e < entry_outputs_.size(); ++e) frame.entries[e].assign(entry_outputs_[e].series.size(), 0.0);
  for (std::size_t i = 0; i < models_.size(); ++i) {
    const std::size_t next = i + 1 < models_.size() ? entry_offset_[i + 1] : entry_outputs_.size();
    if (next == entry_offset_[i]) continue;
    EntrySeriesOut out(infos_[i]->entry_series->series,
                       std::span<std::vector<double>>(frame.entries.data() + entry_offset_[i], next - entry_offset_[i]));
    models_[i]->observe_entries(world, out);
    out.require_all_written(infos_[i]->slot + "=" + infos_[i]->name);
  }
}

Engine::Engine(const ScenarioSpec& spec, const ModelRegistry& registry)
    : spec_(spec),
      geography_(spec),
      clock_(Clock::from(spec)),
      models_(registry.selected(spec)),
      series_(series_for(models_)),
      channels_(channels_for(models_)),
      entry_outputs_(entry_outputs_for(models_, spec)),
      people_per_agent_(spec.integer("run.people_per_agent")),
      master_seed_(static_cast<std::uint64_t>(spec.integer("run.seed"))) {
  const auto replicates = static_cast<std::uint32_t>(spec.integer("run.replicates"));
  for (std::uint32_t r = 0; r < replicates; ++r) replicate_seeds_.push_back(Rng::derive_seed(master_seed_, r));
}

int replicates_at_once(int replicates, int threads) { return std::max(1, std::min(replicates, threads)); }

MemoryEstimate Engine::memory_estimate(int threads) const {
  MemoryEstimate m;
  for (const auto& city : geography_.cities()) m.agents_at_start += agents_for(city.population, people_per_agent_);
  m.replicates_at_once = replicates_at_once(static_cast<int>(replicate_seeds_.size()), threads);
  m.state_bytes_per_agent = AgentSchema().bytes_per_agent();
  for (const ModelInfo* model : models_) {
    bool used = false;  // only-when-used columns exist when the model has entries
    for (const auto& collection : model->collections) used = used || !spec_.entries(collection.name).empty();
    for (const auto& owned : model->state.owns)
      if (owned.kind == StateKind::agent_column && (used || !owned.only_when_used))
        m.state_bytes_per_agent += element_bytes(owned.type);
  }
  m.peak_bytes = static_cast<std::uint64_t>(static_cast<double>(m.agents_at_start) * m.replicates_at_once *
                                            static_cast<double>(m.state_bytes_per_agent) * kPeakMemoryPerStateByte);
  m.address_space_bytes = static_cast<std::uint64_t>(
      kBaseAddressSpaceBytes + kAddressSpacePerThreadBytes * std::max(0, threads - 2) +
      2.0 * static_cast<double>(m.agents_at_start) * m.replicates_at_once * static_cast<double>(m.state_bytes_per_agent));
  return m;
}

std::unique_ptr<Simulation> Engine::make_simulation(std::size_t replicate) const {
  return std::make_unique<Simulation>(spec_, models_, geography_, clock_, replicate_seeds_.at(replicate));
}

RunStats Engine::run(Sink& sink, const std::function<void(const StepReport&)>& on_step,
                     const RunControl& control) const {
  RunStats stats;
  const double start = omp_get_wtime();
  const auto replicates = static_cast<int>(replicate_seeds_.size());
  stats.replicate_steps.assign(static_cast<std::size_t>(replicates), 0);
  const int threads = omp_get_max_threads();
  // Replicates are independent: run up to `threads` of them at once, each
  // with its share of the threads for its own loops (nested parallelism).
  // Every result depends only on the replicate's seed, so the output is the
  // same however replicates and threads are arranged. The sink sees each
  // replicate's time points in order, replicates interleaved.
  const int concurrent = replicates_at_once(replicates, threads);
  const int inner = std::max(1, threads / concurrent);
  std::mutex mutex;
  std::exception_ptr failure;
  // After one replicate fails (a full disk, memory exhausted), the others
  // stop at their next step instead of running to the end for nothing.
  std::atomic<bool> failed{false};
  std::atomic<bool> stopped{false};
  const bool keep_frames = static_cast<bool>(control.write_checkpoint);
  const auto stop_requested = [&] {
    if (!stopped.load(std::memory_order_relaxed) && control.stop_requested && control.stop_requested())
      stopped = true;
    return stopped.load(std::memory_order_relaxed);
  };
  auto run_replicate = [&](int r) {
    try {
      if (control.runs_replicate && !control.runs_replicate(static_cast<std::size_t>(r))) {
        const std::lock_guard<std::mutex> lock(mutex);
        stats.replicate_steps[static_cast<std::size_t>(r)] = clock_.steps;  // run elsewhere
        return;
      }
      if (failed.load(std::memory_order_relaxed) || stop_requested()) return;
      if (concurrent > 1) omp_set_num_threads(inner);
      std::optional<ReplicateResume> resume;
      if (control.resume) resume = control.resume(static_cast<std::size_t>(r));
      auto sim = make_simulation(static_cast<std::size_t>(r));
      Frame frame;
      std::vector<Frame> frames;  // every time point so far, for checkpoints
      std::uint64_t agent_steps = 0;
      double output_seconds = 0, checkpoint_seconds = 0;
      std::uint64_t checkpoint_bytes = 0;
      int done = 0;  // steps done
      auto deliver = [&](int t, const Frame& f) {
        const std::lock_guard<std::mutex> lock(mutex);
        const double began = omp_get_wtime();
        sink.write(static_cast<std::size_t>(r), t, f);
        output_seconds += omp_get_wtime() - began;
        if (t > 0 && on_step) on_step(StepReport{static_cast<std::size_t>(r), t, sim->world().total_agents()});
      };
      auto emit = [&](int t) {
        sim->observe(frame);
        deliver(t, frame);
        if (keep_frames) frames.push_back(frame);
      };
      int last_checkpoint = -1;
      auto checkpoint = [&](bool finished) {
        const double began = omp_get_wtime();
        std::uint64_t state_bytes = 0;
        // Streamed to wherever the control writes it, never copied first.
        const StateSaver save = [&](StateArchive& ar) {
          const std::size_t before = ar.written();
          sim->checkpoint(ar);
          state_bytes = ar.written() - before;
        };
        control.write_checkpoint(static_cast<std::size_t>(r), done, frames, finished ? nullptr : &save);
        checkpoint_bytes += state_bytes;
        checkpoint_seconds += omp_get_wtime() - began;
        last_checkpoint = done;
      };
      if (resume) {
        {
          const std::lock_guard<std::mutex> lock(mutex);
          ++stats.resumed_replicates;
        }
        done = resume->step;
        const std::string where = "of replicate " + std::to_string(r);
        if (resume->fork != nullptr) {
          resume->frames = sim->fork_from(resume->state, *resume->fork, std::move(resume->frames), where);
        } else if (!resume->state.empty()) {
          StateArchive ar = StateArchive::loading(resume->state, where);
          sim->checkpoint(ar);
        }
        for (int t = 0; t <= done; ++t) deliver(t, resume->frames[static_cast<std::size_t>(t)]);
        if (keep_frames) frames = std::move(resume->frames);
        last_checkpoint = done;
      } else {
        emit(0);
      }
      std::uint64_t peak_agents = sim->world().total_agents();
      for (int t = done + 1; t <= clock_.steps; ++t) {
        if (failed.load(std::memory_order_relaxed)) return;
        if (stop_requested() || (control.stop_after > 0 && t > control.stop_after)) break;
        agent_steps += sim->world().total_agents();
        sim->step();
        peak_agents = std::max<std::uint64_t>(peak_agents, sim->world().total_agents());
        emit(t);
        done = t;
        if (keep_frames && control.checkpoint_every > 0 && t % control.checkpoint_every == 0 && t < clock_.steps)
          checkpoint(false);
      }
      if (keep_frames && done < clock_.steps && last_checkpoint != done) checkpoint(false);
      if (keep_frames && done == clock_.steps && control.checkpoint_finished && last_checkpoint != done)
        checkpoint(true);
      const std::lock_guard<std::mutex> lock(mutex);
      stats.replicate_steps[static_cast<std::size_t>(r)] = done;
      stats.agent_steps += agent_steps;
      stats.peak_agents = std::max(stats.peak_agents, peak_agents);
      stats.agent_state_bytes = sim->world().schema().bytes_per_agent();
      stats.phase_seconds["output"] += output_seconds;
      stats.checkpoint_seconds += checkpoint_seconds;
      stats.checkpoint_bytes += checkpoint_bytes;
      for (const auto& [phase, seconds] : sim->phase_seconds()) stats.phase_seconds[phase] += seconds;
    } catch (...) {
      failed = true;
      const std::lock_guard<std::mutex> lock(mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  if (concurrent > 1) {
    const int saved_levels = omp_get_max_active_levels();
    omp_set_max_active_levels(2);
#pragma omp parallel for schedule(dynamic, 1) num_threads(concurrent)
    for (int r = 0; r < replicates; ++r) run_replicate(r);
    omp_set_max_active_levels(saved_levels);
  } else {
    // Outside any parallel region: the model loops' teams then come from
    // OpenMP's thread pool. (Inside even an inactive outer region, every
    // loop would start a new team of new threads, with new thread-local
    // buffers: 5-10% of the step time at two threads.)
    for (int r = 0; r < replicates; ++r) run_replicate(r);
  }
  if (failure) std::rethrow_exception(failure);
  for (const int steps : stats.replicate_steps) stats.stopped = stats.stopped || steps < clock_.steps;
  stats.wall_seconds = omp_get_wtime() - start;
  stats.concurrent_replicates = concurrent;
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) stats.peak_resident_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
  return stats;
}

}  // namespace mobsim
