"""The tier engine's bulk SQL keeps the ORM's promises.

The nightly recompute stores its results with one ``UPDATE res_partner`` per
batch and logs tier changes with one ``INSERT`` into the history. The ORM
would, for the same change, recompute every stored field that depends on what
changed (on any model), set ``write_date``/``write_uid`` and fill the new
records' stored computed fields. These tests change customers' tiers through
the nightly path (the scheduled action, as the scheduler runs it) and check
that the database is left as the ORM would leave it.

The fields to check are not listed by hand: they are found in the registry,
as every stored computed field whose dependency paths go through a field the
engine writes (directly or through another such field).
"""

from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

from odoo.addons.after_sales.models.helpdesk_ticket import OPEN_LOOP_STATES
from odoo.addons.sale_customer_mgmt.models.res_partner import TIER_STORE_COLUMNS

from .common import CrossAddonCase

# what the engine writes on res.partner (see _store_tier_results)
ENGINE_PARTNER_FIELDS = [name for name, __ in TIER_STORE_COLUMNS[1:]] + [
    "tier_scored_date"
]
# models the engine creates records of with raw SQL (see _log_tier_changes)
ENGINE_CREATED_MODELS = ["res.partner.tier.history"]


class TestTierFastPaths(CrossAddonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.cron = env.ref("sale_customer_mgmt.ir_cron_recompute_customer_tiers")
        cls.tier_a = env.ref("sale_customer_mgmt.res_partner_tier_a")
        cls.tier_b = env.ref("sale_customer_mgmt.res_partner_tier_b")
        # every customer at today's figures: the next run changes only what
        # the tests change
        cls._run_nightly()
        # SLAs per tier (helpdesk_mgmt_sla's, with after_sales' tier
        # criterion), more specific than the demo ones: a tier change moves an
        # open ticket to other SLAs
        cls.sla_a = cls._tier_slas("Tier A service", cls.tier_a, 1, 4)
        cls.sla_b = cls._tier_slas("Tier B service", cls.tier_b, 6, 24)
        # SLAs are matched when a ticket is made or changes, or its customer's
        # tier does: bring the open tickets in line with the new ones once
        env["helpdesk.ticket"].search(
            [("loop_state", "in", OPEN_LOOP_STATES)]
        )._after_sales_refresh_sla()
        cls.dependents = cls._engine_dependents()
        for field in cls.dependents:
            model = env[field.model_name].with_context(active_test=False)
            env.add_to_compute(field, model.search([]))
        env.flush_all()
        cls.tier_a_customers = env["res.partner"].search(
            [("parent_id", "=", False), ("customer_tier_id", "=", cls.tier_a.id)]
        )

    @classmethod
    def _tier_slas(cls, name, tier, response, resolution):
        cls.service_team = cls.env.ref("after_sales.helpdesk_team_after_sales")
        env = cls.env
        return env["helpdesk.sla"].create(
            [
                {
                    "name": f"{name} ({target})",
                    "tier_ids": [(6, 0, tier.ids)],
                    # the demo's service team: more specific than its SLAs
                    "team_ids": [(6, 0, cls.service_team.ids)],
                    "after_sales_target": target,
                    "hours": hours,
                    "stage_id": env.ref(stage).id,
                }
                for target, hours, stage in (
                    (
                        "response",
                        response,
                        "helpdesk_mgmt.helpdesk_ticket_stage_in_progress",
                    ),
                    (
                        "resolution",
                        resolution,
                        "helpdesk_mgmt.helpdesk_ticket_stage_done",
                    ),
                )
            ]
        )

    @staticmethod
    def _response_slas(tickets):
        lines = tickets.ticket_sla_ids.filtered(
            lambda line: line.after_sales_target == "response"
        )
        return set(lines.sla_id)

    @staticmethod
    def _planned(ticket, hours):
        """The deadline ``hours`` working hours after the ticket's reception,
        in the team's calendar (helpdesk_mgmt_sla's arithmetic)."""
        calendar = ticket.team_id.resource_calendar_id
        return calendar.plan_hours(hours, ticket.date_received, compute_leaves=True)

    @classmethod
    def _run_nightly(cls):
        """The scheduled action, called as the scheduler calls it, until the
        run's work list is empty."""
        figure = cls.env["customer.tier.figure"]
        cls.cron.method_direct_trigger()
        while figure._pending()[0]:
            cls.cron.method_direct_trigger()

    @classmethod
    def _engine_dependents(cls):
        """Stored computed fields of any model depending on what the engine
        writes: a field of ``ENGINE_PARTNER_FIELDS`` or a stored field of a
        record the engine creates, anywhere on a dependency path, directly or
        through another dependent field."""
        env = cls.env
        registry = env.registry
        sources = {env["res.partner"]._fields[name] for name in ENGINE_PARTNER_FIELDS}
        for model_name in ENGINE_CREATED_MODELS:
            sources |= {f for f in env[model_name]._fields.values() if f.store}
        dependents = set()
        changed = True
        while changed:
            changed = False
            for model_name in registry:
                if registry[model_name]._abstract:
                    continue
                for field in env[model_name]._fields.values():
                    if not (field.store and field.compute) or field in dependents:
                        continue
                    # the dependency paths, as the fields along each one
                    if any(
                        set(path) & (sources | dependents)
                        for path in field.resolve_depends(registry)
                    ):
                        dependents.add(field)
                        changed = True
        return dependents

    def _assert_dependents_fresh(self):
        """Every dependent stored field holds, on every record, the value a
        fresh computation gives."""
        env = self.env
        env.flush_all()
        by_model = {}
        for field in self.dependents:
            by_model.setdefault(field.model_name, []).append(field)
        for model_name, model_fields in by_model.items():
            names = sorted(field.name for field in model_fields)
            records = env[model_name].sudo().with_context(active_test=False)
            records = records.search([])
            env.invalidate_all()
            stored = records.read(names, load=None)
            env.invalidate_all()
            for field in model_fields:
                env.add_to_compute(field, records)
            fresh = records.read(names, load=None)
            for stored_vals, fresh_vals in zip(stored, fresh, strict=True):
                self.assertEqual(
                    stored_vals,
                    fresh_vals,
                    f"{model_name} {stored_vals['id']}: stored values are stale",
                )
            env.flush_all()

    def test_dependents_found_in_registry(self):
        """The walk finds the salesperson of the history lines (so the check
        below cannot pass vacuously; the SLAs of tickets follow a tier change
        through the engine's hook, tested below, not as a stored field); the
        engine's work list has no dependent (its raw DELETE/INSERT need no
        notification); no field the engine writes is tracked."""
        names = {f"{f.model_name}.{f.name}" for f in self.dependents}
        self.assertLessEqual(
            {"res.partner.tier.history.salesperson_id"},
            names,
        )
        figure_fields = set(self.env["customer.tier.figure"]._fields.values())
        registry = self.env.registry
        for field in figure_fields:
            self.assertFalse(list(registry.get_dependent_fields(field)), field)
        # the statement writes no tracking values: a tracked field written by
        # the engine would need them (the tier change has its chatter note)
        partner_fields = self.env["res.partner"]._fields
        tracked = [
            name
            for name in ENGINE_PARTNER_FIELDS
            if getattr(partner_fields[name], "tracking", None)
        ]
        self.assertFalse(tracked)

    def test_nightly_tier_change_leaves_dependents_fresh(self):
        """A policy change moves every tier-A customer to tier B in the next
        nightly run: every stored field depending on the engine's fields is
        what the ORM would compute, on every record of the database."""
        self._assert_dependents_fresh()  # consistent before the run
        self.assertTrue(self.tier_a_customers)
        tickets = self.env["helpdesk.ticket"].search(
            [
                ("commercial_partner_id", "in", self.tier_a_customers.ids),
                ("loop_state", "in", OPEN_LOOP_STATES),
                ("team_id", "=", self.service_team.id),
            ]
        )
        self.assertTrue(tickets)
        self.assertEqual(self._response_slas(tickets), {self.sla_a[0]})
        top = max(self.tier_a_customers.mapped("customer_score"))
        self.env["res.partner.tier.threshold"].create(
            {"tier_id": self.tier_a.id, "min_score": min(top + 1.0, 100.0)}
        )
        self._run_nightly()
        self.assertEqual(set(self.tier_a_customers.customer_tier_id), {self.tier_b})
        self._assert_dependents_fresh()
        self.assertEqual(self._response_slas(tickets), {self.sla_b[0]})

    def test_open_ticket_sla_follows_nightly_tier_change(self):
        """An open ticket of a customer who leaves tier A in the nightly run
        gets the tier-B policy and its deadlines; the customer's rows (company
        and contacts) carry the run's write date and user, the rows the run
        did not change keep theirs; the history line is complete."""
        ticket = self.env["helpdesk.ticket"].search(
            [
                ("commercial_partner_id", "in", self.tier_a_customers.ids),
                ("loop_state", "in", OPEN_LOOP_STATES),
                ("team_id", "=", self.service_team.id),
            ],
            limit=1,
        )
        self.assertTrue(ticket)
        customer = ticket.commercial_partner_id
        self.assertEqual(self._response_slas(ticket), {self.sla_a[0]})
        self.assertEqual(ticket.sla_response_deadline, self._planned(ticket, 1))
        # an old stamp by another user on every partner row (raw, as a fixture)
        old = ticket.date_received - timedelta(days=400)
        other_user = self.env.ref("base.user_admin")
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET write_date = %s, write_uid = %s",
                old,
                other_user.id,
            )
        )
        self.env.invalidate_all()
        top = max(self.tier_a_customers.mapped("customer_score"))
        self.env["res.partner.tier.threshold"].create(
            {"tier_id": self.tier_a.id, "min_score": min(top + 1.0, 100.0)}
        )
        self._run_nightly()

        self.assertEqual(customer.customer_tier_id, self.tier_b)
        self.assertEqual(self._response_slas(ticket), {self.sla_b[0]})
        self.assertEqual(ticket.sla_response_deadline, self._planned(ticket, 6))
        self.assertEqual(ticket.sla_resolution_deadline, self._planned(ticket, 24))
        # write_date / write_uid: exactly the rows the run rewrote
        family = self.env["res.partner"].with_context(active_test=False)
        family = family.search([("commercial_partner_id", "in", customer.ids)])
        self.assertGreater(len(family), 1, "the customer has contacts")
        cron_user = self.cron.user_id
        for partner in family:
            self.assertEqual(partner.customer_tier_id, self.tier_b)
            self.assertEqual(partner.write_uid, cron_user)
            self.assertEqual(partner.write_date, self.env.cr.now())
        rewritten = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("write_date", "!=", old)])
        )
        moved = family.search(
            [("commercial_partner_id", "in", self.tier_a_customers.ids)]
        )
        self.assertEqual(rewritten, moved)
        # the history line the run inserted
        line = customer.tier_history_ids[:1]
        self.assertEqual(line.new_tier_id, self.tier_b)
        self.assertEqual(line.old_tier_id, self.tier_a)
        self.assertEqual(line.salesperson_id, customer.user_id)
        self.assertEqual(line.create_uid, cron_user)
        self.assertEqual(line.write_date, self.env.cr.now())

    def test_nightly_batch_query_count_flat(self):
        """A batch whose tier changes reach tickets costs as many queries for
        one customer with two tickets as for two customers with four each,
        the recompute of the tickets' SLA included: the ORM is told per
        field, not per record."""
        Ticket = self.env["helpdesk.ticket"]
        customers = self.tier_a_customers.sorted("id")
        with_tickets = {
            partner
            for [partner] in Ticket._read_group(
                [("commercial_partner_id", "in", customers.ids)],
                ["commercial_partner_id"],
            )
        }
        # the groups compared have the same shape: tickets made here only
        fresh = customers.filtered(lambda c: c not in with_tickets)
        self.assertGreaterEqual(len(fresh), 3)
        warm_up = (customers - fresh) or fresh[3:]
        self.assertTrue(warm_up)
        few, many = fresh[:1], fresh[1:3]
        self.env.company.helpdesk_mgmt_ticket_auto_assign = False
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "Fast path service team", "after_sales_loop": True}
        )
        (self.sla_a | self.sla_b).team_ids |= team
        Ticket.create(
            [
                {
                    "name": f"Fast path {customer.name} {i}",
                    "description": "<p>Pump leaking</p>",
                    "partner_id": customer.id,
                    "team_id": team.id,
                }
                for customer in few | many
                for i in range(2 if customer in few else 4)
            ]
        )
        top = max(customers.mapped("customer_score"))
        self.env["res.partner.tier.threshold"].create(
            {"tier_id": self.tier_a.id, "min_score": min(top + 1.0, 100.0)}
        )
        figure = self.env["customer.tier.figure"]
        partner = self.env["res.partner"]
        counts = []
        for group in (warm_up, few, many):
            figure._stage(fields.Date.context_today(figure))
            figure.search([("partner_id", "not in", group.ids)]).unlink()
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partner._cron_recompute_tiers()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(set(group.customer_tier_id), {self.tier_b})
        # the engine's own queries do not grow; the open tickets' SLAs are
        # matched again, and helpdesk_mgmt_sla computes each new SLA line on
        # its own (its deadline planned in the team's calendar): a bounded
        # cost per ticket, 6 tickets more in the second group
        self.assertLessEqual(counts[2] - counts[1], 10 * 6, counts)
        tickets = Ticket.search([("commercial_partner_id", "in", (few | many).ids)])
        self.assertEqual(len(tickets), 10)
        self.assertEqual(self._response_slas(tickets), {self.sla_b[0]})
