# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Staff evaluation (员工排名与绩效考核) of a service agent for a period.

This file holds the record and its life: the period, the state, who may
write what, the buttons and the monthly generation. The figures are computed
in after_sales_evaluation_figures.py, the score, grade and rank in
after_sales_evaluation_ranking.py.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    SYSTEM_TOKEN,
    SYSTEM_WRITE,
    as_system,
)


class AfterSalesEvaluation(models.Model):
    _name = "after.sales.evaluation"
    _description = "After-Sales Staff Evaluation"
    _inherit = ["mail.thread", "sale.customer.integrity.mixin"]
    _order = "date_from desc, rank, id"
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users", string="Employee", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    team_ids = fields.Many2many(
        related="user_id.helpdesk_team_ids", string="Service Teams"
    )
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        tracking=True,
        readonly=True,
    )
    note = fields.Text(string="Manager Comment")

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(user_id, company_id, date_from, date_to)",
            "An employee is evaluated once per period.",
        )
    ]

    @api.depends("user_id", "date_from", "date_to")
    def _compute_display_name(self):
        for evaluation in self:
            evaluation.display_name = (
                f"{evaluation.user_id.name or ''} "
                f"{evaluation.date_from or ''} - {evaluation.date_to or ''}"
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for evaluation in self:
            if evaluation.date_from > evaluation.date_to:
                raise ValidationError(
                    self.env._("The evaluation period ends before it starts.")
                )

    @api.model
    def _scm_system_fields(self):
        """The evaluation's figures, score, rank, grade and state: computed
        or set by its actions only."""
        return super()._scm_system_fields() | {
            name
            for name, field in self._fields.items()
            if field.readonly
            and field.store
            and not field.compute
            and name not in models.MAGIC_COLUMNS
            and name != "display_name"
        }

    def write(self, vals):
        system = self.env.context.get(SYSTEM_WRITE) is SYSTEM_TOKEN
        if not system:
            # a user who writes a system field of a confirmed evaluation is
            # told about the field first; the system's own writes (one per
            # evaluation of a monthly batch) are checked once, by the mixin
            self._scm_check_vals(vals)
        # the actions (system token) refresh the rank and the repurchase
        # figures of confirmed evaluations, and reset them to draft
        if (
            not system
            and self.filtered(lambda e: e.state == "confirmed")
            and vals.keys() - {"note", "state"}
        ):
            raise UserError(self.env._("A confirmed evaluation cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if self.filtered(lambda e: e.state == "confirmed"):
            raise UserError(self.env._("A confirmed evaluation cannot be deleted."))

    # ---------------------------------------------------------------
    # Actions
    # ---------------------------------------------------------------

    def _check_manager(self):
        if not self.env.user.has_group("after_sales.group_after_sales_manager"):
            raise AccessError(
                self.env._("Only a service manager can confirm evaluations.")
            )

    def action_compute(self):
        drafts = self.filtered(lambda e: e.state == "draft")
        # metrics, score, grade and rank end up in one write per evaluation
        self._compute_ranking(drafts._prepare_metrics())
        return True

    def action_confirm(self):
        self._check_manager()
        if self.filtered(lambda e: e.state != "draft"):
            raise UserError(self.env._("Only draft evaluations can be confirmed."))
        self.action_compute()
        as_system(self).write({"state": "confirmed"})
        return True

    def action_reset_draft(self):
        self._check_manager()
        as_system(self).write({"state": "draft"})
        return True

    def action_refresh_repurchase(self):
        """Recount the repurchases of the following period, confirmed
        evaluations included (the score is not touched)."""
        self._check_manager()
        stats = self._fetch_repurchase_stats()
        thresholds = self._repurchase_thresholds()
        for evaluation in self:
            values = evaluation._repurchase_values(
                stats[evaluation.id], evaluation.rating_smoothed, thresholds
            )
            changed = {
                fname: value
                for fname, value in values.items()
                if evaluation[fname] != value
            }
            if changed:
                as_system(evaluation).write(changed)
        return True

    # ---------------------------------------------------------------
    # Generation
    # ---------------------------------------------------------------

    @api.model
    def _generate(self, date_from, date_to, users):
        """Create (or refresh) the draft evaluations of ``users`` for a period."""
        if not isinstance(users, models.BaseModel):
            users = self.env["res.users"].browse(users)
        existing = self.search(
            [
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
                ("company_id", "=", self.env.company.id),
                ("user_id", "in", users.ids),
            ]
        )
        # A monthly batch for the whole staff: no chatter per new draft (a
        # creation note, an "assigned to you" mail, the tracking of every
        # first computed value), which cost most of the time; the employees
        # follow their evaluation, subscribed in one go. Drafts computed
        # later by hand (or at confirmation) are tracked as usual.
        batch = self.with_context(tracking_disable=True)
        new = batch.create(
            [
                {"user_id": user.id, "date_from": date_from, "date_to": date_to}
                for user in users - existing.user_id
            ]
        )
        new._subscribe_employees()
        (existing | new).with_env(batch.env).action_compute()
        return existing | new

    def _subscribe_employees(self):
        """Each employee follows their evaluation (one batch of followers)."""
        subtype_ids = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(
            self._name
        )[1]
        vals_list = [
            {
                "res_model": self._name,
                "res_id": evaluation.id,
                "partner_id": evaluation.user_id.partner_id.id,
                "subtype_ids": [Command.set(subtype_ids)],
            }
            for evaluation in self
            if evaluation.user_id.partner_id
        ]
        # sudo: followers are technical records, created as mail.thread
        # does for the responsible user of a record
        self.env["mail.followers"].sudo().create(vals_list)
