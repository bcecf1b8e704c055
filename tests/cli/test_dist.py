"""keel dist: archives read back with tar, zstd, xz and unzip; checksums checked by sha256sum; signatures by
minisign; the manifest against its JSON Schema; the version, the source date and the dry run."""

import json
import os
import subprocess
from pathlib import Path

import jsonschema

from conftest import KEEL_BIN
from dist_support import FILES, SOURCE_DATE, dist, dist_project, rewrite_config, run, tree_of

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "dist-manifest.schema.json"

ALL_FORMATS = """
[dist]
name = "tool"

[[dist.archives]]
format = "tar.gz"
wrap_in_directory = true
files = [
  "README.md",
  "LICENSE",
  { src = "build/{os}-{arch}/tool", dst = "bin/" },
  { src = "man/*.1", dst = "share/man/man1/" },
  { src = "docs", dst = "share/doc/tool" },
]

[[dist.archives]]
format = "tar.zst"
files = ["README.md", { src = "build/{os}-{arch}/tool", dst = "tool" }, "docs/**/*.md"]

[[dist.archives]]
format = "tar.xz"
files = ["README.md", { src = "build/{os}-{arch}/tool", dst = "tool", mode = 0o700 }]

[[dist.archives]]
format = "zip"
files = ["README.md", "docs/with space ü.txt", { src = "build/{os}-{arch}/tool", dst = "bin/tool" }]

[[dist.archives]]
format = "binary"
files = ["build/{os}-{arch}/tool"]
"""

TOOL = "tool_1.2.0_linux_amd64"


def expected(repo, mapping, wrap=""):
    """{archive path: (mode, bytes)} for files mapped from the repository."""
    return {(wrap + dst): (mode, (repo / src).read_bytes()) for dst, (src, mode) in mapping.items()}


def files_of(tree):
    return {p: (v[1], v[3]) for p, v in tree.items() if v[0] == "file"}


def check_times_and_dirs(tree):
    for path, (kind, mode, mtime, _) in tree.items():
        assert mtime == SOURCE_DATE, path
        if kind == "dir":
            assert mode == 0o755, path


