"""Key account section of the benchmark: key accounts among the bench
customers, with their decision-making units, factor ratings, stage history,
exit checklists and SPIN calls (bulk SQL, fixed seed; the stored computed
fields by the ORM in batches); the key account kanban and list as a key
account team member's browser loads them, the portfolio, stage and question
mix reports as their pivot and graph views ask for them, and the
contact-alert cron."""

import sys
from decimal import Decimal

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
    timed,
)
from lxml import etree

import odoo
from odoo.tools import SQL, split_every
from odoo.tools.safe_eval import safe_eval

CUSTOMER_LIKE = "Bench Customer %"
CONTACT_PREFIX = "Bench KA Contact "
CALL_PREFIX = "Bench KA call "
KA_LOGIN = "bench_ka_%02d"
KA_USERS = 5
KA_GROUP = "key_account.group_key_account_user"
# fields of these addons are left out of the "stock" views of the baselines
OUR_ADDONS = {"sale_customer_mgmt", "key_account", "after_sales"}
# what the kanban asks for without a limit on its arch: 40 cards a column,
# every column (Number.MAX_SAFE_INTEGER groups)
KANBAN_LIMIT = 40
GROUPS_LIMIT = 2**53 - 1
COMPUTE_BATCH = 1000
FUNCTIONS = [
    "Purchasing Manager",
    "Chief Executive",
    "Engineering Manager",
    "Quality Manager",
    "Finance Director",
    "Production Manager",
    "Logistics Manager",
    "IT Manager",
    "Buyer",
    "Technical Director",
]


def ka_users(env):
    """The key account team of the benchmark (team members, not managers:
    the record rules of the team apply to them)."""
    users = env["res.users"]
    for i in range(1, KA_USERS + 1):
        users |= bench_user(env, KA_LOGIN % i, [KA_GROUP])
    return users


def stored_computed(model, modules=None):
    """Names of the stored computed (and stored related) fields of ``model``,
    only those defined by ``modules`` when given."""
    return [
        name
        for name, field in model._fields.items()
        if field.store
        and field.compute
        and field.type != "binary"
        and (modules is None or set(field._modules) <= modules)
    ]


