#include "harness/cli/options.hpp"

namespace clonediff::cli {

std::optional<std::string> Options::value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

Result<Options> parse_options(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs) {
  Options out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-' || a == "-") {
      out.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      out.positional.insert(out.positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    const auto eq = a.find('=');
    const std::string name = a.substr(0, eq);
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& s : specs)
      if (s.name == name) spec = &s;
    if (!spec) return make_error("unknown option '" + name + "'");
    std::string value;
    if (spec->takes_value) {
      if (eq != std::string::npos) {
        value = a.substr(eq + 1);
      } else {
        if (i + 1 >= args.size()) return make_error("option '" + name + "' needs a value");
        value = args[++i];
      }
    } else if (eq != std::string::npos) {
      return make_error("option '" + name + "' takes no value");
    }
    auto& slot = out.values[name];
    if (!slot.empty() && !spec->repeatable) return make_error("option '" + name + "' given twice");
    slot.push_back(value);
  }
  return out;
}

}  // namespace clonediff::cli
