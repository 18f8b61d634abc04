"""Templated email as a background task, queued only after commit, run by the real worker."""

from __future__ import annotations

import subprocess

import pytest
from django.db import connection, transaction
from django.tasks import TaskResultStatus

from cashmob.core.email import email_enqueue, email_render, send_templated_email
from cashmob.core.tests.helpers import BASE_DIR, CASHMOB, child_env, database_url


def test_email_render_gives_subject_text_and_html() -> None:
    subject, text, html = email_render(
        template="test_message", context={"name": "Ada"}, language="en"
    )
    assert subject == "A test message for Ada"
    assert "Hello Ada," in text
    assert "<p>Hello Ada,</p>" in html
    assert '<html lang="en">' in html


def test_a_subject_is_plain_text_while_the_html_part_is_escaped() -> None:
    subject, _text, html = email_render(
        template="test_message", context={"name": "Smith & <Sons>"}, language="en"
    )
    assert subject == "A test message for Smith & <Sons>"
    assert "Smith &amp; &lt;Sons&gt;" in html


@pytest.mark.django_db
def test_email_enqueue_sends_text_and_html_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email_enqueue(to="ada@example.org", template="test_message", context={"name": "Ada"})
        assert mailoutbox == []
    assert len(callbacks) == 1
    [message] = mailoutbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "A test message for Ada"
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Hello Ada," in html


@pytest.mark.django_db(transaction=True)
def test_email_enqueue_in_rolled_back_transaction_sends_nothing(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    def enqueue_then_fail() -> None:
        with transaction.atomic():
            email_enqueue(to="ada@example.org", template="test_message", context={"name": "Ada"})
            raise RuntimeError

    with pytest.raises(RuntimeError):
        enqueue_then_fail()
    assert mailoutbox == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_task_on_database_queue_is_run_by_real_worker(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A task queued in the database is picked up and run by ``cashmob db_worker``."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = send_templated_email.enqueue(
        to=["ada@example.org"], template="test_message", context={"name": "Ada"}, language="en"
    )
    assert result.status == TaskResultStatus.READY

    mail_dir = tmp_path / "mail"
    worker = subprocess.run(  # noqa: S603
        [*CASHMOB, "db_worker", "--batch", "--no-startup-delay"],
        cwd=BASE_DIR,
        env=child_env(
            settings.DATA_DIR,
            DATABASE_URL=database_url(connection.settings_dict),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(mail_dir),
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert result.return_value == 1
    [sent] = list(mail_dir.iterdir())
    assert "Subject: A test message for Ada" in sent.read_text()


@pytest.mark.django_db
def test_scheduler_prunes_finished_tasks_and_the_links_they_carry(settings) -> None:
    """Account emails (reset links) travel as task arguments: finished tasks are kept a
    day, failed ones a week, then deleted."""
    from datetime import timedelta

    from django.tasks import task_backends
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from cashmob.core.email import send_rendered_email
    from cashmob.core.scheduler import run_due_jobs

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    old = send_rendered_email.enqueue(to=["a@example.org"], subject="s", text="reset link")
    new = send_rendered_email.enqueue(to=["b@example.org"], subject="s", text="reset link")
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=2)
    )
    DBTaskResult.objects.filter(id=new.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - timedelta(hours=2)
    )
    assert run_due_jobs()["prune task results"] == 1
    assert [str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)] == [str(new.id)]
