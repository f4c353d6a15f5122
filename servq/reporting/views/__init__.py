"""The reporting pages, by subject: cycles and periods, progress and evidence, self-evaluation, the year-end report, the calendar, dashboards.

A package by subject; every name is re-exported here, so the URLs import ``views`` as before."""

from __future__ import annotations

from servq.reporting.views._common import (  # noqa: F401
    YEAR_END_FORMATS,
    _cycle,
    _period,
    _plan,
    _refused,
)
from servq.reporting.views.calendar import (  # noqa: F401
    calendar_feed,
    set_schedule,
)
from servq.reporting.views.cycles import (  # noqa: F401
    STATE_LABELS,
    _count_states,
    close_period,
    compliance,
    cycle_detail,
    index,
    reopen_period,
    self_evaluation_compliance,
    set_up_periods,
)
from servq.reporting.views.dashboards import (  # noqa: F401
    _dashboard_csv,
    _default_root,
    dashboard,
)
from servq.reporting.views.measures import (  # noqa: F401
    compare,
    indicator,
    measure_catalogue,
    measure_records,
    records_url,
)
from servq.reporting.views.progress import (  # noqa: F401
    _entry,
    _evidence,
    _progress_forms,
    _progress_page,
    _withdraw,
    download_evidence,
    progress,
    save_report,
)
from servq.reporting.views.self_evaluation import (  # noqa: F401
    public_self_evaluation,
    public_self_evaluations,
    self_evaluation,
)
from servq.reporting.views.year_end import (  # noqa: F401
    _agency,
    unit_results,
    year_end,
    year_end_export,
    year_end_layout,
)
