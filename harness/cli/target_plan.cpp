#include "harness/cli/target_plan.hpp"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "harness/engine/stop_signals.hpp"
#include "harness/targets/guest_parts.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::cli {
namespace {

// A target's private directory, clonediff-target-XXXXXX in $TMPDIR (or
// /tmp), made 0700 by mkdtemp. Owns it: removed with everything a target put
// there (the initramfs, the unpacked kernel, the console, ...) when it goes.
class WorkDir {
 public:
  WorkDir() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string name = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/clonediff-target-XXXXXX";
    if (::mkdtemp(name.data())) path_ = name;
  }
  ~WorkDir() {
    if (path_.empty()) return;
    std::error_code ignored;  // nothing to tell at this point; what is left stays
    std::filesystem::remove_all(path_, ignored);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

constexpr const char* kBaselineHeader =
    "clonediff baseline: the cases where TARGET diverges from Linux, judged against the profile of the kernel\n"
    "it runs on. One line per case, ID<TAB>how it diverges (predicted -> observed). A run with\n"
    "--target TARGET --baseline TARGET=THIS_FILE fails when the set changes; --update-baselines rewrites it.";

std::string baseline_header(const std::string& target) {
  std::string h = kBaselineHeader;
  for (std::size_t at; (at = h.find("TARGET")) != std::string::npos;) h.replace(at, 6, target);
  return h;
}

}  // namespace

std::string static_binary_path() {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string dir = n > 0 ? std::string(self, static_cast<std::size_t>(n)) : std::string();
  dir = dir.substr(0, dir.rfind('/') == std::string::npos ? 0 : dir.rfind('/'));
  const std::string beside = dir + "/clonediff-static";
#ifdef CLONEDIFF_LIBEXEC_RELATIVE
  const std::string installed = dir + "/" CLONEDIFF_LIBEXEC_RELATIVE "/clonediff-static";
  if (::access(beside.c_str(), X_OK) != 0 && ::access(installed.c_str(), X_OK) == 0) return installed;
#endif
  return beside;
}

Result<std::vector<PlannedTarget>> plan_targets(const RunOptions& opts, const std::vector<harness::CatalogueCase>& cases) {
  std::vector<PlannedTarget> out;
  if (opts.targets.empty()) {
    out.push_back({targets::TargetSpec{}, "", harness::CaseList(cases.begin(), cases.end())});
    return out;
  }
  for (const std::string& text : opts.targets) {
    auto spec = targets::parse_target(text);
    if (!spec) return spec.error();
    PlannedTarget t{*spec, targets::target_name(*spec), harness::CaseList(cases.begin(), cases.end())};
    for (const PlannedTarget& before : out)
      if (before.name == t.name) return make_error("target '" + t.name + "' given twice");
    for (harness::CatalogueCase& c : t.cases) {
      c.target = t.name;
      c.target_spec = spec->kind == targets::TargetKind::host ? "" : spec->spec;
    }
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::map<std::string, std::string>> baseline_files(const RunOptions& opts, const std::vector<PlannedTarget>& plan) {
  std::map<std::string, std::string> out;
  for (const std::string& b : opts.baselines) {
    const auto eq = b.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == b.size()) return make_error("--baseline takes TARGET=FILE");
    const std::string name = b.substr(0, eq);
    bool found = false;
    for (const PlannedTarget& t : plan)
      if (t.name == name) {
        if (!targets::is_emulator(t.spec.kind)) return make_error("--baseline is for gvisor and qemu-user, not " + name);
        found = true;
      }
    if (!found) return make_error("--baseline names '" + name + "', which is not a --target of this run");
    out[name] = b.substr(eq + 1);
  }
  return out;
}

Result<std::map<std::string, targets::Baseline>> read_baselines(const std::map<std::string, std::string>& files) {
  std::map<std::string, targets::Baseline> out;
  for (const auto& [name, file] : files) {
    auto text = sys::read_text_file(file, "baseline");
    if (!text) return text.error();
    auto parsed = targets::parse_baseline(*text, file);
    if (!parsed) return parsed.error();
    out[name] = std::move(parsed).value();
  }
  return out;
}

Status write_baseline(const std::string& file, const targets::Baseline& b, const std::string& target) {
  std::ofstream out(file, std::ios::trunc);
  out << targets::format_baseline(b, baseline_header(target));
  out.close();
  if (!out) return make_error("cannot write baseline '" + file + "'");
  return ok_status();
}

targets::TargetRun run_planned_target(const PlannedTarget& t, const RunOptions& opts,
                                      std::chrono::milliseconds case_timeout,
                                      std::optional<std::chrono::seconds> target_timeout,
                                      const model::Kernel& host_profile, std::size_t part, std::size_t parts,
                                      std::optional<int> cpu) {
  targets::GuestSelection guest;
  if (targets::is_emulator(t.spec.kind)) guest.kernel_profile = model::kernel_spec(host_profile);
  guest.no_builtin = opts.no_builtin;
  guest.case_files = opts.cases;
  guest.filters = opts.filters;
  guest.excludes = opts.excludes;
  guest.shards = opts.shards;
  guest.context = opts.context;
  guest.case_timeout = case_timeout;
  guest = targets::guest_part(guest, part, parts);
  // Boot and the catalogue under TCG or an emulator: generous, but bounded.
  return run_guest(t.spec, guest, target_timeout.value_or(std::chrono::seconds(120 + static_cast<long>(t.cases.size()) / 10)),
                   cpu);
}

targets::TargetRun run_guest(const targets::TargetSpec& t, const targets::GuestSelection& guest,
                             std::chrono::seconds timeout, std::optional<int> cpu) {
  WorkDir dir;
  targets::TargetEnvironment env;
  env.static_binary = static_binary_path();
  env.workdir = dir.path();
  env.timeout = timeout;
  // SIGINT, SIGTERM or SIGHUP: the guest is killed at once, not awaited.
  env.stop_requested = [] { return harness::stop_signal() != 0; };
  env.cpu = cpu;
  return run_outer_target(t, guest, env);
}

}  // namespace clonediff::cli
