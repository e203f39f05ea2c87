# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaleTarget(models.Model):
    _name = "sale.target"
    _description = "Sales Target"
    _inherit = ["mail.thread", "sale.customer.integrity.mixin"]
    _order = "date_from desc, target_type, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    target_type = fields.Selection(
        [("sales", "Sales Target"), ("collection", "Collection Target")],
        string="Type",
        default="sales",
        required=True,
        help="Sales targets are measured on confirmed orders (and invoices as a "
        "second measure); collection targets on customer payments received.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index=True, tracking=True, check_company=True
    )
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Target", required=True, tracking=True)
    achieved_amount = fields.Monetary(
        string="Achieved",
        compute="_compute_achievement",
        help="Sales target: untaxed total of the orders confirmed in the period. "
        "Collection target: customer payments received in the period. In the "
        "company currency.",
    )
    invoiced_amount = fields.Monetary(
        string="Invoiced",
        compute="_compute_achievement",
        help="Untaxed amount of the customer invoices (minus credit notes) posted in "
        "the period, in the company currency.",
    )
    achievement_rate = fields.Float(
        string="Achievement (%)",
        compute="_compute_achievement",
        aggregator="avg",
    )
    invoiced_rate = fields.Float(string="Invoiced (%)", compute="_compute_achievement")
    variance = fields.Monetary(compute="_compute_achievement")
    rank = fields.Integer(
        compute="_compute_rank",
        help="Ranking by achievement among the salespeople's targets of the same "
        "type and period.",
    )

    _sql_constraints = [
        (
            "amount_positive",
            "CHECK(amount > 0)",
            "The target amount must be positive.",
        ),
        (
            "dates_ordered",
            "CHECK(date_from <= date_to)",
            "The target period must end after it starts.",
        ),
        (
            "user_or_team",
            "CHECK((user_id IS NULL) != (team_id IS NULL))",
            "A target belongs to either a salesperson or a sales team.",
        ),
    ]

    @api.depends("user_id", "team_id", "date_from", "date_to", "target_type")
    def _compute_name(self):
        types = dict(self._fields["target_type"]._description_selection(self.env))
        for target in self:
            target.name = self.env._(
                "%(type)s %(who)s %(start)s - %(end)s",
                type=types.get(target.target_type, ""),
                who=(target.user_id or target.team_id).name or "",
                start=target.date_from or "",
                end=target.date_to or "",
            )

    # not stored: the figures live in orders, invoices and payments and are
    # read fresh, in one grouped query per company/period/type
    @api.depends("amount", "user_id", "team_id", "date_from", "date_to", "target_type")
    def _compute_achievement(self):
        groups = defaultdict(lambda: self.browse())
        for target in self:
            key = (
                target.company_id,
                target.date_from,
                target.date_to,
                target.target_type,
            )
            groups[key] |= target
        for (company, date_from, date_to, target_type), targets in groups.items():
            if not (company and date_from and date_to):
                for target in targets:
                    target.achieved_amount = target.invoiced_amount = 0.0
                continue
            if target_type == "collection":
                achieved = targets._get_collected_amounts(company, date_from, date_to)
                invoiced = {}
            else:
                achieved = targets._get_ordered_amounts(company, date_from, date_to)
                invoiced = targets._get_invoiced_amounts(company, date_from, date_to)
            for target in targets:
                key = (
                    ("user", target.user_id.id)
                    if target.user_id
                    else ("team", target.team_id.id)
                )
                target.achieved_amount = achieved.get(key, 0.0)
                target.invoiced_amount = invoiced.get(key, 0.0)
        for target in self:
            target.variance = target.achieved_amount - target.amount
            target.achievement_rate = (
                100.0 * target.achieved_amount / target.amount if target.amount else 0.0
            )
            target.invoiced_rate = (
                100.0 * target.invoiced_amount / target.amount if target.amount else 0.0
            )

    @api.depends("achievement_rate")
    def _compute_rank(self):
        peers = self.search(
            [
                ("user_id", "!=", False),
                ("company_id", "in", self.company_id.ids),
                ("date_from", "in", self.mapped("date_from")),
                ("date_to", "in", self.mapped("date_to")),
            ]
        )
        ranking = defaultdict(list)
        for peer in peers | self.filtered("user_id"):
            key = (peer.company_id.id, peer.date_from, peer.date_to, peer.target_type)
            ranking[key].append(peer)
        for target in self:
            target.rank = 0
            if not target.user_id:
                continue
            key = (
                target.company_id.id,
                target.date_from,
                target.date_to,
                target.target_type,
            )
            ordered = sorted(
                set(ranking[key]), key=lambda t: (-t.achievement_rate, t.id)
            )
            target.rank = ordered.index(target) + 1 if target in ordered else 0

    @api.constrains("amount")
    def _check_amount(self):
        for target in self:
            if target.currency_id.compare_amounts(target.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "The target amount of %(target)s must be positive.",
                        target=target.display_name,
                    )
                )

    @api.constrains(
        "user_id", "team_id", "date_from", "date_to", "target_type", "company_id"
    )
    def _check_overlap(self):
        for target in self:
            domain = [
                ("id", "!=", target.id),
                ("target_type", "=", target.target_type),
                ("company_id", "=", target.company_id.id),
                ("date_from", "<=", target.date_to),
                ("date_to", ">=", target.date_from),
            ]
            if target.user_id:
                domain.append(("user_id", "=", target.user_id.id))
            else:
                domain.append(("team_id", "=", target.team_id.id))
            # sudo: the overlap check must see the targets of other users too
            other = self.sudo().search(domain, limit=1)
            if other:
                raise ValidationError(
                    self.env._(
                        "%(who)s already has a target overlapping %(start)s - %(end)s: "
                        "%(other)s.",
                        who=(target.user_id or target.team_id).display_name,
                        start=target.date_from,
                        end=target.date_to,
                        other=other.display_name,
                    )
                )

    # ------------------------------------------------------------
    # Measures: {("user", id) | ("team", id): amount in company currency}
    # ------------------------------------------------------------
    def _group_amounts(self, model, domain, user_field, team_field, measure):
        result = {}
        for kind, field, ids in (
            ("user", user_field, self.user_id.ids),
            ("team", team_field, self.team_id.ids),
        ):
            if not ids:
                continue
            data = model._read_group(domain + [(field, "in", ids)], [field], [measure])
            result.update({(kind, rec.id): amount for rec, amount in data})
        return result

    def _get_ordered_amounts(self, company, date_from, date_to):
        # sudo: the target is visible to its reader, the figures aggregate
        # orders of the whole team that a salesperson may not read one by one
        # the report is a view over orders and lines: write pending changes
        self.env["sale.order.line"].flush_model()
        self.env["sale.order"].flush_model()
        report = self.env["sale.report"].sudo().with_company(company)
        report = report.with_context(allowed_company_ids=[company.id])
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "sale"),
            ("date", ">=", fields.Datetime.to_datetime(date_from)),
            ("date", "<", fields.Datetime.to_datetime(date_to + timedelta(days=1))),
        ]
        return self._group_amounts(
            report, domain, "user_id", "team_id", "price_subtotal:sum"
        )

    def _get_invoiced_amounts(self, company, date_from, date_to):
        # sudo: see _get_ordered_amounts
        moves = self.env["account.move"].sudo()
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("invoice_date", ">=", date_from),
            ("invoice_date", "<=", date_to),
        ]
        return self._group_amounts(
            moves, domain, "invoice_user_id", "team_id", "amount_untaxed_signed:sum"
        )

    def _get_collected_amounts(self, company, date_from, date_to):
        # sudo: see _get_ordered_amounts; accountants record the payments
        data = (
            self.env["account.payment"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("payment_type", "=", "inbound"),
                    ("partner_type", "=", "customer"),
                    ("state", "in", ("in_process", "paid")),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ],
                ["partner_id"],
                ["amount_company_currency_signed:sum"],
            )
        )
        result = defaultdict(float)
        for partner, amount in data:
            salesperson = partner.commercial_partner_id.user_id
            if salesperson:
                result[("user", salesperson.id)] += amount
            for team in salesperson.crm_team_ids:
                result[("team", team.id)] += amount
        return dict(result)
