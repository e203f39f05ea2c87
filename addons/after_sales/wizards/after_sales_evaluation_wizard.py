# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class AfterSalesEvaluationWizard(models.TransientModel):
    _name = "after.sales.evaluation.wizard"
    _description = "Generate Staff Evaluations"

    date_from = fields.Date(
        required=True,
        default=lambda self: date.today().replace(day=1) - relativedelta(months=1),
    )
    date_to = fields.Date(
        required=True,
        default=lambda self: date.today().replace(day=1) - relativedelta(days=1),
    )
    user_ids = fields.Many2many(
        "res.users", string="Employees", default=lambda self: self._default_user_ids()
    )

    @api.model
    def _default_user_ids(self):
        teams = self.env["helpdesk.ticket.team"].search(
            [("after_sales_loop", "=", True)]
        )
        return teams.user_ids.filtered(lambda u: not u.share)

    def action_generate(self):
        self.ensure_one()
        evaluations = self.env["after.sales.evaluation"]._generate(
            self.date_from, self.date_to, self.user_ids
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "after_sales.after_sales_evaluation_action"
        )
        action["domain"] = [("id", "in", evaluations.ids)]
        return action
