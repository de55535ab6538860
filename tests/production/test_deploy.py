"""The files in deploy/ that the README's "Production deployment" steps install.

- nginx: `nginx -t` on the site file with a throwaway certificate, then nginx started on loopback
  ports in front of a small recording upstream: HTTP redirects to HTTPS, requests arrive with
  Host, X-Forwarded-For (the address nginx saw, never the client's own) and X-Forwarded-Proto
  https, a 20 MB evidence upload fits, a bigger body gets 413, probes are not logged.
- systemd: `systemd-analyze verify` on the units (their program paths pointed at this virtualenv,
  which has the same programs), with no warning allowed; plus the keys the README relies on.
- consistency: nginx's body limit against EVIDENCE_MAX_MB and IMPORT_MAX_MB, the units' commands
  against the README's, the env example against config/settings.py, the README's table and the
  units' writable paths; the env example read as the operator's manage.py wrapper reads it gives a
  clean `check --deploy`.

A missing nginx, openssl or systemd-analyze skips here and fails in CI (REQUIRE_PRODUCTION=1).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.production.stack import BASE_DIR, HOST, free_port, unavailable

DEPLOY = BASE_DIR / "deploy"
SITE = DEPLOY / "nginx" / "zerenlian.conf"
ENV_EXAMPLE = DEPLOY / "zerenlian.env.example"
UNITS = {
    "web": DEPLOY / "zerenlian-web.service",
    "worker": DEPLOY / "zerenlian-worker.service",
    "beat": DEPLOY / "zerenlian-beat.service",
}
VENV_BIN = "/opt/zerenlian/.venv/bin/"
STATE = "/var/lib/zerenlian"
SERVER_NAME = "djdj.example.gov.cn"
MB = 1024 * 1024
# Variables the units read themselves (ExecStart), not Django.
UNIT_VARIABLES = {"WEB_BIND", "WEB_WORKERS"}


def program(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for d in ("/usr/sbin", "/sbin", "/usr/bin") if (p := Path(d) / name).exists()),
        None,
    )
    if not found:
        unavailable(f"{name} is not installed")
    return found


# --- reading the files ---------------------------------------------------------------------------


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values]}} (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        assert current is not None, f"{path.name}: {line!r} before any section"
        assert "=" in line, f"{path.name}: {line!r}"
        assert not line.endswith("\\"), f"{path.name}: keep {line!r} on one line"
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit_command(path: Path) -> str:
    """ExecStart with the unit's own Environment= defaults filled in, without the venv path."""
    service = unit(path)["Service"]
    defaults = dict(
        pair.split("=", 1) for value in service.get("Environment", []) for pair in value.split()
    )
    (command,) = service["ExecStart"]
    command = re.sub(r"\$\{(\w+)\}", lambda m: defaults[m.group(1)], command)
    assert command.startswith(VENV_BIN), command
    return command.removeprefix(VENV_BIN)


def env_example() -> dict[str, str]:
    values = {}
    for number, raw in enumerate(ENV_EXAMPLE.read_text().splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        # Read identically by systemd's EnvironmentFile= and by sh: no quotes, spaces or $.
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s\"'$`\\]*", raw), f"line {number}: {raw!r}"
        key, value = raw.split("=", 1)
        assert key not in values, f"{key} twice"
        values[key] = value
    return values


