#pragma once
// Channels into a destination and how one is taken (tested in
// tests/models/mobility/migration_test.cpp, MigrationChannels.*).
#include <cstdint>

namespace mobsim::models {

enum ChannelCode : std::uint8_t {
  kInternal = 0,    // within the country
  kCitizen,         // into the country of nationality
  kFreeMovement,    // within a free-movement bloc
  kFamily,          // family reunification
  kWorkVisa,
  kStudyVisa,
  kIrregular,
  kReturn,          // return migration home
  kChannelCount,
  kPathway = 0xFE,   // applies to a legal pathway (a quota; the pathway model moves those admitted)
  kNoChannel = 0xFF  // gives up
};

// Probabilities that each channel is open to a person for one destination.
struct ChannelOdds {
  bool citizen_or_free = false;  // internal move, own country, or free movement: always open
  double family = 0, work = 0, study = 0, irregular = 0;
  std::uint8_t pathway = 0;  // 1 + legal pathway with places left (one can apply), or 0

  // Probability that at least one channel is open (the channels are independent).
  double any() const {
    if (citizen_or_free || pathway > 0) return 1.0;
    return 1.0 - (1.0 - family) * (1.0 - work) * (1.0 - study) * (1.0 - irregular);
  }
};

// The channel taken, tried in the order family, work visa, legal pathway
// (an application, always possible while places are left), study visa,
// irregular, each with its own uniform draw u[0..3]; kNoChannel if none
// opens. (Citizenship and free movement are handled before.)
inline std::uint8_t pick_channel(const ChannelOdds& odds, const double u[4]) {
  if (u[0] < odds.family) return kFamily;
  if (u[1] < odds.work) return kWorkVisa;
  if (odds.pathway > 0) return kPathway;
  if (u[2] < odds.study) return kStudyVisa;
  if (u[3] < odds.irregular) return kIrregular;
  return kNoChannel;
}

}  // namespace mobsim::models
