# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Generator of the demo story's transactional history (demo tooling, not a
model of the addon).

The static records (customers, contacts, products, salespeople, leads, visits)
live in the demo XML files. When the addon is installed with demo data, its
``post_init_hook`` calls :func:`load_demo_story` once they are loaded: it builds
two years of quotations, confirmed orders, invoices, payments and credit notes
relative to today, so the story never goes stale, then what stands on them
(two collection plans, an order change), the salespeople's assessment of each
customer (scale, potential and cooperation ratings), the customers' language
(zh_CN when the database has it) and scores every demo customer. It uses
a ``random.Random`` with a fixed seed: the same database date gives the same
story.
"""

import random
from collections import defaultdict
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import Command, fields

DEMO_SEED = 20260101

# customer xmlid key (res_partner_<key>_demo) -> profile
CUSTOMER_PROFILES = {
    "hengli": "key_regular",
    "dongfang": "key_regular",
    "huake": "key_regular",
    "xindongli": "growing",
    "jinggong": "growing",
    "ruida": "growing",
    "kailian": "regular",
    "yongsheng": "regular",
    "haitai": "regular",
    "shunda": "regular",
    "tianfu": "regular",
    "jinyuan": "small",
    "limin": "small",
    "ludao": "small",
    "beiyang": "small",
    "changjiang": "shrinking",
    "beifang": "shrinking",
    "lituo": "stopped_consumables",
    "huamei": "stopped_consumables",
    "hongyuan": "at_risk",
    "xiangjiang": "at_risk",
    "zhongyuan": "lost",
    "minjiang": "lost",
    "jifa": "lost",
    "huatong": "low_margin",
    "nanyue": "low_margin",
    "qinchuan": "quotation_only",
    "shancheng": "quotation_only",
    "zhongke": "prospect",
    "nanhu": "prospect",
}

# customer xmlid key -> (scale, potential rating, cooperation rating), the
# salesperson's assessment (ratings 1-5 stars) in line with the story: the
# big regular buyers are large enterprises that cooperate well, the growing
# ones have the most potential, the lost customers and the traders that pay
# late the least; the prospects have potential, little cooperation yet
CUSTOMER_ASSESSMENT = {
    "hengli": ("large", "5", "5"),
    "dongfang": ("large", "4", "5"),
    "huake": ("large", "4", "4"),
    "xindongli": ("medium", "5", "4"),
    "jinggong": ("medium", "5", "4"),
    "ruida": ("medium", "5", "4"),
    "kailian": ("medium", "3", "4"),
    "yongsheng": ("medium", "3", "3"),
    "haitai": ("medium", "3", "3"),
    "shunda": ("medium", "3", "3"),
    "tianfu": ("medium", "3", "4"),
    "jinyuan": ("small", "2", "3"),
    "limin": ("small", "2", "3"),
    "ludao": ("small", "2", "3"),
    "beiyang": ("small", "2", "3"),
    "changjiang": ("medium", "2", "3"),
    "beifang": ("large", "2", "2"),
    "lituo": ("medium", "2", "3"),
    "huamei": ("medium", "2", "2"),
    "hongyuan": ("medium", "3", "2"),
    "xiangjiang": ("medium", "3", "3"),
    "zhongyuan": ("medium", "1", "1"),
    "minjiang": ("small", "1", "2"),
    "jifa": ("small", "1", "2"),
    "huatong": ("small", "1", "1"),
    "nanyue": ("small", "1", "1"),
    "qinchuan": ("medium", "3", "3"),
    "shancheng": ("medium", "2", "3"),
    "zhongke": ("medium", "4", "3"),
    "nanhu": ("small", "2", "2"),
}
# the language of the Chinese demo customers, when the database has it
DEMO_LANG = "zh_CN"

# negotiated price reduction on the list price, per profile
PROFILE_DISCOUNT = {
    "key_regular": 0.06,
    "growing": 0.04,
    "regular": 0.03,
    "small": 0.0,
    "shrinking": 0.05,
    "stopped_consumables": 0.03,
    "at_risk": 0.03,
    "lost": 0.02,
    "low_margin": 0.25,
    "quotation_only": 0.05,
}

# how the customer pays its invoices
PROFILE_PAYMENT = {
    "key_regular": "prompt",
    "growing": "prompt",
    "regular": "mixed",
    "small": "mixed",
    "shrinking": "late",
    "stopped_consumables": "prompt",
    "at_risk": "mixed",
    "lost": "late",
    "low_margin": "bad",
}

CONSUMABLES = (
    ("carbide_insert", 20, 120),
    ("cutting_fluid", 10, 60),
    ("filter_kit", 5, 30),
)
SPARES = (("spindle_kit", 1, 4), ("servo_motor", 1, 6), ("ball_screw", 2, 10))
CONS = ("consumables",)
ROUTINE_KEYS = {key for key, __, __ in CONSUMABLES + SPARES}
EQUIPMENT = ("cnc_lathe", "machining_center", "air_compressor")
PRODUCT_KEYS = (
    "cnc_lathe",
    "machining_center",
    "air_compressor",
    "spindle_kit",
    "servo_motor",
    "ball_screw",
    "carbide_insert",
    "cutting_fluid",
    "filter_kit",
    "installation",
    "maintenance",
    "training",
)
# customers settle invoices in pay runs on these days of the month
PAY_DAYS = (10, 25)


class DemoStory:
    """The steps of the story, on one environment."""

    def __init__(self, env):
        self.env = env

    # ------------------------------------------------------------------
    # order plans
    # ------------------------------------------------------------------
    def _demo_walk(self, rng, start, end, interval, jitter=0.3):
        """Dates from ``start`` to ``end`` roughly every ``interval`` days."""
        day = start + timedelta(days=rng.randint(0, max(interval // 2, 1)))
        dates = []
        while day <= end:
            dates.append(day)
            step = interval * rng.uniform(1 - jitter, 1 + jitter)
            day += timedelta(days=max(int(round(step)), 1))
        return dates

    def _demo_basket(self, rng, families, scale=1.0):
        lines = []
        for family in families:
            if family == "consumables":
                picks = rng.sample(CONSUMABLES, rng.randint(1, 2))
            elif family == "spares":
                picks = [rng.choice(SPARES)]
            else:
                picks = []
            for key, low, high in picks:
                lines.append((key, max(1, int(round(rng.randint(low, high) * scale)))))
        return lines

    def _demo_equipment(self, rng, choices=EQUIPMENT):
        key = rng.choice(choices)
        qty = rng.randint(1, 2)
        return [(key, qty), ("installation", qty), ("training", rng.randint(2, 4))]

    def _demo_recent(self, rng, today):
        """A last order of the past three weeks, so a regular buyer looks active."""
        return today - timedelta(days=rng.randint(2, 20))

    def _demo_order_plan(self, profile, rng, today):
        """Return ``[(date, [(product_key, qty), ...]), ...]`` for a profile."""
        method = getattr(self, f"_demo_plan_{profile}", None)
        plan = method(rng, today) if method else []
        return sorted(plan, key=lambda item: item[0])

    def _demo_plan_key_regular(self, rng, today):
        """Big regular buyer: monthly consumables, equipment and service yearly."""
        plan = []
        for day in self._demo_walk(rng, today - relativedelta(months=24), today, 62):
            families = ["consumables"] + (["spares"] if rng.random() < 0.5 else [])
            plan.append((day, self._demo_basket(rng, families, 3.0)))
        # one more machine of their standard model each year
        equipment = self._demo_equipment(rng)
        for months in (20, 8):
            day = today - relativedelta(months=months, days=rng.randint(0, 20))
            plan.append((day, equipment))
        for months in (22, 10):
            day = today - relativedelta(months=months, days=rng.randint(0, 20))
            plan.append((day, [("maintenance", 1)]))
        plan.append((self._demo_recent(rng, today), self._demo_basket(rng, CONS, 3.0)))
        return plan

    def _demo_plan_growing(self, rng, today):
        """Small and rare a year ago, now monthly and bigger, new equipment."""
        year_ago = today - relativedelta(months=12)
        plan = []
        for day in self._demo_walk(rng, today - relativedelta(months=24), year_ago, 70):
            plan.append((day, self._demo_basket(rng, ["consumables"], 0.6)))
        for day in self._demo_walk(rng, year_ago, today, 50):
            families = ["consumables"] + (["spares"] if rng.random() < 0.4 else [])
            plan.append((day, self._demo_basket(rng, families, 2.0)))
        day = today - relativedelta(months=5, days=rng.randint(0, 20))
        plan.append((day, self._demo_equipment(rng, ("machining_center", "cnc_lathe"))))
        plan.append((day + timedelta(days=3), [("maintenance", 1)]))
        plan.append((self._demo_recent(rng, today), self._demo_basket(rng, CONS, 2.0)))
        return plan

    def _demo_plan_regular(self, rng, today):
        """Steady buyer of consumables and spare parts."""
        plan = []
        for day in self._demo_walk(rng, today - relativedelta(months=24), today, 80):
            families = ["consumables"] + (["spares"] if rng.random() < 0.4 else [])
            plan.append((day, self._demo_basket(rng, families, 1.2)))
        for months in (rng.randint(14, 20), rng.randint(2, 10)):
            plan.append((today - relativedelta(months=months), [("maintenance", 1)]))
        plan.append((self._demo_recent(rng, today), self._demo_basket(rng, CONS, 1.2)))
        return plan

    def _demo_plan_small(self, rng, today):
        """A few small consumables orders a year."""
        return [
            (day, self._demo_basket(rng, ["consumables"], 0.5))
            for day in self._demo_walk(
                rng, today - relativedelta(months=24), today, 100
            )
        ]

    def _demo_plan_shrinking(self, rng, today):
        """Big last year, spend down by far more than half this year."""
        year_ago = today - relativedelta(months=12)
        plan = []
        for day in self._demo_walk(rng, today - relativedelta(months=24), year_ago, 40):
            plan.append((day, self._demo_basket(rng, ["consumables", "spares"], 2.0)))
        day = today - relativedelta(months=18, days=rng.randint(0, 20))
        plan.append((day, self._demo_equipment(rng, ("cnc_lathe",))))
        for day in self._demo_walk(rng, year_ago + timedelta(days=20), today, 80):
            plan.append((day, self._demo_basket(rng, ["consumables"], 0.5)))
        return plan

    def _demo_plan_stopped_consumables(self, rng, today):
        """Bought equipment, then consumables, which stopped 8 months ago."""
        bought = today - relativedelta(months=20, days=rng.randint(0, 15))
        plan = [(bought, self._demo_equipment(rng, ("air_compressor", "cnc_lathe")))]
        stop = today - relativedelta(months=8)
        for day in self._demo_walk(rng, bought + timedelta(days=20), stop, 45):
            plan.append((day, self._demo_basket(rng, ["consumables"], 1.5)))
        for day in self._demo_walk(rng, stop + timedelta(days=15), today, 60):
            lines = self._demo_basket(rng, ["spares"], 1.0)
            if rng.random() < 0.3:
                lines.append(("training", rng.randint(1, 2)))
            plan.append((day, lines))
        plan.append((self._demo_recent(rng, today), [("spindle_kit", 1)]))
        return plan

    def _demo_plan_at_risk(self, rng, today):
        """Ordered every 6 weeks, nothing for the last 58-66 days (< 2 intervals)."""
        last = today - timedelta(days=rng.randint(58, 66))
        plan = []
        start = today - relativedelta(months=24)
        for day in self._demo_walk(
            rng, start, last - timedelta(days=20), 50, jitter=0.15
        ):
            # a standing order: same products, similar quantities
            plan.append(
                (
                    day,
                    [
                        ("carbide_insert", rng.randint(40, 60)),
                        ("cutting_fluid", rng.randint(15, 25)),
                    ],
                )
            )
        plan.append((last, [("carbide_insert", 50), ("cutting_fluid", 20)]))
        return plan

    def _demo_plan_lost(self, rng, today):
        """Regular buyer until 10-14 months ago, nothing since."""
        last = today - timedelta(days=rng.randint(300, 420))
        plan = []
        for day in self._demo_walk(rng, today - relativedelta(months=24), last, 50):
            families = ["consumables"] + (["spares"] if rng.random() < 0.4 else [])
            plan.append((day, self._demo_basket(rng, families, 1.0)))
        return plan

    def _demo_plan_low_margin(self, rng, today):
        """Trader buying spare parts and compressors at rock-bottom prices."""
        plan = []
        for day in self._demo_walk(rng, today - relativedelta(months=24), today, 75):
            plan.append((day, self._demo_basket(rng, ["spares"], 2.0)))
        for months in (rng.randint(14, 20), rng.randint(2, 10)):
            plan.append((today - relativedelta(months=months), [("air_compressor", 1)]))
        plan.append((self._demo_recent(rng, today), [("ball_screw", 4)]))
        return plan

    # ------------------------------------------------------------------
    # main entry point
    # ------------------------------------------------------------------
    def _load_demo_story(self):
        """Create the demo history: orders, invoices, payments, credit notes."""
        demo = DemoStory(
            self.env(
                context=dict(
                    self.env.context,
                    tracking_disable=True,
                    mail_create_nolog=True,
                    mail_notrack=True,
                    mail_auto_subscribe_no_notify=True,
                    disable_cancel_warning=True,
                )
            )
        )
        rng = random.Random(DEMO_SEED)
        today = fields.Date.today()
        products = {
            key: demo.env.ref(f"sale_customer_mgmt.product_{key}_demo")
            for key in PRODUCT_KEYS
        }
        partners = {
            key: demo.env.ref(f"sale_customer_mgmt.res_partner_{key}_demo")
            for key in CUSTOMER_PROFILES
        }
        orders = demo._demo_create_orders(rng, today, partners, products)
        invoices = demo._demo_create_invoices(rng, today, orders)
        keys = {partner.id: key for key, partner in partners.items()}
        demo._demo_create_credit_notes(rng, today, invoices, keys)
        demo._demo_register_payments(rng, today, invoices, keys)
        demo._demo_link_won_leads(orders)
        return True

    def _demo_create_orders(self, rng, today, partners, products):
        """Create quotations and orders; return the confirmed ones."""
        order_vals = []  # (date, state, vals)
        for key, profile in CUSTOMER_PROFILES.items():
            partner = partners[key]
            if profile == "prospect":
                continue
            discount = PROFILE_DISCOUNT[profile]
            if profile == "quotation_only":
                plan = []
                for days, state in ((280, "cancel"), (150, "cancel"), (12, "sent")):
                    day = today - timedelta(days=days + rng.randint(0, 10))
                    lines = self._demo_equipment(rng, ("machining_center", "cnc_lathe"))
                    plan.append((day, lines, state))
                plan.append(
                    (
                        today - timedelta(days=3),
                        self._demo_basket(rng, ["spares"]),
                        "draft",
                    )
                )
            else:
                plan = []
                items = self._demo_order_plan(profile, rng, today)
                for index, (day, lines) in enumerate(items):
                    state = "sale"
                    # some routine quotes are lost or still open; never the
                    # equipment deals nor the last order, which carry the story
                    routine = all(key in ROUTINE_KEYS for key, __ in lines)
                    last = index == len(items) - 1
                    if routine and not last and rng.random() < 0.08:
                        state = "cancel" if (today - day).days > 30 else "sent"
                    plan.append((day, lines, state))
            for day, lines, state in plan:
                moment = datetime.combine(day, datetime.min.time()) + timedelta(
                    hours=rng.randint(1, 9), minutes=rng.randint(0, 59)
                )
                line_cmds = []
                for product_key, qty in lines:
                    product = products[product_key]
                    factor = 1 - discount * rng.uniform(0.8, 1.1)
                    line_cmds.append(
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": round(product.list_price * factor, 2),
                            }
                        )
                    )
                vals = {
                    "partner_id": partner.id,
                    "user_id": partner.user_id.id,
                    "date_order": moment,
                    "order_line": line_cmds,
                }
                order_vals.append((moment, state, vals))
        order_vals.sort(key=lambda item: item[0])
        all_orders = self.env["sale.order"].create(
            [vals for __, __, vals in order_vals]
        )
        by_state = defaultdict(lambda: self.env["sale.order"])
        for order, (__, state, __) in zip(all_orders, order_vals, strict=True):
            by_state[state] |= order
        confirmed = by_state["sale"]
        confirmed.action_confirm()
        # action_confirm stamps "now": put the history back in the past
        for order, (moment, state, __) in zip(all_orders, order_vals, strict=True):
            if state == "sale":
                order.date_order = moment
        by_state["sent"].write({"state": "sent"})
        by_state["cancel"]._action_cancel()
        return confirmed

    def _demo_create_invoices(self, rng, today, orders):
        """Invoice the orders older than a month, dated after the order."""
        limit = today - timedelta(days=30)
        to_invoice = orders.filtered(lambda o: o.date_order.date() <= limit)
        # what sale.order._create_invoices(grouped=True) does, with the invoice
        # date in the values: writing it afterwards re-syncs every invoice
        vals_list = []
        for order in to_invoice:
            vals = order._prepare_invoice()
            vals["invoice_date"] = min(
                order.date_order.date() + timedelta(days=rng.randint(0, 5)), today
            )
            vals["invoice_line_ids"] = [
                Command.create(line._prepare_invoice_line(sequence=line.sequence))
                for line in order.order_line
            ]
            vals_list.append(vals)
        invoices = (
            self.env["account.move"]
            .with_context(default_move_type="out_invoice")
            .create(vals_list)
        )
        invoices = invoices.sorted(lambda m: (m.invoice_date, m.id))
        invoices.action_post()
        return invoices

    def _demo_receivable_lines(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
            and not line.reconciled
        )

    def _demo_create_credit_notes(self, rng, today, invoices, keys):
        """A few quality allowances (质量折让) credited on invoices."""
        candidates = invoices.filtered(
            lambda m: CUSTOMER_PROFILES.get(keys.get(m.partner_id.id))
            in ("key_regular", "regular", "shrinking", "growing")
            and (today - m.invoice_date).days > 60
        )
        refunds = self.env["account.move"]
        for invoice in rng.sample(list(candidates), min(4, len(candidates))):
            line = invoice.invoice_line_ids[:1]
            allowance = round(invoice.amount_untaxed * rng.uniform(0.05, 0.12), 2)
            refund = self.env["account.move"].create(
                {
                    "move_type": "out_refund",
                    "partner_id": invoice.partner_id.id,
                    "invoice_date": invoice.invoice_date
                    + timedelta(days=rng.randint(10, 25)),
                    "reversed_entry_id": invoice.id,
                    "ref": self.env._(
                        "Quality allowance on %(invoice)s", invoice=invoice.name
                    ),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "name": self.env._("Quality allowance"),
                                "quantity": 1,
                                "price_unit": allowance,
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                            }
                        )
                    ],
                }
            )
            refund.action_post()
            self._demo_receivable_lines(invoice | refund).reconcile()
            refunds |= refund
        return refunds

    def _demo_pay_run(self, day, earliest, forward=True):
        """Snap ``day`` to a customer pay-run day, never before ``earliest``."""
        runs = sorted(
            (day + relativedelta(months=delta)).replace(day=run_day)
            for delta in (-1, 0, 1, 2)
            for run_day in PAY_DAYS
        )
        if not forward:
            before = [run for run in runs if earliest <= run <= day]
            if before:
                return before[-1]
        return min(run for run in runs if run >= max(day, earliest))

    def _demo_register_payments(self, rng, today, invoices, keys):
        """Pay the invoices the way each profile pays: on time, late, partly, not."""
        full = defaultdict(lambda: self.env["account.move"])
        partial = []
        last_invoices = {}
        for invoice in invoices:
            last_invoices[invoice.partner_id] = invoice
        for invoice in invoices:
            profile = CUSTOMER_PROFILES.get(keys.get(invoice.partner_id.id))
            behaviour = PROFILE_PAYMENT.get(profile, "prompt")
            due = invoice.invoice_date_due
            earliest = invoice.invoice_date + timedelta(days=3)
            if behaviour == "mixed":
                behaviour = "late" if rng.random() < 0.25 else "prompt"
            share = 1.0
            if behaviour == "prompt":
                target = due - timedelta(days=rng.randint(0, 20))
                pay_date = self._demo_pay_run(target, earliest, forward=False)
            elif behaviour == "late":
                target = due + timedelta(days=rng.randint(10, 60))
                pay_date = self._demo_pay_run(target, earliest)
                if profile == "lost" and last_invoices[invoice.partner_id] == invoice:
                    pay_date = None  # left an unpaid debt behind
            else:  # bad
                roll = rng.random()
                target = due + timedelta(days=rng.randint(30, 120))
                pay_date = self._demo_pay_run(target, earliest)
                if roll < 0.3:
                    share = rng.uniform(0.4, 0.6)
                elif roll < 0.6:
                    pay_date = None
            if not pay_date or pay_date > today:
                continue
            if share < 1.0:
                partial.append((invoice, pay_date, share))
            else:
                full[pay_date] |= invoice
        self._demo_pay(full, partial)

    def _demo_pay(self, full, partial):
        """Create, post and reconcile the customer payments in one batch.

        Same result as registering them with ``account.payment.register``, which
        creates the journal entries one payment at a time: too slow for a demo
        that is loaded on every test install.
        """
        bank = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.env.company),
                ("type", "=", "bank"),
            ],
            limit=1,
        )
        todo = [(invoice, day, 1.0) for day in sorted(full) for invoice in full[day]]
        todo += partial
        payments = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": invoice.commercial_partner_id.id,
                    "journal_id": bank.id,
                    "date": day,
                    "amount": invoice.currency_id.round(
                        invoice.amount_residual * share
                    ),
                    "currency_id": invoice.currency_id.id,
                    "memo": invoice.name,
                }
                for invoice, day, share in todo
            ]
        )
        payments.action_post()
        plan = [
            self._demo_receivable_lines(invoice | payment.move_id)
            for (invoice, __, __), payment in zip(todo, payments, strict=True)
        ]
        self.env["account.move.line"]._reconcile_plan(plan)
        return payments

    def _demo_link_won_leads(self, orders):
        """Attach each won opportunity to its customer's latest equipment order."""
        equipment = self.env.ref("sale_customer_mgmt.product_category_equipment_demo")
        for key in ("jinggong_vmc", "ruida_line", "dongfang_consumables"):
            lead = self.env.ref(
                f"sale_customer_mgmt.crm_lead_{key}_demo", raise_if_not_found=False
            )
            if not lead:
                continue
            candidates = orders.filtered(
                lambda o, lead=lead: o.partner_id == lead.partner_id
            )
            with_equipment = candidates.filtered(
                lambda o: equipment in o.order_line.product_id.categ_id
            )
            order = (with_equipment or candidates).sorted("date_order")[-1:]
            order.opportunity_id = lead

    def _demo_collection_plans(self):
        """Collection plans of the latest orders of two customers, from their
        payment terms."""
        plans = self.env["sale.collection.plan"]
        data = []
        for key in ("hengli", "dongfang"):
            partner = self.env.ref(f"sale_customer_mgmt.res_partner_{key}_demo")
            order = self.env["sale.order"].search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "=", "sale"),
                    ("payment_term_id", "!=", False),
                ],
                limit=1,
            )
            plan = plans.create({"order_id": order.id})
            data.append(
                {
                    "xml_id": f"sale_customer_mgmt.sale_collection_plan_{key}_demo",
                    "record": plan,
                    "noupdate": True,
                }
            )
            plans |= plan
        self.env["ir.model.data"]._update_xmlids(data)
        plans.action_generate_from_payment_terms()

    def _demo_order_change(self):
        """李娜 raised the latest order of 恒力精密 by 15 %: the manager
        approves it."""
        partner = self.env.ref("sale_customer_mgmt.res_partner_hengli_demo")
        order = self.env["sale.order"].search(
            [("partner_id", "=", partner.id), ("state", "=", "sale")], limit=1
        )
        self.env["sale.order.change"].create(
            {
                "order_id": order.id,
                "user_id": self.env.ref(
                    "sale_customer_mgmt.user_salesman_lina_demo"
                ).id,
                "amount_before": order.amount_total,
                "amount_after": round(order.amount_total * 1.15, 2),
                "description": "客户追加 2 套伺服电机及安装调试，订单总额上调 15%。",
            }
        )

    def _demo_assess_customers(self):
        """The salespeople's assessment of their customers: scale and the
        potential and cooperation ratings (before the customers are scored)."""
        batches = defaultdict(lambda: self.env["res.partner"])
        for key, assessment in CUSTOMER_ASSESSMENT.items():
            batches[assessment] |= self.env.ref(
                f"sale_customer_mgmt.res_partner_{key}_demo"
            )
        for (scale, potential, cooperation), partners in batches.items():
            partners.write(
                {
                    "customer_scale": scale,
                    "tier_potential_rating": potential,
                    "tier_cooperation_rating": cooperation,
                }
            )

    def _demo_partners(self):
        """The partners of the demo: customers, their contacts, prospects and
        the demo users' own partners."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "sale_customer_mgmt"), ("model", "=", "res.partner")]
        )
        partners = self.env["res.partner"].browse(data.mapped("res_id")).exists()
        return partners.with_context(active_test=False).search(
            [("id", "child_of", partners.ids)]
        )

    def _demo_customer_lang(self):
        """Chinese customers read Chinese: when the database has zh_CN active,
        the demo's partners get it. The demo loads no language: without zh_CN
        they keep the database's language."""
        if self.env["res.lang"]._get_code(DEMO_LANG):
            self._demo_partners().write({"lang": DEMO_LANG})

    def _demo_score_customers(self):
        """Score every demo customer from the generated history."""
        partners = self.env["res.partner"]
        partners.search(partners._tier_customer_domain())._recompute_tiers()


