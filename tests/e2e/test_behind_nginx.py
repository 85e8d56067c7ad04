"""The shipped nginx configuration in front of two real daphne processes.

The nginx under test runs the server and location blocks of ``deploy/nginx/townhall.conf``
as shipped: the config is read at test time and only what cannot work on a test machine
is changed (the upstream ``server`` lines point at the two daphne processes, the port-80
redirect and the TLS lines go, ``listen`` is a loopback port, the static directory is a
temporary one). Breaking the proxy settings in the shipped file breaks these tests.

A separate check runs ``nginx -t`` over the whole shipped file (TLS included) with a
throwaway self-signed certificate, so directives the derived copy drops are checked too.

The wrapper adds instrumentation only: an ``X-Townhall-Upstream: $upstream_addr``
response header (also on the WebSocket 101 response), so a test can see which daphne
process served a request, and an access log of the same.
"""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import services_required
from tests.e2e.conftest import HOST, RECEIVE_TIMEOUT, REPO_ROOT, DaphneServer, _free_port
from tests.e2e.support import (
    held_questions,
    public_events,
    published_question,
    seq_types,
    town_hall,
)

SHIPPED_CONF = REPO_ROOT / "deploy" / "nginx" / "townhall.conf"
DAPHNE_UNIT = REPO_ROOT / "deploy" / "systemd" / "townhall-daphne@.service"
SHARED_ENV = REPO_ROOT / "deploy" / "systemd" / "townhall.env.example"
NGINX_START_TIMEOUT = 15.0
NGINX_STOP_TIMEOUT = 5.0
UPSTREAM_HEADER = "X-Townhall-Upstream"


def _nginx_binary() -> str | None:
    # Debian installs nginx to /usr/sbin, which is not on every user's PATH.
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    return shutil.which("nginx", path=search)


@pytest.fixture(scope="module")
def nginx_binary() -> str:
    binary = _nginx_binary()
    if binary is not None:
        return binary
    problem = "the nginx tests need nginx (Debian: apt-get install nginx)"
    if services_required():
        pytest.fail(f"{problem} (TOWNHALL_REQUIRE_SERVICES=1)")
    pytest.skip(problem)


# --- deriving the test config from the shipped one ------------------------------------


def _without_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        kept, quote = [], ""
        for char in line:
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "#":
                break
            kept.append(char)
        lines.append("".join(kept).rstrip())
    return "\n".join(lines)


def _top_level_statements(text: str) -> list[str]:
    """Split a config into its top-level directives and blocks (``upstream {...}``, ...)."""
    statements, depth, start, quote = [], 0, 0, ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            assert depth >= 0, "unbalanced '}' in the shipped nginx config"
            if depth == 0:
                statements.append(text[start : index + 1].strip())
                start = index + 1
        elif char == ";" and depth == 0:
            statements.append(text[start : index + 1].strip())
            start = index + 1
    assert depth == 0 and not text[start:].strip(), "unbalanced '{' in the shipped nginx config"
    return [statement for statement in statements if statement]


@dataclass
class DerivedConfig:
    text: str
    upstream: str
    static_dir: str  # the shipped static directory (the test serves another one)


