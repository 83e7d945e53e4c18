#include "harness/records/record.hpp"

#include "harness/case/context_option.hpp"

#include "harness/version.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::harness {
namespace {

using model::Fact;

std::string text(std::string_view s) { return std::string(s); }

json::Value names_where(const std::array<Fact, model::kNsCount>& ns, Fact wanted) {
  json::Value list = json::Value::array();
  for (model::Ns n : model::kNamespaces)
    if (ns[static_cast<std::size_t>(n)] == wanted) list.push_back(text(model::ns_name(n)));
  return list;
}

json::Value resources_to_json(const std::array<Fact, model::kResourceCount>& facts) {
  json::Value o = json::Value::object();
  for (model::Resource r : model::kResources) o[text(model::resource_name(r))] = fact_to_json(facts[static_cast<std::size_t>(r)]);
  return o;
}

json::Value signal_list(std::uint64_t bits) {
  json::Value list = json::Value::array();
  for (int sig = 1; sig <= 64; ++sig)
    if (bits & (std::uint64_t{1} << (sig - 1))) list.push_back(model::signal_name(sig));
  return list;
}

Result<Fact> optional_fact(const json::Value& obj, std::string_view key) {
  const json::Value* v = json::find(obj, key);
  if (!v) return Fact::unknown;
  return fact_from_json(*v, key);
}

}  // namespace

json::Value fact_to_json(Fact f) {
  switch (f) {
    case Fact::no: return false;
    case Fact::yes: return true;
    case Fact::unknown: return "unknown";
    case Fact::conflict: return "conflict";
  }
  return nullptr;
}

Result<Fact> fact_from_json(const json::Value& v, std::string_view field) {
  if (v.is_boolean()) return model::fact_of(v.get<bool>());
  if (v.is_string() && json::str(v) == "unknown") return Fact::unknown;
  if (v.is_string() && json::str(v) == "conflict") return Fact::conflict;
  return make_error("'" + text(field) + "' must be true, false, \"unknown\" or \"conflict\"");
}

json::Value outcome_to_json(const model::Outcome& o) {
  json::Value j = json::Value::object();
  j["result"] = o.ok() ? std::string("ok") : model::errno_name(o.error);
  if (!o.ok()) return j;
  j["share"] = resources_to_json(o.share);
  j["ns_new"] = names_where(o.ns_new, Fact::yes);
  if (json::Value unknown = names_where(o.ns_new, Fact::unknown); unknown.size() > 0) j["ns_unknown"] = unknown;
  j["same_tgid"] = fact_to_json(o.same_tgid);
  j["ppid_is_caller"] = fact_to_json(o.ppid_is_caller);
  if (o.exit_signal)
    j["exit_signal"] = *o.exit_signal;
  else
    j["exit_signal"] = "unknown";
  // Facts only some requests or entries call for: written where known.
  for (std::size_t i = 0; i < model::kTraitCount; ++i)
    if (o.traits[i] != Fact::unknown) j[text(model::trait_name(model::trait_at(i)))] = fact_to_json(o.traits[i]);
  if (o.parent_signal) j["parent_signal"] = model::signal_name(*o.parent_signal);
  return j;
}

