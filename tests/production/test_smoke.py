"""The README's production deployment, end to end: a virtualenv from requirements.txt alone,
gunicorn with production settings, a Celery worker and beat on Redis; an admin signs in over HTTP,
publishes a notice, and the worker delivers its email."""

from __future__ import annotations

import re
import subprocess

from tests.production.stack import Client, Stack, mail_messages, runtime_bin


def test_it_serves_signs_in_and_mails_through_a_real_worker(stack: Stack) -> None:
    web = stack.gunicorn()
    stack.celery("worker", "-c", "1")
    stack.celery("beat")

    # A worker answers the README's ping.
    def pinged() -> bool:
        done = subprocess.run(  # noqa: S603 - our own program with fixed arguments
            [runtime_bin("celery"), "-A", "config", "inspect", "ping", "--timeout", "2"],
            env=stack.env,
            cwd=stack.root,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode == 0 and "pong" in done.stdout

    stack.wait_for(pinged, "pong from `celery -A config inspect ping`")

    client = Client(web.url)
    answer = client.get("/")
    assert answer.status == 302
    assert "/accounts/login/" in answer.location
    static = client.get("/accounts/login/")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', static.text)
    assert stylesheet, "the login page links its stylesheet"
    assert client.get(stylesheet.group(1)).status == 200  # WhiteNoise, collected static

    answer = client.login("reviewer")
    assert answer.status == 302, answer.text[:2000]
    form = client.get("/supervision/notices/new/")
    assert form.status == 200
    branch = re.search(r'<option value="(\d+)"[^>]*>[^<]*预算处党支部', form.text)
    assert branch, "the reviewer may send to 预算处党支部"
    answer = client.post(
        "/supervision/notices/new/",
        {
            "title": "冒烟测试通知",
            "body": "请按时完成第四季度党建工作。",
            "target": "chosen",
            "organisations": branch.group(1),
        },
    )
    assert answer.status == 302, answer.text[:2000]

    def delivered() -> bool:
        return any(
            "officer@example.gov.cn" in str(m["To"]) and "冒烟测试通知" in str(m["Subject"])
            for m in mail_messages(stack.mail)
        )

    stack.wait_for(delivered, "notice email delivered by the worker")
    worker_log = stack.processes[1].log.read_text(errors="replace")
    assert "accountability.tasks.deliver_outbox" in worker_log

    health = client.get("/healthz")
    assert health.status == 200, health.text
