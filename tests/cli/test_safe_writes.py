"""Every file keel writes for the user: changelog -o and --prepend, version-file bumps, config set.

A symlink is written through and kept, a FIFO or character device is streamed into and never
replaced, '-' is the standard output, and a directory, a read-only file or a full disk fails
before anything changes.
"""

import os
import stat
import subprocess
import threading

import pytest

from release_support import commit, new_repo


def released(sandbox):
    """A repository with v1.0.0 and a feature since."""
    repo = new_repo(sandbox)
    commit(sandbox, repo, "feat: first")
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "feat: shiny")
    return repo


def listing(directory):
    return sorted(p.name for p in directory.iterdir())


def read_fifo_in_background(path):
    """Opens the FIFO for reading in a thread (the writer blocks until then); returns a getter."""
    box = {}

    def reader():
        with open(path, "rb") as f:
            box["data"] = f.read()

    t = threading.Thread(target=reader)
    t.start()

    def result():
        t.join(timeout=30)
        return box.get("data")

    return result


def char_device(path):
    """A character device node like /dev/null (1,3), made in the sandbox."""
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))


# changelog -o

def test_changelog_output_through_a_symlink_keeps_the_link(sandbox):
    repo = released(sandbox)
    (repo / "docs").mkdir()
    (repo / "docs" / "CHANGELOG.md").write_text("old\n")
    os.symlink("docs/CHANGELOG.md", repo / "CHANGELOG.md")
    r = sandbox.keel("release", "changelog", "-o", "CHANGELOG.md", cwd=repo)
    assert (r.code, r.err) == (0, ""), r
    assert os.path.islink(repo / "CHANGELOG.md")
    assert os.readlink(repo / "CHANGELOG.md") == "docs/CHANGELOG.md"
    assert "### Features" in (repo / "docs" / "CHANGELOG.md").read_text()
    assert listing(repo / "docs") == ["CHANGELOG.md"]


def test_changelog_output_into_a_fifo_streams(sandbox):
    repo = released(sandbox)
    fifo = sandbox.root / "pipe"
    os.mkfifo(fifo)
    got = read_fifo_in_background(fifo)
    r = sandbox.keel("release", "changelog", "-o", str(fifo), cwd=repo)
    assert (r.code, r.err) == (0, ""), r
    data = got()
    assert data is not None and b"* shiny" in data
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")
def test_changelog_output_into_a_device_never_replaces_it(sandbox):
    repo = released(sandbox)
    dev = sandbox.root / "null"
    char_device(dev)
    r = sandbox.keel("release", "changelog", "-o", str(dev), cwd=repo)
    assert (r.code, r.err) == (0, ""), r
    assert stat.S_ISCHR(os.lstat(dev).st_mode)
    r = sandbox.keel("release", "changelog", "-o", "/dev/full", cwd=repo)
    assert (r.code, r.out, r.err) == (74, "", "keel: error: cannot write '/dev/full': No space left on device\n")
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_changelog_output_dash_is_standard_output(sandbox):
    repo = released(sandbox)
    r = sandbox.keel("release", "changelog", "-o", "-", cwd=repo)
    assert r.code == 0, r
    assert r.out.startswith("# Changelog\n") and "* shiny" in r.out
    assert not (repo / "-").exists()
    r = sandbox.keel("release", "changelog", "--prepend", "-o", "-", cwd=repo)
    assert (r.code, r.err) == (2, "keel: error: --prepend needs a file, not the standard output\n")


def test_changelog_output_onto_a_directory_or_read_only_file_changes_nothing(sandbox):
    repo = released(sandbox)
    (repo / "out").mkdir()
    r = sandbox.keel("release", "changelog", "-o", "out", cwd=repo)
    assert (r.code, r.err) == (74, "keel: error: cannot write 'out': it is a directory\n")
    assert listing(repo / "out") == []
    ro = repo / "CHANGELOG.md"
    ro.write_text("kept\n")
    ro.chmod(0o444)
    before = listing(repo)
    r = sandbox.keel("release", "changelog", "-o", "CHANGELOG.md", cwd=repo)
    assert (r.code, r.err) == (74, "keel: error: cannot write 'CHANGELOG.md': the file is read-only\n")
    assert ro.read_text() == "kept\n"
    assert listing(repo) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_changelog_output_on_a_full_disk_keeps_the_old_file(sandbox):
    repo = released(sandbox)
    disk = sandbox.root / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(disk)], check=True)
    try:
        (disk / "CHANGELOG.md").write_text("old\n")
        fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"x" * 512):
                pass
        except OSError:
            pass
        os.close(fd)
        r = sandbox.keel("release", "changelog", "-o", str(disk / "CHANGELOG.md"), cwd=repo)
        assert (r.code, r.err) == (74, f"keel: error: cannot write '{disk}/CHANGELOG.md': No space left on device\n")
        assert (disk / "CHANGELOG.md").read_text() == "old\n"
        assert listing(disk) == ["CHANGELOG.md", "filler"]
    finally:
        subprocess.run(["umount", str(disk)], check=True)


# changelog --prepend

