// Households that move together, and households that reunite.
//
// Moving together: a resident who moves to a city of another country (by
// any model's move in the decide phase) takes their family along when the
// family needs no permit there: a move into the country of the mover's
// nationality (a return home included), or a free mover's move (family
// members of EU citizens may accompany them: Directive 2004/38/EC art. 3
// and 7; the ECOWAS and EAC protocols likewise, approx.). Otherwise the
// mover goes alone, keeping the household number (the household then lives
// in two cities, the new economics of labour migration), and the family
// left behind may join later.
//
// Within a country movers go alone and families are not reunited: the
// simulated cities of one country are near neighbours with a large gross
// exchange of working-age people (Kampala and Entebbe exchange about a tenth
// of Entebbe's residents a year in the baseline), calibrated in persons;
// carried by whole households, its net would be several times the observed
// (assumption; a limitation, MODEL.md section 8). A household split between
// two cities of one country keeps pooling its income.
//
// Reuniting: each step, a resident "sponsor" whose household was formed in
// a simulated city of another country, and who may sponsor family (below),
// is joined there by the members of their household left in that city with
// the probability `family_moves.reunification_per_year` per year of a step
// (a mobility shock holds it back like other international moves).
// Sponsors: citizens, free movers and refugees at once (the Family
// Reunification Directive 2003/86/EC art. 12 spares refugees its
// conditions); permanent residents and holders of a work or family permit
// once employed (art. 7: stable resources) and resident for
// `networks.settled_after_years` (art. 8: up to two years of lawful stay);
// never students, asylum seekers, residents without papers or circular
// scheme participants (the Seasonal Workers Directive 2014/36/EU gives no
// family reunification).
//
// Who is family: households hold no roles (a household's adults are any
// adults), so the mover's or sponsor's family is read from ages and sex:
// the children (under `budget.adult_age_years`) whose oldest possible
// parent in the household (a member `households.parent_age_gap_min_years`
// to `..._max_years` older) is of the mover's generation (less than the
// smallest parent gap apart from them), and one partner: the adult of the
// other sex and of that generation closest in age. Other adults of the
// generation (siblings, cousins of an extended household) make their own
// decisions. Without a child of theirs nobody comes along: a young adult
// leaves their parents and younger siblings behind, and a couple without
// children moves one partner at a time. Members who are moving or leaving
// already this step, scheme participants and migrants waiting in transit
// stay where they are.
//
// Legal status: a family member who is a national of the destination's country is a
// citizen there, those who move with a mover take the mover's status and
// permit end (dependants' derived status; with a citizen coming home,
// citizenship by descent or marriage, the general rule in the Dialogue
// countries, approx.: the citizenship column then holds the new
// nationality, so that the migration model no longer sends them "home" to
// the city of birth as recent migrants), and those who join a sponsor
// get free movement (a free mover's family), refugee status (a refugee's
// family: derived status, assumption) or a family permit of the
// destination's permit length.
#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "declare.hpp"
#include "household_groups.hpp"
#include "levers.hpp"
#include "register_models.hpp"
#include "relocation.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kReunificationDraw = purpose("family_moves.reunification");
inline const std::string kReunificationChannel = "household_reunification";

struct Params {
  double reunification_per_year;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::reunification_per_year,
           real_param("family_moves.reunification_per_year", "per year", 0.25, 0.0, 12.0,
                      "Yearly probability that a sponsor's family left in another city joins them",
                      "assumption: most reunifying spouses and children join within a few years of the "
                      "principal migrant's arrival (OECD International Migration Outlook 2019, ch. 4, approx.); "
                      "0.25 a year from the sponsor's eligibility puts the median wait at about 2.8 years")),
  };
  return table;
}

// A sponsor's family may join them in `city` (reuniting, above).
struct Sponsor {
  std::uint32_t household;
  std::uint32_t row;  // in `city`
  std::uint16_t city;
  std::uint16_t age_months;
  std::uint8_t sex;
  std::uint8_t legal;
};

// A family member who joins a sponsor, once the sponsor is known to stay.
struct Joiner {
  Move move;
  std::uint16_t sponsor_city;
  std::uint32_t sponsor_row;
  std::uint8_t legal;
  std::uint16_t permit_end;
};

