#!/usr/bin/env python3
"""The CI definitions in ci/ are well-formed, and their commands work.

- ci/github-actions.yml and ci/lava-clonediff.yaml are YAML (PyYAML) with
  the keys GitHub Actions and LAVA read.
- The workflow's clonediff step and the LAVA definition's steps run here, as
  their runners would run them (ci/setup and ci/build left out: the build is
  there already; LAVA's helpers stubbed to record their calls).
- ci/lava-results turns KTAP of every verdict, flat and nested, into the
  right lava-test-set and lava-test-case calls.

Needs root (the steps run the catalogue live).
"""

import argparse
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import unittest

import yaml

import unittest_junit  # beside this file

ARGS = None
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLONEDIFF_IN_REPO = "build/default/harness/clonediff"


def load(name):
    with open(os.path.join(REPO, "ci", name)) as f:
        return yaml.safe_load(f)


def referenced_scripts(text):
    return set(re.findall(r"\bci/[a-z][a-z-]*\b", text))


class Stubs:
    """A directory of lava-test-case and lava-test-set stubs that log their arguments."""

    def __init__(self, tmp):
        self.bin = os.path.join(tmp, "bin")
        self.log = os.path.join(tmp, "calls")
        os.makedirs(self.bin)
        for helper, word in (("lava-test-case", "case"), ("lava-test-set", "set")):
            path = os.path.join(self.bin, helper)
            with open(path, "w") as f:
                f.write(f'#!/bin/sh\necho "{word} $*" >> "{self.log}"\n')
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)

    def env(self):
        return dict(os.environ, PATH=self.bin + os.pathsep + os.environ["PATH"])

    def function_env(self):
        """The same helpers as exported bash functions, which the bash of
        ci/lava-results calls before it looks in PATH: the same log without
        a process per call (the whole catalogue is 13,000 calls)."""
        env = self.env()
        for helper, word in (("lava-test-case", "case"), ("lava-test-set", "set")):
            env[f"BASH_FUNC_{helper}%%"] = f'() {{ echo "{word} $*" >> "{self.log}"; }}'
        return env

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log) as f:
            return f.read().splitlines()


def run_bash(script, cwd, env):
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, timeout=300, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


class GitHubActionsWorkflow(unittest.TestCase):
    def setUp(self):
        self.doc = load("github-actions.yml")
        self.tmp = tempfile.TemporaryDirectory(prefix="clonediff-ci-")

    def tearDown(self):
        self.tmp.cleanup()

    def test_is_a_workflow(self):
        self.assertEqual(self.doc["name"], "clonediff")
        self.assertIn(True, self.doc)  # YAML 1.1 reads the key `on` as true
        self.assertTrue(self.doc["jobs"])
        for name, job in self.doc["jobs"].items():
            self.assertIn("runs-on", job, name)
            self.assertIsInstance(job["steps"], list, name)
            for step in job["steps"]:
                self.assertTrue(("uses" in step) != ("run" in step), f"{name}: {step}")
                for script in referenced_scripts(step.get("run", "")):
                    self.assertTrue(os.access(os.path.join(REPO, script), os.X_OK), f"{name}: {script}")

    def test_the_clonediff_step_runs_and_leaves_its_reports(self):
        steps = [s for s in self.doc["jobs"]["run"]["steps"] if CLONEDIFF_IN_REPO in s.get("run", "")]
        self.assertEqual(len(steps), 1)
        script = steps[0]["run"].replace("${{ matrix.shard }}", "1").replace(CLONEDIFF_IN_REPO, ARGS.clonediff)
        ran = run_bash(script, self.tmp.name, dict(os.environ))
        self.assertEqual(ran.returncode, 0, ran.stderr[-3000:])
        self.assertTrue(ran.stdout.startswith("KTAP version 1\n"), ran.stdout[:200])
        results = os.path.join(self.tmp.name, "results")
        self.assertEqual(sorted(os.listdir(results)),
                         ["clonediff-shard1.jsonl", "clonediff-shard1.ktap", "clonediff-shard1.xml"])
        shard = subprocess.run([ARGS.clonediff, "run", "--list", "--shard", "1/2"], stdout=subprocess.PIPE, text=True,
                               check=True).stdout.splitlines()
        with open(os.path.join(results, "clonediff-shard1.jsonl")) as f:
            self.assertEqual([json.loads(line)["id"] for line in f], shard)


