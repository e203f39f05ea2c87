"""Our partner columns stay out of the way of every other partner read.

The three addons add some 60 stored columns to ``res.partner``. In Odoo's
default prefetch group they would be fetched with every partner Odoo reads
anywhere, a name in a many2one, an address on an invoice, a follower: the
customer pivot expanded by customer spent most of its time fetching the
display names of 20 000 partners with all of them. Each addon keeps its
columns in its own prefetch group; these tests read partners as a
salesperson's screens do and look at the SELECTs sent to PostgreSQL.
"""

import re
from unittest.mock import patch

from odoo.sql_db import Cursor
from odoo.tests import new_test_user
from odoo.tools import SQL

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)

from .common import CrossAddonCase

OUR_ADDONS = {"sale_customer_mgmt", "key_account", "after_sales"}


class TestPartnerPrefetch(CrossAddonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner_model = cls.env["res.partner"]
        # the stored columns only our addons define (found in the registry,
        # so a new field is covered without listing it here)
        cls.our_columns = {
            name
            for name, field in partner_model._fields.items()
            if field.store
            and field.column_type
            and set(field._modules) <= OUR_ADDONS
            and set(field._modules) & OUR_ADDONS
        }
        cls.salesperson = new_test_user(
            cls.env,
            login="prefetch_salesperson",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        tier_a = cls.env.ref("sale_customer_mgmt.res_partner_tier_a")
        cls.partners = partner_model.create(
            [{"name": f"Prefetch customer {i}", "is_company": True} for i in range(10)]
        )
        # a tier as the engine would store it, to read it back below
        as_system(cls.partners).write({"customer_tier_id": tier_a.id})

    def _selects(self, func):
        """Columns of res_partner named by the SELECTs ``func()`` sends, one
        set per SELECT on the partner table, caches cold."""
        self.env.flush_all()
        self.env.invalidate_all()
        queries = []
        execute = Cursor.execute

        def logged(cursor, query, params=None, log_exceptions=True):
            queries.append(query.code if isinstance(query, SQL) else str(query))
            return execute(cursor, query, params, log_exceptions)

        with patch.object(Cursor, "execute", logged):
            func()
        return [
            set(re.findall(r'"res_partner"\."(\w+)"', query))
            for query in queries
            if query.lstrip().upper().startswith("SELECT")
            and 'FROM "res_partner"' in query
        ]

    def test_our_columns_found(self):
        # the registry lookup finds the engine's figures and the key-account
        # stage: the tests below check something
        self.assertIn("customer_tier_id", self.our_columns)
        self.assertIn("tier_sales_12m", self.our_columns)
        self.assertIn("ka_stage_id", self.our_columns)

    def test_names_do_not_fetch_our_columns(self):
        partners = self.partners.with_user(self.salesperson)
        selects = self._selects(lambda: partners.mapped("display_name"))
        self.assertTrue(selects, "the names were read from the database")
        for columns in selects:
            self.assertFalse(
                columns & self.our_columns,
                "reading names fetched the addons' columns",
            )

    def test_our_group_fetched_once_for_all(self):
        partners = self.partners.with_user(self.salesperson)
        selects = self._selects(lambda: partners.mapped("customer_tier_id"))
        with_tier = [columns for columns in selects if "customer_tier_id" in columns]
        # one query for the ten customers, with the other figures of the
        # addon's group (the customer form reads them together)
        self.assertEqual(len(with_tier), 1, selects)
        self.assertIn("churn_state", with_tier[0])
        self.assertEqual(
            set(partners.mapped("customer_tier_id.code")), {"A"}, "value read back"
        )
