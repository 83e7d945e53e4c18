#include "harness/records/record.hpp"

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
  for (model::Resource r : model::kResources) o.set(text(model::resource_name(r)), fact_to_json(facts[static_cast<std::size_t>(r)]));
  return o;
}

json::Value signal_list(std::uint64_t bits) {
  json::Value list = json::Value::array();
  for (int sig = 1; sig <= 64; ++sig)
    if (bits & (std::uint64_t{1} << (sig - 1))) list.push_back(model::signal_name(sig));
  return list;
}

Result<Fact> optional_fact(const json::Value& obj, std::string_view key) {
  const json::Value* v = obj.find(key);
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
  if (v.is_bool()) return model::fact_of(v.as_bool());
  if (v.is_string() && v.as_string() == "unknown") return Fact::unknown;
  if (v.is_string() && v.as_string() == "conflict") return Fact::conflict;
  return make_error("'" + text(field) + "' must be true, false, \"unknown\" or \"conflict\"");
}

json::Value outcome_to_json(const model::Outcome& o) {
  json::Value j = json::Value::object();
  j.set("result", o.ok() ? std::string("ok") : model::errno_name(o.error));
  if (!o.ok()) return j;
  j.set("share", resources_to_json(o.share));
  j.set("ns_new", names_where(o.ns_new, Fact::yes));
  if (json::Value unknown = names_where(o.ns_new, Fact::unknown); unknown.size() > 0) j.set("ns_unknown", unknown);
  j.set("same_tgid", fact_to_json(o.same_tgid));
  j.set("ppid_is_caller", fact_to_json(o.ppid_is_caller));
  if (o.exit_signal)
    j.set("exit_signal", *o.exit_signal);
  else
    j.set("exit_signal", "unknown");
  // Facts only some requests or entries call for: written where known.
  for (std::size_t i = 0; i < model::kTraitCount; ++i)
    if (o.traits[i] != Fact::unknown) j.set(text(model::trait_name(model::trait_at(i))), fact_to_json(o.traits[i]));
  if (o.parent_signal) j.set("parent_signal", model::signal_name(*o.parent_signal));
  return j;
}

