from odoo.tests import TransactionCase


class TestInstall(TransactionCase):
    def test_sales_roles_carry_customer_groups(self):
        salesman = self.env.ref("sales_team.group_sale_salesman")
        self.assertIn(
            self.env.ref("sale_customer_mgmt.group_customer_user"),
            salesman.implied_ids,
        )
