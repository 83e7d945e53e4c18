"""unittest with a JUnit XML file of its results, like the GoogleTest suites'
--gtest_output=xml, for the Python tests that ctest runs."""

import collections
import os
import time
import unittest
import xml.etree.ElementTree as ET


class JunitResult(unittest.TextTestResult):
    """Also keeps (test, outcome, seconds, text) for a JUnit file."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.outcomes = []

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def _keep(self, test, outcome, text=""):
        self.outcomes.append((test, outcome, time.monotonic() - self._started, text))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._keep(test, "passed")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._keep(test, "failure", self.failures[-1][1])

    def addError(self, test, err):
        super().addError(test, err)
        if not isinstance(test, unittest.TestCase):  # setUpModule or setUpClass failed
            self._started = time.monotonic()
        self._keep(test, "error", self.errors[-1][1])

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._keep(test, "skipped", reason)


def write_junit(path, result, name):
    """result's outcomes as JUnit XML: a <testsuite> per TestCase class."""
    suites = collections.OrderedDict()
    for test, outcome, seconds, text in result.outcomes:
        if isinstance(test, unittest.TestCase):
            suites.setdefault(type(test).__name__, []).append((test._testMethodName, outcome, seconds, text))
        else:
            suites.setdefault("setup", []).append((str(test), outcome, seconds, text))
    root = ET.Element("testsuites", name=name)
    for suite_name, cases in suites.items():
        suite = ET.SubElement(root, "testsuite", name=suite_name, tests=str(len(cases)),
                              failures=str(sum(c[1] == "failure" for c in cases)),
                              errors=str(sum(c[1] == "error" for c in cases)),
                              skipped=str(sum(c[1] == "skipped" for c in cases)),
                              time=f"{sum(c[2] for c in cases):.3f}")
        for method, outcome, seconds, text in cases:
            case = ET.SubElement(suite, "testcase", classname=suite_name, name=method, time=f"{seconds:.3f}")
            if outcome == "skipped":
                ET.SubElement(case, "skipped", message=text)
            elif outcome != "passed":
                ET.SubElement(case, outcome, message=text.strip().splitlines()[-1]).text = text
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    ET.ElementTree(root).write(path, encoding="UTF-8", xml_declaration=True)


def run_module(module, name, junit_out=None):
    """Runs the tests of module; writes JUnit XML to junit_out if given.
    The exit status: 0 if every test passed (and there was one), else 1."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(resultclass=JunitResult, verbosity=2).run(suite)
    if junit_out:
        write_junit(junit_out, result, name)
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1
