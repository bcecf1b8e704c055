"""keel dist's Debian packages: judged by lintian (no errors, no warnings), read back by dpkg-deb, and
installed, removed and purged by dpkg in a temporary root; bad package fields are refused by line."""

import os
import subprocess

from dist_support import dist, dist_project, rewrite_config, run

PACKAGE = """
[dist]
name = "tool"
{extra}

[[dist.packages]]
package = "keel-tool"
maintainer = "Keel Test <test@keel.invalid>"
description = \"\"\"prints its own name
keel-tool is a small program used by keel's tests to check that the
Debian packages keel dist builds are what lintian and dpkg expect.

It has no other use.
\"\"\"
section = "utils"
homepage = "https://keel.invalid/tool"
depends = ["git (>= 1:2.30)"]
recommends = ["zstd"]
license = "MIT"
contents = [
  {{ src = "pkg/keel-tool", dst = "/usr/bin/keel-tool" }},
  {{ src = "pkg/keel-tool.1", dst = "/usr/share/man/man1/" }},
  {{ src = "pkg/tool.conf", dst = "/etc/keel-tool/tool.conf", type = "config" }},
  {{ src = "../../bin/keel-tool", dst = "/usr/lib/keel-tool/run", type = "symlink" }},
  {{ dst = "/var/lib/keel-tool", type = "dir" }},
]
postinst = "pkg/postinst"
postrm = "pkg/postrm"
"""

MAN = """.TH KEEL-TOOL 1 2023-11-14 keel-tool "keel-tool manual"
.SH NAME
keel-tool \\- print the tool's name
.SH SYNOPSIS
.B keel-tool
.SH DESCRIPTION
.B keel-tool
prints its name.
"""

SCRIPTS = {
    "pkg/keel-tool": "#!/bin/sh\necho keel-tool\n",
    "pkg/keel-tool.1": MAN,
    "pkg/tool.conf": "colour = auto\n",
    "pkg/postinst": '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then\n    touch "$DPKG_ROOT/var/lib/keel-tool/installed"\nfi\n',
    "pkg/postrm": '#!/bin/sh\nset -e\nif [ "$1" = purge ] || [ "$1" = remove ]; then\n    rm -f "$DPKG_ROOT/var/lib/keel-tool/installed"\nfi\n',
}

DEB = "keel-tool_1.2.0-1_amd64.deb"


def package_project(sandbox, extra="", more="", **kwargs):
    repo = dist_project(sandbox, PACKAGE.format(extra=extra) + more, tag=None, **kwargs)
    for path, text in SCRIPTS.items():
        p = repo / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    (repo / "pkg/keel-tool").chmod(0o755)
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "feat: package the tool", cwd=repo)
    sandbox.git("tag", "v1.2.0", cwd=repo)
    return repo


def dpkg(root, *args):
    return subprocess.run(["dpkg", f"--root={root}", "--force-script-chrootless", "--force-depends",
                           "--log=/dev/null", *map(str, args)], capture_output=True, text=True)


