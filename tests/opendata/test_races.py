"""Two approvers acting on one submitted dataset at once: one decision stands, the other is refused."""

from __future__ import annotations

import pytest

from servq.opendata import services
from servq.opendata.models import Dataset
from tests.races import collide, needs_postgresql, refused_in_words

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_approval_and_a_return_at_once(dataset, staff, approver, agency_tree, user_with_role):
    needs_postgresql()
    other = user_with_role(agency_tree["mof"], "coordinator")
    services.move(by=staff, dataset=dataset, to="submit")
    approved, returned = collide(
        lambda: services.move(by=approver, dataset=dataset, to="approve"),
        lambda: services.move(by=other, dataset=dataset, to="return", note="欄位說明不足"),
    )
    assert isinstance(approved, Dataset)
    refused_in_words(returned, "退回")
    assert Dataset.objects.get(pk=dataset.pk).state == "approved"
