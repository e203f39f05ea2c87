# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The after-sales loop's own writes of the fields users may not write.

A field the loop or the staff evaluation computes (the loop's dates and SLA
flags on tickets, the figures, score, rank and state of an evaluation) is
refused in ``create``/``write`` unless the call is the loop's own: made in an
environment marked by ``as_system``. The mark is a Python object in the
context, which no RPC call can send (a context arrives as JSON).
"""

from odoo.exceptions import AccessError

SYSTEM_WRITE = object()
CONTEXT_KEY = "after_sales_system_write"


def as_system(records):
    """``records`` in an environment whose writes are the loop's own."""
    return records.with_context(**{CONTEXT_KEY: SYSTEM_WRITE})


def is_system(env):
    return env.context.get(CONTEXT_KEY) is SYSTEM_WRITE


def check_system_fields(records, vals, names):
    """Refuse ``names`` in ``vals`` unless the loop writes."""
    if is_system(records.env):
        return
    forbidden = sorted(set(names) & vals.keys())
    if forbidden:
        raise AccessError(
            records.env._(
                "%(fields)s: set by the service loop only.",
                fields=", ".join(
                    records._fields[name]._description_string(records.env)
                    for name in forbidden
                ),
            )
        )
