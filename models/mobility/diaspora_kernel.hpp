#pragma once
// The networks model's pass over every agent each step: residents by place
// of birth, settled or not. Tested against its plain form in
// tests/models/mobility/migration_test.cpp.
#include <cstdint>

namespace mobsim::models {

struct BirthplaceColumns {
  const std::uint16_t* origin;   // place of birth
  const std::uint16_t* arrival;  // step of arrival (0: present at the start); null: everyone counts as settled
};

struct SettledRule {
  std::int64_t step;
  int settled_steps;  // stay after which a resident counts as settled
};

// Rows [begin, end): counts[2 * place + settled] += 1 for each resident,
// settled when present at the start (arrival 0) or arrived at least
// settled_steps ago.
void count_by_birthplace_plain(const BirthplaceColumns& c, const SettledRule& rule, std::uint32_t begin,
                               std::uint32_t end, std::int64_t* counts);

// The same counts, 32 agents at a time where the processor has AVX2: those
// born in the city or its hinterland (places `own`, `own_hinterland`, most
// residents) counted from bit masks, the others one by one.
void count_by_birthplace(const BirthplaceColumns& c, const SettledRule& rule, std::uint16_t own,
                         std::uint16_t own_hinterland, std::uint32_t begin, std::uint32_t end, std::int64_t* counts);

}  // namespace mobsim::models
