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


def _text(value):
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


# the text form of an element by its exact type (a dictionary lookup instead
# of a chain of isinstance() per element: a first run formats some 500 000);
# repr of a float reads back as the same number (float8 and numeric)
_FORMAT = {
    type(None): lambda value: "NULL",
    bool: lambda value: "t" if value else "f",
    int: repr,
    float: repr,
    datetime: lambda value: value.isoformat(" "),
    date: date.isoformat,
    str: _text,
}


def _other(value):
    """A subclass of the types above (an int enum, a date subclass) by its
    base, anything else as text."""
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return _text(value)


def _element(value):
    return _FORMAT.get(type(value), _other)(value)


def sql_array(values, sql_type):
    """``values`` as one ``sql_type[]`` parameter (``SQL``). Elements are
    ``None``, booleans, numbers, dates, datetimes or text; ``sql_type`` is
    one of the engine's column types (a fixed word, never user input)."""
    literal = "{" + ",".join(map(_element, values)) + "}"
    return SQL("%s::" + sql_type + "[]", literal)
