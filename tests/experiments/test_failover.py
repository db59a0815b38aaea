"""The primary payment provider fails; payments fail over to the backup and the orders keep succeeding.

``aref chaos run payment_provider_failure`` (the session's one run of it, shared with the
experiment matrix) injects an error fault on the attempts at the primary provider only
(stripe-sim). The run's ``failed_over`` expectation must pass: the backup (adyen-sim) captured at
least 90% of a batch of payments, counted by the payments replicas themselves, within the bound;
and the load generator's own record must show fewer than 5% of the orders failing from that
moment until the fault ended.
"""

from __future__ import annotations

from chaos.schema import EXPERIMENTS_DIR
from tests.experiments.conftest import ExperimentRuns
from tests.integration.helpers import api


def test_payments_fail_over_to_the_backup_and_orders_keep_succeeding(experiment_runs: ExperimentRuns) -> None:
    done = experiment_runs(EXPERIMENTS_DIR / "payment_provider_failure.yaml")
    print(done.stderr)
    assert done.returncode in (0, 1), f"no verdict (exit {done.returncode}): {done.stderr[-2000:]}"
    record = done.record
    assert (record["fault"]["service"], record["fault"]["provider"]) == ("payments", "stripe-sim")

    (failover,) = [e for e in record["expectations"] if e["kind"] == "failed_over"]
    assert failover["passed"], failover["detail"]
    assert failover["params"]["max_error_rate"] == 0.05  # the detail holds the client's numbers after the switch
    assert "orders failed" in failover["detail"]

    assert done.providers_after["adyen-sim"] > done.providers_before["adyen-sim"]  # the backup really captured
    assert api("GET", "/api/aref/chaos/status").json()["active"] == []