def derive_test_config(
    shipped: str, *, upstream_ports: list[int], listen_port: int, static_root: Path
) -> DerivedConfig:
    """The shipped config with only the machine-specific parts replaced (see module doc)."""
    kept: list[str] = []
    upstream_names: list[str] = []
    proxies: list[str] = []
    static_dirs: list[str] = []
    for statement in _top_level_statements(_without_comments(shipped)):
        head = statement.split(None, 1)[0]
        if head == "upstream":
            upstream_names.append(statement.split()[1])
            params = re.findall(r"^\s*server\s+\S+?([^\S\n][^;]*)?;", statement, re.M)
            assert params, f"the upstream block has no server lines:\n{statement}"
            # Keep the shipped parameters (max_fails, fail_timeout, ...) of the first line.
            lines = "".join(f"\n    server {HOST}:{port}{params[0]};" for port in upstream_ports)
            statement = re.sub(r"^\s*server\s+[^;]*;[^\S\n]*\n?", "", statement, flags=re.M)
            statement = statement.replace("{", "{" + lines + "\n", 1)
        elif head == "server":
            if "proxy_pass" not in statement:
                assert re.search(r"\breturn\s+30[18]\s+https://", statement), (
                    f"a server block that neither proxies nor redirects to https:\n{statement}"
                )
                continue  # the plain-HTTP redirect to TLS
            statement = re.sub(r"^\s*(ssl_\w+|http2)\s[^;]*;[^\S\n]*\n?", "", statement, flags=re.M)
            listens = re.findall(r"^\s*listen\s[^;]*;", statement, re.M)
            assert listens, f"the proxying server block has no listen line:\n{statement}"
            statement = statement.replace(listens[0], f"    listen {HOST}:{listen_port};", 1)
            for extra in listens[1:]:
                statement = statement.replace(extra, "", 1)
            static = re.search(r"(location\s+/static/\s*\{[^}]*?\balias\s+)([^;\s]+)(;)", statement)
            assert static, "the proxying server block has no `location /static/ { alias ...; }`"
            static_dirs.append(static.group(2))
            statement = (
                statement[: static.start(2)] + f"{static_root}/" + statement[static.end(2) :]
            )
            proxies.append(statement)
        kept.append(statement)
    assert len(upstream_names) == 1, f"expected one upstream block, found {upstream_names}"
    assert len(proxies) == 1, f"expected one proxying server block, found {len(proxies)}"
    upstream = upstream_names[0]
    passes = set(re.findall(r"\bproxy_pass\s+([^;\s]+);", proxies[0]))
    assert passes == {f"http://{upstream}"}, f"proxy_pass targets {passes}, not the upstream"
    return DerivedConfig("\n\n".join(kept) + "\n", upstream, static_dirs[0])


def _main_config(prefix: Path, include: Path) -> str:
    # Running as root, nginx's workers would switch to `nobody`, who cannot read the
    # pytest temporary directories.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log notice;
