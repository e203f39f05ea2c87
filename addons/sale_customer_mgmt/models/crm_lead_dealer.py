# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dealer development: what a dealer prospect must have (credit evaluation,
payment terms, signed contract, technical assistance) before it is won, on
every path that makes a lead won.
"""

from odoo import fields, models
from odoo.exceptions import UserError

DEALER_FIELDS = {
    "is_dealer",
    "dealer_credit_evaluation",
    "dealer_payment_term_id",
    "dealer_contract_signed",
    "dealer_technical_assistance",
}
DEALER_WON_TRIGGERS = {"stage_id", "probability", "active"} | DEALER_FIELDS


class CrmLead(models.Model):
    # one concern of the model per file, split on purpose
    _inherit = "crm.lead"

    # dealer development
    is_dealer = fields.Boolean(string="Dealer Prospect")
    dealer_credit_evaluation = fields.Text(string="Credit Evaluation")
    dealer_payment_term_id = fields.Many2one(
        "account.payment.term", string="Dealer Payment Terms", check_company=True
    )
    dealer_contract_signed = fields.Boolean(string="Contract Signed")
    dealer_technical_assistance = fields.Text(
        string="Technical Assistance Plan",
        help="Technical assistance agreed with the dealer.",
    )

    def _check_dealer_write(self, vals):
        """The dealer checks of the won button, before a write that makes a
        lead won (its stage or probability) or changes what a won dealer
        has: checked on the values the lead will have, so that nothing is
        written when they fail."""
        if DEALER_WON_TRIGGERS.isdisjoint(vals):
            return
        stage_won = None
        if "stage_id" in vals:
            # a stage id or empty (_check_stage_value)
            stage_won = self.env["crm.stage"].browse(vals["stage_id"] or ()).is_won
        probability = vals.get("probability")
        if not isinstance(probability, int | float) or isinstance(probability, bool):
            probability = None
        for lead in self:
            won_now = lead in lead._get_won_leads()
            won_then = vals.get("active", lead.active) and (
                (lead.stage_id.is_won if stage_won is None else stage_won)
                or (lead.probability if probability is None else probability) >= 100
            )
            if won_then and (not won_now or not DEALER_FIELDS.isdisjoint(vals)):
                lead._check_dealer_ready(vals)

    def _get_won_leads(self):
        """The leads of ``self`` that are won: a won stage or a probability of
        100 (Odoo's won status), as the won button leaves them."""
        return self.filtered(
            lambda lead: lead.active
            and (lead.stage_id.is_won or lead.probability >= 100)
        )

    def action_set_won(self):
        self._check_dealer_ready()
        return super().action_set_won()

    def _get_dealer_missing(self, vals=None):
        """What the dealer lacks, with ``vals`` about to be written."""
        self.ensure_one()
        vals = vals or {}

        def value(fname):
            return vals[fname] if fname in vals else self[fname]

        missing = []
        if not value("dealer_credit_evaluation"):
            missing.append(self.env._("credit evaluation"))
        if not value("dealer_payment_term_id"):
            missing.append(self.env._("payment terms"))
        if not value("dealer_contract_signed"):
            missing.append(self.env._("signed contract"))
        if not value("dealer_technical_assistance"):
            missing.append(self.env._("technical assistance"))
        return missing

    def _check_dealer_ready(self, vals=None):
        vals = vals or {}
        for lead in self.filtered(lambda lead: vals.get("is_dealer", lead.is_dealer)):
            missing = lead._get_dealer_missing(vals)
            if missing:
                raise UserError(
                    self.env._(
                        "Dealer prospect %(lead)s cannot become a customer yet. "
                        "Still missing: %(missing)s.",
                        lead=lead.display_name,
                        missing=", ".join(missing),
                    )
                )