Result<model::Outcome> outcome_from_json(const json::Value& v) {
  if (!v.is_object()) return make_error("'observed' must be an object");
  const json::Value* result = json::find(v, "result");
  if (!result || !result->is_string()) return make_error("'observed' needs \"result\": \"ok\" or an errno name");
  auto err = model::parse_result_name(json::str(*result));
  if (!err) return err.error();
  model::Outcome o;
  o.error = *err;
  if (!o.ok()) return o;

  if (const json::Value* share = json::find(v, "share")) {
    if (!share->is_object()) return make_error("'share' must be an object");
    for (const auto& [name, value] : json::members(*share)) {
      auto r = model::parse_resource(name);
      if (!r) return r.error();
      auto f = fact_from_json(value, "share." + name);
      if (!f) return f.error();
      o[*r] = *f;
    }
  }
  const json::Value* ns_new = json::find(v, "ns_new");
  const json::Value* ns_unknown = json::find(v, "ns_unknown");
  if (ns_new) o.ns_new.fill(Fact::no);  // a list was given: what it omits is not new
  const auto mark = [&](const json::Value* list, std::string_view field, Fact f) -> Status {
    if (!list) return ok_status();
    if (!list->is_array()) return make_error("'" + text(field) + "' must be a list of namespace names");
    for (const json::Value& item : *list) {
      if (!item.is_string()) return make_error("'" + text(field) + "' must be a list of namespace names");
      auto n = model::parse_ns(json::str(item));
      if (!n) return n.error();
      o[*n] = f;
    }
    return ok_status();
  };
  if (auto st = mark(ns_new, "ns_new", Fact::yes); !st) return st.error();
  if (auto st = mark(ns_unknown, "ns_unknown", Fact::unknown); !st) return st.error();

  auto tgid = optional_fact(v, "same_tgid");
  if (!tgid) return tgid.error();
  o.same_tgid = *tgid;
  auto ppid = optional_fact(v, "ppid_is_caller");
  if (!ppid) return ppid.error();
  o.ppid_is_caller = *ppid;
  for (std::size_t i = 0; i < model::kTraitCount; ++i) {
    auto f = optional_fact(v, model::trait_name(model::trait_at(i)));
    if (!f) return f.error();
    o.traits[i] = *f;
  }
  if (const json::Value* ps = json::find(v, "parent_signal")) {
    if (!ps->is_string() && !json::as_int(*ps)) return make_error("'parent_signal' is a signal name, a number or \"none\"");
    if (!(ps->is_string() && json::str(*ps) == "unknown")) {
      auto sig = ps->is_string() ? (json::str(*ps) == "none" ? Result<long long>(0LL) : model::parse_signal(json::str(*ps)))
                                 : Result<long long>(*json::as_int(*ps));
      if (!sig) return make_error("'parent_signal': " + sig.error().message);
      o.parent_signal = *sig;
    }
  }
  if (const json::Value* sig = json::find(v, "exit_signal")) {
    if (auto n = json::as_int(*sig))
      o.exit_signal = *n;
    else if (!(sig->is_string() && json::str(*sig) == "unknown"))
      return make_error("'exit_signal' must be an integer or \"unknown\"");
  }
  return o;
}

json::Value prediction_to_json(const model::Prediction& p) {
  json::Value j = outcome_to_json(p.outcome);
  j["rule"] = p.rule;
  if (const model::Rule* r = model::find_rule(p.rule)) j["where"] = text(r->where);
  if (!p.semantics.empty()) {
    json::Value list = json::Value::array();
    for (const std::string& id : p.semantics) list.push_back(id);
    j["semantics"] = std::move(list);
  }
  return j;
}

json::Value diff_to_json(const std::vector<DiffEntry>& diff) {
  json::Value list = json::Value::array();
  for (const DiffEntry& d : diff) {
    json::Value e = json::Value::object();
    e["field"] = d.field;
    // Values as the record writes them: booleans and numbers stay typed.
    const auto typed = [](const std::string& s) -> json::Value {
      if (s == "true") return true;
      if (s == "false") return false;
      if (auto n = json::parse(s); n && n->is_number()) return *n;
      return s;
    };
    e["predicted"] = typed(d.predicted);
    e["observed"] = typed(d.observed);
    list.push_back(std::move(e));
  }
  return list;
}

Result<model::Caller> caller_from_json(const json::Value& context) {
  if (context.is_string()) return model::caller_preset(json::str(context));
  if (!context.is_object()) return make_error("'context' must be a preset name or an object");
  std::string preset = "root";
  if (const json::Value* p = json::find(context, "preset")) {
    if (!p->is_string()) return make_error("'context.preset' must be a string");
    preset = json::str(*p);
  }
  // A preset plus changes (`explain --context`; records carry the canonical
  // name instead): the changes as the catalogue reads them, then any facts.
  const auto is_change = [](const std::string& key) { return key == "caps" || key == "userns" || key == "fd_table"; };
  json::Value changed = json::Value::object();
  for (const auto& [name, value] : json::members(context))
    if (is_change(name)) changed[name] = value;
  if (!changed.empty()) {
    changed["preset"] = preset;
    auto name = parse_context_option(json::dump(changed));
    if (!name) return name.error();
    preset = std::move(name).value();
  }
  auto caller = model::caller_preset(preset);
  if (!caller) return caller.error();
  for (const auto& [name, value] : json::members(context)) {
    if (name == "preset" || is_change(name)) continue;
    long long n = 0;
    if (value.is_boolean())
      n = value.get<bool>() ? 1 : 0;
    else if (auto i = json::as_int(value))
      n = *i;
    else
      return make_error("context fact '" + name + "' must be a boolean or an integer");
    if (auto st = model::set_caller_fact(*caller, name, n); !st) return st.error();
  }
  return caller;
}

