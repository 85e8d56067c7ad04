"""Townhall load benchmark: a live town hall against real daphne processes.

    .venv/bin/python -m bench.run [--clients 2000] [--procs 2] ...   (or ``make bench``)

Plays a town hall with N audience sockets spread over P daphne processes that
share a private Redis (started here, so its command counts are ours alone) and
PostgreSQL (database ``townhall_bench``, created and migrated here):

  A. questions: participants ask at R per second (held by pre-moderation), bot
     moderators approve each one as its ``queue.added`` arrives;
  B. vote storm: every participant votes once within T seconds;
  C. churn: questions keep flowing while a share of the clients drop and resume
     with ``?since=`` on the other process.

Then, with the same N, P, per-client event rate and message size, two baselines:
a stock Channels consumer relaying group messages (bench/baseline_channels.py)
and a raw ``websockets`` broadcast server (bench/raw_server.py).

Every client's received events are checked against the ``SessionEvent`` log and
its audience: nothing lost, nothing duplicated, in seq order. Loopback only;
every wait is bounded. Prints a table and writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidMessage

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
EVENT_TYPES = frozenset(
    {
        "question.published",
        "question.updated",
        "question.removed",
        "queue.added",
        "appeal.added",
        "stage.changed",
        "answer.posted",
        "tally",
        "session.updated",
    }
)
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
CONNECT_CONCURRENCY = 50
T0 = time.monotonic()


def now() -> float:
    return time.monotonic()


def log(text: str) -> None:
    print(f"[{now() - T0:6.1f}s] {text}", flush=True)


def env_default(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--clients", type=int, default=int(env_default("BENCH_CLIENTS", 2000)))
    p.add_argument("--procs", type=int, default=int(env_default("BENCH_PROCS", 2)))
    p.add_argument("--ask-rate", type=float, default=env_default("BENCH_ASK_RATE", 2.0))
    p.add_argument("--questions-seconds", type=float, default=env_default("BENCH_QUESTIONS_S", 30))
    p.add_argument("--storm-seconds", type=float, default=env_default("BENCH_STORM_S", 10))
    p.add_argument("--churn-seconds", type=float, default=env_default("BENCH_CHURN_S", 20))
    p.add_argument("--churn-share", type=float, default=env_default("BENCH_CHURN_SHARE", 0.1))
    p.add_argument("--tally-window-ms", type=int, default=int(env_default("BENCH_TALLY_MS", 300)))
    p.add_argument("--skip-baselines", action="store_true")
    p.add_argument(
        "--layer",
        choices=("pubsub", "core"),
        default=os.environ.get("BENCH_LAYER", "pubsub"),
        help="channel layer of the product and the stock baseline: RedisPubSubChannelLayer "
        "(pubsub, the product's) or RedisChannelLayer (core)",
    )
    p.add_argument(
        "--heartbeat-seconds",
        type=float,
        default=env_default("BENCH_HEARTBEAT_S", 20),
        help="D. heartbeat under classifier load (automatic moderation, linear model "
        "trained on the fly); 0 skips it",
    )
    p.add_argument(
        "--heartbeat-clients", type=int, default=int(env_default("BENCH_HB_CLIENTS", 200))
    )
    p.add_argument("--heartbeat-askers", type=int, default=int(env_default("BENCH_HB_ASKERS", 24)))
    p.add_argument(
        "--heartbeat-backend",
        choices=("linear", "detoxify"),
        default=os.environ.get("BENCH_HB_BACKEND", "linear"),
        help="classifier of phase D: the linear model, or Detoxify with a BERT-base-sized "
        "checkpoint built here with random weights (needs the detoxify extra; realistic "
        "compute per question, meaningless scores)",
    )
    p.add_argument(
        "--heartbeat-worker-nice",
        type=int,
        default=int(env_default("BENCH_HB_NICE", 10)),
        help="pool_worker_nice of phase D's classifier workers (the product's default: 10)",
    )
    p.add_argument("--only-heartbeat", action="store_true", help="run phase D alone")
    p.add_argument("--no-plot", action="store_true", help="do not write the PNG")
    p.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/townhall_bench"
        ),
    )
    p.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", ""))
    p.add_argument("--out", default=str(REPO / "bench" / "results" / "latest.json"))
    args = p.parse_args(argv)
    if not 1 <= args.clients <= 20000 or not 1 <= args.procs <= 16:
        p.error("--clients must be 1..20000 and --procs 1..16")
    return args


# --- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE


@dataclass
class Server:
    name: str
    port: int
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(
                self.argv,
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def wait_listening(self, timeout: float = 30) -> None:
        deadline = now() + timeout
        while now() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_path.read_text()[-3000:]}")
            with socket.socket() as probe, suppress(OSError):
                probe.settimeout(0.5)
                probe.connect((HOST, self.port))
                return
            time.sleep(0.1)  # polling a starting process
        raise RuntimeError(f"{self.name} not listening after {timeout}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


class Fleet:
    def __init__(self, servers: list[Server]) -> None:
        self.servers = servers

    def __enter__(self) -> Fleet:
        try:
            for server in self.servers:
                server.start()
            for server in self.servers:
                server.wait_listening()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def cpu(self) -> float:
        return sum(proc_cpu(s.pid) for s in self.servers)

    def rss(self) -> int:
        return sum(proc_rss(s.pid) for s in self.servers)


class RedisStats:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)

    def commands(self) -> int:
        stats = self.client.info("commandstats")
        return sum(int(v["calls"]) for v in stats.values()) - int(
            stats.get("cmdstat_info", {}).get("calls", 0)
        )

    def cpu(self) -> float:
        info = self.client.info("cpu")
        return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


@dataclass
class Sample:
    t: float
    cpu: float
    redis_cmds: int
    redis_cpu: float
    delivered: int


# --- statistics -----------------------------------------------------------------------------


def settle() -> None:
    """Collect the load generator's garbage between measured phases (gc is off)."""
    gc.collect()


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary_ms(values: list[float]) -> dict[str, float | int | None]:
    def ms(v: float | None) -> float | None:
        return None if v is None else round(v * 1000, 1)

    return {
        "n": len(values),
        "p50_ms": ms(pct(values, 50)),
        "p95_ms": ms(pct(values, 95)),
        "p99_ms": ms(pct(values, 99)),
        "max_ms": ms(max(values) if values else None),
    }


def cdf_ms(values: list[float], points: int = 200) -> list[float]:
    """``points + 1`` evenly spaced quantiles (0 … 100 %) in ms, for the plot."""
    if not values:
        return []
    ordered = sorted(values)
    last = len(ordered) - 1
    return [round(ordered[round(i * last / points)] * 1000, 2) for i in range(points + 1)]


