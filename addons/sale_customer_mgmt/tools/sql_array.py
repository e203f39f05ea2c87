# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Large arrays passed to PostgreSQL as one parameter.

psycopg2 adapts a Python list element by element (each one quoted and cast):
for the tier engine's ``UPDATE ... FROM unnest(...)`` of 20 000 customers
with 23 columns that alone took half a second, as long as PostgreSQL took
to write the rows. The array's text form (``{1,2,NULL}``) built with
``str.join`` and passed as one string costs a fraction of it; PostgreSQL
parses it with the cast.
"""

from datetime import date, datetime

from odoo.tools import SQL


def _element(value):
    if value is None:
        return "NULL"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float):
        # repr of a float reads back as the same number (float8 and numeric)
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def sql_array(values, sql_type):
    """``values`` as one ``sql_type[]`` parameter (``SQL``). Elements are
    ``None``, booleans, numbers, dates, datetimes or text; ``sql_type`` is
    one of the engine's column types (a fixed word, never user input)."""
    literal = "{" + ",".join(map(_element, values)) + "}"
    return SQL("%s::" + sql_type + "[]", literal)
