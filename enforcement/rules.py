"""The legal clocks of a penalty case, each with its source and its kind of days.

Checked against the texts kept by the search tool's stored pages (2026-11):

- 《中华人民共和国行政处罚法》(2021 revision)
  - 第六十条: a decision within 90 days of filing the case (立案), unless a law, regulation or rule
    says otherwise. Calendar days (第八十五条 makes only 二日/三日/五日/七日 working days).
  - 第六十一条: a decision not handed over on the spot is served within 7 days (working days,
    第八十五条).
  - 第六十四条(一): a hearing is requested within 5 days of the advance notice (working days,
    第八十五条); 第六十四条(二): the parties are told of the hearing 7 days before it (working days).
  - 第六十七条: the fine is paid within 15 days of receiving the decision (calendar days).
  - 第七十二条(一): 3 % of the fine a day after that, never more than the fine itself.
  - 第八十五条: "二日""三日""五日""七日" are working days, not counting public holidays.
- 《中华人民共和国行政强制法》
  - 第二十五条: sealing or seizure (查封、扣押) lasts at most 30 days; if the case is complicated, the
    head of the authority may extend it once by at most 30 days, telling the party in writing.
  - 第五十三条: an authority without its own enforcement power applies to the people's court within 3
    months after the time to seek review or to sue has run out.
  - 第六十九条: periods of 10 days or less are working days.
- 《环境保护主管部门实施按日连续处罚办法》(环境保护部令第28号)
  - 第十七条: the days counted run from the day after the correction order was served to the day the
    re-inspection found the discharge continuing; a second failed re-inspection adds up.
  - 第十九条: each day's fine is the original decision's fine.

Not confirmed against a stored text (taken from the published rules as we know them; check before
relying on them):

- 《生态环境行政处罚办法》(生态环境部令第30号, in force 2023-07-01): the article numbers of its rules
  that a case is handled by at least two officers holding enforcement certificates, that the
  decision period may be extended by 30 days with the head's approval, and that a party states its
  case (陈述、申辩) within 5 working days of the advance notice (we apply the hearing's 5-day window).
- 《环境保护主管部门实施按日连续处罚办法》第十二条: the re-inspection within 30 days of serving the
  correction order.
- 《中华人民共和国行政复议法》(2023) 第二十条: 60 days to seek administrative review; 《中华人民共和国
  行政诉讼法》第四十六条: 6 months to sue — used for when the court may be asked to enforce.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext_lazy as _

from govern.workdays import add_working_days

DECISION_DAYS = 90  # 行政处罚法第六十条, calendar days from filing
DECISION_EXTENSION_DAYS = 30  # 生态环境行政处罚办法 (article not confirmed), once
STATEMENT_WORKING_DAYS = 5  # 行政处罚法第六十四条(一) + 第八十五条: hearing request (and statement)
HEARING_NOTICE_WORKING_DAYS = 7  # 行政处罚法第六十四条(二) + 第八十五条
SERVICE_WORKING_DAYS = 7  # 行政处罚法第六十一条 + 第八十五条
PAYMENT_DAYS = 15  # 行政处罚法第六十七条, calendar days from receipt of the decision
LATE_FEE_PER_DAY = Decimal("0.03")  # 行政处罚法第七十二条(一), capped at the fine
SUE_MONTHS = 6  # 行政诉讼法第四十六条 (not confirmed here)
ENFORCEMENT_APPLICATION_MONTHS = 3  # 行政强制法第五十三条
SEIZURE_DAYS = 30  # 行政强制法第二十五条
SEIZURE_EXTENSION_DAYS = 30  # 行政强制法第二十五条, once
REINSPECTION_DAYS = 30  # 按日连续处罚办法第十二条 (not confirmed here)


@dataclass(frozen=True)
class Clock:
    """One legal clock of a case: what is due, by when, in which kind of days, and why."""

    key: str
    label: str
    due: date
    working_days: bool
    source: str

    def state(self, today: date) -> str:
        if today > self.due:
            return "overdue"
        return "soon" if (self.due - today).days <= 7 else "running"


def decision_due(opened_on: date, *, extended: bool = False) -> date:
    return opened_on + timedelta(days=DECISION_DAYS + (DECISION_EXTENSION_DAYS if extended else 0))


def statement_due(notice_served_on: date) -> date:
    return add_working_days(notice_served_on, STATEMENT_WORKING_DAYS)


def earliest_hearing(notified_on: date) -> date:
    """The first day a hearing may be held when the parties were told on ``notified_on``."""
    return add_working_days(notified_on, HEARING_NOTICE_WORKING_DAYS)


def service_due(decided_on: date) -> date:
    return add_working_days(decided_on, SERVICE_WORKING_DAYS)


def payment_due(served_on: date) -> date:
    return served_on + timedelta(days=PAYMENT_DAYS)


def enforcement_window(served_on: date) -> tuple[date, date]:
    """From the day after the time to sue has run out, for 3 months (行政强制法第五十三条)."""
    opens = served_on + relativedelta(months=SUE_MONTHS) + timedelta(days=1)
    return opens, opens + relativedelta(months=ENFORCEMENT_APPLICATION_MONTHS)


def late_fee(fine: Decimal, *, due: date, paid_or_today: date) -> Decimal:
    """3 % of the fine a day after the payment is due, never more than the fine (第七十二条)."""
    days = max(0, (paid_or_today - due).days)
    return min(fine, (fine * LATE_FEE_PER_DAY * days).quantize(Decimal("0.01")))


def seizure_end(started_on: date, *, extended_days: int = 0) -> date:
    return started_on + timedelta(days=SEIZURE_DAYS + extended_days)


def daily_penalty_days(correction_served_on: date, violating_on: date) -> int:
    """按日连续处罚办法第十七条: from the day after service to the re-inspection, both counted."""
    return max(0, (violating_on - correction_served_on).days)


KIND_LABELS = {True: _("working days"), False: _("calendar days")}
