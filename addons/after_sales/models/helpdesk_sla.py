# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# an SLA longer than a year of working days is a typing error, and the
# calendar arithmetic of helpdesk_mgmt_sla walks day by day up to it
MAX_SLA_DAYS = 366
MAX_SLA_HOURS = 24 * MAX_SLA_DAYS


class HelpdeskSla(models.Model):
    """helpdesk_mgmt_sla's SLA, with what the service loop adds.

    OCA matches an SLA to a ticket by team, category, tag and filter, and
    counts its deadline in the working hours of the team's calendar until the
    ticket reaches the SLA's stage (paused in the ignored stages). The loop
    adds the ticket's priority and its customer's tier as criteria, a warning
    before the deadline, and says which SLA is the first-response target and
    which the resolution target that the staff evaluation uses. Of several
    matching SLAs of the same target, the most specific one applies (team,
    then tier, then priority; then the sequence); SLAs without a target all
    apply, as in helpdesk_mgmt_sla.
    """

    _name = "helpdesk.sla"
    _inherit = ["helpdesk.sla", "sale.customer.integrity.mixin"]
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        help="Leave empty for any priority.",
    )
    tier_ids = fields.Many2many(
        "res.partner.tier",
        string="Customer Tiers",
        help="The SLA applies to customers of these tiers; leave empty for any.",
    )
    after_sales_target = fields.Selection(
        [("response", "First Response"), ("resolution", "Resolution")],
        string="Service Loop Target",
        help="First response: reached when work starts on the ticket; "
        "resolution: reached when the ticket is resolved. The staff "
        "evaluation counts these two targets. Leave empty for other SLAs.",
    )
    warning_percent = fields.Float(
        string="Warning at (%)",
        default=80.0,
        help="Share of the SLA time after which the handler is warned.",
    )

    @api.constrains("days", "hours", "warning_percent", "after_sales_target")
    def _check_after_sales_targets(self):
        for sla in self:
            if sla.days < 0 or sla.hours < 0:
                raise ValidationError(
                    self.env._("The days and hours of an SLA cannot be negative.")
                )
            if sla.days > MAX_SLA_DAYS or sla.hours > MAX_SLA_HOURS:
                raise ValidationError(
                    self.env._(
                        "An SLA cannot be longer than %(days)s days.",
                        days=MAX_SLA_DAYS,
                    )
                )
            if sla.after_sales_target and not (sla.days or sla.hours):
                raise ValidationError(
                    self.env._("A service loop target needs some days or hours.")
                )
            # NaN fails both comparisons
            if not 0 < sla.warning_percent <= 100:
                raise ValidationError(
                    self.env._("The warning threshold must be between 0 and 100 %.")
                )

    def _after_sales_specificity(self):
        """Sort key: the most specific SLA first."""
        self.ensure_one()
        return (
            -(4 * bool(self.team_ids) + 2 * bool(self.tier_ids) + bool(self.priority)),
            self.sequence,
            self.id,
        )
