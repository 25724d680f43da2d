#pragma once
// The evolving state of one simulated world, into and out of a checkpoint.
// One function serves both directions (the archive saves or loads), so what
// a model writes and what it reads back cannot drift apart:
//
//   void checkpoint(StateArchive& ar) override {
//     ar("cities", cities_);      // every member that changes after initialise()
//     ar("rent_index", rent_index_);
//   }
//
// Each item is stored under its name; loading checks the name and the size
// of what it reads, so a checkpoint of another program version or model
// selection is refused with the first item that differs instead of being
// read into the wrong place. Supported: arithmetic types, enums and other
// trivially copyable types (raw bytes), std::string, std::vector,
// std::array, std::optional, std::pair, std::map, std::unordered_map (saved
// in key order), and classes with a member `void archive(StateArchive&)`.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mobsim {

// A checkpoint that cannot be used: corrupt, truncated, of another run or
// program version. The message says which and why.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

// Whether a trivially copyable type's bytes are all value: arithmetic
// types, enums, arrays of such, and aggregates whose members are such and
// fill the whole object (no padding), counted with structured bindings.
struct any_member {
  template <class U>
  operator U() const;
};
template <class T, class... A>
constexpr std::size_t member_count() {
  if constexpr (sizeof...(A) > 16) {
    return 0;  // not an aggregate of at most 16 members
  } else if constexpr (requires { T{A{}..., any_member{}}; }) {
    return member_count<T, A..., any_member>();
  } else {
    return sizeof...(A);
  }
}

template <class T>
constexpr bool bytes_are_value();

template <class... M>
constexpr bool members_fill(std::size_t size) {
  return ((sizeof(M) + ...) == size) && (bytes_are_value<M>() && ...);
}

// Answers in its return type, so that it is only ever called unevaluated.
template <class T>
auto aggregate_fills(T& t) {
  constexpr std::size_t n = member_count<T>();
  if constexpr (n == 1) {
    auto& [a1] = t;
    return std::bool_constant<members_fill<decltype(a1)>(sizeof(T))>{};
  } else if constexpr (n == 2) {
    auto& [a1, a2] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2)>(sizeof(T))>{};
  } else if constexpr (n == 3) {
    auto& [a1, a2, a3] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3)>(sizeof(T))>{};
  } else if constexpr (n == 4) {
    auto& [a1, a2, a3, a4] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4)>(sizeof(T))>{};
  } else if constexpr (n == 5) {
    auto& [a1, a2, a3, a4, a5] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5)>(sizeof(T))>{};
  } else if constexpr (n == 6) {
    auto& [a1, a2, a3, a4, a5, a6] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6)>(sizeof(T))>{};
  } else if constexpr (n == 7) {
    auto& [a1, a2, a3, a4, a5, a6, a7] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7)>(sizeof(T))>{};
  } else if constexpr (n == 8) {
    auto& [a1, a2, a3, a4, a5, a6, a7, a8] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7), decltype(a8)>(sizeof(T))>{};
  } else if constexpr (n == 9) {
    auto& [a1, a2, a3, a4, a5, a6, a7, a8, a9] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7), decltype(a8), decltype(a9)>(sizeof(T))>{};
  } else if constexpr (n == 10) {
    auto& [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7), decltype(a8), decltype(a9), decltype(a10)>(sizeof(T))>{};
  } else if constexpr (n == 11) {
    auto& [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7), decltype(a8), decltype(a9), decltype(a10), decltype(a11)>(sizeof(T))>{};
  } else if constexpr (n == 12) {
    auto& [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7), decltype(a8), decltype(a9), decltype(a10), decltype(a11), decltype(a12)>(sizeof(T))>{};
  } else if constexpr (n == 13) {
    auto& [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7), decltype(a8), decltype(a9), decltype(a10), decltype(a11), decltype(a12), decltype(a13)>(sizeof(T))>{};
  } else if constexpr (n == 14) {
    auto& [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7), decltype(a8), decltype(a9), decltype(a10), decltype(a11), decltype(a12), decltype(a13), decltype(a14)>(sizeof(T))>{};
  } else if constexpr (n == 15) {
    auto& [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7), decltype(a8), decltype(a9), decltype(a10), decltype(a11), decltype(a12), decltype(a13), decltype(a14), decltype(a15)>(sizeof(T))>{};
  } else if constexpr (n == 16) {
    auto& [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16] = t;
    return std::bool_constant<members_fill<decltype(a1), decltype(a2), decltype(a3), decltype(a4), decltype(a5), decltype(a6), decltype(a7), decltype(a8), decltype(a9), decltype(a10), decltype(a11), decltype(a12), decltype(a13), decltype(a14), decltype(a15), decltype(a16)>(sizeof(T))>{};
  } else {
    return std::false_type{};
  }
}

