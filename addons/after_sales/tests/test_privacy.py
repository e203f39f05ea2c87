# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Service agents: the answers of the tickets they may see, and no sales or
margin figure of a customer, whatever the call (domain spec §4)."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AfterSalesCommon

PARTNER_FIGURES = {
    "customer_score",
    "tier_sales_12m",
    "tier_sales_prev_12m",
    "tier_margin_12m",
    "tier_paid_share",
    "tier_overdue_amount",
    "lifetime_value",
}


@tagged("post_install", "-at_install")
class TestAfterSalesPrivacy(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_agent = new_test_user(
            cls.env,
            login="as_own_agent",
            name="Own Agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user_own,"
            "base.group_allow_export",
        )
        cls.team.user_ids = [Command.link(cls.own_agent.id)]
        template = cls.env["after.sales.form.template"].create(
            {
                "name": "Privacy form",
                "question_ids": [
                    Command.create({"name": "Serial number"}),
                    Command.create({"name": "Cause"}),
                ],
            }
        )
        cls.mine = cls._ticket(name="Mine", user_id=cls.own_agent.id)
        cls.theirs = cls._ticket(name="Theirs", user_id=cls.agent_2.id)
        cls.followed = cls._ticket(name="Followed", user_id=cls.agent_3.id)
        cls.followed.message_subscribe(partner_ids=cls.own_agent.partner_id.ids)
        cls.unassigned = cls._ticket(name="Unassigned")
        cls.tickets = cls.mine | cls.theirs | cls.followed | cls.unassigned
        # the template's questions are asked on every ticket (synced on create)
        answers = cls.env["after.sales.form.answer"]
        for ticket in cls.tickets:
            for question in template.question_ids - ticket.form_answer_ids.question_id:
                answers.create({"ticket_id": ticket.id, "question_id": question.id})
        answers = cls.tickets.form_answer_ids.filtered(
            lambda a: a.question_id in template.question_ids
        )
        for answer in answers:
            answer.value_text = f"{answer.ticket_id.name} {answer.question_id.name}"
        cls.answers = answers

    def test_answers_follow_their_ticket(self):
        """The own-tickets agent sees the answers of her ticket, of the
        unassigned ticket of her team and of the ticket she follows: the
        tickets she may see, no other."""
        tickets = self.env["helpdesk.ticket"].with_user(self.own_agent)
        visible_tickets = tickets.search([("id", "in", self.tickets.ids)])
        self.assertEqual(visible_tickets, self.mine | self.followed | self.unassigned)
        answers = self.env["after.sales.form.answer"].with_user(self.own_agent)
        domain = [("id", "in", self.answers.ids)]
        seen = answers.search(domain)
        self.assertEqual(seen.ticket_id, visible_tickets)
        self.assertEqual(len(seen), 6)
        rows = answers.search_read(domain, ["ticket_id", "value_text"])
        self.assertNotIn(self.theirs.id, {row["ticket_id"][0] for row in rows})
        groups = answers.read_group(domain, ["__count"], ["ticket_id"])
        self.assertEqual(
            {group["ticket_id"][0] for group in groups}, set(visible_tickets.ids)
        )
        exported = seen.export_data(["value_text"])["datas"]
        self.assertFalse([row for row in exported if row[0].startswith("Theirs")])
        result = answers.web_search_read(domain, {"value_text": {}})
        self.assertEqual(result["length"], 6)
        other = self.answers.filtered(lambda a: a.ticket_id == self.theirs)[:1]
        with self.assertRaises(AccessError):
            other.with_user(self.own_agent).read(["value_text"])
        with self.assertRaises(AccessError):
            other.with_user(self.own_agent).write({"value_text": "changed"})
        # the team agent sees every answer of the team's tickets
        team_seen = self.env["after.sales.form.answer"].with_user(self.agent_1)
        self.assertEqual(len(team_seen.search(domain)), 8)

    def test_agent_reads_no_customer_figure(self):
        """An agent reads the customer's tier (it sets the priority), never its
        sales, margin or score, neither on the partner nor through a ticket."""
        for agent in (self.agent_1, self.own_agent):
            partner = self.customer.with_user(agent)
            self.assertTrue(partner.read(["customer_tier_id"]))
            for fname in PARTNER_FIGURES | {"figure_margin_12m", "tier_history_ids"}:
                with self.assertRaises(AccessError, msg=fname):
                    partner.read([fname])
                with self.assertRaises(AccessError, msg=fname):
                    partner.search_read([("id", "=", partner.id)], [fname])
            ticket = self.mine.with_user(agent)
            with self.assertRaises(AccessError):
                ticket.web_read({"partner_id": {"fields": {"tier_margin_12m": {}}}})
            with self.assertRaises(AccessError):
                self.env["helpdesk.ticket"].with_user(agent).search(
                    [("partner_id.tier_margin_12m", ">", 0)]
                )
        # exports (the own-tickets agent may export)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.own_agent).export_data(["tier_margin_12m"])
        with self.assertRaises(AccessError):
            self.mine.with_user(self.own_agent).export_data(
                ["partner_id/tier_margin_12m"]
            )
        for model in ("res.partner.figures", "sale.customer.performance.report"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.agent_1).search([])

    def test_no_field_relays_a_figure(self):
        """No field of after_sales relays a partner figure: related fields are
        read as superuser, so one would bypass the field groups."""
        figures = {
            name
            for name, field in self.env["res.partner"]._fields.items()
            if field.groups and "group_customer_figures" in field.groups
        }
        self.assertTrue(PARTNER_FIGURES <= figures)
        for model_name in self.env.registry.descendants(
            [name for name in self.env.registry if name.startswith("helpdesk.")]
            + [name for name in self.env.registry if name.startswith("after.sales.")],
            "_inherit",
        ):
            for field in self.env[model_name]._fields.values():
                if not field.related:
                    continue
                path = field.related.split(".")
                self.assertFalse(
                    path[-1] in figures and not field.groups,
                    f"{model_name}.{field.name} relays {field.related}",
                )
        # and the ticket views show none to an agent
        arch = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent_1)
            .get_views([(False, "form"), (False, "list")])
        )
        for view in arch["views"].values():
            for fname in figures:
                self.assertNotIn(f'name="{fname}"', view["arch"])
