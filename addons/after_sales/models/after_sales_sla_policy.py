# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AfterSalesSlaPolicy(models.Model):
    """Response and resolution targets per team x priority x customer tier.

    Empty team/priority/tier means "any". The most specific matching policy
    wins (team before tier before priority), then the sequence.
    """

    _name = "after.sales.sla.policy"
    _description = "After-Sales SLA Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", default=lambda self: self.env.company
    )
    team_id = fields.Many2one("helpdesk.ticket.team", string="Team", check_company=True)
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        help="Leave empty for any priority.",
    )
    tier_id = fields.Many2one(
        "res.partner.tier", string="Customer Tier", help="Leave empty for any tier."
    )
    response_hours = fields.Float(
        string="Response Target (h)",
        required=True,
        default=4.0,
        help="Hours from reception to the start of work.",
    )
    resolution_hours = fields.Float(
        string="Resolution Target (h)",
        required=True,
        default=24.0,
        help="Hours from reception to resolution.",
    )
    warning_percent = fields.Float(
        string="Warning at (%)",
        default=80.0,
        help="Share of the target time after which the handler is warned.",
    )

    @api.constrains("response_hours", "resolution_hours", "warning_percent")
    def _check_targets(self):
        for policy in self:
            if policy.response_hours <= 0 or policy.resolution_hours <= 0:
                raise ValidationError(self.env._("SLA targets must be positive."))
            if policy.resolution_hours < policy.response_hours:
                raise ValidationError(
                    self.env._(
                        "The resolution target cannot be shorter than the "
                        "response target."
                    )
                )
            if not 0 < policy.warning_percent <= 100:
                raise ValidationError(
                    self.env._("The warning threshold must be between 0 and 100 %.")
                )

    def _match(self, ticket):
        """Most specific policy of ``self`` applying to ``ticket`` (no query)."""
        tier = (
            ticket.commercial_partner_id.customer_tier_id
            if "customer_tier_id" in ticket.commercial_partner_id._fields
            else False
        )
        best, best_key = self.browse(), None
        for policy in self:
            if policy.company_id and policy.company_id != ticket.company_id:
                continue
            if policy.team_id and policy.team_id != ticket.team_id:
                continue
            if policy.priority and policy.priority != ticket.priority:
                continue
            if policy.tier_id and policy.tier_id != tier:
                continue
            key = (
                -(4 * bool(policy.team_id) + 2 * bool(policy.tier_id))
                - bool(policy.priority),
                policy.sequence,
                policy.id,
            )
            if best_key is None or key < best_key:
                best, best_key = policy, key
        return best
