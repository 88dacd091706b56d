"""HTML templates to PDF with WeasyPrint; one FontConfiguration per process, so fonts load once."""

import base64
import functools
from datetime import date, timedelta

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from enterprises.models import TierPolicy
from govern import clock

from . import fonts
from .models import Notice, NoticeKind

TITLES = {
    NoticeKind.GRADING: "分级告知书",
    NoticeKind.RECTIFICATION: "限期整改通知书",
    NoticeKind.RELOCATION: "搬迁入园通知书",
    NoticeKind.CLOSURE: "关停通知书",
    NoticeKind.INSPECTION_RECORD: "现场检查笔录",
    NoticeKind.EMERGENCY: "重污染天气应急减排告知书",
    NoticeKind.PENALTY_ADVANCE: "行政处罚事先告知书",
    NoticeKind.PENALTY_DECISION: "行政处罚决定书",
}


@functools.cache
def font_config() -> FontConfiguration:
    """Shared by every render in this process: the prepared font is parsed once, not per notice."""
    return FontConfiguration()


def chinese_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def verify_url(notice: Notice) -> str:
    return settings.GOVERN_PUBLIC_URL.rstrip("/") + reverse(
        "notice-verify", args=[notice.verification_code]
    )


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0)


def _grading(notice: Notice) -> dict:
    assessment = notice.assessment
    return {"assessment": assessment, "policy": TierPolicy.objects.get(tier=assessment.tier)}


def _rectification(notice: Notice) -> dict:
    orders = list(
        notice.visit.orders.select_related("finding__item").prefetch_related("finding__photos")
    )
    return {
        "visit": notice.visit,
        "orders": orders,
        "legal_bases": sorted({o.legal_basis for o in orders}),
    }


def _image_uri(name: str, content_type: str) -> str:
    """A stored image as a data URI, so the PDF carries it whatever the storage (disk or S3)."""
    with default_storage.open(name, "rb") as stored:
        return f"data:{content_type};base64,{base64.b64encode(stored.read()).decode()}"


def _inspection_record(notice: Notice) -> dict:
    visit = notice.visit
    signatures = list(visit.signatures.select_related("signer"))
    return {
        "visit": visit,
        "inspectors": list(visit.inspectors.all()),
        "results": list(visit.results.select_related("item").prefetch_related("photos")),
        "orders": list(visit.orders.all()),
        "party_signature": next(
            (
                (s.name, _image_uri(s.file.name, "image/png"))
                for s in signatures
                if s.role == "party"
            ),
            None,
        ),
        "inspector_signatures": [
            (s.name, _image_uri(s.file.name, "image/png"))
            for s in signatures
            if s.role == "inspector"
        ],
    }


def _relocation(notice: Notice) -> dict:
    return {
        "project": notice.relocation,
        "milestones": list(notice.relocation.milestones.order_by("kind")),
    }


def _closure(notice: Notice) -> dict:
    return {"closure": notice.closure, "checks": list(notice.closure.checks.order_by("item"))}


def chinese_time(value) -> str:
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时" + (
        f"{local.minute}分" if local.minute else ""
    )


def _emergency(notice: Notice) -> dict:
    instruction = notice.instruction
    warning = instruction.warning
    return {
        "instruction": instruction,
        "warning": warning,
        "districts": "、".join(d.name for d in warning.districts.all()),
        "level": instruction.get_level_display(),
        "starts": chinese_time(instruction.starts_at),
        "ends": chinese_time(instruction.ends_at),
        "measures": instruction.readable_lines(),
    }


def _yuan(value) -> str:
    return f"{value:,.2f}" if value is not None else ""


def _penalty(notice: Notice) -> dict:
    case = notice.case
    return {
        "case": case,
        "fine": _yuan(
            case.fine if notice.kind == NoticeKind.PENALTY_DECISION else case.proposed_fine
        ),
        "statement_due": chinese_date(case.statement_due),
        "served_on": chinese_date(case.notice_served_on),
        "decided_on": chinese_date(case.decided_on),
        "visit_on": chinese_date(timezone.localtime(case.visit.started_at).date())
        if case.visit_id
        else "",
        "officers": [o for o in case.officers.select_related("user") if o.recused_at is None],
    }


# Notices set in the regular weight only (issued by the thousand: one font to load and subset).
REGULAR_ONLY = {NoticeKind.EMERGENCY}

CONTEXTS = {
    NoticeKind.GRADING: _grading,
    NoticeKind.RECTIFICATION: _rectification,
    NoticeKind.INSPECTION_RECORD: _inspection_record,
    NoticeKind.RELOCATION: _relocation,
    NoticeKind.CLOSURE: _closure,
    NoticeKind.EMERGENCY: _emergency,
    NoticeKind.PENALTY_ADVANCE: _penalty,
    NoticeKind.PENALTY_DECISION: _penalty,
}


def notice_deadline(
    *,
    kind: str,
    assessment=None,
    visit=None,
    relocation=None,
    closure=None,
    case=None,
    today: date,
) -> date | None:
    """The deadline a notice states, fixed when it is issued."""
    if kind == NoticeKind.GRADING:
        return today + timedelta(
            days=TierPolicy.terms_for(assessment.tier).remediation_deadline_days
        )
    if kind == NoticeKind.RECTIFICATION:
        return max((o.deadline for o in visit.orders.all()), default=None)
    if kind == NoticeKind.RELOCATION:
        return (
            relocation.milestones.order_by("-kind").values_list("planned_date", flat=True).first()
        )
    if kind == NoticeKind.CLOSURE:
        return closure.deadline
    if kind == NoticeKind.PENALTY_ADVANCE:
        return case.statement_due
    return None


def notice_html(notice: Notice, *, for_browser: bool = False) -> str:
    """The notice's HTML, always in Chinese (the bureau's language), whoever's request renders it.

    ``for_browser``: set in the system's CJK serif, since the prepared font is a file for
    WeasyPrint that a web page may not load."""
    with translation.override("zh-hans"):
        context = _context(notice)
        if for_browser:
            context["font_faces"] = ""
        return render_to_string(f"notices/{notice.kind}.html", context)


def _context(notice: Notice) -> dict:
    url = verify_url(notice)
    return {
        "notice": notice,
        "enterprise": notice.enterprise,
        "title": TITLES[notice.kind],
        "authority": settings.GOVERN_AUTHORITY_NAME,
        "issued_on": chinese_date(timezone.localtime(notice.issued_at).date()),
        "deadline": chinese_date(notice.deadline),
        "verify_url": url,
        "qr": qr_data_uri(url),
        "font_faces": fonts.font_face_css(
            ("Regular",) if notice.kind in REGULAR_ONLY else fonts.WEIGHTS
        ),
        "font_family": f'"{fonts.FAMILY}", "{fonts.FALLBACK_FAMILY}", serif',
        **CONTEXTS[notice.kind](notice),
    }


def render_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=font_config())


def preview_html(*, kind: str, enterprise, by, **links) -> str:
    """What a notice will say, before it is issued: an unsaved notice without a number or code.

    The confirmation pages show it so the issuer reads the text the enterprise will receive."""
    today = clock.today()
    notice = Notice(
        kind=kind,
        year=today.year,
        sequence=0,
        number=f"{settings.GOVERN_NOTICE_PREFIXES[kind]}〔{today.year}〕（签发时编号）",
        enterprise=enterprise,
        deadline=notice_deadline(kind=kind, today=today, **links),
        verification_code="（签发时生成）",
        issued_by=by,
        issued_at=clock.now(),
        **links,
    )
    return notice_html(notice, for_browser=True)