template <class T>
constexpr bool bytes_are_value() {
  if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
    return true;
  } else if constexpr (std::is_array_v<T>) {
    return bytes_are_value<std::remove_extent_t<T>>();
  } else if constexpr (requires { std::tuple_size<T>::value; typename T::value_type; }) {
    return sizeof(T) == std::tuple_size<T>::value * sizeof(typename T::value_type) &&
           bytes_are_value<typename T::value_type>();
  } else if constexpr (std::has_unique_object_representations_v<T>) {
    return true;
  } else if constexpr (std::is_aggregate_v<T>) {
    return decltype(aggregate_fills(std::declval<T&>()))::value;
  } else {
    return false;
  }
}

}  // namespace detail

class StateArchive {
 public:
  // An archive that appends what it is given to `out`.
  static StateArchive saving(std::vector<std::byte>& out) {
    return saving_to([&out](const void* p, std::size_t n) {
      const auto* b = static_cast<const std::byte*>(p);
      out.insert(out.end(), b, b + n);
    });
  }
  // An archive that hands what it is given to `write`, in order (a file:
  // a world's state is not copied in memory first).
  using Writer = std::function<void(const void*, std::size_t)>;
  static StateArchive saving_to(Writer write) { return StateArchive(std::move(write), {}); }
  // An archive that reads back what `saving` wrote; `where` names the
  // checkpoint in error messages.
  static StateArchive loading(std::span<const std::byte> in, std::string where) {
    StateArchive a(nullptr, in);
    a.where_ = std::move(where);
    return a;
  }

  bool is_loading() const { return !out_; }
  // Bytes saved so far (saving).
  std::size_t written() const { return written_; }
  // Bytes not yet read (loading).
  std::size_t remaining() const { return in_.size() - pos_; }
  // Throws unless everything was read (loading): a checkpoint with more in
  // it than the program reads was written by another version.
  void expect_end() const {
    if (is_loading() && remaining() != 0)
      fail("holds " + std::to_string(remaining()) + " bytes more than this program reads after '" + last_ + "'");
  }

  // Names nest: ar.section("housing") then ar("rent", x) stores housing/rent.
  class Section {
   public:
    Section(StateArchive& ar, std::string_view name) : ar_(ar), saved_(ar.prefix_.size()) {
      ar.prefix_ += name;
      ar.prefix_ += '/';
    }
    ~Section() { ar_.prefix_.resize(saved_); }
    Section(const Section&) = delete;
    Section& operator=(const Section&) = delete;

   private:
    StateArchive& ar_;
    std::size_t saved_;
  };
  [[nodiscard]] Section section(std::string_view name) { return Section(*this, name); }

