"""Service section of the benchmark: helpdesk tickets in the after-sales loop
(bulk SQL, fixed seed) on the bench customers, the monthly staff evaluation
and the ticket list as the web client loads it."""

import sys
from datetime import date, timedelta

from bench_common import (
    TARGET_REPORT,
    TARGET_RPC,
    Generator,
    bench_user,
    figure,
    generate_once,
    list_specification,
    log,
    median_time,
    web_list,
)

from odoo import Command
from odoo.tools import SQL

TICKET_PREFIX = "BENCH-T/"
STAFF_LOGIN = "bench_service_staff_%02d"
STAFF = 30
TEAMS = 3


class ServiceGenerator(Generator):
    COUNT_SQL = "SELECT count(*) FROM helpdesk_ticket WHERE number LIKE %s"
    COUNT_PARAMS = (TICKET_PREFIX + "%",)
    SEED = 0.17

    def run(self):
        cr = self.cr
        env = self.env
        staff, teams = staff_and_teams(env, create=True)
        cr.execute(
            "SELECT id FROM res_partner WHERE name LIKE 'Bench Customer %%' "
            "AND is_company ORDER BY id"
        )
        partner_ids = [r[0] for r in cr.fetchall()]
        if not partner_ids:
            raise RuntimeError("run the sales section first (bench customers)")
        stages = {
            xmlid: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{xmlid}").id
            for xmlid in ("new", "in_progress", "done")
        }
        # the loop's SLAs of the data (helpdesk_mgmt_sla); the generated
        # tickets carry their deadlines in clock hours (no SLA lines)
        sla = {
            name: env.ref(f"after_sales.sla_{name}").hours
            for name in (
                "response_standard",
                "resolution_standard",
                "response_urgent",
                "resolution_urgent",
            )
        }
        # members[team_index * per_team + member_index], team by team
        per_team = STAFF // TEAMS
        members = [user.id for team in teams for user in team.user_ids.sorted("id")]
        self.seed()
        log(f"{self.args.tickets} tickets over 15 months")
        # Draws first (one row per ticket), then the loop state, then every
        # date and flag derived from them, so that each ticket is consistent:
        # old tickets are mostly closed, recent ones spread over the loop.
        cr.execute(
            """
            CREATE TEMP TABLE bench_t ON COMMIT DROP AS
            SELECT g,
                   date_trunc('second', now() - power(random(), 1.3)
                                * interval '450 days') AS received,
                   random() AS r_state, random() AS r_rate, random() AS r_chan,
                   random() AS r_cpl, random() AS r_cpl_type, random() AS r_prio,
                   random() AS r_reopen, random() AS r_nofb,
                   random() * 3 AS h_dispatch, random() * 10 AS h_start,
                   random() * 70 AS h_resolve, random() * 60 AS h_feedback,
                   24 + random() * 72 AS h_visit, random() * 48 AS h_close,
                   floor(random() * %(teams)s)::int AS team_idx,
                   floor(random() * %(per_team)s)::int AS member_idx,
                   (%(partners)s::int[])[
                       1 + floor(power(random(), 2) * %(np)s)::int] AS partner_id
              FROM generate_series(1, %(n)s) g
            """,
            {
                "teams": TEAMS,
                "per_team": per_team,
                "partners": partner_ids,
                "np": len(partner_ids),
                "n": self.args.tickets,
            },
        )
        cr.execute(
            """
            ALTER TABLE bench_t ADD COLUMN state varchar, ADD COLUMN prio varchar;
            UPDATE bench_t SET
                prio = CASE WHEN r_prio < 0.08 THEN '3' WHEN r_prio < 0.30 THEN '2'
                            WHEN r_prio < 0.85 THEN '1' ELSE '0' END,
                state = CASE
                    WHEN received < now() - interval '20 days' THEN
                        CASE WHEN r_state < 0.70 THEN 'closed'
                             WHEN r_state < 0.80 THEN 'visited'
                             WHEN r_state < 0.90 THEN 'feedback'
                             WHEN r_state < 0.96 THEN 'resolved'
                             ELSE 'in_progress' END
                    ELSE
                        CASE WHEN r_state < 0.10 THEN 'received'
                             WHEN r_state < 0.30 THEN 'dispatched'
                             WHEN r_state < 0.55 THEN 'in_progress'
                             WHEN r_state < 0.80 THEN 'resolved'
                             WHEN r_state < 0.90 THEN 'feedback'
                             ELSE 'closed' END
                    END;
            """
        )
        cr.execute(
            """
            CREATE TEMP TABLE bench_td ON COMMIT DROP AS
            SELECT t.*,
                   t.team_idx * %(per_team)s + t.member_idx AS member_pos,
                   CASE WHEN t.state <> 'received'
                        THEN t.received + t.h_dispatch * interval '1 hour'
                        END AS dispatched,
                   CASE WHEN t.state NOT IN ('received', 'dispatched')
                        THEN t.received + (t.h_dispatch + t.h_start)
                             * interval '1 hour' END AS started,
                   CASE WHEN t.state IN ('resolved', 'feedback', 'visited', 'closed')
                        THEN t.received + (t.h_dispatch + t.h_start + t.h_resolve)
                             * interval '1 hour' END AS resolved,
                   -- rated: every ticket past feedback, 70 %% of closed ones
                   t.state IN ('feedback', 'visited')
                       OR (t.state = 'closed' AND t.r_nofb < 0.70) AS rated
              FROM bench_t t
            """,
            {"per_team": per_team},
        )
        cr.execute(
            """
            INSERT INTO helpdesk_ticket (
                number, name, description, company_id, team_id, user_id, stage_id,
                partner_id, commercial_partner_id, partner_name, priority, active,
                sequence, kanban_state, unattended, last_stage_update,
                assigned_date, closed_date, create_date, write_date, create_uid,
                write_uid, loop_state, date_received, date_dispatched,
                date_in_progress, date_resolved, date_feedback, date_visited,
                date_loop_closed, feedback_request_date, first_response_hours,
                resolution_hours, reopen_count, feedback_rating, feedback_channel,
                no_feedback_reason, visit_user_id, is_complaint, complaint_type,
                complaint_user_id, complaint_escalated, is_defector_interview,
                is_satisfaction_survey, sla_response_deadline,
                sla_resolution_deadline, sla_response_warning_date,
                sla_resolution_warning_date, sla_response_warned,
                sla_resolution_warned, sla_response_breached,
                sla_resolution_breached, rating_status)
            SELECT %(prefix)s || d.g, 'Bench ticket ' || d.g, '<p>Bench</p>',
                   %(company)s, (%(teams)s::int[])[1 + d.team_idx],
                   CASE WHEN d.state <> 'received'
                        THEN (%(members)s::int[])[1 + d.member_pos] END,
                   CASE WHEN d.resolved IS NOT NULL THEN %(done)s
                        WHEN d.started IS NOT NULL THEN %(progress)s
                        ELSE %(new)s END,
                   d.partner_id, d.partner_id, p.name, d.prio, true, 10, 'normal',
                   d.started IS NULL,
                   COALESCE(d.resolved, d.started, d.received), d.dispatched,
                   d.resolved, d.received, COALESCE(d.resolved, d.received),
                   %(uid)s, %(uid)s, d.state, d.received, d.dispatched, d.started,
                   d.resolved,
                   CASE WHEN d.rated
                        THEN d.resolved + d.h_feedback * interval '1 hour' END,
                   CASE WHEN d.state IN ('visited', 'closed') AND d.rated
                        THEN d.resolved + (d.h_feedback + d.h_visit)
                             * interval '1 hour' END,
                   CASE WHEN d.state = 'closed'
                        THEN d.resolved + (d.h_feedback + d.h_visit + d.h_close)
                             * interval '1 hour' END,
                   CASE WHEN d.resolved IS NOT NULL
                             AND (d.state <> 'resolved'
                                  OR d.resolved < now() - interval '2 hours')
                        THEN d.resolved + interval '2 hours' END,
                   COALESCE(d.h_dispatch + d.h_start, 0),
                   CASE WHEN d.resolved IS NOT NULL
                        THEN d.h_dispatch + d.h_start + d.h_resolve ELSE 0 END,
                   CASE WHEN d.r_reopen < 0.05 AND d.resolved IS NOT NULL
                        THEN 1 ELSE 0 END,
                   CASE WHEN NOT d.rated THEN NULL
                        WHEN d.r_rate < 0.05 THEN 1 WHEN d.r_rate < 0.12 THEN 2
                        WHEN d.r_rate < 0.25 THEN 3 WHEN d.r_rate < 0.55 THEN 4
                        ELSE 5 END,
                   CASE WHEN NOT d.rated THEN NULL
                        WHEN d.r_chan < 0.8 THEN 'link' ELSE 'portal' END,
                   CASE WHEN d.state = 'closed' AND NOT d.rated
                        THEN 'No feedback after 7 days' END,
                   CASE WHEN d.state IN ('visited', 'closed') AND d.rated
                        THEN (%(members)s::int[])[1 + d.team_idx * %(per_team)s
                             + (d.member_idx + 1) %% %(per_team)s] END,
                   d.r_cpl < 0.04,
                   CASE WHEN d.r_cpl < 0.04 THEN (ARRAY['product', 'service',
                        'delivery', 'attitude', 'billing', 'other'])[
                        1 + floor(d.r_cpl_type * 6)::int] END,
                   CASE WHEN d.r_cpl < 0.03 AND d.state <> 'received'
                        THEN (%(members)s::int[])[1 + d.member_pos] END,
                   d.r_cpl < 0.04, false, false,
                   d.received + s.resp * interval '1 hour',
                   d.received + s.res * interval '1 hour',
                   d.received + s.resp * 0.8 * interval '1 hour',
                   d.received + s.res * 0.8 * interval '1 hour',
                   COALESCE(d.started, now()) > d.received
                       + s.resp * 0.8 * interval '1 hour',
                   COALESCE(d.resolved, now()) > d.received
                       + s.res * 0.8 * interval '1 hour',
                   COALESCE(d.started, now()) > d.received
                       + s.resp * interval '1 hour',
                   COALESCE(d.resolved, now()) > d.received
                       + s.res * interval '1 hour',
                   -- helpdesk_mgmt_rating's required field, its default
                   'stage_change'
              FROM bench_td d
              JOIN res_partner p ON p.id = d.partner_id
              JOIN LATERAL (
                   SELECT CASE WHEN d.prio = '3' THEN %(urgent_resp)s
                               ELSE %(default_resp)s END AS resp,
                          CASE WHEN d.prio = '3' THEN %(urgent_res)s
                               ELSE %(default_res)s END AS res) s ON true
             ORDER BY d.g
            """,
            {
                "prefix": TICKET_PREFIX,
                "company": self.company.id,
                "teams": teams.ids,
                "members": members,
                "per_team": per_team,
                "done": stages["done"],
                "progress": stages["in_progress"],
                "new": stages["new"],
                "uid": env.uid,
                "urgent_resp": sla["response_urgent"],
                "urgent_res": sla["resolution_urgent"],
                "default_resp": sla["response_standard"],
                "default_res": sla["resolution_standard"],
            },
        )
        cr.execute("ANALYZE helpdesk_ticket")
        env.invalidate_all()


