#pragma once
// This month's income of an agent, by the budget's rules, worked out where
// it is needed instead of stored (a column would cost 4 bytes an agent and
// a pass to write it): the budget pools it, the housing market tests rents
// against it, the remittances take their share of it. Its terms are the
// budget's per-city fields (unemployment benefit, old-age income, living
// cost, reception allowance, contribution period), the labour market's
// wages and retirement age, and each agent's employment, job, legal status,
// age and step of arrival (Incomes::monthly in household_budget.hpp).
#include <cstddef>
#include <optional>
#include <vector>

#include "agents.hpp"
#include "household_budget.hpp"
#include "state.hpp"
#include "world.hpp"

namespace mobsim::models {

class IncomeRule {
 public:
  // Whether the world has a budget model, whose fields the rule needs.
  static bool available(const World& world);
  // Looks up the columns and fields (those of optional models where present).
  explicit IncomeRule(const World& world);
  // The terms in force in a city now; tenure and rents are left empty.
  Incomes in(const World& world, std::size_t city) const;
  // The age from which agents have an income of their own (children's is 0).
  int adult_months(const World& world, std::size_t city) const;
  // The state a model that works out incomes in `phase` reads (a phase from
  // labour to income: wages and jobs of this step, arrivals of the last);
  // the budget's fields are optional reads with `when_absent` where it is
  // not empty, required ones where it is.
  static std::vector<StateRead> reads(Phase phase, const std::string& when_absent);

 private:
  std::optional<Column<std::uint8_t>> job_;
  std::optional<Column<std::uint16_t>> arrival_;
  std::optional<CityField> wage_, retirement_;
  CityField benefit_, pension_, living_, allowance_, contribution_, adult_;
};

}  // namespace mobsim::models
