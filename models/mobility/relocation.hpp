#pragma once
// What every move leaves behind, in one place: the job, the home, any order
// to leave; the arrival step is the move's. Used by migration decisions and
// by the policies that move people themselves (legal pathways, circular
// schemes).
#include <optional>
#include <string>
#include <vector>

#include "declare.hpp"
#include "shared_state.hpp"
#include "world.hpp"

namespace mobsim::models {

inline const std::string kNextDecisionColumn = "next_decision_step";

// The columns a move resets (leave_behind), besides the decision schedule.
inline const std::vector<std::string>& left_behind_columns() {
  static const std::vector<std::string> columns{kJobColumn, kTenureColumn, kReturnDueColumn, kArrivalColumn,
                                                kPermitEndColumn};
  return columns;
}

struct RelocationColumns {
  Column<float> savings{};
  Column<std::uint8_t> job{}, tenure{}, return_due{};
  Column<std::uint16_t> permit_end{}, arrival{};
  std::optional<Column<std::uint16_t>> next_decision;

  // Needs the labour, housing, legal status and budget models.
  static RelocationColumns find(const World& world) {
    const auto& s = world.schema();
    RelocationColumns c;
    c.savings = s.find<float>(kSavingsColumn);
    c.job = s.find<std::uint8_t>(kJobColumn);
    c.tenure = s.find<std::uint8_t>(kTenureColumn);
    c.return_due = s.find<std::uint8_t>(kReturnDueColumn);
    c.permit_end = s.find<std::uint16_t>(kPermitEndColumn);
    c.arrival = s.find<std::uint16_t>(kArrivalColumn);
    if (s.has(kNextDecisionColumn)) c.next_decision = s.find<std::uint16_t>(kNextDecisionColumn);
    return c;
  }
  // The same, or nothing when a model that owns one of them is not selected
  // (a mover then leaves only the employment status behind).
  static std::optional<RelocationColumns> find_if_present(const World& world) {
    const auto& s = world.schema();
    if (!s.has(kSavingsColumn)) return std::nullopt;
    for (const auto& name : left_behind_columns())
      if (!s.has(name)) return std::nullopt;
    return find(world);
  }
};

// The state contract of a model that moves people with RelocationColumns
// and leave_behind in `phases`: it reads savings and clears the job, the
// home, any order to leave, the decision schedule, and sets the arrival step.
// `savings_timing` says which savings the mover's decision sees.
inline void declare_relocation(StateDecls& state, const std::vector<Phase>& phases,
                               ReadTiming savings_timing = ReadTiming::this_step) {
  const std::string why = "a move leaves the job, the home and any order to leave behind (leave_behind)";
  state.reads.push_back(reads_column(kSavingsColumn, phases.front(), savings_timing));
  for (const auto& column : left_behind_columns()) state.writes.push_back(writes_column(column, phases, why));
  state.writes.push_back(optional(writes_column(kNextDecisionColumn, phases, why)));
}

inline void leave_behind(AgentTable& a, std::uint32_t row, std::uint32_t step, const RelocationColumns& c) {
  if (a.col(core::employment)[row] == code(Employment::employed)) a.col(core::employment)[row] = code(Employment::unemployed);
  a.col(c.job)[row] = kNoJob;
  a.col(c.tenure)[row] = code(Tenure::unhoused);
  a.col(c.return_due)[row] = 0;
  a.col(c.arrival)[row] = static_cast<std::uint16_t>(step);
  if (c.next_decision) a.col(*c.next_decision)[row] = 0;  // decision opportunities restart in the new place
}

}  // namespace mobsim::models
