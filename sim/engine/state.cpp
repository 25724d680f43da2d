#include "state.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace mobsim {

const char* name_of(Phase phase) {
  switch (phase) {
    case Phase::policy: return "policy";
    case Phase::demography: return "demography";
    case Phase::labour: return "labour";
    case Phase::housing: return "housing";
    case Phase::status: return "status";
    case Phase::income: return "income";
    case Phase::boundary: return "boundary";
    case Phase::decide: return "decide";
    case Phase::arrive: return "arrive";
  }
  return "?";
}

const char* name_of(StateKind kind) { return kind == StateKind::city_field ? "field" : "column"; }

const char* name_of(ReadTiming timing) {
  switch (timing) {
    case ReadTiming::this_step: return "this step";
    case ReadTiming::last_step: return "last step";
    case ReadTiming::phase_start: return "start of phase";
  }
  return "?";
}

bool StateDecls::uses_lever(const std::string& name) const {
  for (const auto& l : levers)
    if (l.name == name) return true;
  return false;
}

void StateLog::record(Access access, StateKind kind, const std::string& name, const std::string& type) {
  if (current_.empty()) return;
  entries_.push_back(Entry{current_, access, kind, name, type});
}

namespace {

std::string what(StateKind kind, const std::string& name) { return std::string(name_of(kind)) + " '" + name + "'"; }

std::size_t phase_index(Phase p) { return static_cast<std::size_t>(p); }

bool has_phase(const std::vector<Phase>& phases, Phase p) {
  return std::find(phases.begin(), phases.end(), p) != phases.end();
}

// Who writes a piece of state, and in which phases.
struct Writer {
  std::size_t model;
  const std::vector<Phase>* phases;
  bool owner;
};

using Key = std::pair<StateKind, std::string>;

struct Index {
  std::map<Key, std::size_t> owner;
  std::map<Key, std::vector<Writer>> writers;
};

Index index_of(const std::vector<ContractModel>& models) {
  Index ix;
  for (std::size_t m = 0; m < models.size(); ++m) {
    if (models[m].state == nullptr) continue;
    for (const auto& o : models[m].state->owns) {
      const Key key{o.kind, o.name};
      if (const auto it = ix.owner.find(key); it != ix.owner.end())
        throw std::logic_error(what(o.kind, o.name) + " is owned by both " + models[it->second].label + " and " +
                               models[m].label);
      ix.owner[key] = m;
      ix.writers[key].push_back(Writer{m, &o.written_in, true});
    }
  }
  for (std::size_t m = 0; m < models.size(); ++m) {
    if (models[m].state == nullptr) continue;
    for (const auto& l : models[m].state->levers)
      if (const auto it = ix.owner.find({StateKind::city_field, l.name}); it != ix.owner.end())
        throw std::logic_error("field '" + l.name + "' is a lever of " + models[m].label + " but owned by " +
                               models[it->second].label);
    for (const auto& w : models[m].state->writes) ix.writers[{w.kind, w.name}].push_back(Writer{m, &w.phases, false});
  }
  return ix;
}

void check_phases_acted(const ContractModel& m, const std::vector<Phase>& phases, const std::string& subject) {
  for (Phase p : phases)
    if (!has_phase(m.phases, p))
      throw std::logic_error(m.label + " declares that it writes " + subject + " in phase " + name_of(p) +
                             ", but does not act in that phase");
}

}  // namespace

std::vector<MissingProvider> unprovided(const std::vector<ContractModel>& models) {
  std::vector<MissingProvider> out;
  const Index ix = index_of(models);
  for (std::size_t m = 0; m < models.size(); ++m) {
    const StateDecls* state = models[m].state;
    if (state == nullptr) continue;
    auto check = [&](bool required, bool is_read, StateKind kind, const std::string& name) {
      if (required && !state->uses_lever(name) && ix.owner.count({kind, name}) == 0)
        out.push_back(MissingProvider{m, is_read, kind, name});
    };
    for (const auto& r : state->reads) check(!r.optional, true, r.kind, r.name);
    for (const auto& w : state->writes) check(!w.optional, false, w.kind, w.name);
  }
  return out;
}

std::vector<std::string> missing_providers(const std::vector<ContractModel>& models) {
  std::vector<std::string> out;
  for (const auto& missing : unprovided(models))
    out.push_back(models[missing.model].label + (missing.is_read ? " reads " : " writes ") +
                  what(missing.kind, missing.name) + ", which no selected model provides");
  return out;
}