namespace {

// Reads a symbolic argument ("stack": "none") from obj, if present.
template <typename T>
Status read_arg(const json::Value& obj, std::string_view key, T& out, Result<T> (*parse)(std::string_view)) {
  const json::Value* v = json::find(obj, key);
  if (!v) return ok_status();
  if (!v->is_string()) return make_error("'" + text(key) + "' must be a string");
  auto parsed = parse(json::str(*v));
  if (!parsed) return parsed.error();
  out = *parsed;
  return ok_status();
}

Status read_clone3(const json::Value& c3, model::Request& r) {
  if (!c3.is_object()) return make_error("'clone3' must be an object");
  if (const json::Value* size = json::find(c3, "size")) {
    auto n = json::as_uint(*size);
    if (!n) return make_error("'clone3.size' must be a non-negative integer");
    r.clone3.size = *n;
  }
  if (auto st = read_arg(c3, "stack", r.stack, model::parse_stack_arg); !st) return st;
  if (auto st = read_arg(c3, "tls", r.tls, model::parse_tls_arg); !st) return st;
  if (auto st = read_arg(c3, "cgroup", r.clone3.cgroup, model::parse_cgroup_arg); !st) return st;
  if (auto st = read_arg(c3, "tail", r.clone3.tail, model::parse_tail_arg); !st) return st;
  if (const json::Value* n = json::find(c3, "stack_size")) {
    auto v = json::as_uint(*n);
    if (!v) return make_error("'clone3.stack_size' must be a non-negative integer");
    r.clone3.stack_size = *v;
  }
  if (auto st = read_arg(c3, "args", r.clone3.args, model::parse_args_arg); !st) return st;
  if (auto st = read_arg(c3, "parent_tid", r.clone3.parent_tid_at, model::parse_pointer_arg); !st) return st;
  if (auto st = read_arg(c3, "child_tid", r.clone3.child_tid_at, model::parse_pointer_arg); !st) return st;
  if (const json::Value* tids = json::find(c3, "set_tid"); tids && tids->is_string()) {
    if (json::str(*tids) != "unmapped") return make_error("'clone3.set_tid' is a list, null or \"unmapped\"");
    r.clone3.set_tid_at = model::PointerArg::unmapped;
  } else if (tids && !tids->is_null()) {
    if (!tids->is_array()) return make_error("'clone3.set_tid' must be a list or null");
    std::vector<model::TidSpec> list;
    for (const json::Value& t : *tids) {
      if (auto n = json::as_int(t)) {
        list.push_back(model::TidSpec{model::TidSpec::Kind::number, *n});
      } else if (t.is_string()) {
        auto spec = model::parse_tid_spec(json::str(t));
        if (!spec) return spec.error();
        list.push_back(*spec);
      } else {
        return make_error("a set_tid entry is a number, \"free\", \"in_use\" or \"reaped\"");
      }
    }
    r.clone3.set_tid = std::move(list);
  }
  if (const json::Value* n = json::find(c3, "set_tid_size")) {
    auto v = json::as_uint(*n);
    if (!v) return make_error("'clone3.set_tid_size' must be a non-negative integer");
    r.clone3.set_tid_size = *v;
  }
  if (const json::Value* p = json::find(c3, "pidfd")) {
    if (!p->is_string() || (json::str(*p) != "parent_tid" && json::str(*p) != "own" && json::str(*p) != "unmapped"))
      return make_error("'clone3.pidfd' is \"own\", \"parent_tid\" or \"unmapped\"");
    r.clone3.pidfd_is_parent_tid = json::str(*p) == "parent_tid";
    if (json::str(*p) == "unmapped") r.clone3.pidfd_at = model::PointerArg::unmapped;
  }
  return ok_status();
}

}  // namespace

