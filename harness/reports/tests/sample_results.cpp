#include "harness/reports/tests/sample_results.hpp"

#include "model/flags.hpp"

namespace clonediff::harness::testing {

model::Kernel sample_kernel() {
  model::Kernel k;
  k.version = {6, 18, 0};
  k.release = "6.18.0-sample";
  return k;
}

CatalogueCase sample_case(const std::string& id, std::uint64_t flags, const std::string& context) {
  CatalogueCase c;
  c.id = canonical_id(id, context);  // "pidns_init/alpha/pidns"
  c.suite = id.substr(0, id.find('/'));
  c.request = model::Request{model::Entry::clone, flags, model::kSigchld};
  c.context = context;
  c.origin = "sample.cases:1";
  return c;
}

std::vector<CaseResult> sample_results() {
  using namespace model::flag;
  const auto result = [](CatalogueCase c, Verdict v, std::string reason = "") {
    CaseResult r;
    r.spec = std::move(c);
    r.verdict = v;
    r.reason = std::move(reason);
    return r;
  };
  std::vector<CaseResult> out;
  out.push_back(result(sample_case("alpha/CLONE_VM|CLONE_FS", VM | FS), Verdict::match));
  CaseResult mismatch = result(sample_case("alpha/CLONE_FILES", FILES), Verdict::mismatch);
  mismatch.diff = {{"share.files", "true", "false"}, {"exit_signal", "17", "0"}};
  out.push_back(std::move(mismatch));
  out.push_back(result(sample_case("alpha/pidns", 0, "pidns_init"), Verdict::skip,
                       "context 'pidns_init' cannot be built here: a preset for check and explain only"));
  out.push_back(result(sample_case("alpha/hangs", VFORK), Verdict::timeout, "no answer within 5000 ms"));
  out.push_back(result(sample_case("alpha/crashes"), Verdict::crash, "the caller was killed by SIGSEGV"));
  out.push_back(result(sample_case("alpha/broken"), Verdict::error, "the caller stopped answering:\nbroken pipe"));
  out.push_back(result(sample_case("beta/one", 0, "unpriv"), Verdict::skip, "no unprivileged user here"));
  out.push_back(result(sample_case("beta/two", 0, "unpriv"), Verdict::skip, "no unprivileged user here"));
  out.push_back(result(sample_case("gamma/<&'\"odd\">"), Verdict::match));
  return out;
}

}  // namespace clonediff::harness::testing
