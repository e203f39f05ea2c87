# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who sees a customer's sales, margin and score figures (domain spec §4).

Every check runs as the user, through the calls the web client and an
integration make (``read``, ``search_read``, ``read_group`` as the pivot
does, ``export_data``, ``web_search_read``, ``web_read``, ``get_views``).

Fixture (no taxes; costs: pump 600, filter 80), dated 2026-04-02:

========= ============ ============= ======================= ===== ======
customer  salesperson  order by      lines                   sales margin
========= ============ ============= ======================= ===== ======
Alpha     Wang         Wang          2 pumps at 1000          2000    800
Beta      Lin          Lin           10 filters at 100        1000    200
Gamma     (none)       Wang          1 pump at 1000           1000    400
========= ============ ============= ======================= ===== ======

Wang and Lin are salespeople limited to their own documents; Zhou leads the
sales team Wang belongs to (own documents too); the manager, the accountant
and an "All Documents" salesperson see every customer; the service user has
no sales right at all.
"""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .test_analysis_common import CustomerAnalysisCommon

FIGURES = ["tier_sales_12m", "tier_margin_12m", "customer_score", "lifetime_value"]
ANALYSES = [
    "sale.customer.composition.report",
    "sale.customer.performance.report",
    "sale.customer.product.report",
    "sale.customer.churn.report",
]


@tagged("post_install", "-at_install")
@freeze_time("2026-04-02")
class TestPrivacy(CustomerAnalysisCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"{groups},base.group_allow_export",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )

        own = "base.group_user,sales_team.group_sale_salesman"
        cls.wang = cls.salesman
        cls.lin = user("h4_lin", own)
        cls.leader = user("h4_leader", own)
        cls.manager = user(
            "h4_manager", "base.group_user,sales_team.group_sale_manager"
        )
        cls.all_docs = user(
            "h4_all_docs", "base.group_user,sales_team.group_sale_salesman_all_leads"
        )
        cls.accountant = user(
            "h4_accountant",
            "base.group_user,sale_customer_mgmt.group_customer_accountant",
        )
        cls.service = user("h4_service", "base.group_user")
        cls.env["crm.team"].create(
            {
                "name": "H4 North",
                "user_id": cls.leader.id,
                "company_id": cls.company.id,
                "member_ids": [Command.link(cls.wang.id)],
            }
        )
        cls.customer_b.user_id = cls.lin
        with freeze_time("2026-04-02"):
            cls.order_a = cls._create_order(
                cls.customer_a, [(cls.product_pump, 2, 1000.0)], "2026-01-05"
            )
            cls.order_b = cls._create_order(
                cls.customer_b,
                [(cls.product_filter, 10, 100.0)],
                "2026-02-05",
                user=cls.lin,
            )
            cls.order_c = cls._create_order(
                cls.customer_c, [(cls.product_pump, 1, 1000.0)], "2026-03-05"
            )
            cls.customers = cls.customer_a | cls.customer_b | cls.customer_c
            cls.customers._recompute_tiers()
        cls.plan_a = cls.env["sale.collection.plan"].create(
            {
                "order_id": cls.order_a.id,
                "line_ids": [
                    Command.create({"percentage": 100, "date_due": "2026-05-01"})
                ],
            }
        )

    def _figures_seen(self, user):
        """{customer: 12-month sales} that ``user`` reads through the figures."""
        rows = (
            self.env["res.partner.figures"]
            .with_user(user)
            .search_read([("id", "in", self.customers.ids)], ["sales_12m"])
        )
        return {row["id"]: row["sales_12m"] for row in rows}

    # ------------------------------------------------------------------
    # Groups
    # ------------------------------------------------------------------
    def test_group_hierarchy(self):
        figures = "sale_customer_mgmt.group_customer_figures"
        accountant = "sale_customer_mgmt.group_customer_accountant"
        self.assertFalse(self.lin.has_group(accountant))
        self.assertFalse(self.lin.has_group(figures))
        self.assertTrue(self.accountant.has_group(figures))
        self.assertFalse(
            self.accountant.has_group("sale_customer_mgmt.group_customer_user")
        )
        self.assertTrue(self.manager.has_group(accountant))
        self.assertTrue(self.all_docs.has_group(figures))
        self.assertFalse(self.all_docs.has_group(accountant))

    # ------------------------------------------------------------------
    # Salespeople limited to their own documents
    # ------------------------------------------------------------------
    def test_other_salesperson_reads_no_stored_figure(self):
        """Lin cannot read any stored figure, whatever the customer and the
        call; the tier and the segmentation stay readable."""
        partners = self.env["res.partner"].with_user(self.lin)
        alpha = self.customer_a.with_user(self.lin)
        for fname in FIGURES:
            with self.assertRaises(AccessError):
                alpha.read([fname])
            with self.assertRaises(AccessError):
                partners.search_read([("id", "=", alpha.id)], [fname])
            with self.assertRaises(AccessError):
                partners.read_group(
                    [("id", "in", self.customers.ids)],
                    [f"{fname}:sum"],
                    ["customer_tier_id"],
                )
            with self.assertRaises(AccessError):
                alpha.export_data([fname])
            with self.assertRaises(AccessError):
                partners.web_search_read([("id", "=", alpha.id)], {fname: {}})
            with self.assertRaises(AccessError):
                partners.search([(fname, ">", 0)])
        self.assertEqual(alpha.read(["customer_tier_id"])[0]["id"], alpha.id)
        self.assertTrue(alpha.churn_state)

    def test_salesperson_sees_own_customers_figures(self):
        """Lin reads her customer's figures through the figure_* fields and
        the figures model; other customers' are empty, in every call."""
        partners = self.env["res.partner"].with_user(self.lin)
        beta = self.customer_b.with_user(self.lin)
        alpha = self.customer_a.with_user(self.lin)
        self.assertTrue(beta.figures_visible)
        self.assertEqual(beta.figure_sales_12m, 1000.0)
        self.assertEqual(beta.figure_margin_12m, 200.0)
        self.assertEqual(beta.figure_score, self.customer_b.customer_score)
        self.assertIn("Purchase volume", beta.figure_breakdown_html)
        self.assertFalse(alpha.figures_visible)
        self.assertFalse(alpha.figure_sales_12m)
        self.assertFalse(alpha.figure_margin_12m)
        self.assertFalse(alpha.figure_score)
        self.assertFalse(alpha.figure_breakdown_html)
        rows = partners.search_read(
            [("id", "in", self.customers.ids)], ["figure_sales_12m", "figure_score"]
        )
        self.assertEqual(
            {row["id"]: row["figure_sales_12m"] for row in rows},
            {
                self.customer_a.id: 0.0,
                self.customer_b.id: 1000.0,
                self.customer_c.id: 0.0,
            },
        )
        exported = partners.browse(self.customers.ids).export_data(
            ["name", "figure_margin_12m"]
        )["datas"]
        self.assertEqual(
            sorted(exported),
            sorted(
                [
                    [self.customer_a.name, 0.0],
                    [self.customer_b.name, 200.0],
                    [self.customer_c.name, 0.0],
                ]
            ),
        )
        result = partners.web_search_read(
            [("id", "=", self.customer_a.id)],
            {"figure_margin_12m": {}, "figures_visible": {}},
        )
        self.assertEqual(
            result["records"][0],
            {
                "id": self.customer_a.id,
                "figure_margin_12m": 0.0,
                "figures_visible": False,
            },
        )
        # the figures model: her customer only
        self.assertEqual(self._figures_seen(self.lin), {self.customer_b.id: 1000.0})
        figures = self.env["res.partner.figures"].with_user(self.lin)
        [group] = figures.read_group(
            [("id", "in", self.customers.ids)],
            ["sales_12m:sum", "margin_12m:sum"],
            [],
        )
        self.assertEqual((group["sales_12m"], group["margin_12m"]), (1000.0, 200.0))
        with self.assertRaises(AccessError):
            figures.browse(self.customer_a.id).read(["sales_12m"])
        # the tier history: her customer's only
        history = self.env["res.partner.tier.history"].with_user(self.lin)
        self.assertEqual(
            history.search([("partner_id", "in", self.customers.ids)]).partner_id,
            self.customer_b,
        )

    def test_analyses_show_own_customers_only(self):
        """The customer analyses a salesperson opens hold her customers only:
        the performance pivot sums Beta's 1000 / 200, not the company's."""
        for model in ANALYSES:
            report = self.env[model].with_user(self.lin)
            seen = report.search([("partner_id", "in", self.customers.ids)]).partner_id
            self.assertEqual(seen, self.customer_b, model)
            exported = report.search([]).export_data(["partner_id"])["datas"]
            self.assertEqual(
                {row[0] for row in exported}, {self.customer_b.name}, model
            )
        performance = self.env["sale.customer.performance.report"].with_user(self.lin)
        [group] = performance.read_group([], ["sales_amount:sum", "margin:sum"], [])
        self.assertEqual((group["sales_amount"], group["margin"]), (1000.0, 200.0))
        result = performance.web_read_group(
            [], ["sales_amount:sum"], ["tier_id"], lazy=False
        )
        self.assertEqual(sum(g["sales_amount"] for g in result["groups"]), 1000.0)
        # company-wide per product figures: not for her
        with self.assertRaises(AccessError):
            self.env["sale.product.turnover.report"].with_user(self.lin).search([])

    def test_integrated_orders_follow_the_order(self):
        report = self.env["sale.order.integrated.report"].with_user(self.lin)
        orders = self.order_a | self.order_b | self.order_c
        self.assertEqual(
            report.search([("order_id", "in", orders.ids)]).order_id, self.order_b
        )
        plans = self.env["sale.collection.plan"].with_user(self.lin)
        self.assertFalse(plans.search([("id", "=", self.plan_a.id)]))
        lines = self.env["sale.collection.plan.line"].with_user(self.lin)
        self.assertFalse(lines.search([("plan_id", "=", self.plan_a.id)]))

    def test_team_leader_sees_the_team_customers(self):
        """Zhou leads Wang's team: Alpha's figures (Wang's customer), not
        Beta's (Lin's) nor Gamma's (no salesperson)."""
        self.assertEqual(self._figures_seen(self.leader), {self.customer_a.id: 2000.0})
        alpha = self.customer_a.with_user(self.leader)
        self.assertEqual(alpha.figure_margin_12m, 800.0)
        self.assertFalse(self.customer_b.with_user(self.leader).figure_margin_12m)
        performance = self.env["sale.customer.performance.report"].with_user(
            self.leader
        )
        self.assertEqual(
            performance.search([("partner_id", "in", self.customers.ids)]).partner_id,
            self.customer_a,
        )
        # Wang himself sees his own customer, not the one without salesperson
        self.assertEqual(self._figures_seen(self.wang), {self.customer_a.id: 2000.0})

    # ------------------------------------------------------------------
    # Roles that see every customer's figures
    # ------------------------------------------------------------------
    def test_figure_roles_see_every_customer(self):
        expected = {
            self.customer_a.id: 2000.0,
            self.customer_b.id: 1000.0,
            self.customer_c.id: 1000.0,
        }
        for user in (self.manager, self.all_docs, self.accountant):
            self.assertEqual(self._figures_seen(user), expected, user.login)
            partners = self.env["res.partner"].with_user(user)
            rows = partners.search_read(
                [("id", "in", self.customers.ids)],
                ["tier_sales_12m", "tier_margin_12m"],
            )
            self.assertEqual(
                {row["id"]: row["tier_margin_12m"] for row in rows},
                {
                    self.customer_a.id: 800.0,
                    self.customer_b.id: 200.0,
                    self.customer_c.id: 400.0,
                },
                user.login,
            )
            [group] = partners.read_group(
                [("id", "in", self.customers.ids)], ["tier_sales_12m:sum"], []
            )
            self.assertEqual(group["tier_sales_12m"], 4000.0, user.login)
            self.assertTrue(
                partners.browse(self.customer_a.id).export_data(["customer_score"])
            )
            performance = self.env["sale.customer.performance.report"].with_user(user)
            [group] = performance.read_group(
                [("partner_id", "in", self.customers.ids)], ["sales_amount:sum"], []
            )
            self.assertEqual(group["sales_amount"], 4000.0, user.login)

    def test_accountant_reads_plans_without_sales_menus(self):
        """The README's accountant: integrated orders, collection plans and
        instalments read-only, customer figures; no visits, prospects or
        targets, no sales order."""
        plans = self.env["sale.collection.plan"].with_user(self.accountant)
        plan = plans.search([("id", "=", self.plan_a.id)])
        self.assertEqual(plan, self.plan_a)
        self.assertEqual(plan.read(["amount_planned"])[0]["amount_planned"], 2000.0)
        lines = self.env["sale.collection.plan.line"].with_user(self.accountant)
        [line] = lines.search_read([("plan_id", "=", plan.id)], ["amount", "state"])
        self.assertEqual((line["amount"], line["state"]), (2000.0, "pending"))
        result = plan.web_read(
            {
                "order_id": {"fields": {"display_name": {}}},
                "line_ids": {"fields": {"amount": {}, "state": {}}},
                "amount_overdue": {},
            },
        )
        self.assertEqual(result[0]["order_id"]["display_name"], self.order_a.name)
        with self.assertRaises(AccessError):
            plan.write({"note": "x"})
        with self.assertRaises(AccessError):
            lines.browse(line["id"]).write({"date_due": "2026-06-01"})
        with self.assertRaises(AccessError):
            plans.create({"order_id": self.order_b.id})
        with self.assertRaises(AccessError):
            self.order_a.with_user(self.accountant).read(["name"])
        for model in ("sale.customer.visit", "sale.target", "crm.lead"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.accountant).search([])
        visible = self.env["ir.ui.menu"].with_user(self.accountant)._visible_menu_ids()
        for xmlid in (
            "sale_customer_mgmt.sale_collection_plan_menu",
            "sale_customer_mgmt.sale_collection_plan_line_menu",
            "sale_customer_mgmt.sale_order_integrated_report_menu",
            "sale_customer_mgmt.res_partner_menu_customer_tier",
            "sale_customer_mgmt.res_partner_menu_tier_distribution",
            "sale_customer_mgmt.sale_customer_performance_report_menu",
        ):
            self.assertIn(self.env.ref(xmlid).id, visible, xmlid)
        for xmlid in (
            "sale_customer_mgmt.menu_customer_mgmt_activity",
            "sale_customer_mgmt.sale_customer_visit_menu",
            "sale_customer_mgmt.sale_visit_plan_menu",
            "sale_customer_mgmt.sale_target_menu",
            "sale_customer_mgmt.crm_lead_menu_public_pool",
            "sale_customer_mgmt.sale_customer_visit_menu_analysis",
            "sale_customer_mgmt.crm_lead_menu_man_analysis",
            "sale_customer_mgmt.forecast_sale_report_menu",
            "sale_customer_mgmt.crm_development_report_menu",
            "sale_customer_mgmt.crm_development_check_menu",
        ):
            self.assertNotIn(self.env.ref(xmlid).id, visible, xmlid)

    # ------------------------------------------------------------------
    # Users without sales rights (service agents)
    # ------------------------------------------------------------------
    def test_user_without_sales_rights_reads_no_figure(self):
        partners = self.env["res.partner"].with_user(self.service)
        alpha = partners.browse(self.customer_a.id)
        for fname in [*FIGURES, "figure_margin_12m", "tier_history_ids"]:
            with self.assertRaises(AccessError, msg=fname):
                alpha.read([fname])
            with self.assertRaises(AccessError, msg=fname):
                alpha.export_data([fname])
        # the tier stays visible (service priority)
        self.assertTrue(alpha.read(["customer_tier_id", "churn_state"]))
        for model in ["res.partner.figures", "sale.order.integrated.report", *ANALYSES]:
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.service).search([])

    # ------------------------------------------------------------------
    # The views open for every role
    # ------------------------------------------------------------------
    def _open_action(self, user, xmlid, res_id=None):
        """Load the views of an action as ``user``, then the records of its
        list (or first view) and, when it has one, a record in its form,
        with the fields the views hold for that user."""
        action = self.env.ref(xmlid)
        model = self.env[action.res_model].with_user(user)
        view_types = [v for v in action.view_mode.split(",") if v != "calendar"]
        views = model.get_views([(False, view_type) for view_type in view_types])
        fields = views["models"][action.res_model]["fields"]
        spec = {}
        for fname, description in fields.items():
            # the fields of this addon (a stock field may need other rights,
            # e.g. account's days sales outstanding on the partner)
            field = model._fields[fname]
            if (
                model._auto
                and fname != "name"
                and field._module != "sale_customer_mgmt"
            ):
                continue
            if description["type"] == "many2one":
                spec[fname] = {"fields": {"display_name": {}}}
            elif description["type"] in ("one2many", "many2many"):
                spec[fname] = {"fields": {"display_name": {}}}
            else:
                spec[fname] = {}
        domain = safe_eval(action.domain or "[]", {"uid": user.id})
        result = model.web_search_read(domain, spec, limit=80)
        if "form" in view_types and res_id:
            model.browse(res_id).web_read(spec)
        if "pivot" in view_types or "graph" in view_types:
            model.web_read_group(domain, ["__count"], [], lazy=False)
        return result

    def test_views_open_for_every_role(self):
        actions = {
            "sale_customer_mgmt.res_partner_action_customer_tier": self.customer_a.id,
            "sale_customer_mgmt.res_partner_action_tier_distribution": None,
            "sale_customer_mgmt.sale_customer_composition_report_action": None,
            "sale_customer_mgmt.sale_customer_performance_report_action": None,
            "sale_customer_mgmt.sale_customer_product_report_action": None,
            "sale_customer_mgmt.sale_customer_churn_report_action": None,
            "sale_customer_mgmt.sale_order_integrated_report_action": None,
            "sale_customer_mgmt.sale_collection_plan_action": self.plan_a.id,
            "sale_customer_mgmt.sale_collection_plan_line_action": None,
        }
        roles = {
            self.lin: [*actions],
            self.leader: [*actions],
            self.manager: [*actions],
            self.all_docs: [*actions],
            self.accountant: [*actions],
            self.service: ["sale_customer_mgmt.res_partner_action_customer_tier"],
        }
        for user, xmlids in roles.items():
            # one request per role: nothing read as another user in the cache
            self.env.invalidate_all()
            for xmlid in xmlids:
                res_id = actions[xmlid]
                if res_id == self.plan_a.id and user in (self.lin, self.leader):
                    res_id = None  # not her order
                with self.subTest(user=user.login, action=xmlid):
                    self.assertIn("records", self._open_action(user, xmlid, res_id))
        # the partner form as Lin: her figures fields, not the stored ones
        form = (
            self.env["res.partner"]
            .with_user(self.lin)
            .get_views([(False, "form"), (False, "list")])
        )
        arch = form["views"]["form"]["arch"]
        self.assertIn('name="figure_sales_12m"', arch)
        self.assertNotIn('name="tier_sales_12m"', arch)
        self.assertNotIn('name="tier_sales_12m"', form["views"]["list"]["arch"])
        arch = (
            self.env["res.partner"]
            .with_user(self.accountant)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="tier_sales_12m"', arch)
        self.assertNotIn('name="figure_sales_12m"', arch)
        arch = (
            self.env["res.partner"]
            .with_user(self.service)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("tier_sales_12m", arch)
        self.assertNotIn("figure_sales_12m", arch)
