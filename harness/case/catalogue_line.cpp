#include "harness/case/catalogue_line.hpp"

#include "model/flags.hpp"
#include "model/request.hpp"

namespace clonediff::harness {

std::string catalogue_line(const CatalogueCase& c, std::string_view comment) {
  const model::Request& r = c.request;
  const bool raw = r.entry == model::Entry::clone || r.entry == model::Entry::clone3 || r.entry == model::Entry::glibc_clone;
  std::string line = "case " + c.id + " " + std::string(model::entry_name(r.entry)) + " " +
                     (raw ? model::format_flags(r.flags) : std::string("-"));
  const auto option = [&](std::string_view key, const std::string& value) {
    line += " " + std::string(key) + "=" + value;
  };
  if (r.exit_signal != model::kSigchld) option("exit_signal", std::to_string(r.exit_signal));
  if (c.context != "root") option("context", c.context);
  if (r.stack != model::StackArg::harness) option("stack", std::string(model::stack_arg_name(r.stack)));
  if (r.tls != model::TlsArg::none) option("tls", std::string(model::tls_arg_name(r.tls)));
  if (r.fn != model::FnArg::harness) option("fn", std::string(model::fn_arg_name(r.fn)));
  const model::Clone3Args& a = r.clone3;
  if (a.size != model::Clone3Args{}.size) option("size", std::to_string(a.size));
  if (a.stack_size) option("stack_size", std::to_string(*a.stack_size));
  if (a.args != model::ArgsArg::harness) option("args", std::string(model::args_arg_name(a.args)));
  if (a.set_tid_at == model::PointerArg::unmapped) option("set_tid", "unmapped");
  if (a.set_tid) {
    std::string tids;
    for (const model::TidSpec& t : *a.set_tid) tids += (tids.empty() ? "" : ",") + model::tid_spec_text(t);
    option("set_tid", tids);
  }
  if (a.set_tid_size) option("set_tid_size", std::to_string(*a.set_tid_size));
  if (a.cgroup != model::CgroupArg::none) option("cgroup", std::string(model::cgroup_arg_name(a.cgroup)));
  if (a.tail != model::TailArg::zero) option("tail", std::string(model::tail_arg_name(a.tail)));
  if (a.pidfd_is_parent_tid) option("pidfd", "parent_tid");
  if (a.pidfd_at == model::PointerArg::unmapped) option("pidfd", "unmapped");
  if (a.parent_tid_at == model::PointerArg::unmapped) option("parent_tid", "unmapped");
  if (a.child_tid_at == model::PointerArg::unmapped) option("child_tid", "unmapped");
  if (c.clone3_enosys) option("clone3", "enosys");
  if (r.after != model::AfterArg::none) option("after", std::string(model::after_arg_name(r.after)));
  if (r.rounds != 0) option("rounds", std::to_string(r.rounds));
  if (!comment.empty()) line += "  # " + std::string(comment);
  return line;
}

}  // namespace clonediff::harness
