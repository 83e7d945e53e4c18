#!/usr/bin/env python3
"""The reports as the tools that consume them read them.

- KTAP: `clonediff run --ktap` output (and KTAP of made-up results of every
  verdict, flat and nested two levels deep) is fed to the kernel's own KTAP
  parser, tools/testing/kunit/kunit_parser.py, taken from Debian's
  linux-source tarball. It must parse every line without an error and count
  the same passes, failures and skips per suite as clonediff's own records.
- JUnit: `clonediff run --junit` and GoogleTest's own XML of the live suite
  are parsed with xml.etree; their counts must match the records, and names
  must be the readable case names, not byte dumps. clonediff's JUnit (live
  and of every verdict) validates with xmllint against the two schemas
  Jenkins uses, junit-4.xsd and junit-10.xsd, as written in this file.
- GoogleTest sharding: the live suite run as two shards (GTEST_TOTAL_SHARDS,
  GTEST_SHARD_INDEX) runs every test exactly once.

Needs root (it runs the catalogue live). Under ctest the whole run and the
live suite's XML are the fixtures' (--catalogue-run, --live-suite-xml), and
the parser is extracted once into --kunit-cache; without them it makes its
own. Writes its own JUnit XML with --junit-out, like the GoogleTest suites.
"""

import argparse
import collections
import importlib
import io
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import unittest_junit  # beside this file

ARGS = None
WORK = None  # a tempfile.TemporaryDirectory for everything this test writes
KUNIT = None  # the kunit_parser module
RUN = {}  # what one `clonediff run --ktap --junit --json` left behind

# Signs of a value that was printed as bytes instead of words.
BYTE_DUMP = re.compile(r"\d+-byte object|<[0-9A-F]{2}(-[0-9A-F]{2})+")


def work(name):
    return os.path.join(WORK.name, name)


def run(argv, env=None, timeout=120):
    return subprocess.run(argv, env=env, timeout=timeout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def extract_kunit_parser(tarball, cache=None):
    """kunit_parser.py and the one module it imports, out of the tarball: into
    `cache` once (kept while the tarball's size and time stay the same), else
    into this run's directory."""
    top = os.path.basename(tarball).split(".tar")[0]  # linux-source-6.12
    members = [f"{top}/tools/testing/kunit/{m}" for m in ("kunit_parser.py", "kunit_printer.py")]
    st = os.stat(tarball)
    stamp = f"{os.path.abspath(tarball)} {st.st_size} {st.st_mtime_ns}\n"
    dest = os.path.join(cache, top) if cache else work("kernel")
    stamp_file = os.path.join(dest, "extracted-from")
    fresh = not os.path.exists(stamp_file) or open(stamp_file).read() != stamp
    if fresh:
        parent = os.path.dirname(dest)
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix="kunit-", dir=parent)
        subprocess.run(["tar", "-xJf", tarball, "-C", staging, "--occurrence=1", *members], check=True, timeout=300)
        with open(os.path.join(staging, "extracted-from"), "w") as f:
            f.write(stamp)
        subprocess.run(["rm", "-rf", dest], check=True)
        os.rename(staging, dest)
    RUN["extracted"] = fresh
    sys.path.insert(0, os.path.join(dest, top, "tools", "testing", "kunit"))
    return importlib.import_module("kunit_parser")


def parse_ktap(text):
    """The kunit parser's Test tree for text, and what the parser printed."""
    printed = io.StringIO()
    printer = importlib.import_module("kunit_printer").stdout
    saved = printer._output
    printer._output = printed
    try:
        test = KUNIT.parse_run_tests(text.splitlines())
    finally:
        printer._output = saved
    return test, printed.getvalue()


# The two JUnit schemas Jenkins validates against, written here from their
# documented structure (not copied): the JUnit plugin's junit-4.xsd and the
# xunit plugin's junit-10.xsd. What matters to clonediff's report: neither
# lets <testsuites> carry skipped=, junit-4 gives <skipped> no attributes
# (text only) and wants a testsuite's children in the order properties,
# testcases; junit-10 wants times as decimal seconds.
_JUNIT_COMMON = """
  <xs:complexType name="outcome" mixed="true">
    <xs:attribute name="type" type="xs:string"/>
    <xs:attribute name="message" type="xs:string"/>
  </xs:complexType>
  <xs:element name="failure" type="outcome"/>
  <xs:element name="error" type="outcome"/>
  <xs:element name="system-out" type="xs:string"/>
  <xs:element name="system-err" type="xs:string"/>
  <xs:element name="property">
    <xs:complexType>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="value" type="xs:string" use="required"/>
    </xs:complexType>
  </xs:element>
"""

