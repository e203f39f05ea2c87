"""CRM section of the benchmark: leads and opportunities of ~20 salespeople
over 15 months (bulk SQL, fixed seed), customer visits and collection plans
on the bench customers and orders; the customer list as a sales manager, the
analysis reports of sale_customer_mgmt as 12-month pivots, and the pipeline
list and kanban as the web client loads them."""

import sys
from datetime import date

from bench_common import (
    TARGET_REPORT,
    TARGET_RPC,
    Generator,
    bench_user,
    figure,
    generate_once,
    list_specification,
    log,
    paired,
    web_list,
)
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

LEAD_PREFIX = "BENCH-L/"
SALES_LOGIN = "bench_crm_sales_%02d"
SALESPEOPLE = 20
# fields the customer list gets from sale_customer_mgmt (res_partner_views.xml)
TIER_LIST_FIELDS = {
    "customer_tier_id",
    "customer_tier_code",
    "customer_score",
    "churn_state",
    "purchase_power",
    "card_type",
    "lifetime_value",
}
# fields the pipeline list/kanban get from sale_customer_mgmt (crm_lead_views.xml)
LEAD_FIELDS = {
    "man_code",
    "man_guidance",
    "card_color",
    "heat_grade",
    "card_date_mismatch",
    "card_regrade_needed",
    "prospect_source",
}


def salespeople(env, create=False):
    Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
    logins = [SALES_LOGIN % i for i in range(1, SALESPEOPLE + 1)]
    users = Users.search([("login", "in", logins)], order="id")
    if users or not create:
        return users
    group = env.ref("sales_team.group_sale_salesman")
    users = Users.create(
        [
            {
                "name": f"Bench Salesperson {i:02d}",
                "login": login,
                "groups_id": [Command.set([group.id])],
            }
            for i, login in enumerate(logins, start=1)
        ]
    )
    team = env.ref("sales_team.team_sales_department")
    team.write({"member_ids": [Command.link(uid) for uid in users.ids]})
    return users


