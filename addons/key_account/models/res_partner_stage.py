# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The relationship stages of a key account.

A key account always has a relationship stage, and only key accounts have
one. Whatever makes a partner a key account (create, write, import through
``load``, the "Make Key Account" button, the upgrade to 18.0.1.1.0) goes
through the same two steps: the values get the first stage when they give
none (``create``, ``_ka_prepare_stage_write``), then
``_ka_record_stage_change`` opens the "initial" history row and the exit
checklist. Any other stage written in the same values passes the stage rules
(``_ka_check_stage_change``): a later first stage only by a key account
manager with a reason, no skipping afterwards. Clearing the flag clears the
stage and closes its history row; the history and the checklist lines stay,
and a key account made again starts again in the first stage.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Our stored columns form their own prefetch group ("key_account"): reading a
    # partner anywhere in Odoo (its name, an address) does not fetch them;
    # reading one of them fetches the group for the records at hand.

    ka_stage_id = fields.Many2one(
        "key.account.stage",
        string="Relationship Stage",
        copy=False,
        tracking=True,
        index=True,
        group_expand="_read_group_ka_stage_id",
        help="Where the relationship stands. Every key account has a stage: it "
        "starts in the first one and moves on one stage at a time.",
        prefetch="key_account",
    )
    ka_stage_code = fields.Selection(related="ka_stage_id.code", string="Stage Code")
    ka_stage_date = fields.Datetime(
        string="In Stage Since", copy=False, readonly=True, prefetch="key_account"
    )
    ka_history_ids = fields.One2many(
        "key.account.stage.history",
        "partner_id",
        string="Stage History",
        groups="key_account.group_key_account_user",
    )
    ka_checklist_line_ids = fields.One2many(
        "key.account.checklist.line",
        "partner_id",
        string="All Checklist Lines",
        groups="key_account.group_key_account_user",
    )
    ka_current_checklist_ids = fields.One2many(
        "key.account.checklist.line",
        "partner_id",
        string="Exit Checklist",
        domain=[("is_current", "=", True)],
        groups="key_account.group_key_account_user",
    )
    ka_checklist_progress = fields.Float(
        string="Checklist Progress",
        compute="_compute_ka_checklist_progress",
        groups="key_account.group_key_account_user",
    )

    @api.model
    def _read_group_ka_stage_id(self, stages, domain):
        return stages.search([])

    @api.depends(
        "ka_stage_id", "ka_checklist_line_ids.done", "ka_checklist_line_ids.is_current"
    )
    def _compute_ka_checklist_progress(self):
        for partner in self:
            items = partner.ka_stage_id.checklist_item_ids
            if not items:
                partner.ka_checklist_progress = 100.0 if partner.ka_stage_id else 0.0
                continue
            missing = partner._ka_missing_checklist_items()
            partner.ka_checklist_progress = (
                100.0 * (len(items) - len(missing)) / len(items)
            )

    # ------------------------------------------------------------------ CRUD
    @api.model
    def _ka_flagged_vals(self, vals_list):
        """The values of ``vals_list`` that make a key account (the flag, by
        the values or a default of the context, or a stage)."""
        default_flag = self.env.context.get("default_is_key_account")
        return [
            vals
            for vals in vals_list
            if vals.get("is_key_account", default_flag) or vals.get("ka_stage_id")
        ]

    def _ka_not_key_account_error(self):
        return UserError(
            self.env._(
                "Only key accounts have a relationship stage, and %(accounts)s "
                "is not one. Make it a key account: it starts in the first stage.",
                accounts=", ".join(self.mapped("display_name")),
            )
        )

    @api.model
    def _ka_check_stage_value(self, value, stages):
        """Refuse a ``ka_stage_id`` value that is not one of ``stages`` (an
        unknown id, a text...) before the stage rules read it."""
        if not value:
            return
        if isinstance(value, models.BaseModel):
            known = value._name == stages._name and len(value) == 1 and value in stages
        else:
            known = type(value) is int and value in stages.ids
        if not known:
            raise ValidationError(
                self.env._("%(value)s is not a relationship stage.", value=repr(value))
            )

    @api.model_create_multi
    def create(self, vals_list):
        flagged = self._ka_flagged_vals(vals_list)
        stages = self.env["key.account.stage"]
        if flagged:
            stages = stages.search([])
            for vals in flagged:
                self._ka_check_stage_value(vals.get("ka_stage_id"), stages)
                if not vals.get("ka_stage_id"):
                    vals["ka_stage_id"] = stages[:1].id
        partners = super().create(vals_list)
        # read from the cache of the new records: no query for other partners
        accounts = partners.filtered("is_key_account")
        staged = partners.filtered("ka_stage_id")
        if not (accounts or staged):
            return partners
        if staged - accounts:
            raise (staged - accounts)._ka_not_key_account_error()
        stages = stages or stages.search([])
        for partner in staged:
            partner._ka_check_initial_stage(partner.ka_stage_id, stages)
        staged._ka_record_stage_change(
            {partner.id: ("initial", stages.browse()) for partner in staged}
        )
        if accounts - staged:
            # flagged by a default the values did not show (ir.default)
            (accounts - staged).write({"ka_stage_id": stages[:1].id})
        return partners

    def write(self, vals):
        if "is_key_account" not in vals and "ka_stage_id" not in vals:
            return super().write(vals)
        if "is_key_account" in vals and not vals["is_key_account"]:
            # no longer a key account: the stage goes, its history stays
            if vals.get("ka_stage_id"):
                raise self._ka_not_key_account_error()
            leaving = self.filtered("ka_stage_id")
            res = super().write(dict(vals, ka_stage_id=False, ka_stage_date=False))
            leaving._ka_close_stage_history()
            return res
        events, entering, first = self._ka_prepare_stage_write(vals)
        # the partners entering the first stage get it in their values
        res = True
        if self - entering:
            res = super(ResPartner, self - entering).write(vals)
        if entering:
            super(ResPartner, entering).write(dict(vals, ka_stage_id=first.id))
        self.filtered(lambda p: p.id in events)._ka_record_stage_change(events)
        return res

    def _ka_prepare_stage_write(self, vals):
        """Check the stage that ``vals`` gives each partner of ``self``.

        ``vals`` sets or keeps the key account flag. Key accounts without a
        stage, and without one in ``vals``, enter the first stage; every
        other change of stage passes :meth:`_ka_check_stage_change`, also
        when the flag is set in the same write.

        :return: ``(events, entering, first)``: the history events by
            partner id (as :meth:`_ka_log_stage_change` takes them), the
            partners entering the first stage, and the first stage
        """
        stages = self.env["key.account.stage"].search([])
        first = stages[:1]
        self._ka_check_stage_value(vals.get("ka_stage_id"), stages)
        new_stage = stages.browse(vals.get("ka_stage_id"))
        accounts = (
            self if vals.get("is_key_account") else self.filtered("is_key_account")
        )
        if new_stage and self - accounts:
            raise (self - accounts)._ka_not_key_account_error()
        events = {}
        entering_ids = []
        for partner in accounts:
            old = partner.ka_stage_id
            if not (new_stage or old):
                if not first:
                    raise UserError(
                        self.env._(
                            "Define the relationship stages before making key "
                            "accounts."
                        )
                    )
                entering_ids.append(partner.id)
                target = first
            elif "ka_stage_id" in vals:
                target = new_stage
            else:
                continue
            if target != old:
                events[partner.id] = (
                    partner._ka_check_stage_change(target, stages),
                    old,
                )
        return events, self.browse(entering_ids), first

    # ------------------------------------------------------------------ stages
    def _ka_check_initial_stage(self, stage, stages=None):
        """A key account starts in the first stage.

        A key account manager may place an existing relationship in a later
        stage, with the reason (``ka_stage_reason`` in the context), which the
        history and the chatter record. The superuser (data files, upgrade
        scripts) gives none.

        :param stages: all the stages in their order, if already read
        """
        if stages is None:
            stages = self.env["key.account.stage"].search([])
        first = stages[:1]
        if stage == first:
            return
        if not self._ka_is_manager():
            raise UserError(
                self.env._(
                    "A new key account starts in stage %(stage)s. Only a key account "
                    "manager may place an existing relationship in a later stage.",
                    stage=first.name,
                )
            )
        if (
            not self.env.su
            and not (self.env.context.get("ka_stage_reason") or "").strip()
        ):
            raise UserError(
                self.env._(
                    "%(account)s would start in stage %(stage)s, not in %(first)s: "
                    "a key account manager places an existing relationship in a "
                    "later stage only with a reason. Start it in %(first)s and "
                    "move it on with Override Checklist, which records the reason.",
                    account=", ".join(self.mapped("display_name")),
                    stage=stage.name,
                    first=first.name,
                )
            )

    def _ka_check_stage_change(self, new_stage, stages=None):
        """Validate moving ``self`` to ``new_stage``; return the event type.

        Forward: only to the next stage, and only with a complete exit checklist
        (or a key account manager's override with a reason). Backward: only as a
        recorded regression or uncoupling with its cause.

        :param stages: all the stages in their order, when the caller checks
            many accounts (read once instead of once per account)
        """
        self.ensure_one()
        ctx = self.env.context
        event = ctx.get("ka_stage_event")
        reason = (ctx.get("ka_stage_reason") or "").strip()
        old = self.ka_stage_id
        if not new_stage:
            raise UserError(
                self.env._(
                    "%(account)s is a key account and keeps a relationship stage. "
                    "To stop managing it as a key account, clear its Key Account "
                    "flag: its stage history is kept.",
                    account=self.display_name,
                )
            )
        if not old:
            self._ka_check_initial_stage(new_stage, stages)
            return "initial"
        if new_stage._is_after(old, stages):
            next_stage = old._get_next_stage(stages)
            if new_stage != next_stage:
                raise UserError(
                    self.env._(
                        "A relationship stage cannot be skipped: %(account)s is in "
                        "stage %(stage)s and can only move on to %(next)s.",
                        account=self.display_name,
                        stage=old.name,
                        next=next_stage.name,
                    )
                )
            missing = self._ka_missing_checklist_items()
            if not missing:
                return "progress"
            if event == "override":
                if not self._ka_is_manager():
                    raise AccessError(
                        self.env._(
                            "Only a key account manager may override the exit "
                            "checklist."
                        )
                    )
                if not reason:
                    raise UserError(
                        self.env._("An override of the exit checklist needs a reason.")
                    )
                return "override"
            raise UserError(
                self.env._(
                    "%(account)s cannot leave stage %(stage)s yet. Missing exit "
                    "criteria:\n%(items)s",
                    account=self.display_name,
                    stage=old.name,
                    items="\n".join(f"- {item.name}" for item in missing),
                )
            )
        if event not in ("regression", "uncoupling") or not reason:
            raise UserError(
                self.env._(
                    "Moving %(account)s back from %(stage)s to %(new_stage)s must be "
                    "recorded as a regression or uncoupling with its cause.",
                    account=self.display_name,
                    stage=old.name,
                    new_stage=new_stage.name,
                )
            )
        return event

    def _ka_missing_checklist_items(self):
        """Active exit-checklist items of the current stage not confirmed yet."""
        self.ensure_one()
        # sudo: the check must see every line, whatever the caller may read
        done_items = (
            self.sudo()
            .ka_checklist_line_ids.filtered(
                lambda line: line.done and line.stage_id == self.ka_stage_id
            )
            .item_id
        )
        return self.ka_stage_id.checklist_item_ids - done_items

    def _ka_log_stage_change(self, events):
        """Close the open history rows and open new ones.

        :param events: ``{partner_id: (event_type, previous_stage)}``
        """
        now = fields.Datetime.now()
        ctx = self.env.context
        History = self.env["key.account.stage.history"]
        self._ka_close_stage_history(now)
        vals_list = []
        for partner in self:
            event, previous = events[partner.id]
            if not partner.ka_stage_id:
                continue
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "stage_id": partner.ka_stage_id.id,
                    "previous_stage_id": previous.id if previous else False,
                    "event_type": event,
                    "reason": ctx.get("ka_stage_reason") or False,
                    "uncoupling_cause": ctx.get("ka_uncoupling_cause") or False,
                    "date_start": now,
                }
            )
        # sudo: the history is system-written and users may only read it; the
        # rows record the change the user was allowed to make (user_id: the
        # user, as sudo keeps the uid)
        History.sudo().create(vals_list)
        # the in-stage date is system data, not a user edit
        res = as_system(self).write({"ka_stage_date": now})
        reason = ctx.get("ka_stage_reason")
        for partner in self:
            event, previous = events[partner.id]
            if event in ("override", "regression", "uncoupling") or (
                event == "initial" and reason
            ):
                partner.message_post(
                    body=self.env._(
                        "Stage %(event)s: %(old)s → %(new)s. Reason: %(reason)s",
                        event=dict(
                            History._fields["event_type"]._description_selection(
                                self.env
                            )
                        )[event],
                        old=previous.name or "-",
                        new=partner.ka_stage_id.name or "-",
                        reason=reason or "-",
                    )
                )
        return res

    def _ka_close_stage_history(self, when=None):
        """End the open history rows of ``self``; the rows are kept."""
        # sudo: the bookkeeping of a change the user may make closes every open
        # row, also those of accounts whose history the user may not read
        self.env["key.account.stage.history"].sudo().search(
            [("partner_id", "in", self.ids), ("date_end", "=", False)]
        ).write({"date_end": when or fields.Datetime.now()})

    def _ka_record_stage_change(self, events):
        """Record the stage each partner of ``self`` has just entered: its
        history row and its exit checklist (the one bookkeeping of every path
        that changes a stage or makes a key account).

        :param events: as in :meth:`_ka_log_stage_change`
        """
        if self:
            self._ka_log_stage_change(events)
            self._ka_sync_checklist()

    def _ka_sync_checklist(self):
        """Create the missing checklist lines for the current stage."""
        partners = self.filtered("ka_stage_id")
        if not partners:
            return
        # sudo: the lines are system-written (users only confirm them), and
        # every existing line counts, also those the user may not read
        Line = self.env["key.account.checklist.line"].sudo()
        existing = Line.search_fetch(
            [("partner_id", "in", partners.ids)], ["partner_id", "item_id"]
        )
        have = {(line.partner_id.id, line.item_id.id) for line in existing}
        Line.create(
            [
                {"partner_id": partner.id, "item_id": item.id}
                for partner in partners
                for item in partner.ka_stage_id.checklist_item_ids
                if (partner.id, item.id) not in have
            ]
        )

    # ------------------------------------------------------------------ actions
    def action_ka_advance_stage(self):
        """Move each account one stage forward (exit checklist permitting).

        The accounts going to the same stage are written together: one write
        per stage, not per account.
        """
        stages = self.env["key.account.stage"].search([])
        by_next_stage = defaultdict(lambda: self.browse())
        for partner in self:
            if not partner.ka_stage_id:
                raise UserError(
                    self.env._(
                        "%(account)s has no relationship stage yet.",
                        account=partner.display_name,
                    )
                )
            next_stage = partner.ka_stage_id._get_next_stage(stages)
            if not next_stage:
                raise UserError(
                    self.env._(
                        "%(account)s is already in the last stage.",
                        account=partner.display_name,
                    )
                )
            by_next_stage[next_stage] |= partner
        for next_stage, partners in by_next_stage.items():
            partners.write({"ka_stage_id": next_stage.id})
        return True

    def _ka_open_stage_wizard(self, change_type):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "key_account.key_account_stage_change_action"
        )
        action["context"] = {
            "default_partner_id": self.id,
            "default_change_type": change_type,
        }
        return action

    def action_ka_override_stage(self):
        return self._ka_open_stage_wizard("override")

    def action_ka_regress_stage(self):
        return self._ka_open_stage_wizard("regression")

    def action_ka_uncouple(self):
        return self._ka_open_stage_wizard("uncoupling")