def costs(start: Sample, end: Sample, events: int, clients: int, rss_delta: int) -> dict[str, Any]:
    delivered = end.delivered - start.delivered
    cpu = end.cpu - start.cpu
    return {
        "seconds": round(end.t - start.t, 1),
        "delivered": delivered,
        "server_cpu_s": round(cpu, 2),
        "cpu_us_per_delivery": round(cpu / delivered * 1e6, 1) if delivered else None,
        "redis_cmds_per_event": round((end.redis_cmds - start.redis_cmds) / events, 2)
        if events
        else None,
        "redis_cpu_s": round(end.redis_cpu - start.redis_cpu, 2),
        "rss_kb_per_connection": round(rss_delta / clients / 1024, 1),
    }


# --- clients ----------------------------------------------------------------------------------


@dataclass
class Client:
    index: int
    url: str
    urls: list[str]
    origin: str | None
    cookie: str | None
    audiences: frozenset[str]
    moderator: bool = False
    ws: ClientConnection | None = None
    reader: asyncio.Task[None] | None = None
    segments: list[tuple[int, list[int]]] = field(default_factory=list)
    last_seq: int = 0
    pending: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    count_changed: dict[str, float] = field(default_factory=dict)
    vote: tuple[str, float] | None = None
    vote_acked: bool = False
    vote_seen: float | None = None
    bytes: int = 0
    ping_sent: float | None = None


class Run:
    """Shared state of one measured system (the product or a baseline)."""

    def __init__(self) -> None:
        self.delivered = 0
        self.published_at: dict[int, float] = {}  # question id -> approve sent
        self.approve_acked_at: dict[int, float] = {}  # question id -> moderator's ack
        self.received_at: dict[int, list[float]] = defaultdict(list)
        self.baseline_latency: list[float] = []
        self.approve_queue: asyncio.Queue[int] = asyncio.Queue()
        self.errors: dict[str, int] = defaultdict(int)
        self.approved: set[int] = set()
        self.rtts: list[float] = []  # ping -> pong round trips
        self.trace: list[tuple[float, int]] | None = None  # observer's visible vote total
        self.vote_changes: list[float] = []  # acks of votes that changed a count


async def open_ws(client: Client, url: str) -> ClientConnection:
    headers = {"Cookie": client.cookie} if client.cookie else None
    return await connect(
        url,
        origin=client.origin,  # type: ignore[arg-type]
        additional_headers=headers,
        compression=None,
        open_timeout=30,
        close_timeout=2,
        ping_interval=None,
        max_size=None,
        max_queue=None,
        proxy=None,
    )


async def product_reader(client: Client, ws: ClientConnection, run: Run) -> None:
    try:
        async for raw in ws:
            t = now()
            assert isinstance(raw, str)
            client.bytes += len(raw)
            message = json.loads(raw)
            type_ = message["type"]
            if type_ in EVENT_TYPES:
                seq = message["seq"]
                client.segments[-1][1].append(seq)
                client.last_seq = seq
                run.delivered += 1
                if type_ == "question.published":
                    run.received_at[message["question"]["id"]].append(t)
                elif type_ == "tally":
                    for qid, count in message["counts"].items():
                        if client.counts.get(qid) != count:
                            client.counts[qid] = count
                            client.count_changed[qid] = t
                    if client.index == -1 and run.trace is not None:
                        run.trace.append((t, sum(client.counts.values())))
                    if (
                        client.vote is not None
                        and client.vote_acked
                        and client.vote_seen is None
                        and client.vote[0] in message["counts"]
                    ):
                        client.vote_seen = t
                elif type_ == "queue.added" and client.moderator:
                    run.approve_queue.put_nowait(message["question"]["id"])
            elif type_ == "session.state":
                client.segments.append((message["seq"], []))
                client.last_seq = message["seq"]
                for question in message["questions"]:
                    client.counts[str(question["id"])] = question["votes"]
            elif type_ == "pong":
                if client.ping_sent is not None:
                    run.rtts.append(t - client.ping_sent)
                    client.ping_sent = None
            elif type_ in ("ack", "error"):
                if type_ == "error":
                    run.errors[message.get("code", "?")] += 1
                future = client.pending.pop(message.get("client_id") or "", None)
                if future is not None and not future.done():
                    future.set_result(message)
    except Exception as exc:  # a dropped socket ends its reader
        if not isinstance(exc, asyncio.CancelledError):
            run.errors[f"reader:{type(exc).__name__}"] += 1


async def baseline_reader(client: Client, ws: ClientConnection, run: Run) -> None:
    with suppress(Exception):
        async for raw in ws:
            t = now()
            message = json.loads(raw)
            client.segments[-1][1].append(message["seq"])
            run.baseline_latency.append(t - message["t"])
            run.delivered += 1


async def connect_all(clients: list[Client], run: Run, product: bool) -> None:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    done = 0

    async def one(client: Client) -> None:
        nonlocal done
        async with gate:
            for attempt in range(3):  # a handshake refused under load is retried
                try:
                    ws = await open_ws(client, client.url)
                    break
                except (OSError, TimeoutError, InvalidMessage):
                    run.errors["connect_retry"] += 1
                    if attempt == 2:
                        raise
                    await asyncio.sleep(1 + attempt)
            client.ws = ws
            if product:
                client.reader = asyncio.create_task(product_reader(client, ws, run))
            else:
                client.segments.append((0, []))
                client.reader = asyncio.create_task(baseline_reader(client, ws, run))
        done += 1
        if done % 500 == 0:
            log(f"  {done}/{len(clients)} connected")

    await asyncio.gather(*(one(c) for c in clients))


async def wait_for(predicate: Any, within: float, step: float = 0.1) -> bool:
    deadline = now() + within
    while now() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    return predicate()


async def request(client: Client, message: dict[str, Any], within: float = 30) -> dict[str, Any]:
    future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    client.pending[message["client_id"]] = future
    assert client.ws is not None
    await client.ws.send(json.dumps(message))
    return await asyncio.wait_for(future, within)


async def close_all(clients: list[Client]) -> None:
    async def one(client: Client) -> None:
        if client.ws is not None:
            with suppress(Exception):
                async with asyncio.timeout(3):
                    await client.ws.close()
            client.ws.transport.abort()
        if client.reader is not None:
            client.reader.cancel()

    await asyncio.gather(*(one(c) for c in clients))


# --- database -------------------------------------------------------------------------------


def setup_django(database_url: str, redis_url: str, prefix: str) -> None:
    import psycopg

    base, _, name = database_url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        raise SystemExit(f"cannot reach or create the database {database_url}: {exc}") from exc
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TOWNHALL_REDIS_PREFIX": prefix,
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


