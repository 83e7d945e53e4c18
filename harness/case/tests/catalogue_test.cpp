#include "harness/case/catalogue.hpp"
#include "harness/case/catalogue_line.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "model/caller.hpp"
#include "model/flags.hpp"

namespace clonediff::harness {
namespace {

using namespace model::flag;

TEST(Catalogue, ReadsCasesWithOptionsAndComments) {
  auto c = parse_catalogue(
      "# a comment\n"
      "case  legacy/one   clone  CLONE_VM|CLONE_FS  exit_signal=0   # trailing comment\n"
      "\n"
      "case  library/fork fork   -  context=unpriv\n",
      "t.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].id, "legacy/one");
  EXPECT_EQ((*c)[0].suite, "legacy");
  EXPECT_EQ((*c)[0].request.flags, VM | FS);
  EXPECT_EQ((*c)[0].request.exit_signal, 0u);
  EXPECT_EQ((*c)[0].context, "root");
  EXPECT_EQ((*c)[0].origin, "t.cases:2");
  EXPECT_EQ((*c)[1].request.entry, model::Entry::fork);
  EXPECT_EQ((*c)[1].request.exit_signal, model::kSigchld);
  EXPECT_EQ((*c)[1].context, "unpriv");
  EXPECT_EQ((*c)[1].id, "unpriv/library/fork");  // the context goes in front
  EXPECT_EQ((*c)[1].suite, "library");
}

// Ids are [CONTEXT/]SUITE/NAME. Files may leave the context out of a case's
// id, or give it after the suite as earlier versions did: both read the same.
TEST(Catalogue, IdsPutTheContextFirstWhateverFormTheFileUses) {
  auto c = parse_catalogue(
      "case  unpriv/contexts/newns  clone CLONE_NEWNS context=unpriv\n"
      "case  contexts/unpriv/newnet  clone CLONE_NEWNET context=unpriv\n"
      "case  mine/newipc             clone CLONE_NEWIPC context=unpriv\n"
      "sweep sweep/pidns_init        clone CLONE_VM     context=pidns_init\n"
      "case  exit-signals/depth/33   clone 0            context=pidns_depth\n"
      "case  legacy/unpriv-like      clone 0\n",
      "t.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  std::vector<std::pair<std::string, std::string>> got;
  for (const CatalogueCase& x : *c) got.emplace_back(x.id, x.suite);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"unpriv/contexts/newns", "contexts"},
                     {"unpriv/contexts/newnet", "contexts"},
                     {"unpriv/mine/newipc", "mine"},
                     {"pidns_init/sweep/0", "sweep"},
                     {"pidns_init/sweep/CLONE_VM", "sweep"},
                     {"pidns_depth/exit-signals/depth/33", "exit-signals"},
                     {"legacy/unpriv-like", "legacy"}}));
  EXPECT_EQ(canonical_id("sweep/unpriv", "unpriv"), "unpriv/sweep");
  EXPECT_EQ(canonical_id("sweep/x", "root"), "sweep/x");
}

// A suite named like a context would make 'unpriv/*' mean two things.
TEST(Catalogue, ASuiteMayNotBeNamedLikeAContext) {
  auto c = parse_catalogue("case ok/a clone 0\ncase unpriv/x clone 0\n", "t.cases");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message.rfind("t.cases:2: the suite of 'unpriv/x' is named like a caller context", 0), 0u)
      << c.error().message;
}

