"""``loanmatch route-overflow``: one routing pass over the banks' queued leads, for cron.

The service makes this pass itself on lead traffic; a deployment without traffic drives it
from cron with the service's own environment (``LOANMATCH_REDIS_URL`` or the data folder of
the embedded Redis, ``LOANMATCH_RULES`` for the branch files). It talks to Redis directly,
so it needs no API key.
"""

from __future__ import annotations

import os
import sys

import click


@click.command("route-overflow")
def route_overflow():
    """Route queued leads to branches with room today; print how many per bank."""
    from http_api.lead_service import LeadService
    from http_api.settings import ConfigError, Settings
    from leads import BranchFileError, LeadError

    env = {k: v for k, v in os.environ.items() if k.startswith("LOANMATCH_")}
    env["LOANMATCH_AUTH"] = "off"  # no HTTP here: keys are the server's business
    try:
        service = LeadService(Settings.from_env(env))
        routed = service.store().route_all_overflow()
    except (ConfigError, BranchFileError, LeadError) as exc:
        click.echo(f"error: {exc} (run it with the service's LOANMATCH_* environment)", err=True)
        sys.exit(2)
    for bank, count in sorted(routed.items()):
        if count:
            click.echo(f"{bank}\t{count}")
    click.echo(
        f"routed {sum(routed.values())} queued lead(s) over {len(routed)} bank(s) "
        f"({service.where()})",
        err=True,
    )
