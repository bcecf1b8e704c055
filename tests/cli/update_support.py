"""The self-update tests' world: an "old" keel (this build, stripped) installed in a temporary bin/, a "new" one
(keel-next: the same build with the next patch version and the two test keys of tests/keys/ built in), nginx
serving HTTPS on 127.0.0.1 with a certificate from a CA made here, and a hostile TLS server of our own."""

import hashlib
import http.server
import json
import os
import shutil
import ssl
import subprocess
import threading
import time
from pathlib import Path

from remote_support import Nginx, make_ca

ROOT = Path(__file__).resolve().parents[2]
KEYS = ROOT / "tests" / "keys"
KEEL_BIN = Path(os.environ.get("KEEL_BIN", ""))
KEEL_NEXT_BIN = Path(os.environ.get("KEEL_NEXT_BIN", ""))
PLATFORM = "linux/amd64"

_stripped = {}


def stripped(binary: Path, where: Path) -> Path:
    """A stripped copy (the debug build's 150 MB are mostly debug sections): the same code, faster to serve."""
    if binary not in _stripped:
        where.mkdir(parents=True, exist_ok=True)
        out = where / (binary.name + ".stripped")
        subprocess.run(["strip", "-o", str(out), str(binary)], check=True)
        _stripped[binary] = out
    return _stripped[binary]


def public_key(n) -> str:
    return (KEYS / f"update-{n}.pub").read_text().splitlines()[1]


def version_of(binary: Path) -> str:
    out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin"}).stdout
    return out.split()[1]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_digests = {}


def digest_of(path: Path):
    """(size, sha256) of a file, remembered for the stripped binaries that every test serves."""
    key = (path, path.stat().st_mtime_ns)
    if key not in _digests:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _digests[key] = (path.stat().st_size, h.hexdigest())
    return _digests[key]


class World:
    """bin/keel (old), a user config trusting update-1 and pointing at nginx, and helpers to publish."""

    def __init__(self, sandbox, tmp: Path):
        self.sandbox = sandbox
        self.tmp = tmp
        self.ca, cert, key = make_ca(tmp / "ca")
        self.tls = (cert, key)
        self.nginx = Nginx(tmp / "nginx", tls=(cert, key))
        self.files = self.nginx.data / "cache"
        self.files.mkdir(parents=True, exist_ok=True)
        self.base = self.nginx.url
        self.old = stripped(KEEL_BIN, tmp.parent / "stripped")
        self.new = stripped(KEEL_NEXT_BIN, tmp.parent / "stripped")
        self.bin = sandbox.root / "bin"
        self.bin.mkdir()
        self.keel = self.bin / "keel"
        shutil.copy(self.old, self.keel)
        os.chmod(self.keel, 0o750)
        self.configure()

    def configure(self, url=None, keys=(1,), extra=""):
        url = url or self.base + "/update/stable/manifest.json"
        keys_toml = ", ".join(f'"{public_key(k)}"' for k in keys)
        self.sandbox.write("home/.config/keel/config.toml", f"""[update]
url = "{url}"
ca_file = "{self.ca}"
keys = [{keys_toml}]
timeout = "3s"
{extra}""")

    def stop(self):
        self.nginx.stop()

    def put_binary(self, binary: Path, version: str) -> dict:
        name = f"keel_{version}_linux_amd64"
        target = self.files / name
        if target.exists():
            target.unlink()
        shutil.copyfile(binary, target)  # a copy: tests change what the server holds
        size, digest = digest_of(binary)
        return {"url": f"../../{name}", "size": size, "sha256": digest}

    def manifest(self, version="0.1.1", serial=100, expires_in=14 * 86400, channel="stable", platforms=None,
                 binary=None):
        if platforms is None:
            platforms = {PLATFORM: self.put_binary(binary or self.new, version)}
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + expires_in))
        return {"schema": "keel-update-manifest/1", "channel": channel, "version": version, "serial": serial,
                "expires": expires, "platforms": platforms}

    def publish(self, manifest, key=1, channel="stable", text=None):
        """Writes update/CHANNEL/manifest.json on the server, signed with test key `key` by keel sign."""
        d = self.files / "update" / channel
        d.mkdir(parents=True, exist_ok=True)
        path = d / "manifest.json"
        path.write_text(text if text is not None else json.dumps(manifest, indent=2) + "\n")
        sig = Path(str(path) + ".minisig")
        if sig.exists():
            sig.unlink()
        r = self.sandbox.keel("sign", path, "-s", KEYS / f"update-{key}.key")
        assert r.code == 0, r
        return path

    def run(self, *args, binary=None, env=None, timeout=120):
        full = dict(self.sandbox.env)
        full.update(env or {})
        p = subprocess.run([str(binary or self.keel), *map(str, args)], env=full, capture_output=True, text=True,
                           timeout=timeout, cwd=str(self.sandbox.root))
        return p

    def installed_version(self) -> str:
        return version_of(self.keel)

    def leftovers(self):
        return sorted(p.name for p in self.bin.iterdir() if p.name.startswith(".keel-update-"))


class HostileServer:
    """HTTPS on 127.0.0.1 with the test CA's certificate. Serves `files` (path -> bytes), except where `mode`
    misbehaves: endless (bytes forever), trickle (a byte every 0.2 s), redirect_http (to http://)."""

    def __init__(self, tls, mode, files=None, hostile_paths=()):
        self.mode = mode
        self.files = files or {}
        self.hostile_paths = hostile_paths
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                body = outer.files.get(self.path)
                hostile = not outer.hostile_paths or self.path in outer.hostile_paths
                try:
                    if hostile and outer.mode == "endless":
                        self.send_response(200)
                        self.end_headers()
                        chunk = b"{" * 65536
                        while True:
                            self.wfile.write(chunk)
                    if hostile and outer.mode == "trickle":
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(body or b"x" * 1000)))
                        self.end_headers()
                        for b in (body or b"x" * 1000):
                            self.wfile.write(bytes([b]))
                            self.wfile.flush()
                            time.sleep(0.2)
                        return
                    if hostile and outer.mode == "redirect_http":
                        self.send_response(302)
                        self.send_header("Location", f"http://127.0.0.1:{outer.port}{self.path}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    if body is None:
                        self.send_response(404)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                    pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.url = f"https://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