class CrmGenerator(Generator):
    COUNT_SQL = "SELECT count(*) FROM crm_lead WHERE name LIKE %s"
    COUNT_PARAMS = (LEAD_PREFIX + "%",)
    SEED = 0.23

    def run(self):
        env, cr = self.env, self.cr
        users = salespeople(env, create=True)
        team = env.ref("sales_team.team_sales_department")
        cr.execute(
            "SELECT id FROM res_partner WHERE name LIKE 'Bench Customer %%' "
            "AND is_company ORDER BY id"
        )
        partner_ids = [r[0] for r in cr.fetchall()]
        if not partner_ids:
            raise RuntimeError("run the sales section first (bench customers)")
        cr.execute("SELECT id, sequence, is_won FROM crm_stage ORDER BY sequence, id")
        stages = cr.fetchall()
        open_stages = [s[0] for s in stages if not s[2]]
        won_stage = next(s[0] for s in stages if s[2])
        self.seed()
        log(f"{self.args.leads} leads/opportunities over 15 months")
        cr.execute(
            """
            CREATE TEMP TABLE bench_l ON COMMIT DROP AS
            SELECT g,
                   date_trunc('second', now() - power(random(), 1.2)
                              * interval '450 days') AS created,
                   random() AS r_type, random() AS r_state, random() AS r_pool,
                   random() AS r_partner, random() AS r_color, random() AS r_grade,
                   random() AS r_src, random() AS r_follow, random() AS r_rev,
                   random() < 0.55 AS m, random() < 0.45 AS a, random() < 0.65 AS n,
                   (%(users)s::int[])[1 + floor(random() * %(nu)s)::int] AS user_id,
                   (%(partners)s::int[])[
                       1 + floor(power(random(), 2) * %(np)s)::int] AS partner_id,
                   (%(stages)s::int[])[1 + floor(random() * %(ns)s)::int] AS stage,
                   floor(random() * 6)::int AS p1, floor(random() * 6)::int AS p2,
                   floor(random() * 6)::int AS p3, floor(random() * 6)::int AS p4,
                   floor(random() * 6)::int AS p5, floor(random() * 6)::int AS p6,
                   floor(random() * 6)::int AS p7, floor(random() * 6)::int AS p8
              FROM generate_series(1, %(n)s) g
            """,
            {
                "users": users.ids,
                "nu": len(users),
                "partners": partner_ids,
                "np": len(partner_ids),
                "stages": open_stages,
                "ns": len(open_stages),
                "n": self.args.leads,
            },
        )
        # 30 % leads, 70 % opportunities; of the opportunities 15 % won,
        # 12 % lost (archived), the rest open; 6 % of the open ones in the
        # public pool; yellow cards 25 % of the open opportunities
        cr.execute(
            """
            ALTER TABLE bench_l ADD COLUMN type varchar, ADD COLUMN state varchar,
                ADD COLUMN color varchar, ADD COLUMN grade varchar,
                ADD COLUMN pool boolean;
            UPDATE bench_l SET
                type = CASE WHEN r_type < 0.30 THEN 'lead' ELSE 'opportunity' END,
                state = CASE WHEN r_type < 0.30 THEN
                                 CASE WHEN r_state < 0.10 THEN 'lost' ELSE 'open' END
                             WHEN r_state < 0.15 THEN 'won'
                             WHEN r_state < 0.27 THEN 'lost'
                             ELSE 'open' END;
            UPDATE bench_l SET
                pool = state = 'open' AND r_pool < 0.06,
                color = CASE WHEN state = 'won' THEN 'red'
                             WHEN state = 'open' AND type = 'opportunity'
                                  AND r_color < 0.25 THEN 'yellow'
                             ELSE 'green' END;
            UPDATE bench_l SET grade = CASE WHEN color <> 'yellow' THEN NULL
                                            WHEN r_grade < 0.2 THEN 'a'
                                            WHEN r_grade < 0.6 THEN 'b'
                                            ELSE 'c' END;
            """
        )
        cr.execute(
            """
            INSERT INTO crm_lead (
                name, type, active, user_id, team_id, company_id, stage_id,
                partner_id, partner_name, contact_name, email_from, priority,
                expected_revenue, probability, automated_probability,
                prorated_revenue, recurring_revenue, recurring_revenue_monthly,
                recurring_revenue_monthly_prorated, recurring_revenue_prorated,
                date_deadline, date_open, date_last_stage_update, date_closed,
                create_date, write_date, create_uid, write_uid, color,
                man_money, man_authority, man_need, man_class, man_code,
                card_color, heat_grade, card_graded_date, card_close_limit,
                card_date_mismatch, card_regrade_needed, card_next_review_date,
                prospect_source, purify_profile_fit, purify_competition,
                purify_geography, purify_growth, purify_industry_position,
                purify_bottleneck, purify_realistic_value, purify_risk,
                explicit_value_score, implicit_value_score, followup_decision,
                revisit_interval_days, last_followup_date, next_followup_date,
                is_contacted, in_public_pool, is_dealer, dealer_contract_signed
            )
            SELECT %(prefix)s || b.g,
                   b.type,
                   b.state <> 'lost',
                   CASE WHEN b.pool THEN NULL ELSE b.user_id END,
                   %(team)s, %(company)s,
                   CASE WHEN b.type = 'lead' THEN NULL
                        WHEN b.state = 'won' THEN %(won)s ELSE b.stage END,
                   CASE WHEN b.r_partner < 0.6 THEN b.partner_id END,
                   CASE WHEN b.r_partner >= 0.6 THEN 'Bench Prospect ' || b.g END,
                   'Contact ' || b.g,
                   'contact' || b.g || '@prospect.example.com',
                   (floor(b.r_rev * 4))::int::varchar,
                   round((500 + b.r_rev * b.r_rev * 80000)::numeric, 2),
                   p.prob, p.prob,
                   round((500 + b.r_rev * b.r_rev * 80000)::numeric * p.prob / 100, 2),
                   0, 0, 0, 0,
                   CASE WHEN b.grade = 'a' THEN b.created::date + 5
                        WHEN b.grade = 'b' THEN b.created::date + 25
                        WHEN b.grade = 'c' THEN b.created::date + 80
                        WHEN b.r_follow < 0.7
                        THEN b.created::date + (30 + floor(b.r_follow * 200))::int
                   END,
                   b.created, b.created + interval '3 days',
                   CASE WHEN b.state = 'won'
                        THEN b.created + interval '20 days' END,
                   b.created, b.created, %(uid)s, %(uid)s, 0,
                   b.m, b.a, b.n, mc.cls, mc.code,
                   b.color, b.grade,
                   CASE WHEN b.color = 'yellow' THEN b.created::date END,
                   CASE WHEN b.grade = 'a' THEN b.created::date + 7
                        WHEN b.grade = 'b' THEN b.created::date + 30
                        WHEN b.grade = 'c' THEN b.created::date + 91 END,
                   false, false,
                   CASE WHEN b.grade = 'a' THEN b.created::date + 1
                        WHEN b.grade = 'b' THEN b.created::date + 7
                        WHEN b.grade = 'c' THEN b.created::date + 30 END,
                   (ARRAY['statistics', 'customer_directory', 'lost_customer',
                          'association_list', 'yellow_pages', 'press', 'referral',
                          'club', 'mailing', 'exhibition', 'other'])[
                       1 + floor(b.r_src * 11)::int],
                   b.p1, b.p2, b.p3, b.p4, b.p5, b.p6, b.p7, b.p8,
                   (b.p1 + b.p2 + b.p3) * 100.0 / 15,
                   (b.p4 + b.p5 + b.p6 + b.p7 + b.p8) * 100.0 / 25,
                   CASE WHEN b.r_follow < 0.5 THEN 'continue'
                        WHEN b.r_follow < 0.7 THEN 'revisit'
                        WHEN b.r_follow < 0.75 THEN 'give_up' END,
                   CASE WHEN b.r_follow >= 0.5 AND b.r_follow < 0.7 THEN 30 END,
                   (b.created + b.r_follow * (now() - b.created))::date,
                   CASE WHEN b.r_follow >= 0.5 AND b.r_follow < 0.7
                        THEN (b.created + b.r_follow * (now() - b.created))::date
                             + 30 END,
                   b.r_follow < 0.85, b.pool, b.r_src < 0.03, false
              FROM bench_l b
              JOIN LATERAL (
                   SELECT CASE WHEN b.state = 'won' THEN 100.0
                               WHEN b.state = 'lost' THEN 0.0
                               WHEN b.type = 'lead' THEN 10.0
                               ELSE round((5 + b.r_color * 85)::numeric, 0)
                          END AS prob) p ON true
              JOIN (VALUES (true, true, true, 1, 'MAN'),
                           (true, true, false, 2, 'MAn'),
                           (true, false, true, 3, 'MaN'),
                           (false, true, true, 4, 'mAN'),
                           (false, false, true, 5, 'maN'),
                           (false, true, false, 6, 'mAn'),
                           (true, false, false, 7, 'Man'),
                           (false, false, false, 8, 'man'))
                   AS mc(m, a, n, cls, code)
                ON mc.m = b.m AND mc.a = b.a AND mc.n = b.n
            """,
            {
                "prefix": LEAD_PREFIX,
                "team": team.id,
                "company": self.company.id,
                "won": won_stage,
                "uid": env.uid,
            },
        )
        cr.execute(
            """
            UPDATE crm_lead SET card_date_mismatch = date_deadline > card_close_limit
             WHERE name LIKE %s AND card_color = 'yellow'
            """,
            [LEAD_PREFIX + "%"],
        )
        self._visits(users)
        self._collection_plans()
        cr.execute("ANALYZE crm_lead")
        env.invalidate_all()

    def _visits(self, users):
        """Four visits per salesperson and working day over 12 months, on
        the customers of their leads (done in the past, planned ahead)."""
        cr = self.cr
        n = SALESPEOPLE * 4 * 250
        log(f"{n} customer visits")
        cr.execute(
            """
            INSERT INTO sale_customer_visit (
                name, state, date, company_id, user_id, team_id, partner_id,
                lead_id, purpose_introduce, purpose_reason, purpose_service,
                purpose_remembered, purpose_first_call, purpose_count,
                is_successful, success_rate, create_date, write_date,
                create_uid, write_uid
            )
            SELECT 'Bench visit ' || v.id, v.state, v.d, %(company)s, v.user_id,
                   v.team_id, v.partner_id, v.id, v.p1, v.p2, v.p3, v.p4, v.p5, v.cnt,
                   v.cnt >= 3,
                   CASE WHEN v.cnt >= 3 AND v.state = 'done' THEN 100 ELSE 0 END,
                   now(), now(), %(uid)s, %(uid)s
              FROM (
                SELECT l.id, l.user_id, l.team_id, l.partner_id, x.d,
                       CASE WHEN x.d < now() THEN 'done' ELSE 'planned' END AS state,
                       x.p1, x.p2, x.p3, x.p4, x.p5,
                       x.p1::int + x.p2::int + x.p3::int + x.p4::int + x.p5::int
                           AS cnt
                  FROM crm_lead l
                  JOIN LATERAL (
                       SELECT now() - interval '330 days'
                                + random() * interval '360 days' + (l.id * 0)
                                * interval '1 day' AS d,
                              random() < 0.7 AS p1, random() < 0.6 AS p2,
                              random() < 0.5 AS p3, random() < 0.5 AS p4,
                              random() < 0.3 AS p5) x ON true
                 WHERE l.name LIKE %(like)s AND l.user_id IS NOT NULL
                 ORDER BY l.id
                 LIMIT %(n)s
              ) v
            """,
            {
                "company": self.company.id,
                "uid": self.env.uid,
                "like": LEAD_PREFIX + "%",
                "n": n,
            },
        )

    def _collection_plans(self):
        """A collection plan of three instalments (30/40/30 %) on one order
        in ten of the last 12 months, due 0, 30 and 60 days after it."""
        cr = self.cr
        cr.execute(
            """
            WITH o AS (
                SELECT id, partner_id, user_id, company_id, date_order, amount_total
                  FROM sale_order
                 WHERE state = 'sale' AND name LIKE 'BENCH/%%'
                   AND date_order > now() - interval '12 months'
                   AND id %% 10 = 0
            ), plan AS (
                INSERT INTO sale_collection_plan (order_id, partner_id, user_id,
                                                  company_id, create_date,
                                                  write_date, create_uid,
                                                  write_uid)
                SELECT id, partner_id, user_id, company_id, now(), now(),
                       %(uid)s, %(uid)s
                  FROM o
                RETURNING id, order_id
            )
            INSERT INTO sale_collection_plan_line (
                plan_id, sequence, name, order_id, company_id, amount_type,
                percentage, amount, date_due, reminder_days, reminder_sent,
                overdue_reminder_sent, create_date, write_date, create_uid, write_uid
            )
            SELECT plan.id, s.seq, 'Instalment ' || s.seq, o.id, o.company_id,
                   'percentage', s.pct, round(o.amount_total * s.pct / 100, 2),
                   o.date_order::date + s.days, 3,
                   o.date_order::date + s.days < now()::date - 5,
                   o.date_order::date + s.days < now()::date - 5,
                   now(), now(), %(uid)s, %(uid)s
              FROM plan
              JOIN o ON o.id = plan.order_id
              JOIN (VALUES (1, 30.0, 0), (2, 40.0, 30), (3, 30.0, 60)) s(seq, pct, days)
                ON true
            """,
            {"uid": self.env.uid},
        )
        log(f"{cr.rowcount} collection instalments")


