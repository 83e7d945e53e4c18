#include "harness/cli/options.hpp"

#include <charconv>

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

Result<long long> parse_bounded(const std::string& option, const std::string& text, long long low, long long high,
                                const std::string& unit) {
  long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < low || n > high)
    return make_error(option + " takes " + unit + " from " + std::to_string(low) + " to " + std::to_string(high) +
                      ", not '" + text + "'");
  return n;
}

}  // namespace clonediff::cli