Result<model::Request> request_from_json(const json::Value& record) {
  const json::Value* entry = json::find(record, "entry");
  if (!entry || !entry->is_string()) return make_error("the record needs \"entry\" (fork, vfork, clone, ...)");
  auto e = model::parse_entry(json::str(*entry));
  if (!e) return e.error();
  model::Request r;
  r.entry = *e;
  if (const json::Value* flags = json::find(record, "flags")) {
    if (!flags->is_string()) return make_error("'flags' must be a string such as \"CLONE_VM|CLONE_FS\"");
    auto f = model::parse_flags(json::str(*flags));
    if (!f) return f.error();
    r.flags = *f;
  }
  if (const json::Value* sig = json::find(record, "exit_signal")) {
    if (auto n = json::as_uint(*sig)) {
      r.exit_signal = *n;
    } else if (sig->is_string()) {
      auto s = model::parse_signal(json::str(*sig));
      if (!s || *s < 0) return make_error("bad 'exit_signal' \"" + json::str(*sig) + "\"");
      r.exit_signal = static_cast<std::uint64_t>(*s);
    } else {
      return make_error("'exit_signal' must be a non-negative integer or a signal name");
    }
  }
  if (auto st = read_arg(record, "stack", r.stack, model::parse_stack_arg); !st) return st.error();
  if (auto st = read_arg(record, "tls", r.tls, model::parse_tls_arg); !st) return st.error();
  if (auto st = read_arg(record, "fn", r.fn, model::parse_fn_arg); !st) return st.error();
  // Legacy clone's pointers (clone3 keeps its own in "clone3").
  if (auto st = read_arg(record, "parent_tid", r.clone3.parent_tid_at, model::parse_pointer_arg); !st) return st.error();
  if (auto st = read_arg(record, "child_tid", r.clone3.child_tid_at, model::parse_pointer_arg); !st) return st.error();
  if (const json::Value* c3 = json::find(record, "clone3"))
    if (auto st = read_clone3(*c3, r); !st) return st.error();
  if (auto st = read_arg(record, "after", r.after, model::parse_after_arg); !st) return st.error();
  if (const json::Value* n = json::find(record, "rounds")) {
    auto v = json::as_uint(*n);
    if (!v || *v > model::kMaxReuseRounds) return make_error("'rounds' must be an integer, at most 10000");
    r.rounds = static_cast<std::uint32_t>(*v);
  }
  if (auto st = model::validate(r); !st) return st.error();
  return r;
}

void request_to_json(const model::Request& r, json::Value& record) {
  record["entry"] = text(model::entry_name(r.entry));
  record["flags"] = model::format_flags(r.flags);
  record["exit_signal"] = r.exit_signal;
  if (r.entry == model::Entry::clone3) {
    // Everything needed to replay the call exactly (DESIGN.md's "clone3" object).
    const model::Clone3Args& c = r.clone3;
    json::Value c3 = json::Value::object();
    c3["size"] = c.size;
    c3["stack"] = text(model::stack_arg_name(r.stack));
    c3["tls"] = text(model::tls_arg_name(r.tls));
    if (c.set_tid) {
      json::Value tids = json::Value::array();
      for (const model::TidSpec& t : *c.set_tid) {
        if (t.kind == model::TidSpec::Kind::number)
          tids.push_back(t.number);
        else
          tids.push_back(model::tid_spec_text(t));
      }
      c3["set_tid"] = std::move(tids);
    } else if (c.set_tid_at == model::PointerArg::unmapped) {
      c3["set_tid"] = "unmapped";
    } else {
      c3["set_tid"] = nullptr;
    }
    const std::uint64_t listed = c.set_tid ? c.set_tid->size() : c.set_tid_at == model::PointerArg::unmapped ? 1 : 0;
    c3["set_tid_size"] = c.set_tid_size.value_or(listed);
    c3["cgroup"] = text(model::cgroup_arg_name(c.cgroup));
    c3["tail"] = text(model::tail_arg_name(c.tail));
    c3["pidfd"] = c.pidfd_is_parent_tid ? "parent_tid" : c.pidfd_at == model::PointerArg::unmapped ? "unmapped" : "own";
    // Written only where they differ from the defaults, so that older
    // records and readers keep meaning the same.
    if (c.stack_size) c3["stack_size"] = *c.stack_size;
    if (c.args != model::ArgsArg::harness) c3["args"] = text(model::args_arg_name(c.args));
    if (c.parent_tid_at != model::PointerArg::harness) c3["parent_tid"] = text(model::pointer_arg_name(c.parent_tid_at));
    if (c.child_tid_at != model::PointerArg::harness) c3["child_tid"] = text(model::pointer_arg_name(c.child_tid_at));
    record["clone3"] = std::move(c3);
  } else if (r.entry == model::Entry::clone || r.entry == model::Entry::glibc_clone) {
    if (r.stack != model::StackArg::harness) record["stack"] = text(model::stack_arg_name(r.stack));
    if (r.tls != model::TlsArg::none) record["tls"] = text(model::tls_arg_name(r.tls));
    if (r.fn != model::FnArg::harness) record["fn"] = text(model::fn_arg_name(r.fn));
    const model::Clone3Args& c = r.clone3;
    if (c.parent_tid_at != model::PointerArg::harness) record["parent_tid"] = text(model::pointer_arg_name(c.parent_tid_at));
    if (c.child_tid_at != model::PointerArg::harness) record["child_tid"] = text(model::pointer_arg_name(c.child_tid_at));
  }
  // Only where there is one, so that older records mean the same.
  if (r.after != model::AfterArg::none) record["after"] = text(model::after_arg_name(r.after));
  if (r.rounds != 0) record["rounds"] = static_cast<std::uint64_t>(r.rounds);
}

