"""Every write of plans: cycles, editing, review and import; audited in the same transaction.

A package by subject; every name is re-exported here, so callers import ``services`` as before."""

from __future__ import annotations

from servq.plans.services import (
    _common,  # noqa: F401
    comments,  # noqa: F401  (the module itself, for tests that patch it)
    cycles,  # noqa: F401  (the module itself, for tests that patch it)
    editing,  # noqa: F401  (the module itself, for tests that patch it)
    importing,  # noqa: F401  (the module itself, for tests that patch it)
    indicators,  # noqa: F401  (the module itself, for tests that patch it)
    review,  # noqa: F401  (the module itself, for tests that patch it)
)
from servq.plans.services._common import (  # noqa: F401
    ITEM_FIELDS,
    OWN_AGENCY_PREFIXES,
    PLAN_HEADER_FIELDS,
    EditConflict,
    PlanError,
    _claim,
    _copy_contents,
    _deadline_fields,
    _deadline_values,
    _ensure_no_plan_yet,
    _latest_change,
    _require_author,
    _require_editable,
    _sync_search_status,
    match_unit,
)
from servq.plans.services.comments import (  # noqa: F401
    answer_comment,
    open_comment_period,
    submit_comment,
)
from servq.plans.services.cycles import (  # noqa: F401
    _copy_framework,
    choose_categories,
    open_cycle,
    start_plan,
)
from servq.plans.services.editing import (  # noqa: F401
    Fill,
    _check_node,
    _indicator_snapshot,
    _item_snapshot,
    _may_edit_item,
    _renumber,
    _set_units,
    _touch,
    add_item,
    delete_indicator,
    delete_item,
    fill_gaps,
    move_item,
    refile_plan,
    save_indicator,
    update_item,
    update_plan,
)
from servq.plans.services.importing import (  # noqa: F401
    DEFAULT_PROGRAM,
    PlanImportError,
    ProgramMatch,
    _save_indicators,
    _save_items,
    find_duplicate,
    import_plan,
    import_plan_file,
    link_plan_to_cycle,
    program_for,
)
from servq.plans.services.indicators import clear_override, override_indicator, seed_indicators  # noqa: F401
from servq.plans.services.review import (  # noqa: F401
    _add_revision_line,
    _new_version,
    _require_complete,
    _retire_earlier_versions,
    _save_comments,
    record_consultation,
    record_posting,
    set_requirements,
    transition,
)
