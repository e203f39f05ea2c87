# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class KeyAccountStageChecklist(models.Model):
    _name = "key.account.stage.checklist"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Key Account Stage Exit Checklist Item"
    _order = "stage_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    stage_id = fields.Many2one(
        "key.account.stage", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        # accounts already in the stage get the new item on their checklist
        partners = self.env["res.partner"].search(
            [("ka_stage_id", "in", items.stage_id.ids)]
        )
        partners._ka_sync_checklist()
        return items
