# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

# the states a call may move to from each state (buttons and writes alike)
CALL_TRANSITIONS = {
    "planned": ("done", "cancel"),
    "done": (),
    "cancel": (),
}
# what a call was: fixed once it is done or cancelled (the last contact of the
# contact and the freshness of the account are read from done calls)
CALL_LOCKED_FIELDS = ("partner_id", "contact_id", "user_id", "date", "company_id")


class KeyAccountCall(models.Model):
    _name = "key.account.call"
    _description = "Key Account SPIN Call"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "key.account.company.record.mixin",
    ]
    _order = "date desc, id desc"

    name = fields.Char(string="Objective", required=True)
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        check_company=True,
        domain="[('parent_id', '=', partner_id)]",
    )
    user_id = fields.Many2one(string="Salesperson", required=True, index=True)
    # a call has an hour: the date of the mixin becomes a date and time
    date = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        help="A call is marked done on or after its day; then the date is fixed.",
    )
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancel", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
    )
    question_ids = fields.One2many("key.account.call.question", "call_id")
    need_ids = fields.One2many(
        "key.account.need", "call_id", string="Needs Found", readonly=False
    )
    situation_count = fields.Integer(compute="_compute_question_counts", store=True)
    problem_count = fields.Integer(compute="_compute_question_counts", store=True)
    implication_count = fields.Integer(compute="_compute_question_counts", store=True)
    need_payoff_count = fields.Integer(compute="_compute_question_counts", store=True)
    implicit_need_count = fields.Integer(compute="_compute_need_counts")
    explicit_need_count = fields.Integer(
        string="Became Explicit", compute="_compute_need_counts"
    )
    result = fields.Text()

    @api.depends("question_ids.question_type")
    def _compute_question_counts(self):
        for call in self:
            types = call.question_ids.mapped("question_type")
            call.situation_count = types.count("situation")
            call.problem_count = types.count("problem")
            call.implication_count = types.count("implication")
            call.need_payoff_count = types.count("need_payoff")

    @api.depends("need_ids.explicitness", "need_ids.became_explicit")
    def _compute_need_counts(self):
        for call in self:
            call.implicit_need_count = len(
                call.need_ids.filtered(
                    lambda n: n.explicitness == "implicit" or n.became_explicit
                )
            )
            call.explicit_need_count = len(call.need_ids.filtered("became_explicit"))

    def _check_write_rules(self, vals):
        """Planned calls become done or cancelled, nothing else; what a done or
        cancelled call was stays."""
        new_state = vals.get("state")
        locked = [fname for fname in CALL_LOCKED_FIELDS if fname in vals]
        states = dict(self._fields["state"]._description_selection(self.env))
        for call in self:
            if locked and call.state != "planned":
                raise UserError(
                    self.env._(
                        "%(call)s is %(state)s: its account, contact, salesperson "
                        "and date can no longer be changed.",
                        call=call.display_name,
                        state=states.get(call.state, call.state),
                    )
                )
            if "state" not in vals or new_state == call.state:
                continue
            if new_state not in CALL_TRANSITIONS.get(call.state, ()):
                raise UserError(
                    self.env._(
                        "%(call)s cannot go from %(old)s to %(new)s: a planned "
                        "call is done or cancelled, once.",
                        call=call.display_name,
                        old=states.get(call.state, call.state),
                        new=states.get(new_state, str(new_state))
                        if isinstance(new_state, str)
                        else str(new_state),
                    )
                )

    def _check_done_day(self):
        """A call is done on or after its day (in the user's time zone): a
        future call never becomes a contact's last contact."""
        today = fields.Date.context_today(self)
        for call in self:
            day = fields.Datetime.context_timestamp(call, call.date).date()
            if day > today:
                raise UserError(
                    self.env._(
                        "%(call)s is planned for %(date)s: a call is marked done on "
                        "or after its day.",
                        call=call.display_name,
                        date=day,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        done = calls.filtered(lambda c: c.state == "done")
        if not self.env.su:
            done._check_done_day()
        done._update_last_contact()
        return calls

    def write(self, vals):
        if not self.env.su:
            self._check_write_rules(vals)
        done = (
            self.filtered(lambda c: c.state != "done")
            if vals.get("state") == "done"
            else self.browse()
        )
        res = super().write(vals)
        if not self.env.su:
            done._check_done_day()
        done._update_last_contact()
        return res

    def _update_last_contact(self):
        """A done call is the last contact of its contact if none is later."""
        for call in self.filtered("contact_id"):
            call_date = fields.Datetime.context_timestamp(call, call.date).date()
            contact = call.contact_id
            if (
                not contact.ka_last_contact_date
                or contact.ka_last_contact_date < call_date
            ):
                contact.ka_last_contact_date = call_date

    def action_done(self):
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        self.write({"state": "cancel"})
        return True