def staff_and_teams(env, create=False):
    """The service staff (agents, one of them a team leader per team) and the
    after-sales teams of the benchmark."""
    Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
    logins = [STAFF_LOGIN % i for i in range(1, STAFF + 1)]
    staff = Users.search([("login", "in", logins)], order="id")
    Team = env["helpdesk.ticket.team"]
    teams = Team.search([("name", "like", "Bench Service Team %")], order="id")
    if (staff and teams) or not create:
        return staff, teams
    agent = env.ref("after_sales.group_after_sales_agent")
    staff = Users.create(
        [
            {
                "name": f"Bench Service Agent {i:02d}",
                "login": login,
                "groups_id": [Command.set([agent.id])],
            }
            for i, login in enumerate(logins, start=1)
        ]
    )
    per_team = STAFF // TEAMS
    teams = Team.create(
        [
            {
                "name": f"Bench Service Team {i + 1}",
                "after_sales_loop": True,
                "user_id": staff[i * per_team].id,
                "user_ids": [Command.set(staff[i * per_team : (i + 1) * per_team].ids)],
            }
            for i in range(TEAMS)
        ]
    )
    return staff, teams


def generate(env, args):
    """Make the ticket data unless present; True when made."""
    return generate_once(ServiceGenerator(env, args), "service")


