# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.sale_customer_mgmt.tests.common import check_default_columns

from ..hooks import DEFAULT_PARTNER_COLUMNS, EMPTY_PARTNER_COLUMNS


@tagged("post_install", "-at_install")
class TestInstallColumns(TransactionCase):
    """The installation creates the columns of the stored computed partner
    fields with the values their computes would give (``pre_init_hook``),
    instead of computing them for every partner of the database."""

    def _stored(self, partners):
        self.env.flush_all()
        names = list(EMPTY_PARTNER_COLUMNS)
        rows = self.env.execute_query(
            SQL(
                "SELECT id, %s FROM res_partner WHERE id = ANY(%s) ORDER BY id",
                SQL(", ").join(SQL.identifier(name) for name in names),
                partners.ids,
            )
        )
        return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}

    def test_columns_are_the_stored_computes(self):
        partner = self.env["res.partner"]
        computed = {
            name: field
            for name, field in partner._fields.items()
            if field.store
            and field.compute
            and field.column_type
            and "key_account" in field._modules
        }
        self.assertEqual(set(computed), set(EMPTY_PARTNER_COLUMNS))
        for name, (sql_type, __) in EMPTY_PARTNER_COLUMNS.items():
            self.assertEqual(computed[name].column_type[0], sql_type, name)

    def test_values_are_those_of_a_partner_without_key_account_data(self):
        company = self.env["res.partner"].create(
            {"name": "Install Check Ltd", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Install Check Contact", "parent_id": company.id}
        )
        expected = {name: value for name, (__, value) in EMPTY_PARTNER_COLUMNS.items()}
        for values in self._stored(company | contact).values():
            self.assertEqual(values, expected)

    def test_every_partner_holds_what_its_computes_give(self):
        # the partners that existed when the module was installed got the
        # columns' values without a compute: computing again changes nothing
        partners = self.env["res.partner"].with_context(active_test=False).search([])
        before = self._stored(partners)
        for name in EMPTY_PARTNER_COLUMNS:
            self.env.add_to_compute(partners._fields[name], partners)
        after = self._stored(partners)
        self.assertEqual(after, before)

    def test_default_columns_are_the_fields_defaults(self):
        check_default_columns(
            self, self.env["res.partner"], "key_account", DEFAULT_PARTNER_COLUMNS
        )
        self.assertEqual(self.env.ref("base.main_partner").ka_gift_policy, "allowed")
