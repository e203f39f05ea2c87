# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class KeyAccountStageChange(models.TransientModel):
    _name = "key.account.stage.change"
    _description = "Key Account Stage Override, Regression or Uncoupling"

    partner_id = fields.Many2one("res.partner", string="Account", required=True)
    current_stage_id = fields.Many2one(related="partner_id.ka_stage_id")
    change_type = fields.Selection(
        [
            ("override", "Override the Exit Checklist"),
            ("regression", "Regression"),
            ("uncoupling", "Uncoupling"),
        ],
        required=True,
    )
    stage_id = fields.Many2one(
        "key.account.stage",
        string="New Stage",
        compute="_compute_stage_id",
        store=True,
        readonly=False,
    )
    uncoupling_cause = fields.Selection(
        [
            ("other_supplier", "Buyer wants another supplier"),
            ("pushed_too_hard", "We pushed too hard"),
            ("other", "Other"),
        ]
    )
    reason = fields.Text(required=True)
    missing_items = fields.Text(compute="_compute_missing_items")

    @api.depends("partner_id", "change_type")
    def _compute_stage_id(self):
        for wizard in self:
            current = wizard.partner_id.ka_stage_id
            if wizard.change_type == "override" and current:
                wizard.stage_id = current._get_next_stage()
            else:
                wizard.stage_id = current

    @api.depends("partner_id")
    def _compute_missing_items(self):
        for wizard in self:
            if wizard.partner_id.ka_stage_id:
                missing = wizard.partner_id._ka_missing_checklist_items()
                wizard.missing_items = "\n".join(missing.mapped("name")) or False
            else:
                wizard.missing_items = False

    def action_apply(self):
        self.ensure_one()
        partner = self.partner_id
        current = partner.ka_stage_id
        if not self.reason.strip():
            raise UserError(self.env._("Give the reason or cause."))
        ctx = {
            "ka_stage_event": self.change_type,
            "ka_stage_reason": self.reason,
            "ka_uncoupling_cause": self.uncoupling_cause,
        }
        if self.change_type == "override":
            if not self.stage_id or self.stage_id != current._get_next_stage():
                raise UserError(
                    self.env._("An override moves the account to the next stage only.")
                )
        elif self.stage_id and current and self.stage_id._is_after(current):
            raise UserError(
                self.env._(
                    "A regression or uncoupling cannot move the account forward."
                )
            )
        if self.stage_id == current:
            # uncoupling without a change of stage: record the event only
            if self.change_type != "uncoupling":
                raise UserError(self.env._("Choose an earlier stage."))
            partner.with_context(**ctx)._ka_log_stage_change(
                {partner.id: ("uncoupling", current)}
            )
        else:
            partner.with_context(**ctx).write({"ka_stage_id": self.stage_id.id})
        return {"type": "ir.actions.act_window_close"}
