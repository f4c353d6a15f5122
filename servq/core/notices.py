"""Notices to the people an event concerns: in servq at once, by e-mail through the outbox.

Services call ``notify`` in the transaction of the change, with the audit entry that recorded it:
one notice per event and person (a unique constraint), none to the person who acted. The e-mail
goes out with the next run of the delivery task, unless the person turned that kind off.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servq.core import outbox
from servq.core.models import AuditEntry, Notification, NotificationPreference

# Every kind of notice, named as the preference page shows it.
KINDS = {
    "plan.submit": _("計畫送審，待我審查"),
    "plan.return": _("計畫退回修正"),
    "plan.approve": _("計畫核定"),
    "plan.publish": _("計畫公告"),
    "case.assign": _("案件分派給我的單位"),
    "case.transfer": _("案件移文到我的機關"),
    "case.supplement": _("民眾補正了我處理的案件"),
    "inspection.panelist": _("受邀擔任訪查委員"),
    "inspection.answer": _("缺失改善回復待我審查"),
    "yearend.compile": _("年度執行成果待我核定"),
    "opendata.submit": _("開放資料送審，待我核准"),
    "award.reviewer": _("受邀擔任評審委員"),
}


def notify(*, event: AuditEntry, recipients: Iterable[Any], subject: str, body: str, url: str) -> int:
    """Write the notices of one event, in the caller's transaction; how many were new."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notices.notify must run inside the service's transaction")
    people = {user.pk: user for user in recipients if user.pk != event.actor_id and user.is_active}
    if not people:
        return 0
    muted = dict(
        NotificationPreference.objects.filter(user_id__in=list(people)).values_list("user_id", "no_email")
    )
    rows = [
        Notification(
            recipient=user,
            event=event,
            kind=event.action,
            subject=subject[:200],
            body=body,
            url=url[:300],
            email=bool(user.email) and event.action not in muted.get(user.pk, []),
        )
        for user in people.values()
    ]
    before = Notification.objects.filter(event=event).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Notification.objects.filter(event=event).count() - before


def send_mail_due() -> int:
    """E-mail the notices waiting to go, one at a time (a failing one is retried on its own)."""
    return outbox.deliver(Notification.objects.select_related("recipient"), _mail).sent


def _mail(notice: Notification) -> None:
    user = notice.recipient
    link = f"{settings.SERVQ_SITE_URL.rstrip('/')}{notice.url}" if notice.url else ""
    body = f"{user.get_full_name() or user.get_username()} 您好：\n\n{notice.body}\n\n{link}\n\n— servq"
    send_mail(
        f"[servq] {notice.subject}", body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False
    )


@transaction.atomic
def mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read: those listed, or all of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def set_email_preference(*, user: Any, wanted: Iterable[str]) -> NotificationPreference:
    """The kinds the user wants by e-mail; the rest they see in servq only."""
    chosen = set(wanted)
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    preference.no_email = sorted(kind for kind in KINDS if kind not in chosen)
    preference.save(update_fields=["no_email"])
    return preference