class KeyAccountGenerator(Generator):
    COUNT_SQL = "SELECT count(*) FROM res_partner WHERE is_key_account AND name LIKE %s"
    COUNT_PARAMS = (CUSTOMER_LIKE,)
    SEED = 0.57

    def run(self):
        env, cr = self.env, self.cr
        users = ka_users(env)
        cr.execute("SELECT id FROM key_account_stage ORDER BY sequence, id")
        stages = [r[0] for r in cr.fetchall()]
        if len(stages) != 5:
            raise RuntimeError("key_account: five relationship stages expected")
        cr.execute("SELECT id FROM res_partner_industry ORDER BY id LIMIT 5")
        industries = [r[0] for r in cr.fetchall()]
        self.seed()
        n = self.args.key_accounts
        log(f"{n} key accounts among the bench customers")
        # the first bench customers are the big buyers (the sales section
        # gives a customer its share of orders by random()^2 of its rank)
        cr.execute(
            """
            CREATE TEMP TABLE bench_ka_acc ON COMMIT DROP AS
            SELECT p.id, p.name, row_number() OVER (ORDER BY p.id) AS n,
                   random() AS r_user, random() AS r_stage, random() AS r_rated,
                   random() AS r_attr, random() AS r_adv, random() AS r_imp,
                   random() AS r_imp_v, random() AS r_spend_v, random() AS r_dec,
                   random() AS r_team, random() AS r_thin, random() AS r_gift,
                   random() AS r_ind, random() AS r_cnt, random() AS r_calls
              FROM (SELECT id, name FROM res_partner
                     WHERE name LIKE %s AND is_company AND parent_id IS NULL
                  ORDER BY id LIMIT %s) p
            """,
            [CUSTOMER_LIKE, n],
        )
        # stages 30/25/20/15/10 %; 70 % of the accounts rated factor by
        # factor, the others scored by hand; 30 % with a second team member;
        # 15 % "thin": one pair of people only (single thread when partners)
        cr.execute(
            """
            ALTER TABLE bench_ka_acc ADD COLUMN user_idx int,
                ADD COLUMN stage_idx int, ADD COLUMN attr float8,
                ADD COLUMN adv float8, ADD COLUMN n_contacts int,
                ADD COLUMN n_calls int;
            UPDATE bench_ka_acc SET
                user_idx = 1 + floor(r_user * %(nu)s)::int,
                stage_idx = CASE WHEN r_stage < 0.30 THEN 1 WHEN r_stage < 0.55 THEN 2
                                 WHEN r_stage < 0.75 THEN 3 WHEN r_stage < 0.90 THEN 4
                                 ELSE 5 END,
                attr = 1 + r_attr * 8.5, adv = 1 + r_adv * 8.5,
                n_contacts = 5 + floor(r_cnt * 11)::int,
                n_calls = 2 + floor(r_calls * 8)::int;
            """,
            {"nu": len(users)},
        )
        cr.execute(
            """
            UPDATE res_partner p SET
                is_key_account = true,
                ka_user_id = (%(users)s::int[])[a.user_idx],
                ka_stage_id = (%(stages)s::int[])[a.stage_idx],
                ka_decision_type = CASE WHEN a.r_dec < 0.40 THEN 'authoritative'
                                        WHEN a.r_dec < 0.75 THEN 'consultative'
                                        WHEN a.r_dec < 0.90 THEN 'advisory' END,
                ka_attractiveness = CASE WHEN a.r_rated < 0.7 THEN 0
                                         ELSE round(a.attr::numeric, 1) END,
                ka_advantage = CASE WHEN a.r_rated < 0.7 THEN 0
                                    ELSE round(a.adv::numeric, 1) END,
                ka_supplier_importance = CASE WHEN a.r_imp < 0.6
                    THEN round((a.r_imp_v * 10)::numeric, 1) END,
                ka_spend_share = CASE WHEN a.r_imp < 0.6
                    THEN round((a.r_spend_v * 10)::numeric, 1) END,
                ka_gift_policy = CASE WHEN a.r_gift < 0.75 THEN 'allowed'
                                      WHEN a.r_gift < 0.90 THEN 'limited'
                                      ELSE 'forbidden' END,
                ka_gift_limit = CASE WHEN a.r_gift >= 0.75 AND a.r_gift < 0.90
                    THEN 50 + floor(a.r_gift * 100) * 5 END,
                industry_id = (%(industries)s::int[])[1 + floor(a.r_ind * %(ni)s)::int],
                write_date = now() AT TIME ZONE 'UTC'
              FROM bench_ka_acc a
             WHERE a.id = p.id
            """,
            {
                "users": users.ids,
                "stages": stages,
                "industries": industries,
                "ni": len(industries),
            },
        )
        cr.execute(
            """
            INSERT INTO key_account_team_user_rel (partner_id, user_id)
            SELECT id, (%(users)s::int[])[1 + user_idx %% %(nu)s]
              FROM bench_ka_acc WHERE r_team < 0.3
            """,
            {"users": users.ids, "nu": len(users)},
        )
        self._ratings()
        self._history(stages, users)
        self._checklists()
        self._contacts(users)
        self._calls(users)
        for table in (
            "res_partner",
            "key_account_rating",
            "key_account_stage_history",
            "key_account_checklist_line",
            "key_account_call",
            "key_account_call_question",
        ):
            cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
        self._compute_stored()
        self.check_sample()

    def _ratings(self):
        """Every active factor rated around the account's level (+-2)."""
        self.cr.execute(
            """
            INSERT INTO key_account_rating (partner_id, factor_id, factor_type,
                                            sequence, weight, rating, create_uid,
                                            write_uid, create_date, write_date)
            SELECT a.id, f.id, f.factor_type, f.sequence, f.weight,
                   round(LEAST(10, GREATEST(0,
                         CASE WHEN f.factor_type = 'attractiveness' THEN a.attr
                              ELSE a.adv END + (random() - 0.5) * 4))::numeric, 1),
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM bench_ka_acc a
              JOIN key_account_factor f ON f.active
             WHERE a.r_rated < 0.7
          ORDER BY a.id, f.id
            """,
            {"uid": self.env.uid},
        )

    def _history(self, stages, users):
        """One row per stage reached: 20-180 days in each past stage, 5-205
        days in the current one (open)."""
        cr = self.cr
        cr.execute(
            """
            CREATE TEMP TABLE bench_ka_hist ON COMMIT DROP AS
            SELECT a.id AS partner_id, a.user_idx, s AS stage_idx, a.stage_idx AS cur,
                   CASE WHEN s = a.stage_idx THEN 5 + random() * 200
                        ELSE 20 + random() * 160 END AS days
              FROM bench_ka_acc a
              JOIN generate_series(1, 5) s ON s <= a.stage_idx
          ORDER BY a.id, s
            """
        )
        cr.execute(
            """
            INSERT INTO key_account_stage_history (partner_id, stage_id,
                previous_stage_id, event_type, user_id, date_start, date_end,
                duration_days, create_uid, write_uid, create_date, write_date)
            SELECT h.partner_id, (%(stages)s::int[])[h.stage_idx],
                   (%(stages)s::int[])[NULLIF(h.stage_idx - 1, 0)],
                   CASE WHEN h.stage_idx = 1 THEN 'initial' ELSE 'progress' END,
                   (%(users)s::int[])[h.user_idx], h.date_start, h.date_end,
                   COALESCE(round((EXTRACT(EPOCH FROM h.date_end - h.date_start)
                                   / 86400.0)::numeric, 1), 0),
                   %(uid)s, %(uid)s, h.date_start, COALESCE(h.date_end, h.date_start)
              FROM (
                SELECT x.*, lead(x.date_start) OVER w AS date_end
                  FROM (
                    SELECT b.*,
                           date_trunc('second', (now() AT TIME ZONE 'UTC')
                               - SUM(b.days) OVER (
                                   PARTITION BY b.partner_id ORDER BY b.stage_idx DESC)
                               * interval '1 day') AS date_start
                      FROM bench_ka_hist b
                  ) x
                WINDOW w AS (PARTITION BY x.partner_id ORDER BY x.stage_idx)
              ) h
          ORDER BY h.partner_id, h.stage_idx
            """,
            {
                "stages": stages,
                "users": users.ids,
                "uid": self.env.uid,
            },
        )
        cr.execute(
            """
            UPDATE res_partner p SET ka_stage_date = h.date_start
              FROM key_account_stage_history h
             WHERE h.partner_id = p.id AND h.date_end IS NULL AND p.is_key_account
            """
        )

    def _checklists(self):
        """The exit checklists of every stage reached: those of past stages
        confirmed, 40 % of the current stage's items confirmed."""
        self.cr.execute(
            """
            INSERT INTO key_account_checklist_line (partner_id, item_id, stage_id,
                stage_sequence, sequence, is_current, done, done_date,
                done_user_id, create_uid, write_uid, create_date, write_date)
            SELECT x.partner_id, x.item_id, x.stage_id, x.stage_sequence,
                   x.sequence, x.is_current, x.done,
                   CASE WHEN x.done THEN x.ka_stage_date::date END,
                   CASE WHEN x.done THEN x.ka_user_id END,
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC',
                   now() AT TIME ZONE 'UTC'
              FROM (
                SELECT p.id AS partner_id, i.id AS item_id, s.id AS stage_id,
                       s.sequence AS stage_sequence, i.sequence,
                       s.id = p.ka_stage_id AS is_current,
                       s.id <> p.ka_stage_id OR random() < 0.4 AS done,
                       p.ka_stage_date, p.ka_user_id
                  FROM bench_ka_acc a
                  JOIN res_partner p ON p.id = a.id
                  JOIN key_account_stage cur ON cur.id = p.ka_stage_id
                  JOIN key_account_stage s ON s.sequence <= cur.sequence
                  JOIN key_account_stage_checklist i
                    ON i.stage_id = s.id AND i.active
              ORDER BY p.id, s.sequence, i.sequence, i.id
              ) x
            """,
            {"uid": self.env.uid},
        )

    def _contacts(self, users):
        """5-15 people of each account, the first one a decision maker; 80 %
        of them with an owner on our side (only the first one for thin
        accounts); last contacts spread over five months."""
        cr = self.cr
        cr.execute(
            """
            CREATE TEMP TABLE bench_ka_con ON COMMIT DROP AS
            SELECT a.id AS parent_id, a.name AS parent_name, a.n, k,
                   a.r_thin < 0.15 AS thin,
                   random() AS r_role, random() AS r_stance, random() AS r_style,
                   random() AS r_owner, random() AS r_pick, random() AS r_last,
                   random() AS r_date, random() AS r_stake, random() AS r_inv,
                   random() AS r_fn
              FROM bench_ka_acc a
              JOIN generate_series(1, 15) k ON k <= a.n_contacts
          ORDER BY a.id, k
            """
        )
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, parent_id,
                commercial_partner_id, commercial_company_name, is_company, type,
                active, lang, customer_rank, supplier_rank, autopost_bills,
                partner_share, email, email_normalized, function, ka_gift_policy,
                ka_role, ka_stance, ka_social_style, ka_owner_id,
                ka_last_contact_date, ka_stake, ka_involvement, create_uid,
                write_uid, create_date, write_date)
            SELECT x.name, x.parent_name || ', ' || x.name, x.parent_id,
                   x.parent_id, x.parent_name, false, 'contact', true, 'en_US', 0, 0,
                   'ask', true, x.email, x.email, x.function, 'allowed',
                   CASE WHEN c.k = 1 THEN 'decision_maker'
                        WHEN c.r_role < 0.15 THEN 'decision_maker'
                        WHEN c.r_role < 0.40 THEN 'rule_maker'
                        WHEN c.r_role < 0.65 THEN 'user'
                        WHEN c.r_role < 0.85 THEN 'gatekeeper' END,
                   CASE WHEN c.r_stance < 0.45 THEN 'supporter'
                        WHEN c.r_stance < 0.80 THEN 'neutral'
                        ELSE 'opponent' END,
                   CASE WHEN c.r_style < 0.2 THEN NULL
                        WHEN c.r_style < 0.4 THEN 'analytical'
                        WHEN c.r_style < 0.6 THEN 'driver'
                        WHEN c.r_style < 0.8 THEN 'amiable'
                        ELSE 'expressive' END,
                   CASE WHEN c.k = 1 OR (NOT c.thin AND c.r_owner < 0.8)
                        THEN (%(users)s::int[])[1 + floor(c.r_pick * %(nu)s)::int]
                        END,
                   CASE WHEN c.r_last >= 0.05
                        THEN current_date - floor(power(c.r_date, 2) * 150)::int END,
                   floor(c.r_stake * 11)::int, floor(c.r_inv * 11)::int,
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM bench_ka_con c
              JOIN LATERAL (
                   SELECT c.parent_id, c.parent_name,
                          %(prefix)s || c.n || '-' || c.k AS name,
                          'ka.contact.' || c.n || '.' || c.k
                              || '@bench-ka.example.com' AS email,
                          (%(functions)s::varchar[])[
                              1 + floor(c.r_fn * %(nf)s)::int] AS function
                   ) x ON true
          ORDER BY c.parent_id, c.k
            """,
            {
                "users": users.ids,
                "nu": len(users),
                "uid": self.env.uid,
                "prefix": CONTACT_PREFIX,
                "functions": FUNCTIONS,
                "nf": len(FUNCTIONS),
            },
        )

    def _calls(self, users):
        """2-9 SPIN calls per account over the last year (15 % planned
        ahead, 10 % cancelled), by the account's manager 80 % of the time,
        with 2-9 questions each (situation questions most, need-payoff
        least)."""
        cr = self.cr
        log("SPIN calls and questions")
        cr.execute(
            """
            INSERT INTO key_account_call (name, partner_id, contact_id, company_id,
                user_id, date, state, situation_count, problem_count,
                implication_count, need_payoff_count, create_uid, write_uid,
                create_date, write_date)
            SELECT %(prefix)s || a.n || '-' || c, a.id, ct.id, %(company)s,
                   CASE WHEN r.r_user < 0.8 THEN (%(users)s::int[])[a.user_idx]
                        ELSE (%(users)s::int[])[1 + floor(r.r_pick * %(nu)s)::int]
                        END,
                   date_trunc('second', (now() AT TIME ZONE 'UTC') + CASE
                        WHEN r.r_state < 0.15 THEN r.r_date * interval '30 days'
                        ELSE -r.r_date * interval '365 days' END),
                   CASE WHEN r.r_state < 0.15 THEN 'planned'
                        WHEN r.r_state < 0.25 THEN 'cancel' ELSE 'done' END,
                   0, 0, 0, 0, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC',
                   now() AT TIME ZONE 'UTC'
              FROM bench_ka_acc a
              JOIN generate_series(1, 9) c ON c <= a.n_calls
              JOIN LATERAL (
                   SELECT random() + c * 0 AS r_user, random() AS r_pick,
                          random() AS r_state, random() AS r_date,
                          random() AS r_contact) r ON true
              JOIN res_partner ct
                ON ct.parent_id = a.id
               AND ct.name = %(contact)s || a.n || '-'
                             || (1 + floor(r.r_contact * a.n_contacts)::int)
          ORDER BY a.id, c
            """,
            {
                "prefix": CALL_PREFIX,
                "contact": CONTACT_PREFIX,
                "company": self.company.id,
                "users": users.ids,
                "nu": len(users),
                "uid": self.env.uid,
            },
        )
        cr.execute(
            """
            INSERT INTO key_account_call_question (call_id, sequence, question_type,
                name, user_id, partner_id, company_id, call_date, call_state,
                create_uid, write_uid, create_date, write_date)
            SELECT c.id, 10 * q, CASE WHEN t.r < 0.40 THEN 'situation'
                                      WHEN t.r < 0.70 THEN 'problem'
                                      WHEN t.r < 0.88 THEN 'implication'
                                      ELSE 'need_payoff' END,
                   'Bench question ' || q, c.user_id, c.partner_id, c.company_id,
                   c.date, c.state, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC',
                   now() AT TIME ZONE 'UTC'
              FROM key_account_call c
              JOIN LATERAL (SELECT 2 + floor(random() * 8)::int + c.id * 0 AS nq) n
                ON true
              JOIN generate_series(1, 9) q ON q <= n.nq
              JOIN LATERAL (SELECT random() + q * 0 AS r) t ON true
             WHERE c.name LIKE %(like)s
          ORDER BY c.id, q
            """,
            {"uid": self.env.uid, "like": CALL_PREFIX + "%"},
        )
        cr.execute(
            """
            UPDATE key_account_call c SET
                situation_count = s.situation, problem_count = s.problem,
                implication_count = s.implication, need_payoff_count = s.need_payoff
              FROM (SELECT call_id,
                           count(*) FILTER (WHERE question_type = 'situation')
                               AS situation,
                           count(*) FILTER (WHERE question_type = 'problem')
                               AS problem,
                           count(*) FILTER (WHERE question_type = 'implication')
                               AS implication,
                           count(*) FILTER (WHERE question_type = 'need_payoff')
                               AS need_payoff
                      FROM key_account_call_question GROUP BY call_id) s
             WHERE s.call_id = c.id AND c.name LIKE %s
            """,
            [CALL_PREFIX + "%"],
        )

    def partner_ids(self):
        """The key accounts and their people."""
        self.cr.execute(
            """
            SELECT p.id FROM res_partner p
             WHERE p.is_key_account AND p.name LIKE %s
                OR p.parent_id IN (SELECT id FROM res_partner
                                    WHERE is_key_account AND name LIKE %s)
                   AND p.name LIKE %s
          ORDER BY p.id
            """,
            [CUSTOMER_LIKE, CUSTOMER_LIKE, CONTACT_PREFIX + "%"],
        )
        return [r[0] for r in self.cr.fetchall()]

    def _compute_stored(self):
        """The stored computed fields of key_account on the accounts and
        their people (scores from the ratings, bands, quadrant, supplier
        positioning, network breadth, stake x involvement), computed by the
        ORM in batches: exactly what the addon would store."""
        env = self.env
        Partner = env["res.partner"]
        fnames = stored_computed(Partner, {"key_account"})
        ids = self.partner_ids()
        log(f"ORM compute of {len(fnames)} stored fields on {len(ids)} partners")
        env.invalidate_all()
        for batch in split_every(COMPUTE_BATCH, ids):
            records = Partner.browse(batch)
            for fname in fnames:
                env.add_to_compute(Partner._fields[fname], records)
            records.flush_recordset(fnames)
            env.invalidate_all()

    def check_sample(self):
        """Recompute a sample of every stored computed field made here with
        the ORM and compare with what is stored; raise on any difference."""
        cr = self.cr
        ids = self.partner_ids()
        sample = ids[::17]
        cr.execute(
            "SELECT id FROM res_partner WHERE id = ANY(%s) AND is_key_account",
            [sample],
        )
        accounts = [r[0] for r in cr.fetchall()]
        contacts = sorted(set(sample) - set(accounts))
        Partner = self.env["res.partner"]
        checks = [
            ("res.partner", accounts, stored_computed(Partner, {"key_account"})),
            (
                "res.partner",
                contacts,
                stored_computed(Partner, {"key_account"})
                + [
                    "complete_name",
                    "commercial_partner_id",
                    "commercial_company_name",
                    "partner_share",
                    "email_normalized",
                ],
            ),
        ]
        for model, table in (
            ("key.account.rating", "key_account_rating"),
            ("key.account.stage.history", "key_account_stage_history"),
            ("key.account.checklist.line", "key_account_checklist_line"),
            ("key.account.call", "key_account_call"),
            ("key.account.call.question", "key_account_call_question"),
        ):
            cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE partner_id = ANY(%s) ORDER BY id",
                    SQL.identifier(table),
                    accounts,
                )
            )
            rows = [r[0] for r in cr.fetchall()]
            checks.append((model, rows, stored_computed(self.env[model])))
        errors = []
        for model, rec_ids, fnames in checks:
            errors += compare_with_orm(self.env, model, rec_ids, fnames)
        if errors:
            raise RuntimeError(
                "stored fields differ from the ORM's values:\n" + "\n".join(errors[:20])
            )
        log(
            "sample checked against the ORM: "
            + ", ".join(f"{len(r)} {m}" for m, r, __ in checks)
        )


def compare_with_orm(env, model, ids, fnames):
    """Differences between the stored values of ``fnames`` on ``ids`` and
    those the ORM computes again (in a savepoint rolled back)."""
    if not ids or not fnames:
        return []
    Model = env[model]
    query = SQL(
        "SELECT id, %s FROM %s WHERE id = ANY(%s) ORDER BY id",
        SQL(", ").join(SQL.identifier(f) for f in fnames),
        SQL.identifier(Model._table),
        list(ids),
    )

    def fetch():
        env.cr.execute(query)
        return {row[0]: row[1:] for row in env.cr.fetchall()}

    env.flush_all()
    env.invalidate_all()
    stored = fetch()
    savepoint = env.cr.savepoint()
    try:
        records = Model.browse(ids)
        for fname in fnames:
            env.add_to_compute(Model._fields[fname], records)
        records.flush_recordset(fnames)
        computed = fetch()
    finally:
        savepoint.close(rollback=True)
        env.invalidate_all()
    errors = []
    for rec_id, values in stored.items():
        for fname, old, new in zip(fnames, values, computed[rec_id], strict=True):
            if isinstance(old, int | float | Decimal) and not isinstance(old, bool):
                same = new is not None and abs(float(old) - float(new)) < 1e-9
            else:
                same = old == new
            if not same:
                errors.append(f"{model}.{fname} #{rec_id}: stored {old!r}, ORM {new!r}")
    return errors


def generate(env, args):
    """Make the key account data unless present; True when made."""
    gen = KeyAccountGenerator(env, args)
    if gen.exists():
        return generate_once(gen, "key account")
    env.cr.execute(
        "SELECT 1 FROM res_partner WHERE name LIKE %s LIMIT 1", [CUSTOMER_LIKE]
    )
    if not env.cr.fetchone():
        raise RuntimeError("run the sales section first (bench customers)")
    gen.run()
    return True


# ---------------------------------------------------------------------------
# helpers: the calls of the web client's views
# ---------------------------------------------------------------------------


def query_count(func):
    """Number of SQL queries ``func`` runs."""
    start = odoo.sql_db.sql_counter
    func()
    return odoo.sql_db.sql_counter - start


def request(records, func):
    """``func`` as one request of the web client: a fresh record cache."""

    def run():
        records.env.invalidate_all()
        return func()

    return run


def is_ours(records, fname):
    return set(records._fields[fname]._modules) <= OUR_ADDONS


def kanban_specification(records, view_xmlid, stock=False):
    """The ``specification`` the web client sends for the cards of a kanban
    view (every field of the combined arch, many2one as display names, the
    write date for image widgets); ``stock`` leaves out our addons' fields."""
    view = records.env.ref(view_xmlid)
    result = records.get_views([(view.id, "kanban")])
    arch = etree.fromstring(result["views"]["kanban"]["arch"])
    fields_info = result["models"][records._name]["fields"]
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        if any(parent.tag == "field" for parent in node.iterancestors()):
            continue
        if stock and is_ours(records, name):
            continue
        ftype = fields_info[name]["type"]
        if ftype in ("many2one", "reference"):
            spec[name] = {"fields": {"display_name": {}}}
        elif ftype in ("many2many", "one2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
        if node.get("widget") == "image":
            spec["write_date"] = {}
    return spec


def group_aggregates(records, spec, groupby):
    """The aggregates web_read_group asks for: every field shown that the
    field descriptions give an aggregator, except the grouping one."""
    described = records.fields_get(list(spec), attributes=["aggregator"])
    return [
        f"{name}:{described[name]['aggregator']}"
        for name in spec
        if name != groupby and described[name].get("aggregator")
    ]


def grouped_kanban(records, domain, spec, groupby):
    """A kanban grouped by ``groupby`` as the web client loads it: the
    columns (web_read_group), then the first cards of every open column."""
    aggregates = group_aggregates(records, spec, groupby)

    def load():
        result = records.web_read_group(
            domain,
            aggregates,
            [groupby],
            limit=GROUPS_LIMIT,
            offset=0,
            orderby="",
            lazy=True,
        )
        for group in result["groups"]:
            value = group[groupby]
            if not value or group.get("__fold") or not group[f"{groupby}_count"]:
                continue
            records.with_context(**{f"default_{groupby}": value[0]}).web_search_read(
                group["__domain"],
                spec,
                offset=0,
                limit=KANBAN_LIMIT,
                order=None,
                count_limit=10001,
            )
        return result

    return load


def web_list(records, domain, spec, limit=80):
    return lambda: records.web_search_read(
        domain, spec, offset=0, limit=limit, order=None, count_limit=10001
    )


def pivot(records, domain, measures, rows, cols):
    """The read_group calls of a pivot view's first load: every prefix of
    the row groupbys crossed with every prefix of the column groupbys."""
    divisions = [
        rows[:i] + cols[:j] for i in range(len(rows) + 1) for j in range(len(cols) + 1)
    ]

    def load():
        return [
            records.read_group(domain, measures, groupby, lazy=False)
            for groupby in divisions
        ]

    return load


def graph(records, domain, measures, groupby):
    """The web_read_group call of a graph view."""
    return lambda: records.web_read_group(domain, measures, groupby, lazy=False)


def sql_runs(env, queries):
    """Run plain SQL queries one after the other, fetching every row."""

    def run():
        for query in queries:
            env.cr.execute(query)
            env.cr.fetchall()

    return run


# ---------------------------------------------------------------------------
# measures
# ---------------------------------------------------------------------------


def measure(env, args):
    cr = env.cr
    cr.execute(
        """
        SELECT (SELECT count(*) FROM res_partner WHERE is_key_account),
               (SELECT count(*) FROM res_partner c JOIN res_partner p
                    ON p.id = c.parent_id AND p.is_key_account
                 WHERE c.ka_role IS NOT NULL),
               (SELECT count(*) FROM key_account_rating),
               (SELECT count(*) FROM key_account_stage_history),
               (SELECT count(*) FROM key_account_call),
               (SELECT count(*) FROM key_account_call_question)
        """
    )
    accounts, dmu, ratings, history, calls, questions = cr.fetchone()
    sys.stdout.write(
        f"data: {accounts} key accounts, {dmu} DMU contacts, {ratings} factor "
        f"ratings, {history} stage history rows, {calls} SPIN calls with "
        f"{questions} questions\n"
    )
    user = ka_users(env)[0]
    measure_kanban_and_list(env, user)
    measure_reports(env, user)
    measure_contact_alert_cron(env)


def measure_kanban_and_list(env, user):
    """The "Key Accounts" action as a key account team member opens it (the
    kanban grouped by stage: columns and their first 40 cards; then the
    list, 80 rows) against the stock contacts kanban and list of the same
    model as the same user, over as many companies (the key accounts'
    industry, a stock field, gives the baseline its 5 columns)."""
    action = env.ref("key_account.key_account_partner_action")
    domain = safe_eval(action.domain)
    context = dict(safe_eval(action.context), bin_size=True)
    partners = env["res.partner"].with_user(user).with_context(**context)
    stock = env["res.partner"].with_user(user).with_context(bin_size=True)
    stock_domain = [("industry_id", "!=", False)]
    count = partners.search_count(domain)
    stock_count = stock.search_count(stock_domain)

    spec = kanban_specification(
        partners, "key_account.res_partner_view_kanban_key_account"
    )
    stock_spec = kanban_specification(stock, "base.res_partner_kanban_view", stock=True)
    ka_load = request(partners, grouped_kanban(partners, domain, spec, "ka_stage_id"))
    stock_load = request(
        stock, grouped_kanban(stock, stock_domain, stock_spec, "industry_id")
    )
    base, took = paired(stock_load, ka_load)
    figure(
        f"KA kanban by stage, columns + {KANBAN_LIMIT} cards each ({count} accounts, "
        f"KA user) vs stock contacts kanban by industry ({stock_count})",
        took,
        "s",
        base,
        TARGET_RPC,
    )
    figure(
        "KA kanban load queries",
        query_count(ka_load),
        "queries",
        query_count(stock_load),
    )

    list_spec = list_specification(
        partners, "key_account.res_partner_view_list_key_account"
    )
    stock_list_spec = {
        k: v
        for k, v in list_specification(stock, "base.view_partner_tree").items()
        if not is_ours(stock, k)
    }
    ka_list = request(partners, web_list(partners, domain, list_spec))
    stock_list = request(stock, web_list(stock, stock_domain, stock_list_spec))
    base, took = paired(stock_list, ka_list)
    figure(
        "KA list web_search_read 80 rows (KA user) vs stock contacts list",
        took,
        "s",
        base,
        TARGET_RPC,
    )
    figure(
        "KA list queries",
        query_count(ka_list),
        "queries",
        query_count(stock_list),
    )
    # the "At Risk" filter of the key account search view (a computed
    # flag searched through the whole portfolio): just reported
    at_risk = request(
        partners,
        web_list(partners, domain + [("ka_at_risk", "=", True)], list_spec),
    )
    base, took = paired(ka_list, at_risk, repeat=3)
    figure("KA list filtered 'At Risk' vs KA list unfiltered", took, "s", base)
    figure(
        "KA list 'At Risk' queries",
        query_count(at_risk),
        "queries",
        query_count(ka_list),
    )


def user_rule_sql(alias, uid):
    """The team's record rule on an account (its manager, a team member, or
    no manager yet) as a plain SQL condition."""
    return SQL(
        """(%(p)s.ka_user_id = %(uid)s OR %(p)s.ka_user_id IS NULL
            OR EXISTS (SELECT 1 FROM key_account_team_user_rel r
                        WHERE r.partner_id = %(p)s.id AND r.user_id = %(uid)s))""",
        p=SQL.identifier(alias),
        uid=uid,
    )


def measure_reports(env, user):
    """Every report of key_account as its pivot (the read_group calls of the
    first load) and its graph (web_read_group) ask for it, as a key account
    team member (the team's record rules apply), vs the same aggregation of
    the same rows in plain SQL (one query per read_group)."""
    uid = user.id
    companies = user.company_ids.ids
    # -- portfolio: key accounts and classified partners, bands x bands
    action = env.ref("key_account.key_account_portfolio_action")
    domain = safe_eval(action.domain)
    partners = env["res.partner"].with_user(user)
    where = SQL("p.active AND (p.is_key_account OR p.ka_quadrant IS NOT NULL)")
    band_a, band_b = SQL("p.ka_attractiveness_bucket"), SQL("p.ka_advantage_bucket")
    queries = [SQL("SELECT count(*) FROM res_partner p WHERE %s", where)]
    for keys in ([band_a], [band_b], [band_a, band_b]):
        cols = SQL(", ").join(keys)
        queries.append(
            SQL(
                "SELECT %s, count(*) FROM res_partner p WHERE %s"
                " GROUP BY %s ORDER BY %s",
                cols,
                where,
                cols,
                cols,
            )
        )
    load = request(
        partners,
        pivot(
            partners,
            domain,
            ["__count"],
            ["ka_attractiveness_bucket"],
            ["ka_advantage_bucket"],
        ),
    )
    base, took = paired(sql_runs(env, queries), load)
    figure(
        "portfolio pivot attractiveness x advantage bands (4 read_group)",
        took,
        "s",
        base,
        TARGET_REPORT,
    )
    graph_sql = SQL(
        """
        SELECT p.ka_quadrant, s.id, s.name->>'en_US', count(*)
          FROM res_partner p
     LEFT JOIN key_account_stage s ON s.id = p.ka_stage_id
         WHERE %s
      GROUP BY p.ka_quadrant, s.id, s.sequence, s.name
      ORDER BY p.ka_quadrant, s.sequence, s.id
        """,
        where,
    )
    load = request(
        partners, graph(partners, domain, ["__count"], ["ka_quadrant", "ka_stage_id"])
    )
    base, took = paired(sql_runs(env, [graph_sql]), load)
    figure(
        "portfolio graph quadrant x stage (web_read_group)",
        took,
        "s",
        base,
        TARGET_REPORT,
    )

    # -- time per stage (key.account.stage.report, an SQL view)
    report = env["key.account.stage.report"].with_user(user)
    rows = SQL(
        """
        FROM key_account_stage_history h
        JOIN res_partner p ON p.id = h.partner_id
        JOIN key_account_stage s ON s.id = h.stage_id
        CROSS JOIN LATERAL (
             SELECT EXTRACT(EPOCH FROM COALESCE(h.date_end, NOW() AT TIME ZONE 'UTC')
                    - h.date_start) / 86400.0 AS days) d
       WHERE %s
        """,
        user_rule_sql("p", uid),
    )
    queries = [
        SQL("SELECT count(*), SUM(d.days), AVG(d.days) %s", rows),
        SQL(
            """SELECT s.id, s.name->>'en_US', count(*), SUM(d.days), AVG(d.days) %s
               GROUP BY s.id ORDER BY s.sequence, s.id""",
            rows,
        ),
    ]
    load = request(
        report,
        pivot(
            report,
            [],
            ["duration_days:sum", "avg_duration_days:avg"],
            ["stage_id"],
            [],
        ),
    )
    base, took = paired(sql_runs(env, queries), load)
    figure(
        "time per stage pivot (2 read_group, KA user)", took, "s", base, TARGET_REPORT
    )
    load = request(
        report, graph(report, [], ["__count", "avg_duration_days:avg"], ["stage_id"])
    )
    base, took = paired(sql_runs(env, queries[1:]), load)
    figure(
        "time per stage graph (web_read_group, KA user)", took, "s", base, TARGET_REPORT
    )

    # -- SPIN question mix (key.account.call.question)
    questions = env["key.account.call.question"].with_user(user)
    rows = SQL(
        """
        FROM key_account_call_question q
        JOIN key_account_call c ON c.id = q.call_id
        JOIN res_partner p ON p.id = c.partner_id
   LEFT JOIN res_users u ON u.id = q.user_id
   LEFT JOIN res_partner up ON up.id = u.partner_id
       WHERE %s AND (q.company_id = ANY(%s) OR q.company_id IS NULL)
        """,
        user_rule_sql("p", uid),
        companies,
    )
    user_key = SQL("q.user_id, up.name, u.login")
    type_key = SQL("q.question_type")
    queries = [SQL("SELECT count(*) %s", rows)]
    for keys in ([user_key], [type_key], [user_key, type_key]):
        cols = SQL(", ").join(keys)
        queries.append(
            SQL(
                "SELECT %s, count(*) %s GROUP BY %s ORDER BY %s", cols, rows, cols, cols
            )
        )
    load = request(
        questions,
        pivot(questions, [], ["__count"], ["user_id"], ["question_type"]),
    )
    base, took = paired(sql_runs(env, queries), load)
    figure(
        "SPIN question mix pivot salesperson x type (4 read_group, KA user)",
        took,
        "s",
        base,
        TARGET_REPORT,
    )
    load = request(
        questions,
        graph(questions, [], ["__count"], ["user_id", "question_type"]),
    )
    base, took = paired(sql_runs(env, queries[-1:]), load)
    figure(
        "SPIN question mix graph (web_read_group, KA user)",
        took,
        "s",
        base,
        TARGET_REPORT,
    )


def measure_contact_alert_cron(env):
    """One run of the daily cron on the data set (as its user, the
    superuser): the to-dos of the first batch of decision makers not
    contacted for too long. Just reported; rolled back."""
    Partner = env["res.partner"]
    overdue = Partner.search_count(
        [*Partner._ka_contact_alert_domain(), ("parent_id.is_key_account", "=", True)]
    )
    env.cr.execute("SELECT count(*) FROM mail_activity")
    before = env.cr.fetchone()[0]
    env.invalidate_all()

    def run():
        Partner._cron_ka_contact_alert()
        env.flush_all()

    start = odoo.sql_db.sql_counter
    took, __ = timed(run)
    queries = odoo.sql_db.sql_counter - start
    env.cr.execute("SELECT count(*) FROM mail_activity")
    made = env.cr.fetchone()[0] - before
    figure(
        f"contact-alert cron, one call ({made} to-dos of {overdue} overdue "
        "decision makers)",
        took,
        "s",
    )
    figure("contact-alert cron, one call, queries", queries, "queries")
    if made:
        figure("contact-alert cron, queries per to-do", queries / made, "queries")
