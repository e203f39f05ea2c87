# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from ..models.sale_customer_integrity_mixin import as_system


class ResPartnerTierPinWizard(models.TransientModel):
    """Pin (锁定) the tier of customers with a reason."""

    _name = "res.partner.tier.pin.wizard"
    _description = "Pin Customer Tier"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    tier_id = fields.Many2one("res.partner.tier", string="Tier", required=True)
    reason = fields.Text(required=True)

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group("sale_customer_mgmt.group_customer_manager"):
            raise AccessError(self.env._("Only sales managers can pin a tier."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Give the reason for pinning the tier."))
        partners = self.partner_ids.commercial_partner_id
        now = fields.Datetime.now()
        # sudo: manager checked above; the history is an engine-written log
        self.env["res.partner.tier.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": partner._tier_scoring_company().id,
                    "date": now,
                    "old_tier_id": partner.customer_tier_id.id,
                    "new_tier_id": self.tier_id.id,
                    "score": partner.customer_score,
                    "cause": "manual_pin",
                    "note": self.reason,
                }
                for partner in partners
            ]
        )
        contacts = self.env["res.partner"].search(
            [
                ("commercial_partner_id", "in", partners.ids),
                ("id", "not in", partners.ids),
            ]
        )
        # the tier and the pin are system-written: this button owns them
        as_system(contacts).write({"customer_tier_id": self.tier_id.id})
        as_system(partners).write(
            {
                "customer_tier_id": self.tier_id.id,
                "tier_locked": True,
                "tier_lock_reason": self.reason,
                "tier_locked_by_id": self.env.user.id,
                "tier_locked_date": now,
                "tier_last_change_date": now,
            }
        )
        body = self.env._(
            "Tier pinned to %(tier)s: %(reason)s",
            tier=self.tier_id.display_name,
            reason=self.reason,
        )
        partners._message_log_batch(dict.fromkeys(partners.ids, body))
        return {"type": "ir.actions.act_window_close"}
