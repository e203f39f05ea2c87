# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class AfterSalesFormTemplate(models.Model):
    """Service form (自定义服务表单) filled by the technician on a ticket."""

    _name = "after.sales.form.template"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Service Form Template"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", default=lambda self: self.env.company
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Team",
        check_company=True,
        help="Leave empty for any team.",
    )
    category_id = fields.Many2one(
        "helpdesk.ticket.category",
        string="Category",
        help="Leave empty for any category.",
    )
    question_ids = fields.One2many(
        "after.sales.form.question", "template_id", string="Questions", copy=True
    )

    def _match(self, ticket):
        """Most specific template of ``self`` for ``ticket`` (no query)."""
        best, best_key = self.browse(), None
        for template in self:
            if template.company_id and template.company_id != ticket.company_id:
                continue
            if template.team_id and template.team_id != ticket.team_id:
                continue
            if template.category_id and template.category_id != ticket.category_id:
                continue
            key = (
                -(2 * bool(template.category_id) + bool(template.team_id)),
                template.sequence,
                template.id,
            )
            if best_key is None or key < best_key:
                best, best_key = template, key
        return best
