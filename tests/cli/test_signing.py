"""keel key, keel sign and keel verify against the real minisign (Debian's 0.11).

Keys and signatures go both ways: what keel writes, minisign reads, and the
other way round. Encrypted keys use minisign's scrypt limits (about 7 s and
1 GiB per key derivation), so only a few tests encrypt.
"""

import json
import os
import subprocess

import pytest

MINISIGN = "/usr/bin/minisign"


def minisign(*args, cwd, input=None):
    if not os.access(MINISIGN, os.X_OK):
        pytest.fail("minisign is missing: run scripts/bootstrap")
    return subprocess.run([MINISIGN, *map(str, args)], cwd=cwd, input=input, capture_output=True, text=True)


@pytest.fixture
def work(sandbox):
    d = sandbox.root / "work"
    d.mkdir()
    (d / "data.txt").write_text("hello\n")
    return d


def keel_key(sandbox, work, name="k"):
    r = sandbox.keel("key", "generate", "--unencrypted", "-p", f"{name}.pub", "-s", f"{name}.key", cwd=work)
    assert r.code == 0, r
    return work / f"{name}.pub", work / f"{name}.key"


def minisign_key(work, name="m"):
    r = minisign("-G", "-W", "-p", f"{name}.pub", "-s", f"{name}.key", cwd=work)
    assert r.returncode == 0, r.stderr
    return work / f"{name}.pub", work / f"{name}.key"


def key_id_of(pub):
    """The id minisign writes into its public key's comment line, as keel prints ids: 16 hex digits (minisign
    0.11 drops leading zeros, later releases pad as keel does)."""
    return "%016X" % int(pub.read_text().splitlines()[0].rsplit(" ", 1)[1], 16)


# --- both directions ------------------------------------------------------------

@pytest.mark.parametrize("legacy", [False, True])
def test_minisign_verifies_what_keel_signs(sandbox, work, legacy):
    pub, key = keel_key(sandbox, work)
    r = sandbox.keel("sign", "-s", key, "data.txt", *(["--legacy"] if legacy else []), cwd=work)
    assert (r.code, r.out, r.err) == (0, "", ""), r
    m = minisign("-V", "-p", pub, "-m", "data.txt", cwd=work)
    assert m.returncode == 0, m.stderr
    assert "Signature and comment signature verified" in m.stdout
    lines = (work / "data.txt.minisig").read_text().splitlines()
    assert lines[0] == "untrusted comment: signature from keel secret key"
    assert lines[1].startswith("RW" if legacy else "RU")
    assert lines[2].startswith("trusted comment: timestamp:")
    assert lines[2].endswith("\tfile:data.txt" + ("" if legacy else "\thashed"))


@pytest.mark.parametrize("legacy", [False, True])
def test_keel_verifies_what_minisign_signs(sandbox, work, legacy):
    pub, key = minisign_key(work)
    m = minisign("-S", "-s", key, "-m", "data.txt", *(["-l"] if legacy else []), cwd=work)
    assert m.returncode == 0, m.stderr
    r = sandbox.keel("verify", "data.txt", "-p", pub, cwd=work)
    assert r.code == 0, r
    assert r.out == ("Signature and comment signature verified\nTrusted comment: "
                     + (work / "data.txt.minisig").read_text().splitlines()[2][len("trusted comment: "):] + "\n")


def test_keel_signs_with_minisigns_unencrypted_key_and_its_zero_checksum(sandbox, work):
    pub, key = minisign_key(work)
    r = sandbox.keel("sign", "-s", key, "data.txt", cwd=work)
    assert r.code == 0, r
    assert minisign("-V", "-p", pub, "-m", "data.txt", cwd=work).returncode == 0
    r = sandbox.keel("verify", "data.txt", "-p", pub, "-q", cwd=work)
    assert (r.code, r.out, r.err) == (0, "", "")


def test_minisign_signs_with_keels_unencrypted_key(sandbox, work):
    pub, key = keel_key(sandbox, work)
    m = minisign("-S", "-s", key, "-m", "data.txt", cwd=work)
    assert m.returncode == 0, m.stderr
    r = sandbox.keel("verify", "data.txt", "-p", pub, cwd=work)
    assert r.code == 0, r