std::set<std::string> fields_changed_in_steps(const std::vector<ContractModel>& models) {
  std::set<std::string> changed;
  for (const auto& m : models)
    if (m.state != nullptr)
      for (const auto& l : m.state->levers) changed.insert(l.name);
  for (const auto& [key, writers] : index_of(models).writers)
    if (key.first == StateKind::city_field)
      for (const Writer& w : writers)
        if (!w.phases->empty()) changed.insert(key.second);
  return changed;
}

RunPlan plan_run(const std::vector<ContractModel>& models) {
  const Index ix = index_of(models);
  if (const auto missing = missing_providers(models); !missing.empty()) throw std::logic_error(missing.front());
  for (const auto& m : models) {
    if (m.state == nullptr) continue;
    for (const auto& o : m.state->owns) check_phases_acted(m, o.written_in, what(o.kind, o.name));
    for (const auto& w : m.state->writes) check_phases_acted(m, w.phases, what(w.kind, w.name));
  }

  // Edges inside each phase, and the checks across phases.
  const std::size_t n = models.size();
  std::array<std::vector<std::vector<bool>>, kPhases.size()> after;  // after[p][a][b]: a runs before b
  for (auto& a : after) a.assign(n, std::vector<bool>(n, false));
  std::array<std::map<std::pair<std::size_t, std::size_t>, std::string>, kPhases.size()> because;
  for (std::size_t r = 0; r < n; ++r) {
    if (models[r].state == nullptr) continue;
    for (const auto& read : models[r].state->reads) {
      if (!read.phase) continue;
      const Phase p = *read.phase;
      if (!has_phase(models[r].phases, p))
        throw std::logic_error(models[r].label + " declares that it reads " + what(read.kind, read.name) +
                               " in phase " + name_of(p) + ", but does not act in that phase");
      const auto it = ix.writers.find({read.kind, read.name});
      if (it == ix.writers.end()) continue;  // optional and absent
      bool constant = true;  // written only while the world is initialised
      for (const Writer& w : it->second) constant = constant && w.phases->empty();
      if (constant) continue;
      bool others_write = false;  // a model reading back only its own writes needs no order
      for (const Writer& w : it->second) others_write = others_write || (w.model != r && !w.phases->empty());
      bool written_by_now = !others_write;
      for (const Writer& w : it->second) {
        if (w.model == r) continue;
        for (Phase q : *w.phases) {
          if (read.timing == ReadTiming::phase_start) {
            if (q == p) {
              after[phase_index(p)][r][w.model] = true;
              because[phase_index(p)][{r, w.model}] = models[r].label + " reads " + what(read.kind, read.name) +
                                                        " as it is at the start of phase " + name_of(p) + ", which " +
                                                        models[w.model].label + " writes";
            }
            continue;
          }
          if (read.timing == ReadTiming::this_step && phase_index(q) <= phase_index(p)) written_by_now = true;
          if (read.timing == ReadTiming::last_step && phase_index(q) < phase_index(p))
            throw std::logic_error(models[r].label + " reads last step's " + what(read.kind, read.name) +
                                   " in phase " + name_of(p) + ", but " + models[w.model].label +
                                   " writes it earlier in the step, in phase " + name_of(q));
          if (q != p) continue;
          const std::size_t first = read.timing == ReadTiming::this_step ? w.model : r;
          const std::size_t second = read.timing == ReadTiming::this_step ? r : w.model;
          after[phase_index(p)][first][second] = true;
          because[phase_index(p)][{first, second}] =
              read.timing == ReadTiming::this_step
                  ? models[w.model].label + " writes " + what(read.kind, read.name) + ", which " + models[r].label +
                        " reads this step"
                  : models[r].label + " reads last step's " + what(read.kind, read.name) + ", which " +
                        models[w.model].label + " writes";
        }
      }
      if (read.timing == ReadTiming::this_step && !written_by_now)
        throw std::logic_error(models[r].label + " reads this step's " + what(read.kind, read.name) + " in phase " +
                               name_of(p) + ", but it is written only later in the step; declare the read last_step");
    }
  }

  RunPlan plan;
  for (Phase p : kPhases) {
    const std::size_t pi = phase_index(p);
    std::vector<std::size_t> acting;
    for (std::size_t m = 0; m < n; ++m)
      if (has_phase(models[m].phases, p)) acting.push_back(m);
    // Kahn's algorithm, always taking the earliest model in selection order
    // among those whose predecessors have run.
    std::vector<bool> done(n, false);
    while (plan.order[pi].size() < acting.size()) {
      bool progressed = false;
      for (std::size_t m : acting) {
        if (done[m]) continue;
        bool ready = true;
        for (std::size_t k : acting) ready = ready && (done[k] || !after[pi][k][m]);
        if (!ready) continue;
        done[m] = true;
        plan.order[pi].push_back(m);
        progressed = true;
        break;
      }
      if (progressed) continue;
      for (std::size_t a : acting)
        for (std::size_t b : acting)
          if (!done[a] && !done[b] && after[pi][a][b] && after[pi][b][a])
            throw std::logic_error("cycle in phase " + std::string(name_of(p)) + ": " + because[pi][{a, b}] +
                                   ", and " + because[pi][{b, a}]);
      std::string edges;
      for (std::size_t a : acting)
        for (std::size_t b : acting)
          if (!done[a] && !done[b] && after[pi][a][b]) edges += (edges.empty() ? "" : "; ") + because[pi][{a, b}];
      throw std::logic_error("cycle in phase " + std::string(name_of(p)) + ": " + edges);
    }
  }
  return plan;
}

