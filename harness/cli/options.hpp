// Command-line options: "--name value", "--name=value" and flags without a
// value. Anything else that starts with "--" is an error naming the option.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/result.hpp"

namespace clonediff::cli {

struct OptionSpec {
  std::string name;  // "--json"
  bool takes_value = true;
  bool repeatable = false;
};

struct Options {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;  // name -> values ("" for flags)

  bool has(const std::string& name) const { return values.count(name) != 0; }
  std::optional<std::string> value(const std::string& name) const;
};

Result<Options> parse_options(const std::vector<std::string>& args, const std::vector<OptionSpec>& specs);

// A whole decimal number from `low` to `high`; the error names the option,
// the unit and the range: "--timeout takes milliseconds from 1 to 86400000,
// not 'soon'". For values that must stay representable once added to a clock.
Result<long long> parse_bounded(const std::string& option, const std::string& text, long long low, long long high,
                                const std::string& unit);

}  // namespace clonediff::cli