# ---------------------------------------------------------------------------
# staff evaluation
# ---------------------------------------------------------------------------


def last_month():
    first = date.today().replace(day=1)
    date_to = first - timedelta(days=1)
    return date_to.replace(day=1), date_to


def evaluation_sql(env, staff, date_from, date_to):
    """The plain aggregation of the month's tickets per staff member: what
    the evaluation reads (resolved tickets' figures and ratings, complaints
    received against each employee)."""
    start, end = date_from, date_to + timedelta(days=1)
    env.cr.execute(
        SQL(
            """
            SELECT u.id,
                   r.n, r.resp, r.res, r.sla_n, r.sla_ok, r.reopened, r.rated,
                   r.rating_sum, c.n
              FROM unnest(%(users)s::int[]) AS u(id)
         LEFT JOIN (
                SELECT t.user_id, count(*) AS n,
                       avg(t.first_response_hours) AS resp,
                       avg(t.resolution_hours) AS res,
                       count(*) FILTER (
                           WHERE t.sla_resolution_deadline IS NOT NULL) AS sla_n,
                       count(*) FILTER (
                           WHERE t.sla_resolution_deadline IS NOT NULL
                             AND NOT COALESCE(t.sla_response_breached, false)
                             AND NOT COALESCE(t.sla_resolution_breached, false))
                           AS sla_ok,
                       count(*) FILTER (WHERE t.reopen_count > 0) AS reopened,
                       count(*) FILTER (WHERE t.feedback_rating BETWEEN 1 AND 5
                           AND t.feedback_channel IN ('link', 'portal')) AS rated,
                       sum(t.feedback_rating) FILTER (
                           WHERE t.feedback_rating BETWEEN 1 AND 5
                             AND t.feedback_channel IN ('link', 'portal'))
                           AS rating_sum
                  FROM helpdesk_ticket t
                 WHERE t.user_id = ANY(%(users)s)
                   AND t.company_id = %(company)s
                   AND t.date_resolved >= %(start)s AND t.date_resolved < %(end)s
              GROUP BY t.user_id) r ON r.user_id = u.id
         LEFT JOIN (
                SELECT t.complaint_user_id, count(*) AS n
                  FROM helpdesk_ticket t
                 WHERE t.is_complaint AND t.complaint_user_id = ANY(%(users)s)
                   AND t.company_id = %(company)s
                   AND t.date_received >= %(start)s AND t.date_received < %(end)s
              GROUP BY t.complaint_user_id) c ON c.complaint_user_id = u.id
            """,
            users=staff.ids,
            company=env.company.id,
            start=start,
            end=end,
        )
    )
    return env.cr.fetchall()


