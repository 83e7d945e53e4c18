// The case catalogue: plain-text tables (cases/*.cases, format in
// cases/README.cases.md) read into cases, sweeps expanded. The built-in
// catalogue is the repository's cases/*.cases, embedded at build time.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/request.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

// One naming scheme for ids, report groups and --filter: a case's id is
// [CONTEXT/]SUITE/NAME, its caller context first when that is not root
// ("unpriv/sweep/CLONE_VM", "legacy/exit-signal-0"), and the group the
// reports name it by ("unpriv/sweep", under its target in a run over targets)
// is the id without NAME. A pattern such as 'unpriv/*' or 'legacy/*' thus
// selects what the summary calls by that name.
struct CatalogueCase {
  std::string id;       // unique in a catalogue, [CONTEXT/]SUITE/NAME
  std::string suite;    // the id's part after the context: "sweep", "legacy", ...
  model::Request request;
  std::string context;  // a preset name
  // The C library's entries run supervised; with this, clone3 fails with
  // ENOSYS under the filter, so glibc falls back to legacy clone.
  bool clone3_enosys = false;
  // Set when `run --context NAME` moved the case into NAME: a reproduce
  // command must say so.
  std::string context_option;
  // Where the case runs, when a run covers targets (targets/target.hpp):
  // "host", "kernel:6.1.0-50-cloud-amd64", "gvisor", "qemu-user". Empty in a
  // run on the running kernel alone.
  std::string target;
  std::string target_spec;  // ... as --target takes it: "kernel:/boot/vmlinuz-6.1.0-50-cloud-amd64"
  std::string origin;   // "legacy.cases:12"
  std::string file;     // the --cases file it was loaded from; empty if built in
};

// The id in the scheme above for a case of `context`. A catalogue line may
// leave the context out of the id ("mine/x" in unpriv is "unpriv/mine/x"),
// or give it in the form of earlier versions, after the suite
// ("sweep/unpriv/CLONE_VM", a sweep's "sweep/unpriv"): both are put in front.
std::string canonical_id(std::string_view id, std::string_view context);

// The most cases a run takes unless told otherwise (run --max-cases).
inline constexpr std::size_t kDefaultMaxCases = 1'000'000;

// Parses one file's text. Errors are "<name>:<line>: <what>", the first one
// found, with whatever they quote of the file escaped; a catalogue with an
// error is not used at all. CRLF line ends and a UTF-8 byte order mark are
// taken; a column starting with '#' starts a comment; columns are printable
// UTF-8. A file that would expand to more than max_cases is an error, found
// before the cases are made.
Result<std::vector<CatalogueCase>> parse_catalogue(std::string_view text, std::string_view name,
                                                   std::size_t max_cases = kDefaultMaxCases);
Result<std::vector<CatalogueCase>> load_catalogue_file(const std::string& path,
                                                       std::size_t max_cases = kDefaultMaxCases);

// Applies one option of a case line ("size", "96"). The names are the
// catalogue's: exit_signal, context, stack, tls, size, set_tid, set_tid_size,
// cgroup, tail, pidfd, clone3.
Status apply_case_option(CatalogueCase& c, std::string_view key, std::string_view value);

// Appends `more` to `into`; an id already present is an error (`into` then
// holds `more` too, and is not to be used).
Status merge_catalogue(std::vector<CatalogueCase>& into, std::vector<CatalogueCase> more);

// cases/*.cases as built in: every file, in name order.
Result<std::vector<CatalogueCase>> builtin_catalogue();

struct EmbeddedCatalogueFile {
  std::string_view name;
  std::string_view text;
};
std::span<const EmbeddedCatalogueFile> embedded_catalogue_files();  // generated

}  // namespace clonediff::harness
