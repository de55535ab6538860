"""Files stored in a transaction live and die with it (responsibility.files, issue #16).

A refused, conflicting, closed or failed fill-in leaves no file in MEDIA_ROOT and no evidence
row (nothing to offer as "引用本组织已上传的材料"); a successful one keeps its files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction

from accountability import services as accountability_services
from accountability.models import AccountabilityCase
from responsibility import files, selectors, services
from responsibility.models import Evidence, Obligation
from tests.accountability.support import case_of
from tests.factories import PDF_BYTES, PNG_BYTES, World
from tests.responsibility.test_checklist_views import committee_meeting, fill_data


def stored_files() -> list[str]:
    media = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def uploads() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile("会议记录.pdf", PDF_BYTES, content_type="application/pdf"),
        SimpleUploadedFile("活动照片.png", PNG_BYTES, content_type="image/png"),
    ]


def evidence_row(name: str) -> Evidence:
    evidence = Evidence(original_name=name, content_type="application/pdf", size=1, sha256="0")
    return evidence


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
class TestFillIn:
    def test_a_successful_fill_in_keeps_its_files(self, active_world: World, as_user) -> None:
        obligation = committee_meeting(active_world)
        response = as_user(active_world.officer_a).post(
            obligation.get_absolute_url(), fill_data(obligation, files=uploads())
        )
        assert response.status_code == 302
        names = sorted(e.file.name for e in obligation.evidence.all())
        assert len(names) == 2
        assert stored_files() == names
        assert Evidence.objects.count() == 2

    def test_a_closed_entry_stores_nothing(self, active_world: World, as_user) -> None:
        january = Obligation.objects.get(
            organisation=active_world.branch_a, item__ref="ZB-3-02", period_label="1月"
        )
        response = as_user(active_world.officer_a).post(
            january.get_absolute_url(),
            fill_data(january, completed_on="2026-01-20", files=uploads()),
        )
        assert response.status_code == 200
        assert "填报已截止" in response.content.decode()
        assert stored_files() == []
        assert Evidence.objects.count() == 0
        # Nothing is offered for reuse on the next fill-in either.
        assert selectors.reusable_evidence(committee_meeting(active_world)) == []

    def test_a_conflicting_fill_in_stores_nothing(self, active_world: World, as_user) -> None:
        obligation = committee_meeting(active_world)
        stale = obligation.version
        services.obligation_fill(
            actor=active_world.officer_a,
            obligation=obligation,
            version=stale,
            status="in_progress",
            completed_on=None,
            description="先保存的内容",
        )
        response = as_user(active_world.officer_a).post(
            obligation.get_absolute_url(), fill_data(obligation, version=stale, files=uploads())
        )
        assert response.status_code == 200
        assert "已被他人修改" in response.content.decode()
        assert stored_files() == []
        assert Evidence.objects.count() == 0

    def test_a_database_error_after_the_files_are_stored_deletes_them(
        self, active_world: World, as_user, monkeypatch
    ) -> None:
        stored: list[str] = []
        real_save = files.save

        def spy(field_file, name, content):
            stored.append(real_save(field_file, name, content))
            return stored[-1]

        real_audit = services.obligations.audit_record

        def fail(**kwargs):
            if kwargs["action"] == "obligation.fill":  # after the evidence rows and files
                raise DatabaseError("connection lost")
            return real_audit(**kwargs)

        monkeypatch.setattr(files, "save", spy)
        monkeypatch.setattr("responsibility.services.obligations.audit_record", fail)
        obligation = committee_meeting(active_world)
        with pytest.raises(DatabaseError):
            as_user(active_world.officer_a).post(
                obligation.get_absolute_url(), fill_data(obligation, files=uploads())
            )
        assert len(stored) == 2  # the files were written, then taken back
        assert stored_files() == []
        assert Evidence.objects.count() == 0
        obligation.refresh_from_db()
        assert obligation.status == "not_started"


@pytest.mark.django_db
class TestOtherServices:
    def test_a_conflicting_case_update_deletes_its_new_document(self, active_world: World) -> None:
        case = case_of(active_world, document=True)
        kept = stored_files()
        assert kept == [case.document.name]
        with pytest.raises(services.ConcurrentEditError):
            accountability_services.case_update(
                actor=active_world.admin,
                case=case,
                version=case.version - 1,
                data=accountability_services.CaseInput(
                    year=active_world.year,
                    target_type=AccountabilityCase.TargetType.ORGANISATION,
                    organisation=active_world.branch_a,
                    person=None,
                    form=AccountabilityCase.Form.CIRCULATE,
                    reason="更正",
                    decided_on=case.decided_on,
                ),
                upload=SimpleUploadedFile("新决定书.pdf", PDF_BYTES),
            )
        assert stored_files() == kept

    def test_a_conflicting_report_stores_no_attachment(self, active_world: World) -> None:
        from assessment import services as assessment_services

        with pytest.raises(services.ConcurrentEditError):
            assessment_services.report_save(
                actor=active_world.officer_a,
                organisation=active_world.branch_a,
                year=active_world.year,
                text="述职",
                version=99,
                uploads=uploads(),
            )
        assert stored_files() == []
        assert Evidence.objects.count() == 0


@pytest.mark.django_db
class TestAtomic:
    def test_files_of_a_nested_block_share_the_outer_blocks_fate(self) -> None:
        def outer_fails_after_inner_succeeded() -> None:
            with files.atomic():
                files.save(evidence_row("a").file, "a.pdf", ContentFile(b"a"))
                with files.atomic():
                    files.save(evidence_row("b").file, "b.pdf", ContentFile(b"b"))
                assert len(stored_files()) == 2
                raise RuntimeError

        with pytest.raises(RuntimeError):
            outer_fails_after_inner_succeeded()
        assert stored_files() == []

    def test_a_failed_inner_block_takes_only_its_own_files(self) -> None:
        def inner_fails() -> None:
            with files.atomic():
                files.save(evidence_row("b").file, "b.pdf", ContentFile(b"b"))
                raise RuntimeError

        with files.atomic():
            kept = files.save(evidence_row("a").file, "a.pdf", ContentFile(b"a"))
            with pytest.raises(RuntimeError):
                inner_fails()
        assert stored_files() == [kept]

    def test_a_block_marked_for_rollback_deletes_its_files(self) -> None:
        with files.atomic():
            files.save(evidence_row("a").file, "a.pdf", ContentFile(b"a"))
            transaction.set_rollback(True)
        assert stored_files() == []

    def test_storing_outside_a_block_is_refused(self) -> None:
        with pytest.raises(RuntimeError, match=r"files\.atomic"):
            files.save(evidence_row("a").file, "a.pdf", ContentFile(b"a"))
        assert stored_files() == []
