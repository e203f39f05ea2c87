# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two cron workers at once, for the concurrency tests of the three addons."""

from contextlib import closing, contextmanager

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect

# the other shared helpers, importable from here as well
from .common import (  # noqa: F401
    SALES_ROLES,
    QueryCountMixin,
    count_queries,
    make_users,
)


@contextmanager
def two_workers(dbname):
    """Yield two superuser environments, each on its own database connection
    (as two workers of a multi-worker deployment): each sees only what the
    other committed. A lock wait fails after 5 seconds instead of hanging the
    test suite. Both transactions are rolled back at the end; undoing what
    the test committed is the caller's part."""
    connection = db_connect(dbname)
    with closing(connection.cursor()) as cr_a, closing(connection.cursor()) as cr_b:
        for cr in (cr_a, cr_b):
            cr.execute("SET lock_timeout = '5s'")
            # for the whole session, also after a rollback
            cr.commit()  # pylint: disable=invalid-commit
        try:
            yield (
                api.Environment(cr_a, SUPERUSER_ID, {}),
                api.Environment(cr_b, SUPERUSER_ID, {}),
            )
        finally:
            cr_a.rollback()
            cr_b.rollback()
