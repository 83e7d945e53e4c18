#include "model/history.hpp"

#include <algorithm>

#include "model/flags.hpp"
#include "model/names.hpp"
#include "model/rules.hpp"
#include "model/success.hpp"

namespace clonediff::model {
namespace {

std::string release_name(const KernelVersion& v) { return std::to_string(v.major) + "." + std::to_string(v.minor); }

// A range's bounds as changes: where it begins (when not from the start) and
// where it ends.
void add_bounds(std::vector<Change>& out, std::string_view kind, std::string id, const VersionRange& r,
                std::string_view begins_what, const std::string& ends_what) {
  if (r.since != KernelVersion{0, 0, 0}) out.push_back({r.since, kind, id, true, std::string(begins_what), r.introduced});
  if (r.until) out.push_back({*r.until, kind, std::move(id), false, std::string(ends_what), r.change});
}

}  // namespace

std::vector<Change> kernel_history() {
  std::vector<Change> out;
  for (const FlagInfo& f : flag_table())
    if (f.since != KernelVersion{0, 0, 0})
      out.push_back({f.since, "flag", std::string(f.name), true,
                     std::string(f.meaning) + " (before: legacy clone ignores the bit, clone3 refuses it)",
                     f.introduced});
  for (const CloneArgsSize& s : clone_args_sizes())
    add_bounds(out, "clone_args", "struct clone_args " + std::to_string(s.size) + " bytes", s.versions,
               s.fields, {});
  add_bounds(out, "syscall", "sys_clone lower_32_bits(flags)", kLegacyCloneLower32Bits,
             "legacy clone passes only the low 32 bits of its flags word (before: all 64 reached _do_fork())", {});
  for (const Rule& r : refusal_rules())
    add_bounds(out, "rule", std::string(r.id), r.versions, std::string(r.why) + " -> " + errno_name(r.error),
               "no longer: " + std::string(r.why));
  for (const SuccessRow& r : success_rows())
    add_bounds(out, "success", std::string(r.id), r.versions, r.what, std::string(r.otherwise));
  std::stable_sort(out.begin(), out.end(), [](const Change& a, const Change& b) { return a.release < b.release; });
  // An end's text names what holds after it: the row's `otherwise`, or for a
  // rule that it is gone. A struct size ends where the next begins: drop it.
  std::erase_if(out, [](const Change& c) { return !c.begins && c.what.empty(); });
  return out;
}

std::string history_text() {
  const ModelledRange range = modelled_range();
  std::string s = "clonediff models Linux process creation in releases " + modelled_range_text() +
                  "; each change, by the release that made it:\n";
  KernelVersion last{-1, 0, 0};
  for (const Change& c : kernel_history()) {
    if (c.release != last) {
      s += "\n" + release_name(c.release) + "\n";
      last = c.release;
    }
    s += std::string("  ") + (c.begins ? "+ " : "- ") + std::string(c.kind) + " " + c.id + ": " + c.what + "\n";
    s += "      " + std::string(c.cite) + "\n";
  }
  s += "\nOlder kernels are refused; newer ones are predicted as " + release_name(range.newest) + ".\n";
  return s;
}

std::string history_markdown() {
  std::string s = "| release | change | what | kernel change |\n|---|---|---|---|\n";
  const auto cell = [](std::string_view text) {
    std::string out;
    for (char ch : text) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
    return out;
  };
  for (const Change& c : kernel_history())
    s += "| " + release_name(c.release) + " | " + (c.begins ? "+ " : "− ") + std::string(c.kind) + " `" + c.id +
         "` | " + cell(c.what) + " | " + cell(c.cite) + " |\n";
  return s;
}

}  // namespace clonediff::model