JUNIT_SCHEMAS = {
    "junit-4.xsd": """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">""" + _JUNIT_COMMON + """
  <xs:element name="skipped" type="xs:string"/>
  <xs:element name="properties">
    <xs:complexType>
      <xs:sequence><xs:element ref="property" maxOccurs="unbounded"/></xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="testcase">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="skipped" minOccurs="0"/>
        <xs:element ref="error" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element ref="failure" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element ref="system-out" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element ref="system-err" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="classname" type="xs:string"/>
      <xs:attribute name="time" type="xs:string"/>
      <xs:attribute name="assertions" type="xs:string"/>
      <xs:attribute name="status" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="properties" minOccurs="0"/>
        <xs:element ref="testcase" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element ref="system-out" minOccurs="0"/>
        <xs:element ref="system-err" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="tests" type="xs:string" use="required"/>
      <xs:attribute name="failures" type="xs:string"/>
      <xs:attribute name="errors" type="xs:string"/>
      <xs:attribute name="skipped" type="xs:string"/>
      <xs:attribute name="disabled" type="xs:string"/>
      <xs:attribute name="time" type="xs:string"/>
      <xs:attribute name="timestamp" type="xs:string"/>
      <xs:attribute name="hostname" type="xs:string"/>
      <xs:attribute name="id" type="xs:string"/>
      <xs:attribute name="package" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence><xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="tests" type="xs:string"/>
      <xs:attribute name="failures" type="xs:string"/>
      <xs:attribute name="errors" type="xs:string"/>
      <xs:attribute name="disabled" type="xs:string"/>
      <xs:attribute name="time" type="xs:string"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
""",
    "junit-10.xsd": """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:simpleType name="seconds">
    <xs:restriction base="xs:string">
      <xs:pattern value="(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\\.[0-9]*)?"/>
    </xs:restriction>
  </xs:simpleType>""" + _JUNIT_COMMON + """
  <xs:element name="skipped" type="outcome"/>
  <xs:element name="properties">
    <xs:complexType>
      <xs:sequence><xs:element ref="property" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:element name="testcase">
    <xs:complexType>
      <xs:choice minOccurs="0" maxOccurs="unbounded">
        <xs:element ref="skipped"/>
        <xs:element ref="error"/>
        <xs:element ref="failure"/>
        <xs:element ref="system-out"/>
        <xs:element ref="system-err"/>
      </xs:choice>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="classname" type="xs:string"/>
      <xs:attribute name="time" type="xs:string"/>
      <xs:attribute name="group" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:choice minOccurs="0" maxOccurs="unbounded">
        <xs:element ref="testsuite"/>
        <xs:element ref="properties"/>
        <xs:element ref="testcase"/>
        <xs:element ref="system-out"/>
        <xs:element ref="system-err"/>
      </xs:choice>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="tests" type="xs:string" use="required"/>
      <xs:attribute name="failures" type="xs:string" use="required"/>
      <xs:attribute name="errors" type="xs:string" use="required"/>
      <xs:attribute name="skipped" type="xs:string"/>
      <xs:attribute name="time" type="seconds"/>
      <xs:attribute name="group" type="xs:string"/>
      <xs:attribute name="timestamp" type="xs:string"/>
      <xs:attribute name="hostname" type="xs:string"/>
      <xs:attribute name="id" type="xs:string"/>
      <xs:attribute name="package" type="xs:string"/>
      <xs:attribute name="file" type="xs:string"/>
      <xs:attribute name="log" type="xs:string"/>
      <xs:attribute name="url" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence><xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="tests" type="xs:string"/>
      <xs:attribute name="failures" type="xs:string"/>
      <xs:attribute name="errors" type="xs:string"/>
      <xs:attribute name="time" type="seconds"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
""",
}