TEST(Catalogue, ReadsClone3Fields) {
  auto c = parse_catalogue(
      "case c3/all clone3 CLONE_INTO_CGROUP|CLONE_SETTLS size=96 stack=none tls=harness set_tid=1,free,in_use "
      "set_tid_size=2 cgroup=harness tail=nonzero pidfd=parent_tid exit_signal=0\n",
      "c.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const model::Request& r = c->front().request;
  EXPECT_EQ(r.entry, model::Entry::clone3);
  EXPECT_EQ(r.clone3.size, 96u);
  EXPECT_EQ(r.stack, model::StackArg::none);
  EXPECT_EQ(r.tls, model::TlsArg::harness);
  ASSERT_TRUE(r.clone3.set_tid.has_value());
  EXPECT_EQ(r.clone3.set_tid->size(), 3u);
  EXPECT_EQ((*r.clone3.set_tid)[1].kind, model::TidSpec::Kind::free);
  EXPECT_EQ(r.clone3.set_tid_size, 2u);
  EXPECT_EQ(r.clone3.cgroup, model::CgroupArg::harness);
  EXPECT_EQ(r.clone3.tail, model::TailArg::nonzero);
  EXPECT_TRUE(r.clone3.pidfd_is_parent_tid);
}

// Issue 11's arguments: any 64-bit exit_signal, stack_size, and the pointers
// into the caller's PROT_NONE page; what is parsed comes back as the same line.
TEST(Catalogue, ReadsTheArgumentsOfTheSelftests) {
  auto c = parse_catalogue(
      "case a/sig clone3 0 exit_signal=-1\n"
      "case a/badc0ded clone3 0 exit_signal=0xbadc0ded00000000\n"
      "case a/stack clone3 0 stack=none stack_size=4\n"
      "case a/ptrs clone3 CLONE_PIDFD args=at_guard pidfd=unmapped parent_tid=unmapped child_tid=unmapped "
      "set_tid=unmapped\n"
      "case a/legacy clone CLONE_PIDFD|CLONE_CHILD_SETTID parent_tid=unmapped child_tid=unmapped\n"
      "case a/glibc glibc_clone CLONE_VM fn=null stack=none exit_signal=0\n"
      "case a/reaped clone3 CLONE_NEWPID set_tid=1,reaped\n",
      "a.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 7u);
  EXPECT_EQ((*c)[5].request.entry, model::Entry::glibc_clone);
  EXPECT_EQ((*c)[5].request.fn, model::FnArg::null);
  EXPECT_EQ((*c)[5].request.stack, model::StackArg::none);
  EXPECT_EQ((*c)[5].request.flags, model::flag::VM);
  ASSERT_TRUE((*c)[6].request.clone3.set_tid.has_value());
  EXPECT_EQ((*c)[6].request.clone3.set_tid->at(1).kind, model::TidSpec::Kind::reaped);
  const model::Clone3Args& legacy = (*c)[4].request.clone3;
  EXPECT_EQ(legacy.parent_tid_at, model::PointerArg::unmapped);
  EXPECT_EQ(legacy.child_tid_at, model::PointerArg::unmapped);
  EXPECT_EQ((*c)[0].request.exit_signal, ~0ULL);
  EXPECT_EQ((*c)[1].request.exit_signal, 0xbadc0ded00000000ULL);
  EXPECT_EQ((*c)[2].request.clone3.stack_size, 4u);
  const model::Clone3Args& a = (*c)[3].request.clone3;
  EXPECT_EQ(a.args, model::ArgsArg::at_guard);
  EXPECT_EQ(a.pidfd_at, model::PointerArg::unmapped);
  EXPECT_EQ(a.parent_tid_at, model::PointerArg::unmapped);
  EXPECT_EQ(a.child_tid_at, model::PointerArg::unmapped);
  EXPECT_EQ(a.set_tid_at, model::PointerArg::unmapped);
  EXPECT_FALSE(a.set_tid.has_value());
  for (const CatalogueCase& one : *c) {
    auto again = parse_catalogue(catalogue_line(one), "again.cases");
    ASSERT_TRUE(again.ok()) << catalogue_line(one) << ": " << again.error().message;
    EXPECT_EQ(again->front().request, one.request) << catalogue_line(one);
  }
  for (const char* bad : {"case a/x clone3 0 exit_signal=0x1ffffffffffffffff\n", "case a/x clone 0 exit_signal=-1\n",
                          "case a/x clone3 0 args=nowhere\n", "case a/x clone3 0 child_tid=maybe\n",
                          "case a/x clone3 0 stack=address_without_size stack_size=4\n",
                          "case a/x clone3 0 args=unmapped size=96 tail=nonzero\n",
                          "case a/x clone 0 pidfd=unmapped\n", "case a/x clone 0 set_tid=unmapped\n",
                          "case a/x fork - child_tid=unmapped\n", "case a/x system - parent_tid=unmapped\n",
                          "case a/x clone 0 fn=null\n", "case a/x glibc_clone 0 fn=maybe\n",
                          "case a/x glibc_clone 0 clone3=enosys\n", "case a/x glibc_clone 0x100000000\n",
                          "case a/x clone3 0 set_tid=reaped,later\n"})
    EXPECT_FALSE(parse_catalogue(bad, "bad.cases").ok()) << bad;
}

// Issue 11's after=: a scenario through the child's pidfd; what is parsed
// comes back as the same line, and a scenario the request cannot make is an
// error naming why.
TEST(Catalogue, ReadsAfterScenarios) {
  auto c = parse_catalogue(
      "case p/poll clone3 CLONE_PIDFD after=poll\n"
      "case p/waitid clone CLONE_PIDFD after=waitid exit_signal=0\n"
      "case p/thread clone CLONE_VM|CLONE_SIGHAND|CLONE_THREAD after=thread exit_signal=0\n",
      "p.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 3u);
  EXPECT_EQ((*c)[0].request.after, model::AfterArg::poll);
  EXPECT_EQ((*c)[1].request.after, model::AfterArg::waitid);
  EXPECT_EQ((*c)[2].request.after, model::AfterArg::thread);
  for (const CatalogueCase& one : *c) {
    auto again = parse_catalogue(catalogue_line(one), "again.cases");
    ASSERT_TRUE(again.ok()) << catalogue_line(one) << ": " << again.error().message;
    EXPECT_EQ(again->front().request, one.request) << catalogue_line(one);
  }
  auto without = parse_catalogue("case p/x clone3 0 after=poll\n", "bad.cases");
  ASSERT_FALSE(without.ok());
  EXPECT_NE(without.error().message.find("CLONE_PIDFD"), std::string::npos) << without.error().message;
  for (const char* bad : {"case p/x clone3 CLONE_PIDFD after=reap\n", "case p/x fork - after=poll\n",
                          "case p/x clone3 CLONE_PIDFD|CLONE_VM|CLONE_VFORK after=waitid\n",
                          "case p/x clone3 CLONE_PIDFD|CLONE_PARENT after=stop\n",
                          "case p/x clone3 CLONE_PIDFD after=info pidfd=parent_tid\n",
                          "case p/x clone3 CLONE_PIDFD after=thread\n"})
    EXPECT_FALSE(parse_catalogue(bad, "bad.cases").ok()) << bad;
}

// after=setns, after=sigqueue and after=leader_exit go through the pidfd; after=reuse needs none, but rounds=.
TEST(Catalogue, ReadsSetnsAndReuseWithRounds) {
  auto c = parse_catalogue(
      "case p/setns clone3 CLONE_PIDFD|CLONE_NEWUTS after=setns\n"
      "case p/reuse clone3 0 after=reuse rounds=1000\n"
      "case p/reuse-first clone 0 rounds=10000 after=reuse\n"
      "case p/sigqueue clone3 CLONE_PIDFD after=sigqueue\n"
      "case p/leader clone CLONE_PIDFD|CLONE_NEWPID after=leader_exit\n",
      "p.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 5u);
  EXPECT_EQ((*c)[3].request.after, model::AfterArg::sigqueue);
  EXPECT_EQ((*c)[4].request.after, model::AfterArg::leader_exit);
  EXPECT_EQ((*c)[0].request.after, model::AfterArg::setns);
  EXPECT_EQ((*c)[1].request.rounds, 1000u);
  EXPECT_EQ((*c)[2].request.rounds, 10000u);
  for (const CatalogueCase& one : *c) {
    auto again = parse_catalogue(catalogue_line(one), "again.cases");
    ASSERT_TRUE(again.ok()) << catalogue_line(one) << ": " << again.error().message;
    EXPECT_EQ(again->front().request, one.request) << catalogue_line(one);
  }
  for (const char* bad : {"case p/x clone3 0 after=setns\n", "case p/x clone3 0 after=sigqueue\n", "case p/x clone3 0 after=reuse\n",
                          "case p/x clone3 0 after=reuse rounds=1\n", "case p/x clone3 0 after=reuse rounds=10001\n",
                          "case p/x clone3 0 after=reuse rounds=-3\n", "case p/x clone3 0 after=reuse rounds=many\n",
                          "case p/x clone3 CLONE_PIDFD after=poll rounds=5\n",
                          "case p/x clone3 CLONE_VM|CLONE_VFORK after=reuse rounds=5\n",
                          "case p/x clone3 0 after=leader_exit\n",
                          "case p/x clone3 CLONE_PIDFD|CLONE_CHILD_CLEARTID after=leader_exit\n"})
    EXPECT_FALSE(parse_catalogue(bad, "bad.cases").ok()) << bad;
}

TEST(Catalogue, SweepMakesEveryCombinationOnce) {
  auto c = parse_catalogue("sweep s clone CLONE_VM,CLONE_FS,CLONE_NEWNS exit_signal=SIGCHLD\n", "s.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 8u);
  std::set<std::uint64_t> seen;
  for (const auto& x : *c) seen.insert(x.request.flags);
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(c->front().id, "s/0");
  EXPECT_EQ(c->back().id, "s/CLONE_VM|CLONE_FS|CLONE_NEWNS");
}

TEST(Catalogue, ErrorsNameTheFileAndLine) {
  const auto error_of = [](const char* text) {
    auto c = parse_catalogue(text, "bad.cases");
    return c.ok() ? std::string("(parsed)") : c.error().message;
  };
  EXPECT_EQ(error_of("\ncase x clone CLONE_BOGUS\n"), "bad.cases:2: unknown flag 'CLONE_BOGUS'");
  EXPECT_EQ(error_of("kase x clone 0\n"), "bad.cases:1: expected 'case' or 'sweep', found 'kase'");
  EXPECT_NE(error_of("case x clone\n").find("bad.cases:1: expected: case <id>"), std::string::npos);
  EXPECT_NE(error_of("case x spawn 0\n").find("unknown entry 'spawn'"), std::string::npos);
  EXPECT_NE(error_of("case x clone 0 exit_signal=SIGNOPE\n").find("bad exit_signal"), std::string::npos);
  EXPECT_NE(error_of("case x clone 0 colour=red\n").find("unknown option 'colour'"), std::string::npos);
  EXPECT_NE(error_of("case x clone3 0 size=big\n").find("'size' takes a number"), std::string::npos);
  EXPECT_NE(error_of("case x clone3 0 set_tid=1,two\n").find("'two'"), std::string::npos);
  EXPECT_NE(error_of("case x clone 0 size=64\n").find("clone3 fields"), std::string::npos);
  EXPECT_NE(error_of("case x clone 0\ncase x clone 0\n").find("bad.cases:2: duplicate id 'x'"), std::string::npos);
  EXPECT_NE(error_of("case x clone 0 exit_signal=256\n").find("does not fit"), std::string::npos);
  EXPECT_NE(error_of("case x fork CLONE_VM\n").find("takes no flags"), std::string::npos);
  EXPECT_NE(error_of("sweep s clone CLONE_VM|CLONE_FS\n").find("single flags"), std::string::npos);
}

TEST(Catalogue, BuiltinHasTheFullSweepAndTheTargetedCases) {
  auto c = builtin_catalogue();
  ASSERT_TRUE(c.ok()) << c.error().message;
  std::map<std::string, std::size_t> sweep;  // per context
  std::set<std::string> ids;
  for (const auto& x : *c) {
    if (x.suite == "sweep") ++sweep[x.context];
    ids.insert(x.id);
  }
  // The sweep in root, unpriv and pidns_init: every combination once each.
  EXPECT_EQ(sweep, (std::map<std::string, std::size_t>{{"pidns_init", 4096}, {"root", 4096}, {"unpriv", 4096}}));
  EXPECT_EQ(ids.size(), c->size());
  for (const char* id : {"legacy/exit-signal-0", "legacy/exit-signal-65", "legacy/exit-signal-255", "legacy/detached",
                         "legacy/bit-32", "legacy/bit-40", "legacy/bit-63", "legacy/pidfd", "legacy/pidfd-parent-settid",
                         "legacy/pidfd-detached", "legacy/pidfd-thread", "legacy/newuts", "legacy/newnet",
                         "legacy/newcgroup", "legacy/io", "legacy/untraced", "legacy/thread-newuts", "library/fork",
                         "library/vfork", "sweep/0", "sweep/CLONE_VM|CLONE_FS", "clone3/size-56", "clone3/size-ver0-64",
                         "clone3/size-ver1-80", "clone3/size-ver2-88", "clone3/size-96-zero-tail",
                         "clone3/size-96-nonzero-tail", "clone3/size-above-page", "clone3/unknown-bit-40",
                         "clone3/csignal-bits", "clone3/detached", "clone3/exit-signal-65", "clone3/exit-signal-high-bits",
                         "clone3/thread-with-exit-signal", "clone3/parent-with-exit-signal",
                         "clone3/stack-size-without-address", "clone3/stack-address-without-size", "clone3/settls",
                         "clone3/set_tid-size-33", "clone3/set_tid-null-with-size", "clone3/set_tid-with-size-0",
                         "clone3/set_tid-in-use", "clone3/set_tid-newpid-1", "clone3/into-cgroup",
                         "clone3/into-cgroup-bad-fd", "clone3/into-cgroup-size-ver1", "clone3/clear-sighand",
                         "clone3/clear-sighand-with-sighand", "clone3/newtime", "clone3/newtime-vm",
                         "clone3/newtime-thread", "clone3/pidfd-parent-settid-same", "clone3/pidfd-parent-settid-apart",
                         "clone3/thread", "clone3/vm"})
    EXPECT_TRUE(ids.count(id)) << id;
}

// A context the model has no preset for is bad input where it is read, with
// the file, the line and the names there are; not a skip when the case runs.
TEST(Catalogue, AnUnknownContextIsAnErrorAtItsLine) {
  auto c = parse_catalogue("case x clone 0\ncase y clone 0 context=pidns_iinit\n", "typo.cases");
  ASSERT_FALSE(c.ok());
  std::string presets;
  for (auto p : model::caller_preset_names()) presets += (presets.empty() ? "" : ", ") + std::string(p);
  EXPECT_EQ(c.error().message, "typo.cases:2: unknown context 'pidns_iinit' (presets: " + presets + ")");
}

// A preset plus changes, as JSON: the case's context is the canonical name,
// which leads its id; the name itself is taken too; bad JSON, an unknown key,
// capability or value is an error at its line.
TEST(Catalogue, AContextAsDataIsReadToItsCanonicalName) {
  auto c = parse_catalogue(
      "case mine/a clone CLONE_NEWNS context={\"preset\":\"unpriv\",\"fd_table\":\"full\",\"caps\":{\"drop_effective\":"
      "[\"CAP_SYS_RESOURCE\",\"CAP_CHOWN\"]},\"userns\":\"unmapped\"}\n"
      "case mine/b clone 0 context=root+fd_table_full+drop_bounding.sys_admin\n"
      "case mine/c clone 0 context={\"caps\":{\"drop\":[\"CAP_SYS_ADMIN\"]}}\n",
      "data.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 3u);
  EXPECT_EQ((*c)[0].context, "unpriv+drop_effective.chown.sys_resource+userns_unmapped+fd_table_full");
  EXPECT_EQ((*c)[0].id, "unpriv+drop_effective.chown.sys_resource+userns_unmapped+fd_table_full/mine/a");
  EXPECT_EQ((*c)[0].suite, "mine");
  EXPECT_EQ((*c)[1].context, "root+drop_bounding.sys_admin+fd_table_full");
  EXPECT_EQ((*c)[2].id, "root+drop.sys_admin/mine/c");
}

TEST(Catalogue, ABadContextAsDataIsAnErrorAtItsLine) {
  const auto error_of = [](const std::string& context) {
    auto c = parse_catalogue("case x clone 0\ncase y clone 0 context=" + context + "\n", "bad.cases");
    return c.ok() ? std::string("(read)") : c.error().message;
  };
  EXPECT_EQ(error_of("{\"preset\":\"root\""), "bad.cases:2: context '{\"preset\":\"root\"' is not a JSON object (write it without spaces)");
  EXPECT_EQ(error_of("{\"caps\":{\"drop\":[\"CAP_SYS_ADMN\"]}}"), "bad.cases:2: context: unknown capability 'CAP_SYS_ADMN'");
  EXPECT_EQ(error_of("{\"capz\":{}}"), "bad.cases:2: context: unknown key \"capz\" (keys: preset, caps, userns, fd_table)");
  EXPECT_EQ(error_of("{\"caps\":{\"keep\":[]}}"),
            "bad.cases:2: context: unknown key \"caps\".keep (keys: drop, drop_permitted, drop_effective, drop_bounding)");
  EXPECT_EQ(error_of("{\"userns\":\"mapped\"}"), "bad.cases:2: context: \"userns\" is \"unmapped\", not \"mapped\"");
  EXPECT_EQ(error_of("{\"caps\":{\"drop\":\"CAP_SYS_ADMIN\"}}"), "bad.cases:2: context: \"caps\".drop is a list of CAP_ names");
  EXPECT_EQ(error_of("{\"preset\":\"root+fd_table_full\"}"),
            "bad.cases:2: context: \"preset\" is a preset's name, not 'root+fd_table_full'");
  EXPECT_EQ(error_of("root+drop.sys_adm"), "bad.cases:2: context 'root+drop.sys_adm': unknown capability 'sys_adm'");
  EXPECT_EQ(error_of("{\"preset\":\"userns_depth\",\"userns\":\"unmapped\"}"),
            "bad.cases:2: context 'userns_depth+userns_unmapped' cannot be: its userns_level would be 34 (at most 33)");
}

// A directory or a missing path named as a catalogue file says so, with the
// system's reason; it is never an empty catalogue.
TEST(Catalogue, ADirectoryOrAMissingFileIsNotACatalogue) {
  auto dir = load_catalogue_file("/");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().message, "cannot read catalogue file '/': Is a directory");
  auto missing = load_catalogue_file("/nonexistent/x.cases");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "cannot read catalogue file '/nonexistent/x.cases': No such file or directory");
}

TEST(Catalogue, MergeRefusesDuplicateIds) {
  auto a = parse_catalogue("case x clone 0\n", "a.cases");
  auto b = parse_catalogue("case x clone CLONE_VM\n", "b.cases");
  ASSERT_TRUE(a.ok() && b.ok());
  auto all = std::move(a).value();
  auto st = merge_catalogue(all, std::move(b).value());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("b.cases:1"), std::string::npos);
}

TEST(Catalogue, CrlfLinesAndAByteOrderMarkReadAsPlainOnes) {
  const std::string plain = "# comment\ncase a/b clone CLONE_VM|CLONE_FS exit_signal=SIGUSR1 context=unpriv\n";
  std::string crlf;
  for (char ch : plain) crlf += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
  auto a = parse_catalogue(plain, "lf.cases");
  auto b = parse_catalogue("\xEF\xBB\xBF" + crlf, "crlf.cases");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].id, (*a)[0].id);
  EXPECT_EQ((*b)[0].request.flags, (*a)[0].request.flags);
  EXPECT_EQ((*b)[0].context, "unpriv");
}

TEST(Catalogue, ACommentStartsAColumnAndAHashInsideOneIsAnError) {
  auto ok = parse_catalogue("case a clone 0 #exit_signal=9\ncase b clone 0 # a comment\n", "c.cases");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)[0].request.exit_signal, 17u);
  auto bad = parse_catalogue("case legacy/a#b clone 0\n", "c.cases");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "c.cases:1: '#' inside 'legacy/a#b': a comment starts at the beginning of a column");
}