def test_every_format_reads_back_with_the_real_tools(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    r = dist(sandbox, repo, "--target", "linux/amd64")
    assert r.code == 0, r
    out = repo / "dist"

    gz = sandbox.root / "gz"
    gz.mkdir()
    run("tar", "-xzf", out / f"{TOOL}.tar.gz", "-C", gz)
    tree = tree_of(gz)
    check_times_and_dirs(tree)
    assert files_of(tree) == expected(repo, {
        "README.md": ("README.md", 0o644),
        "LICENSE": ("LICENSE", 0o644),
        "bin/tool": ("build/linux-amd64/tool", 0o755),
        "share/man/man1/tool.1": ("man/tool.1", 0o644),
        "share/doc/tool/guide/intro.md": ("docs/guide/intro.md", 0o644),
        "share/doc/tool/guide/deep/more.md": ("docs/guide/deep/more.md", 0o644),
        "share/doc/tool/with space ü.txt": ("docs/with space ü.txt", 0o644),
    }, wrap=TOOL + "/")
    listing = run("tar", "--numeric-owner", "-tvzf", out / f"{TOOL}.tar.gz").decode()
    assert all(" 0/0 " in line for line in listing.splitlines()), listing
    names = run("tar", "-tzf", out / f"{TOOL}.tar.gz").decode().splitlines()
    assert names[:4] == [f"{TOOL}/", f"{TOOL}/LICENSE", f"{TOOL}/README.md", f"{TOOL}/bin/"]

    zst = sandbox.root / "zst"
    zst.mkdir()
    tar = run("zstd", "-dc", out / f"{TOOL}.tar.zst")
    run("tar", "-xf", "-", "-C", zst, input=tar)
    tree = tree_of(zst)
    check_times_and_dirs(tree)
    assert files_of(tree) == expected(repo, {
        "README.md": ("README.md", 0o644),
        "tool": ("build/linux-amd64/tool", 0o755),
        "docs/guide/intro.md": ("docs/guide/intro.md", 0o644),
        "docs/guide/deep/more.md": ("docs/guide/deep/more.md", 0o644),
    })

    xz = sandbox.root / "xz"
    xz.mkdir()
    run("tar", "-xf", "-", "-C", xz, input=run("xz", "-dc", out / f"{TOOL}.tar.xz"))
    tree = tree_of(xz)
    check_times_and_dirs(tree)
    assert files_of(tree) == expected(repo, {"README.md": ("README.md", 0o644), "tool": ("build/linux-amd64/tool", 0o700)})

    zipped = sandbox.root / "zip"
    run("unzip", "-q", out / f"{TOOL}.zip", "-d", zipped)
    tree = tree_of(zipped)
    check_times_and_dirs(tree)
    assert files_of(tree) == expected(repo, {
        "README.md": ("README.md", 0o644),
        "docs/with space ü.txt": ("docs/with space ü.txt", 0o644),
        "bin/tool": ("build/linux-amd64/tool", 0o755),
    })
    # The DOS time field is written in UTC: zipinfo shows the source date in UTC.
    info = run("zipinfo", "-T", out / f"{TOOL}.zip", env={"TZ": "UTC", "PATH": os.environ["PATH"]}).decode()
    assert "20231114.221320 README.md" in info, info

    binary = out / TOOL
    assert binary.read_bytes() == (repo / "build/linux-amd64/tool").read_bytes()
    assert binary.stat().st_mode & 0o777 == 0o755


def test_the_checksum_file_passes_sha256sum_and_sha512sum(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    r = dist(sandbox, repo)
    assert r.code == 0, r
    sums = (repo / "dist" / "tool_1.2.0_checksums.txt").read_text()
    names = [line.split("  ", 1)[1] for line in sums.splitlines()]
    assert names == sorted(names) and len(names) == 5
    run("sha256sum", "--strict", "-c", "tool_1.2.0_checksums.txt", cwd=repo / "dist")

    rewrite_config(sandbox, repo, ALL_FORMATS + '\n[dist.checksums]\nalgorithm = "sha512"\nname_template = "SUMS-{version}"\n')
    r = dist(sandbox, repo, "--clean")
    assert r.code == 0, r
    assert len((repo / "dist" / "SUMS-1.2.0").read_text().split()[0]) == 128
    run("sha512sum", "--strict", "-c", "SUMS-1.2.0", cwd=repo / "dist")


def test_the_manifest_lists_every_file_and_matches_its_schema(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    r = dist(sandbox, repo, "--json")
    assert r.code == 0, r
    manifest = json.loads((repo / "dist" / "manifest.json").read_text())
    assert json.loads(r.out) == manifest
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))
    head = sandbox.git("rev-parse", "HEAD", cwd=repo).strip()
    assert (manifest["name"], manifest["version"], manifest["commit"], manifest["source_date_epoch"]) == (
        "tool", "1.2.0", head, SOURCE_DATE)
    assert manifest["tool"].startswith("keel ")
    on_disk = sorted(p.name for p in (repo / "dist").iterdir() if p.name != "manifest.json")
    assert [a["name"] for a in manifest["artifacts"]] == on_disk
    import hashlib
    for a in manifest["artifacts"]:
        data = (repo / "dist" / a["name"]).read_bytes()
        assert a["size"] == len(data) and a["sha256"] == hashlib.sha256(data).hexdigest(), a["name"]
    kinds = {a["name"]: (a["kind"], a.get("format"), a.get("os"), a.get("arch")) for a in manifest["artifacts"]}
    assert kinds[f"{TOOL}.tar.zst"] == ("archive", "tar.zst", "linux", "amd64")
    assert kinds[TOOL] == ("binary", "binary", "linux", "amd64")
    assert kinds["tool_1.2.0_checksums.txt"] == ("checksum", None, None, None)
    assert kinds["tool_1.2.0_provenance.intoto.json"] == ("provenance", None, None, None)
    # A manifest that breaks the schema is caught by it: the check can fail.
    broken = dict(manifest, artifacts=[dict(manifest["artifacts"][0], sha256="xyz")])
    try:
        jsonschema.validate(broken, json.loads(SCHEMA.read_text()))
        assert False, "the schema accepted a bad digest"
    except jsonschema.ValidationError:
        pass


def test_targets_fill_os_and_arch_in_names_and_sources(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS.replace('name = "tool"', 'name = "tool"\ntargets = ["linux/amd64", "linux/arm64"]'))
    r = dist(sandbox, repo)
    assert r.code == 0, r
    for arch in ("amd64", "arm64"):
        assert (repo / "dist" / f"tool_1.2.0_linux_{arch}").read_bytes() == (repo / f"build/linux-{arch}/tool").read_bytes()
    r = dist(sandbox, repo, "--clean", "--target", "linux/arm64")
    assert r.code == 0, r
    assert not (repo / "dist" / f"{TOOL}.zip").exists()
    assert (repo / "dist" / "tool_1.2.0_linux_arm64.zip").exists()


def test_signatures_are_verified_by_minisign(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS + '\n[dist.sign]\nartifacts = "all"\nkey = "../keys/keel.key"\n')
    keys = sandbox.root / "keys"
    r = sandbox.keel("key", "generate", "--unencrypted", "-p", keys / "keel.pub", "-s", keys / "keel.key")
    assert r.code == 0, r
    r = dist(sandbox, repo)
    assert r.code == 0, r
    out = repo / "dist"
    signed = [p for p in out.iterdir() if not p.name.endswith(".minisig") and p.name != "manifest.json"]
    assert len(signed) == 7  # five artifacts, the checksum file, the provenance
    for p in signed:
        v = subprocess.run(["minisign", "-Vm", p, "-p", keys / "keel.pub"], capture_output=True, text=True)
        assert v.returncode == 0, v.stderr
        assert f"file:{p.name}\thashed" in v.stdout and f"timestamp:{SOURCE_DATE}" in v.stdout
    # A changed artifact fails minisign's check.
    (out / TOOL).write_bytes(b"tampered")
    v = subprocess.run(["minisign", "-Vm", out / TOOL, "-p", keys / "keel.pub"], capture_output=True, text=True)
    assert v.returncode == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert sum(a["kind"] == "signature" for a in manifest["artifacts"]) == 7


def test_only_the_checksum_file_is_signed_by_default_choice_checksum(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS + '\n[dist.sign]\nartifacts = "checksum"\n')
    keys = sandbox.root / "keys"
    r = sandbox.keel("key", "generate", "--unencrypted", "-p", keys / "keel.pub", "-s", keys / "keel.key")
    assert r.code == 0, r
    r = dist(sandbox, repo, env={"KEEL_SIGNING_KEY": (keys / "keel.key").read_text()})
    assert r.code == 0, r
    sigs = sorted(p.name for p in (repo / "dist").iterdir() if p.name.endswith(".minisig"))
    assert sigs == ["tool_1.2.0_checksums.txt.minisig", "tool_1.2.0_provenance.intoto.json.minisig"]
    run("minisign", "-Vm", repo / "dist" / "tool_1.2.0_checksums.txt", "-p", keys / "keel.pub")


def test_a_missing_signing_key_stops_before_anything_is_written(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS + '\n[dist.sign]\nartifacts = "checksum"\nkey = "nokey.key"\n')
    r = dist(sandbox, repo)
    assert r.code == 74, r
    assert r.err == f"keel: error: cannot read 'nokey.key': No such file or directory\n"
    assert not (repo / "dist").exists()


def test_the_version_is_the_release_tag_on_head_else_refused(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS, tag=None)
    r = dist(sandbox, repo)
    assert r.code == 2, r
    assert r.err == ("keel: error: HEAD is not a release: no release tag points at it\n"
                     "hint: tag it with keel release, or build with --snapshot or --version X.Y.Z\n")
    assert not (repo / "dist").exists()
    r = dist(sandbox, repo, "--version", "v2.0.0-rc.1", "--dry-run")
    assert r.code == 0, r
    assert "tool_2.0.0-rc.1_linux_amd64.tar.gz" in r.out


def test_snapshot_builds_the_next_version_with_the_short_commit(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS, tag="v1.2.0")
    (repo / "README.md").write_text("# tool, better\n")
    sandbox.git("commit", "-q", "-am", "feat: better", cwd=repo)
    short = sandbox.git("rev-parse", "--short=7", "HEAD", cwd=repo).strip()
    r = dist(sandbox, repo, "--snapshot")
    assert r.code == 0, r
    manifest = json.loads((repo / "dist" / "manifest.json").read_text())
    assert manifest["version"] == f"1.3.0-snapshot+{short}"
    assert (repo / "dist" / f"tool_1.3.0-snapshot+{short}_linux_amd64.tar.gz").exists()


def test_the_source_date_defaults_to_the_commit_time(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    when = int(sandbox.git("log", "-1", "--format=%ct", cwd=repo))
    r = sandbox.keel("dist", "--json", cwd=repo)
    assert r.code == 0, r
    assert json.loads(r.out)["source_date_epoch"] == when
    listing = run("tar", "--full-time", "-tvzf", repo / "dist" / f"{TOOL}.tar.gz", env={"TZ": "UTC"}).decode()
    import datetime
    stamp = datetime.datetime.fromtimestamp(when, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    assert all(stamp in line for line in listing.splitlines()), listing


def test_dry_run_prints_every_entry_and_writes_nothing(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    r = dist(sandbox, repo, "--dry-run")
    assert r.code == 0, r
    assert not (repo / "dist").exists()
    lines = r.out.splitlines()
    assert lines[0].startswith(f"keel dist would build tool 1.2.0 (source date {SOURCE_DATE}, commit ")
    assert f"  {TOOL}.tar.gz  (tar.gz, linux/amd64, 7 files)" in lines
    assert f"      0755 {TOOL}/bin/tool" in lines
    assert "      0700 tool" in lines
    assert lines[-3:] == ["  tool_1.2.0_checksums.txt  (sha256)", "  tool_1.2.0_provenance.intoto.json",
                          "  manifest.json"]


def test_before_runs_the_tasks_that_build_the_inputs(sandbox):
    config = """
[tasks.build]
run = "mkdir -p out && printf built > out/tool"

[dist]
name = "tool"
before = ["build"]

[[dist.archives]]
format = "tar.gz"
files = ["out/tool"]
"""
    repo = dist_project(sandbox, config)
    r = dist(sandbox, repo)
    assert r.code == 0, r
    listing = run("tar", "-xzOf", repo / "dist" / f"{TOOL}.tar.gz", "out/tool")
    assert listing == b"built"

    rewrite_config(sandbox, repo, config.replace("printf built > out/tool", "exit 3"))
    r = dist(sandbox, repo, "--clean")
    assert r.code == 1, r
    assert r.err.endswith("keel: error: a task of dist.before failed: nothing was built\n")


def test_clean_empties_the_output_directory_but_never_the_project(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    (repo / "dist").mkdir()
    (repo / "dist" / "old.tar.gz").write_text("old")
    r = dist(sandbox, repo)
    assert r.code == 2, r
    assert r.err == (f"keel: error: the output directory '{repo}/dist' is not empty\n"
                     "hint: remove it, or run keel dist --clean\n")
    assert (repo / "dist" / "old.tar.gz").read_text() == "old"
    r = dist(sandbox, repo, "--clean")
    assert r.code == 0, r
    assert not (repo / "dist" / "old.tar.gz").exists()

    rewrite_config(sandbox, repo, ALL_FORMATS.replace('name = "tool"', 'name = "tool"\noutput_dir = "."'))
    r = dist(sandbox, repo, "--clean")
    assert r.code == 2, r
    assert r.err == (f"keel: error: refusing to clean '{repo}/.': it holds the project\n"
                     "hint: set dist.output_dir to a directory of its own\n")
    assert (repo / "README.md").exists()


def test_an_unwritable_output_directory_is_refused(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    (repo / "dist").write_text("a file where the directory goes")
    r = dist(sandbox, repo)
    assert r.code == 74, r
    assert r.err == f"keel: error: the output directory '{repo}/dist' is not a directory\n"


def test_the_provenance_names_every_artifact_and_keel_verify_checks_one(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS + '\n[dist.sign]\nartifacts = "checksum"\nkey = "../keys/keel.key"\n')
    sandbox.git("remote", "add", "origin", "https://user:token@forge.invalid/team/tool.git", cwd=repo)
    keys = sandbox.root / "keys"
    for name in ("keel", "other"):
        r = sandbox.keel("key", "generate", "--unencrypted", "-p", keys / f"{name}.pub", "-s", keys / f"{name}.key")
        assert r.code == 0, r
    r = dist(sandbox, repo)
    assert r.code == 0, r
    out = repo / "dist"
    statement = json.loads((out / "tool_1.2.0_provenance.intoto.json").read_text())
    manifest = json.loads((out / "manifest.json").read_text())
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://slsa.dev/provenance/v1"
    digests = {a["name"]: a["sha256"] for a in manifest["artifacts"] if a["kind"] in ("archive", "binary", "checksum")}
    assert {s["name"]: s["digest"]["sha256"] for s in statement["subject"]} == digests
    definition = statement["predicate"]["buildDefinition"]
    head = sandbox.git("rev-parse", "HEAD", cwd=repo).strip()
    assert definition["resolvedDependencies"] == [
        {"uri": "git+https://forge.invalid/team/tool.git", "digest": {"gitCommit": head}}]
    assert definition["externalParameters"] == {"command": "keel dist", "version": "1.2.0",
                                                "targets": ["linux/amd64"], "snapshot": False}
    assert definition["internalParameters"]["config"]["name"] == "tool"
    # Where the files go is not part of the statement: built elsewhere, it is the same.
    other = sandbox.root / "elsewhere"
    r = sandbox.keel("-c", f"dist.output_dir={other}", "dist", cwd=repo, env={"SOURCE_DATE_EPOCH": str(SOURCE_DATE)})
    assert r.code == 0, r
    assert (other / "tool_1.2.0_provenance.intoto.json").read_bytes() == \
        (out / "tool_1.2.0_provenance.intoto.json").read_bytes()
    run = statement["predicate"]["runDetails"]
    assert run["metadata"] == {"startedOn": "2023-11-14T22:13:20Z", "finishedOn": "2023-11-14T22:13:20Z"}
    assert run["builder"]["version"]["keel"]
    # The statement's signature is minisign's.
    run_ok = subprocess.run(["minisign", "-Vm", out / "tool_1.2.0_provenance.intoto.json", "-p", keys / "keel.pub"],
                            capture_output=True)
    assert run_ok.returncode == 0

    prov = out / "tool_1.2.0_provenance.intoto.json"
    r = sandbox.keel("verify", "--provenance", prov, out / f"{TOOL}.zip", "-p", keys / "keel.pub", cwd=repo)
    assert r.code == 0, r
    assert r.out.endswith(f"Provenance verified: {TOOL}.zip was built from git+https://forge.invalid/team/tool.git "
                          f"at {head} by keel {run['builder']['version']['keel']}\n")
    # Another file under the same name, a file it does not list, another key.
    other = sandbox.root / f"{TOOL}.zip"
    other.write_bytes(b"not the zip")
    r = sandbox.keel("verify", "-q", "--provenance", prov, other, "-p", keys / "keel.pub", cwd=repo)
    assert r.code == 1, r
    r = sandbox.keel("verify", "--provenance", prov, other, "-p", keys / "keel.pub", cwd=repo)
    assert r.code == 1, r
    assert r.err == f"keel: error: '{TOOL}.zip' is not the file '{prov}' describes: its SHA-256 differs\n"
    r = sandbox.keel("verify", "--provenance", prov, repo / "README.md", "-p", keys / "keel.pub", cwd=repo)
    assert r.code == 1, r
    assert r.err == f"keel: error: 'README.md' is not a subject of '{prov}'\n"
    r = sandbox.keel("verify", "--provenance", prov, out / f"{TOOL}.zip", "-p", keys / "other.pub", cwd=repo)
    assert r.code == 1, r
    assert r.err.startswith(f"keel: error: Signature key id in {prov}.minisig is ")
    assert " but the key id in the public key is " in r.err and r.err.count("\n") == 1


BAD_INPUT = [
    # (a files entry, the error after "keel: error: keel.toml:", the exit status)
    ('"README.md", "missing.txt"', "9:23: dist input 'missing.txt' does not exist\n"
     "hint: build it first, or list a task in dist.before\n", 74),
    ('"README.md", "nodocs/*.md"', "9:23: the glob 'nodocs/*.md' matches no file\n"
     "hint: build the inputs first, or fix the glob\n", 74),
    ('"README.md", { src = "LICENSE", dst = "README.md" }',
     "5:1: two files have the destination 'tool_1.2.0_linux_amd64/README.md' (keel.toml:9:10 and keel.toml:9:23)\n"
     "hint: give one of them another dst\n", 78),
    ('{ src = "LICENSE", dst = "../LICENSE" }', "9:10: the destination '../LICENSE' climbs out of the archive root\n"
     "hint: remove the '..'\n", 78),
    ('{ src = "LICENSE", dst = "a/{nme}" }', "9:10: unknown field '{nme}' in 'a/{nme}'\n"
     "hint: fields are {name}, {version}, {os} and {arch}\n", 78),
]


def test_bad_inputs_stop_dist_before_anything_is_written(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    for files, error, code in BAD_INPUT:
        rewrite_config(sandbox, repo, f'\n[dist]\nname = "tool"\n\n[[dist.archives]]\nformat = "tar.gz"\n'
                                      f'wrap_in_directory = true\n\nfiles = [{files}]\n')
        r = dist(sandbox, repo)
        assert r.code == code, (files, r)
        assert r.err == "keel: error: keel.toml:" + error, files
        assert not (repo / "dist").exists()


def test_an_unknown_format_is_refused_with_its_position(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS.replace('format = "tar.xz"', 'format = "tar.bz2"'))
    r = dist(sandbox, repo)
    assert r.code == 78, r
    assert r.err == ("keel: error: keel.toml:21:1: invalid 'dist.archives[2].format': unknown format 'tar.bz2'\n"
                     "hint: formats are tar.gz, tar.zst, tar.xz, zip and binary\n")


def test_a_wrong_signing_password_stops_before_anything_is_written(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS + '\n[dist.sign]\nartifacts = "checksum"\nkey = "../keel.key"\n')
    secret = sandbox.root / "password"
    secret.write_text("right horse battery\n")
    r = sandbox.keel("key", "generate", "--password-file", secret, "-p", sandbox.root / "keel.pub",
                     "-s", sandbox.root / "keel.key")
    assert r.code == 0, r
    r = dist(sandbox, repo, env={"KEEL_SIGNING_PASSWORD": "wrong"})
    assert r.code == 2, r
    assert r.err == "keel: error: Wrong password for that key: '../keel.key'\n"
    assert not (repo / "dist").exists()


def test_a_release_is_not_built_from_uncommitted_changes(sandbox):
    repo = dist_project(sandbox, ALL_FORMATS)
    (repo / "README.md").write_text("# tool, edited\n")
    r = dist(sandbox, repo)
    assert r.code == 2, r
    assert r.err == ("keel: error: the work tree has uncommitted changes ('README.md'): a release is built from "
                     "its commit\nhint: commit or stash them, or build with --snapshot\n")
    assert not (repo / "dist").exists()
    r = dist(sandbox, repo, "--snapshot")
    assert r.code == 0, r


def test_a_full_disk_stops_dist_and_leaves_the_output_directory_empty(sandbox):
    small = sandbox.root / "small"
    small.mkdir()
    config = f'[dist]\nname = "tool"\noutput_dir = "{small}"\n[[dist.archives]]\nformat = "tar.gz"\nfiles = ["big.bin"]\n'
    repo = dist_project(sandbox, config, tag=None)
    (repo / "big.bin").write_bytes(os.urandom(3 << 20))  # does not compress: 3 MiB on a 1 MiB disk
    sandbox.git("add", "big.bin", cwd=repo)
    sandbox.git("commit", "-q", "-m", "feat: big", cwd=repo)
    sandbox.git("tag", "v1.2.0", cwd=repo)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(small)], check=True)
    try:
        r = dist(sandbox, repo)
        assert r.code == 74, r
        assert r.err.startswith(f"keel: error: cannot write '{small}/.keel-dist-"), r.err
        assert r.err.endswith(f"/{TOOL}.tar.gz': No space left on device\n"), r.err
        assert list(small.iterdir()) == []
    finally:
        subprocess.run(["umount", str(small)], check=True)
