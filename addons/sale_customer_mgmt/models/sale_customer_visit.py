# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# the states a visit may move to from each state (buttons and writes alike):
# a done visit stays done (it counts in the plans and followed a prospect
# up); a cancelled one may be planned again
VISIT_TRANSITIONS = {
    "planned": ("done", "cancelled"),
    "done": (),
    "cancelled": ("planned",),
}
PURPOSE_FIELDS = (
    "purpose_introduce",
    "purpose_reason",
    "purpose_service",
    "purpose_remembered",
    "purpose_first_call",
)


class SaleCustomerVisit(models.Model):
    _name = "sale.customer.visit"
    _description = "Customer Visit"
    _inherit = ["mail.thread", "mail.activity.mixin", "sale.customer.integrity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
        index=True,
    )
    date = fields.Datetime(
        required=True, default=fields.Datetime.now, tracking=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        default=lambda self: self.env.user,
        required=True,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        tracking=True,
        index=True,
        check_company=True,
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        check_company=True,
        domain="[('id', 'child_of', partner_id)]",
    )
    lead_id = fields.Many2one(
        "crm.lead", string="Prospect", index=True, check_company=True
    )
    plan_id = fields.Many2one(
        "sale.visit.plan", string="Visit Plan", index=True, ondelete="set null"
    )
    appointment_made = fields.Boolean(help="The visit was agreed with the customer.")
    # the six preparation questions
    prep_similarity = fields.Text(
        string="Similar or Different from Past Customers",
        help="What is similar to, or different from, customers visited before?",
    )
    prep_convince = fields.Text(
        string="How to Convince", help="How will you convince this customer?"
    )
    prep_impression = fields.Text(
        string="How to Leave an Impression",
        help="How will you make the customer remember you?",
    )
    prep_interruption = fields.Text(
        string="If Interrupted", help="What will you do if the visit is interrupted?"
    )
    prep_customer_info = fields.Text(
        string="Known Customer Information",
        help="What do you already know about this customer?",
    )
    prep_growth_link = fields.Text(
        string="Link Their Growth to Ours",
        help="How does the customer's growth tie in with ours?",
    )
    # the five purposes
    purpose_introduce = fields.Boolean(
        string="Introduced Company and Products", tracking=True
    )
    purpose_reason = fields.Boolean(string="Gave Reasons to Choose Us", tracking=True)
    purpose_service = fields.Boolean(
        string="Conveyed Service Commitment", tracking=True
    )
    purpose_remembered = fields.Boolean(string="Made Us Remembered", tracking=True)
    purpose_first_call = fields.Boolean(
        string="First to Be Called When a Need Arises", tracking=True
    )
    purpose_count = fields.Integer(
        string="Purposes Achieved", compute="_compute_is_successful", store=True
    )
    is_successful = fields.Boolean(
        string="Successful",
        compute="_compute_is_successful",
        store=True,
        help="At least three of the five visit purposes were achieved.",
    )
    success_rate = fields.Float(
        string="Success Rate (%)",
        compute="_compute_is_successful",
        store=True,
        aggregator="avg",
        help="100 for a successful done visit, 0 for an unsuccessful one; the "
        "average over done visits is the success rate.",
    )
    outcome = fields.Html()
    followup_class = fields.Selection(
        [
            ("keep", "Keep Visiting"),
            ("later", "Visit Again Later"),
            ("stop", "Stop Visiting"),
        ],
        string="Follow-up",
        tracking=True,
    )
    next_visit_date = fields.Date()

    @api.depends("partner_id", "lead_id", "date")
    def _compute_name(self):
        for visit in self:
            who = visit.partner_id.display_name or visit.lead_id.display_name or ""
            when = fields.Date.to_string(visit.date.date()) if visit.date else ""
            visit.name = " - ".join(filter(None, (who, when))) or self.env._("Visit")

    @api.depends("user_id")
    def _compute_team_id(self):
        for visit in self:
            if not visit.team_id or visit.team_id not in visit.user_id.crm_team_ids:
                visit.team_id = visit.user_id.sale_team_id

    @api.depends(*PURPOSE_FIELDS, "state")
    def _compute_is_successful(self):
        for visit in self:
            count = sum(1 for f in PURPOSE_FIELDS if visit[f])
            visit.purpose_count = count
            visit.is_successful = count >= 3
            visit.success_rate = 100.0 if count >= 3 and visit.state == "done" else 0.0

    @api.onchange("lead_id")
    def _onchange_lead_id(self):
        if self.lead_id.partner_id and not self.partner_id:
            self.partner_id = self.lead_id.partner_id

    @api.constrains("partner_id", "lead_id", "state")
    def _check_partner_or_lead(self):
        for visit in self:
            if not visit.partner_id and not visit.lead_id:
                raise ValidationError(
                    self.env._("A visit needs a customer or a prospect.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        visits = super().create(vals_list)
        visits.filtered(lambda v: v.state == "done")._followup_leads()
        return visits

    def write(self, vals):
        if "state" in vals:
            self._check_state_change(vals["state"])
        res = super().write(vals)
        if vals.get("state") == "done":
            self._followup_leads()
            self.activity_ids.action_feedback()
        elif vals.get("state") == "cancelled":
            self.activity_ids.unlink()
        return res

    def _check_state_change(self, new_state):
        """Planned visits are done or cancelled; cancelled ones planned
        again; a done visit stays done."""
        states = dict(self._fields["state"]._description_selection(self.env))
        for visit in self:
            if new_state == visit.state:
                continue
            if not isinstance(new_state, str) or new_state not in VISIT_TRANSITIONS.get(
                visit.state, ()
            ):
                raise UserError(
                    self.env._(
                        "%(visit)s cannot go from %(old)s to %(new)s: a planned "
                        "visit is done or cancelled, a cancelled one may be "
                        "planned again, and a done visit stays done.",
                        visit=visit.display_name,
                        old=states.get(visit.state, visit.state),
                        new=states.get(new_state, str(new_state))
                        if isinstance(new_state, str)
                        else str(new_state),
                    )
                )

    def action_done(self):
        if self.filtered(lambda v: v.state != "planned"):
            raise UserError(self.env._("Only planned visits can be marked as done."))
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_reset_to_planned(self):
        self.write({"state": "planned"})
        return True

    def _followup_leads(self):
        self.lead_id._mark_followed_up()
