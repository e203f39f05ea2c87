# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Columns created before the ORM meets them, at installation.

When a module adds a field to a table that already holds rows, the ORM
creates the column and then fills it for every row: an ``UPDATE`` of the
whole table for a field with a default, a compute record by record for a
stored computed field. On a partner table of 50 000 customers that was most
of the installation, and left a dead version of every row per field. An
install hook that creates the column with ``ADD COLUMN ... DEFAULT <constant>``
rewrites no row (PostgreSQL keeps the constant in the catalogue); the ORM
then finds the column and leaves it as it is.
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists


def create_filled_columns(cr, table, columns):
    """Create the columns ``{name: (sql_type, value)}`` missing from
    ``table``, every existing row holding ``value`` (None: NULL). Only for
    values the ORM would give every existing row (a field's default, or what
    its compute gives a row without the module's data): the caller's tests
    compare them with the fields."""
    for name, (sql_type, value) in columns.items():
        if column_exists(cr, table, name):
            continue
        column = SQL.identifier(name)
        if value is None:
            cr.execute(
                SQL(
                    "ALTER TABLE %s ADD COLUMN %s %s",
                    SQL.identifier(table),
                    column,
                    SQL(sql_type),
                )
            )
            continue
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN %s %s DEFAULT %s",
                SQL.identifier(table),
                column,
                SQL(sql_type),
                value,
            )
        )
        # the ORM keeps no default in the database
        cr.execute(
            SQL(
                "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT",
                SQL.identifier(table),
                column,
            )
        )
