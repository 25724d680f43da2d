#pragma once
// The remittances model's pass over every agent each step: who sends, and
// how many adults share what was received. Tested against its plain form in
// tests/models/mobility/migration_test.cpp.
#include <cstddef>
#include <cstdint>

namespace mobsim::models {

struct SenderColumns {
  const std::uint8_t* employment;
  const std::uint16_t* origin;  // place of birth
  const std::uint16_t* age_months;
};

struct SenderSurvey {
  std::size_t senders = 0;  // rows listed
  std::int64_t adults = 0;
};

// Rows [begin, end): lists in row order the employed born elsewhere than
// the city (place `own`) and its hinterland (place `own_hinterland`), and
// counts the agents aged adult_months or more.
SenderSurvey survey_senders_plain(const SenderColumns& c, std::uint16_t own, std::uint16_t own_hinterland,
                                  int adult_months, std::uint32_t begin, std::uint32_t end, std::uint32_t* rows);

// The same results, 32 agents at a time where the processor has AVX2.
SenderSurvey survey_senders(const SenderColumns& c, std::uint16_t own, std::uint16_t own_hinterland, int adult_months,
                            std::uint32_t begin, std::uint32_t end, std::uint32_t* rows);

// The first row in [begin, end) whose household is one of a city's
// recipients: number base + serial with serial <= largest and bit serial of
// `recipients` set (end if none). Plain, and eight rows at a time with
// AVX2; the same results.
std::uint32_t next_recipient_row_plain(const std::uint32_t* household, std::uint32_t base, std::uint32_t largest,
                                       const std::uint64_t* recipients, std::uint32_t begin, std::uint32_t end);
std::uint32_t next_recipient_row(const std::uint32_t* household, std::uint32_t base, std::uint32_t largest,
                                 const std::uint64_t* recipients, std::uint32_t begin, std::uint32_t end);

}  // namespace mobsim::models