def rolled_back(env, func):
    """Run ``func`` in a savepoint undone afterwards (each run starts from the
    same state: no evaluation of the month yet)."""

    def run():
        savepoint = env.cr.savepoint()  # flushes what is pending first
        try:
            func()
            env.flush_all()
        finally:
            savepoint.close(rollback=True)
            env.invalidate_all()

    return run


# ---------------------------------------------------------------------------
# web client list
# ---------------------------------------------------------------------------


def measure(env, args):
    cr = env.cr
    cr.execute(
        "SELECT count(*), count(*) FILTER (WHERE number LIKE %s) FROM helpdesk_ticket",
        [TICKET_PREFIX + "%"],
    )
    total, bench = cr.fetchone()
    staff, teams = staff_and_teams(env)
    sys.stdout.write(
        f"data: {total} tickets ({bench} bench), {len(staff)} service staff "
        f"in {len(teams)} teams\n"
    )
    manager = bench_user(
        env, "bench_service_manager", ["after_sales.group_after_sales_manager"]
    )
    # a real manager has an email address (the sender of notifications)
    manager.partner_id.email = manager.partner_id.email or "manager@bench.example.com"
    # (a) staff evaluation of last month for all staff vs the plain SQL
    date_from, date_to = last_month()
    Evaluation = env["after.sales.evaluation"].with_user(manager)
    base = median_time(lambda: evaluation_sql(env, staff, date_from, date_to))
    ev = median_time(
        rolled_back(env, lambda: Evaluation._generate(date_from, date_to, staff))
    )
    figure(
        f"staff evaluation of a month ({len(staff)} staff)",
        ev,
        "s",
        base,
        TARGET_REPORT,
    )
    # (b) ticket list (80 rows) as a service agent and as a manager vs the
    # sales order list of a salesman who sees all orders
    tickets_spec = list_specification(
        env["helpdesk.ticket"].with_user(staff[0]), "helpdesk_mgmt.ticket_view_tree"
    )
    salesman = bench_user(
        env,
        "bench_service_ref_salesman",
        ["sales_team.group_sale_salesman_all_leads"],
    )
    orders = env["sale.order"].with_user(salesman).with_context(bin_size=True)
    orders_spec = list_specification(orders, "sale.view_order_tree")
    orders_domain = [("state", "not in", ("draft", "sent", "cancel"))]
    base = median_time(web_list(orders, orders_domain, orders_spec), repeat=7)
    for label, user in (("agent", staff[0]), ("manager", manager)):
        tickets = env["helpdesk.ticket"].with_user(user).with_context(bin_size=True)
        took = median_time(web_list(tickets, [], tickets_spec), repeat=7)
        figure(
            f"ticket list web_search_read 80 rows ({label})",
            took,
            "s",
            base,
            TARGET_RPC,
        )