void verify_accesses(const std::vector<ContractModel>& models, const StateLog& log) {
  std::map<std::string, const ContractModel*> by_label;
  for (const auto& m : models) by_label[m.label] = &m;
  auto declared = [](const StateDecls& s, StateKind kind, const std::string& name) {
    for (const auto& o : s.owns)
      if (o.kind == kind && o.name == name) return true;
    for (const auto& w : s.writes)
      if (w.kind == kind && w.name == name) return true;
    for (const auto& r : s.reads)
      if (r.kind == kind && r.name == name) return true;
    return kind == StateKind::city_field && s.uses_lever(name);
  };
  std::map<std::string, std::vector<Key>> added;
  for (const auto& e : log.entries()) {
    const auto it = by_label.find(e.model);
    if (it == by_label.end()) continue;
    static const StateDecls none;
    const StateDecls& s = it->second->state ? *it->second->state : none;
    if (e.access == StateLog::Access::add) {
      const OwnedState* own = nullptr;
      for (const auto& o : s.owns)
        if (o.kind == e.kind && o.name == e.name) own = &o;
      if (own == nullptr)
        throw std::logic_error(e.model + " creates " + what(e.kind, e.name) + " but does not declare owning it");
      if (e.kind == StateKind::agent_column && own->type != e.type)
        throw std::logic_error(e.model + " declares " + what(e.kind, e.name) + " as " + own->type +
                               " but creates it as " + e.type);
      added[e.model].push_back({e.kind, e.name});
    } else if (!declared(s, e.kind, e.name)) {
      throw std::logic_error(e.model + (e.access == StateLog::Access::find ? " looks up " : " tests for ") +
                             what(e.kind, e.name) + " but declares neither reading nor writing it");
    }
  }
  for (const auto& m : models) {
    if (m.state == nullptr) continue;
    const auto& mine = added[m.label];
    for (const auto& o : m.state->owns)
      if (!o.only_when_used && std::find(mine.begin(), mine.end(), Key{o.kind, o.name}) == mine.end())
        throw std::logic_error(m.label + " declares owning " + what(o.kind, o.name) + " but does not create it");
  }
}

std::string plan_text(const std::vector<ContractModel>& models, const RunPlan& plan) {
  std::string out;
  auto list = [](const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
  };
  out += "before the first step: the models are set up and initialised in this order:\n  ";
  for (std::size_t m = 0; m < models.size(); ++m) out += (m ? ", " : "") + models[m].label;
  out += "\n";
  for (Phase p : kPhases) {
    const auto& order = plan.order[phase_index(p)];
    if (p == Phase::arrive) out += "engine: moves every agent whose move was requested\n";
    if (order.empty()) continue;
    out += std::string("phase ") + name_of(p) + ":\n";
    for (std::size_t k = 0; k < order.size(); ++k) {
      const ContractModel& m = models[order[k]];
      out += "  " + std::to_string(k + 1) + ". " + m.label + "\n";
      if (m.state == nullptr) continue;
      std::vector<std::string> writes, reads;
      for (const auto& o : m.state->owns)
        if (has_phase(o.written_in, p)) writes.push_back(o.name);
      for (const auto& w : m.state->writes)
        if (has_phase(w.phases, p)) writes.push_back(w.name);
      for (const auto& r : m.state->reads)
        if (r.phase == p)
          reads.push_back(r.name + (r.timing == ReadTiming::this_step ? "" : " (" + std::string(name_of(r.timing)) + ")") +
                          (r.optional ? " (optional)" : ""));
      if (!writes.empty()) out += "       writes " + list(writes) + "\n";
      if (!reads.empty()) out += "       reads  " + list(reads) + "\n";
    }
  }
  out += "after each step: every model observes its series\n";
  return out;
}

std::size_t element_bytes(const std::string& type_name) {
  if (type_name == "uint8") return 1;
  if (type_name == "uint16") return 2;
  if (type_name == "uint32" || type_name == "int32" || type_name == "float") return 4;
  return 8;  // uint64, double
}

}  // namespace mobsim