def records(path):
    import json

    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def context_of(r):
    """A record's context preset: a name, or an object naming its "preset"
    with the live facts that differed from it."""
    c = r.get("context", "root")
    return c["preset"] if isinstance(c, dict) else c


def split_id(r):
    """A record's id as (suite, name): ids are [CONTEXT/]SUITE/NAME."""
    ctx, rest = context_of(r), r["id"]
    if ctx != "root" and rest.startswith(ctx + "/"):
        rest = rest[len(ctx) + 1:]
    suite, _, name = rest.partition("/")
    return suite, name or rest


def report_group(r):
    """A record's report group path, as report_group.cpp makes it: the suite,
    under its context when that is not root."""
    suite = split_id(r)[0]
    return [suite] if context_of(r) == "root" else [context_of(r), suite]


def suite_only(r):
    return [split_id(r)[0]]


def report_name(r):
    """A record's case name in its group, as report_case_name() makes it."""
    return split_id(r)[1]


def group_and_name(r):
    return "/".join(report_group(r)), report_name(r)


def expected_counts(recs, group=report_group):
    """{group path: Counter(passed, failed, skipped)} as KTAP and kunit count them."""
    counts = collections.defaultdict(collections.Counter)
    kind = {"match": "passed", "skip": "skipped"}
    for r in recs:
        counts[tuple(group(r))][kind.get(r["verdict"], "failed")] += 1
    return counts


def kunit_counts(test, path=()):
    """{group path: Counter} of the leaf groups in a kunit Test tree."""
    out = {}
    for sub in test.subtests:
        if sub.subtests and all(not s.subtests for s in sub.subtests):
            c = sub.counts
            out[path + (sub.name,)] = collections.Counter(
                {k: v for k, v in (("passed", c.passed), ("failed", c.failed), ("skipped", c.skipped)) if v})
        elif sub.subtests:
            out.update(kunit_counts(sub, path + (sub.name,)))
    return out


def leaf_names(test, path=()):
    out = set()
    for sub in test.subtests:
        if sub.subtests:
            out |= leaf_names(sub, path + (sub.name,))
        else:
            out.add(path + (sub.name,))
    return out


def setUpModule():
    global WORK, KUNIT
    if os.geteuid() != 0:
        raise RuntimeError("the live runs need root")
    if not os.path.exists(ARGS.kernel_source):
        raise RuntimeError(f"{ARGS.kernel_source} is missing: install Debian's linux-source-6.12 (ci/setup does)")
    WORK = tempfile.TemporaryDirectory(prefix="clonediff-reports-")
    started = time.monotonic()
    KUNIT = extract_kunit_parser(ARGS.kernel_source, ARGS.kunit_cache)
    RUN["extract_s"] = time.monotonic() - started
    if ARGS.catalogue_run:  # cases/tests/catalogue_run.cmake's files
        shared = ARGS.catalogue_run
        with open(os.path.join(shared, "status")) as f:
            status = int(f.read().strip() or -1)
        with open(os.path.join(shared, "run.ktap")) as f, open(os.path.join(shared, "run.stderr")) as g:
            RUN.update(status=status, ktap=f.read(), stderr=g.read())
        RUN.update(xml=os.path.join(shared, "run.xml"), records=records(os.path.join(shared, "run.jsonl")))
    else:
        ran = run([ARGS.clonediff, "run", "--ktap", "--junit", work("run.xml"), "--json", work("run.jsonl")], timeout=600)
        RUN.update(status=ran.returncode, ktap=ran.stdout, stderr=ran.stderr, xml=work("run.xml"),
                   records=records(work("run.jsonl")))
    subprocess.run([ARGS.samples, work("s.ktap"), work("n.ktap"), work("s.xml"), work("s.jsonl")], check=True)


def tearDownModule():
    if WORK:
        WORK.cleanup()


def is_ktap_line(line):
    """A version, plan, result, subtest header or diagnostic line, by the parser's own patterns."""
    kinds = [KUNIT.KTAP_START, KUNIT.TEST_PLAN, KUNIT.TEST_RESULT, KUNIT.TEST_HEADER, re.compile(r"^\s*#")]
    return any(k.match(line) for k in kinds)


