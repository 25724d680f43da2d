// Arrival: the legal status a move gives, by channel, in the country of the
// city reached. Every move of this model ends here, so that what a move
// leaves behind (relocation.hpp) and the move request are made in one place.
#include <algorithm>
#include <cmath>

#include "migration_model.hpp"

namespace mobsim::models::migration {

// Legal state on arrival in `to` by `channel`; the job, the home and any
// return order are left behind. Requests the move.
void BehaviouralMigration::settle(World& world, AgentTable& a, std::uint32_t r, std::size_t to, std::uint8_t channel,
                                  std::size_t nat, const Draw& draw, std::vector<Move>& moves) const {
  const std::uint32_t step = world.step();
  auto legal = a.col(core::legal_status);
  auto permit_end = a.col(permit_end_);
  const auto here = geography_.city(to).country_index;
  switch (channel) {
    case kInternal: break;
    case kCitizen:
    case kReturn:
      if (nat == here || geography_.country_of_place(a.col(core::origin)[r]) == here) {
        legal[r] = code(LegalStatus::citizen);
        permit_end[r] = 0;
      }
      break;
    case kFreeMovement:
      legal[r] = code(LegalStatus::free_mover);
      permit_end[r] = 0;
      break;
    case kFamily:
    case kWorkVisa:
    case kStudyVisa:
      legal[r] = code(channel == kFamily     ? LegalStatus::temporary_permit
                      : channel == kWorkVisa ? LegalStatus::work_permit
                                             : LegalStatus::student);
      permit_end[r] = static_cast<std::uint16_t>(step + static_cast<int>(world.fields().at(permit_steps_, to)[0]));
      break;
    case kIrregular: {
      // In a transit hub or another country by the irregular route: free
      // movement or citizenship may still apply there; otherwise the
      // migrant may claim asylum.
      permit_end[r] = 0;
      if (nat == here) {
        legal[r] = code(LegalStatus::citizen);
      } else if (world.fields().at(free_, to)[nat] > 0) {
        legal[r] = code(LegalStatus::free_mover);
      } else if (a.col(transit_)[r] == kNotInTransit && draw.unit(2) < p_.asylum_application_probability) {
        legal[r] = code(LegalStatus::asylum_seeker);
        permit_end[r] = static_cast<std::uint16_t>(
            step + std::max(1.0, std::ceil(world.fields().at(decision_, to)[0] / clock_.step_months)));
      } else {
        legal[r] = code(LegalStatus::irregular);
      }
      break;
    }
    default: break;
  }
  leave_behind(a, r, step, relocation_);
  moves.push_back(Move{r, static_cast<std::uint16_t>(to), channel_id_[channel]});
}

}  // namespace mobsim::models::migration