TEST(Catalogue, ControlCharactersAndBytesThatAreNotUtf8AreRefusedAndShownEscaped) {
  auto control = parse_catalogue("case bad\x1b[31mred clone 0\n", "e.cases");
  ASSERT_FALSE(control.ok());
  EXPECT_EQ(control.error().message, "e.cases:1: 'bad\\x1b[31mred' is not printable UTF-8");
  auto latin1 = parse_catalogue("case caf\xe9 clone 0\n", "e.cases");
  ASSERT_FALSE(latin1.ok());
  EXPECT_EQ(latin1.error().message, "e.cases:1: 'caf\\xe9' is not printable UTF-8");
  auto utf8 = parse_catalogue("case caf\xc3\xa9 clone 0\n", "e.cases");
  EXPECT_TRUE(utf8.ok());
  auto cr = parse_catalogue("case a clone CLONE_VM\rX\n", "e.cases");
  ASSERT_FALSE(cr.ok());
  EXPECT_EQ(cr.error().message, "e.cases:1: 'CLONE_VM\\rX' is not printable UTF-8");
}

// 64 sweeps of 16 flags would make 4,194,304 cases; the bound is found
// before they are made: here the first sweep alone passes it. (With a bound
// its first sweep fits in, the test would make that sweep's 65,536 cases
// first, 0.4 s of the unit tier: the two-line file below checks the count
// across lines.)
TEST(Catalogue, AFileThatExpandsPastTheBoundIsRefusedBeforeItIsMade) {
  std::string text;
  const std::string flags = "CLONE_VM,CLONE_FS,CLONE_FILES,CLONE_SIGHAND,CLONE_THREAD,CLONE_PARENT,CLONE_NEWNS,"
                            "CLONE_NEWUSER,CLONE_NEWPID,CLONE_NEWIPC,CLONE_SYSVSEM,CLONE_VFORK,CLONE_NEWUTS,"
                            "CLONE_NEWNET,CLONE_NEWCGROUP,CLONE_IO";
  for (int i = 0; i < 64; ++i) text += "sweep s" + std::to_string(i) + " clone " + flags + "\n";
  auto big = parse_catalogue(text, "big.cases", 65'535);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message,
            "big.cases:1: the catalogue expands to more than 65535 cases here (this sweep makes 65536); "
            "see --max-cases");
  auto two = parse_catalogue("sweep a clone CLONE_VM,CLONE_FS\nsweep b clone CLONE_VM,CLONE_FS\n", "two.cases", 7);
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().message,
            "two.cases:2: the catalogue expands to more than 7 cases here (this sweep makes 4); see --max-cases");
  EXPECT_TRUE(parse_catalogue("sweep a clone CLONE_VM,CLONE_FS\nsweep b clone CLONE_VM,CLONE_FS\n", "two.cases", 8).ok());
  EXPECT_EQ(kDefaultMaxCases, 1'000'000u);
  EXPECT_FALSE(parse_catalogue("sweep s clone CLONE_VM,CLONE_FS\n", "s.cases", 3).ok());
  EXPECT_TRUE(parse_catalogue("sweep s clone CLONE_VM,CLONE_FS\n", "s.cases", 4).ok());
}

}  // namespace
}  // namespace clonediff::harness
