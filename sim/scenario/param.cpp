#include "param.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace mobsim {

const char* type_name(ParamType type) {
  switch (type) {
    case ParamType::real: return "real";
    case ParamType::integer: return "integer";
    case ParamType::boolean: return "boolean";
    case ParamType::text: return "text";
    case ParamType::choice: return "choice";
    case ParamType::month: return "month (\"YYYY-MM\")";
    case ParamType::real_list: return "list of reals";
    case ParamType::reference: return "name";
    case ParamType::reference_list: return "list of names";
    case ParamType::text_list: return "list of texts";
    case ParamType::text_table: return "table of texts";
    case ParamType::real_table: return "table of reals";
  }
  return "?";
}

const ParamDecl* CollectionDecl::find_field(const std::string& field) const {
  for (const auto& f : fields)
    if (f.key == field) return &f;
  return nullptr;
}

void ParamTable::add(ParamDecl decl) {
  if (find(decl.key) != nullptr) throw std::logic_error("parameter declared twice: " + decl.key);
  if (decl.key.find('.') == std::string::npos)
    throw std::logic_error("global parameter must be 'section.name': " + decl.key);
  if (const auto& p = decl.plausible) {
    if (decl.type != ParamType::real) throw std::logic_error("a plausible range on a parameter not real: " + decl.key);
    if (!(p->min < p->max) || (decl.min && p->min < *decl.min) || (decl.max && p->max > *decl.max))
      throw std::logic_error("plausible range of " + decl.key + " is empty or outside its valid range");
    if (!std::holds_alternative<double>(decl.default_value))
      throw std::logic_error("a plausible range on " + decl.key + ", which has no default");
    const double def = std::get<double>(decl.default_value);
    if (def < p->min || def > p->max)
      throw std::logic_error("plausible range of " + decl.key + " leaves out its default");
    if (p->source.empty()) throw std::logic_error("plausible range of " + decl.key + " without a source");
  }
  globals_.push_back(std::move(decl));
}

void ParamTable::add_collection(CollectionDecl collection) {
  if (find_collection(collection.name) != nullptr)
    throw std::logic_error("collection declared twice: " + collection.name);
  collections_.push_back(std::move(collection));
}

void ParamTable::add_field(const std::string& collection, ParamDecl field) {
  for (auto& c : collections_) {
    if (c.name != collection) continue;
    if (c.find_field(field.key) != nullptr)
      throw std::logic_error("field declared twice: " + collection + "." + field.key);
    c.fields.push_back(std::move(field));
    return;
  }
  throw std::logic_error("field for undeclared collection: " + collection);
}

const ParamDecl* ParamTable::find(const std::string& key) const {
  for (const auto& d : globals_)
    if (d.key == key) return &d;
  return nullptr;
}

const CollectionDecl* ParamTable::find_collection(const std::string& name) const {
  for (const auto& c : collections_)
    if (c.name == name) return &c;
  return nullptr;
}

static std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

std::string shortest_text(double x) {
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, x).ptr;  // shortest round-trip form
  return std::string(buf, end);
}

// A TOML float: the shortest text, with ".0" where it would read as an integer.
static std::string number_text(double x) {
  std::string s = shortest_text(x);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

std::string toml_key(const std::string& key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return bare ? key : quote(key);
}

template <class Map, class Render>
static std::string inline_table(const Map& table, Render render) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : table) {
    out += (first ? " " : ", ") + toml_key(k) + " = " + render(v);
    first = false;
  }
  return out + (table.empty() ? "}" : " }");
}

std::string to_toml_text(const Value& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "(required)"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return number_text(d); }
    std::string operator()(const std::string& s) const { return quote(s); }
    std::string operator()(const std::vector<double>& v) const {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + number_text(v[i]);
      return out + "]";
    }
    std::string operator()(const std::vector<std::string>& v) const {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + quote(v[i]);
      return out + "]";
    }
    std::string operator()(const TextTable& t) const { return inline_table(t, quote); }
    std::string operator()(const RealTable& t) const { return inline_table(t, number_text); }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace mobsim
