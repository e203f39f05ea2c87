# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Batches of the scheduled actions, claimed so that two cron workers (on
one or several Odoo servers) never do the same work twice."""

from odoo.tools import SQL


def lock_batch(records, domain, limit, order="id"):
    """Up to ``limit`` records of ``records``' model matching ``domain``
    (access rules of ``records``' environment applied), locked until the end
    of the transaction.

    Rows another transaction (a second cron worker) has locked are skipped
    instead of waited for (``FOR NO KEY UPDATE SKIP LOCKED``): two workers
    take different batches and never wait for each other. Each cron writes
    its marker (the reason why a record no longer matches ``domain``) in the
    same transaction, so a worker that started before the other one committed
    cannot redo the work either: locking a row updated since its snapshot
    fails (repeatable read) and the batch is retried at the next run.
    """
    query = records._search(domain, limit=limit, order=order)
    rows = records.env.execute_query(
        SQL(
            "%s FOR NO KEY UPDATE OF %s SKIP LOCKED",
            query.select(),
            SQL.identifier(records._table),
        )
    )
    return records.browse(row[0] for row in rows)
