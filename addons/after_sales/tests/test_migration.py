# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import importlib.util
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import AfterSalesCommon


def load_migration():
    path = file_path("after_sales/migrations/18.0.1.1.0/post-migration.py")
    spec = importlib.util.spec_from_file_location("after_sales_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigrationToOca(AfterSalesCommon):
    """Upgrading from 18.0.1.0.0, where after_sales had its own SLA policies
    and feedback tokens: their tables, as that version left them, are built
    with SQL (in the test's transaction), then the post-migration runs."""

    def _legacy_tables(self):
        cr = self.env.cr
        cr.execute(
            """
            CREATE TABLE after_sales_sla_policy (
                id serial PRIMARY KEY, name jsonb, sequence int, active bool,
                company_id int, team_id int, priority varchar, tier_id int,
                response_hours float, resolution_hours float,
                warning_percent float);
            CREATE TABLE after_sales_feedback_token (
                id serial PRIMARY KEY, ticket_id int, partner_id int,
                token varchar, expiration_date timestamp, used_date timestamp,
                channel varchar);
            """
        )

    def test_policies_and_feedback_move_to_oca_models(self):
        self._legacy_tables()
        tier = self.env["res.partner.tier"].search([("code", "=", "A")], limit=1)
        cr = self.env.cr
        cr.execute(
            """
            INSERT INTO after_sales_sla_policy (name, sequence, active, team_id,
                priority, tier_id, response_hours, resolution_hours,
                warning_percent)
            VALUES ('{"en_US": "Key customers"}', 5, true, %s, '2', %s, 1.5,
                    6, 60)
            """,
            [self.team.id, tier.id],
        )
        rated = self._resolve(self._ticket())
        waiting = self._resolve(self._ticket())
        self.env.flush_all()
        cr.execute(
            "UPDATE helpdesk_ticket SET feedback_rating = 2, feedback_comment = "
            "'Slow', feedback_channel = 'portal' WHERE id = %s",
            [rated.id],
        )
        cr.execute(
            """
            INSERT INTO after_sales_feedback_token (ticket_id, partner_id, token,
                expiration_date, channel)
            VALUES (%s, %s, 'legacy-token', %s, 'link')
            """,
            [
                waiting.id,
                waiting.partner_id.id,
                fields.Datetime.now() + timedelta(days=3),
            ],
        )
        self.env.invalidate_all()
        load_migration().migrate(cr, "18.0.1.0.0")

        slas = self.env["helpdesk.sla"].search([("name", "like", "Key customers")])
        self.assertEqual(
            sorted(slas.mapped(lambda s: (s.after_sales_target, s.hours))),
            [("resolution", 6), ("response", 2)],
        )
        self.assertEqual(slas.tier_ids, tier)
        self.assertEqual(slas.team_ids, self.team)
        self.assertEqual(set(slas.mapped("priority")), {"2"})
        self.assertEqual(set(slas.mapped("warning_percent")), {60.0})
        # the feedback given is a rating of Odoo's screens now
        self.assertEqual(rated.rating_ids.rating, 2)
        self.assertTrue(rated.rating_ids.consumed)
        self.assertEqual(rated.rating_ids.after_sales_channel, "portal")
        # the link sent before the upgrade still works, once
        request = waiting.rating_ids
        self.assertEqual(request.access_token, "legacy-token")
        self.assertTrue(request._after_sales_is_usable())
        waiting.rating_apply(5, token="legacy-token")
        self.assertEqual(waiting.feedback_rating, 5)
        self.assertFalse(request._after_sales_is_usable())
