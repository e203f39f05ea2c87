# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# what a user confirms on a line; the rest is set by the system
CHECKLIST_USER_FIELDS = ("done", "note")


class KeyAccountChecklistLine(models.Model):
    """The exit checklist of an account: the lines are created by the system
    when the account enters a stage (``res.partner._ka_sync_checklist``, with
    ``sudo()``); a user confirms the items of the current stage (``done``,
    ``note``), and the system records who and when."""

    _name = "key.account.checklist.line"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Key Account Exit Checklist Completion"
    _order = "stage_sequence, sequence, id"

    partner_id = fields.Many2one(
        "res.partner", string="Account", required=True, ondelete="cascade", index=True
    )
    item_id = fields.Many2one(
        "key.account.stage.checklist",
        string="Checklist Item",
        required=True,
        ondelete="cascade",
    )
    name = fields.Char(related="item_id.name")
    stage_id = fields.Many2one(related="item_id.stage_id", store=True)
    stage_sequence = fields.Integer(
        related="item_id.stage_id.sequence", store=True, string="Stage Sequence"
    )
    sequence = fields.Integer(related="item_id.sequence", store=True)
    # precomputed: the lines of many accounts are created at once (stage
    # changes) and the ORM files each new line under its account's current
    # checklist (a one2many filtered on this field) as it creates it; a value
    # computed later would be read back with one query per account
    is_current = fields.Boolean(
        compute="_compute_is_current",
        store=True,
        precompute=True,
        help="The item belongs to the stage the account is in now.",
    )
    done = fields.Boolean()
    done_date = fields.Date(readonly=True)
    done_user_id = fields.Many2one("res.users", string="Confirmed By", readonly=True)
    note = fields.Char(help="Evidence: what shows that this is true.")

    _sql_constraints = [
        (
            "partner_item_unique",
            "UNIQUE(partner_id, item_id)",
            "A checklist item appears only once per account.",
        ),
    ]

    @api.depends("partner_id.ka_stage_id", "item_id.stage_id")
    def _compute_is_current(self):
        for line in self:
            line.is_current = line.stage_id == line.partner_id.ka_stage_id

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The exit checklist of an account is created by the system when "
                    "the account enters a stage."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_user_write(vals)
        if "done" in vals:
            vals = dict(
                vals,
                done_date=fields.Date.context_today(self) if vals["done"] else False,
                done_user_id=self.env.user.id if vals["done"] else False,
            )
        return super().write(vals)

    def _check_user_write(self, vals):
        system = [fname for fname in vals if fname not in CHECKLIST_USER_FIELDS]
        if system:
            raise UserError(
                self.env._(
                    "Only the confirmation and the evidence of a checklist item can "
                    "be changed; %(fields)s are set by the system.",
                    fields=", ".join(
                        self._fields[fname]._description_string(self.env)
                        if fname in self._fields
                        else fname
                        for fname in system
                    ),
                )
            )
        if "done" in vals and self.filtered(lambda line: not line.is_current):
            raise UserError(
                self.env._(
                    "Only the exit checklist of the stage the account is in can be "
                    "confirmed."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_user(self):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The exit checklist is kept with the account; its lines cannot "
                    "be deleted."
                )
            )

    def action_mark_done(self):
        self.write({"done": True})
        return True
