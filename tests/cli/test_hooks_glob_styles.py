"""The same globs through lefthook and keel: hooks.glob_style = "lefthook" picks exactly lefthook's files; keel's own style its documented ones."""

import subprocess

import pytest

from conftest import tool_path

TREE = ["a.js", "b.ts", "x.jsx", "README.md", "src/a.js", "src/B.JS", "src/sub/c.js", "src/sub/d.ts",
        "lib/src/e.js", "docs/x.md", "vendor/v.js"]

# name: (glob, exclude, root, files keel's own style picks)
TABLE = {
    "star": ("*.js", [], "", ["a.js", "lib/src/e.js", "src/a.js", "src/sub/c.js", "vendor/v.js"]),
    "dir_star": ("src/*.js", [], "", ["src/a.js"]),
    "double_star": ("**/*.js", [], "", ["a.js", "lib/src/e.js", "src/a.js", "src/sub/c.js", "vendor/v.js"]),
    "braces": ("*.{js,ts}", [], "",
               ["a.js", "b.ts", "lib/src/e.js", "src/a.js", "src/sub/c.js", "src/sub/d.ts", "vendor/v.js"]),
    "dir_double_star": ("src/**/*.js", [], "", ["src/a.js", "src/sub/c.js"]),
    "class": ("[a-c]*.js", [], "", ["a.js", "src/a.js", "src/sub/c.js"]),
    "question": ("?.js", [], "", ["a.js", "lib/src/e.js", "src/a.js", "src/sub/c.js", "vendor/v.js"]),
    "upper": ("*.JS", [], "", ["src/B.JS"]),
    "exclude": ("*.js", ["vendor/*", "lib/**"], "", ["a.js", "src/a.js", "src/sub/c.js"]),
    "root": ("*.js", [], "src", ["a.js", "sub/c.js"]),
}


def toml_list(items):
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def keel_config(style, out_dir):
    out = f'[hooks]\nglob_style = "{style}"\n'
    for name, (glob, exclude, root, _) in TABLE.items():
        out += f"[hooks.pre-commit.commands.{name}]\n"
        out += f"run = \"printf '%s\\\\n' {{all_files}} > {out_dir}/out-{name}\"\n"
        out += f'glob = "{glob}"\n'
        if exclude:
            out += f"exclude = {toml_list(exclude)}\n"
        if root:
            out += f'root = "{root}"\n'
    return out


def lefthook_config(out_dir):
    out = "pre-commit:\n  commands:\n"
    for name, (glob, exclude, root, _) in TABLE.items():
        out += f"    {name}:\n"
        out += f"      run: printf '%s\\n' {{all_files}} > {out_dir}/out-{name}\n"
        out += f'      glob: "{glob}"\n'
        if exclude:
            out += "      exclude:\n" + "".join(f'        - "{e}"\n' for e in exclude)
        if root:
            out += f'      root: "{root}"\n'
    return out


def tree(sandbox, name):
    repo = sandbox.repo(name)
    for f in TREE:
        (repo / f).parent.mkdir(parents=True, exist_ok=True)
        (repo / f).write_text("x\n")
    sandbox.git("add", ".", cwd=repo)
    sandbox.git("commit", "-q", "-m", "chore: tree", cwd=repo)
    return repo


def picked(repo):
    out = {}
    for name in TABLE:
        path = repo.parent / f"out-{name}"
        lines = path.read_text().split() if path.exists() else []
        out[name] = sorted(line[2:] if line.startswith("./") else line for line in lines)
        if path.exists():
            path.unlink()
    return out


@pytest.fixture
def lefthook_picks(sandbox):
    repo = tree(sandbox, "lefthook-repo")
    (repo / "lefthook.yml").write_text(lefthook_config(repo.parent))
    proc = subprocess.run([str(tool_path("lefthook")), "run", "pre-commit"], cwd=repo, env=sandbox.env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return picked(repo)


def test_lefthook_style_picks_exactly_what_lefthook_picks(sandbox, lefthook_picks):
    repo = tree(sandbox, "keel-repo")
    (repo / "keel.toml").write_text(keel_config("lefthook", repo.parent))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert picked(repo) == lefthook_picks
    # The differences the style exists for, as lefthook shows them.
    assert "src/sub/c.js" in lefthook_picks["dir_star"]
    assert "a.js" not in lefthook_picks["double_star"]
    assert "src/B.JS" in lefthook_picks["star"]
    assert lefthook_picks["root"]  # a root that picked nothing would prove nothing


def test_keel_style_picks_its_documented_files(sandbox):
    repo = tree(sandbox, "keel-repo")
    (repo / "keel.toml").write_text(keel_config("keel", repo.parent))
    r = sandbox.keel("hooks", "run", "pre-commit", cwd=repo)
    assert r.code == 0, r
    assert picked(repo) == {name: sorted(row[3]) for name, row in TABLE.items()}
