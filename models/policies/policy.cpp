#include "policy.hpp"

#include <algorithm>

#include "agents.hpp"
#include "declare.hpp"

namespace mobsim::models {

namespace {

const std::vector<std::string> kSkillNames{"low", "medium", "high"};

std::string entry_path(const std::string& collection, const CollectionEntry& e, const std::string& field) {
  return collection + "." + toml_key(e.name) + "." + field;
}

}  // namespace

Window window_of(const CollectionEntry& entry, const Clock& clock) {
  return Window{clock.months_until(entry.text("start")), clock.months_until(entry.text("end"))};
}

std::vector<ParamDecl> window_fields(const std::string& what) {
  return {month_param("start", std::nullopt, "First month " + what + " is in force", "scenario"),
          month_param("end", std::string("9999-12"), "Month " + what + " ends (not included); default: never",
                      "scenario")};
}

namespace {

// A policy in force during `window` that no step of the run begins in.
void warn_never_in_force(const std::string& collection, const CollectionEntry& e, const Clock& clock,
                         const std::string& field, const Window& window, const std::string& what,
                         std::vector<Diagnostic>& diags) {
  for (int t = 1; t <= clock.steps; ++t)
    if (window.contains(clock, static_cast<std::uint32_t>(t))) return;
  std::string why;
  if (window.start_month >= clock.month_of_step(clock.steps) + clock.step_months)
    why = "after the run ends";
  else if (window.end_month <= 0)
    why = "before the run starts";
  else
    why = "between two steps of " + std::to_string(clock.step_months) + " months";
  diags.push_back(Diagnostic{e.field(field).where, entry_path(collection, e, field),
                             what + " lies " + why + " (the steps of the run begin from " + clock.label(0) +
                                 " to " + clock.label(clock.steps - 1) + "): it never acts",
                             "move it into the run, or lengthen run.duration_months", Severity::warning});
}

}  // namespace

ScenarioCheck window_check(const std::string& collection) {
  return [collection](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    const Clock clock = Clock::from(spec);
    for (const auto& e : spec.entries(collection)) {
      if (e.text("end") <= e.text("start")) {  // "YYYY-MM" strings order like months
        diags.push_back(Diagnostic{e.field("end").where, entry_path(collection, e, "end"),
                                   "ends (" + e.text("end") + ") before it starts (" + e.text("start") + ")", ""});
        continue;
      }
      warn_never_in_force(collection, e, clock, "start", window_of(e, clock),
                          e.text("end") == "9999-12" ? "its window from " + e.text("start")
                                                     : "its window " + e.text("start") + " to " + e.text("end"),
                          diags);
    }
  };
}

ScenarioCheck date_check(const std::string& collection, const std::string& field) {
  return [collection, field](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    const Clock clock = Clock::from(spec);
    for (const auto& e : spec.entries(collection)) {
      // Acts in the step whose months contain the date (Regularisations).
      const int month = clock.months_until(e.text(field));
      const int step_start = month < 0 ? month : (month / clock.step_months) * clock.step_months;
      const int step_end = month < 0 ? month + 1 : step_start + clock.step_months;
      warn_never_in_force(collection, e, clock, field, Window{step_start, step_end},
                          "its " + field + " (" + e.text(field) + ")", diags);
    }
  };
}

ScenarioCheck quota_scale_check(const std::string& collection, const std::string& field) {
  return [collection, field](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    const std::int64_t people_per_agent = spec.integer("run.people_per_agent");
    for (const auto& e : spec.entries(collection)) {
      const std::int64_t persons = e.integer(field);
      if (persons <= 0 || persons >= people_per_agent) continue;
      diags.push_back(Diagnostic{
          e.field(field).where, entry_path(collection, e, field),
          std::to_string(persons) + " persons a year round down to 0 agents at run.people_per_agent = " +
              std::to_string(people_per_agent) + ": it admits nobody",
          "run at run.people_per_agent = " + std::to_string(persons) + " or finer", Severity::warning});
    }
  };
}

TargetGroup target_group_of(const CollectionEntry& entry) {
  TargetGroup g;
  g.min_age_months = static_cast<int>(entry.integer("min_age_years")) * 12;
  g.max_age_months = static_cast<int>(entry.integer("max_age_years") + 1) * 12;
  const std::string& sex = entry.text("sex");
  g.sex = sex == "female" ? code(Sex::female) : sex == "male" ? code(Sex::male) : -1;
  const auto& levels = entry.names("skill_levels");
  for (std::size_t s = 0; s < kSkillNames.size(); ++s)
    g.skill[s] = std::find(levels.begin(), levels.end(), kSkillNames[s]) != levels.end();
  return g;
}

std::vector<ParamDecl> target_group_fields(std::int64_t min_age_years, std::int64_t max_age_years,
                                           const std::string& source) {
  return {integer_param("min_age_years", "years", min_age_years, 0, 120, "Youngest age (in completed years) eligible",
                        source),
          integer_param("max_age_years", "years", max_age_years, 0, 120, "Oldest age (in completed years) eligible",
                        source),
          choice_param("sex", {"any", "female", "male"}, "any", "Sex of the people the programme is open to", source),
          text_list_param("skill_levels", kSkillNames, "Skill levels the programme is open to (low, medium, high)",
                          source)};
}

ScenarioCheck target_group_check(const std::string& collection) {
  return [collection](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    for (const auto& e : spec.entries(collection)) {
      if (e.integer("max_age_years") < e.integer("min_age_years"))
        diags.push_back(Diagnostic{e.field("max_age_years").where, entry_path(collection, e, "max_age_years"),
                                   "is below min_age_years", ""});
      const Setting& levels = e.field("skill_levels");
      const auto& names = e.names("skill_levels");
      for (std::size_t i = 0; i < names.size(); ++i)
        if (std::find(kSkillNames.begin(), kSkillNames.end(), names[i]) == kSkillNames.end())
          diags.push_back(Diagnostic{i < levels.element_positions.size() ? levels.element_positions[i] : levels.where,
                                     entry_path(collection, e, "skill_levels"),
                                     "unknown skill level '" + names[i] + "' (low, medium or high)",
                                     closest_match(names[i], kSkillNames).empty()
                                         ? ""
                                         : "did you mean '" + closest_match(names[i], kSkillNames) + "'?"});
      if (names.empty())
        diags.push_back(Diagnostic{levels.where, entry_path(collection, e, "skill_levels"), "names no skill level", ""});
    }
  };
}

std::vector<bool> cities_named(const Geography& geography, const std::vector<std::string>& names) {
  std::vector<bool> out(geography.city_count(), false);
  for (std::size_t c = 0; c < geography.city_count(); ++c) {
    const City& city = geography.city(c);
    for (const auto& n : names) out[c] = out[c] || n == city.name || n == city.country || n == city.continent;
  }
  return out;
}

ScenarioCheck place_names_check(const std::string& collection, const std::string& field) {
  return [collection, field](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    std::vector<std::string> known;
    for (const auto& c : spec.entries("cities")) {
      known.push_back(c.name);
      known.push_back(c.text("country"));
      known.push_back(c.text("continent"));
    }
    for (const auto& e : spec.entries(collection)) {
      const Setting& s = e.field(field);
      const auto& names = e.names(field);
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (std::find(known.begin(), known.end(), names[i]) != known.end()) continue;
        const std::string close = closest_match(names[i], known);
        diags.push_back(Diagnostic{i < s.element_positions.size() ? s.element_positions[i] : s.where,
                                   entry_path(collection, e, field),
                                   "'" + names[i] + "' is not a city, country or continent of the city data",
                                   close.empty() ? "" : "did you mean '" + close + "'?"});
      }
    }
  };
}

ScenarioCheck needs_slots_when_used(const std::string& collection, const std::vector<std::string>& slots) {
  return [collection, slots](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    const auto& entries = spec.entries(collection);
    if (entries.empty()) return;
    for (const auto& slot : slots)
      if (spec.text("models." + slot) == "none")
        diags.push_back(Diagnostic{entries.front().where, collection + "." + toml_key(entries.front().name),
                                   "needs a model in slot '" + slot + "', but models." + slot + " = \"none\"", ""});
  };
}

ScenarioCheck output_name_check(const std::string& collection) {
  return [collection](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    for (const auto& e : spec.entries(collection))
      if (e.name.find('/') != std::string::npos || e.name.empty())
        diags.push_back(Diagnostic{e.where, collection + "." + toml_key(e.name),
                                   "names an output group: it must be non-empty and must not contain '/'", ""});
  };
}

std::optional<std::size_t> city_of_run(const Geography& geography, const std::string& name) {
  for (std::size_t c = 0; c < geography.city_count(); ++c)
    if (geography.city(c).name == name) return c;
  return std::nullopt;
}

}  // namespace mobsim::models
