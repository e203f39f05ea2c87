# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum

from markupsafe import Markup

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..tools import sql_array


@tagged("post_install", "-at_install")
class TestSqlArray(TransactionCase):
    """The arrays the tier engine passes as one text parameter read back in
    PostgreSQL as the values sent, whatever they hold."""

    def _round_trip(self, values, sql_type):
        rows = self.env.execute_query(
            SQL(
                "SELECT v FROM unnest(%s) WITH ORDINALITY AS t(v, n) ORDER BY n",
                sql_array(values, sql_type),
            )
        )
        return [row[0] for row in rows]

    def test_numbers(self):
        floats = [0.1, 1 / 3, -2.5e-12, 123456789.123456, None, 0.0]
        self.assertEqual(self._round_trip(floats, "float8"), floats)
        self.assertEqual(
            self._round_trip([1, None, -7, 2**31 - 1], "int"), [1, None, -7, 2**31 - 1]
        )
        # numeric columns keep the float's shortest decimal form
        self.assertEqual(
            [float(v) for v in self._round_trip([83.34, 1 / 3], "numeric")],
            [83.34, 1 / 3],
        )

    def test_text_dates_booleans(self):
        texts = [
            "plain",
            "a,b",
            "{braces}",
            'quote " and \\ backslash',
            "",
            "NULL",
            None,
            "重点客户 A",
        ]
        self.assertEqual(self._round_trip(texts, "varchar"), texts)
        stamps = [
            datetime(2026, 12, 6, 1, 2, 3),
            datetime(2026, 1, 1, 0, 0, 0, 500),
            None,
        ]
        self.assertEqual(self._round_trip(stamps, "timestamp"), stamps)
        days = [date(2026, 2, 28), None]
        self.assertEqual(self._round_trip(days, "date"), days)
        self.assertEqual(
            self._round_trip([True, False, None], "bool"), [True, False, None]
        )

    def test_empty(self):
        self.assertEqual(self._round_trip([], "int"), [])

    def test_subclasses(self):
        """Values of a subclass of a known type (an int enum, a text
        subclass such as Markup) or of another type (Decimal) are sent by
        their value, not by their repr."""

        class Level(IntEnum):
            HIGH = 3

        self.assertEqual(self._round_trip([Level.HIGH, None], "int"), [3, None])
        self.assertEqual(
            self._round_trip([Markup("<b>A</b>")], "varchar"), ["<b>A</b>"]
        )
        self.assertEqual(
            [float(v) for v in self._round_trip([Decimal("1.25")], "numeric")], [1.25]
        )