events {{
    worker_connections 512;
}}
http {{
    client_body_temp_path {prefix}/temp/client_body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    types {{
        text/css css;
        text/javascript js;
    }}
    default_type application/octet-stream;
    # Instrumentation: which daphne process served a request (also on the 101 response).
    log_format upstreams '$request_method $uri $status upstream=$upstream_addr';
    access_log {prefix}/access.log upstreams;
    add_header {UPSTREAM_HEADER} $upstream_addr always;

    include {include};
}}
"""


# --- a real nginx ----------------------------------------------------------------------


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def upstream(self) -> str | None:
        return self.headers.get(UPSTREAM_HEADER.lower())


@dataclass
class NginxFront:
    """nginx on a loopback port; quacks like a DaphneServer for the ``ws`` fixture."""

    binary: str
    prefix: Path
    port: int
    static_root: Path
    upstreams: dict[str, str]  # "127.0.0.1:<port>" -> daphne name
    name: str = "nginx"
    process: subprocess.Popen[bytes] | None = None
    _log: Any = field(default=None, repr=False)

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def ws_url(self, code: str, since: int | None = None) -> str:
        query = f"?since={since}" if since is not None else ""
        return f"ws://{HOST}:{self.port}/ws/sessions/{code}/{query}"

    def command(self, *extra: str) -> list[str]:
        return [
            self.binary,
            "-p",
            f"{self.prefix}/",
            "-c",
            str(self.prefix / "nginx.conf"),
            "-e",
            str(self.prefix / "error.log"),
            *extra,
        ]

    def log_tail(self, lines: int = 30) -> str:
        parts = []
        for name in ("nginx.out", "error.log", "access.log"):
            try:
                text = (self.prefix / name).read_text(errors="replace")
            except OSError:
                continue
            parts.append(f"--- {name}:\n" + "\n".join(text.splitlines()[-lines:]))
        return "\n".join(parts) or "(no nginx logs)"

    def get(self, path: str, headers: dict[str, str] | None = None) -> HttpReply:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=RECEIVE_TIMEOUT)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            return HttpReply(
                response.status, {k.lower(): v for k, v in response.getheaders()}, body
            )
        finally:
            connection.close()

    def served_by(self, upstream: str | None) -> str:
        assert upstream in self.upstreams, f"served by {upstream!r}, not a daphne process"
        return self.upstreams[upstream]

    def assert_running(self) -> None:
        assert self.process is not None
        code = self.process.poll()
        if code is not None:
            pytest.fail(f"nginx exited with {code}:\n{self.log_tail()}")

    def start(self) -> None:
        checked = subprocess.run(
            self.command("-t"), capture_output=True, text=True, timeout=30, check=False
        )
        if checked.returncode != 0:
            pytest.fail(
                f"nginx -t rejects the config derived from {SHIPPED_CONF}:\n{checked.stderr}"
            )
        self._log = (self.prefix / "nginx.out").open("wb")
        self.process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers go with it
        )
        deadline = time.monotonic() + NGINX_START_TIMEOUT
        while True:
            self.assert_running()
            try:
                if self.get("/healthz").status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"nginx did not answer /healthz in {NGINX_START_TIMEOUT}s:\n{self.log_tail()}"
                )
            time.sleep(0.1)  # polling a starting process; there is nothing to wait on

    def stop(self) -> None:
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()  # SIGTERM: nginx's fast shutdown, workers included
            try:
                process.wait(timeout=NGINX_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=NGINX_STOP_TIMEOUT)
        if self._log is not None:
            self._log.close()


@pytest.fixture(scope="module")
def nginx(
    nginx_binary: str,
    daphne_pair: tuple[DaphneServer, DaphneServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[NginxFront]:
    """nginx running the shipped config in front of daphne A and B."""
    prefix = tmp_path_factory.mktemp("nginx")
    (prefix / "temp").mkdir()
    static_root = prefix / "static"
    static_root.mkdir()
    port = _free_port()
    derived = derive_test_config(
        SHIPPED_CONF.read_text(),
        upstream_ports=[server.port for server in daphne_pair],
        listen_port=port,
        static_root=static_root,
    )
    (prefix / "townhall.conf").write_text(derived.text)
    (prefix / "nginx.conf").write_text(_main_config(prefix, prefix / "townhall.conf"))
    front = NginxFront(
        binary=nginx_binary,
        prefix=prefix,
        port=port,
        static_root=static_root,
        upstreams={f"{HOST}:{server.port}": server.name for server in daphne_pair},
    )
    try:
        front.start()
        yield front
    finally:
        front.stop()


@pytest.fixture
def front(nginx: NginxFront, servers: tuple[DaphneServer, DaphneServer]) -> NginxFront:
    nginx.assert_running()
    return nginx


async def _acked(client: Any, message: dict[str, Any]) -> dict[str, Any]:
    reply, _ = await client.request(message)
    assert reply["type"] == "ack", f"{client.label}: {message} -> {reply}"
    return reply


def _upstream_of(client: Any) -> str | None:
    response = client.connection.response
    assert response is not None
    return response.headers.get(UPSTREAM_HEADER)


# --- the tests -------------------------------------------------------------------------


@pytest.mark.e2e
def test_shipped_config_passes_nginx_syntax_check_with_tls(
    nginx_binary: str, tmp_path: Path
) -> None:
    """``nginx -t`` over the whole shipped file, with a throwaway certificate in place of
    Let's Encrypt's (the derived config of the other tests drops the TLS lines)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the syntax check needs openssl to make a throwaway certificate")
    shipped = SHIPPED_CONF.read_text()
    paths = re.findall(r"^\s*ssl_certificate(?:_key)?\s+([^;\s]+);", shipped, re.M)
    assert len(paths) == 2, paths
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=townhall.example.org",
            "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
        ],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    checked_conf = shipped
    for path, replacement in zip(paths, ("cert.pem", "key.pem"), strict=True):
        checked_conf = checked_conf.replace(path, str(tmp_path / replacement))
    (tmp_path / "townhall.conf").write_text(checked_conf)
    (tmp_path / "temp").mkdir()
    (tmp_path / "nginx.conf").write_text(_main_config(tmp_path, tmp_path / "townhall.conf"))
    checked = subprocess.run(
        [nginx_binary, "-t", "-p", f"{tmp_path}/", "-c", str(tmp_path / "nginx.conf"),
         "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, f"nginx -t rejects {SHIPPED_CONF}:\n{checked.stderr}"
    # nginx >= 1.25.1 deprecates `listen ... http2` (still needed on Debian 12's 1.22).
    warnings = [
        line
        for line in checked.stderr.splitlines()
        if "[warn]" in line and '"listen ... http2" directive is deprecated' not in line
    ]
    assert not warnings, checked.stderr


@pytest.mark.e2e
def test_shipped_static_location_serves_the_directory_collectstatic_fills() -> None:
    """nginx answers /static/ from disk and never asks daphne: its directory must be
    STATIC_ROOT as the shipped units set it ($TOWNHALL_VAR_DIR/static, by default
    <WorkingDirectory>/var/static)."""
    shipped = _without_comments(SHIPPED_CONF.read_text())
    alias = re.search(r"location\s+/static/\s*\{[^}]*?\balias\s+([^;\s]+);", shipped)
    assert alias, "no `location /static/ { alias ...; }` in the shipped config"
    unit = DAPHNE_UNIT.read_text()
    workdir = re.search(r"^WorkingDirectory=(\S+)", unit, re.M)
    assert workdir, f"no WorkingDirectory in {DAPHNE_UNIT}"
    var_dir = re.search(r"^TOWNHALL_VAR_DIR=(\S+)", SHARED_ENV.read_text(), re.M)
    expected = Path(var_dir.group(1) if var_dir else f"{workdir.group(1)}/var") / "static"
    assert alias.group(1).rstrip("/") == str(expected), (
        f"nginx serves /static/ from {alias.group(1)}, collectstatic fills {expected}"
    )


@pytest.mark.e2e
async def test_health_check_pages_and_static_files_through_nginx(front: NginxFront) -> None:
    hall = await town_hall(participants=1, moderators=1)
    await published_question(hall)

    health = await asyncio.to_thread(front.get, "/healthz")
    assert health.status == 200, health
    assert json.loads(health.body)["status"] == "ok"
    front.served_by(health.upstream)

    page = await asyncio.to_thread(front.get, f"/s/{hall.code}/")
    assert page.status == 200, page.body[:2000]
    html = page.body.decode()
    assert "Water and roads" in html  # the session's title
    assert "When will the road be repaired?" in html  # its published question
    front.served_by(page.upstream)

    # nginx serves the page's static files from its static directory (collectstatic's
    # output in production; here copied from the apps' static folders).
    assets = sorted(set(re.findall(r"""["'](/static/[^"'?#]+)""", html)))
    assert assets, "the page references no static files"
    await asyncio.to_thread(_check_static_files, front, assets)


def _check_static_files(front: NginxFront, assets: list[str]) -> None:
    from django.contrib.staticfiles import finders

    for asset in assets:
        relative = asset.removeprefix("/static/")
        source = finders.find(relative)
        assert isinstance(source, str), f"{asset} is not a static file of the apps"
        target = front.static_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        served = front.get(asset)
        assert served.status == 200, (asset, served.status)
        assert served.body == Path(source).read_bytes(), asset
        assert served.upstream in (None, ""), f"{asset} went to daphne ({served.upstream})"
        assert "max-age=604800" in served.headers.get("cache-control", ""), served.headers


@pytest.mark.e2e
async def test_websocket_through_nginx_gets_state_and_live_events(
    front: NginxFront, ws: Any
) -> None:
    hall = await town_hall(participants=1, moderators=1)
    viewer = await ws(front, hall.code, label="viewer")
    assert viewer.state["questions"] == []
    citizen = await ws(front, hall.code, session_key=hall.participant_keys[0], label="citizen")
    moderator = await ws(front, hall.code, session_key=hall.moderator_keys[0], label="moderator")
    served = {front.served_by(_upstream_of(c)) for c in (viewer, citizen, moderator)}
    assert served == {"A", "B"}, "least_conn should spread three sockets over both processes"

    text = "When will the canal water schedule be fixed?"
    asked = await _acked(citizen, {"type": "question.ask", "text": text, "client_id": "n-ask"})
    assert asked["status"] == "pending"
    queued = (await moderator.recv_until(lambda m: m["type"] == "queue.added"))[-1]
    assert queued["question"]["id"] == asked["question_id"]
    decided = await _acked(
        moderator,
        {
            "type": "moderation.decide",
            "question_id": asked["question_id"],
            "decision": "approve",
            "client_id": "n-approve",
        },
    )
    assert decided["status"] == "published"

    published = await viewer.recv()
    assert published["type"] == "question.published", published
    assert published["question"]["id"] == asked["question_id"]
    assert published["question"]["text"] == text
    assert published["seq"] > queued["seq"]
    # Pings and pongs go both ways through the proxy too.
    await viewer.send({"type": "ping"})
    assert await viewer.recv() == {"type": "pong", "seq": published["seq"]}


@pytest.mark.e2e
async def test_client_that_drops_and_resumes_through_nginx_on_the_other_process_misses_nothing(
    front: NginxFront, ws: Any
) -> None:
    hall = await town_hall(participants=7, moderators=1)
    question_ids = await held_questions(hall, 20)
    viewer = await ws(front, hall.code, label="viewer")
    start_seq = viewer.state["seq"]
    dropped_from = front.served_by(_upstream_of(viewer))
    moderator = await ws(front, hall.code, session_key=hall.moderator_keys[0], label="moderator")

    produced = 0
    progress = asyncio.Condition()

    async def produce() -> None:
        nonlocal produced
        for qid in question_ids:
            for message in (
                {"type": "moderation.decide", "question_id": qid, "decision": "approve"},
                {"type": "stage.show", "question_id": qid},
            ):
                await _acked(moderator, {**message, "client_id": f"r-{produced}"})
                async with progress:
                    produced += 1
                    progress.notify_all()

    producer = asyncio.create_task(produce())
    resumed: list[Any] = []
    try:
        before = [await viewer.recv() for _ in range(5)]
        dropped_at = produced
        viewer.abort()  # a lost network: no closing handshake
        async with asyncio.timeout(10), progress:
            await progress.wait_for(lambda: produced >= dropped_at + 6)
        last_seen = seq_types(before)[-1][0]
        assert await public_events(hall.session.pk, after=last_seen), "nothing was missed"
        # Reconnect through nginx until least_conn picks the other process; a socket
        # that lands on the same one stays open (and is checked too), so it cannot be
        # picked again for ever.
        for attempt in range(4):
            back = await ws(
                front, hall.code, since=last_seen, expect_state=False, label=f"back{attempt}"
            )
            resumed.append(back)
            if front.served_by(_upstream_of(back)) != dropped_from:
                break
        else:
            pytest.fail(f"4 reconnects through nginx all landed on daphne {dropped_from}")
        async with asyncio.timeout(30):
            await producer
    finally:
        producer.cancel()

    expected = await public_events(hall.session.pk, after=start_seq)
    assert len(expected) == 2 * len(question_ids)
    for back in resumed:
        after = await back.recv_until(lambda m: m.get("seq", 0) >= expected[-1][0], 10)
        assert all(m["type"] in ("question.published", "stage.changed") for m in after), after
        union = seq_types(before) + seq_types(after)
        assert union == expected, f"{back.label}@{front.served_by(_upstream_of(back))}"
        seqs = [seq for seq, _ in union]
        assert all(earlier < later for earlier, later in itertools.pairwise(seqs))
    assert front.served_by(_upstream_of(resumed[-1])) != dropped_from
