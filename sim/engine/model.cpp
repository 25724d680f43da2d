#include "model.hpp"

#include <stdexcept>

#include "engine_params.hpp"

namespace mobsim {

const char* name_of(SeriesKind kind) {
  switch (kind) {
    case SeriesKind::stock: return "stock";
    case SeriesKind::flow: return "flow";
    case SeriesKind::rate: return "rate";
  }
  return "?";
}

namespace {

std::size_t series_index(const std::vector<SeriesDecl>& decls, std::string_view name) {
  for (std::size_t i = 0; i < decls.size(); ++i)
    if (decls[i].name == name) return i;
  throw std::logic_error("series '" + std::string(name) + "' is written but not declared");
}

}  // namespace

SeriesOut::SeriesOut(const std::vector<SeriesDecl>& decls, std::span<std::vector<double>> values)
    : decls_(decls), values_(values), written_(decls.size(), false) {}

std::vector<double>& SeriesOut::operator[](std::string_view name) {
  const std::size_t i = series_index(decls_, name);
  if (written_[i]) throw std::logic_error("series '" + std::string(name) + "' is written twice");
  written_[i] = true;
  return values_[i];
}

void SeriesOut::require_all_written(const std::string& model) const {
  for (std::size_t i = 0; i < decls_.size(); ++i)
    if (!written_[i]) throw std::logic_error(model + " declares the series '" + decls_[i].name + "' but did not write it");
}

EntrySeriesOut::EntrySeriesOut(const std::vector<SeriesDecl>& decls, std::span<std::vector<double>> values)
    : decls_(decls), values_(values), written_(values.size() * decls.size(), false) {}

double& EntrySeriesOut::operator()(std::size_t entry, std::string_view name) {
  const std::size_t i = series_index(decls_, name);
  if (written_[entry * decls_.size() + i])
    throw std::logic_error("entry series '" + std::string(name) + "' of entry " + std::to_string(entry) +
                           " is written twice");
  written_[entry * decls_.size() + i] = true;
  return values_[entry][i];
}

void EntrySeriesOut::require_all_written(const std::string& model) const {
  for (std::size_t e = 0; e < values_.size(); ++e)
    for (std::size_t i = 0; i < decls_.size(); ++i)
      if (!written_[e * decls_.size() + i])
        throw std::logic_error(model + " declares the entry series '" + decls_[i].name + "' but did not write it for entry " +
                               std::to_string(e));
}

std::vector<ContractModel> contract_of(const std::vector<const ModelInfo*>& models) {
  std::vector<ContractModel> out;
  for (const auto* m : models) out.push_back(ContractModel{m->slot + "=" + m->name, m->phases, &m->state});
  return out;
}

void ModelRegistry::add_slot(SlotInfo slot) {
  for (const auto& s : slots_)
    if (s.name == slot.name) throw std::logic_error("slot registered twice: " + slot.name);
  slots_.push_back(std::move(slot));
}

void ModelRegistry::add(ModelInfo info) {
  const SlotInfo* known = nullptr;
  for (const auto& s : slots_)
    if (s.name == info.slot) known = &s;
  if (known == nullptr) {
    if (info.slot_meaning.empty())
      throw std::logic_error("model " + info.name + " is the first of slot " + info.slot + " but gives no slot_meaning");
    add_slot({info.slot, info.slot_meaning, info.slot_may_be_none});
  } else if (!info.slot_meaning.empty() &&
             (info.slot_meaning != known->meaning || info.slot_may_be_none != known->may_be_none)) {
    throw std::logic_error("model " + info.name + " describes slot " + info.slot + " differently from its first model");
  }
  if (find(info.slot, info.name) != nullptr) throw std::logic_error("model registered twice: " + info.name);
  if (info.name == "none") throw std::logic_error("'none' is reserved");
  for (const auto& c : info.collections)
    if (!c.acts_from.empty()) {
      const ParamDecl* field = c.find_field(c.acts_from);
      if (field == nullptr || field->type != ParamType::month)
        throw std::logic_error("collection " + c.name + " acts from '" + c.acts_from + "', which is not a month field");
    }
  models_.push_back(std::move(info));
}

const ModelInfo* ModelRegistry::find(const std::string& slot, const std::string& name) const {
  for (const auto& m : models_)
    if (m.slot == slot && m.name == name) return &m;
  return nullptr;
}

std::vector<const ModelInfo*> ModelRegistry::selected(const ScenarioSpec& spec) const {
  std::vector<const ModelInfo*> out;
  for (const auto& slot : slots_) {
    const std::string& choice = spec.text("models." + slot.name);
    if (choice == "none") continue;
    const ModelInfo* m = find(slot.name, choice);
    if (m == nullptr) throw std::logic_error("selected model not registered: " + choice);
    out.push_back(m);
  }
  return out;
}

ParamTable ModelRegistry::param_table() const {
  ParamTable table;
  declare_engine_params(table);
  for (const auto& slot : slots_) {
    ParamDecl choice;
    choice.key = "models." + slot.name;
    choice.type = ParamType::choice;
    choice.unit = "-";
    choice.meaning = slot.meaning;
    choice.source = "model registry";
    std::string fallback = "none";
    for (const auto& m : models_) {
      if (m.slot != slot.name) continue;
      choice.choices.push_back(m.name);
      if (m.is_default) fallback = m.name;
    }
    if (slot.may_be_none) choice.choices.push_back("none");
    choice.default_value = fallback;
    table.add(std::move(choice));
  }
  for (const auto& m : models_) {
    for (const auto& p : m.params) table.add(p);
    for (const auto& c : m.collections) table.add_collection(c);
  }
  for (const auto& m : models_)
    for (const auto& [collection, field] : m.fields) table.add_field(collection, field);
  return table;
}

std::vector<ScenarioCheck> ModelRegistry::checks() const {
  std::vector<ScenarioCheck> all = engine_checks();
  // A model that reads what another slot's model provides needs that slot filled.
  all.push_back([this](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    for (const auto& slot : slots_) {
      const std::string& choice = spec.text("models." + slot.name);
      const ModelInfo* m = find(slot.name, choice);
      if (m == nullptr) continue;
      for (const auto& needed : m->requires_slots) {
        if (spec.text("models." + needed) != "none") continue;
        diags.push_back(Diagnostic{spec.setting("models." + needed).where, "models." + needed,
                                   "models." + slot.name + " = \"" + choice + "\" needs a model in slot '" + needed +
                                       "', which is \"none\"",
                                   ""});
      }
    }
  });
  // Every required read (and every write) of the selected models has an
  // owner among them; the message names the models that could provide it.
  all.push_back([this](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    std::vector<const ModelInfo*> chosen;
    for (const auto& slot : slots_)
      if (const ModelInfo* m = find(slot.name, spec.text("models." + slot.name))) chosen.push_back(m);
    auto owners = [](const std::vector<const ModelInfo*>& among, StateKind kind, const std::string& name) {
      std::vector<const ModelInfo*> out;
      for (const auto* m : among)
        for (const auto& o : m->state.owns)
          if (o.kind == kind && o.name == name) out.push_back(m);
      return out;
    };
    std::vector<const ModelInfo*> everyone;
    for (const auto& m : models_) everyone.push_back(&m);
    for (const auto& missing : unprovided(contract_of(chosen))) {
      const ModelInfo* m = chosen[missing.model];
      std::string could;
      for (const auto* o : owners(everyone, missing.kind, missing.name))
        could += (could.empty() ? "" : " or ") + ("models." + o->slot + " = \"" + o->name + "\"");
      const std::string key = "models." + m->slot;
      diags.push_back(Diagnostic{spec.setting(key).where, key,
                                 key + " = \"" + m->name + "\" " + (missing.is_read ? "reads" : "writes") + " the " +
                                     name_of(missing.kind) + " '" + missing.name + "', which no selected model provides" +
                                     (could.empty() ? std::string() : "; " + could + " provides it"),
                                 ""});
    }
  });
  for (const auto& m : models_) all.insert(all.end(), m.checks.begin(), m.checks.end());
  return all;
}

}  // namespace mobsim