@dataclass
class Hall:
    live_session_id: int
    code: str
    participants: list[int]
    participant_keys: list[str]
    moderator_keys: list[str]


def make_hall(clients: int, moderators: int) -> Hall:
    """A live session with ``clients`` participants and their browser sessions,
    created in bulk (previous bench halls are deleted first)."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import DatabaseError, transaction
    from django.utils import timezone

    from sessions import services
    from sessions.browser import participant_remember
    from sessions.models import LiveSession, Participant

    try:
        with transaction.atomic():
            LiveSession.objects.filter(code__startswith="bench").delete()
    except DatabaseError as exc:  # a model of the tree without its migration yet
        print(f"(previous bench halls kept: {str(exc)[:160]})".splitlines()[0])
    Session.objects.filter(session_key__startswith="bench").delete()
    live_session = services.live_session_create(
        title="Bench town hall", agenda="Canal water, roads", code=f"bench{secrets.token_hex(3)}"
    )
    LiveSession.objects.filter(pk=live_session.pk).update(status=LiveSession.Status.LIVE)
    people = Participant.objects.bulk_create(
        Participant(live_session=live_session, display_name=f"Citizen {i}", district="Vehari")
        for i in range(clients)
    )
    expire = timezone.now() + timedelta(days=1)
    rows, keys = [], []
    for person in people:
        store = SessionStore()
        participant_remember(store, live_session.pk, person.pk)
        key = "bench" + secrets.token_hex(14)
        keys.append(key)
        rows.append(
            Session(
                session_key=key, session_data=store.encode(dict(store.items())), expire_date=expire
            )
        )
    moderator_keys = []
    User = get_user_model()
    for index in range(moderators):
        user, _ = User.objects.get_or_create(username=f"bench-moderator-{index}")
        services.session_role_assign(live_session=live_session, user=user, role="moderator")
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        key = "bench" + secrets.token_hex(14)
        moderator_keys.append(key)
        rows.append(
            Session(
                session_key=key, session_data=store.encode(dict(store.items())), expire_date=expire
            )
        )
    Session.objects.bulk_create(rows, batch_size=1000)
    return Hall(live_session.pk, live_session.code, [p.pk for p in people], keys, moderator_keys)


def event_log(live_session_id: int) -> list[tuple[int, frozenset[str]]]:
    from sessions.models import SessionEvent

    rows = SessionEvent.objects.filter(live_session_id=live_session_id).order_by("seq")
    return [(seq, frozenset(aud)) for seq, aud in rows.values_list("seq", "audience")]


def vote_counts(live_session_id: int) -> dict[str, int]:
    from sessions.models import Question, Vote

    counts = dict(
        Question.objects.filter(live_session_id=live_session_id, status="published").values_list(
            "pk", "vote_count"
        )
    )
    votes = Vote.objects.filter(question__live_session_id=live_session_id).count()
    assert sum(counts.values()) == votes, (sum(counts.values()), votes)
    return {str(k): v for k, v in counts.items()}


def last_seq(live_session_id: int) -> int:
    from sessions.models import LiveSession

    return int(LiveSession.objects.values_list("last_seq", flat=True).get(pk=live_session_id))


# --- verification ---------------------------------------------------------------------------


def verify(clients: list[Client], log_rows: list[tuple[int, frozenset[str]]]) -> dict[str, Any]:
    """Every client's events against the log: exactly the events of its audience after
    its snapshot, each once, in seq order."""
    final = log_rows[-1][0] if log_rows else 0
    expected_total = delivered_total = exact = lost = dup = disorder = 0
    for client in clients:
        ok = True
        for index, (base, got) in enumerate(client.segments):
            last_segment = index == len(client.segments) - 1
            end = final if last_segment else (got[-1] if got else base)
            expected = [
                s for s, aud in log_rows if base < s <= end and not aud.isdisjoint(client.audiences)
            ]
            expected_total += len(expected)
            delivered_total += len(got)
            if got != expected:
                ok = False
                lost += len(set(expected) - set(got))
                dup += len(got) - len(set(got))
                disorder += int(got != sorted(got))
        exact += ok
    return {
        "clients": len(clients),
        "clients_exact": exact,
        "expected": expected_total,
        "delivered": delivered_total,
        "delivered_pct": round(100 * delivered_total / max(1, expected_total), 3),
        "lost": lost,
        "duplicated": dup,
        "clients_out_of_order": disorder,
        "snapshots_after_first": sum(len(c.segments) - 1 for c in clients),
    }


# --- the product ----------------------------------------------------------------------------


async def product_run(
    args: argparse.Namespace, env: dict[str, str], hall: Hall, redis: RedisStats, logs: Path
) -> dict[str, Any]:
    ports = [free_port() for _ in range(args.procs)]
    servers = [
        Server(
            f"daphne-{i}",
            port,
            [str(VENV_BIN / "daphne"), "-b", HOST, "-p", str(port), "townhall.asgi:application"],
            {
                **env,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "TOWNHALL_TALLY_WINDOW_MS": str(args.tally_window_ms),
                "TOWNHALL_LOG_LEVEL": "WARNING",
            },
            logs / f"product-{i}.log",
        )
        for i, port in enumerate(ports)
    ]
    run = Run()

    def url(proc: int, since: int | None = None) -> str:
        query = f"?since={since}" if since is not None else ""
        return f"ws://{HOST}:{ports[proc]}/ws/sessions/{hall.code}/{query}"

    audience = [
        Client(
            i,
            url(i % args.procs),
            [url(p) for p in range(args.procs)],
            f"http://{HOST}:{ports[i % args.procs]}",
            f"sessionid={key}",
            frozenset({"public", f"participant:{hall.participants[i]}"}),
        )
        for i, key in enumerate(hall.participant_keys)
    ]
    moderators = [
        Client(
            -1 - i,
            url(i % args.procs),
            [],
            f"http://{HOST}:{ports[i % args.procs]}",
            f"sessionid={key}",
            frozenset({"public", "moderators"}),
            moderator=True,
        )
        for i, key in enumerate(hall.moderator_keys)
    ]
    everyone = audience + moderators

    def sample() -> Sample:
        return Sample(now(), fleet.cpu(), redis.commands(), redis.cpu(), run.delivered)

    result: dict[str, Any] = {}
    with Fleet(servers) as fleet:
        await asyncio.sleep(1)
        rss0 = fleet.rss()
        log(f"product: connecting {len(everyone)} sockets to {args.procs} daphne processes")
        t = now()
        await connect_all(everyone, run, product=True)
        ok = await wait_for(lambda: all(c.segments for c in everyone), 60)
        result["connect_s"] = round(now() - t, 1)
        await asyncio.sleep(1)
        rss_delta = fleet.rss() - rss0
        log(f"  all connected in {result['connect_s']}s (snapshots: {ok})")

        stop_asking = asyncio.Event()
        asked = 0
        authors = [c for c in audience[: max(1, min(len(audience), 200))]]

        async def ask_loop() -> None:
            nonlocal asked
            interval = 1 / args.ask_rate
            next_t = now()
            while not stop_asking.is_set():
                author = authors[asked % len(authors)]
                if author.ws is not None and author.ws.state.name == "OPEN":
                    message = {
                        "type": "question.ask",
                        "client_id": f"q{asked}",
                        "text": f"Question {asked}: when will the canal in block "
                        f"{asked % 17} get water again, and who decides the "
                        "schedule for the tail-end farmers?",
                    }
                    with suppress(Exception):
                        await author.ws.send(json.dumps(message))
                asked += 1
                next_t += interval
                await asyncio.sleep(max(0, next_t - now()))

        approvals: set[asyncio.Task[dict[str, Any]]] = set()

        def approval_done(task: asyncio.Task[dict[str, Any]]) -> None:
            approvals.discard(task)
            if task.cancelled():
                return
            if task.exception() is not None:
                run.errors[f"approve:{type(task.exception()).__name__}"] += 1
            elif task.result().get("status") == "published":
                run.approved.add(task.result()["question_id"])
                run.approve_acked_at[task.result()["question_id"]] = now()

        async def approve_loop() -> None:
            count = 0
            while True:
                qid = await run.approve_queue.get()
                moderator = moderators[qid % len(moderators)]
                if qid in run.published_at or moderator is None:
                    continue
                run.published_at[qid] = now()
                count += 1
                msg = {
                    "type": "moderation.decide",
                    "question_id": qid,
                    "decision": "approve",
                    "client_id": f"a{qid}-{count}",
                }
                task = asyncio.create_task(request(moderator, msg))
                approvals.add(task)
                task.add_done_callback(approval_done)

        # Both moderators get queue.added: the approve loop keeps the first.
        approver = asyncio.create_task(approve_loop())

        # A. questions and approvals
        settle()
        log(f"A. questions: {args.ask_rate}/s for {args.questions_seconds:.0f}s, bots approve")
        seq_a0 = await asyncio.to_thread(last_seq, hall.live_session_id)
        s0 = sample()
        asker = asyncio.create_task(ask_loop())
        progress_end = now() + args.questions_seconds
        while now() < progress_end:
            await asyncio.sleep(min(5, max(0, progress_end - now())))
            log(f"  asked {asked}, approved {len(run.published_at)}, delivered {run.delivered}")
        stop_asking.set()
        await asker
        await asyncio.sleep(2)
        s1 = sample()
        seq_a1 = await asyncio.to_thread(last_seq, hall.live_session_id)
        a_questions = set(run.published_at)
        result["questions"] = costs(s0, s1, seq_a1 - seq_a0, len(everyone), rss_delta)
        result["questions"]["events_logged"] = seq_a1 - seq_a0
        result["questions"]["approved"] = len(a_questions)
        per_client: list[float] = []
        per_question: list[float] = []
        for qid in a_questions:
            times = run.received_at.get(qid, [])
            lat = [t - run.published_at[qid] for t in times]
            per_client += lat
            if len(times) >= len(everyone):
                per_question.append(max(lat))
        # Where the slowest questions lost their time: the approval's own round trip
        # (moderator socket → commit → ack) or the fan-out to every client.
        breakdown = []
        for qid in a_questions:
            times = run.received_at.get(qid, [])
            if not times:
                continue
            sent = run.published_at[qid]
            breakdown.append(
                {
                    "at_s": round(sent - s0.t, 2),
                    "approve_ack_ms": round(1000 * (run.approve_acked_at.get(qid, sent) - sent)),
                    "first_ms": round(1000 * (min(times) - sent)),
                    "last_ms": round(1000 * (max(times) - sent)),
                }
            )
        breakdown.sort(key=lambda b: -b["last_ms"])
        result["slowest_questions"] = breakdown[:8]
        # The first questions after the crowd joined meet cold per-process state
        # (young garbage from 1,000 new sockets, fresh threads and connections);
        # reported apart, never instead of the whole phase.
        warm = [
            t - run.published_at[qid]
            for qid in a_questions
            if run.published_at[qid] - s0.t >= 5
            for t in run.received_at.get(qid, [])
        ]
        result["publish_latency_after_first_5s"] = summary_ms(warm)
        result["publish_latency_per_client"] = summary_ms(per_client)
        result["publish_latency_all_clients"] = summary_ms(per_question)
        result["questions_reaching_everyone"] = f"{len(per_question)}/{len(a_questions)}"
        result["event_bytes_avg"] = round(
            sum(c.bytes for c in audience)
            / max(1, sum(len(s[1]) for c in audience for s in c.segments))
        )
        result["per_client_event_rate"] = round(
            (s1.delivered - s0.delivered) / len(everyone) / (s1.t - s0.t), 3
        )

        # B. vote storm
        published = sorted(str(q) for q in run.approved)
        log(
            f"B. vote storm: {len(audience)} votes within {args.storm_seconds:.0f}s "
            f"over {len(published)} questions"
        )
        rng = random.Random(5)
        settle()
        s2 = sample()
        seq_b0 = await asyncio.to_thread(last_seq, hall.live_session_id)
        storm_start = now()
        run.trace = [(storm_start, 0)]

        async def storm_progress() -> None:
            while True:
                await asyncio.sleep(2)
                acked = sum(c.vote_acked for c in audience)
                log(f"  votes acked {acked}/{len(audience)}")

        progress = asyncio.create_task(storm_progress())

        async def vote(client: Client) -> None:
            await asyncio.sleep(rng.random() * args.storm_seconds)
            qid = rng.choice(published)
            client.vote = (qid, now())
            reply = await request(
                client,
                {
                    "type": "question.vote",
                    "question_id": int(qid),
                    "value": 1,
                    "client_id": f"v{client.index}",
                },
            )
            client.vote_acked = reply["type"] == "ack"
            if reply.get("changed"):
                run.vote_changes.append(now())

        outcomes = await asyncio.gather(*(vote(c) for c in audience), return_exceptions=True)
        storm_end = now()
        progress.cancel()
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        truth = await asyncio.to_thread(vote_counts, hall.live_session_id)

        def converged() -> bool:
            return all(c.counts.get(q, 0) == n for c in everyone for q, n in truth.items())

        converged_ok = await wait_for(converged, 15)
        await asyncio.sleep(1)
        s3 = sample()
        seq_b1 = await asyncio.to_thread(last_seq, hall.live_session_id)
        acked = sum(c.vote_acked for c in audience)
        last_change = max(
            (c.count_changed.get(q, 0) for c in everyone for q in truth), default=storm_end
        )
        result["storm"] = {
            **costs(s2, s3, seq_b1 - seq_b0, len(everyone), rss_delta),
            "votes_sent": len(audience),
            "votes_acked": acked,
            "vote_failures": len(failures),
            "votes_counted": sum(truth.values()),
            "tally_events": seq_b1 - seq_b0,
            "storm_s": round(storm_end - storm_start, 1),
            "all_clients_converged": converged_ok,
            "converged_after_storm_end_ms": round((last_change - storm_end) * 1000),
        }
        trace_end = max(storm_end + 5, last_change + 1)
        result["plot"] = {
            "storm_start": 0.0,
            "storm_end_s": round(storm_end - storm_start, 3),
            "observer_tally": [
                (round(t - storm_start, 3), n) for t, n in run.trace if t <= trace_end
            ],
            "votes_counted_acked": [
                (round(t - storm_start, 3), i + 1) for i, t in enumerate(sorted(run.vote_changes))
            ],
            "true_total": sum(truth.values()),
            "latency_cdf_ms": {"product": cdf_ms(per_client)},
        }
        run.trace = None
        result["vote_to_tally"] = summary_ms(
            [c.vote_seen - c.vote[1] for c in audience if c.vote and c.vote_seen]
        )

        # C. churn while questions keep flowing
        settle()
        churners = rng.sample(audience, int(len(audience) * args.churn_share))
        log(
            f"C. churn: {len(churners)} clients drop and resume with since on another process "
            f"during {args.churn_seconds:.0f}s of questions"
        )
        stop_asking.clear()
        asker = asyncio.create_task(ask_loop())
        resumed = 0

        async def churn(client: Client) -> None:
            nonlocal resumed
            await asyncio.sleep(rng.random() * max(0.1, args.churn_seconds - 4))
            assert client.ws is not None
            client.ws.transport.abort()
            if client.reader is not None:
                with suppress(BaseException):
                    await asyncio.wait_for(client.reader, 5)
            await asyncio.sleep(0.2 + rng.random() * 1.5)
            proc = (client.urls.index(client.url.split("?")[0]) + 1) % len(client.urls)
            client.url = client.urls[proc]
            client.origin = "http://" + client.url.split("/")[2]
            ws = await open_ws(client, f"{client.url}?since={client.last_seq}")
            client.ws = ws
            client.reader = asyncio.create_task(product_reader(client, ws, run))
            resumed += 1

        churn_results = await asyncio.gather(*(churn(c) for c in churners), return_exceptions=True)
        stop_asking.set()
        await asker
        final_seq = await asyncio.to_thread(last_seq, hall.live_session_id)
        await wait_for(
            lambda: (
                all(c.last_seq >= final_seq or c.moderator for c in audience)
                and run.approve_queue.empty()
            ),
            10,
        )
        await asyncio.sleep(3)  # late approvals and their events
        result["churn"] = {
            "clients": len(churners),
            "resumed": resumed,
            "failures": sum(isinstance(r, BaseException) for r in churn_results),
        }
        log_rows = await asyncio.to_thread(event_log, hall.live_session_id)
        result["delivery"] = verify(everyone, log_rows)
        result["rss_mb_end"] = round(fleet.rss() / 2**20, 1)
        result["errors"] = dict(run.errors)
        approver.cancel()
        await close_all(everyone)
    return result


# --- baselines ------------------------------------------------------------------------------


async def baseline_run(
    name: str,
    servers: list[Server],
    urls: list[str],
    publish: Any,
    args: argparse.Namespace,
    rate: float,
    size: int,
    redis: RedisStats,
) -> dict[str, Any]:
    run = Run()
    clients = [
        Client(i, urls[i % len(urls)], urls, None, None, frozenset())
        for i in range(args.clients + args.procs)
    ]
    with Fleet(servers) as fleet:
        await asyncio.sleep(1)
        rss0 = fleet.rss()
        log(f"{name}: connecting {len(clients)} sockets")
        t = now()
        await connect_all(clients, run, product=False)
        connect_s = round(now() - t, 1)
        await asyncio.sleep(2)  # group subscriptions settle
        rss_delta = fleet.rss() - rss0
        count = max(1, round(rate * args.questions_seconds))
        log(f"  broadcasting {count} messages of {size} bytes at {rate:.2f}/s")
        settle()
        s0 = Sample(now(), fleet.cpu(), redis.commands(), redis.cpu(), run.delivered)
        padding = "x" * max(0, size - 60)
        next_t = now()
        for seq in range(1, count + 1):
            await publish(json.dumps({"type": "bench", "seq": seq, "t": now(), "pad": padding}))
            next_t += 1 / rate
            await asyncio.sleep(max(0, next_t - now()))
        await wait_for(lambda: run.delivered >= count * len(clients), 10)
        s1 = Sample(now(), fleet.cpu(), redis.commands(), redis.cpu(), run.delivered)
        result = costs(s0, s1, count, len(clients), rss_delta)
        result["connect_s"] = connect_s
        result["latency"] = summary_ms(run.baseline_latency)
        result["latency_cdf_ms"] = cdf_ms(run.baseline_latency)
        expected = list(range(1, count + 1))
        exact = sum(c.segments[0][1] == expected for c in clients)
        result["delivery"] = {
            "clients": len(clients),
            "clients_exact": exact,
            "delivered_pct": round(100 * run.delivered / count / len(clients), 3),
        }
        await close_all(clients)
    return result


async def baselines(
    args: argparse.Namespace,
    env: dict[str, str],
    redis_url: str,
    prefix: str,
    rate: float,
    size: int,
    redis: RedisStats,
    logs: Path,
) -> dict[str, Any]:
    from channels_redis.core import RedisChannelLayer
    from channels_redis.pubsub import RedisPubSubChannelLayer

    out: dict[str, Any] = {}
    ports = [free_port() for _ in range(args.procs)]
    servers = [
        Server(
            f"channels-{i}",
            port,
            [
                str(VENV_BIN / "daphne"),
                "-b",
                HOST,
                "-p",
                str(port),
                "bench.baseline_channels:application",
            ],
            {**env, "DJANGO_SETTINGS_MODULE": "bench.baseline_settings"},
            logs / f"channels-{i}.log",
        )
        for i, port in enumerate(ports)
    ]
    hosts = [{"address": redis_url, "socket_timeout": None}]
    layer: Any = (
        RedisChannelLayer(hosts=hosts, prefix=prefix, capacity=1000)
        if args.layer == "core"
        else RedisPubSubChannelLayer(hosts=hosts, prefix=prefix)
    )

    async def channels_publish(text: str) -> None:
        await layer.group_send("bench.relay", {"type": "relay.message", "text": text})

    out["stock_channels"] = await baseline_run(
        "stock Channels",
        servers,
        [f"ws://{HOST}:{p}/ws/relay/" for p in ports],
        channels_publish,
        args,
        rate,
        size,
        redis,
    )
    await (layer.close_pools() if args.layer == "core" else layer.flush())

    import redis.asyncio as aioredis

    client = aioredis.from_url(redis_url)
    ports = [free_port() for _ in range(args.procs)]
    servers = [
        Server(
            f"raw-{i}",
            port,
            [
                sys.executable,
                "-m",
                "bench.raw_server",
                "--port",
                str(port),
                "--redis",
                redis_url,
                "--channel",
                f"{prefix}.raw",
            ],
            env,
            logs / f"raw-{i}.log",
        )
        for i, port in enumerate(ports)
    ]

    async def raw_publish(text: str) -> None:
        await client.publish(f"{prefix}.raw", text)

    out["raw_websockets"] = await baseline_run(
        "raw websockets",
        servers,
        [f"ws://{HOST}:{p}/" for p in ports],
        raw_publish,
        args,
        rate,
        size,
        redis,
    )
    await client.aclose()
    return out


# --- D. heartbeat under classifier load ---------------------------------------------------------


def train_linear_model(root: Path) -> Path:
    """A small linear model trained on generated civic rows (as in the moderation tests)."""
    import csv

    from moderation.pipeline.augment import civic_rows
    from moderation.pipeline.training import train

    data = root / "train.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label", "lang", "source"])
        for lang in ("en", "ur", "ur-Latn"):
            for row in civic_rows(lang, 120, 120, seed=7):
                writer.writerow([row.text, row.label, row.lang, "bench"])
    out = root / "model"
    train(
        [data],
        out,
        c_grid=(4.0,),
        char_max_features=20_000,
        word_max_features=10_000,
        log=lambda msg: None,
    )
    return out


_TOPICS = (
    "the canal water schedule",
    "the basic health unit",
    "load-shedding hours",
    "BISP payments",
    "the girls' high school",
    "gas pressure in winter",
    "the broken street lights",
    "the bus route to the district hospital",
    "encroachments on the bazaar road",
    "the patwari's land records",
    "flood relief cheques",
    "the polio vaccination teams",
    "the new tube well",
    "drainage in the low streets",
    "the vegetable market fees",
)
_ASKS = (
    "When will the council fix {a} in {place}, and what happens to {b}?",
    "Who is responsible for {a} near {place}? Nobody answers about {b} either.",
    "Why was the budget for {a} in {place} cut, while {b} got more?",
    "Can the official explain the delay with {a}? In {place} {b} is also ignored.",
    "How many complaints about {a} came from {place} this year, and about {b}?",
)
_PLACES = (
    "Vehari", "Skardu", "Peshawar", "Multan", "Swat", "Sukkur", "Quetta", "Gujrat",
    "Bahawalpur", "Mardan", "Hunza", "Larkana", "Sialkot", "Chitral", "Turbat",
)  # fmt: skip


def civic_text(n: int) -> str:
    """A varied question, so one asker's questions are not repeats of each other."""
    rng = random.Random(n)
    a, b = rng.sample(_TOPICS, 2)
    return rng.choice(_ASKS).format(a=a, b=b, place=rng.choice(_PLACES))


