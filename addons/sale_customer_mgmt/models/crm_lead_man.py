# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""MAN qualification of the prospects (Money, Authority, Need): the answers,
the class 1-8 numbered as in domain.md §1.3, the guidance and the proposal
to drop a class-8 prospect.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

# (money, authority, need) -> MAN class, numbered as in domain.md 1.3
MAN_CLASSES = {
    (True, True, True): 1,
    (True, True, False): 2,
    (True, False, True): 3,
    (False, True, True): 4,
    (False, False, True): 5,
    (False, True, False): 6,
    (True, False, False): 7,
    (False, False, False): 8,
}
# An answer to one MAN criterion; empty means "not known yet", which is not "no".
MAN_ANSWERS = [("yes", "Yes"), ("no", "No")]
MAN_STATE_FIELDS = ("man_money_state", "man_authority_state", "man_need_state")
MAN_ASSESSMENTS = [
    ("not_assessed", "Not assessed"),
    ("1", "1 MAN: pursue now"),
    ("2", "2 MAn: create the need"),
    ("3", "3 MaN: find the decision maker"),
    ("4", "4 mAN: check credit"),
    ("5", "5 maN: nurture"),
    ("6", "6 mAn: nurture"),
    ("7", "7 Man: nurture"),
    ("8", "8 man: stop contact"),
]
# An open opportunity is at a late stage, and never proposed for dropping on its
# MAN class, from this probability (%) or in the second half of its pipeline.
MAN_LATE_STAGE_PROBABILITY = 50.0