def generate(env, args):
    """Make the CRM data unless present; True when made."""
    return generate_once(CrmGenerator(env, args), "crm")


# ---------------------------------------------------------------------------
# (a) customer list
# ---------------------------------------------------------------------------


def measure_customer_list(env, manager):
    """The customer list of *Customers > Customer Tiers* as a sales manager
    loads it: 80 rows flat, and grouped by tier (the action's default)
    against the stock contacts list (same user, its own columns) flat and
    grouped by salesperson."""
    partners = env["res.partner"].with_user(manager)
    spec = list_specification(partners, "base.view_partner_tree")
    action = env.ref("sale_customer_mgmt.res_partner_action_customer_tier")
    domain = safe_eval(action.domain)
    stock_spec = {k: v for k, v in spec.items() if k not in TIER_LIST_FIELDS}
    stock_domain = [("parent_id", "=", False)]
    base, took = paired(
        web_list(partners, stock_domain, stock_spec), web_list(partners, domain, spec)
    )
    figure(
        "customer list web_search_read 80 rows (sales manager)",
        took,
        "s",
        base,
        TARGET_RPC,
    )

    def grouped(dom, sp, groupby):
        return lambda: partners.web_read_group(
            dom, list(sp), [groupby], limit=80, offset=0, lazy=True
        )

    base, took = paired(
        grouped(stock_domain, stock_spec, "user_id"),
        grouped(domain, spec, "customer_tier_id"),
    )
    figure(
        "customer list grouped by tier, web_read_group (sales manager)",
        took,
        "s",
        base,
        TARGET_RPC,
    )