  template <class T>
  void operator()(std::string_view name, T& value) {
    tag(name);
    if constexpr (has_archive<T>) {
      const Section members(*this, name);  // a class's members under its name
      item(value);
    } else {
      item(value);
    }
  }
  // An item whose bytes are preceded by their length, so that a reader can
  // pass over it (skip_nested): one model's state, which a fork from a
  // warm-up leaves out when the fork configures that model differently.
  // `body(ar)` saves or loads the item's members; loading, it must read
  // exactly what was saved.
  template <class Body>
  void nested(std::string_view name, Body&& body) {
    tag(name);
    const Section members(*this, name);
    if (!is_loading()) {
      // The length goes first, and a file being streamed cannot seek back:
      // the body is measured by a first pass that only counts.
      std::uint64_t n = 0;
      StateArchive counter = saving_to([&n](const void*, std::size_t k) { n += k; });
      counter.prefix_ = prefix_;
      body(counter);
      raw(&n, sizeof n);
      const std::size_t before = written_;
      body(*this);
      if (written_ - before != n)
        throw std::logic_error("StateArchive: '" + prefix_ + "' saved " + std::to_string(written_ - before) +
                               " bytes after measuring " + std::to_string(n));
      return;
    }
    const std::string full = last_;
    const std::uint64_t n = count(0);
    if (n > remaining()) fail("ends inside '" + last_ + "' (truncated)");
    StateArchive inner(nullptr, in_.subspan(pos_, n));
    inner.where_ = where_;
    inner.prefix_ = prefix_;
    body(inner);
    inner.expect_end();
    pos_ += n;
    last_ = full;
  }
  // Passes over a nested item without reading it (loading only).
  void skip_nested(std::string_view name) {
    tag(name);
    const std::uint64_t n = count(0);
    if (n > remaining()) fail("ends inside '" + last_ + "' (truncated)");
    pos_ += n;
  }

  // The nested items of a state made of nested items only (a simulation's
  // checkpoint): each one's name and bytes, in order. Throws CheckpointError
  // when the bytes are not such a sequence.
  static std::vector<std::pair<std::string, std::span<const std::byte>>> nested_items(
      std::span<const std::byte> in, std::string where) {
    StateArchive ar = loading(in, std::move(where));
    std::vector<std::pair<std::string, std::span<const std::byte>>> out;
    while (ar.remaining() > 0) {
      std::uint32_t n = 0;
      ar.raw(&n, sizeof n);
      if (n > ar.remaining() || n > 4096) ar.fail("has no readable item after '" + ar.last_ + "'");
      std::string name(n, '\0');
      ar.raw(name.data(), n);
      ar.last_ = name;
      const std::uint64_t bytes = ar.count(0);
      out.emplace_back(std::move(name), ar.in_.subspan(ar.pos_, bytes));
      ar.pos_ += bytes;
    }
    return out;
  }

  // Raw bytes of a span whose size the caller knows (columns of agents).
  template <class T>
  void span(std::string_view name, std::span<T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    tag(name);
    std::uint64_t n = values.size();
    raw(&n, sizeof n);
    if (is_loading() && n != values.size())
      fail("'" + last_ + "' holds " + std::to_string(n) + " values where " + std::to_string(values.size()) +
           " were expected");
    raw(values.data(), values.size_bytes());
  }

 private:
  StateArchive(Writer out, std::span<const std::byte> in) : out_(std::move(out)), in_(in) {}

  [[noreturn]] void fail(const std::string& why) const {
    throw CheckpointError("checkpoint " + where_ + ": " + why +
                          " (written by another version of mobsim or for other models?)");
  }

  void raw(void* p, std::size_t n) {
    if (n == 0) return;
    if (out_) {
      out_(p, n);
      written_ += n;
      return;
    }
    if (n > remaining()) fail("ends inside '" + last_ + "' (truncated)");
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }

  // Each item starts with its full name, checked when loading.
  void tag(std::string_view name) {
    std::string full = prefix_;
    full += name;
    std::uint32_t n = static_cast<std::uint32_t>(full.size());
    if (out_) {
      raw(&n, sizeof n);
      raw(full.data(), n);
      last_ = std::move(full);
      return;
    }
    std::uint32_t stored = 0;
    raw(&stored, sizeof stored);
    if (stored > remaining() || stored > 4096) fail("has no readable item where '" + full + "' was expected");
    std::string got(stored, '\0');
    raw(got.data(), stored);
    if (got != full) fail("holds '" + got + "' where '" + full + "' was expected");
    last_ = std::move(full);
  }

