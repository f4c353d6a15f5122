"""Every write of citizen cases: intake, the workflow, roll-ups, the outbox, configuration and API clients; audited in the same transaction.

A package by subject; every name is re-exported here, so callers import ``services`` as before."""

from __future__ import annotations

from servq.cases.services import (
    _common,  # noqa: F401  (the module itself, for tests that patch it)
    clients,  # noqa: F401  (the module itself, for tests that patch it)
    configuration,  # noqa: F401  (the module itself, for tests that patch it)
    history,  # noqa: F401  (the module itself, for tests that patch it)
    intake,  # noqa: F401  (the module itself, for tests that patch it)
    outbox,  # noqa: F401  (the module itself, for tests that patch it)
    stats,  # noqa: F401  (the module itself, for tests that patch it)
    workflow,  # noqa: F401  (the module itself, for tests that patch it)
)
from servq.cases.services._common import (  # noqa: F401
    MAX_DESCRIPTION,
    TOKEN_ALPHABET,
    TOKEN_LENGTH,
    CaseError,
)
from servq.cases.services.attachments import (  # noqa: F401
    Upload,
    clean_uploads,
)
from servq.cases.services.clients import (  # noqa: F401
    create_api_client,
    new_query_password,
    token_hash,
    token_matches,
)
from servq.cases.services.configuration import (  # noqa: F401
    Adopted,
    _check_handler,
    add_routing_rule,
    adopt_categories,
    delete_routing_rule,
    keep_application_kind,
    load_default_categories,
    update_category,
)
from servq.cases.services.history import (  # noqa: F401
    HistoryPlan,
    import_case_history,
)
from servq.cases.services.intake import (  # noqa: F401
    NUMBER_ATTEMPTS,
    _clean_intake,
    _coordinate,
    _file,
    mail_copy,
    new_case_number,
    route,
    submit_case,
)
from servq.cases.services.outbox import (  # noqa: F401
    _mail_on_commit,
    _send_citizen_mail,
    send_pending_mail,
    track_url,
)
from servq.cases.services.stats import (  # noqa: F401
    STATS_COUNTS,
    STATS_KEY,
    STATS_UPSERT,
    _bump_stats,
    _count_close,
    _fold_key,
    _month,
    _upsert_stats,
    fold_stats_shards,
)
from servq.cases.services.workflow import (  # noqa: F401
    _advance,
    _event,
    _locked,
    _record,
    _unpause,
    ask_citizen,
    assign,
    extend,
    merge_duplicate,
    read_personal_data,
    record_satisfaction,
    reopen,
    reply,
    resume,
    start,
    supplement,
    transfer,
)
