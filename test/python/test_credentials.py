"""Credentials live only in the netrc file the host writes: a build against a password-protected
index on 127.0.0.1 succeeds, and no process's argv ever holds the password."""

from __future__ import annotations

import base64
import hashlib
import http.server
import os
import threading
from pathlib import Path

import pytest
from conftest import INDEX_URL, copy_helper_env, request_for, run_helper, write_project

pytestmark = pytest.mark.slow

USER = "builder"
PASSWORD = "pw-7f3c9a1e-never-in-argv"


class ProtectedIndex(http.server.BaseHTTPRequestHandler):
    """A PEP 503 simple index of one folder, behind HTTP basic auth."""

    folder: Path
    authorised: list

    def do_GET(self):  # noqa: N802 (http.server's naming)
        expected = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test index"')
            self.end_headers()
            return
        self.authorised.append(self.path)
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if len(parts) == 2 and parts[0] == "simple":
            files = [f for f in sorted(os.listdir(self.folder)) if f.startswith(parts[1] + "-")]
            if not files:
                self.send_error(404)
                return
            links = "".join('<a href="/files/%s#sha256=%s">%s</a>\n' % (
                f, hashlib.sha256((self.folder / f).read_bytes()).hexdigest(), f) for f in files)
            body = ("<!DOCTYPE html><html><body>\n%s</body></html>" % links).encode()
            content_type = "text/html"
        elif len(parts) == 2 and parts[0] == "files" and (self.folder / parts[1]).is_file():
            body = (self.folder / parts[1]).read_bytes()
            content_type = "application/octet-stream"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ArgvWatcher(threading.Thread):
    """Reads every process's /proc/<pid>/cmdline until stopped, keeping any that holds the secret."""

    def __init__(self, secret: str) -> None:
        super().__init__(daemon=True)
        self.secret = secret.encode()
        self.seen = []
        self.processes = set()
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open("/proc/%s/cmdline" % pid, "rb") as handle:
                        argv = handle.read()
                except OSError:
                    continue
                self.processes.add((pid, argv[:200]))
                if self.secret in argv:
                    self.seen.append(argv.replace(b"\0", b" ").decode("utf-8", "replace"))


def test_credentials_only_in_netrc_never_in_argv(tmp_path, links, shared_cache):
    ProtectedIndex.folder = links
    ProtectedIndex.authorised = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ProtectedIndex)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text("machine 127.0.0.1\nlogin %s\npassword %s\n" % (USER, PASSWORD))
    netrc.chmod(0o600)
    cache = tmp_path / "cache"
    cache.mkdir()
    copy_helper_env(shared_cache, cache)
    source = write_project(tmp_path / "proj", dependencies=["wwpure"])
    request = request_for(tmp_path, source, cache)
    request["index"] = {"indexUrl": "http://127.0.0.1:%d/simple" % server.server_port,
                        "extraIndexUrls": [INDEX_URL], "findLinks": []}
    watcher = ArgvWatcher(PASSWORD)
    watcher.start()
    try:
        run = run_helper(request, tmp_path, env=dict(os.environ, HOME=str(home), NETRC=str(netrc)))
    finally:
        watcher.stopped.set()
        watcher.join()
        server.shutdown()
    assert run.returncode == 0, run.explain()
    assert [w["filename"].split("-")[0] for w in run.report["wheels"]] == ["demo", "wwpure"]
    # The index was really used with the netrc credentials: by pip, and for the sdist download.
    assert "/simple/wwpure/" in ProtectedIndex.authorised
    assert "/files/wwpure-1.0.tar.gz" in ProtectedIndex.authorised
    assert len(watcher.processes) > 3  # the watcher saw the build's processes come and go
    assert watcher.seen == []
    assert PASSWORD not in run.stdout and PASSWORD not in run.stderr
