#pragma once
// Agents in structure-of-arrays storage, one table per city (agents are
// grouped by the city that owns them, so cities can later be spread over MPI
// ranks). Columns are declared in an AgentSchema: the engine declares the
// core attributes, models may add their own before agents are created.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "state.hpp"
#include "state_archive.hpp"

namespace mobsim {

enum class Sex : std::uint8_t { female = 0, male = 1 };
enum class Skill : std::uint8_t { low = 0, medium = 1, high = 2 };
enum class Employment : std::uint8_t { inactive = 0, unemployed = 1, employed = 2 };
enum class LegalStatus : std::uint8_t {
  citizen = 0,
  permanent_resident = 1,
  free_mover = 2,
  work_permit = 3,
  temporary_permit = 4,
  student = 5,
  asylum_seeker = 6,
  refugee = 7,
  irregular = 8,
};
const char* name_of(LegalStatus status);

template <class E>
constexpr std::uint8_t code(E e) {
  return static_cast<std::uint8_t>(e);
}

using ColumnData = std::variant<std::vector<std::uint8_t>, std::vector<std::uint16_t>, std::vector<std::uint32_t>,
                                std::vector<std::uint64_t>, std::vector<std::int32_t>, std::vector<float>,
                                std::vector<double>>;

// Typed handle of a column; T is the stored element type.
template <class T>
struct Column {
  std::uint32_t index;
};

// Agent ids are unique without a shared counter: the top 16 bits hold the
// index of the city that created the agent, the low 48 bits that city's serial.
constexpr std::uint64_t make_agent_id(std::uint32_t city, std::uint64_t serial) {
  return (static_cast<std::uint64_t>(city) << 48) | serial;
}
constexpr std::uint64_t kMaxSerial = (std::uint64_t{1} << 48) - 1;

// Core columns every agent has (declared by the engine in this order).
namespace core {
inline constexpr Column<std::uint64_t> id{0};
inline constexpr Column<std::uint16_t> origin{1};      // place of birth (see Geography)
inline constexpr Column<std::uint16_t> age_months{2};
inline constexpr Column<std::uint8_t> sex{3};           // Sex
inline constexpr Column<std::uint8_t> skill{4};         // Skill
inline constexpr Column<std::uint8_t> employment{5};    // Employment
inline constexpr Column<std::uint8_t> legal_status{6};  // LegalStatus
}  // namespace core

class AgentSchema {
 public:
  AgentSchema();  // declares the core columns

  template <class T>
  Column<T> add(std::string name, std::string meaning) {
    for (const auto& c : columns_)
      if (c.name == name) throw std::logic_error("agent column declared twice: " + name);
    if (log_) log_->record(StateLog::Access::add, StateKind::agent_column, name, element_type_name<T>());
    columns_.push_back({std::move(name), std::move(meaning), ColumnData{std::vector<T>{}}});
    return Column<T>{static_cast<std::uint32_t>(columns_.size() - 1)};
  }

  // A column another model declared; throws std::logic_error if it is
  // missing or has another element type.
  template <class T>
  Column<T> find(const std::string& name) const {
    if (log_) log_->record(StateLog::Access::find, StateKind::agent_column, name, element_type_name<T>());
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].name != name) continue;
      if (!std::holds_alternative<std::vector<T>>(columns_[i].prototype))
        throw std::logic_error("agent column '" + name + "' has another type");
      return Column<T>{static_cast<std::uint32_t>(i)};
    }
    throw std::logic_error("no selected model provides the agent column '" + name + "'");
  }

  bool has(const std::string& name) const {
    if (log_) log_->record(StateLog::Access::probe, StateKind::agent_column, name);
    for (const auto& c : columns_)
      if (c.name == name) return true;
    return false;
  }
  std::size_t size() const { return columns_.size(); }
  const std::string& name(std::size_t i) const { return columns_[i].name; }
  const std::string& meaning(std::size_t i) const { return columns_[i].meaning; }
  std::size_t bytes_per_agent() const;
  std::size_t element_bytes(std::size_t i) const;
  ColumnData empty_column(std::size_t i) const { return columns_[i].prototype; }
  // Records what the models set up next create and look up (nullptr: stop).
  void attach(StateLog* log) const { log_ = log; }

 private:
  struct Decl {
    std::string name;
    std::string meaning;
    ColumnData prototype;
  };
  std::vector<Decl> columns_;
  mutable StateLog* log_ = nullptr;
};

class AgentTable {
 public:
  explicit AgentTable(const AgentSchema& schema);

  std::size_t size() const { return size_; }

  template <class T>
  std::span<T> col(Column<T> c) {
    return std::get<std::vector<T>>(columns_[c.index]);
  }
  template <class T>
  std::span<const T> col(Column<T> c) const {
    return std::get<std::vector<T>>(columns_[c.index]);
  }

  // Adds n zero-initialised rows; returns the index of the first.
  std::size_t append_zeroed(std::size_t n);
  // Appends rows [begin, end) of `src` (same schema).
  void append_range(const AgentTable& src, std::size_t begin, std::size_t end);
  // Appends the listed rows of `src`, in the order given.
  void append_rows(const AgentTable& src, std::span<const std::uint32_t> rows);
  // Removes the listed rows (strictly ascending) by moving the last rows into
  // the holes: O(removed), and deterministic for a given list.
  void swap_remove(std::span<const std::uint32_t> ascending_rows);
  // Where `rows` (ascending, none of them removed) are after swap_remove of
  // `removed` from a table of `size` rows, ascending: for a second removal
  // in the same pass.
  static std::vector<std::uint32_t> rows_after_swap_remove(std::size_t size, std::span<const std::uint32_t> removed,
                                                           std::vector<std::uint32_t> rows);
  // Puts row order[i] at row i, for every row (order is a permutation of
  // 0..size-1; the caller guarantees it): one column at a time.
  void reorder(std::span<const std::uint32_t> order);
  void reserve(std::size_t n);
  void clear();
  // Every column's values, under the schema's column names (a checkpoint).
  // Loading, `stored` gives the schema's index of each column the
  // checkpoint holds, in its order (saving ignores it); a column it does
  // not hold must be all zero and stays zero for every row (a fork's
  // policy column that its base did not have).
  void checkpoint(StateArchive& ar, const AgentSchema& schema, std::span<const std::uint32_t> stored);

 private:
  std::vector<ColumnData> columns_;
  std::size_t size_ = 0;
};

// Every core column of one table, fetched at once by kernels that fill in
// whole agents (the initial population, newborns, newcomers).
struct CoreColumns {
  std::span<std::uint64_t> id;
  std::span<std::uint16_t> origin;
  std::span<std::uint16_t> age_months;
  std::span<std::uint8_t> sex;
  std::span<std::uint8_t> skill;
  std::span<std::uint8_t> employment;
  std::span<std::uint8_t> legal_status;
};
CoreColumns core_columns(AgentTable& table);

}  // namespace mobsim