def test_encrypted_keys_both_ways(sandbox, work):
    # keel's encrypted key, used by minisign with the same password.
    r = sandbox.keel("key", "generate", "--password-stdin", "-p", "k.pub", "-s", "k.key", cwd=work,
                     input="correct horse\n")
    assert r.code == 0, r
    m = minisign("-S", "-s", "k.key", "-m", "data.txt", cwd=work, input="correct horse\n")
    assert m.returncode == 0, m.stderr
    r = sandbox.keel("verify", "data.txt", "-p", "k.pub", "-q", cwd=work)
    assert r.code == 0, r
    # minisign's encrypted key, used by keel.
    m = minisign("-G", "-p", "m.pub", "-s", "m.key", cwd=work, input="battery staple\nbattery staple\n")
    assert m.returncode == 0, m.stderr
    (work / "pw").write_text("battery staple\n")
    r = sandbox.keel("sign", "-s", "m.key", "--password-file", "pw", "data.txt", cwd=work)
    assert r.code == 0, r
    assert minisign("-V", "-p", "m.pub", "-m", "data.txt", cwd=work).returncode == 0
    # The wrong password, with minisign's words.
    (work / "pw").write_text("battery\n")
    r = sandbox.keel("sign", "-s", "m.key", "--password-file", "pw", "data.txt", cwd=work)
    assert (r.code, r.err) == (2, "keel: error: Wrong password for that key: 'm.key'\n")


@pytest.mark.parametrize("content", [b"", bytes(range(256)) * (5 * 4096 + 7)], ids=["empty", "5 MiB"])
def test_empty_and_large_files(sandbox, work, content):
    (work / "blob").write_bytes(content)
    pub, key = keel_key(sandbox, work)
    assert sandbox.keel("sign", "-s", key, "blob", cwd=work).code == 0
    assert minisign("-V", "-p", pub, "-m", "blob", cwd=work).returncode == 0
    mpub, mkey = minisign_key(work)
    assert minisign("-S", "-s", mkey, "-m", "blob", cwd=work).returncode == 0
    r = sandbox.keel("verify", "blob", "-p", mpub, "-q", cwd=work)
    assert r.code == 0, r


def test_trusted_comment_with_tabs_and_utf8_is_signed_and_shown(sandbox, work):
    pub, key = keel_key(sandbox, work)
    comment = "release\t1.0.0\tgrüße ✓"
    assert sandbox.keel("sign", "-s", key, "-t", comment, "-c", "from CI", "data.txt", cwd=work).code == 0
    m = minisign("-V", "-p", pub, "-m", "data.txt", cwd=work)
    assert m.returncode == 0 and f"Trusted comment: {comment}" in m.stdout
    r = sandbox.keel("verify", "data.txt", "-p", pub, "-Q", cwd=work)
    assert (r.code, r.out) == (0, comment + "\n")


def test_verify_inline_key_json_and_output(sandbox, work):
    pub, key = keel_key(sandbox, work)
    assert sandbox.keel("sign", "-s", key, "-t", "tc", "data.txt", cwd=work).code == 0
    line = pub.read_text().splitlines()[1]
    r = sandbox.keel("verify", "data.txt", "-P", line, "--json", cwd=work)
    assert r.code == 0, r
    doc = json.loads(r.out)
    assert doc == {"file": "data.txt", "signature": "data.txt.minisig", "key_id": key_id_of(pub),
                   "algorithm": "ED", "trusted_comment": "tc", "valid": True}
    r = sandbox.keel("verify", "data.txt", "-P", line, "-o", cwd=work)
    assert (r.code, r.out) == (0, "hello\n")
    assert r.err == "Signature and comment signature verified\nTrusted comment: tc\n"