// The family that goes with one mover or joins one sponsor.
struct Principal {
  std::uint32_t household;
  std::uint32_t row;         // the mover's row in this city, or the sponsor's in theirs
  std::uint16_t destination;
  std::uint8_t channel;
  bool joins;                // true: joins a sponsor; false: goes with a mover
  std::uint16_t age_months;
  std::uint8_t sex;          // the principal's own (a sponsor's row is in another city's table)
  std::uint8_t legal;
  std::uint16_t permit_end;
};

class FamilyMoves : public Model {
 public:
  explicit FamilyMoves(ModelSetup& setup)
      : clock_(setup.clock),
        geography_(setup.geography),
        p_(bound_params().read(setup.spec)),
        numbers_(setup.geography.city_count()),
        adult_months_(static_cast<int>(setup.spec.integer("budget.adult_age_years")) * 12),
        gap_min_months_(static_cast<int>(setup.spec.integer("households.parent_age_gap_min_years")) * 12),
        gap_max_months_(static_cast<int>(setup.spec.integer("households.parent_age_gap_max_years")) * 12),
        settled_steps_(std::llround(setup.spec.real("networks.settled_after_years") * 12.0 /
                                    setup.clock.step_months)) {}

  void initialise(World& world) override {
    const auto& s = world.schema();
    household_ = s.find<std::uint32_t>(kHouseholdColumn);
    relocation_ = RelocationColumns::find(world);
    citizenship_ = s.find<std::uint8_t>(kCitizenshipColumn);
    if (s.has(kSchemeColumn)) scheme_ = s.find<std::uint8_t>(kSchemeColumn);
    if (s.has(kTransitColumn)) transit_ = s.find<std::uint16_t>(kTransitColumn);
    permit_steps_ = world.field_schema().find(kWorkPermitStepsField);
    move_factor_ = world.field_schema().find(international_move_lever().name);
    channel_ = world.channel(kReunificationChannel);
  }

  void run(Phase, World& world) override {
    const std::size_t n = world.city_count();
    moved_along_.assign(n, 0);
    joined_.assign(n, 0);
    const std::uint32_t step = world.step();
    // Sponsors whose draw came up, found in their own cities, then handed to
    // the cities where their households were formed, in city and row order.
    std::vector<std::vector<Sponsor>> drawn(n);
    std::vector<std::unordered_set<std::uint32_t>> busy(n);  // rows already moving or leaving [city]
    parallel_for_cities(world, [&](std::size_t d) {
      busy[d] = busy_rows(world, d);
      drawn[d] = find_sponsors(world, d, step, busy[d]);
    });
    std::vector<std::vector<Sponsor>> sponsors_of(n);
    for (std::size_t d = 0; d < n; ++d)
      for (const Sponsor& s : drawn[d]) sponsors_of[numbers_.city_of(s.household)].push_back(s);
    // Each city's families go with its movers; those its movers do not take
    // join their sponsors, unless the sponsor is moving away with family of
    // their own this step (known once every city has taken its followers).
    std::vector<std::vector<std::uint32_t>> following(n);  // rows, ascending
    std::vector<std::vector<Joiner>> joining(n);
    parallel_for_cities(world, [&](std::size_t c) {
      move_families(world, c, step, sponsors_of[c], busy[c], following[c], joining[c]);
    });
    parallel_for_cities(world, [&](std::size_t c) {
      std::vector<Move> moves;
      AgentTable& a = world.agents(c);
      for (const Joiner& j : joining[c]) {
        const auto& gone = following[j.sponsor_city];
        if (std::binary_search(gone.begin(), gone.end(), j.sponsor_row)) continue;
        a.col(core::legal_status)[j.move.row] = j.legal;
        a.col(relocation_.permit_end)[j.move.row] = j.permit_end;
        leave_behind(a, j.move.row, step, relocation_);
        moves.push_back(j.move);
      }
      joined_[c] = moves.size();
      moved_along_[c] = following[c].size();
      world.request_city_moves(c, moves);
    });
  }