class KtapByTheKernelsParser(unittest.TestCase):
    def check_document(self, text, recs, group=report_group):
        for n, line in enumerate(text.splitlines(), 1):
            self.assertTrue(is_ktap_line(line), f"line {n} is no KTAP line the parser knows: {line!r}")
        test, printed = parse_ktap(text)
        self.assertNotIn("[ERROR]", printed)
        self.assertEqual(test.counts.errors, 0, printed)
        self.assertEqual(test.counts.crashed, 0, printed)
        self.assertEqual(kunit_counts(test), dict(expected_counts(recs, group)))
        total = collections.Counter(r["verdict"] for r in recs)
        self.assertEqual(test.counts.passed, total["match"])
        self.assertEqual(test.counts.skipped, total["skip"])
        self.assertEqual(test.counts.failed, len(recs) - total["match"] - total["skip"])
        self.assertEqual(leaf_names(test), {tuple(group(r)) + (report_name(r),) for r in recs})
        return test

    def test_a_live_run_parses_and_counts_as_clonediff_does(self):
        self.assertEqual(RUN["status"], 0, RUN["stderr"])
        listed = run([ARGS.clonediff, "run", "--list"]).stdout.splitlines()
        self.assertEqual([r["id"] for r in RUN["records"]], listed)
        test = self.check_document(RUN["ktap"], RUN["records"])
        self.assertEqual(test.status, KUNIT.TestStatus.SUCCESS)
        top = []
        for r in RUN["records"]:
            if report_group(r)[0] not in top:
                top.append(report_group(r)[0])
        self.assertEqual([t.name for t in test.subtests], top)  # in run order
        n = len(listed)
        matched = sum(r["verdict"] == "match" for r in RUN["records"])
        skipped = sum(r["verdict"] == "skip" for r in RUN["records"])
        counts = f"{matched} matched" + (f", {skipped} skipped" if skipped else "") + f" of {n} cases"
        self.assertIn(f"\nPASS: {counts} (", RUN["stderr"])  # the summary is on stderr, not in the KTAP
        # The KTAP trailer carries the same verdict line, and names the profile that judged the run.
        self.assertIn(f"\n# clonediff run: PASS: {counts} (", RUN["ktap"])
        self.assertRegex(RUN["ktap"], r"\n# judged against the model of Linux \S+ \((inside|newer|older) ")

    def test_every_verdict_parses_and_counts(self):
        with open(work("s.ktap")) as f:
            test = self.check_document(f.read(), records(work("s.jsonl")), group=suite_only)
        self.assertEqual(test.status, KUNIT.TestStatus.FAILURE)
        status = {t.name: t.status for t in test.subtests}
        self.assertEqual(status, {"alpha": KUNIT.TestStatus.FAILURE, "beta": KUNIT.TestStatus.SKIPPED,
                                  "gamma": KUNIT.TestStatus.SUCCESS})
        alpha = {t.name: t.status for t in test.subtests[0].subtests}
        self.assertEqual(alpha["hangs"], KUNIT.TestStatus.FAILURE)  # TIMEOUT is a failure
        self.assertEqual(alpha["pidns"], KUNIT.TestStatus.SKIPPED)

    def test_nested_groups_parse_and_count(self):
        with open(work("n.ktap")) as f:
            self.check_document(f.read(), records(work("s.jsonl")), group=lambda r: [context_of(r), suite_only(r)[0]])