def test_verify_output_of_an_empty_file_and_legacy_refused_before_reading(sandbox, work):
    pub, key = keel_key(sandbox, work)
    (work / "empty").write_bytes(b"")
    assert sandbox.keel("sign", "-s", key, "empty", cwd=work).code == 0
    tmp = sandbox.root / "tmp"
    tmp.mkdir()
    r = sandbox.keel("verify", "empty", "-p", pub, "-o", "-q", cwd=work, env={"TMPDIR": str(tmp)})
    assert (r.code, r.out, r.err) == (0, "", "")
    assert list(tmp.iterdir()) == []  # the private copy -o verifies and writes is gone
    assert sandbox.keel("sign", "--legacy", "-s", key, "data.txt", cwd=work).code == 0
    (work / "data.txt").unlink()
    k = sandbox.keel("verify", "data.txt", "-p", pub, "--require-prehashed", cwd=work)
    m = minisign("-V", "-H", "-p", pub, "-m", "data.txt", cwd=work)
    assert (k.code, m.returncode) == (1, 1)
    assert k.err == "keel: error: Legacy (non-prehashed) signature found\n"


def test_key_show_prints_minisigns_key_id(sandbox, work):
    pub, _ = minisign_key(work)
    r = sandbox.keel("key", "show", pub, cwd=work)
    assert (r.code, r.out) == (0, f"key id {key_id_of(pub)}\n{pub.read_text().splitlines()[1]}\n")
    kpub, kkey = keel_key(sandbox, work)
    r = sandbox.keel("key", "show", kkey, cwd=work)
    assert (r.code, r.out) == (0, f"key id {key_id_of(kpub)}\n{kpub.read_text().splitlines()[1]}\n")


def test_signing_key_from_the_environment(sandbox, work):
    pub, key = keel_key(sandbox, work)
    text = key.read_text()
    key.unlink()
    r = sandbox.keel("sign", "data.txt", cwd=work, env={"KEEL_SIGNING_KEY": text})
    assert r.code == 0, r
    assert "KEEL_SIGNING_KEY" not in r.err
    assert minisign("-V", "-p", pub, "-m", "data.txt", cwd=work).returncode == 0


# --- keys: defaults and refusals -------------------------------------------------

def test_generate_writes_defaults_with_a_private_secret_key(sandbox, work):
    r = sandbox.keel("key", "generate", "--unencrypted", cwd=work)
    assert r.code == 0, r
    secret = sandbox.xdg / "keel" / "keel.key"
    assert (work / "keel.pub").exists()
    assert oct(secret.stat().st_mode & 0o777) == "0o600"
    assert sandbox.keel("sign", "data.txt", cwd=work).code == 0
    assert sandbox.keel("verify", "data.txt", "-q", cwd=work).code == 0


def test_generate_never_overwrites_without_force(sandbox, work):
    pub, key = keel_key(sandbox, work)
    before = key.read_text()
    r = sandbox.keel("key", "generate", "--unencrypted", "-p", "k.pub", "-s", "k.key", cwd=work)
    assert (r.code, r.err) == (2, "keel: error: Key generation aborted: 'k.pub' already exists\n"
                                  "hint: add --force to overwrite the existing key pair\n")
    assert key.read_text() == before
    r = sandbox.keel("key", "generate", "--unencrypted", "--force", "-p", "k.pub", "-s", "k.key", cwd=work)
    assert r.code == 0 and key.read_text() != before


def test_no_password_and_no_terminal_is_refused_not_waited_for(sandbox, work):
    r = sandbox.keel("key", "generate", "-p", "k.pub", "-s", "k.key", cwd=work)
    assert r.code == 2
    assert r.err.startswith("keel: error: no password given and no terminal to ask for one\n")
    assert not (work / "k.key").exists()


def test_hostile_scrypt_limits_are_refused_before_any_work(sandbox, work):
    import base64
    import struct
    raw = bytearray(b"EdScB2" + bytes(32) + struct.pack("<QQ", 1 << 40, 1 << 40) + bytes(104))
    (work / "evil.key").write_text("untrusted comment: x\n" + base64.b64encode(raw).decode() + "\n")
    r = sandbox.keel("sign", "-s", "evil.key", "--password-stdin", "data.txt", cwd=work, input="pw\n")
    assert r.code == 2
    assert r.err == ("keel: error: secret key 'evil.key' asks for key derivation limits above minisign's "
                     "defaults (opslimit 1099511627776, memlimit 1099511627776): refused\n")


# --- bad signatures and inputs, against minisign's own status ---------------------

