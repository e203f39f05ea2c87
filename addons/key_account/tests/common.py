# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.mail.tests.common import mail_new_test_user


class KeyAccountCommon(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ka_manager = mail_new_test_user(
            cls.env,
            login="ka_manager",
            name="KA Manager",
            groups="base.group_user,key_account.group_key_account_manager",
        )
        cls.ka_user = mail_new_test_user(
            cls.env,
            login="ka_user",
            name="KA User",
            groups="base.group_user,key_account.group_key_account_user",
        )
        cls.ka_user_other = mail_new_test_user(
            cls.env,
            login="ka_user_other",
            name="KA Other",
            groups="base.group_user,key_account.group_key_account_user",
        )
        cls.salesman = mail_new_test_user(
            cls.env,
            login="ka_salesman",
            name="Plain Salesman",
            groups="base.group_user,base.group_partner_manager,"
            "sales_team.group_sale_salesman",
        )
        Stage = cls.env["key.account.stage"]
        cls.stage_exploratory = Stage.search([("code", "=", "exploratory")])
        cls.stage_basic = Stage.search([("code", "=", "basic")])
        cls.stage_cooperative = Stage.search([("code", "=", "cooperative")])
        cls.stage_partnership = Stage.search([("code", "=", "partnership")])
        cls.stage_synergistic = Stage.search([("code", "=", "synergistic")])
        cls.account = cls.env["res.partner"].create(
            {
                "name": "Test Account Co.",
                "is_company": True,
                "is_key_account": True,
                "ka_user_id": cls.ka_user.id,
                "ka_stage_id": cls.stage_exploratory.id,
            }
        )

    @classmethod
    def _complete_checklist(cls, partner):
        partner.ka_checklist_line_ids.filtered(
            lambda line: line.stage_id == partner.ka_stage_id
        ).write({"done": True})