class LavaTestDefinition(unittest.TestCase):
    def setUp(self):
        self.doc = load("lava-clonediff.yaml")
        self.tmp = tempfile.TemporaryDirectory(prefix="clonediff-lava-")
        self.stubs = Stubs(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_is_a_lava_test_definition(self):
        meta = self.doc["metadata"]
        self.assertEqual(meta["format"], "Lava-Test Test Definition 1.0")
        self.assertRegex(meta["name"], r"^[^$& \"'`()<>/\\|;]+$")  # LAVA forbids these in the name
        self.assertTrue(all(isinstance(v, str) for v in self.doc["params"].values()))
        self.assertEqual(list(self.doc["run"]), ["steps"])
        for step in self.doc["run"]["steps"]:
            self.assertIsInstance(step, str)
            for script in referenced_scripts(step):
                self.assertTrue(os.access(os.path.join(REPO, script), os.X_OK), script)

    def test_the_steps_report_every_case_of_a_shard(self):
        # The script LAVA makes of the steps: parameters first, then each
        # step, under set -e, from the repository's root.
        params = dict(self.doc["params"], SHARD="1/2", FILTER="legacy/*", OUTPUT=os.path.join(self.tmp.name, "out"))
        lines = [f"{k}='{v}'" for k, v in params.items()]
        for step in self.doc["run"]["steps"]:
            if step.split()[0] in ("ci/setup", "ci/build"):
                continue
            lines.append(step.replace(CLONEDIFF_IN_REPO, ARGS.clonediff))
        ran = run_bash("\n".join(lines), REPO, self.stubs.env())
        self.assertEqual(ran.returncode, 0, ran.stderr[-3000:])
        calls = self.stubs.calls()
        self.assertEqual(calls[0], "set start legacy")
        self.assertEqual(calls[-2], "set stop legacy")
        self.assertEqual(calls[-1], "case clonediff-run --result pass --measurement 0 --units exit-status")
        cases = calls[1:-2]
        shard = subprocess.run([ARGS.clonediff, "run", "--list", "--filter", "legacy/*", "--shard", "1/2"],
                               stdout=subprocess.PIPE, text=True, check=True).stdout.splitlines()
        self.assertEqual(len(cases), len(shard))
        for c in cases:
            self.assertRegex(c, r"^case [A-Za-z0-9._-]+ --result pass$")
        for name in ("clonediff.ktap", "clonediff.xml", "clonediff.jsonl"):
            self.assertTrue(os.path.getsize(os.path.join(params["OUTPUT"], name)) > 0, name)


class LavaResults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="clonediff-lava-results-")
        t = cls.tmp.name
        subprocess.run([ARGS.samples, f"{t}/s.ktap", f"{t}/n.ktap", f"{t}/s.xml", f"{t}/s.jsonl"], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def calls_for(self, ktap):
        with tempfile.TemporaryDirectory() as tmp:
            stubs = Stubs(tmp)
            with open(os.path.join(self.tmp.name, ktap)) as f:
                subprocess.run([os.path.join(REPO, "ci", "lava-results")], stdin=f, env=stubs.env(), check=True)
            return stubs.calls()

    def test_every_verdict_becomes_pass_fail_or_skip(self):
        self.assertEqual(self.calls_for("s.ktap"), [
            "set start alpha",
            "case CLONE_VM-CLONE_FS --result pass",
            "case CLONE_FILES --result fail",
            "case pidns --result skip",
            "case hangs --result fail",
            "case crashes --result fail",
            "case broken --result fail",
            "set stop alpha",
            "set start beta",
            "case one --result skip",
            "case two --result skip",
            "set stop beta",
            "set start gamma",
            "case -odd- --result pass",
            "set stop gamma",
        ])

    def test_names_fit_in_lava_and_stay_unique_in_their_set(self):
        # LAVA keeps 100 characters of a name. A made-up KTAP: names too
        # long, names that become one slug, one that is long and repeated.
        long_flags = "|".join("CLONE_" + f for f in ("VM", "FS", "FILES", "SIGHAND", "PIDFD", "PTRACE", "VFORK",
                                                      "PARENT", "THREAD", "NEWNS", "SYSVSEM", "SETTLS", "IO"))
        names = [long_flags, long_flags.replace("|CLONE_IO", "|CLONE_NEWNET"), "x" * 150, "x" * 150 + "y",
                 "a|b", "a-b", "a b", long_flags]
        ktap = ["KTAP version 1", "1..1", "  KTAP version 1", "  # Subtest: sweep", f"  1..{len(names)}"]
        ktap += [f"  ok {i} {n}" for i, n in enumerate(names, 1)]
        ktap += ["ok 1 sweep"]
        with tempfile.TemporaryDirectory() as tmp:
            stubs = Stubs(tmp)
            subprocess.run([os.path.join(REPO, "ci", "lava-results")], input="\n".join(ktap) + "\n", text=True,
                           env=stubs.env(), check=True)
            cases = [c.split()[1] for c in stubs.calls() if c.startswith("case ")]
        self.assertEqual(len(cases), len(names))
        self.assertEqual(len(set(cases)), len(cases), cases)
        for c in cases:
            self.assertLessEqual(len(c), 100, c)
            self.assertRegex(c, r"^[A-Za-z0-9._-]+$")
        self.assertEqual(cases[0], "VM-FS-FILES-SIGHAND-PIDFD-PTRACE-VFORK-PARENT-THREAD-NEWNS-SYSVSEM-SETTLS-IO")
        self.assertEqual(cases[4:7], ["a-b", "a-b-2", "a-b-3"])
        self.assertEqual(cases[7], cases[0] + "-2")
        self.assertTrue(cases[2].startswith("x" * 91 + "-") and cases[3].startswith("x" * 91 + "-"), cases[2:4])

    def test_every_case_of_the_catalogue_gets_a_lava_name_of_its_own(self):
        # Every id of the built-in catalogue, as the KTAP of a run names it
        # (the case name within its group), through ci/lava-results.
        ids = subprocess.run([ARGS.clonediff, "run", "--list"], stdout=subprocess.PIPE, text=True,
                             check=True).stdout.splitlines()
        presets = set(subprocess.run([ARGS.clonediff, "contexts", "--names"], stdout=subprocess.PIPE, text=True,
                                     check=True).stdout.split())
        groups = {}
        for i in ids:
            parts = i.split("/")
            depth = 2 if parts[0] in presets else 1  # [CONTEXT/]SUITE/NAME
            groups.setdefault(tuple(parts[:depth]), []).append("/".join(parts[depth:]) or i)
        ktap = ["KTAP version 1", f"1..{len(groups)}"]
        for n, (group, names) in enumerate(groups.items(), 1):
            ktap += ["  KTAP version 1", "  # Subtest: " + "/".join(group), f"  1..{len(names)}"]
            ktap += [f"  ok {k} {name}" for k, name in enumerate(names, 1)]
            ktap += [f"ok {n} {'/'.join(group)}"]
        with tempfile.TemporaryDirectory() as tmp:
            stubs = Stubs(tmp)
            subprocess.run([os.path.join(REPO, "ci", "lava-results")], input="\n".join(ktap) + "\n", text=True,
                           env=stubs.function_env(), check=True)
            calls = stubs.calls()
        per_set, current = {}, None
        for c in calls:
            if c.startswith("set start "):
                current = c.split()[2]
            elif c.startswith("case "):
                per_set.setdefault(current, []).append(c.split()[1])
        self.assertEqual(sum(len(v) for v in per_set.values()), len(ids))
        longest = max(len(n) for v in per_set.values() for n in v)
        self.assertLessEqual(longest, 100)
        for s, names in per_set.items():
            self.assertLessEqual(len(s), 100, s)
            self.assertEqual(len(set(names)), len(names), s)

    def test_nested_groups_become_dotted_test_sets(self):
        sets = [c for c in self.calls_for("n.ktap") if c.startswith("set start")]
        self.assertEqual(sets, ["set start root.alpha", "set start root.gamma", "set start pidns_init.alpha",
                                "set start unpriv.beta"])


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clonediff", required=True)
    p.add_argument("--samples", required=True, help="the report_samples binary")
    p.add_argument("--junit-out")
    ARGS = p.parse_args()
    return unittest_junit.run_module(sys.modules[__name__], "ci_definitions_tests", ARGS.junit_out)


if __name__ == "__main__":
    sys.exit(main())
