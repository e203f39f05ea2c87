# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util

from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL
from odoo.tools.misc import file_path


def load_migration():
    path = file_path("sale_customer_mgmt/migrations/18.0.1.1.0/post-migration.py")
    spec = importlib.util.spec_from_file_location("man_post_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestCrmManMigration(TransactionCase):
    """Upgrading from 18.0.1.0.0, where a MAN criterion was a bare boolean and
    a lead nobody qualified was class 8: rows as that version left them are
    built with SQL, then the post-migration runs on them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = load_migration()
        cls.salesman = new_test_user(
            cls.env, login="man_migration", groups="sales_team.group_sale_salesman"
        )

    def _old_rows(self, rows):
        """Leads stored as 18.0.1.0.0 did: booleans, the class computed from
        them (8 when all False), no answers."""
        leads = self.env["crm.lead"].create(
            [{"name": name, "user_id": self.salesman.id} for name in rows]
        )
        self.env.flush_all()
        for lead, (money, authority, need, active) in zip(
            leads, rows.values(), strict=True
        ):
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE crm_lead
                       SET man_money = %(money)s, man_authority = %(authority)s,
                           man_need = %(need)s, active = %(active)s,
                           man_money_state = NULL, man_authority_state = NULL,
                           man_need_state = NULL, man_class = 8, man_code = 'man',
                           man_assessment = '8'
                     WHERE id = %(id)s
                    """,
                    money=money,
                    authority=authority,
                    need=need,
                    active=active,
                    id=lead.id,
                )
            )
        leads.invalidate_recordset()
        return leads

    def test_leads_with_a_ticked_criterion_become_assessed(self):
        ideal, need_only, untouched, archived = self._old_rows(
            {
                "Ideal": (True, True, True, True),
                "Need only": (False, False, True, True),
                "Nobody looked": (False, False, False, True),
                "Archived with money": (True, False, False, False),
            }
        )
        # a lead already answered by the new version is left as it is
        answered = self.env["crm.lead"].create(
            {"name": "Answered", "user_id": self.salesman.id, "man_money_state": "no"}
        )
        assessed = self.migration.mark_assessed(self.env)
        self.assertEqual(assessed, ideal | need_only | archived)
        self.env.invalidate_all()
        Lead = self.env["crm.lead"].with_user(self.salesman)
        fnames = ["man_money_state", "man_authority_state", "man_need_state"]
        fnames += ["man_class", "man_code", "man_assessment"]
        got = {
            row["id"]: tuple(row[f] for f in fnames)
            for row in Lead.with_context(active_test=False)
            .browse((ideal | need_only | untouched | archived | answered).ids)
            .read(fnames)
        }
        self.assertEqual(
            got,
            {
                ideal.id: ("yes", "yes", "yes", 1, "MAN", "1"),
                need_only.id: ("no", "no", "yes", 5, "maN", "5"),
                untouched.id: (False, False, False, 0, False, "not_assessed"),
                archived.id: ("yes", "no", "no", 7, "Man", "7"),
                answered.id: ("no", False, False, 8, "man", "8"),
            },
        )
        # the booleans still say yes where they did
        self.assertEqual(
            (need_only.man_money, need_only.man_need, untouched.man_need),
            (False, True, False),
        )
        # the class filter follows the stored class
        self.assertFalse(
            Lead.search([("id", "=", untouched.id), ("man_class", "=", 8)]),
            "a lead nobody assessed is no longer in class 8",
        )

    def test_runs_only_on_upgrade(self):
        (untouched,) = self._old_rows({"Nobody looked": (True, False, False, True)})
        self.migration.migrate(self.env.cr, None)  # fresh install: nothing to do
        self.assertFalse(untouched.man_money_state)
        self.migration.migrate(self.env.cr, "18.0.1.0.0")
        untouched.invalidate_recordset()
        self.assertEqual((untouched.man_money_state, untouched.man_class), ("yes", 7))
