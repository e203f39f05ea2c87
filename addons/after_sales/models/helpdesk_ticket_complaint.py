# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Complaints and defector interviews.

A complaint on a loop ticket is escalated once, when it becomes one: a to-do
for the customer's escalation users (sale_customer_mgmt's hook, e.g. the key
account manager of key_account) and the team leader. Complaints count against
the employee concerned in the staff evaluation, and against the customer's
cooperation in the tier score (res_partner.py). A customer marked as lost gets
one defector-interview ticket (the cron).
"""

from odoo import api, fields, models

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)
from odoo.addons.sale_customer_mgmt.tools import lock_batch


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    is_complaint = fields.Boolean(string="Complaint", tracking=True, copy=False)
    complaint_type = fields.Selection(
        [
            ("product", "Product Quality"),
            ("service", "Service"),
            ("delivery", "Delivery"),
            ("attitude", "Staff Attitude"),
            ("billing", "Billing"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    complaint_root_cause = fields.Text()
    complaint_user_id = fields.Many2one(
        "res.users",
        string="Employee Concerned",
        help="Employee the complaint is about; counted in their evaluation.",
    )
    complaint_escalated = fields.Boolean(copy=False, readonly=True)
    is_defector_interview = fields.Boolean(string="Defector Interview", copy=False)

    @api.model
    def _scm_system_fields(self):
        return super()._scm_system_fields() | {"complaint_escalated"}

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        complaints = tickets.filtered(lambda t: t.loop_enabled and t.is_complaint)
        if complaints:
            complaints._after_sales_escalate_complaint()
        return tickets

    def write(self, vals):
        new_complaints = self.browse()
        if vals.get("is_complaint"):
            new_complaints = self.filtered(lambda t: not t.is_complaint)
        res = super().write(vals)
        if new_complaints:
            new_complaints.filtered("loop_enabled")._after_sales_escalate_complaint()
        return res

    def _after_sales_escalate_complaint(self):
        for ticket in self:
            users = ticket.commercial_partner_id._get_escalation_users()
            users |= ticket.team_id.user_id
            users = users.filtered(lambda u: not u.share)
            summary = self.env._("Customer complaint: %(name)s", name=ticket.name)
            for user in users:
                ticket.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=user.id, summary=summary
                )
            ticket.message_post(
                body=self.env._(
                    "Complaint escalated to: %(users)s",
                    users=", ".join(users.mapped("name")) or "-",
                ),
                subtype_xmlid="mail.mt_note",
            )
        as_system(self).write({"complaint_escalated": True})

    # ---------------------------------------------------------------
    # Defector interviews (cron)
    # ---------------------------------------------------------------

    @api.model
    def _after_sales_defector_domain(self):
        interviewed = self.with_context(active_test=False)._search(
            [
                ("is_defector_interview", "=", True),
                ("commercial_partner_id", "!=", False),
            ]
        )
        return [
            ("churn_state", "=", "lost"),
            ("is_company", "=", True),
            ("after_sales_defector_interviewed", "=", False),
            ("id", "not in", interviewed.subselect("commercial_partner_id")),
        ]

    @api.model
    def _after_sales_defector_assignees(self, partners, team):
        """Who interviews each lost customer: their salesperson when he is a
        member of the service team (he knows the account), else the team
        leader (the service manager). ``{partner id: user}``, computed for
        the whole batch; an empty user when there is neither (the team's
        automatic dispatch, if any, then gives the ticket to a member)."""
        members = team.user_ids if team else self.env["res.users"]
        leader = team.user_id if team else self.env["res.users"]
        partners.fetch(["user_id"])
        assignees = {}
        for partner in partners:
            salesperson = partner.user_id
            if salesperson and salesperson in members:
                assignees[partner.id] = salesperson
            else:
                assignees[partner.id] = leader
        return assignees

    @api.model
    def _cron_after_sales_defector_interview(self, batch_size=100):
        """Create one defector-interview ticket per lost customer.

        Each ticket is assigned (``_after_sales_defector_assignees``), never
        left to the cron's user (OdooBot), and written in the assignee's
        language. The customers of a batch are locked and marked as
        interviewed in the same transaction as their ticket is created.
        """
        partner_model = self.env["res.partner"]
        team = self.env.ref("after_sales.helpdesk_team_after_sales", False)
        domain = self._after_sales_defector_domain()
        lost = lock_batch(partner_model, domain, batch_size)
        assignees = self._after_sales_defector_assignees(lost, team)
        envs = {}  # language -> environment, once per language
        vals_list = []
        for partner in lost:
            user = assignees[partner.id]
            lang = user.lang or self.env.lang
            env = envs.setdefault(lang, self.with_context(lang=lang).env)
            vals_list.append(
                {
                    "name": env._(
                        "Defector interview: %(partner)s", partner=partner.name
                    ),
                    "description": env._(
                        "<p>The customer was marked as lost. Ask why they left "
                        "and what would bring them back.</p>"
                    ),
                    "partner_id": partner.id,
                    "team_id": team.id if team else False,
                    "company_id": partner.company_id.id or self.env.company.id,
                    # explicitly (even empty): helpdesk_mgmt's auto-assignment
                    # would otherwise give it to the cron's user
                    "user_id": user.id,
                    "is_defector_interview": True,
                }
            )
        self.create(vals_list)
        as_system(lost).write({"after_sales_defector_interviewed": True})
        remaining = partner_model.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(lost), remaining=remaining)
        return remaining