def junit_counts(root):
    out = {}
    for suite in root.iter("testsuite"):
        out[suite.get("name")] = {k: int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped")}
    return out


def run_on_terminal(args, env):
    """Runs args with stdin, stdout and stderr on a pseudo-terminal and the
    environment changed by env (None: unset); returns (status, what it wrote)."""
    import pty

    master, slave = pty.openpty()
    full = dict(os.environ)
    for k, v in env.items():
        if v is None:
            full.pop(k, None)
        else:
            full[k] = v
    p = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=full, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        out += chunk
    status = p.wait(timeout=120)
    os.close(master)
    return status, out.decode("utf-8", errors="replace")


class OnATerminal(unittest.TestCase):
    """The progress line and the verdict's colour, on a real (pseudo) terminal."""

    RUN = ["run", "--filter", "legacy/*"]

    def on_terminal(self, env, extra=()):
        status, out = run_on_terminal([ARGS.clonediff] + self.RUN + list(extra), env)
        self.assertEqual(status, 0, out[-2000:])
        return out

    def test_a_terminal_gets_progress_and_colour(self):
        out = self.on_terminal({"TERM": "xterm", "NO_COLOR": None})
        self.assertIn("\rclonediff run: 1/49 cases", out)
        self.assertIn("\x1b[K", out)
        self.assertIn("\x1b[32mPASS\x1b[0m: 49 matched of 49 cases", out)

    def test_term_dumb_gets_no_escapes(self):
        out = self.on_terminal({"TERM": "dumb", "NO_COLOR": None})
        self.assertIn("\rclonediff run: 49/49 cases", out)  # still a progress line, drawn with \r alone
        self.assertNotIn("\x1b", out)

    def test_no_color_gets_no_colour(self):
        out = self.on_terminal({"TERM": "xterm", "NO_COLOR": "1"})
        self.assertIn("\x1b[K", out)
        self.assertNotIn("\x1b[3", out)
        self.assertIn("\nPASS: 49 matched of 49 cases", out.replace("\r", ""))

    def test_quiet_shows_no_progress(self):
        out = self.on_terminal({"TERM": "xterm", "NO_COLOR": "1"}, ["--quiet"])
        self.assertNotIn("clonediff run:", out)
        self.assertNotIn("\x1b", out)
        self.assertRegex(out, r"^PASS: 49 matched of 49 cases \(\d+\.\d\d s\)\r?\n$")


class JunitXml(unittest.TestCase):
    def check_clonediff_junit(self, path, recs):
        root = ET.parse(path).getroot()
        self.assertEqual(root.tag, "testsuites")
        want = collections.defaultdict(collections.Counter)
        for r in recs:
            suite = group_and_name(r)[0]
            want[suite]["tests"] += 1
            v = r["verdict"]
            want[suite][{"mismatch": "failures", "skip": "skipped", "match": "passed"}.get(v, "errors")] += 1
        self.assertEqual(junit_counts(root),
                         {s: {k: c[k] for k in ("tests", "failures", "errors", "skipped")} for s, c in want.items()})
        for k in ("tests", "failures", "errors"):
            self.assertEqual(int(root.get(k)), sum(c[k] for c in want.values()), k)
        self.assertIsNone(root.get("skipped"))  # neither schema allows it on <testsuites>
        float(root.get("time"))
        names = set()
        for suite in root.iter("testsuite"):
            float(suite.get("time"))
            for case in suite.iter("testcase"):
                self.assertEqual(case.get("classname"), suite.get("name"))
                self.assertIsNone(BYTE_DUMP.search(case.get("name")), case.get("name"))
                float(case.get("time"))
                names.add((suite.get("name"), case.get("name")))
        self.assertEqual(names, {group_and_name(r) for r in recs})
        return root

    def test_a_live_runs_junit_matches_its_records(self):
        root = self.check_clonediff_junit(RUN["xml"], RUN["records"])
        props = {p.get("name"): p.get("value") for p in root.find("testsuite").iter("property")}
        self.assertEqual(props["kernel"], RUN["records"][0]["kernel"])

    def test_every_verdict_has_its_element(self):
        root = self.check_clonediff_junit(work("s.xml"), records(work("s.jsonl")))
        by_name = {c.get("name"): c for c in root.iter("testcase")}
        self.assertEqual(by_name["CLONE_FILES"].find("failure").get("type"), "mismatch")
        self.assertIn("reproduce: clonediff run --filter alpha/CLONE_FILES", by_name["CLONE_FILES"].find("failure").text)
        for name, kind in (("hangs", "timeout"), ("crashes", "crash"), ("broken", "error")):
            self.assertEqual(by_name[name].find("error").get("type"), kind)
        self.assertEqual(by_name["broken"].find("error").get("message"), "the caller stopped answering:\nbroken pipe")
        self.assertIn("pidns_init", by_name["pidns"].find("skipped").text)
        self.assertIsNone(by_name["pidns"].find("skipped").get("message"))
        self.assertIn("<&'\"odd\">", by_name)

    def test_junit_validates_against_the_schemas_jenkins_uses(self):
        for path in (RUN["xml"], work("s.xml")):
            for name, schema in JUNIT_SCHEMAS.items():
                xsd = work(name)
                with open(xsd, "w") as f:
                    f.write(schema)
                ran = subprocess.run(["xmllint", "--noout", "--schema", xsd, path], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
                self.assertEqual(ran.returncode, 0, f"{path} against {name}:\n{ran.stderr[-3000:]}")

    def test_the_schemas_refuse_what_they_must(self):
        # The schema files as written here must be able to fail: the
        # attributes and elements the two schemas do not allow.
        bad = {
            "skipped on testsuites": '<testsuites tests="1" skipped="1"><testsuite name="a" tests="1" failures="0" '
                                     'errors="0"><testcase name="x"/></testsuite></testsuites>',
            "skipped with a message": '<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase '
                                      'name="x"><skipped message="why"/></testcase></testsuite></testsuites>',
            "a testcase without a name": '<testsuites><testsuite name="a" tests="1" failures="0" errors="0">'
                                         '<testcase/></testsuite></testsuites>',
        }
        for what, doc in bad.items():
            path = work("bad.xml")
            with open(path, "w") as f:
                f.write(doc)
            refused = 0
            for name, schema in JUNIT_SCHEMAS.items():
                xsd = work(name)
                with open(xsd, "w") as f:
                    f.write(schema)
                ran = subprocess.run(["xmllint", "--noout", "--schema", xsd, path], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
                refused += ran.returncode != 0
            self.assertGreater(refused, 0, what)
        # junit-4.xsd in particular refuses a skip's message attribute.
        path = work("bad.xml")
        with open(path, "w") as f:
            f.write(bad["skipped with a message"])
        with open(work("junit-4.xsd"), "w") as f:
            f.write(JUNIT_SCHEMAS["junit-4.xsd"])
        self.assertNotEqual(subprocess.run(["xmllint", "--noout", "--schema", work("junit-4.xsd"), path],
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE).returncode, 0)

    def test_googletest_xml_of_the_live_suite_is_readable(self):
        out = ARGS.live_suite_xml  # ctest's run of the suite (fixture live_suite_xml), or one of our own
        if not out:
            out = work("live.xml")
            ran = run([ARGS.live_suite, f"--gtest_output=xml:{out}"], timeout=600)
            self.assertEqual(ran.returncode, 0, ran.stdout[-2000:])
        root = ET.parse(out).getroot()
        self.assertEqual(int(root.get("tests")), len(RUN["records"]))
        self.assertEqual(int(root.get("failures")), 0)
        by_id = {r["id"]: r for r in RUN["records"]}
        seen = set()
        for case in root.iter("testcase"):
            key = (case.get("classname"), case.get("name"))
            seen.add(key)
            param = case.get("value_param")
            self.assertIsNone(BYTE_DUMP.search(param), param)
            # A context is a preset's name or a changed one's ("root+drop_effective.sys_admin").
            self.assertRegex(param, r"^(clone|clone3|fork|vfork|pthread_create|posix_spawn|system|glibc_clone) .*context=\w+(\+[\w.]+)*( \w+=\S+)*$")
        self.assertEqual(seen, {group_and_name(r) for r in by_id.values()})

    def test_googletest_xml_of_every_other_suite_is_readable(self):
        written = list(ARGS.gtest_xml)  # by ctest's runs of the suites (fixture gtest_xml)
        for binary in ARGS.gtest:
            out = work(os.path.basename(binary) + ".xml")
            ran = run([binary, f"--gtest_output=xml:{out}"])
            self.assertEqual(ran.returncode, 0, binary)
            written.append(out)
        self.assertTrue(written)
        for out in written:
            for case in ET.parse(out).getroot().iter("testcase"):
                where = f"{out}: {case.get('classname')}.{case.get('name')}"
                self.assertNotRegex(case.get("name"), r"/\d+$", where + " is named by its index")
                for attr in ("value_param", "type_param"):
                    self.assertIsNone(BYTE_DUMP.search(case.get(attr) or ""), where)


class StoppedRun(unittest.TestCase):
    """A run stopped by SIGTERM or SIGINT: its reports are whole and valid, each case not run an error."""

    def stopped(self, sig, after_records):
        """Stops the run once its JSON holds after_records records: a moment in the middle of it on any machine
        (a fixed delay was past its end on a fast one, where the whole run takes 1.8 s)."""
        ktap, xml, jsonl = work(f"stopped-{sig}.ktap"), work(f"stopped-{sig}.xml"), work(f"stopped-{sig}.jsonl")
        with open(ktap, "w") as out:
            p = subprocess.Popen([ARGS.clonediff, "run", "--ktap", "--junit", xml, "--json", jsonl], stdout=out,
                                 stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 60
            while p.poll() is None and time.monotonic() < deadline:
                try:
                    with open(jsonl, "rb") as f:
                        if f.read().count(b"\n") >= after_records:
                            break
                except FileNotFoundError:
                    pass
                time.sleep(0.005)
            p.send_signal(sig)
            _, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 128 + sig, err)
        recs = records(jsonl)
        listed = run([ARGS.clonediff, "run", "--list"]).stdout.splitlines()
        self.assertEqual([r["id"] for r in recs], listed)
        not_run = [r for r in recs if r.get("reason", "").startswith("not run: clonediff was stopped by")]
        self.assertTrue(0 < len(not_run) < len(recs), f"{len(not_run)} of {len(recs)} not run")
        self.assertTrue(all(r["verdict"] == "error" for r in not_run))
        with open(ktap) as f:
            test = KtapByTheKernelsParser.check_document(self, f.read(), recs)
        self.assertEqual(test.status, KUNIT.TestStatus.FAILURE)
        JunitXml.check_clonediff_junit(self, xml, recs)
        for name, schema in JUNIT_SCHEMAS.items():
            xsd = work(name)
            with open(xsd, "w") as f:
                f.write(schema)
            ran = subprocess.run(["xmllint", "--noout", "--schema", xsd, xml], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
            self.assertEqual(ran.returncode, 0, f"{xml} against {name}:\n{ran.stderr[-3000:]}")

    def test_sigterm(self):
        self.stopped(signal.SIGTERM, 100)

    def test_sigint(self):
        self.stopped(signal.SIGINT, 4000)


class GoogleTestSharding(unittest.TestCase):
    # Sharding comes after the filter: the legacy and library suites' tests,
    # against those suites' records of the whole run.
    SUITES = ("legacy", "library")

    def test_two_shards_run_every_test_once(self):
        shards = []
        recs = [r for r in RUN["records"] if group_and_name(r)[0] in self.SUITES]
        self.assertGreater(len(recs), 10)
        for index in (0, 1):
            out = work(f"shard{index}.xml")
            env = dict(os.environ, GTEST_TOTAL_SHARDS="2", GTEST_SHARD_INDEX=str(index),
                       GTEST_FILTER=":".join(f"{s}.*" for s in self.SUITES))
            ran = run([ARGS.live_suite, f"--gtest_output=xml:{out}"], env=env)
            self.assertEqual(ran.returncode, 0, ran.stdout[-2000:])
            shards.append({(c.get("classname"), c.get("name")) for c in ET.parse(out).getroot().iter("testcase")
                           if c.get("status") == "run"})
        self.assertEqual(shards[0] & shards[1], set())
        self.assertEqual(shards[0] | shards[1], {group_and_name(r) for r in recs})
        self.assertLess(abs(len(shards[0]) - len(shards[1])), len(recs) // 10)


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clonediff", required=True)
    p.add_argument("--samples", required=True, help="the report_samples binary")
    p.add_argument("--live-suite", required=True, help="the live_catalogue_tests binary")
    p.add_argument("--gtest", action="append", default=[], help="another GoogleTest binary whose XML to check")
    p.add_argument("--gtest-xml", action="append", default=[], help="another GoogleTest suite's XML, as it wrote it")
    p.add_argument("--kernel-source", default="/usr/src/linux-source-6.12.tar.xz")
    p.add_argument("--kunit-cache", help="a directory to keep the extracted parser in between runs")
    p.add_argument("--catalogue-run", help="a directory of catalogue_run.cmake's files to read instead of a run")
    p.add_argument("--live-suite-xml", help="the live suite's GoogleTest XML to read instead of running it")
    p.add_argument("--junit-out")
    ARGS = p.parse_args()
    status = unittest_junit.run_module(sys.modules[__name__], "report_formats_tests", ARGS.junit_out)
    if RUN.get("extract_s") is not None:
        how = "extracted" if RUN.get("extracted") else "found extracted"
        print(f"(kunit_parser.py {how} in {RUN['extract_s']:.1f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