def readme_section(title: str) -> str:
    text = (BASE_DIR / "README.md").read_text()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def settings_defaults() -> dict[str, int]:
    """EVIDENCE_MAX_MB and IMPORT_MAX_MB as config/settings.py computes them with nothing set."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update({"DEBUG": "true", "PYTHONPATH": str(BASE_DIR)})
    code = (
        "import json, config.settings as s; print(json.dumps({'EVIDENCE_MAX_MB': "
        "s.EVIDENCE_MAX_BYTES // 1048576, 'IMPORT_MAX_MB': s.IMPORT_MAX_BYTES // 1048576}))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def body_limit_mb() -> float:
    (size,) = re.findall(r"^\s*client_max_body_size\s+(\d+)([mk]?);", SITE.read_text(), re.M)
    number, unit_letter = int(size[0]), size[1]
    return number if unit_letter == "m" else number / 1024 if unit_letter == "k" else number / MB


# --- consistency -------------------------------------------------------------------------------


def test_nginx_body_limit_matches_the_upload_limits():
    defaults = settings_defaults()
    limit = body_limit_mb()
    # A full-size evidence file plus its multipart framing and the form's fields fits; the
    # margin is small, so an oversized file is refused by nginx before it reaches gunicorn.
    assert defaults["EVIDENCE_MAX_MB"] < limit <= defaults["EVIDENCE_MAX_MB"] + 2
    assert limit > defaults["IMPORT_MAX_MB"]
    example = env_example()
    assert int(example["EVIDENCE_MAX_MB"]) == defaults["EVIDENCE_MAX_MB"]
    assert int(example["IMPORT_MAX_MB"]) == defaults["IMPORT_MAX_MB"]


def test_units_run_the_readme_commands():
    section = readme_section("Production deployment")
    commands = {role: unit_command(path) for role, path in UNITS.items()}
    assert commands["web"].startswith("gunicorn config.wsgi:application ")
    assert commands["worker"] == "celery -A config worker -l INFO"
    assert commands["beat"] == (f"celery -A config beat -l INFO -s {STATE}/celerybeat-schedule")
    for role, command in commands.items():
        assert command in section, f"the {role} unit runs {command!r}, which the README lacks"
    for path in UNITS.values():
        assert f"deploy/{path.name}" in section
    assert "deploy/nginx/zerenlian.conf" in section
    assert "deploy/zerenlian.env.example" in section


@pytest.mark.parametrize("role", UNITS)
def test_units_run_as_the_service_user_with_hardening(role):
    service = unit(UNITS[role])["Service"]
    expected = {
        "User": "zerenlian",
        "Group": "zerenlian",
        "WorkingDirectory": "/opt/zerenlian",
        "EnvironmentFile": "/etc/zerenlian/zerenlian.env",
        "Restart": "on-failure",
        "NoNewPrivileges": "true",
        "ProtectSystem": "strict",
        "ProtectHome": "true",
        "PrivateTmp": "true",
        "ReadWritePaths": STATE,
    }
    for key, value in expected.items():
        assert service.get(key) == [value], f"{UNITS[role].name}: {key}={service.get(key)}"
    assert unit(UNITS[role])["Install"]["WantedBy"] == ["multi-user.target"]


def test_env_example_names_only_real_settings_and_the_readme_documents_them():
    example = env_example()
    settings_source = (BASE_DIR / "config" / "settings.py").read_text()
    table = readme_section("Configuration")
    units = "".join(path.read_text() for path in UNITS.values())
    for key in example:
        if key in UNIT_VARIABLES:
            assert f"${{{key}}}" in units, f"{key} is used by no unit"
            continue
        assert f'"{key}"' in settings_source, f"{key} is not read by config/settings.py"
        assert f"`{key}`" in table, f"{key} is missing from the README's Configuration table"
    # Everything the processes write is under the one folder the units may write to.
    for key in ("MEDIA_ROOT", "FILE_UPLOAD_TEMP_DIR", "STATIC_ROOT"):
        assert example[key].startswith(f"{STATE}/"), key
    # No secret in the example is real.
    for key in ("SECRET_KEY", "MEDIA_S3_SECRET_KEY", "MEDIA_S3_ACCESS_KEY"):
        assert "CHANGE-ME" in example[key]
    assert "CHANGE-ME" in example["DATABASE_URL"]


def test_env_example_passes_the_deploy_check_through_the_manage_wrapper(tmp_path):
    """deploy/zerenlian-manage reads the env file with sh, as an operator runs it; with a real
    secret key filled in, the example's settings give a clean `check --deploy`."""
    lines = ENV_EXAMPLE.read_text().replace(
        "SECRET_KEY=CHANGE-ME-token-urlsafe-50", f"SECRET_KEY={secrets.token_urlsafe(50)}"
    )
    for key in ("MEDIA_ROOT", "FILE_UPLOAD_TEMP_DIR", "STATIC_ROOT"):
        lines = lines.replace(f"{key}={STATE}/", f"{key}={tmp_path}/")
    env_file = tmp_path / "zerenlian.env"
    env_file.write_text(lines)
    # Nothing from the test's own environment: only what the file says.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env["ZERENLIAN_ENV"] = str(env_file)
    for storage in ("local", "s3"):
        env_file.write_text(lines.replace("MEDIA_STORAGE=local", f"MEDIA_STORAGE={storage}"))
        done = subprocess.run(  # noqa: S603 - our own script with fixed arguments
            [str(DEPLOY / "zerenlian-manage"), "check", "--deploy", "--fail-level", "WARNING"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, f"MEDIA_STORAGE={storage}\n{done.stdout}\n{done.stderr}"


# --- systemd -----------------------------------------------------------------------------------


def test_systemd_analyze_verifies_the_units(tmp_path):
    """`systemd-analyze verify` works without a running systemd; it needs the programs in
    ExecStart to exist, so the copies point at this virtualenv's gunicorn and celery. It prints
    unknown keys and bad values as warnings with exit status 0: any output fails the test."""
    analyze = program("systemd-analyze")
    venv_bin = Path(sys.executable).parent
    for name in ("gunicorn", "celery"):
        if not (venv_bin / name).exists():
            unavailable(f"{venv_bin / name} does not exist")
    copies = []
    for path in UNITS.values():
        copy = tmp_path / path.name
        copy.write_text(path.read_text().replace(VENV_BIN, f"{venv_bin}/"))
        copies.append(str(copy))
    done = subprocess.run(  # noqa: S603 - a system tool with fixed arguments
        [analyze, "verify", *copies],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "SYSTEMD_LOG_COLOR": "0"},
    )
    output = (done.stdout + done.stderr).strip()
    assert done.returncode == 0, output
    assert output == "", output


# --- nginx -------------------------------------------------------------------------------------


@dataclass
class Nginx:
    folder: Path
    config: Path
    http_port: int
    https_port: int
    upstream_port: int
    certificate: Path

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    def argv(self, *extra: str) -> list[str]:
        return [
            program("nginx"),
            "-c",
            str(self.config),
            "-p",
            f"{self.folder}/",
            "-e",
            str(self.folder / "error.log"),
            *extra,
        ]


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "zerenlian.crt", folder / "zerenlian.key"
    done = subprocess.run(  # noqa: S603 - a system tool with fixed arguments
        [
            program("openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={SERVER_NAME}",
            "-addext",
            f"subjectAltName=DNS:{SERVER_NAME},IP:{HOST}",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return certificate, key


def nginx_setup(folder: Path) -> Nginx:
    """A temporary nginx.conf including a copy of the site file: the throwaway certificate, free
    loopback ports (no IPv6 listeners), an upstream on a free port, files in `folder`."""
    certificate, key = throwaway_certificate(folder)
    http_port, https_port, upstream_port = free_port(), free_port(), free_port()
    site = SITE.read_text()
    replacements = {
        "/etc/zerenlian/tls/zerenlian.crt": str(certificate),
        "/etc/zerenlian/tls/zerenlian.key": str(key),
        "listen 80;": f"listen {HOST}:{http_port};",
        "listen 443 ssl;": f"listen {HOST}:{https_port} ssl;",
        "server 127.0.0.1:8000 ": f"server {HOST}:{upstream_port} ",
    }
    for old, new in replacements.items():
        assert site.count(old) == 1, f"the site file no longer has {old!r}"
        site = site.replace(old, new)
    site = re.sub(r"^\s*listen \[::\]:\d+.*\n", "", site, flags=re.MULTILINE)
    (folder / "zerenlian.conf").write_text(site)
    temp = folder / "temp"
    temp.mkdir()
    # As root the workers would run as nobody, which cannot write the temporary folders here.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}pid {folder}/nginx.pid;\nworker_processes 1;\nevents {{}}\n"
        "http {\n"
        f"    access_log {folder}/access.log;\n"
        f"    client_body_temp_path {temp}/body;\n"
        f"    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n"
        f"    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        f"    include {folder}/zerenlian.conf;\n"
        "}\n"
    )
    return Nginx(folder, config, http_port, https_port, upstream_port, certificate)


def test_nginx_accepts_the_site_file(tmp_path):
    setup = nginx_setup(tmp_path)
    done = subprocess.run(  # noqa: S603 - a system tool with fixed arguments
        setup.argv("-t"), capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


class Recorder(BaseHTTPRequestHandler):
    """The web server's side: answers JSON with the headers and body length it received."""

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        received = 0
        while received < length:
            chunk = self.rfile.read(min(MB, length - received))
            if not chunk:
                break
            received += len(chunk)
        body = json.dumps(
            {"path": self.path, "headers": dict(self.headers.items()), "received": received}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = answer
    do_POST = answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def nginx(tmp_path) -> Iterator[Nginx]:
    setup = nginx_setup(tmp_path)
    upstream = ThreadingHTTPServer((HOST, setup.upstream_port), Recorder)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    process = subprocess.Popen(  # noqa: S603 - a system tool with fixed arguments
        setup.argv("-g", "daemon off;"), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx exited:\n{(tmp_path / 'error.log').read_text()}")
            try:
                socket.create_connection((HOST, setup.https_port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not listen within 15 s")
                time.sleep(0.1)
        yield setup
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        upstream.shutdown()
        upstream.server_close()


def https(setup: Nginx) -> http.client.HTTPSConnection:
    context = ssl.create_default_context(cafile=str(setup.certificate))
    return http.client.HTTPSConnection(HOST, setup.https_port, context=context, timeout=30)


def request(connection, method: str, path: str, body: bytes | None = None, **headers: str):
    connection.request(method, path, body=body, headers={"Host": SERVER_NAME, **headers})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_nginx_redirects_plain_http_to_https(nginx):
    connection = http.client.HTTPConnection(HOST, nginx.http_port, timeout=10)
    status, headers, _ = request(connection, "GET", "/my-work/?year=2026")
    assert status == 301
    assert headers["Location"] == f"https://{SERVER_NAME}/my-work/?year=2026"


def test_nginx_proxies_https_with_the_headers_django_trusts(nginx):
    status, _, body = request(
        https(nginx), "GET", "/accounts/login/", **{"X-Forwarded-For": "203.0.113.66"}
    )
    assert status == 200
    seen = json.loads(body)
    assert seen["path"] == "/accounts/login/"
    headers = {key.lower(): value for key, value in seen["headers"].items()}
    assert headers["host"] == SERVER_NAME
    assert headers["x-forwarded-proto"] == "https"  # USE_X_FORWARDED_PROTO=true
    assert headers["x-forwarded-for"] == HOST  # the address nginx saw; the forged one is gone


def test_nginx_takes_a_full_size_evidence_upload_and_refuses_a_bigger_one(nginx):
    limit = settings_defaults()["EVIDENCE_MAX_MB"] * MB
    boundary = "zerenlian-test-boundary"
    fields = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in {
            "csrfmiddlewaretoken": "x" * 64,
            "status": "done",
            "description": "中" * 2000,
        }.items()
    ).encode()
    upload = (
        fields
        + f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="会议记录.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + b"%PDF-1.7\n"
        + b"0" * (limit - 9)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _, body = request(
        https(nginx),
        "POST",
        "/obligations/1/",
        upload,
        **{"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 200
    assert json.loads(body)["received"] == len(upload)

    # One byte over the limit: refused from the Content-Length alone, nothing forwarded.
    connection = https(nginx)
    connection.putrequest("POST", "/obligations/1/", skip_host=True)
    connection.putheader("Host", SERVER_NAME)
    connection.putheader("Content-Length", str(int(body_limit_mb() * MB) + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert "文件过大" in response.read().decode("utf-8"), "the refusal is in Chinese"


def test_nginx_does_not_log_probes(nginx):
    for path in ("/healthz", "/healthz/full", "/"):
        status, _, body = request(https(nginx), "GET", path)
        assert status == 200
        headers = {k.lower(): v for k, v in json.loads(body)["headers"].items()}
        # Health details are only for unforwarded local requests: nginx must forward the header.
        assert headers["x-forwarded-for"] == HOST
        assert headers["x-forwarded-proto"] == "https"
    deadline = time.monotonic() + 5
    while '"GET / ' not in nginx.access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = nginx.access_log.read_text()
    assert '"GET / ' in log
    assert "/healthz" not in log