  void observe(const World& world, SeriesOut& out) const override {
    auto& along = out["moved_with_family"];
    auto& joining = out["left_to_join_family"];
    if (world.step() == 0 || moved_along_.empty()) return;
    const auto scale = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      along[c] = static_cast<double>(moved_along_[c]) * scale;
      joining[c] = static_cast<double>(joined_[c]) * scale;
    }
  }

  // What observe reports of the last step (empty before the first).
  void checkpoint(StateArchive& ar) override {
    ar("moved_along", moved_along_);
    ar("joined", joined_);
  }

 private:
  bool lawful_sponsor(std::uint8_t legal, bool employed, std::uint32_t stay_steps) const {
    switch (static_cast<LegalStatus>(legal)) {
      case LegalStatus::citizen:
      case LegalStatus::free_mover:
      case LegalStatus::refugee:
        return true;
      case LegalStatus::permanent_resident:
      case LegalStatus::work_permit:
      case LegalStatus::temporary_permit:
        return employed && stay_steps >= settled_steps_;
      default:
        return false;
    }
  }

  // Whether row r may move with family now: not a scheme participant, not
  // waiting in transit.
  bool free_to_move(const AgentTable& a, std::uint32_t r) const {
    if (scheme_ && a.col(*scheme_)[r] != 0) return false;
    return !(transit_ && a.col(*transit_)[r] != kNotInTransit);
  }

  // The rows of `city` that other models move or send away this step.
  static std::unordered_set<std::uint32_t> busy_rows(const World& world, std::size_t city) {
    std::unordered_set<std::uint32_t> busy;
    for (const Move& m : world.requested_moves(city)) busy.insert(m.row);
    for (const auto& [row, flow] : world.requested_departures(city)) busy.insert(row);
    return busy;
  }

  std::vector<Sponsor> find_sponsors(const World& world, std::size_t d, std::uint32_t step,
                                     const std::unordered_set<std::uint32_t>& busy) const {
    std::vector<Sponsor> out;
    const AgentTable& a = world.agents(d);
    const double open = world.fields().at(move_factor_, d)[0];
    const std::size_t here = geography_.city(d).country_index;
    const double p = (1.0 - std::exp(-p_.reunification_per_year * clock_.years_per_step())) * open;
    if (!(p > 0)) return out;
    const auto household = a.col(household_);
    const auto age = a.col(core::age_months);
    const auto sex = a.col(core::sex);
    const auto legal = a.col(core::legal_status);
    const auto employment = a.col(core::employment);
    const auto arrival = a.col(relocation_.arrival);
    const auto id = a.col(core::id);
    // Residents whose household was formed elsewhere are few: blocks without
    // one are skipped by a test that vectorises.
    const std::uint32_t base = numbers_.base_of(d), limit = numbers_.max_serial();
    constexpr std::uint32_t kBlock = 64;
    const auto n = static_cast<std::uint32_t>(a.size());
    for (std::uint32_t begin = 0; begin < n; begin += kBlock) {
      const std::uint32_t end = std::min(n, begin + kBlock);
      std::uint32_t all_local = 1;
      for (std::uint32_t r = begin; r < end; ++r)
        all_local &= (household[r] - base <= limit) | (household[r] == kNoHousehold);
      if (all_local) continue;
      for (std::uint32_t r = begin; r < end; ++r) {
        const std::uint32_t h = household[r];
        if (h == kNoHousehold || h - base <= limit || numbers_.city_of(h) >= world.city_count()) continue;
        if (geography_.city(numbers_.city_of(h)).country_index == here) continue;  // within the country: apart
        if (age[r] < adult_months_ || !free_to_move(a, r) || busy.count(r) > 0) continue;
        if (!lawful_sponsor(legal[r], employment[r] == code(Employment::employed), step - arrival[r])) continue;
        if (world.rng().agent(id[r], step, kReunificationDraw).unit(0) >= p) continue;
        out.push_back(Sponsor{h, r, static_cast<std::uint16_t>(d), age[r], sex[r], legal[r]});
      }
    }
    return out;
  }

  // The movers' families go with them; the drawn sponsors' families are
  // listed to join them (`joining`, with each move's sponsor). `busy`
  // gains the family members who go.
  void move_families(World& world, std::size_t c, std::uint32_t step, const std::vector<Sponsor>& sponsors,
                     std::unordered_set<std::uint32_t>& busy, std::vector<std::uint32_t>& following,
                     std::vector<Joiner>& joining) const {
    AgentTable& a = world.agents(c);
    const auto household = a.col(household_);
    const auto legal = a.col(core::legal_status);
    const auto age = a.col(core::age_months);
    const auto sex = a.col(core::sex);
    auto permit_end = a.col(relocation_.permit_end);
    auto citizenship = a.col(citizenship_);
    const std::size_t here = geography_.city(c).country_index;
    std::vector<Principal> principals;
    for (const Move& m : world.requested_moves(c)) {
      const std::uint32_t h = household[m.row];
      if (h == kNoHousehold) continue;
      const std::size_t there = geography_.city(m.destination).country_index;
      if (there == here) continue;  // within the country: alone (module comment)
      const bool no_permit =
          nationality_of(a, m.row) == there || legal[m.row] == code(LegalStatus::free_mover);
      if (no_permit)
        principals.push_back(Principal{h, m.row, m.destination, m.channel, false, age[m.row], sex[m.row],
                                       legal[m.row], permit_end[m.row]});
    }
    for (const Sponsor& s : sponsors)
      principals.push_back(
          Principal{s.household, s.row, s.city, channel_, true, s.age_months, s.sex, s.legal, 0});
    if (principals.empty()) return;

    std::vector<std::uint32_t> households;
    for (const Principal& p : principals) households.push_back(p.household);
    const auto members = rows_of_households(household, households);

    std::vector<Move> moves;
    std::unordered_set<std::uint32_t> done;  // households whose family has gone
    for (const Principal& p : principals) {
      if (!done.insert(p.household).second) continue;
      std::vector<std::uint32_t> family = family_of(a, p, members.at(p.household), busy);
      // Every principal crosses a border (within a country nobody follows or joins).
      const std::size_t there = geography_.city(p.destination).country_index;
      for (const std::uint32_t r : family) {
        busy.insert(r);
        std::uint8_t status;
        std::uint16_t end;
        if (nationality_of(a, r) == there) {
          status = code(LegalStatus::citizen);
          end = 0;
        } else if (!p.joins) {
          status = p.legal;
          end = p.permit_end;
          // A citizen's child or partner coming home with them is a national
          // there (citizenship by descent or by marriage, assumption), and
          // no longer a migrant who calls the city of birth home.
          if (p.legal == code(LegalStatus::citizen)) citizenship[r] = static_cast<std::uint8_t>(there + 1);
        } else if (p.legal == code(LegalStatus::free_mover) || p.legal == code(LegalStatus::refugee)) {
          status = p.legal;
          end = 0;
        } else {
          status = code(LegalStatus::temporary_permit);
          end = static_cast<std::uint16_t>(step + static_cast<int>(world.fields().at(permit_steps_, p.destination)[0]));
        }
        const Move move{r, p.destination, p.channel};
        if (p.joins) {
          joining.push_back(Joiner{move, p.destination, p.row, status, end});
          continue;
        }
        legal[r] = status;
        permit_end[r] = end;
        leave_behind(a, r, step, relocation_);
        moves.push_back(move);
        following.push_back(r);
      }
    }
    world.request_city_moves(c, moves);
    std::sort(following.begin(), following.end());
  }

  // The principal's family among `members` (module comment): their
  // children and their partner, or nobody without a child of theirs.
  std::vector<std::uint32_t> family_of(const AgentTable& a, const Principal& p,
                                       const std::vector<std::uint32_t>& members,
                                       const std::unordered_set<std::uint32_t>& busy) const {
    const auto age = a.col(core::age_months);
    const auto sex = a.col(core::sex);
    const auto same_generation = [&](int months) { return std::abs(months - static_cast<int>(p.age_months)) < gap_min_months_; };
    // A mover is a member of the household here; a sponsor's row belongs to
    // their own city's table and says nothing about the rows here.
    const auto is_principal = [&](std::uint32_t m) { return !p.joins && m == p.row; };
    std::vector<std::uint32_t> family;
    std::optional<std::uint32_t> partner;
    for (const std::uint32_t m : members) {
      if (is_principal(m)) continue;
      if (busy.count(m) > 0 || !free_to_move(a, m)) continue;
      if (age[m] >= adult_months_) {
        // The partner: of the other sex and the principal's generation, the
        // closest in age (siblings and cousins of the generation stay).
        if (sex[m] == p.sex || !same_generation(age[m])) continue;
        const auto gap = [&](std::uint32_t o) { return std::abs(static_cast<int>(age[o]) - static_cast<int>(p.age_months)); };
        if (!partner || gap(m) < gap(*partner)) partner = m;
        continue;
      }
      // The child's oldest possible parent: among the household's adults
      // here and the principal.
      int oldest = -1;
      const auto consider = [&](int parent_months) {
        const int gap = parent_months - age[m];
        if (gap >= gap_min_months_ && gap <= gap_max_months_) oldest = std::max(oldest, parent_months);
      };
      consider(p.age_months);
      for (const std::uint32_t o : members)
        if (age[o] >= adult_months_) consider(age[o]);
      if (oldest >= 0 && same_generation(oldest)) family.push_back(m);
    }
    if (family.empty()) return family;
    if (partner) family.insert(std::lower_bound(family.begin(), family.end(), *partner), *partner);
    return family;
  }

  std::size_t nationality_of(const AgentTable& a, std::uint32_t r) const {
    const auto k = geography_.country_of_place(a.col(core::origin)[r]);
    const std::size_t birth = k == Geography::kNoCountry ? geography_.countries().size() : k;
    return nationality(a.col(citizenship_)[r], static_cast<std::uint16_t>(birth), geography_.countries().size());
  }

  const Clock& clock_;
  const Geography& geography_;
  Params p_;
  HouseholdNumbers numbers_;
  int adult_months_, gap_min_months_, gap_max_months_;
  std::int64_t settled_steps_;
  Column<std::uint32_t> household_{};
  RelocationColumns relocation_;
  Column<std::uint8_t> citizenship_{};
  std::optional<Column<std::uint8_t>> scheme_;
  std::optional<Column<std::uint16_t>> transit_;
  CityField permit_steps_, move_factor_;
  std::uint8_t channel_ = 0;
  std::vector<std::size_t> moved_along_, joined_;  // agents this step [city of departure]
};

}  // namespace

