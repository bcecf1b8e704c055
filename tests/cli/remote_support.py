"""Servers for the remote cache tests, all on 127.0.0.1 and stopped by the test: nginx with WebDAV (plain,
TLS with a CA made here with openssl, or behind a bearer token), tinyproxy, and a fault server of our own
that answers slowly, with errors, with wrong bytes, or not at all."""

import http.server
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

PROTO = Path(__file__).resolve().parents[2] / "src" / "pipeline" / "remote_execution.proto"
ACTION_RESULT = "build.bazel.remote.execution.v2.ActionResult"
# Asked for by Nginx.requests() to know that the access log is complete.
SETTLE_URI = "/keel-test-settle"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc=None, log=None, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}: {log.read_text() if log and log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def make_ca(dir: Path, dns_name_too=False):
    """A CA and a server certificate for 127.0.0.1 signed by it. Returns (ca.pem, server.pem, server.key).

    dns_name_too: the address is in the certificate as a DNS name as well, for TLS libraries that match
    only DNS names (the mbedTLS of Debian's libgit2)."""
    dir.mkdir(parents=True, exist_ok=True)
    run = lambda *a: subprocess.run(["openssl", *a], cwd=dir, check=True, capture_output=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=keel test CA", "-days", "2")
    run("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (dir / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1" + (",DNS:127.0.0.1" if dns_name_too else "") + "\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return dir / "ca.pem", dir / "server.pem", dir / "server.key"


def start_tinyproxy(tmp_path: Path, connect_port=None):
    """tinyproxy on 127.0.0.1 (CONNECT also to connect_port, for HTTPS); returns (process, port, log)."""
    port = free_port()
    log = tmp_path / "tinyproxy.log"
    conf = tmp_path / "tinyproxy.conf"
    conf.write_text(f"Port {port}\nListen 127.0.0.1\nTimeout 30\nAllow 127.0.0.1\nLogFile \"{log}\"\n"
                    f"LogLevel Info\nPidFile \"{tmp_path}/tinyproxy.pid\"\nMaxClients 20\n"
                    + (f"ConnectPort {connect_port}\n" if connect_port else ""))
    proxy = subprocess.Popen(["tinyproxy", "-d", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, proxy, log)
    return proxy, port, log


class Nginx:
    """nginx serving a WebDAV cache under /cache/ (PUT creates the path), one process, in the foreground."""

    def __init__(self, dir: Path, tls=None, token=None):
        self.dir = dir
        self.data = dir / "data"
        self.data.mkdir(parents=True)
        self.port = free_port()
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}/cache"
        listen = f"127.0.0.1:{self.port}" + (" ssl http2" if tls else "")
        ssl = f"ssl_certificate {tls[0]};\n    ssl_certificate_key {tls[1]};" if tls else ""
        guard = f'if ($http_authorization != "Bearer {token}") {{ return 401; }}' if token else ""
        temp = "".join(f"  {k}_temp_path {dir}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (dir / "nginx.conf").write_text(f"""
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 512; }}
http {{
  log_format keel '$request_method $uri $status $server_protocol $connection';
  access_log {dir}/access.log keel;
{temp}
  server {{
    listen {listen};
    {ssl}
    client_max_body_size 0;
    keepalive_requests 100000;
    location /cache/ {{
      {guard}
      root {self.data};
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw group:r all:r;
    }}
  }}
}}
""")
        self.proc = subprocess.Popen(["nginx", "-p", str(dir), "-c", str(dir / "nginx.conf"), "-e", str(dir / "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.proc, dir / "error.log")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def requests(self):
        """The access log as (method, uri, status, protocol, connection) tuples.

        nginx writes a request's log line just after sending its response, so
        a client can see the response before the line is there. nginx runs one
        process that serves requests in turn, so once it has answered a request
        of ours, every request answered before has been logged.
        """
        self.settle()
        log = self.dir / "access.log"
        if not log.exists():
            return []
        lines = [tuple(line.split()) for line in log.read_text().splitlines()]
        return [line for line in lines if line[1] != SETTLE_URI]

    def settle(self):
        # Straight to nginx, whatever proxy the environment names; the test's CA is not needed to be answered.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                             urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))
        try:
            opener.open(self.url.rsplit("/cache", 1)[0] + SETTLE_URI, timeout=10).read()
        except urllib.error.HTTPError:
            pass  # any answer will do: 404, or 401 behind a token

    def stored(self, kind):
        """Names stored under cas/ or ac/."""
        d = self.data / "cache" / kind
        return sorted(p.name for p in d.iterdir()) if d.exists() else []


def decode_action_result(data: bytes) -> str:
    """protoc's text form of an ActionResult: the judge of what keel writes."""
    r = subprocess.run(["protoc", f"--proto_path={PROTO.parent}", f"--decode={ACTION_RESULT}", PROTO.name],
                       input=data, capture_output=True, check=True)
    return r.stdout.decode()


def encode_action_result(text: str) -> bytes:
    r = subprocess.run(["protoc", f"--proto_path={PROTO.parent}", f"--encode={ACTION_RESULT}", PROTO.name],
                       input=text.encode(), capture_output=True, check=True)
    return r.stdout


class FaultServer:
    """An HTTP/1.1 cache server of our own. `mode` picks how it misbehaves:
    store (a working cache that records the order of requests), slow, status:N, html, truncate, drop,
    redirect (to https), put_fails_after:N (the connection breaks on each PUT after the first N), wrong_bytes (blobs of the right length with other bytes), long_blob (blobs with
    bytes added), ac:HEX (every action result is these bytes)."""

    def __init__(self, mode="store"):
        self.mode = mode
        self.slow_seconds = 4
        self.blobs = {}
        self.log = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send(self, status, body=b"", headers=()):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                with outer.lock:
                    outer.log.append(("GET", self.path))
                if outer.misbehave(self):
                    return
                body = outer.blobs.get(self.path)
                if outer.mode.startswith("ac:") and "/ac/" in self.path:
                    body = bytes.fromhex(outer.mode[3:])
                if body is None:
                    return self.send(404)
                if outer.mode == "wrong_bytes" and "/cas/" in self.path:
                    body = bytes(b ^ 0x55 for b in body)
                if outer.mode == "long_blob" and "/cas/" in self.path:
                    body = body + b"more"
                self.send(200, body)

            def do_PUT(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with outer.lock:
                    outer.log.append(("PUT", self.path))
                if outer.misbehave(self):
                    return
                outer.blobs[self.path] = body
                self.send(201)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/cache"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def misbehave(self, h) -> bool:
        m = self.mode
        if m.startswith("put_fails_after:"):
            if h.command != "PUT":
                return False
            with self.lock:
                self.puts = getattr(self, "puts", 0) + 1
                fail = self.puts > int(m.split(":")[1])
            if fail:  # the connection breaks in the middle of the upload
                h.close_connection = True
                h.connection.shutdown(socket.SHUT_RDWR)
            return fail
        if m == "slow":
            time.sleep(self.slow_seconds)
            h.send(404)
            return True
        if m.startswith("status:"):
            h.send(int(m[7:]), b"<html>error</html>")
            return True
        if m == "html":
            h.send(200, b"<!DOCTYPE html><html><body>Welcome to our login page</body></html>",
                   [("Content-Type", "text/html")])
            return True
        if m == "drop":
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return True
        if m == "truncate":
            h.send_response(200)
            h.send_header("Content-Length", "1000")
            h.end_headers()
            h.wfile.write(b"x" * 10)
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return True
        if m == "redirect":
            h.send(302, b"", [("Location", f"https://127.0.0.1:{self.port}{h.path}")])
            return True
        return False

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