class CrmLead(models.Model):
    # one concern of the model per file, split on purpose
    _inherit = "crm.lead"

    # MAN qualification: each criterion is answered yes or no, or not known yet
    # (empty). The booleans of the contract say "yes" and are kept in step.
    man_money_state = fields.Selection(
        MAN_ANSWERS,
        string="Money (Answer)",
        tracking=True,
        help="Has the prospect the purchasing power? Empty: not known yet.",
    )
    man_authority_state = fields.Selection(
        MAN_ANSWERS,
        string="Authority (Answer)",
        tracking=True,
        help="Does the contact hold the purchasing decision? Empty: not known yet.",
    )
    man_need_state = fields.Selection(
        MAN_ANSWERS,
        string="Need (Answer)",
        tracking=True,
        help="Does the prospect need our products? Empty: not known yet.",
    )
    man_money = fields.Boolean(
        string="Money",
        compute="_compute_man_money",
        inverse="_inverse_man_money",
        store=True,
        readonly=False,
        help="The prospect has the purchasing power (Money answered Yes).",
    )
    man_authority = fields.Boolean(
        string="Authority",
        compute="_compute_man_authority",
        inverse="_inverse_man_authority",
        store=True,
        readonly=False,
        help="The contact holds the purchasing decision (Authority answered Yes).",
    )
    man_need = fields.Boolean(
        string="Need",
        compute="_compute_man_need",
        inverse="_inverse_man_need",
        store=True,
        readonly=False,
        help="The prospect needs our products (Need answered Yes).",
    )
    man_class = fields.Integer(
        string="MAN Class",
        compute="_compute_man_class",
        store=True,
        index=True,
        aggregator=False,
        help="0: not assessed yet. 1 MAN, 2 MAn, 3 MaN, 4 mAN, 5 maN, 6 mAn, "
        "7 Man, 8 man: a capital letter means the condition is present; a "
        "criterion not known yet counts as missing.",
    )
    man_code = fields.Char(string="MAN", compute="_compute_man_class", store=True)
    man_assessment = fields.Selection(
        MAN_ASSESSMENTS,
        string="MAN Assessment",
        compute="_compute_man_class",
        store=True,
        help="The MAN class for grouping and reporting, with the prospects nobody "
        "has assessed yet apart.",
    )
    man_guidance = fields.Char(compute="_compute_man_guidance")
    man_drop_proposed = fields.Boolean(
        string="Drop Proposed",
        compute="_compute_man_drop_proposed",
        help="Money, Authority and Need were all answered No (class 8) on an open "
        "opportunity that is neither won nor at a late stage.",
    )

    @api.depends("man_money_state")
    def _compute_man_money(self):
        for lead in self:
            lead.man_money = lead.man_money_state == "yes"

    def _inverse_man_money(self):
        self._set_man_answer("man_money")

    @api.depends("man_authority_state")
    def _compute_man_authority(self):
        for lead in self:
            lead.man_authority = lead.man_authority_state == "yes"

    def _inverse_man_authority(self):
        self._set_man_answer("man_authority")

    @api.depends("man_need_state")
    def _compute_man_need(self):
        for lead in self:
            lead.man_need = lead.man_need_state == "yes"

    def _inverse_man_need(self):
        self._set_man_answer("man_need")

    @api.depends(*MAN_STATE_FIELDS)
    def _compute_man_class(self):
        for lead in self:
            answers = [lead[fname] for fname in MAN_STATE_FIELDS]
            if not any(answers):
                lead.man_class = 0
                lead.man_code = False
                lead.man_assessment = "not_assessed"
                continue
            key = tuple(answer == "yes" for answer in answers)
            lead.man_class = MAN_CLASSES[key]
            lead.man_code = "".join(
                letter.upper() if present else letter
                for letter, present in zip("man", key, strict=True)
            )
            lead.man_assessment = str(lead.man_class)

    @api.depends(
        "man_class",
        *MAN_STATE_FIELDS,
        "active",
        "probability",
        "stage_id",
        "stage_id.is_won",
        "team_id",
    )
    @api.depends_context("lang")
    def _compute_man_guidance(self):
        env = self.env
        guidance = self._get_man_guidance()
        blockers = self._get_man_drop_blockers()
        labels = {
            "man_money_state": env._("Money"),
            "man_authority_state": env._("Authority"),
            "man_need_state": env._("Need"),
        }
        for lead in self:
            if not lead.man_class:
                lead.man_guidance = False
                continue
            unknown = [labels[fname] for fname in MAN_STATE_FIELDS if not lead[fname]]
            if lead.man_class != 8:
                text = guidance[lead.man_class]
            elif unknown:
                text = env._(
                    "Nothing confirmed yet: complete the assessment before deciding."
                )
            elif blockers.get(lead.id) in ("won", "late"):
                text = env._(
                    "No money, authority or need, yet the opportunity is won or at "
                    "a late stage: check the assessment."
                )
            else:
                text = guidance[8]
            if unknown:
                text = env._(
                    "%(guidance)s Not known yet: %(criteria)s.",
                    guidance=text,
                    criteria=", ".join(unknown),
                )
            lead.man_guidance = text

    def _get_man_guidance(self):
        env = self.env
        nurture = env._(
            "Approachable: nurture for the long term until the missing conditions "
            "appear."
        )
        return {
            1: env._("Ideal prospect: pursue now."),
            2: env._("Approachable: skilled selling can create the need."),
            3: env._("Approachable: find the person who holds the decision."),
            4: env._(
                "Approachable: check business status and credit, consider "
                "financing or payment terms."
            ),
            5: nurture,
            6: nurture,
            7: nurture,
            8: env._("Not a customer: stop contact."),
        }

    @api.depends(
        "man_class",
        *MAN_STATE_FIELDS,
        "active",
        "probability",
        "stage_id",
        "stage_id.is_won",
        "team_id",
    )
    def _compute_man_drop_proposed(self):
        blockers = self._get_man_drop_blockers()
        for lead in self:
            lead.man_drop_proposed = lead.id not in blockers

    def action_propose_drop(self):
        """Class 8 (m-a-n): open the lost wizard to drop the prospect.

        Only when Money, Authority and Need were all answered No, on an open
        opportunity that is neither won nor at a late stage; the button is
        hidden otherwise, and a call by RPC is refused with the reason.
        """
        self.ensure_one()
        blocker = self._get_man_drop_blockers().get(self.id)
        if blocker:
            raise UserError(self._get_man_drop_refusal(blocker))
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_lost_action")
        action["context"] = {
            "active_id": self.id,
            "active_ids": self.ids,
            "active_model": "crm.lead",
            "default_lead_ids": self.ids,
            "dialog_size": "medium",
        }
        return action

    @api.model
    def _man_answers_first(self, vals):
        """An answer (``man_*_state``) and its boolean in the same values: the
        answer wins, as "not known yet" has no boolean to say it."""
        drop = [
            fname.removesuffix("_state")
            for fname in MAN_STATE_FIELDS
            if fname in vals and fname.removesuffix("_state") in vals
        ]
        if not drop:
            return vals
        return {key: value for key, value in vals.items() if key not in drop}

    def _set_man_answer(self, fname):
        """Inverse of a MAN boolean: True answers "yes", False answers "no"."""
        state = f"{fname}_state"
        yes = self.filtered(fname)
        yes.filtered(lambda lead: lead[state] != "yes").write({state: "yes"})
        (self - yes).filtered(lambda lead: lead[state] != "no").write({state: "no"})

    def _get_man_late_stage_leads(self):
        """The leads of ``self`` at a late stage of their pipeline.

        Late: a probability of ``MAN_LATE_STAGE_PROBABILITY`` % or more, or a
        stage in the second half of the open (not won) stages that the lead's
        sales team uses, in pipeline order. With Odoo's stages New, Qualified,
        Proposition (then Won), Proposition is late.
        """
        staged = self.filtered("stage_id")
        if not staged:
            return self.filtered(
                lambda lead: lead.probability >= MAN_LATE_STAGE_PROBABILITY
            )
        # sudo: the order of the pipeline stages, whoever reads the lead
        stages = (
            self.env["crm.stage"]
            .sudo()
            .search_fetch([("is_won", "=", False)], ["team_id"])
        )
        pipelines = {}

        def pipeline(team):
            if team.id not in pipelines:
                pipelines[team.id] = [
                    stage.id for stage in stages if stage.team_id.id in (False, team.id)
                ]
            return pipelines[team.id]

        def is_late(lead):
            if lead.probability >= MAN_LATE_STAGE_PROBABILITY:
                return True
            open_stages = pipeline(lead.team_id)
            if lead.stage_id.id not in open_stages:
                return False
            return 2 * open_stages.index(lead.stage_id.id) >= len(open_stages)

        return self.filtered(is_late)

    def _get_man_drop_blockers(self):
        """Why a lead of ``self`` is not proposed for dropping on its MAN class:
        ``{lead id: "lost" | "won" | "late" | "not_man_no"}``; the leads missing
        from the result are proposed (class 8 with three explicit No)."""
        answered_no = self.filtered(
            lambda lead: all(lead[fname] == "no" for fname in MAN_STATE_FIELDS)
        )
        answered_no_ids = set(answered_no._ids)
        late_ids = set(answered_no._get_man_late_stage_leads()._ids)
        blockers = {}
        for lead in self:
            if lead.id not in answered_no_ids:
                blockers[lead.id] = "not_man_no"
            elif not lead.active:
                blockers[lead.id] = "lost"
            elif lead.stage_id.is_won or lead.probability >= 100:
                blockers[lead.id] = "won"
            elif lead.id in late_ids:
                blockers[lead.id] = "late"
        return blockers

    def _get_man_drop_refusal(self, blocker):
        self.ensure_one()
        env = self.env
        lead = self.display_name
        if blocker == "lost":
            return env._("%(lead)s is already lost or archived.", lead=lead)
        if blocker == "won":
            return env._(
                "%(lead)s is won: a won opportunity is never proposed for dropping.",
                lead=lead,
            )
        if blocker == "late":
            return env._(
                "%(lead)s is at a late stage (%(stage)s, %(probability)s%%): it is "
                "not proposed for dropping on its MAN class. Mark it lost if the "
                "deal is gone.",
                lead=lead,
                stage=self.stage_id.display_name or "-",
                probability=round(self.probability),
            )
        return env._(
            "%(lead)s is not proposed for dropping: only a prospect whose Money, "
            "Authority and Need were all answered No (MAN class 8) is. A criterion "
            "not known yet is not a No.",
            lead=lead,
        )
