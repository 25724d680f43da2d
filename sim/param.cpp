#include "param.hpp"

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
    case ParamType::text_table: return "table of texts";
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

static std::string number_text(double x) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);  // shortest round-trip form
  std::string s(buf, end);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
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
    std::string operator()(const TextTable& t) const {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : t) {
        out += (first ? " " : ", ") + k + " = " + quote(v);
        first = false;
      }
      return out + (t.empty() ? "}" : " }");
    }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace mobsim
