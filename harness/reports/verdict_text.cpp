#include "harness/reports/verdict_text.hpp"

#include <algorithm>
#include <cctype>
#include <ostream>
#include <utility>
#include <vector>

#include "harness/case/selection.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::harness {
namespace {

// One shell word: as it is when every character is safe, else in single
// quotes (an embedded ' becomes '\'').
std::string quote(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/' || c == '-' || c == '.' || c == '=' ||
           c == ',';
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The request's arguments beyond flags and exit signal, as catalogue options
// ("size=96 tail=nonzero"), only those that differ from the defaults.
std::vector<std::pair<std::string, std::string>> argument_options(const model::Request& r) {
  std::vector<std::pair<std::string, std::string>> out;
  if (r.stack != model::StackArg::harness) out.emplace_back("stack", std::string(model::stack_arg_name(r.stack)));
  if (r.tls != model::TlsArg::none) out.emplace_back("tls", std::string(model::tls_arg_name(r.tls)));
  if (r.after != model::AfterArg::none) out.emplace_back("after", std::string(model::after_arg_name(r.after)));
  if (r.rounds != 0) out.emplace_back("rounds", std::to_string(r.rounds));
  if (r.fn != model::FnArg::harness) out.emplace_back("fn", std::string(model::fn_arg_name(r.fn)));
  const model::Clone3Args& c = r.clone3;
  if (r.entry == model::Entry::clone) {  // legacy clone's two pointers
    if (c.parent_tid_at == model::PointerArg::unmapped) out.emplace_back("parent_tid", "unmapped");
    if (c.child_tid_at == model::PointerArg::unmapped) out.emplace_back("child_tid", "unmapped");
  }
  if (r.entry != model::Entry::clone3) return out;
  if (c.size != model::kCloneArgsSizeVer2) out.emplace_back("size", std::to_string(c.size));
  if (c.stack_size) out.emplace_back("stack_size", std::to_string(*c.stack_size));
  if (c.args != model::ArgsArg::harness) out.emplace_back("args", std::string(model::args_arg_name(c.args)));
  if (c.set_tid_at == model::PointerArg::unmapped) out.emplace_back("set_tid", "unmapped");
  if (c.set_tid) {
    std::string list;
    for (const model::TidSpec& t : *c.set_tid) list += (list.empty() ? "" : ",") + model::tid_spec_text(t);
    out.emplace_back("set_tid", list);
  }
  if (c.set_tid_size) out.emplace_back("set_tid_size", std::to_string(*c.set_tid_size));
  if (c.cgroup != model::CgroupArg::none) out.emplace_back("cgroup", std::string(model::cgroup_arg_name(c.cgroup)));
  if (c.tail != model::TailArg::zero) out.emplace_back("tail", std::string(model::tail_arg_name(c.tail)));
  if (c.pidfd_is_parent_tid) out.emplace_back("pidfd", "parent_tid");
  if (c.pidfd_at == model::PointerArg::unmapped) out.emplace_back("pidfd", "unmapped");
  if (c.parent_tid_at == model::PointerArg::unmapped) out.emplace_back("parent_tid", "unmapped");
  if (c.child_tid_at == model::PointerArg::unmapped) out.emplace_back("child_tid", "unmapped");
  return out;
}

}  // namespace

std::string shell_quote(const std::string& s) { return quote(s); }

std::string case_summary(const CatalogueCase& c) {
  std::string s(model::entry_name(c.request.entry));
  if (c.request.entry == model::Entry::clone || c.request.entry == model::Entry::clone3 ||
      c.request.entry == model::Entry::glibc_clone)
    s += " " + model::format_flags(c.request.flags);
  s += " exit_signal=" + model::signal_name(static_cast<long long>(c.request.exit_signal));
  if (c.request.exit_signal > 0 && model::signal_name(static_cast<long long>(c.request.exit_signal)) !=
                                       std::to_string(c.request.exit_signal))
    s += "(" + std::to_string(c.request.exit_signal) + ")";
  s += " context=" + c.context;
  for (const auto& [key, value] : argument_options(c.request)) s += " " + key + "=" + value;
  return s;
}

void PrintTo(const CatalogueCase& c, std::ostream* os) { *os << c.id << " (" << case_summary(c) << ")"; }

std::string reproduce_command(const CatalogueCase& c) {
  std::string s = "clonediff run";
  if (!c.target_spec.empty()) s += " --target " + quote(c.target_spec);
  if (!c.file.empty()) s += " --cases " + quote(c.file);
  if (!c.context_option.empty()) s += " --context " + quote(c.context_option);
  return s + " --filter " + quote(exact_pattern(c.id));
}

std::string explain_arguments(const CatalogueCase& c) {
  std::string s = quote(model::format_flags(c.request.flags)) + " --entry " + std::string(model::entry_name(c.request.entry));
  if (c.request.entry == model::Entry::clone || c.request.entry == model::Entry::clone3 ||
      c.request.entry == model::Entry::glibc_clone)
    s += " --exit-signal " + std::to_string(c.request.exit_signal);
  s += " --context " + quote(c.context);
  for (auto [key, value] : argument_options(c.request)) {
    std::replace(key.begin(), key.end(), '_', '-');
    s += " --" + key + " " + quote(value);
  }
  return s;
}

std::string verdict_text(const CaseResult& r, const model::Kernel& kernel) {
  std::string out = r.spec.id + ": " + std::string(verdict_name(r.verdict)) + "  [" + case_summary(r.spec) + ", " +
                    r.spec.origin + (r.spec.target.empty() ? "" : ", " + r.spec.target) + ", Linux " + kernel.release +
                    "]\n";
  if (!r.reason.empty()) out += "  " + r.reason + "\n";
  for (const DiffEntry& d : r.diff) {
    out += "  " + describe(d);
    if (d.field.rfind("share.", 0) == 0 && r.live) {
      auto res = model::parse_resource(d.field.substr(6));
      if (res) {
        const auto i = static_cast<std::size_t>(*res);
        out += "  (kcmp " + std::string(model::fact_name(r.live->witnesses.kcmp[i])) + ", behaviour " +
               std::string(model::fact_name(r.live->witnesses.behaviour[i])) + ")";
      }
    }
    out += "\n";
  }
  if (r.predicted) {
    out += "  predicted by rule " + r.predicted->rule;
    if (const model::Rule* rule = model::find_rule(r.predicted->rule))
      out += " (" + std::string(rule->where) + ": " + std::string(rule->why) + ")";
    out += "\n";
  }
  if (r.live && !r.live->witnesses.kcmp_note.empty()) out += "  note: " + r.live->witnesses.kcmp_note + "\n";
  if (r.live && r.live->status == LiveCall::Status::completed && !r.live->note.empty())
    out += "  note: " + r.live->note + "\n";
  out += "  reproduce: " + reproduce_command(r.spec) + "\n";
  out += "  explain:   clonediff explain " + explain_arguments(r.spec);
  if (!r.spec.target.empty()) out += " --kernel " + quote(model::kernel_spec(kernel));
  out += "\n";
  return out;
}

}  // namespace clonediff::harness
