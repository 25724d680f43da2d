#include "agents.hpp"

#include <algorithm>
#include <unordered_map>

#include <stdexcept>

namespace mobsim {

const char* name_of(LegalStatus status) {
  switch (status) {
    case LegalStatus::citizen: return "citizen";
    case LegalStatus::permanent_resident: return "permanent_resident";
    case LegalStatus::free_mover: return "free_mover";
    case LegalStatus::work_permit: return "work_permit";
    case LegalStatus::temporary_permit: return "temporary_permit";
    case LegalStatus::student: return "student";
    case LegalStatus::asylum_seeker: return "asylum_seeker";
    case LegalStatus::refugee: return "refugee";
    case LegalStatus::irregular: return "irregular";
  }
  return "?";
}

AgentSchema::AgentSchema() {
  // Order must match the handles in namespace core.
  add<std::uint64_t>("id", "globally unique id: creating city (16 bits) and that city's serial (48 bits)");
  add<std::uint16_t>("origin", "place of birth: a city, a city's hinterland, or the rest of the world");
  add<std::uint16_t>("age_months", "age in completed months");
  add<std::uint8_t>("sex", "0 female, 1 male");
  add<std::uint8_t>("skill", "0 low, 1 medium, 2 high");
  add<std::uint8_t>("employment", "0 inactive, 1 unemployed, 2 employed");
  add<std::uint8_t>("legal_status", "see LegalStatus");
}

std::size_t AgentSchema::bytes_per_agent() const {
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < columns_.size(); ++i) bytes += element_bytes(i);
  return bytes;
}

std::size_t AgentSchema::element_bytes(std::size_t i) const {
  return std::visit([](const auto& v) { return sizeof(typename std::decay_t<decltype(v)>::value_type); },
                    columns_[i].prototype);
}

AgentTable::AgentTable(const AgentSchema& schema) {
  columns_.reserve(schema.size());
  for (std::size_t i = 0; i < schema.size(); ++i) columns_.push_back(schema.empty_column(i));
}

std::size_t AgentTable::append_zeroed(std::size_t n) {
  const std::size_t first = size_;
  for (auto& c : columns_) std::visit([&](auto& v) { v.resize(first + n); }, c);
  size_ += n;
  return first;
}

void AgentTable::append_range(const AgentTable& src, std::size_t begin, std::size_t end) {
  if (src.columns_.size() != columns_.size()) throw std::logic_error("append_range: schema mismatch");
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    std::visit(
        [&](auto& dst) {
          const auto& from = std::get<std::decay_t<decltype(dst)>>(src.columns_[i]);
          dst.insert(dst.end(), from.begin() + static_cast<std::ptrdiff_t>(begin),
                     from.begin() + static_cast<std::ptrdiff_t>(end));
        },
        columns_[i]);
  }
  size_ += end - begin;
}

void AgentTable::append_rows(const AgentTable& src, std::span<const std::uint32_t> rows) {
  if (src.columns_.size() != columns_.size()) throw std::logic_error("append_rows: schema mismatch");
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    std::visit(
        [&](auto& dst) {
          const auto& from = std::get<std::decay_t<decltype(dst)>>(src.columns_[i]);
          dst.reserve(dst.size() + rows.size());
          for (std::uint32_t r : rows) dst.push_back(from[r]);
        },
        columns_[i]);
  }
  size_ += rows.size();
}

void AgentTable::swap_remove(std::span<const std::uint32_t> ascending_rows) {
  // Descending order: every row above the current hole that was listed has
  // already been removed, so the last row is always one to keep.
  for (auto& c : columns_) {
    std::visit(
        [&](auto& v) {
          std::size_t n = size_;
          for (auto it = ascending_rows.rbegin(); it != ascending_rows.rend(); ++it) {
            --n;
            v[*it] = v[n];
          }
          v.resize(n);
        },
        c);
  }
  size_ -= ascending_rows.size();
}

void AgentTable::reorder(std::span<const std::uint32_t> order) {
  if (order.size() != size_) throw std::logic_error("reorder: the order must list every row once");
  // One column at a time, so the extra memory is one column, not a table.
  for (auto& c : columns_) {
    std::visit(
        [&](auto& v) {
          std::remove_reference_t<decltype(v)> moved(size_);
          for (std::size_t i = 0; i < size_; ++i) moved[i] = v[order[i]];
          v.swap(moved);
        },
        c);
  }
}

std::vector<std::uint32_t> AgentTable::rows_after_swap_remove(std::size_t size, std::span<const std::uint32_t> removed,
                                                              std::vector<std::uint32_t> rows) {
  // swap_remove fills each hole, from the highest, with the last row.
  std::unordered_map<std::uint32_t, std::size_t> at;  // current row -> index in rows
  for (std::size_t i = 0; i < rows.size(); ++i) at[rows[i]] = i;
  std::size_t n = size;
  for (auto it = removed.rbegin(); it != removed.rend(); ++it) {
    --n;
    const auto last = static_cast<std::uint32_t>(n);
    if (last == *it) continue;
    const auto found = at.find(last);
    if (found == at.end()) continue;
    const std::size_t i = found->second;
    at.erase(found);
    rows[i] = *it;
    at[*it] = i;
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

void AgentTable::reserve(std::size_t n) {
  for (auto& c : columns_) std::visit([&](auto& v) { v.reserve(n); }, c);
}

void AgentTable::checkpoint(StateArchive& ar, const AgentSchema& schema, std::span<const std::uint32_t> stored) {
  std::uint64_t rows = size_;
  ar("rows", rows);
  if (!ar.is_loading()) {
    for (std::size_t i = 0; i < columns_.size(); ++i)
      std::visit([&](auto& v) { ar.span(schema.name(i), std::span(v)); }, columns_[i]);
    return;
  }
  // The tables keep room for growth, as the uninterrupted run's do.
  std::vector<bool> loaded(columns_.size(), false);
  for (const std::uint32_t i : stored) {
    std::visit([&](auto& v) {
      v.reserve(std::max<std::size_t>(v.capacity(), rows));
      v.resize(rows);
      ar.span(schema.name(i), std::span(v));
    }, columns_[i]);
    loaded[i] = true;
  }
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (loaded[i]) continue;
    std::visit([&](auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      if (std::any_of(v.begin(), v.end(), [](T x) { return x != T{}; }))
        throw CheckpointError("the agent column '" + schema.name(i) +
                              "', which the checkpoint lacks, is set while the world is initialised: its values "
                              "for the checkpoint's agents cannot be known");
      v.reserve(std::max<std::size_t>(v.capacity(), rows));
      v.assign(rows, T{});
    }, columns_[i]);
  }
  size_ = rows;
}

void AgentTable::clear() {
  for (auto& c : columns_) std::visit([](auto& v) { v.clear(); }, c);
  size_ = 0;
}

CoreColumns core_columns(AgentTable& t) {
  return CoreColumns{t.col(core::id),  t.col(core::origin),     t.col(core::age_months),  t.col(core::sex),
                     t.col(core::skill), t.col(core::employment), t.col(core::legal_status)};
}

}  // namespace mobsim