  template <class T>
  struct is_vector : std::false_type {};
  template <class T, class A>
  struct is_vector<std::vector<T, A>> : std::true_type {};
  template <class T>
  static constexpr bool has_archive = requires(T& t, StateArchive& ar) { t.archive(ar); };
  // Types stored as their bytes: those whose bytes are all value, without
  // padding (padding would put whatever the memory held into the file, so
  // that one state could give two different checkpoints).
  template <class T>
  static constexpr bool bytes_are_value() {
    return detail::bytes_are_value<T>();
  }

  std::uint64_t count(std::uint64_t n) {
    raw(&n, sizeof n);
    if (is_loading() && n > remaining()) fail("'" + last_ + "' has a length beyond the end of the file (truncated)");
    return n;
  }

  template <class T>
  void item(T& v) {
    if constexpr (has_archive<T>) {
      v.archive(*this);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const std::uint64_t n = count(v.size());
      if (is_loading()) {
        if (n > remaining()) fail("ends inside '" + last_ + "' (truncated)");
        v.resize(n);
      }
      raw(v.data(), n);
    } else if constexpr (std::is_same_v<T, std::vector<bool>>) {
      const std::uint64_t n = count(v.size());
      if (is_loading()) v.assign(n, false);
      for (std::size_t i = 0; i < n; ++i) {
        std::uint8_t b = v[i];
        raw(&b, 1);
        v[i] = b != 0;
      }
    } else if constexpr (is_vector<T>::value) {
      using E = typename T::value_type;
      const std::uint64_t n = count(v.size());
      if constexpr (std::is_trivially_copyable_v<E> && !has_archive<E> && bytes_are_value<E>()) {
        if (is_loading()) {
          if (n * sizeof(E) > remaining()) fail("ends inside '" + last_ + "' (truncated)");
          v.resize(n);
        }
        raw(v.data(), n * sizeof(E));
      } else {
        if (is_loading()) v.resize(n);
        for (auto& e : v) item(e);
      }
    } else if constexpr (requires { std::tuple_size<T>::value; typename T::value_type; } &&
                         !std::is_trivially_copyable_v<T>) {
      for (auto& e : v) item(e);  // std::array of non-trivial elements
    } else if constexpr (requires { typename T::value_type; v.has_value(); }) {
      std::uint8_t present = v.has_value();
      raw(&present, 1);
      if (is_loading()) {
        if (present)
          v.emplace();
        else
          v.reset();
      }
      if (present) item(*v);
    } else if constexpr (requires { typename T::first_type; typename T::second_type; } &&
                         (!std::is_trivially_copyable_v<T> || !bytes_are_value<T>())) {
      item(v.first);
      item(v.second);
    } else if constexpr (requires { typename T::key_type; typename T::mapped_type; }) {
      using K = std::remove_const_t<typename T::key_type>;
      using M = typename T::mapped_type;
      std::vector<K> keys;
      for (const auto& kv : v) keys.push_back(kv.first);
      std::sort(keys.begin(), keys.end());
      const std::uint64_t n = count(keys.size());
      if (!is_loading()) {
        for (K& k : keys) {
          item(k);
          item(v.at(k));
        }
      } else {
        v.clear();
        for (std::uint64_t i = 0; i < n; ++i) {
          K k{};
          item(k);
          M m{};
          item(m);
          v.emplace(std::move(k), std::move(m));
        }
      }
    } else {
      static_assert(std::is_trivially_copyable_v<T>, "StateArchive: give this type a member archive(StateArchive&)");
      static_assert(!std::is_pointer_v<T>, "StateArchive: pointers cannot be checkpointed");
      static_assert(bytes_are_value<T>(),
                    "StateArchive: a struct may have padding: give it a member archive(StateArchive&)");
      raw(&v, sizeof v);
    }
  }

  Writer out_;
  std::size_t written_ = 0;
  std::span<const std::byte> in_;
  std::size_t pos_ = 0;
  std::string prefix_, last_, where_;
};

}  // namespace mobsim
