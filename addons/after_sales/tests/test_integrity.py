# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every rule of the loop holds on every path a service agent reaches over
RPC (create, write, the buttons), not only on the buttons; bad values get a
clean error and leave the ticket as it was."""

import math

from odoo import Command, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.after_sales.models.helpdesk_ticket import loop_param

from .common import AfterSalesCommon

FIGURES = [
    "loop_state",
    "date_received",
    "date_in_progress",
    "date_resolved",
    "reopen_count",
    "sla_response_breached",
    "sla_resolution_breached",
    "visit_user_id",
    "stage_id",
    "partner_id",
    "no_feedback_reason",
]


@tagged("post_install", "-at_install")
class TestLoopIntegrity(AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._archive_data_slas()
        cls._sla_targets("All", 2, 8)

    def _snapshot(self, ticket):
        ticket.invalidate_recordset()
        return ticket.read(FIGURES)[0]

    def assertRefusedUnchanged(self, ticket, func, exception=UserError):
        before = self._snapshot(ticket)
        with self.assertRaises(exception):
            with self.env.cr.savepoint():
                func()
        self.assertEqual(self._snapshot(ticket), before)

    def test_agent_cannot_write_evaluation_figures(self):
        ticket = self._resolve(self._ticket(user_id=self.agent_1.id))
        mine = ticket.with_user(self.agent_1)
        for vals in (
            {"date_received": "2020-01-01 00:00:00"},
            {"sla_response_breached": False, "sla_resolution_breached": False},
            {"reopen_count": 0},
            {"date_in_progress": ticket.date_received},
            {"feedback_request_date": False},
        ):
            with self.subTest(vals=vals):
                self.assertRefusedUnchanged(
                    ticket, lambda v=vals: mine.write(v), AccessError
                )
        # nor on a new ticket (a reception backdated to flatter the timings)
        with self.assertRaises(AccessError):
            self.Ticket.with_user(self.agent_1).create(
                {
                    "name": "Backdated",
                    "description": "<p>x</p>",
                    "team_id": self.team.id,
                    "date_received": "2020-01-01 00:00:00",
                }
            )

    def test_return_visit_is_by_the_acting_user(self):
        ticket = self._resolve(self._ticket(user_id=self.agent_1.id))
        ticket.with_user(self.agent_1).action_after_sales_request_feedback()
        request = ticket.rating_ids
        ticket.rating_apply(5, rating=request, feedback="Good")
        self.assertEqual(ticket.loop_state, "feedback")
        handler = ticket.with_user(self.agent_1)
        # the handler names a colleague as the visitor: refused
        self.assertRefusedUnchanged(
            ticket,
            lambda: handler.write(
                {"loop_state": "visited", "visit_user_id": self.agent_2.id}
            ),
            ValidationError,
        )
        # the handler records it as themself: refused (someone else visits)
        self.assertRefusedUnchanged(
            ticket, handler.action_after_sales_visit, ValidationError
        )
        ticket.with_user(self.agent_2).action_after_sales_visit()
        self.assertEqual(ticket.visit_user_id, self.agent_2)

    def test_whitespace_is_no_reason(self):
        ticket = self._resolve(self._ticket(user_id=self.agent_1.id))
        self.assertRefusedUnchanged(
            ticket,
            lambda: ticket.with_user(self.manager).write(
                {"loop_state": "closed", "no_feedback_reason": "   \n "}
            ),
        )

    def test_wrong_types_give_clean_errors(self):
        ticket = self._ticket(user_id=self.agent_1.id)
        mine = ticket.with_user(self.agent_1)
        self.assertRefusedUnchanged(
            ticket, lambda: mine.write({"stage_id": "Done"}), ValidationError
        )
        self.assertRefusedUnchanged(
            ticket, lambda: mine.write({"loop_state": "teleported"}), ValidationError
        )
        self.assertRefusedUnchanged(
            ticket, lambda: mine.write({"partner_id": [1, 2]}), ValidationError
        )
        with self.assertRaises(ValidationError):
            self.Ticket.with_user(self.agent_1).create(
                {
                    "name": "List partner",
                    "description": "<p>x</p>",
                    "team_id": self.team.id,
                    "partner_id": [self.customer.id],
                }
            )

    def test_sla_bounds(self):
        """An SLA that would break the deadline arithmetic of every new
        ticket of its team is refused where it is saved."""
        sla = self.env["helpdesk.sla"].with_user(self.manager)
        base = {
            "name": "Bad",
            "after_sales_target": "response",
            "stage_id": self.stage_progress.id,
            "team_ids": [Command.set(self.team.ids)],
        }
        for vals in (
            {"hours": 10**9},
            {"days": 10**6},
            {"hours": -4},
            {"hours": 0, "days": 0},
            {"hours": 4, "warning_percent": float("nan")},
            {"hours": 4, "warning_percent": 150},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    sla.create(dict(base, **vals))
        # the team's new tickets still get their deadlines
        self.assertTrue(self._ticket().sla_response_deadline)

    def test_evaluation_figures_are_computed_only(self):
        """A draft evaluation's score, rank and figures come from its
        computation; not even a service manager writes them."""
        evaluation = self.env["after.sales.evaluation"]._generate(
            "2025-01-01", "2025-01-31", self.agent_1
        )
        mine = evaluation.with_user(self.manager)
        before = evaluation.read(["score", "rank", "grade", "state"])[0]
        for vals in (
            {"score": 100.0},
            {"rank": 1, "grade": "a"},
            {"sla_compliance": 100.0},
            {"state": "confirmed"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                with self.env.cr.savepoint():
                    mine.write(vals)
        with self.assertRaises(AccessError):
            self.env["after.sales.evaluation"].with_user(self.manager).create(
                {
                    "user_id": self.agent_2.id,
                    "date_from": "2025-01-01",
                    "date_to": "2025-01-31",
                    "score": 100.0,
                }
            )
        evaluation.invalidate_recordset()
        self.assertEqual(
            evaluation.read(["score", "rank", "grade", "state"])[0], before
        )
        # the action is the way
        mine.action_confirm()
        self.assertEqual(evaluation.state, "confirmed")

    def test_settings_checked_where_saved(self):
        admin = self.env.ref("base.user_admin")
        Settings = self.env["res.config.settings"].with_user(admin)
        Param = self.env["ir.config_parameter"].sudo()
        before = Param.get_param("after_sales.feedback_token_days")
        for vals in (
            {"after_sales_feedback_token_days": -3},
            {"after_sales_no_feedback_days": 10**9},
            {"after_sales_low_rating_threshold": 10},
            {"after_sales_feedback_delay_hours": float("nan")},
            {"after_sales_weight_sla": float("inf")},
            {"after_sales_weight_rating": -5},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    Settings.create(vals).execute()
        self.assertEqual(Param.get_param("after_sales.feedback_token_days"), before)
        # a bad value stored behind the settings' back does not break the crons
        Param.set_param("after_sales.no_feedback_days", "1e9")
        Param.set_param("after_sales.feedback_delay_hours", "nan")
        self.Ticket._cron_after_sales_feedback()
        self.assertEqual(loop_param(self.env, "no_feedback_days", 7), 7)

    def test_numbers_of_every_field_we_add(self):
        """Walk the float and integer fields after_sales declares, on every
        model (fields_get, not a list made by hand): NaN, infinities, a huge
        and a negative value are refused with a clean error, or stored as a
        harmless finite number."""
        template = self.env["after.sales.form.template"].create(
            {
                "name": "Form",
                "question_ids": [
                    Command.create({"name": "Hours", "question_type": "number"})
                ],
            }
        )
        question = template.question_ids
        ticket = self._ticket(user_id=self.agent_1.id)
        # the form applies to every ticket: its answer line is made with it
        answer = ticket.form_answer_ids.filtered(lambda a: a.question_id == question)
        self.assertTrue(answer)
        records = {
            "helpdesk.ticket": ticket,
            "helpdesk.sla": self.env["helpdesk.sla"].search([], limit=1),
            "after.sales.evaluation": self.env["after.sales.evaluation"]._generate(
                "2025-01-01", "2025-01-31", self.agent_1
            ),
            "after.sales.form.template": template,
            "after.sales.form.question": question,
            "after.sales.form.answer": answer,
        }
        admin = self.env.ref("base.user_admin")
        bad_values = [float("nan"), float("inf"), float("-inf"), 10**12, -1]
        walked = set()
        for model_name in self.env.registry:
            model = self.env[model_name]
            if model._abstract:
                continue
            names = [
                name
                for name, desc in model.fields_get(attributes=["type"]).items()
                if desc["type"] in ("float", "integer")
                and model._fields[name]._module == "after_sales"
                and name not in models.MAGIC_COLUMNS
            ]
            for name in names:
                field = model._fields[name]
                if (
                    not model._auto
                    or field.related
                    or (field.compute and not field.store)
                ):
                    continue  # SQL reports, related and non-stored values: not written
                walked.add(f"{model_name}.{name}")
                for value in bad_values:
                    with self.subTest(field=f"{model_name}.{name}", value=value):
                        self._try_number(model_name, name, value, records, admin)
        self.assertGreaterEqual(len(walked), 15, walked)

    def _try_number(self, model_name, name, value, records, admin):
        try:
            with self.env.cr.savepoint():
                if model_name == "res.config.settings":
                    record = self.env[model_name].with_user(admin).create({name: value})
                else:
                    self.assertIn(model_name, records, "give the walk a record")
                    record = records[model_name]
                    record.with_user(self.manager).write({name: value})
                self.env.flush_all()
                stored = record[name]
        except UserError:  # ValidationError and AccessError included
            return
        self.assertTrue(math.isfinite(stored), f"{model_name}.{name} = {stored}")
        if isinstance(stored, int):
            self.assertLessEqual(abs(stored), 2**31)