def test_prepend_through_a_symlink_keeps_the_link(sandbox):
    repo = released(sandbox)
    (repo / "docs").mkdir()
    (repo / "docs" / "CHANGES.md").write_text("# Changelog\n\n## 0.9.0\n\n* old\n")
    os.symlink("docs/CHANGES.md", repo / "CHANGELOG.md")
    r = sandbox.keel("release", "changelog", "--prepend", "-o", "CHANGELOG.md", cwd=repo)
    assert (r.code, r.err) == (0, ""), r
    assert os.path.islink(repo / "CHANGELOG.md")
    text = (repo / "docs" / "CHANGES.md").read_text()
    assert "* shiny" in text and text.endswith("## 0.9.0\n\n* old\n")


def test_prepend_refuses_a_fifo_and_a_read_only_file(sandbox):
    repo = released(sandbox)
    os.mkfifo(repo / "CHANGELOG.md")
    r = sandbox.keel("release", "changelog", "--prepend", "-o", "CHANGELOG.md", cwd=repo)
    assert (r.code, r.err) == (74, "keel: error: cannot prepend to 'CHANGELOG.md': not a regular file\n")
    assert stat.S_ISFIFO(os.lstat(repo / "CHANGELOG.md").st_mode)
    os.unlink(repo / "CHANGELOG.md")
    (repo / "CHANGELOG.md").write_text("# Changelog\n")
    (repo / "CHANGELOG.md").chmod(0o444)
    r = sandbox.keel("release", "changelog", "--prepend", "-o", "CHANGELOG.md", cwd=repo)
    assert (r.code, r.err) == (74, "keel: error: cannot write 'CHANGELOG.md': the file is read-only\n")
    assert (repo / "CHANGELOG.md").read_text() == "# Changelog\n"


# version-file bumps (keel release)

def release_ready(sandbox):
    repo = new_repo(sandbox)
    (repo / "pkg").mkdir()
    (repo / "pkg" / "VERSION").write_text("1.0.0\n")
    os.symlink("pkg/VERSION", repo / "VERSION")
    (repo / "keel.toml").write_text('[[release.files]]\npath = "VERSION"\n')
    sandbox.git("add", "-A", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: project", cwd=repo)
    sandbox.git("tag", "v1.0.0", cwd=repo)
    commit(sandbox, repo, "feat: shiny")
    return repo


def test_release_bumps_a_version_file_through_its_symlink(sandbox):
    repo = release_ready(sandbox)
    r = sandbox.keel("release", cwd=repo)
    assert (r.code, r.out) == (0, "released 1.1.0 as v1.1.0\n"), r
    assert os.path.islink(repo / "VERSION")
    assert (repo / "pkg" / "VERSION").read_text() == "1.1.0\n"
    assert sandbox.git("status", "--porcelain", cwd=repo) == ""


def test_release_refuses_a_read_only_version_file_before_any_change(sandbox):
    repo = release_ready(sandbox)
    (repo / "pkg" / "VERSION").chmod(0o444)
    head = sandbox.git("rev-parse", "HEAD", cwd=repo)
    for args in (["release", "--dry-run"], ["release"]):
        r = sandbox.keel(*args, cwd=repo)
        assert (r.code, r.out) == (74, ""), r
        assert r.err.endswith("keel: error: cannot write 'VERSION': the file is read-only\n")
    assert (repo / "pkg" / "VERSION").read_text() == "1.0.0\n"
    assert sandbox.git("rev-parse", "HEAD", cwd=repo) == head
    assert sandbox.git("tag", cwd=repo) == "v1.0.0\n"


def test_release_refuses_a_version_file_that_is_a_fifo(sandbox):
    repo = release_ready(sandbox)
    os.mkfifo(sandbox.root / "pipe")
    os.unlink(repo / "VERSION")
    os.symlink(sandbox.root / "pipe", repo / "VERSION")
    sandbox.git("commit", "-q", "-am", "chore: the version comes from a pipe", cwd=repo)
    r = sandbox.keel("release", cwd=repo, timeout=20)
    assert (r.code, r.out) == (74, ""), r
    assert r.err.endswith("keel: error: cannot update version file 'VERSION': not a regular file\n")
    assert stat.S_ISFIFO(os.stat(repo / "VERSION").st_mode)


# keel config set

def test_config_set_through_a_symlinked_keel_toml(sandbox):
    repo = sandbox.repo()
    (repo / "shared").mkdir()
    (repo / "shared" / "keel.toml").write_text('[log]\nlevel = "info"\n')
    os.symlink("shared/keel.toml", repo / "keel.toml")
    r = sandbox.keel("config", "set", "log.level", "debug", cwd=repo)
    assert (r.code, r.err) == (0, ""), r
    assert os.path.islink(repo / "keel.toml")
    assert (repo / "shared" / "keel.toml").read_text() == '[log]\nlevel = "debug"\n'
    assert listing(repo / "shared") == ["keel.toml"]


def test_config_set_refuses_a_read_only_or_fifo_file(sandbox):
    repo = sandbox.repo()
    (repo / "keel.toml").write_text('[log]\nlevel = "info"\n')
    (repo / "keel.toml").chmod(0o444)
    r = sandbox.keel("config", "set", "log.level", "debug", cwd=repo)
    assert (r.code, r.err) == (74, "keel: error: cannot write 'keel.toml': the file is read-only\n")
    assert (repo / "keel.toml").read_text() == '[log]\nlevel = "info"\n'
    os.mkfifo(repo / "keel.local.toml")
    r = sandbox.keel("config", "set", "--local", "log.level", "debug", cwd=repo, timeout=20)
    assert r.code in (74, 78), r
    assert stat.S_ISFIFO(os.lstat(repo / "keel.local.toml").st_mode)
