# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The prospect (crm.lead) of sale_customer_mgmt: the write checks every
concern relies on, the follow-up recorded on messages, and the visits.

Each concern has its file: crm_lead_man.py (MAN qualification),
crm_lead_card.py (colour cards and heat grades), crm_lead_prospect.py
(sources, purification, follow-up, public pool), crm_lead_dealer.py
(dealer development).
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .sale_customer_integrity_mixin import as_system


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "sale.customer.integrity.mixin"]

    # visits
    customer_visit_ids = fields.One2many(
        "sale.customer.visit", "lead_id", string="Visits"
    )
    customer_visit_count = fields.Integer(compute="_compute_customer_visit_count")

    def _compute_customer_visit_count(self):
        data = self.env["sale.customer.visit"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]
        )
        counts = {lead.id: count for lead, count in data}
        for lead in self:
            lead.customer_visit_count = counts.get(lead.id, 0)

    # The contact flag, the public pool flag and the regrade flag are
    # read-only fields: the follow-up, the pool buttons and the crons set
    # them, under the system token (sale_customer_integrity_mixin). A lead
    # becomes won through the won button or a write of its stage or
    # probability: the dealer checks of the button hold on every path.
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._scm_check_vals(vals)
            self._check_stage_value(vals)
        vals_list = [self._man_answers_first(vals) for vals in vals_list]
        leads = super().create(vals_list)
        if not self._scm_is_system():
            # a default of the context (e.g. the public pool's menu) sets no
            # flag on a lead that would contradict it
            leads._check_pool_consistency()
            if leads.filtered("is_contacted"):
                leads._scm_check_vals({"is_contacted": True})
        leads._get_won_leads()._check_dealer_ready()
        leads.filtered("heat_grade")._schedule_card_review()
        return leads

    def write(self, vals):
        self._scm_check_vals(vals)
        self._check_stage_value(vals)
        vals = self._man_answers_first(vals)
        self._check_dealer_write(vals)
        pooled = (
            self.filtered("in_public_pool")
            if vals.get("user_id") and not self._scm_is_system()
            else self.browse()
        )
        res = super().write(vals)
        if pooled:
            # a prospect given a salesperson leaves the pool, as when claimed
            as_system(pooled).write({"in_public_pool": False})
        if "heat_grade" in vals or "date_deadline" in vals or "card_color" in vals:
            flagged = self.filtered("card_regrade_needed")
            if flagged:
                as_system(flagged).write({"card_regrade_needed": False})
        if "heat_grade" in vals or "card_color" in vals:
            self._schedule_card_review()
        return res

    @api.model
    def _check_stage_value(self, vals):
        """Refuse a ``stage_id`` that is not the id of a stage (a text, a
        list...) with a clear error, before the overrides (ours and crm's)
        read it."""
        if not isinstance(vals, dict) or not vals.get("stage_id"):
            return
        stage = vals["stage_id"]
        if (
            not isinstance(stage, int)
            or isinstance(stage, bool)
            or not self.env["crm.stage"].browse(stage).exists()
        ):
            raise ValidationError(
                self.env._(
                    "%(value)s is not a stage of the pipeline.", value=repr(stage)
                )
            )

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if kwargs.get("message_type") == "comment" or kwargs.get(
            "mail_activity_type_id"
        ):
            if not self.env.user.share:
                # sudo: users allowed to post on the lead (mail checks read access)
                # must not fail on recording the follow-up date
                self.sudo()._mark_followed_up()
        return message

    def action_view_customer_visits(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sale_customer_mgmt.sale_customer_visit_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        return action
