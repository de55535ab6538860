"""`.ci/demo`, the README's run command, started as a reader would: on a port of our choosing,
against a fresh SQLite file. It must answer in Chinese with the product's own error pages (not
Django's English debug pages), serve its static files, and keep Celery's and the seed's noise
(per-task log lines, mail printed to the console) out of its output."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Only what a shell has: the suite's own settings (test keys, hosts, caches) must not leak in.
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PIP_INDEX_URL", "PIP_NO_INDEX")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(opener: urllib.request.OpenerDirector, url: str, data: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        response = opener.open(url, data=body, timeout=10)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    return response.status, response.read().decode()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("the demo installs into .venv; none here")
    tmp = tmp_path_factory.mktemp("demo")
    port = _free_port()
    env = {name: os.environ[name] for name in KEPT if name in os.environ}
    env.update(
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp / 'demo.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
    )
    log = tmp / "demo.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
            ["bash", str(ROOT / ".ci" / "demo")],  # noqa: S607
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310 - loopback
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        else:
            pytest.fail(f"the demo did not answer on port {port}:\n{log.read_text()}")
        yield base, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def test_it_serves_on_the_port_asked_for_with_the_chinese_404_page(demo) -> None:
    base, _log = demo
    opener = urllib.request.build_opener()
    status, page = _get(opener, f"{base}/no-such-page/")
    assert status == 404
    assert "页面不存在" in page
    assert "Page not found" not in page
    assert "DEBUG = True" not in page
    status, css = _get(opener, f"{base}/static/css/app.css")
    assert status == 200
    assert css.strip()


def test_it_refuses_with_the_chinese_403_page(demo) -> None:
    base, _log = demo
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    status, login = _get(opener, f"{base}/accounts/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
    assert token
    credentials = {"username": "member", "password": "Zerenlian@2026"}
    status, landing = _get(
        opener, f"{base}/accounts/login/", {"csrfmiddlewaretoken": token[1], **credentials}
    )
    assert status == 200
    assert "我的待办" in landing
    status, page = _get(opener, f"{base}/assessment/rounds/")
    assert status == 403
    assert "您没有权限访问" in page


def test_it_keeps_celery_and_mail_out_of_its_output(demo) -> None:
    _base, log = demo
    output = log.read_text()
    assert "Demo ready" in output
    assert f"http://127.0.0.1:{_base.rsplit(':', 1)[1]}" in output
    for noise in ("celery.app.trace", "kombu", "Content-Type:", "No directory at"):
        assert noise not in output, noise


def test_it_has_a_chinese_500_page(rf) -> None:
    """What Django renders for an unhandled error with DEBUG off (the demo's setting)."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode()
