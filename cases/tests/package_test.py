#!/usr/bin/env python3
"""The Debian package, as a user gets it: CPack builds the .deb from the
build tree, dpkg installs it on this machine, and clonediff runs from PATH:
--version, a run of the legacy suite, the man page, the completion, and
clonediff-static found where the package puts it (a qemu-user run, when
qemu-x86_64 is installed). The package is purged at the end.

Needs root (dpkg, and the run). If a clonediff package is installed already,
the test leaves it alone and skips, saying so.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import unittest_junit  # beside this file

ARGS = None


def sh(args, **kw):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600, **kw)


def installed(package):
    st = sh(["dpkg-query", "-W", "-f=${Status}", package])
    return st.returncode == 0 and st.stdout == "install ok installed"


class DebianPackage(unittest.TestCase):
    deb = None
    tmp = None

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("dpkg -i needs root")
        if installed("clonediff"):
            raise unittest.SkipTest("a clonediff package is installed on this machine already; not replacing it")
        cls.tmp = tempfile.TemporaryDirectory(prefix="clonediff-package-")
        made = sh(["cpack", "-G", "DEB", "-B", cls.tmp.name, "--config",
                   os.path.join(ARGS.build_dir, "CPackConfig.cmake")], cwd=ARGS.build_dir)
        if made.returncode != 0:
            raise RuntimeError("cpack failed:\n" + made.stdout[-3000:] + made.stderr[-3000:])
        debs = glob.glob(os.path.join(cls.tmp.name, "clonediff_*.deb"))
        if len(debs) != 1:
            raise RuntimeError(f"cpack made {debs}")
        cls.deb = debs[0]
        print(f"{os.path.basename(cls.deb)}: {os.path.getsize(cls.deb)} bytes", file=sys.stderr)
        inst = sh(["dpkg", "-i", cls.deb])
        if inst.returncode != 0:
            sh(["dpkg", "--purge", "clonediff"])
            raise RuntimeError("dpkg -i failed:\n" + inst.stdout[-3000:] + inst.stderr[-3000:])

    @classmethod
    def tearDownClass(cls):
        if cls.deb:
            purged = sh(["dpkg", "--purge", "clonediff"])
            assert purged.returncode == 0, purged.stderr
            assert not os.path.exists("/usr/bin/clonediff"), "purge left /usr/bin/clonediff"
        if cls.tmp:
            cls.tmp.cleanup()

    def on_path(self, *args):
        """clonediff from PATH, run from a directory of no importance."""
        with tempfile.TemporaryDirectory() as cwd:
            return sh(["clonediff", *args], cwd=cwd, env=dict(os.environ, PATH="/usr/sbin:/usr/bin:/sbin:/bin"))

    def test_the_package_says_what_it_is(self):
        fields = sh(["dpkg-deb", "-f", self.deb, "Package", "Architecture", "Depends", "Section"]).stdout
        self.assertIn("Package: clonediff", fields)
        self.assertIn("Architecture: amd64", fields)
        for dep in ("libc6", "libseccomp2", "libboost-filesystem", "libzstd1", "liblz4-1"):
            self.assertIn(dep, fields)
        files = sh(["dpkg", "-L", "clonediff"]).stdout.split()
        for f in ("/usr/bin/clonediff", "/usr/libexec/clonediff/clonediff-static", "/usr/share/man/man1/clonediff.1.gz",
                  "/usr/share/bash-completion/completions/clonediff", "/usr/share/doc/clonediff/copyright",
                  "/usr/share/doc/clonediff/README.md"):
            self.assertIn(f, files)
        self.assertIn("GNU GENERAL PUBLIC LICENSE", open("/usr/share/doc/clonediff/copyright").read())

    def test_version_from_path(self):
        self.assertEqual(shutil.which("clonediff", path="/usr/bin"), "/usr/bin/clonediff")
        v = self.on_path("--version")
        self.assertEqual(v.returncode, 0, v.stderr)
        built = sh([ARGS.clonediff, "--version"]).stdout
        self.assertEqual(v.stdout, built)  # the build that was packed
        self.assertRegex(v.stdout, r"^clonediff \d+\.\d+\.\d+ \(commit [0-9a-f]+(-dirty)?\)\n$")

    def test_a_run_from_path(self):
        r = self.on_path("run", "--filter", "legacy/*")
        self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
        self.assertRegex(r.stdout, r"\nPASS: 49 matched of 49 cases \(")

    def test_the_man_page(self):
        m = sh(["man", "-P", "cat", "clonediff"], env=dict(os.environ, MANWIDTH="80"))
        self.assertEqual(m.returncode, 0, m.stderr)
        self.assertIn("CLONEDIFF(1)", m.stdout)
        self.assertIn("EXIT STATUS", m.stdout)
        self.assertIn("--filter PATTERN", m.stdout.replace("‐", "-"))

    def test_the_completion(self):
        c = sh(["bash", "-c", "source /usr/share/bash-completion/completions/clonediff; "
                              "COMP_WORDS=(clonediff ru); COMP_CWORD=1; _clonediff; echo ${COMPREPLY[*]}"])
        self.assertEqual(c.stdout.strip(), "run")

    def test_the_static_binary_is_found_where_the_package_put_it(self):
        if not shutil.which("qemu-x86_64"):
            self.skipTest("qemu-user is not installed (ci/setup targets installs it)")
        r = self.on_path("run", "--target", "qemu-user", "--filter", "legacy/exit-signal-0")
        self.assertNotIn("did not start", r.stdout + r.stderr)
        self.assertIn("qemu-user", r.stdout)


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build-dir", required=True)
    p.add_argument("--clonediff", required=True, help="the clonediff of the build tree")
    p.add_argument("--junit-out")
    ARGS = p.parse_args()
    return unittest_junit.run_module(sys.modules[__name__], "package_tests", ARGS.junit_out)


if __name__ == "__main__":
    sys.exit(main())