def test_the_package_passes_lintian_with_no_errors_or_warnings(sandbox):
    repo = package_project(sandbox)
    r = dist(sandbox, repo, "--target", "linux/amd64")
    assert r.code == 0, r
    deb = repo / "dist" / DEB
    p = subprocess.run(["lintian", "--fail-on", "error,warning", "--display-level", ">=warning", str(deb)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout == "", p.stdout


def test_dpkg_deb_shows_what_the_config_says(sandbox):
    repo = package_project(sandbox)
    r = dist(sandbox, repo, "--target", "linux/amd64")
    assert r.code == 0, r
    deb = repo / "dist" / DEB
    info = run("dpkg-deb", "--field", deb).decode()
    fields = dict(line.split(": ", 1) for line in info.splitlines() if ": " in line and not line.startswith(" "))
    assert fields["Package"] == "keel-tool"
    assert fields["Version"] == "1.2.0-1"
    assert fields["Architecture"] == "amd64"
    assert fields["Maintainer"] == "Keel Test <test@keel.invalid>"
    assert fields["Depends"] == "git (>= 1:2.30)"
    assert fields["Recommends"] == "zstd"
    assert fields["Section"] == "utils"
    assert fields["Homepage"] == "https://keel.invalid/tool"
    assert "Description: prints its own name\n keel-tool is a small program" in info
    assert "\n .\n It has no other use.\n" in info
    assert run("dpkg-deb", "--ctrl-tarfile", deb)[:0] == b""
    conffiles = subprocess.run(["sh", "-c", f"dpkg-deb --ctrl-tarfile '{deb}' | tar -xOf - ./conffiles"],
                               capture_output=True, text=True)
    assert conffiles.stdout == "/etc/keel-tool/tool.conf\n"
    members = run("ar", "t", deb).decode().split()
    assert members == ["debian-binary", "control.tar.xz", "data.tar.xz"]

    listing = run("dpkg-deb", "--contents", deb).decode().splitlines()
    entries = {line.split()[-1] if " -> " not in line else line.split()[-3]: line for line in listing}
    assert all(" root/root " in line for line in listing), listing
    assert entries["./usr/bin/keel-tool"].startswith("-rwxr-xr-x")
    assert entries["./etc/keel-tool/tool.conf"].startswith("-rw-r--r--")
    assert entries["./usr/share/man/man1/keel-tool.1.gz"].startswith("-rw-r--r--")
    assert entries["./usr/lib/keel-tool/run"].startswith("lrwxrwxrwx")
    assert entries["./usr/lib/keel-tool/run"].endswith("-> ../../bin/keel-tool")
    assert entries["./var/lib/keel-tool/"].startswith("drwxr-xr-x")
    assert "./usr/share/doc/keel-tool/copyright" in entries
    assert "./usr/share/doc/keel-tool/changelog.Debian.gz" in entries
    changelog = subprocess.run(["sh", "-c", f"dpkg-deb --fsys-tarfile '{deb}' | "
                                "tar -xOf - ./usr/share/doc/keel-tool/changelog.Debian.gz | gzip -dc"],
                               capture_output=True, text=True).stdout
    assert changelog.startswith("keel-tool (1.2.0-1) unstable; urgency=medium\n\n  * feat: package the tool\n")
    assert changelog.endswith(" -- Keel Test <test@keel.invalid>  Tue, 14 Nov 2023 22:13:20 +0000\n")


def test_dpkg_installs_removes_and_purges_it_in_a_temporary_root(sandbox):
    repo = package_project(sandbox)
    r = dist(sandbox, repo, "--target", "linux/amd64")
    assert r.code == 0, r
    deb = repo / "dist" / DEB
    root = sandbox.root / "target"
    (root / "var/lib/dpkg/info").mkdir(parents=True)
    (root / "var/lib/dpkg/updates").mkdir()
    (root / "var/lib/dpkg/status").write_text("")

    p = dpkg(root, "-i", deb)
    assert p.returncode == 0, p.stdout + p.stderr
    assert (root / "usr/bin/keel-tool").read_text() == SCRIPTS["pkg/keel-tool"]
    assert os.access(root / "usr/bin/keel-tool", os.X_OK)
    assert (root / "etc/keel-tool/tool.conf").read_text() == SCRIPTS["pkg/tool.conf"]
    assert os.readlink(root / "usr/lib/keel-tool/run") == "../../bin/keel-tool"
    assert (root / "var/lib/keel-tool/installed").exists(), "postinst did not run"

    (root / "etc/keel-tool/tool.conf").write_text("colour = never\n")
    p = dpkg(root, "-r", "keel-tool")
    assert p.returncode == 0, p.stdout + p.stderr
    assert not (root / "usr/bin/keel-tool").exists()
    assert not (root / "var/lib/keel-tool/installed").exists(), "postrm did not run"
    assert (root / "etc/keel-tool/tool.conf").read_text() == "colour = never\n"  # kept on remove

    p = dpkg(root, "-P", "keel-tool")
    assert p.returncode == 0, p.stdout + p.stderr
    assert not (root / "etc/keel-tool/tool.conf").exists()  # dropped on purge


def test_bad_package_fields_are_refused_with_their_position(sandbox):
    repo = package_project(sandbox)
    cases = [
        ('package = "keel-tool"', 'package = "keel_tool"',
         "keel: error: keel.toml:7:1: invalid package name 'keel_tool': only lowercase letters, digits, '+', '-' and '.' are allowed\n"),
        ('prints its own name', 'prints\\u0007 its name',
         "keel: error: keel.toml:6:1: invalid Description: line 1 holds a control character\n"),
        ('maintainer = "Keel Test <test@keel.invalid>"', 'maintainer = "nobody"',
         "keel: error: keel.toml:6:1: invalid Maintainer: 'nobody' is not \"Full Name <email@address>\"\n"),
        ('depends = ["git (>= 1:2.30)"]', 'depends = ["git; rm -rf /"]',
         "keel: error: keel.toml:6:1: invalid Depends: unexpected character ';' in 'git; rm -rf /'\n"),
    ]
    original = (repo / "keel.toml").read_text()
    for old, new, error in cases:
        assert old in original
        rewrite_config(sandbox, repo, original.replace(old, new))
        r = dist(sandbox, repo)
        assert r.code == 78, r
        assert r.err == error
        assert not (repo / "dist").exists() or not any((repo / "dist").iterdir())


def test_a_version_debian_cannot_sort_is_refused_and_prereleases_sort_first(sandbox):
    repo = package_project(sandbox)
    r = dist(sandbox, repo, "--version", "2.0.0-rc.1", "--target", "linux/amd64")
    assert r.code == 0, r
    assert (repo / "dist" / "keel-tool_2.0.0~rc.1-1_amd64.deb").exists()
    # dpkg agrees that the pre-release comes before the release.
    assert subprocess.run(["dpkg", "--compare-versions", "2.0.0~rc.1", "lt", "2.0.0"]).returncode == 0


def test_a_version_debian_cannot_spell_is_refused(sandbox):
    repo = package_project(sandbox)
    r = dist(sandbox, repo, "--version", "1.0.0+build-1")
    assert r.code == 78, r
    assert r.err == ("keel: error: keel.toml:6:1: invalid Debian version '1.0.0+build-1': "
                     "a '-' would start a Debian revision\n")
    r = dist(sandbox, repo, "--version", "1.x")
    assert r.code == 2, r
    assert r.err == "keel: error: invalid version '1.x': expected MAJOR.MINOR.PATCH\n"
