# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

STAGE_CODES = [
    ("exploratory", "Exploratory"),
    ("basic", "Basic"),
    ("cooperative", "Cooperative"),
    ("partnership", "Partnership"),
    ("synergistic", "Synergistic"),
]


class KeyAccountStage(models.Model):
    _name = "key.account.stage"
    _inherit = ["sale.customer.integrity.mixin"]
    _description = "Key Account Relationship Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(STAGE_CODES, required=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    fold = fields.Boolean(help="Folded in the kanban view of the key accounts.")
    checklist_item_ids = fields.One2many(
        "key.account.stage.checklist",
        "stage_id",
        string="Exit Checklist",
        help="What must be true of the relationship before the account may leave "
        "this stage for the next one.",
    )
    checklist_item_count = fields.Integer(compute="_compute_checklist_item_count")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Each stage code may be used only once."),
    ]

    @api.depends("checklist_item_ids")
    def _compute_checklist_item_count(self):
        for stage in self:
            stage.checklist_item_count = len(stage.checklist_item_ids)

    def _get_next_stage(self, stages=None):
        """The stage that follows ``self`` in the sequence (empty at the end).

        :param stages: all the stages in their order, when the caller already
            has them (to check many accounts without a query each)
        """
        self.ensure_one()
        stages = self.search([]) if stages is None else stages
        index = list(stages).index(self)
        return stages[index + 1] if index + 1 < len(stages) else self.browse()

    def _is_after(self, other, stages=None):
        """Whether ``self`` comes after ``other`` in the stage order.

        :param stages: as in :meth:`_get_next_stage`
        """
        self.ensure_one()
        if not other:
            return True
        stages = list(self.search([]) if stages is None else stages)
        return stages.index(self) > stages.index(other)