# ---------------------------------------------------------------------------
# (b) analysis reports as 12-month pivots
# ---------------------------------------------------------------------------


def pivot_calls(model, domain, measures, rows, cols):
    """The read_group calls the pivot view makes on first load: totals,
    rows, columns and rows x columns."""
    groupbys = []
    for groupby in ([], rows, cols, rows + cols):
        if groupby not in groupbys:
            groupbys.append(groupby)

    def run():
        for groupby in groupbys:
            model.read_group(domain, measures, groupby, lazy=False)

    return run


def sql_calls(env, queries):
    def run():
        for query in queries:
            env.cr.execute(query)
            env.cr.fetchall()

    return run


def grouping_sets(select, key_rows, key_cols, source):
    """The four aggregations of a pivot in plain SQL (GROUPING SETS is one
    query; the baseline runs four like the pivot)."""
    keys = [SQL("1"), key_rows, key_cols, SQL("%s, %s", key_rows, key_cols)]
    return [
        SQL("SELECT %s, %s FROM %s GROUP BY %s", key, select, source, key)
        for key in keys
    ]


def measure_reports(env, manager):
    today = date.today()
    d12 = today - relativedelta(years=1)
    rate = SQL("COALESCE(NULLIF(so.currency_rate, 0), 1.0)")
    reports = []

    # composition: tier rows, customer count and 12-month sales (the report
    # is a 12-month figure by definition, no date filter)
    reports.append(
        (
            "composition (tier)",
            "sale.customer.composition.report",
            [],
            ["customer_count:sum", "sales_12m:sum"],
            ["tier_id"],
            [],
            grouping_sets(
                SQL("count(*), SUM(COALESCE(s.amount, 0))"),
                SQL("p.customer_tier_id"),
                SQL("1"),
                SQL(
                    """res_partner p LEFT JOIN (
                        SELECT cp.commercial_partner_id AS pid,
                               SUM(sol.price_subtotal / %(rate)s) AS amount
                          FROM sale_order_line sol
                          JOIN sale_order so ON so.id = sol.order_id
                          JOIN res_partner cp ON cp.id = so.partner_id
                         WHERE so.state = 'sale' AND sol.display_type IS NULL
                           AND so.date_order >= %(d12)s
                      GROUP BY 1) s ON s.pid = p.id
                     WHERE p.active AND p.id = p.commercial_partner_id
                       AND (p.customer_rank > 0 OR s.pid IS NOT NULL)""",
                    rate=rate,
                    d12=d12,
                ),
            )[:2],
        )
    )
    # product sales: category rows x tier columns, 12 months of lines
    reports.append(
        (
            "product sales (category x tier)",
            "sale.customer.product.report",
            [("date", ">", d12)],
            ["sales_amount:sum", "margin:sum", "margin_rate:avg"],
            ["categ_id"],
            ["tier_id"],
            grouping_sets(
                SQL(
                    "SUM(sol.price_subtotal / %(r)s), SUM(sol.margin / %(r)s)",
                    r=rate,
                ),
                SQL("pt.categ_id"),
                SQL("cp.customer_tier_id"),
                SQL(
                    """sale_order_line sol
                      JOIN sale_order so ON so.id = sol.order_id
                      JOIN res_partner p ON p.id = so.partner_id
                      JOIN res_partner cp ON cp.id = p.commercial_partner_id
                      JOIN product_product pp ON pp.id = sol.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE so.state = 'sale' AND sol.display_type IS NULL
                       AND so.date_order::date > %s""",
                    d12,
                ),
            ),
        )
    )
    # churn: quarter rows x tier columns, the default quarter filter, 12 months
    reports.append(
        (
            "churn (quarter x tier)",
            "sale.customer.churn.report",
            [("period_type", "=", "quarter"), ("date", ">", d12)],
            [
                "customer_count:sum",
                "churned_count:sum",
                "churn_rate:avg",
                "retention_rate:avg",
                "lifetime_value_lost:sum",
            ],
            ["date:quarter"],
            ["tier_id"],
            grouping_sets(
                SQL(
                    "count(*), SUM((NOT c.retained)::int), "
                    "SUM(CASE WHEN c.retained THEN 0 ELSE p.lifetime_value END)"
                ),
                SQL("c.period"),
                SQL("p.customer_tier_id"),
                SQL(
                    """(SELECT prev.pid, prev.q + interval '3 months' AS period,
                              cur.pid IS NOT NULL AS retained
                         FROM (SELECT DISTINCT cp.commercial_partner_id AS pid,
                                      date_trunc('quarter', so.date_order) AS q
                                 FROM sale_order so
                                 JOIN res_partner cp ON cp.id = so.partner_id
                                WHERE so.state = 'sale'
                                  AND so.date_order >= %(d15)s) prev
                    LEFT JOIN (SELECT DISTINCT cp.commercial_partner_id AS pid,
                                      date_trunc('quarter', so.date_order) AS q
                                 FROM sale_order so
                                 JOIN res_partner cp ON cp.id = so.partner_id
                                WHERE so.state = 'sale'
                                  AND so.date_order >= %(d15)s) cur
                           ON cur.pid = prev.pid
                          AND cur.q = prev.q + interval '3 months'
                        WHERE prev.q + interval '3 months' > %(d12)s
                          AND prev.q + interval '6 months' <= %(today)s) c
                    JOIN res_partner p ON p.id = c.pid""",
                    d15=d12 - relativedelta(months=3),
                    d12=d12,
                    today=today,
                ),
            ),
        )
    )
    # integrated orders: tier or customer rows x payment state, orders of 12
    # months, invoiced and paid amounts through the invoice lines' link
    for label, row, key in (
        ("tier", "tier_id", SQL("cp.customer_tier_id")),
        ("customer", "partner_id", SQL("p.commercial_partner_id")),
    ):
        reports.append(
            (
                f"integrated orders ({label} x payment state)",
                "sale.order.integrated.report",
                [("date_order", ">", d12)],
                ["amount_total:sum", "paid_amount:sum", "outstanding_amount:sum"],
                [row],
                ["payment_state"],
                grouping_sets(
                    SQL(
                        "SUM(so.amount_total / %(r)s), SUM(COALESCE(i.amount, 0) "
                        "- COALESCE(i.residual, 0)), SUM(COALESCE(i.residual, 0))",
                        r=rate,
                    ),
                    key,
                    SQL(
                        "CASE WHEN i.order_id IS NULL THEN 'not_invoiced' "
                        "WHEN i.residual <= 0 THEN 'paid' ELSE 'not_paid' END"
                    ),
                    SQL(
                        """sale_order so
                          JOIN res_partner p ON p.id = so.partner_id
                          JOIN res_partner cp ON cp.id = p.commercial_partner_id
                     LEFT JOIN (SELECT sol.order_id,
                                       SUM(aml.price_total / move.amount_total
                                           * move.amount_total_signed) AS amount,
                                       SUM(aml.price_total / move.amount_total
                                           * move.amount_residual_signed)
                                           AS residual
                                  FROM sale_order_line_invoice_rel rel
                                  JOIN sale_order_line sol
                                    ON sol.id = rel.order_line_id
                                  JOIN account_move_line aml
                                    ON aml.id = rel.invoice_line_id
                                  JOIN account_move move ON move.id = aml.move_id
                                 WHERE move.state = 'posted'
                                   AND move.amount_total <> 0
                              GROUP BY sol.order_id) i ON i.order_id = so.id
                         WHERE so.state = 'sale' AND so.date_order::date > %s""",
                        d12,
                    ),
                ),
            )
        )
    # forecast: the next 12 months by month (pipeline by expected closing,
    # last year's orders shifted a year)
    start = today.replace(day=1)
    end = start + relativedelta(months=12)
    reports.append(
        (
            "sales forecast (month)",
            "forecast.sale.report",
            [("date", ">=", start), ("date", "<", end)],
            ["pipeline_amount:sum", "forecast_amount:sum", "last_year_amount:sum"],
            ["date:month"],
            [],
            [
                SQL(
                    """SELECT %(key)s, SUM(p), SUM(f), SUM(y) FROM (
                         SELECT COALESCE(l.date_deadline, l.create_date::date) AS d,
                                l.expected_revenue AS p,
                                l.expected_revenue * l.probability / 100 AS f,
                                0 AS y
                           FROM crm_lead l
                          WHERE l.active AND l.type = 'opportunity'
                            AND l.probability < 100
                            AND COALESCE(l.date_deadline, l.create_date::date)
                                BETWEEN %(start)s AND %(end)s
                      UNION ALL
                         SELECT (so.date_order + interval '1 year')::date, 0, 0,
                                so.amount_untaxed / %(rate)s
                           FROM sale_order so
                          WHERE so.state = 'sale'
                            AND so.date_order >= %(ly_start)s
                            AND so.date_order < %(ly_end)s) x
                     GROUP BY %(key)s""",
                    start=start,
                    end=end,
                    rate=rate,
                    ly_start=start - relativedelta(years=1),
                    ly_end=end - relativedelta(years=1),
                    key=key,
                )
                for key in (SQL("1"), SQL("date_trunc('month', d)"))
            ],
        )
    )
    # development: salesperson rows x month columns, leads added in 12 months
    reports.append(
        (
            "new-customer development (salesperson x month)",
            "crm.development.report",
            [("date", ">", d12)],
            [
                "added_count:sum",
                "contacted_count:sum",
                "qualified_count:sum",
                "converted_count:sum",
                "dropped_count:sum",
                "conversion_rate:avg",
            ],
            ["user_id"],
            ["date:month"],
            grouping_sets(
                SQL(
                    "count(*), SUM(l.is_contacted::int), "
                    "SUM((l.man_class <= 4)::int), "
                    "SUM((l.active AND l.probability >= 100)::int), "
                    "SUM((NOT l.active AND l.probability = 0)::int)"
                ),
                SQL("l.user_id"),
                SQL("date_trunc('month', l.create_date)"),
                SQL("crm_lead l WHERE l.create_date::date > %s", d12),
            ),
        )
    )
    for label, model, domain, measures, rows, cols, queries in reports:
        report = env[model].with_user(manager)
        base, took = paired(
            sql_calls(env, queries),
            pivot_calls(report, domain, measures, rows, cols),
            repeat=3,
        )
        figure(f"{label} pivot, 12 months", took, "s", base, TARGET_REPORT)