def signed(sandbox, work):
    pub, key = keel_key(sandbox, work)
    assert sandbox.keel("sign", "-s", key, "data.txt", cwd=work).code == 0
    return pub, work / "data.txt.minisig"


def both_verify(sandbox, work, pub, *extra):
    k = sandbox.keel("verify", "data.txt", "-p", pub, *extra, cwd=work)
    m = minisign("-V", "-p", pub, "-m", "data.txt", *extra, cwd=work)
    return k, m


def test_a_changed_file_fails_as_in_minisign(sandbox, work):
    pub, _ = signed(sandbox, work)
    (work / "data.txt").write_text("hellO\n")
    k, m = both_verify(sandbox, work, pub)
    assert (k.code, m.returncode) == (1, 1)
    assert k.err == "keel: error: Signature verification failed\n"
    assert "Signature verification failed" in m.stderr


def test_another_key_fails_as_in_minisign(sandbox, work):
    _, sig = signed(sandbox, work)
    other, _ = keel_key(sandbox, work, "other")
    k, m = both_verify(sandbox, work, other)
    assert (k.code, m.returncode) == (1, 1)
    sig_id = "%016X" % int(subprocess.run([MINISIGN, "-V", "-p", other, "-m", "data.txt"], cwd=work,
                                          capture_output=True, text=True).stderr.split()[6], 16)
    assert k.err == (f"keel: error: Signature key id in data.txt.minisig is {sig_id} but the key id in the "
                     f"public key is {key_id_of(other)}\n")


def test_a_changed_trusted_comment_fails_as_in_minisign(sandbox, work):
    pub, sig = signed(sandbox, work)
    lines = sig.read_text().splitlines()
    lines[2] = "trusted comment: timestamp:0\tfile:other.txt"
    sig.write_text("\n".join(lines) + "\n")
    k, m = both_verify(sandbox, work, pub)
    assert (k.code, m.returncode) == (1, 1)
    assert k.err == "keel: error: Comment signature verification failed\n"
    assert "Comment signature verification failed" in m.stderr


def test_legacy_refused_when_prehashed_is_required(sandbox, work):
    pub, key = keel_key(sandbox, work)
    assert sandbox.keel("sign", "--legacy", "-s", key, "data.txt", cwd=work).code == 0
    k = sandbox.keel("verify", "data.txt", "-p", pub, "--require-prehashed", cwd=work)
    m = minisign("-V", "-H", "-p", pub, "-m", "data.txt", cwd=work)
    assert (k.code, m.returncode) == (1, 1)
    assert k.err == "keel: error: Legacy (non-prehashed) signature found\n"


def damage(sig, how):
    text = sig.read_text()
    lines = text.splitlines()
    if how == "missing signature file":
        sig.unlink()
    elif how == "CRLF line endings":
        sig.write_bytes(text.replace("\n", "\r\n").encode())
    elif how == "bad base64":
        lines[1] = lines[1][:-3] + "!!="
        sig.write_text("\n".join(lines) + "\n")
    elif how == "unknown algorithm":
        import base64
        raw = bytearray(base64.b64decode(lines[1]))
        raw[0:2] = b"Xx"
        lines[1] = base64.b64encode(raw).decode()
        sig.write_text("\n".join(lines) + "\n")
    elif how == "signature too short":
        lines[1] = lines[1][:40]
        sig.write_text("\n".join(lines) + "\n")
    elif how == "extra bytes in the signature":
        import base64
        lines[1] = base64.b64encode(base64.b64decode(lines[1]) + b"xx").decode()
        sig.write_text("\n".join(lines) + "\n")
    elif how == "truncated file":
        sig.write_text("\n".join(lines[:2]) + "\n")
    elif how == "no untrusted comment prefix":
        sig.write_text("\n".join(["comment: x"] + lines[1:]) + "\n")
    elif how == "huge comment line":
        with open(sig, "w") as f:
            f.write("untrusted comment: " + "x" * (2 << 20) + "\n" + "\n".join(lines[1:]) + "\n")
    elif how == "bad global signature":
        lines[3] = "AAAA"
        sig.write_text("\n".join(lines) + "\n")


