"""A git smart-HTTP server over TLS on 127.0.0.1, for the tests of fetching over HTTPS: git's own
`git http-backend` answers each request (as CGI), behind a certificate signed by a CA the test makes."""

import base64
import http.server
import os
import ssl
import subprocess
import threading
from pathlib import Path

from remote_support import make_ca


class GitHttpsServer:
    """Serves the repositories under `root` at https://127.0.0.1:PORT/<name>; stop() ends it."""

    def __init__(self, root: Path, tls_dir: Path, basic_auth=None):
        """basic_auth: (user, password) that every request must carry, else 401."""
        self.root = root
        self.ca, cert, key = make_ca(tls_dir, dns_name_too=True)
        self.requests = []
        self.refused = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                self.backend()

            def do_POST(self):
                self.backend()

            def body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    data = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        chunk = self.rfile.read(size)
                        self.rfile.readline()
                        if size == 0:
                            return data
                        data += chunk
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def backend(self):
                path, _, query = self.path.partition("?")
                outer.requests.append((self.command, path))
                if basic_auth and self.headers.get("Authorization") != "Basic " + base64.b64encode(
                        ":".join(basic_auth).encode()).decode():
                    if self.command == "POST":
                        self.body()
                    outer.refused += 1
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                env = {
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "GIT_PROJECT_ROOT": str(outer.root),
                    "GIT_HTTP_EXPORT_ALL": "1",
                    "REQUEST_METHOD": self.command,
                    "PATH_INFO": path,
                    "QUERY_STRING": query,
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "GIT_CONFIG_NOSYSTEM": "1",
                    "HOME": str(outer.root),
                }
                if self.headers.get("Git-Protocol"):
                    env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
                data = self.body() if self.command == "POST" else b""
                env["CONTENT_LENGTH"] = str(len(data))
                out = subprocess.run(["git", "http-backend"], input=data, env=env, capture_output=True).stdout
                head, _, payload = out.partition(b"\r\n\r\n")
                status = 200
                headers = []
                for line in head.decode("latin-1").split("\r\n"):
                    name, _, value = line.partition(":")
                    if name.lower() == "status":
                        status = int(value.split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"https://127.0.0.1:{self.port}/{name}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