ModelInfo family_moves_model() {
  ModelInfo info;
  info.slot = "family_moves";
  info.slot_meaning = "Households that move together between the simulated cities, or reunite later";
  info.slot_may_be_none = true;
  info.name = "follow_and_reunite";
  info.summary = "a mover's children and partner go along where they need no permit; otherwise the family left "
                 "behind joins a settled, lawfully resident sponsor at a yearly rate";
  info.is_default = true;
  info.phases = {Phase::decide};
  info.params = bound_params().declarations();
  info.requires_slots = {"households", "labour", "housing", "legal_status", "budget"};
  info.channels = {kReunificationChannel};
  info.series = {
      SeriesDecl{"moved_with_family", "persons",
                 "Family members who left the city during the step with a mover they belong with (on the mover's "
                 "channel)",
                 true, SeriesKind::flow},
      SeriesDecl{"left_to_join_family", "persons",
                 "Family members who left the city during the step to join a sponsor in another city "
                 "(channel household_reunification)",
                 true, SeriesKind::flow},
  };
  const auto decide = Phase::decide;
  info.state.reads = {
      reads_column(kHouseholdColumn, decide),
      reads_field(kWorkPermitStepsField, decide),
      // The movers of the step: every model that moves people marks them
      // (leave_behind) earlier in decide, and their families go after them.
      reads_column(kArrivalColumn, decide, ReadTiming::this_step),
      optional(reads_column(kSchemeColumn, decide), "no circular scheme participants to leave alone"),
      optional(reads_column(kTransitColumn, decide), "nobody waits in transit"),
  };
  info.state.writes = {
      writes_column(kCitizenshipColumn, {decide}, "a citizen's family coming home with them become nationals"),
  };
  reads_lever(info.state, international_move_lever(), decide);
  declare_relocation(info.state, {decide});
  info.make = [](ModelSetup& setup) { return std::make_unique<FamilyMoves>(setup); };
  return info;
}

}  // namespace mobsim::models