def build_detoxify_checkpoint(root: Path) -> tuple[Path, Path]:
    """A Detoxify checkpoint shaped like ``original`` (BERT-base: 12 layers, 768 wide)
    with random weights, built offline: what it costs to run is what matters here."""
    from moderation.pipeline.classifier.detoxify_backend import bert_checkpoint_write

    words = sorted(
        {w.strip("?,.'").lower() for n in range(500) for w in civic_text(n).split()} - {""}
    )
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "?", ",", ".", *words]
    return bert_checkpoint_write(root, name="detoxify-bench", vocab=vocab)


def share_text(share: float | None) -> str:
    return "unknown (workers replaced)" if share is None else f"{share:.0%}"


def children_cpu(pids: list[int]) -> float:
    """CPU seconds of all descendants of these processes (the classifier workers)."""
    total = 0.0
    todo = list(pids)
    while todo:
        pid = todo.pop()
        with suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                with suppress(OSError):
                    for child in (task / "children").read_text().split():
                        todo.append(int(child))
                        with suppress(OSError):
                            total += proc_cpu(int(child))
    return total


async def heartbeat_run(
    args: argparse.Namespace, env: dict[str, str], logs: Path
) -> dict[str, Any]:
    """Idle clients ping while askers keep the classifier workers busy (automatic mode)."""
    model_dir = await asyncio.to_thread(train_linear_model, logs)
    # Askers ask back to back: lift the pipeline's own per-participant rate limit,
    # or their questions would stop at the abuse stage and never reach the model.
    pipeline: dict[str, Any] = {
        "rate_limit_count": 1_000_000,
        "pool_worker_nice": args.heartbeat_worker_nice,
    }
    if args.heartbeat_backend == "detoxify":
        checkpoint, hf_dir = await asyncio.to_thread(build_detoxify_checkpoint, logs)
        pipeline["backends"] = {
            "en": {
                "kind": "detoxify",
                "checkpoint": str(checkpoint),
                "huggingface_config_path": str(hf_dir),
                "languages": ["en"],
                "hold_threshold": 0.5,
                "reject_threshold": 0.99,
            }
        }
        pipeline["classifier_timeout_s"] = 30.0
    pipeline_config = logs / "pipeline.json"
    pipeline_config.write_text(json.dumps(pipeline))
    idle_n = max(1, min(args.heartbeat_clients, args.clients))
    hall = await asyncio.to_thread(make_hall, idle_n + args.heartbeat_askers, 1)

    def automatic() -> None:
        from sessions.models import LiveSession

        LiveSession.objects.filter(pk=hall.live_session_id).update(moderation_mode="automatic")

    await asyncio.to_thread(automatic)
    ports = [free_port() for _ in range(args.procs)]
    servers = [
        Server(
            f"daphne-hb-{i}",
            port,
            [str(VENV_BIN / "daphne"), "-b", HOST, "-p", str(port), "townhall.asgi:application"],
            {
                **env,
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "TOWNHALL_LOG_LEVEL": "WARNING",
                "TOWNHALL_MODERATION_MODEL_DIR": str(model_dir),
                "TOWNHALL_MODERATION_CONFIG": str(pipeline_config),
                "TOWNHALL_ASK_RATE": "100000/60",
            },
            logs / f"heartbeat-{i}.log",
        )
        for i, port in enumerate(ports)
    ]
    run = Run()
    clients = [
        Client(
            i,
            f"ws://{HOST}:{ports[i % args.procs]}/ws/sessions/{hall.code}/",
            [],
            f"http://{HOST}:{ports[i % args.procs]}",
            f"sessionid={key}",
            frozenset({"public", f"participant:{hall.participants[i]}"}),
        )
        for i, key in enumerate(hall.participant_keys)
    ]
    idle, askers = clients[:idle_n], clients[idle_n:]
    result: dict[str, Any] = {"idle_clients": idle_n, "askers": len(askers)}
    with Fleet(servers) as fleet:
        await asyncio.sleep(1)
        log(f"D. heartbeat: {idle_n} idle clients ping, {len(askers)} askers load the classifier")
        await connect_all(clients, run, product=True)
        await wait_for(lambda: all(c.segments for c in clients), 60)
        stop = asyncio.Event()

        async def pinger(client: Client) -> None:
            await asyncio.sleep(random.random() * 0.5)
            while not stop.is_set():
                assert client.ws is not None
                client.ping_sent = now()
                with suppress(Exception):
                    await client.ws.send('{"type": "ping"}')
                await asyncio.sleep(0.5)

        asked = {"n": 0, "acked": 0}
        outcomes: dict[str, int] = {}  # "status:reason" of each ask's reply
        ask_latency: list[float] = []

        async def asker(client: Client) -> None:
            while not stop.is_set():
                asked["n"] += 1
                n = asked["n"]
                message = {"type": "question.ask", "client_id": f"h{n}", "text": civic_text(n)}
                t = now()
                try:
                    reply = await request(client, message, within=30)
                except Exception:
                    run.errors["ask_timeout"] += 1
                    continue
                ask_latency.append(now() - t)
                asked["acked"] += reply["type"] == "ack"
                outcome = f"{reply.get('status', reply.get('code'))}:{reply.get('reason', '')}"
                outcomes[outcome] = outcomes.get(outcome, 0) + 1

        async def measure(seconds: float) -> tuple[list[float], float, float, float]:
            run.rtts = []
            t0, cpu0, work0 = now(), fleet.cpu(), children_cpu([s.pid for s in servers])
            await asyncio.sleep(seconds)
            rtts = list(run.rtts)
            work = children_cpu([s.pid for s in servers]) - work0
            return rtts, now() - t0, fleet.cpu() - cpu0, work

        # Warm up: one ask per process starts its classifier workers and loads the model.
        warm = [askers[i % len(askers)] for i in range(min(len(askers), args.procs))]
        await asyncio.gather(
            *(
                request(
                    c,
                    {
                        "type": "question.ask",
                        "client_id": f"w{c.index}",
                        "text": civic_text(-1 - c.index),
                    },
                    120,
                )
                for c in warm
            ),
            return_exceptions=True,
        )
        pingers = [asyncio.create_task(pinger(c)) for c in idle]
        await asyncio.sleep(1)
        quiet, _, _, _ = await measure(min(5.0, args.heartbeat_seconds / 2))
        result["idle_rtt"] = summary_ms(quiet)
        log(f"  quiet: ping → pong {result['idle_rtt']}")
        ask_tasks = [asyncio.create_task(asker(c)) for c in askers]
        await asyncio.sleep(2)  # workers warm up
        loaded, loaded_s, daphne_cpu, worker_cpu = await measure(args.heartbeat_seconds)
        asks_in_window = len(ask_latency)
        stop.set()
        for task in pingers + ask_tasks:
            task.cancel()
        await asyncio.gather(*pingers, *ask_tasks, return_exceptions=True)
        result["loaded_rtt"] = summary_ms(loaded)
        result["loaded_seconds"] = round(loaded_s, 1)
        result["asks_acked"] = asked["acked"]
        result["ask_outcomes"] = outcomes
        result["asks_per_s"] = round(asks_in_window / max(0.1, loaded_s + 2), 1)
        result["ask_ack_latency"] = summary_ms(ask_latency)
        result["classifier"] = args.heartbeat_backend
        result["classifier_worker_nice"] = args.heartbeat_worker_nice
        result["classifier_workers"] = args.procs
        # A worker replaced during the window (the pool recycles workers after a
        # classifier timeout) takes its CPU time with it: then the share is unknown.
        result["classifier_worker_cpu_share"] = (
            round(worker_cpu / loaded_s / args.procs, 2) if worker_cpu >= 0 else None
        )
        result["daphne_cpu_share"] = round(daphne_cpu / loaded_s / args.procs, 2)
        result["errors"] = dict(run.errors)
        log(
            f"  loaded: ping → pong {result['loaded_rtt']}, {result['asks_per_s']} asks/s, "
            f"classifier workers busy {share_text(result['classifier_worker_cpu_share'])} "
            "of a core each"
        )
        await close_all(clients)
    return result


