# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleVisitPlan(models.Model):
    _name = "sale.visit.plan"
    _description = "Monthly Visit Plan"
    _inherit = ["mail.thread"]
    _order = "date_from desc, user_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    date_from = fields.Date(
        string="Month",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date(compute="_compute_date_to", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("generated", "Generated")],
        default="draft",
        required=True,
        tracking=True,
    )
    visit_ids = fields.One2many("sale.customer.visit", "plan_id", string="Visits")
    planned_count = fields.Integer(
        string="Planned Visits", compute="_compute_counts", store=True
    )
    done_count = fields.Integer(
        string="Done Visits", compute="_compute_counts", store=True
    )
    successful_count = fields.Integer(
        string="Successful Visits", compute="_compute_counts", store=True
    )
    completion_rate = fields.Float(
        string="Done (%)", compute="_compute_counts", store=True, aggregator="avg"
    )
    success_rate = fields.Float(
        string="Success Rate (%)",
        compute="_compute_counts",
        store=True,
        aggregator="avg",
        help="Successful visits among done visits.",
    )

    _sql_constraints = [
        (
            "user_month_unique",
            "UNIQUE(user_id, company_id, date_from)",
            "A salesperson has one visit plan per month.",
        )
    ]

    @api.depends("user_id", "date_from")
    def _compute_name(self):
        for plan in self:
            plan.name = self.env._(
                "%(user)s - %(month)s",
                user=plan.user_id.name or "",
                month=plan.date_from.strftime("%Y-%m") if plan.date_from else "",
            )

    @api.depends("date_from")
    def _compute_date_to(self):
        for plan in self:
            plan.date_to = plan.date_from and (plan.date_from + relativedelta(day=31))

    @api.depends("visit_ids.state", "visit_ids.is_successful")
    def _compute_counts(self):
        for plan in self:
            visits = plan.visit_ids.filtered(lambda v: v.state != "cancelled")
            done = visits.filtered(lambda v: v.state == "done")
            plan.planned_count = len(visits)
            plan.done_count = len(done)
            plan.successful_count = len(done.filtered("is_successful"))
            plan.completion_rate = (
                100.0 * plan.done_count / plan.planned_count
                if plan.planned_count
                else 0.0
            )
            plan.success_rate = (
                100.0 * plan.successful_count / plan.done_count
                if plan.done_count
                else 0.0
            )

    @api.constrains("date_from")
    def _check_date_from(self):
        for plan in self:
            if plan.date_from.day != 1:
                raise ValidationError(
                    self.env._("A visit plan starts on the first day of a month.")
                )

    def action_generate(self):
        """Plan the month: customers by tier visit frequency plus open prospects."""
        for plan in self:
            plan._generate_visits()
        self.state = "generated"
        return True

    def action_view_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sale_customer_mgmt.sale_customer_visit_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {
            "default_plan_id": self.id,
            "default_user_id": self.user_id.id,
        }
        return action

    def _get_plan_targets(self):
        """Return a list of (partner, lead, number of visits) to plan."""
        self.ensure_one()
        partners = self.env["res.partner"].search(
            [
                ("user_id", "=", self.user_id.id),
                ("customer_tier_id.visit_per_month", ">", 0),
                ("company_id", "in", [self.company_id.id, False]),
                ("parent_id", "=", False),
            ]
        )
        targets = [
            (p, self.env["crm.lead"], p.customer_tier_id.visit_per_month)
            for p in partners
        ]
        leads = self.env["crm.lead"].search(
            [
                ("user_id", "=", self.user_id.id),
                ("company_id", "in", [self.company_id.id, False]),
                ("probability", "<", 100),
                ("man_class", "!=", 8),
                ("followup_decision", "!=", "give_up"),
            ]
        )
        targets += [
            (lead.partner_id, lead, 1)
            for lead in leads
            if lead.partner_id not in partners
        ]
        return targets

    def _generate_visits(self):
        self.ensure_one()
        existing = {
            (visit.partner_id.id, visit.lead_id.id)
            for visit in self.visit_ids
            if visit.state != "cancelled"
        }
        days = (self.date_to - self.date_from).days + 1
        user_tz = pytz.timezone(self.user_id.tz or "UTC")
        vals_list = []
        for partner, lead, count in self._get_plan_targets():
            if (partner.id, lead.id) in existing:
                continue
            for i in range(count):
                day = self.date_from + timedelta(days=(i * days) // count)
                vals_list.append(
                    {
                        "plan_id": self.id,
                        "user_id": self.user_id.id,
                        "company_id": self.company_id.id,
                        "partner_id": partner.id,
                        "lead_id": lead.id,
                        # 09:00 in the salesperson's time zone, stored in UTC
                        "date": user_tz.localize(datetime.combine(day, time(9, 0)))
                        .astimezone(pytz.utc)
                        .replace(tzinfo=None),
                    }
                )
        visits = self.env["sale.customer.visit"].create(vals_list)
        for visit in visits:
            visit.activity_schedule(
                "mail.mail_activity_data_meeting",
                date_deadline=visit.date.date(),
                summary=self.env._("Planned visit"),
                user_id=visit.user_id.id,
            )
        self.message_post(
            body=self.env._("%(count)s visits planned.", count=len(visits)),
            message_type="notification",
        )
        return visits