Result<model::Outcome> outcome_from_json(const json::Value& v) {
  if (!v.is_object()) return make_error("'observed' must be an object");
  const json::Value* result = v.find("result");
  if (!result || !result->is_string()) return make_error("'observed' needs \"result\": \"ok\" or an errno name");
  auto err = model::parse_result_name(result->as_string());
  if (!err) return err.error();
  model::Outcome o;
  o.error = *err;
  if (!o.ok()) return o;

  if (const json::Value* share = v.find("share")) {
    if (!share->is_object()) return make_error("'share' must be an object");
    for (const auto& [name, value] : share->members()) {
      auto r = model::parse_resource(name);
      if (!r) return r.error();
      auto f = fact_from_json(value, "share." + name);
      if (!f) return f.error();
      o[*r] = *f;
    }
  }
  const json::Value* ns_new = v.find("ns_new");
  const json::Value* ns_unknown = v.find("ns_unknown");
  if (ns_new) o.ns_new.fill(Fact::no);  // a list was given: what it omits is not new
  const auto mark = [&](const json::Value* list, std::string_view field, Fact f) -> Status {
    if (!list) return ok_status();
    if (!list->is_array()) return make_error("'" + text(field) + "' must be a list of namespace names");
    for (const json::Value& item : list->items()) {
      if (!item.is_string()) return make_error("'" + text(field) + "' must be a list of namespace names");
      auto n = model::parse_ns(item.as_string());
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
  if (const json::Value* ps = v.find("parent_signal")) {
    if (!ps->is_string() && !ps->as_int()) return make_error("'parent_signal' is a signal name, a number or \"none\"");
    if (!(ps->is_string() && ps->as_string() == "unknown")) {
      auto sig = ps->is_string() ? (ps->as_string() == "none" ? Result<long long>(0LL) : model::parse_signal(ps->as_string()))
                                 : Result<long long>(*ps->as_int());
      if (!sig) return make_error("'parent_signal': " + sig.error().message);
      o.parent_signal = *sig;
    }
  }
  if (const json::Value* sig = v.find("exit_signal")) {
    if (auto n = sig->as_int())
      o.exit_signal = *n;
    else if (!(sig->is_string() && sig->as_string() == "unknown"))
      return make_error("'exit_signal' must be an integer or \"unknown\"");
  }
  return o;
}

json::Value prediction_to_json(const model::Prediction& p) {
  json::Value j = outcome_to_json(p.outcome);
  j.set("rule", p.rule);
  if (const model::Rule* r = model::find_rule(p.rule)) j.set("where", text(r->where));
  if (!p.semantics.empty()) {
    json::Value list = json::Value::array();
    for (const std::string& id : p.semantics) list.push_back(id);
    j.set("semantics", std::move(list));
  }
  return j;
}

json::Value diff_to_json(const std::vector<DiffEntry>& diff) {
  json::Value list = json::Value::array();
  for (const DiffEntry& d : diff) {
    json::Value e = json::Value::object();
    e.set("field", d.field);
    // Values as the record writes them: booleans and numbers stay typed.
    const auto typed = [](const std::string& s) -> json::Value {
      if (s == "true") return true;
      if (s == "false") return false;
      if (auto n = json::parse(s); n && n->is_number()) return *n;
      return s;
    };
    e.set("predicted", typed(d.predicted));
    e.set("observed", typed(d.observed));
    list.push_back(std::move(e));
  }
  return list;
}

Result<model::Caller> caller_from_json(const json::Value& context) {
  if (context.is_string()) return model::caller_preset(context.as_string());
  if (!context.is_object()) return make_error("'context' must be a preset name or an object");
  std::string preset = "root";
  if (const json::Value* p = context.find("preset")) {
    if (!p->is_string()) return make_error("'context.preset' must be a string");
    preset = p->as_string();
  }
  auto caller = model::caller_preset(preset);
  if (!caller) return caller.error();
  for (const auto& [name, value] : context.members()) {
    if (name == "preset") continue;
    long long n = 0;
    if (value.is_bool())
      n = value.as_bool() ? 1 : 0;
    else if (auto i = value.as_int())
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
  const json::Value* v = obj.find(key);
  if (!v) return ok_status();
  if (!v->is_string()) return make_error("'" + text(key) + "' must be a string");
  auto parsed = parse(v->as_string());
  if (!parsed) return parsed.error();
  out = *parsed;
  return ok_status();
}

Status read_clone3(const json::Value& c3, model::Request& r) {
  if (!c3.is_object()) return make_error("'clone3' must be an object");
  if (const json::Value* size = c3.find("size")) {
    auto n = size->as_uint();
    if (!n) return make_error("'clone3.size' must be a non-negative integer");
    r.clone3.size = *n;
  }
  if (auto st = read_arg(c3, "stack", r.stack, model::parse_stack_arg); !st) return st;
  if (auto st = read_arg(c3, "tls", r.tls, model::parse_tls_arg); !st) return st;
  if (auto st = read_arg(c3, "cgroup", r.clone3.cgroup, model::parse_cgroup_arg); !st) return st;
  if (auto st = read_arg(c3, "tail", r.clone3.tail, model::parse_tail_arg); !st) return st;
  if (const json::Value* tids = c3.find("set_tid"); tids && !tids->is_null()) {
    if (!tids->is_array()) return make_error("'clone3.set_tid' must be a list or null");
    std::vector<model::TidSpec> list;
    for (const json::Value& t : tids->items()) {
      if (auto n = t.as_int()) {
        list.push_back(model::TidSpec{model::TidSpec::Kind::number, *n});
      } else if (t.is_string()) {
        auto spec = model::parse_tid_spec(t.as_string());
        if (!spec) return spec.error();
        list.push_back(*spec);
      } else {
        return make_error("a set_tid entry is a number, \"free\" or \"in_use\"");
      }
    }
    r.clone3.set_tid = std::move(list);
  }
  if (const json::Value* n = c3.find("set_tid_size")) {
    auto v = n->as_uint();
    if (!v) return make_error("'clone3.set_tid_size' must be a non-negative integer");
    r.clone3.set_tid_size = *v;
  }
  if (const json::Value* p = c3.find("pidfd")) {
    if (!p->is_string() || (p->as_string() != "parent_tid" && p->as_string() != "own"))
      return make_error("'clone3.pidfd' is \"own\" or \"parent_tid\"");
    r.clone3.pidfd_is_parent_tid = p->as_string() == "parent_tid";
  }
  return ok_status();
}

}  // namespace

Result<model::Request> request_from_json(const json::Value& record) {
  const json::Value* entry = record.find("entry");
  if (!entry || !entry->is_string()) return make_error("the record needs \"entry\" (fork, vfork, clone, ...)");
  auto e = model::parse_entry(entry->as_string());
  if (!e) return e.error();
  model::Request r;
  r.entry = *e;
  if (const json::Value* flags = record.find("flags")) {
    if (!flags->is_string()) return make_error("'flags' must be a string such as \"CLONE_VM|CLONE_FS\"");
    auto f = model::parse_flags(flags->as_string());
    if (!f) return f.error();
    r.flags = *f;
  }
  if (const json::Value* sig = record.find("exit_signal")) {
    if (auto n = sig->as_uint()) {
      r.exit_signal = *n;
    } else if (sig->is_string()) {
      auto s = model::parse_signal(sig->as_string());
      if (!s || *s < 0) return make_error("bad 'exit_signal' \"" + sig->as_string() + "\"");
      r.exit_signal = static_cast<std::uint64_t>(*s);
    } else {
      return make_error("'exit_signal' must be a non-negative integer or a signal name");
    }
  }
  if (auto st = read_arg(record, "stack", r.stack, model::parse_stack_arg); !st) return st.error();
  if (auto st = read_arg(record, "tls", r.tls, model::parse_tls_arg); !st) return st.error();
  if (const json::Value* c3 = record.find("clone3"))
    if (auto st = read_clone3(*c3, r); !st) return st.error();
  if (auto st = model::validate(r); !st) return st.error();
  return r;
}

void request_to_json(const model::Request& r, json::Value& record) {
  record.set("entry", text(model::entry_name(r.entry)));
  record.set("flags", model::format_flags(r.flags));
  record.set("exit_signal", r.exit_signal);
  if (r.entry == model::Entry::clone3) {
    // Everything needed to replay the call exactly (DESIGN.md's "clone3" object).
    const model::Clone3Args& c = r.clone3;
    json::Value c3 = json::Value::object();
    c3.set("size", c.size);
    c3.set("stack", text(model::stack_arg_name(r.stack)));
    c3.set("tls", text(model::tls_arg_name(r.tls)));
    if (c.set_tid) {
      json::Value tids = json::Value::array();
      for (const model::TidSpec& t : *c.set_tid) {
        if (t.kind == model::TidSpec::Kind::number)
          tids.push_back(t.number);
        else
          tids.push_back(model::tid_spec_text(t));
      }
      c3.set("set_tid", std::move(tids));
    } else {
      c3.set("set_tid", nullptr);
    }
    const std::uint64_t listed = c.set_tid ? c.set_tid->size() : 0;
    c3.set("set_tid_size", c.set_tid_size.value_or(listed));
    c3.set("cgroup", text(model::cgroup_arg_name(c.cgroup)));
    c3.set("tail", text(model::tail_arg_name(c.tail)));
    c3.set("pidfd", c.pidfd_is_parent_tid ? "parent_tid" : "own");
    record.set("clone3", std::move(c3));
  } else if (r.entry == model::Entry::clone) {
    if (r.stack != model::StackArg::harness) record.set("stack", text(model::stack_arg_name(r.stack)));
    if (r.tls != model::TlsArg::none) record.set("tls", text(model::tls_arg_name(r.tls)));
  }
}

json::Value context_to_json(const std::string& preset, const model::Caller& live) {
  auto base = model::caller_preset(preset);
  if (!base) return preset;
  json::Value obj = json::Value::object();
  obj.set("preset", preset);
  for (const model::CallerFact& f : model::caller_facts()) {
    const long long want = f.get(*base), got = f.get(live);
    if (want == got) continue;
    if (f.boolean)
      obj.set(std::string(f.name), got != 0);
    else
      obj.set(std::string(f.name), got);
  }
  return obj.size() == 1 ? json::Value(preset) : obj;
}

json::Value record_to_json(const CaseResult& r, const model::Kernel& kernel) {
  json::Value j = json::Value::object();
  j.set("id", r.spec.id);
  request_to_json(r.spec.request, j);
  j.set("context", r.caller ? context_to_json(r.spec.context, *r.caller) : json::Value(r.spec.context));
  if (r.spec.clone3_enosys) j.set("clone3_enosys", true);
  j.set("kernel", kernel.release);
  j.set("kernel_profile", model::kernel_spec(kernel));
  j.set("modelled_range", model::modelled_range_text());
  j.set("kernel_profile_in_range", std::string(model::range_place_name(model::place_in_modelled_range(kernel.version))));
  j.set("target", r.spec.target.empty() ? std::string("host") : r.spec.target);
  if (r.predicted) j.set("predicted", prediction_to_json(*r.predicted));
  if (r.run && r.run->status == CaseRun::Status::completed) {
    json::Value o = outcome_to_json(r.run->observed);
    if (r.run->observed.ok()) {
      json::Value w = json::Value::object();
      w.set("kcmp", resources_to_json(r.run->witnesses.kcmp));
      w.set("behaviour", resources_to_json(r.run->witnesses.behaviour));
      if (!r.run->witnesses.kcmp_note.empty()) w.set("kcmp_note", r.run->witnesses.kcmp_note);
      o.set("witnesses", std::move(w));
      o.set("returned", r.run->returned);
      o.set("signals", signal_list(r.run->signals));
      if (!r.run->note.empty()) o.set("note", r.run->note);  // what could not be seen, and why
      if (r.run->route) {
        // The call glibc made, as a request `check` can predict from.
        json::Value route = json::Value::object();
        request_to_json(r.run->route->request, route);
        route.set("text", r.run->route->text);
        o.set("route", std::move(route));
      }
      if (!r.run->other_calls.empty()) {
        json::Value others = json::Value::array();
        for (const std::string& c : r.run->other_calls) others.push_back(c);
        o.set("other_calls", std::move(others));
      }
    }
    j.set("observed", std::move(o));
  }
  j.set("verdict", text(verdict_name(r.verdict)));
  j.set("diff", diff_to_json(r.diff));
  if (!r.reason.empty()) j.set("reason", r.reason);
  if (r.run) j.set("elapsed_us", static_cast<long long>(r.run->elapsed.count() / 1000));
  return j;
}

}  // namespace clonediff::harness