# --- plot -----------------------------------------------------------------------------------


def write_plot(result: dict[str, Any], path: Path) -> bool:
    """Latency CDFs (product vs baselines) and the observer's tally during the storm."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(no plot: pip install -e '.[bench]' for matplotlib)")
        return False
    product = result.get("product", {})
    data = product.get("plot", {})
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    series = {"product": data.get("latency_cdf_ms", {}).get("product", [])}
    for name, label in (("stock_channels", "stock Channels"), ("raw_websockets", "raw websockets")):
        cdf = result.get("baselines", {}).get(name, {}).get("latency_cdf_ms")
        if cdf:
            series[label] = cdf
    for label, cdf in series.items():
        if cdf:
            ys = [i / (len(cdf) - 1) for i in range(len(cdf))]
            left.plot([max(v, 0.1) for v in cdf], ys, label=label)
    left.set_xscale("log")
    left.axvline(500, color="grey", linestyle=":", label="target p99 500 ms")
    left.axhline(0.99, color="grey", linestyle="--", linewidth=0.5)
    left.set_xlabel("question published → received by a client (ms, log)")
    left.set_ylabel("share of deliveries")
    left.set_title(f"Delivery latency, {result['config']['clients']} clients")
    left.legend(loc="lower right")
    trace = data.get("observer_tally", [])
    counted = data.get("votes_counted_acked", [])
    if trace:
        right.step(
            [t for t, _ in trace],
            [n for _, n in trace],
            where="post",
            label="tally seen by a client",
        )
    if counted:
        right.step(
            [t for t, _ in counted],
            [n for _, n in counted],
            where="post",
            label="votes acked (changed)",
        )
    if data:
        right.axvline(data["storm_end_s"], color="grey", linestyle=":", label="last vote sent")
        right.axhline(data["true_total"], color="grey", linestyle="--", linewidth=0.5)
    right.set_xlabel("seconds since the storm began")
    right.set_ylabel("votes")
    right.set_title("Vote storm: counted vs visible")
    right.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# --- main -----------------------------------------------------------------------------------


def start_redis(logs: Path) -> tuple[subprocess.Popen[bytes] | None, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not found: install it or pass --redis-url")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(logs),
        ],
        stdout=(logs / "redis.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = now() + 10
    while now() < deadline:
        with socket.socket() as probe, suppress(OSError):
            probe.connect((HOST, port))
            return process, f"redis://{HOST}:{port}/0"
        time.sleep(0.05)  # polling a starting process
    process.kill()
    raise SystemExit("private redis-server did not start")


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def table(result: dict[str, Any]) -> str:
    p = result["product"]
    q = p["questions"]
    base = result.get("baselines", {})
    sc, raw = base.get("stock_channels", {}), base.get("raw_websockets", {})
    rows = [
        ("metric", "product", "stock Channels", "raw websockets", "×Channels", "×raw"),
        (
            "CPU µs / delivered event",
            q["cpu_us_per_delivery"],
            sc.get("cpu_us_per_delivery"),
            raw.get("cpu_us_per_delivery"),
        ),
        (
            "RSS KB / connection",
            q["rss_kb_per_connection"],
            sc.get("rss_kb_per_connection"),
            raw.get("rss_kb_per_connection"),
        ),
        (
            "Redis commands / event",
            q["redis_cmds_per_event"],
            sc.get("redis_cmds_per_event"),
            raw.get("redis_cmds_per_event"),
        ),
        (
            "delivery p50 ms",
            p["publish_latency_per_client"]["p50_ms"],
            sc.get("latency", {}).get("p50_ms"),
            raw.get("latency", {}).get("p50_ms"),
        ),
        (
            "delivery p99 ms",
            p["publish_latency_per_client"]["p99_ms"],
            sc.get("latency", {}).get("p99_ms"),
            raw.get("latency", {}).get("p99_ms"),
        ),
        ("connect all s", p["connect_s"], sc.get("connect_s"), raw.get("connect_s")),
    ]
    lines = []
    for row in rows:
        if row[0] == "metric":
            cells = list(row)
        else:
            cells = [row[0], row[1], row[2], row[3], ratio(row[1], row[2]), ratio(row[1], row[3])]
        lines.append(
            " | ".join(
                f"{'—' if c is None else c!s:>15}" if i else f"{c!s:<26}"
                for i, c in enumerate(cells)
            )
        )
    s = p["storm"]
    d = p["delivery"]
    lines += [
        "",
        f"question published → client   {p['publish_latency_per_client']}",
        f"question published → everyone {p['publish_latency_all_clients']} "
        f"({p['questions_reaching_everyone']} questions)",
        f"  … questions approved 5 s or more into the phase: {p['publish_latency_after_first_5s']}",
        f"  slowest: {p['slowest_questions'][:3]}",
        f"vote → own tally visible      {p['vote_to_tally']}",
        f"vote storm: {s['votes_acked']}/{s['votes_sent']} acked, {s['votes_counted']} counted, "
        f"{s['tally_events']} tally events, converged={s['all_clients_converged']} "
        f"{s['converged_after_storm_end_ms']} ms after the last vote, "
        f"CPU {s['cpu_us_per_delivery']} µs/delivery",
        f"churn: {p['churn']}",
        f"delivery vs log: {d['delivered']}/{d['expected']} = {d['delivered_pct']} %, "
        f"exact clients {d['clients_exact']}/{d['clients']}, lost {d['lost']}, "
        f"duplicated {d['duplicated']}, out of order {d['clients_out_of_order']}",
        f"errors: {p['errors']}",
    ]
    return "\n".join(lines)


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 4 * (args.clients + 100)))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    logs = Path(tempfile.mkdtemp(prefix="townhall-bench-"))
    redis_process = None
    redis_url = args.redis_url
    if not redis_url:
        redis_process, redis_url = start_redis(logs)
    prefix = f"bench{os.getpid()}"
    try:
        await asyncio.to_thread(setup_django, args.database_url, redis_url, prefix)
        hall = await asyncio.to_thread(make_hall, args.clients, args.procs)
        log(f"hall {hall.code}: {args.clients} participants, {args.procs} moderators; logs {logs}")
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": args.database_url,
                "REDIS_URL": redis_url,
                "TOWNHALL_REDIS_PREFIX": prefix,
                "BENCH_LAYER": args.layer,
                "DJANGO_ALLOWED_HOSTS": HOST,
                # Persistent database connections (docs/scaling.md): with the default 0
                # every bridge call opens a new PostgreSQL connection.
                "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "300"),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
            }
        )
        redis = RedisStats(redis_url)
        result: dict[str, Any] = {
            "config": {k: v for k, v in vars(args).items() if k not in ("database_url", "out")},
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        }
        if args.only_heartbeat:
            result["heartbeat"] = await heartbeat_run(args, env, logs)
            return result
        result["product"] = await product_run(args, env, hall, redis, logs)
        if args.heartbeat_seconds > 0:
            result["heartbeat"] = await heartbeat_run(args, env, logs)
        if not args.skip_baselines:
            rate = result["product"]["per_client_event_rate"]
            size = result["product"]["event_bytes_avg"]
            result["baselines"] = await baselines(
                args, env, redis_url, prefix, rate, size, redis, logs
            )
        return result
    finally:
        if redis_process is not None:
            redis_process.terminate()
            with suppress(subprocess.TimeoutExpired):
                redis_process.wait(5)


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # run the finally blocks: stop servers, Redis


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The load generator must not pause: what it records grows to hundreds of
    # thousands of objects, and a full collection over them would stall every
    # socket's reader at once and be measured as server latency. The run is
    # bounded, so its memory is too; ``settle()`` collects between phases.
    gc.disable()
    signal.signal(signal.SIGTERM, _terminate)
    result = asyncio.run(amain(args))
    print()
    if "product" in result:
        print(table(result))
    if "heartbeat" in result:
        h = result["heartbeat"]
        print(
            f"heartbeat: quiet {h['idle_rtt']}\n"
            f"heartbeat under classifier load: {h['loaded_rtt']}, {h['asks_per_s']} asks/s, "
            f"ask ack {h['ask_ack_latency']}, "
            f"workers busy {share_text(h['classifier_worker_cpu_share'])}"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {out}")
    if "product" not in result:
        return 0
    if not args.no_plot and write_plot(result, out.with_suffix(".png")):
        print(f"wrote {out.with_suffix('.png')}")
    d = result["product"]["delivery"]
    return 0 if d["clients_exact"] == d["clients"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
