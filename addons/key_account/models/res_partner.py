# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The key account itself: the flag, who manages it, the candidates, and
the guard on every key-account field.

The rest of the key-account data of a partner lives next to its rules, one
concern per file: ``res_partner_matrix.py`` (selection matrix),
``res_partner_stage.py`` (relationship stages), ``res_partner_dmu.py``
(decision-making unit and contact alerts), ``res_partner_retention.py``
(retention), ``res_partner_gift_policy.py`` (gift policy).

The guard (:meth:`ResPartner._ka_check_write_access`) runs at the top of
``create`` and ``write``, before the stage rules of ``res_partner_stage.py``:
``models/__init__.py`` imports this file last for that. The system's own
writes (the stage bookkeeping, the stamps of the daily check) go through the
same ``write`` under ``as_system`` of sale_customer_mgmt, whose context token
no RPC client can send.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

KA_GROUP_USER = "key_account.group_key_account_user"
KA_GROUP_MANAGER = "key_account.group_key_account_manager"
# stored fields computed by the ORM, never written by users
KA_COMPUTED_FIELDS = {
    "ka_quadrant",
    "ka_attractiveness_level",
    "ka_advantage_level",
    "ka_attractiveness_bucket",
    "ka_advantage_bucket",
    "ka_supplier_position",
    "ka_single_thread",
    "ka_network_pair_count",
    "ka_network_function_count",
}
# set by the system only (the date a key account entered its stage)
KA_SYSTEM_FIELDS = {"ka_stage_date"}


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Our stored columns form their own prefetch group ("key_account"): reading a
    # partner anywhere in Odoo (its name, an address) does not fetch them;
    # reading one of them fetches the group for the records at hand.

    is_key_account = fields.Boolean(
        string="Key Account",
        copy=False,
        tracking=True,
        index=True,
        prefetch="key_account",
    )
    ka_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        copy=False,
        tracking=True,
        domain=lambda self: [("groups_id", "in", self.env.ref(KA_GROUP_USER).ids)],
        prefetch="key_account",
    )
    ka_team_user_ids = fields.Many2many(
        "res.users",
        "key_account_team_user_rel",
        "partner_id",
        "user_id",
        string="Key Account Team",
        copy=False,
        help="Our people working on this account besides the key account manager.",
    )
    ka_is_candidate = fields.Boolean(
        string="Key Account Candidate",
        compute="_compute_ka_is_candidate",
        search="_search_ka_is_candidate",
        help="Tier A customer that is not a key account yet.",
    )

    @api.depends("is_key_account", "is_company")
    @api.depends_context("uid")
    def _compute_ka_is_candidate(self):
        for partner in self:
            partner.ka_is_candidate = bool(
                partner.is_company
                and not partner.is_key_account
                and partner.customer_tier_id.code == "A"
            )

    def _ka_candidate_domain(self):
        return [
            ("is_company", "=", True),
            ("is_key_account", "=", False),
            ("customer_tier_id.code", "=", "A"),
        ]

    def _search_ka_is_candidate(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on key account candidates."))
        domain = self._ka_candidate_domain()
        if (operator == "=") == value:
            return domain
        return ["!", *expression.normalize_domain(domain)]

    # ------------------------------------------------------------------ guard
    def _ka_is_manager(self):
        return self.env.su or self.env.user.has_group(KA_GROUP_MANAGER)

    def _ka_check_write_access(self, fnames):
        """Key-account fields are read-only outside the key account team, and
        the system fields (``KA_SYSTEM_FIELDS``) for everybody.

        The system's own writes (the superuser, or ``as_system``) pass: they
        are the guarded paths themselves, not user edits.
        """
        if self._scm_is_system():
            return
        if KA_SYSTEM_FIELDS & set(fnames):
            raise AccessError(
                self.env._(
                    "The date a key account entered its stage is set by the system."
                )
            )
        if self.env.user.has_group(KA_GROUP_USER):
            return
        touched = [
            fname
            for fname in fnames
            if (fname == "is_key_account" or fname.startswith("ka_"))
            and fname not in KA_COMPUTED_FIELDS
        ]
        if touched:
            raise AccessError(
                self.env._(
                    "Only the key account team may change key account data "
                    "(%(fields)s).",
                    fields=", ".join(touched),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        flagged = self._ka_flagged_vals(vals_list)
        if flagged:
            # a new partner: only becoming a key account (or its stage) is
            # the key account team's
            self._ka_check_write_access(
                [
                    fname
                    for fname in ("is_key_account", "ka_stage_id")
                    if any(vals.get(fname) for vals in flagged)
                ]
                or ["is_key_account"]
            )
        return super().create(vals_list)

    def write(self, vals):
        self._ka_check_write_access(vals)
        return super().write(vals)

    # ------------------------------------------------------------------ actions
    def action_ka_make_key_account(self):
        """Turn candidates into key accounts.

        Writing the flag puts them in the first stage with its history row and
        exit checklist, as a create or an import does. One write per set of
        values (at most two), not per account.
        """
        unmanaged = self.filtered(lambda p: not p.ka_user_id)
        if unmanaged:
            unmanaged.write({"is_key_account": True, "ka_user_id": self.env.user.id})
        if self - unmanaged:
            (self - unmanaged).write({"is_key_account": True})
        return True

    # ------------------------------------------------------------------ hooks
    def _get_escalation_users(self):
        users = super()._get_escalation_users()
        # sudo: the escalation must reach the KA manager whoever raises it
        return users | self.sudo().commercial_partner_id.ka_user_id