json::Value context_to_json(const std::string& preset, const model::Caller& live) {
  auto base = model::caller_preset(preset);
  if (!base) return preset;
  json::Value obj = json::Value::object();
  obj["preset"] = preset;
  for (const model::CallerFact& f : model::caller_facts()) {
    const long long want = f.get(*base), got = f.get(live);
    if (want == got) continue;
    if (f.boolean)
      obj[std::string(f.name)] = got != 0;
    else
      obj[std::string(f.name)] = got;
  }
  return obj.size() == 1 ? json::Value(preset) : obj;
}

json::Value record_to_json(const CaseResult& r, const model::Kernel& kernel) {
  json::Value j = json::Value::object();
  j["id"] = r.spec.id;
  request_to_json(r.spec.request, j);
  j["context"] = r.caller_facts ? context_to_json(r.spec.context, *r.caller_facts) : json::Value(r.spec.context);
  if (r.spec.clone3_enosys) j["clone3_enosys"] = true;
  j["kernel"] = kernel.release;
  j["kernel_profile"] = model::kernel_spec(kernel);
  j["modelled_range"] = model::modelled_range_text();
  j["kernel_profile_in_range"] = std::string(model::range_place_name(model::place_in_modelled_range(kernel.version)));
  j["target"] = r.spec.target.empty() ? std::string("host") : r.spec.target;
  // Which clonediff wrote the record (a record of a target: the host's, which
  // judged it; the static binary the target ran is the same build).
  j["clonediff_version"] = std::string(version());
  j["clonediff_commit"] = std::string(commit());
  if (r.predicted) j["predicted"] = prediction_to_json(*r.predicted);
  if (r.live && r.live->status == LiveCall::Status::completed) {
    json::Value o = outcome_to_json(r.live->observed);
    if (r.live->observed.ok()) {
      json::Value w = json::Value::object();
      w["kcmp"] = resources_to_json(r.live->witnesses.kcmp);
      w["behaviour"] = resources_to_json(r.live->witnesses.behaviour);
      if (!r.live->witnesses.kcmp_note.empty()) w["kcmp_note"] = r.live->witnesses.kcmp_note;
      o["witnesses"] = std::move(w);
      o["returned"] = r.live->returned;
      o["signals"] = signal_list(r.live->signals);
      if (!r.live->note.empty()) o["note"] = r.live->note;  // what could not be seen, and why
      if (r.live->route) {
        // The call glibc made, as a request `check` can predict from.
        json::Value route = json::Value::object();
        request_to_json(r.live->route->request, route);
        route["text"] = r.live->route->text;
        o["route"] = std::move(route);
      }
      if (!r.live->other_calls.empty()) {
        json::Value others = json::Value::array();
        for (const std::string& c : r.live->other_calls) others.push_back(c);
        o["other_calls"] = std::move(others);
      }
    }
    j["observed"] = std::move(o);
  }
  j["verdict"] = text(verdict_name(r.verdict));
  j["diff"] = diff_to_json(r.diff);
  if (!r.reason.empty()) j["reason"] = r.reason;
  if (r.live) j["elapsed_us"] = static_cast<long long>(r.live->elapsed.count() / 1000);
  return j;
}

}  // namespace clonediff::harness
