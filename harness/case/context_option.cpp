#include "harness/case/context_option.hpp"

#include <nlohmann/json.hpp>

#include "model/caller.hpp"
#include "model/context_changes.hpp"

namespace clonediff::harness {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kKeys = "preset, caps, userns, fd_table";
constexpr std::string_view kCapKeys = "drop, drop_permitted, drop_effective, drop_bounding";

Status read_caps(const Json& caps, model::ContextChanges& changes) {
  if (!caps.is_object()) return make_error("context: \"caps\" is an object (" + std::string(kCapKeys) + ")");
  for (const auto& [key, list] : caps.items()) {
    std::uint8_t sets = 0;
    if (key == "drop") sets = model::kEffective | model::kPermitted | model::kBounding;
    else if (key == "drop_permitted") sets = model::kPermitted;
    else if (key == "drop_effective") sets = model::kEffective;
    else if (key == "drop_bounding") sets = model::kBounding;
    else return make_error("context: unknown key \"caps\"." + key + " (keys: " + std::string(kCapKeys) + ")");
    if (!list.is_array()) return make_error("context: \"caps\"." + key + " is a list of CAP_ names");
    for (const Json& name : list) {
      if (!name.is_string()) return make_error("context: \"caps\"." + key + " is a list of CAP_ names");
      const auto cap = model::parse_cap_name(name.get<std::string>());
      if (!cap) return make_error("context: unknown capability '" + name.get<std::string>() + "'");
      model::drop_cap(changes, *cap, sets);
    }
  }
  return ok_status();
}

Status expect_string(const Json& v, std::string_view key, std::string_view only) {
  if (!v.is_string() || v.get<std::string>() != only)
    return make_error("context: \"" + std::string(key) + "\" is \"" + std::string(only) + "\", not " + v.dump());
  return ok_status();
}

}  // namespace

Result<std::string> parse_context_option(std::string_view value) {
  if (value.empty()) return make_error("empty context");
  if (value.front() != '{') {
    auto c = model::caller_preset(value);
    if (!c) return c.error();
    return c->preset;
  }
  const Json j = Json::parse(value, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error("context '" + std::string(value) + "' is not a JSON object (write it without spaces)");
  model::ContextSpec spec;
  for (const auto& [key, v] : j.items()) {
    if (key == "preset") {
      if (!v.is_string()) return make_error("context: \"preset\" is a preset's name");
      spec.preset = v.get<std::string>();
      // A preset's name, not a changed context's.
      if (spec.preset.find('+') != std::string::npos)
        return make_error("context: \"preset\" is a preset's name, not '" + spec.preset + "'");
      if (auto c = model::caller_preset(spec.preset); !c) return c.error();
    } else if (key == "caps") {
      if (auto st = read_caps(v, spec.changes); !st) return st.error();
    } else if (key == "userns") {
      if (auto st = expect_string(v, key, "unmapped"); !st) return st.error();
      spec.changes.userns_unmapped = true;
    } else if (key == "fd_table") {
      if (auto st = expect_string(v, key, "full"); !st) return st.error();
      spec.changes.fd_table_full = true;
    } else {
      return make_error("context: unknown key \"" + key + "\" (keys: " + std::string(kKeys) + ")");
    }
  }
  // The name, checked as every name is: the facts must be within reach.
  auto c = model::caller_preset(model::context_name(spec));
  if (!c) return c.error();
  return c->preset;
}

}  // namespace clonediff::harness