MALFORMED = {
    "missing signature file": "keel: error: cannot read 'data.txt.minisig': No such file or directory",
    "bad base64": "keel: error: base64 conversion failed - was an actual signature given?: 'data.txt.minisig'",
    "unknown algorithm": "keel: error: Unsupported signature algorithm: 'data.txt.minisig'",
    "signature too short": "keel: error: base64 conversion failed - was an actual signature given?: "
                           "'data.txt.minisig'",
    "extra bytes in the signature": "keel: error: Signature too long: 'data.txt.minisig'",
    "truncated file": "keel: error: Trusted comment not present: 'data.txt.minisig'",
    "no untrusted comment prefix": "keel: error: Untrusted signature comment should start with "
                                   "\"untrusted comment: \": 'data.txt.minisig'",
    "huge comment line": "keel: error: file too large: 'data.txt.minisig' is over 64 KiB",
    "bad global signature": "keel: error: base64 conversion failed - was an actual signature given?: "
                            "'data.txt.minisig'",
}


@pytest.mark.parametrize("how", sorted(MALFORMED))
def test_a_malformed_signature_file_is_exit_2_as_in_minisign(sandbox, work, how):
    pub, sig = signed(sandbox, work)
    damage(sig, how)
    k, m = both_verify(sandbox, work, pub)
    assert m.returncode == 2, m.stderr
    assert (k.code, k.out) == (2, "")
    assert k.err == MALFORMED[how] + "\n"


def test_crlf_line_endings_verify_as_in_minisign(sandbox, work):
    pub, sig = signed(sandbox, work)
    damage(sig, "CRLF line endings")
    k, m = both_verify(sandbox, work, pub, "-q")
    assert (k.code, m.returncode) == (0, 0), (k, m.stderr)
    pub.write_bytes(pub.read_bytes().replace(b"\n", b"\r\n"))
    k, m = both_verify(sandbox, work, pub, "-q")
    assert (k.code, m.returncode) == (0, 0), (k, m.stderr)


@pytest.mark.parametrize("comment", ["ok\u009b2Jspoofed", "abc\u202edcba", "a\x7fb"], ids=["C1 CSI", "bidi", "DEL"])
def test_c1_controls_and_bidi_overrides_are_refused_too(sandbox, work, comment):
    pub, key = keel_key(sandbox, work)
    r = sandbox.keel("sign", "-s", key, "-t", comment, "data.txt", cwd=work)
    assert (r.code, r.err) == (2, "keel: error: the trusted comment has control characters or is not UTF-8\n")


def test_an_untrusted_comment_minisign_could_not_read_is_refused(sandbox, work):
    pub, key = keel_key(sandbox, work)
    r = sandbox.keel("sign", "-s", key, "-c", "x" * 1004, "data.txt", cwd=work)
    assert (r.code, r.err) == (2, "keel: error: Untrusted comment too long: minisign reads at most 1003 bytes "
                                  "of it\n")
    assert sandbox.keel("sign", "-s", key, "-c", "x" * 1003, "data.txt", cwd=work).code == 0
    assert minisign("-V", "-p", pub, "-m", "data.txt", cwd=work).returncode == 0


def test_json_shows_no_unverified_comment(sandbox, work):
    pub, sig = signed(sandbox, work)
    lines = sig.read_text().splitlines()
    lines[2] = "trusted comment: forged"
    sig.write_text("\n".join(lines) + "\n")
    r = sandbox.keel("verify", "data.txt", "-p", pub, "--json", cwd=work)
    assert r.code == 1
    doc = json.loads(r.out)
    assert doc["trusted_comment"] is None and doc["valid"] is False
    assert doc["error"] == "Comment signature verification failed"


def test_control_characters_in_a_trusted_comment_are_refused(sandbox, work):
    # minisign 0.11 shows them; its later releases refuse them, as keel does.
    pub, key = keel_key(sandbox, work)
    r = sandbox.keel("sign", "-s", key, "-t", "ok\x1b[2Jspoofed", "data.txt", cwd=work)
    assert (r.code, r.err) == (2, "keel: error: the trusted comment has control characters or is not UTF-8\n")
    m = minisign("-S", "-s", key, "-m", "data.txt", "-t", "ok\x1b[2Jspoofed", cwd=work)
    assert m.returncode == 0, m.stderr
    r = sandbox.keel("verify", "data.txt", "-p", pub, cwd=work)
    assert (r.code, r.out, r.err) == (
        2, "", "keel: error: Signature file contains unprintable characters: 'data.txt.minisig'\n")