def load_demo_story(env):
    """Build the demo story's history on the demo records just loaded."""
    story = DemoStory(env)
    story._load_demo_story()
    story._demo_collection_plans()
    story._demo_order_change()
    story._demo_assess_customers()
    story._demo_customer_lang()
    story._demo_score_customers()
    retell_creation_messages(env)


def retell_creation_messages(env):
    """Write the creation messages of the records created in this
    transaction in Chinese when the database has zh_CN active (one demo
    addon's installation is one transaction: its data files, then its
    ``post_init_hook``, which calls this at the end of its story).

    A data file creates its records without a language: Odoo logs each
    creation with the sentence in the language of the installing user
    ("%s 创建") around the model's name read without a language, in English
    ("Contact 创建"). The sentence is written again, whole, in Chinese.
    """
    if not env["res.lang"]._get_code(DEMO_LANG):
        return
    messages = env["mail.message"].search(
        [
            ("create_date", "=", env.cr.now()),
            ("message_type", "=", "notification"),
            ("model", "!=", False),
            ("res_id", "!=", 0),
        ]
    )
    for message in messages:
        if message.model not in env or not hasattr(
            env[message.model], "_creation_message"
        ):
            continue
        record = env[message.model].browse(message.res_id).exists()
        if not record:
            continue
        told = record.with_context(lang=None)._creation_message()
        retold = record.with_context(lang=DEMO_LANG)._creation_message()
        body = str(message.body or "")
        for old, new in ((escape(told), escape(retold)), (told, retold)):
            if str(old) != str(new) and str(old) in body:
                message.body = Markup(body.replace(str(old), str(new)))
                break


def story_env(env):
    """``env`` in the language of the story: Chinese when the database has
    zh_CN active, else unchanged (the database's language)."""
    if env["res.lang"]._get_code(DEMO_LANG):
        return env(context=dict(env.context, lang=DEMO_LANG))
    return env


def forget_address_tracking(env):
    """Forget the inline addresses of the partners tracked so far in this
    transaction (to call before it commits, when the demo changed no
    address).

    The inline address is tracked as text in the reader's language: a
    partner written as a side effect (a notification's signup token, for
    instance) in a Chinese context and read again without a language at the
    commit would show a change "中国 → China" of an address nobody changed.
    """
    pending = env.cr.precommit.data.get("mail.tracking.res.partner") or {}
    for initial_values in pending.values():
        if initial_values:
            initial_values.pop("contact_address_inline", None)