# ---------------------------------------------------------------------------
# (c) pipeline list and kanban
# ---------------------------------------------------------------------------


def kanban_specification(records, view_xmlid):
    view = records.env.ref(view_xmlid)
    result = records.get_views([(view.id, "kanban")])
    arch = etree.fromstring(result["views"]["kanban"]["arch"])
    fields_info = result["models"][records._name]["fields"]
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        field = fields_info.get(name)
        if not field:
            continue
        if field["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field["type"] in ("many2many", "one2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def measure_pipeline(env, user):
    leads = env["crm.lead"].with_user(user).with_context(bin_size=True)
    domain = [("type", "=", "opportunity")]
    spec = list_specification(leads, "crm.crm_case_tree_view_oppor")
    stock_spec = {k: v for k, v in spec.items() if k not in LEAD_FIELDS}
    base, took = paired(
        web_list(leads, domain, stock_spec), web_list(leads, domain, spec)
    )
    figure(
        "pipeline list web_search_read 80 rows (salesperson)",
        took,
        "s",
        base,
        TARGET_RPC,
    )

    kspec = kanban_specification(leads, "crm.crm_case_kanban_view_leads")
    stock_kspec = {k: v for k, v in kspec.items() if k not in LEAD_FIELDS}

    def kanban(sp):
        def run():
            groups = leads.web_read_group(
                domain, ["expected_revenue:sum"], ["stage_id"], lazy=True
            )
            for group in groups["groups"]:
                leads.web_search_read(
                    group["__domain"], sp, offset=0, limit=40, count_limit=10001
                )

        return run

    base, took = paired(kanban(stock_kspec), kanban(kspec), repeat=5)
    figure(
        "pipeline kanban, columns of 40 cards (salesperson)",
        took,
        "s",
        base,
        TARGET_RPC,
    )


def measure(env, args):
    cr = env.cr
    cr.execute(
        "SELECT count(*), count(*) FILTER (WHERE type = 'opportunity') FROM crm_lead"
    )
    total, opportunities = cr.fetchone()
    cr.execute("SELECT count(*) FROM sale_customer_visit")
    visits = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM sale_collection_plan_line")
    instalments = cr.fetchone()[0]
    sys.stdout.write(
        f"data: {total} leads ({opportunities} opportunities), {visits} visits, "
        f"{instalments} collection instalments\n"
    )
    manager = bench_user(env, "bench_crm_manager", ["sales_team.group_sale_manager"])
    users = salespeople(env)
    measure_customer_list(env, manager)
    measure_reports(env, manager)
    measure_pipeline(env, users[0])