@pytest.mark.parametrize("how", ["bad base64", "unknown algorithm", "missing line"])
def test_a_malformed_public_key_is_exit_2_as_in_minisign(sandbox, work, how):
    pub, _ = signed(sandbox, work)
    lines = pub.read_text().splitlines()
    if how == "bad base64":
        lines[1] = "RW" + "!" * 54
    elif how == "unknown algorithm":
        import base64
        raw = bytearray(base64.b64decode(lines[1]))
        raw[0:2] = b"Xx"
        lines[1] = base64.b64encode(raw).decode()
    else:
        lines = lines[:1]
    pub.write_text("\n".join(lines) + "\n")
    k, m = both_verify(sandbox, work, pub)
    assert (k.code, m.returncode) == (2, 2), (k, m.stderr)
    expected = {
        "bad base64": "base64 conversion failed - was an actual public key given?: 'k.pub'",
        "unknown algorithm": "Unsupported signature algorithm: 'k.pub'",
        "missing line": "Error while loading the public key file: 'k.pub'",
    }[how]
    assert k.err == "keel: error: " + expected + "\n"


def test_change_password_adds_and_removes_encryption(sandbox, work):
    pub, key = keel_key(sandbox, work)
    (work / "pw").write_text("new secret\n")
    r = sandbox.keel("key", "change-password", key, "--new-password-file", "pw", cwd=work)
    assert (r.code, r.out) == (0, "Password updated.\n"), r
    assert key.read_text().splitlines()[1].startswith("RWRTY")  # "Ed" then "Sc": scrypt
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    r = sandbox.keel("sign", "-s", key, "--password-file", "pw", "data.txt", cwd=work)
    assert r.code == 0, r
    assert minisign("-V", "-p", pub, "-m", "data.txt", cwd=work).returncode == 0
    r = sandbox.keel("key", "change-password", key, "--password-file", "pw", "--unencrypted", cwd=work)
    assert (r.code, r.out) == (0, "Password removed.\n"), r
    m = minisign("-S", "-s", key, "-m", "data.txt", cwd=work)
    assert m.returncode == 0, m.stderr


@pytest.mark.parametrize("how", ["bad base64", "too short", "unknown algorithm", "unknown kdf", "missing line",
                                 "extra bytes"])
def test_a_malformed_secret_key_is_refused_as_in_minisign(sandbox, work, how):
    import base64
    _, key = minisign_key(work)
    lines = key.read_text().splitlines()
    raw = bytearray(base64.b64decode(lines[1]))
    if how == "bad base64":
        lines[1] = "!" + lines[1][1:]
    elif how == "too short":
        lines[1] = base64.b64encode(raw[:100]).decode()
    elif how == "unknown algorithm":
        raw[0:2] = b"Xx"
        lines[1] = base64.b64encode(raw).decode()
    elif how == "unknown kdf":
        raw[2:4] = b"Zz"
        lines[1] = base64.b64encode(raw).decode()
    elif how == "extra bytes":
        lines[1] = base64.b64encode(raw + b"xyz").decode()
    else:
        lines = lines[:1]
    key.write_text("\n".join(lines) + "\n")
    m = minisign("-S", "-s", key, "-m", "data.txt", cwd=work)
    k = sandbox.keel("sign", "-s", key, "data.txt", cwd=work)
    assert m.returncode == 2, m.stderr
    assert k.code == 2, k
    expected = {
        "bad base64": "base64 conversion failed - was an actual secret key given?",
        "too short": "base64 conversion failed - was an actual secret key given?",
        "unknown algorithm": "Unsupported signature algorithm",
        "unknown kdf": "Unsupported key derivation function",
        "missing line": "Error while loading the secret key file",
        "extra bytes": "base64 conversion failed - was an actual secret key given?",
    }[how]
    assert k.err == f"keel: error: {expected}: 'm.key'\n"
    assert not (work / "data.txt.minisig").exists()
