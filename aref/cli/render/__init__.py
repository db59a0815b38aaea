"""Every table, panel and progress display of the CLI, drawn from the API's JSON shapes (``aref.control.wire``).

All rendering is here, one module per command group, re-exported so a command calls
``render.<name>``: ``basics`` (``--json`` output, formats, tables), ``scores`` (CRS, pillars,
maturity), ``fleet`` (services, replicas, flags), ``lifecycle`` (alerts, timeline, incidents,
reviews, actions, runbooks), ``chaos`` (experiments, faults, the live run), ``stack`` (``up``,
``load``, ``seed``), ``demo`` and ``watch`` (the live view). Functions take the console and plain
data; nothing here talks to the API.
"""

from aref.cli.render import demo, watch
from aref.cli.render.basics import (
    NONE,
    STYLES,
    Row,
    cell,
    formatter,
    line,
    percent,
    raw,
    records,
    seconds,
    show,
    table,
    when,
)
from aref.cli.render.chaos import FAULT_KEYS, MARKS, experiments, faults, run_progress, run_result
from aref.cli.render.fleet import flag, flags, replicas, services
from aref.cli.render.lifecycle import (
    ALERT_KEYS,
    actions,
    alert,
    alerts,
    brief,
    incidents,
    recovery_run,
    reviews,
    runbooks,
    timeline,
)
from aref.cli.render.live_run import LiveRun, live_run
from aref.cli.render.scores import maturity, pillars, status
from aref.cli.render.stack import bar_progress, load_status, load_summary, seeded, stack_progress

__all__ = [
    "ALERT_KEYS",
    "FAULT_KEYS",
    "MARKS",
    "NONE",
    "STYLES",
    "LiveRun",
    "Row",
    "actions",
    "alert",
    "alerts",
    "bar_progress",
    "brief",
    "cell",
    "demo",
    "experiments",
    "faults",
    "flag",
    "flags",
    "formatter",
    "incidents",
    "line",
    "live_run",
    "load_status",
    "load_summary",
    "maturity",
    "percent",
    "pillars",
    "raw",
    "records",
    "recovery_run",
    "replicas",
    "reviews",
    "run_progress",
    "run_result",
    "runbooks",
    "seconds",
    "seeded",
    "services",
    "show",
    "stack_progress",
    "status",
    "table",
    "timeline",
    "watch",
    "when",
]
