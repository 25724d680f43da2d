#include "fork.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "state_archive.hpp"

namespace mobsim {
namespace {

std::string position(const SourcePos& where) { return where.file.empty() ? std::string() : to_text(where) + ": "; }

class Planner {
 public:
  Planner(const ScenarioSpec& base, const ScenarioSpec& fork, const ParamTable& table, const Clock& clock, int step)
      : base_(base), fork_(fork), table_(table), clock_(clock), step_(step) {}

  // "the checkpoint after step 12 (2026-01)"
  std::string checkpoint_words() const {
    return "the checkpoint after step " + std::to_string(step_) + " (" + clock_.label(step_) + ")";
  }

  [[noreturn]] void refuse(const SourcePos& where, const std::string& why) const {
    throw CheckpointError(position(where) + "cannot fork from " + checkpoint_words() + ": " + why);
  }

  void compare_globals(std::uint32_t base_replicates) const {
    for (const auto& decl : table_.globals()) {
      const Setting& mine = fork_.setting(decl.key);
      const std::string a = to_toml_text(mine.value), b = to_toml_text(base_.setting(decl.key).value);
      if (decl.key == "run.replicates") {
        // Each replicate continues its base's replicate of the same number.
        if (fork_.integer(decl.key) > static_cast<std::int64_t>(base_replicates))
          refuse(mine.where, "run.replicates = " + a + ", but the base's checkpoints hold " +
                                 std::to_string(base_replicates) + " replicate(s)");
        continue;
      }
      if (a == b || decl.key == "run.name" || decl.key == "run.description") continue;
      refuse(mine.where, "'" + decl.key + " = " + a + "' where its base has '" + decl.key + " = " + b +
                             "', and it acts from the start of the run");
    }
  }

  // Whether `entry` of `collection` acts in one of the steps the base has done.
  bool acted(const CollectionDecl& collection, const CollectionEntry& entry) const {
    if (step_ < 1) return false;
    if (collection.acts_from.empty()) return true;
    return clock_.month_of_step(step_) >= clock_.months_until(entry.text(collection.acts_from));
  }

  std::string since(const CollectionDecl& collection, const CollectionEntry& entry) const {
    return collection.acts_from.empty() ? std::string("from the start of the run")
                                        : "from " + entry.text(collection.acts_from);
  }

  // The collections whose entries differ, with what the fork changes.
  std::set<std::string> compare_collections(std::vector<std::string>& changes) const {
    std::set<std::string> changed;
    for (const auto& collection : table_.collections()) {
      std::map<std::string, const CollectionEntry*> theirs, mine;
      for (const auto& e : base_.entries(collection.name)) theirs[e.name] = &e;
      for (const auto& e : fork_.entries(collection.name)) mine[e.name] = &e;
      std::set<std::string> names;
      for (const auto& [name, e] : theirs) names.insert(name);
      for (const auto& [name, e] : mine) names.insert(name);
      for (const auto& name : names) {
        const CollectionEntry* b = theirs.count(name) ? theirs[name] : nullptr;
        const CollectionEntry* f = mine.count(name) ? mine[name] : nullptr;
        const std::string key = collection.name + "." + toml_key(name);
        if (b && f) {
          const ParamDecl* differing = nullptr;
          for (const auto& field : collection.fields)
            if (to_toml_text(b->field(field.key).value) != to_toml_text(f->field(field.key).value)) {
              differing = &field;
              break;
            }
          if (differing == nullptr) continue;
          const std::string said = key + "." + differing->key + " = " + to_toml_text(f->field(differing->key).value);
          const std::string was = to_toml_text(b->field(differing->key).value);
          if (acted(collection, *b))
            refuse(f->field(differing->key).where, "'" + said + "' where its base has " + was + ", and the base's " +
                                                       collection.entry_noun + " acts " + since(collection, *b));
          if (acted(collection, *f))
            refuse(f->field(differing->key).where,
                   "'" + said + "' where its base has " + was + ", and the " + collection.entry_noun + " acts " +
                       since(collection, *f));
          changes.push_back("changes " + key + " (" + differing->key + " = " + to_toml_text(f->field(differing->key).value) +
                            ", in force " + since(collection, *f) + ")");
        } else if (f) {
          if (acted(collection, *f))
            refuse(collection.acts_from.empty() ? f->where : f->field(collection.acts_from).where,
                   "it adds the " + collection.entry_noun + " " + key + ", which acts " + since(collection, *f) +
                       (collection.acts_from.empty() ? "" : ", before the checkpoint"));
          changes.push_back("adds " + key + ", in force " + since(collection, *f));
        } else {
          if (acted(collection, *b))
            refuse(SourcePos{fork_.main_file(), 0, 0},
                   "it leaves out its base's " + collection.entry_noun + " " + key + ", which acts " +
                       since(collection, *b) + (collection.acts_from.empty() ? "" : ", before the checkpoint"));
          changes.push_back("leaves out " + key);
        }
        changed.insert(collection.name);
      }
    }
    return changed;
  }

  // A model whose collection changed starts from its own initialised
  // state: none of its base's entries may have acted, or their effects
  // would be lost.
  void check_fresh(const std::string& collection) const {
    const CollectionDecl* decl = table_.find_collection(collection);
    for (const auto& e : base_.entries(collection))
      if (acted(*decl, e)) {
        const CollectionEntry* mine = fork_.find_entry(collection, e.name);
        refuse(mine ? mine->where : SourcePos{fork_.main_file(), 0, 0},
               "it changes " + collection + ", whose " + decl->entry_noun + " " + collection + "." + toml_key(e.name) +
                   " acts " + since(*decl, e) +
                   " in its base; a fork may only add or change policies that have not acted yet");
      }
  }

 private:
  const ScenarioSpec& base_;
  const ScenarioSpec& fork_;
  const ParamTable& table_;
  const Clock& clock_;
  int step_;
};

}  // namespace

ForkPlan plan_fork(const ScenarioSpec& base, const ScenarioSpec& fork, const ParamTable& table,
                   const std::vector<const ModelInfo*>& models, const Clock& clock, int step,
                   std::uint32_t base_replicates) {
  const Planner planner(base, fork, table, clock, step);
  planner.compare_globals(base_replicates);
  ForkPlan plan;
  plan.step = step;
  const std::set<std::string> changed = planner.compare_collections(plan.changes);
  plan.base_entries = entry_outputs_for(models, base);
  plan.fresh_model.assign(models.size(), false);
  for (const auto& collection : changed) {
    // (Collections of the engine, the cities, declare no `acts_from`: a
    // change to them was refused above. One no selected model owns has no
    // effect.)
    for (std::size_t i = 0; i < models.size(); ++i)
      for (const auto& c : models[i]->collections)
        if (c.name == collection) plan.fresh_model[i] = true;
    planner.check_fresh(collection);
  }
  return plan;
}

}  // namespace mobsim
