# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged

from ..hooks import DEFAULT_PARTNER_COLUMNS
from .common import check_default_columns


@tagged("post_install", "-at_install")
class TestInstallColumns(TransactionCase):
    def test_default_columns_are_the_fields_defaults(self):
        # pre_init_hook creates them filled (tools/columns.py): the list is
        # every partner field of ours with a default, with its default
        check_default_columns(
            self,
            self.env["res.partner"],
            "sale_customer_mgmt",
            DEFAULT_PARTNER_COLUMNS,
        )

    def test_existing_partners_hold_the_default(self):
        # the company's partner existed when the module was installed: it got
        # the default from the column, without an UPDATE
        partner = self.env.ref("base.main_partner")
        self.assertEqual(partner.tier_potential_rating, "0")
        self.assertEqual(partner.tier_cooperation_rating, "0")
