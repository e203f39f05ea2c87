# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import random
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.tests import TransactionCase, new_test_user
from odoo.tools import html2plaintext
from odoo.tools.safe_eval import safe_eval

from ..demo.generator import (
    CUSTOMER_ASSESSMENT,
    CUSTOMER_PROFILES,
    DEMO_SEED,
    DemoStory,
    forget_address_tracking,
    retell_creation_messages,
)

MODULE = "sale_customer_mgmt"


class TestDemoStoryPlan(TransactionCase):
    """The order plans behind each customer profile (no demo data needed)."""

    def _plan(self, profile, seed=DEMO_SEED):
        return DemoStory(self.env)._demo_order_plan(
            profile, random.Random(seed), self.today
        )

    def _spend(self, plan, products, date_from, date_to):
        return sum(
            products[key] * qty
            for day, lines in plan
            if date_from < day <= date_to
            for key, qty in lines
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.to_date("2026-06-15")
        cls.year_ago = cls.today - relativedelta(months=12)
        cls.two_years_ago = cls.today - relativedelta(months=24)
        # list prices of the demo catalogue, to weigh the plans
        cls.prices = {
            "cnc_lathe": 38000,
            "machining_center": 62000,
            "air_compressor": 9800,
            "spindle_kit": 1250,
            "servo_motor": 860,
            "ball_screw": 430,
            "carbide_insert": 85,
            "cutting_fluid": 120,
            "filter_kit": 65,
            "installation": 2400,
            "maintenance": 4800,
            "training": 650,
        }

    def test_same_seed_same_story(self):
        for profile in set(CUSTOMER_PROFILES.values()):
            self.assertEqual(self._plan(profile), self._plan(profile), profile)
        self.assertNotEqual(self._plan("regular"), self._plan("regular", seed=1))

    def test_plans_stay_in_the_last_two_years(self):
        for profile in set(CUSTOMER_PROFILES.values()) - {"prospect", "quotation_only"}:
            plan = self._plan(profile)
            self.assertTrue(plan, profile)
            self.assertGreaterEqual(plan[0][0], self.two_years_ago, profile)
            self.assertLessEqual(plan[-1][0], self.today, profile)
            self.assertTrue(all(lines for __, lines in plan), profile)
        self.assertEqual(self._plan("prospect"), [])

    def test_profiles_tell_their_story(self):
        def spend(profile):
            plan = self._plan(profile)
            return (
                self._spend(plan, self.prices, self.year_ago, self.today),
                self._spend(plan, self.prices, self.two_years_ago, self.year_ago),
            )

        recent, before = spend("shrinking")
        self.assertLess(recent, before * 0.5, "shrinking: 12-month spend down > 50%")
        recent, before = spend("growing")
        self.assertGreater(recent, before * 2, "growing: spend more than doubled")
        recent, before = spend("key_regular")
        self.assertGreater(recent, 100000)
        self.assertGreater(before, 100000)
        # at risk: bought every 6 weeks, nothing for the last 58 days
        at_risk = self._plan("at_risk")
        self.assertGreaterEqual((self.today - at_risk[-1][0]).days, 58)
        self.assertGreater(len(at_risk), 10)
        # lost: nothing for ten months at least
        self.assertGreaterEqual((self.today - self._plan("lost")[-1][0]).days, 300)
        # stopped consumables: equipment first, then no consumables for 8 months
        stopped = self._plan("stopped_consumables")
        self.assertIn(stopped[0][1][0][0], ("air_compressor", "cnc_lathe"))
        consumables = {"carbide_insert", "cutting_fluid", "filter_kit"}
        last_consumable = max(
            day for day, lines in stopped if consumables & {key for key, __ in lines}
        )
        self.assertLessEqual(last_consumable, self.today - relativedelta(months=8))
        self.assertGreater(stopped[-1][0], self.today - timedelta(days=90))


class TestDemoStory(TransactionCase):
    """The demo story as installed (the test runner always installs with demo)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.partners = cls.env["res.partner"]
        for key in CUSTOMER_PROFILES:
            cls.partners |= (
                cls.env.ref(
                    f"{MODULE}.res_partner_{key}_demo", raise_if_not_found=False
                )
                or cls.env["res.partner"]
            )
        cls.has_demo = bool(cls.partners)
        cls.orders = cls.env["sale.order"].search(
            [("partner_id", "in", cls.partners.ids)]
        )
        cls.invoices = cls.env["account.move"].search(
            [
                ("partner_id", "in", cls.partners.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )

    def _partner(self, key):
        return self.env.ref(f"{MODULE}.res_partner_{key}_demo")

    def _of(self, records, key):
        """The records (orders, invoices) of one demo customer."""
        partner = self._partner(key)
        return records.filtered(lambda record: record.partner_id == partner)

    def test_demo_only_when_requested(self):
        module = self.env["ir.module.module"].search([("name", "=", MODULE)])
        # no demo requested: no demo customer and no generated history
        self.assertEqual(self.has_demo, module.demo)
        self.assertEqual(bool(self.orders), module.demo)

    def test_customers(self):
        if not self.has_demo:
            self.assertFalse(self.invoices)
            return
        self.assertEqual(len(self.partners), 30)
        china = self.env.ref("base.cn")
        for partner in self.partners:
            self.assertTrue(partner.is_company)
            self.assertEqual(partner.country_id, china)
            self.assertEqual(partner.state_id.country_id, china)
            self.assertTrue(partner.industry_id and partner.city and partner.user_id)
            self.assertIn(len(partner.child_ids), (1, 2, 3), partner.name)
            self.assertTrue(all(partner.child_ids.mapped("function")))
        salespeople = self.partners.user_id
        self.assertEqual(len(salespeople), 3)
        self.assertTrue(
            all(
                user.has_group("sales_team.group_sale_salesman") for user in salespeople
            )
        )
        # prospects have no order, quotation-only customers no confirmed one
        for key, profile in CUSTOMER_PROFILES.items():
            orders = self._of(self.orders, key)
            if profile == "prospect":
                self.assertFalse(orders, key)
            elif profile == "quotation_only":
                self.assertTrue(orders, key)
                self.assertNotIn("sale", orders.mapped("state"), key)
            else:
                self.assertIn("sale", orders.mapped("state"), key)

    def test_two_years_of_orders_with_margin(self):
        if not self.has_demo:
            self.assertFalse(self.orders)
            return
        confirmed = self.orders.filtered(lambda o: o.state == "sale")
        self.assertGreaterEqual(len(confirmed), 200)
        self.assertTrue({"draft", "sent", "cancel"} <= set(self.orders.mapped("state")))
        dates = confirmed.mapped("date_order")
        self.assertLessEqual(min(dates).date(), self.today - relativedelta(months=23))
        self.assertGreaterEqual(max(dates).date(), self.today - timedelta(days=30))
        self.assertLessEqual(max(dates).date(), self.today)
        # every line sells above cost (sale_margin), and four product families
        self.assertFalse(confirmed.order_line.filtered(lambda line: line.margin <= 0))
        self.assertGreater(sum(confirmed.mapped("margin")), 0)
        self.assertEqual(
            set(confirmed.order_line.product_id.categ_id.mapped("name")),
            {"设备", "备件", "耗材", "服务"},
        )
        # shrinking customer: last 12 months below half of the 12 months before
        year_ago = self.today - relativedelta(months=12)
        beifang = self._of(confirmed, "beifang")
        recent = sum(
            beifang.filtered(lambda o: o.date_order.date() > year_ago).mapped(
                "amount_untaxed"
            )
        )
        older = sum(
            beifang.filtered(lambda o: o.date_order.date() <= year_ago).mapped(
                "amount_untaxed"
            )
        )
        self.assertLess(recent, older * 0.5)
        # lost customer: nothing confirmed for ten months
        lost = self._of(confirmed, "zhongyuan")
        self.assertLess(
            max(lost.mapped("date_order")).date(), self.today - timedelta(days=290)
        )

    def test_invoices_payments_and_credit_notes(self):
        if not self.has_demo:
            self.assertFalse(self.invoices)
            return
        self.assertGreaterEqual(len(self.invoices), 200)
        self.assertTrue(all(inv.invoice_date <= self.today for inv in self.invoices))
        paid = self.invoices.filtered(
            lambda m: m.payment_state in ("paid", "in_payment")
        )
        self.assertGreater(len(paid), len(self.invoices) / 2)

        def paid_on(invoice):
            receivable = invoice.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            return max(receivable.matched_credit_ids.credit_move_id.mapped("date"))

        late = paid.filtered(lambda m: paid_on(m) > m.invoice_date_due)
        on_time = paid.filtered(lambda m: paid_on(m) <= m.invoice_date_due)
        self.assertTrue(late, "some invoices were paid late")
        self.assertGreater(len(on_time), len(late))
        overdue = self.invoices.filtered(
            lambda m: m.payment_state == "not_paid" and m.invoice_date_due < self.today
        )
        self.assertTrue(overdue, "some invoices are unpaid and overdue")
        self.assertTrue(self.invoices.filtered(lambda m: m.payment_state == "partial"))
        # the lost customer left an unpaid debt behind
        self.assertIn(self._partner("zhongyuan"), overdue.partner_id)
        refunds = self.env["account.move"].search(
            [
                ("partner_id", "in", self.partners.ids),
                ("move_type", "=", "out_refund"),
                ("state", "=", "posted"),
            ]
        )
        self.assertGreaterEqual(len(refunds), 3)
        self.assertTrue(all(refunds.mapped("reversed_entry_id")))
        self.assertTrue(
            all(refund.payment_state in ("paid", "reversed") for refund in refunds)
        )
        # two payment terms: 60 days for key customers, 30 days for the others
        hengli = self._of(self.invoices, "hengli")[:1]
        self.assertEqual((hengli.invoice_date_due - hengli.invoice_date).days, 60)

    def test_assessment_covers_every_customer(self):
        self.assertEqual(set(CUSTOMER_ASSESSMENT), set(CUSTOMER_PROFILES))
        scales = dict(
            self.env["res.partner"]
            ._fields["customer_scale"]
            ._description_selection(self.env)
        )
        ratings = dict(
            self.env["res.partner"]
            ._fields["tier_potential_rating"]
            ._description_selection(self.env)
        )
        for key, (scale, potential, cooperation) in CUSTOMER_ASSESSMENT.items():
            self.assertIn(scale, scales, key)
            self.assertIn(potential, ratings, key)
            self.assertIn(cooperation, ratings, key)

    def test_customers_assessed_in_proportion(self):
        """Every demo customer has a scale and both ratings; the scale is the
        one its description tells, bigger buyers are larger enterprises and
        the key customers (tier A) are rated high."""
        if not self.has_demo:
            return
        words = {"large": "大型企业", "medium": "中型企业", "small": "小型企业"}
        sales = defaultdict(float)
        for order in self.orders.filtered(lambda o: o.state == "sale"):
            sales[order.partner_id.commercial_partner_id] += order.amount_untaxed
        by_scale = defaultdict(list)
        for partner in self.partners:
            self.assertIn(partner.customer_scale, words, partner.name)
            self.assertIn(words[partner.customer_scale], partner.comment, partner.name)
            self.assertNotEqual(partner.tier_potential_rating, "0", partner.name)
            self.assertNotEqual(partner.tier_cooperation_rating, "0", partner.name)
            by_scale[partner.customer_scale].append(sales[partner])
        average = {scale: sum(v) / len(v) for scale, v in by_scale.items()}
        self.assertGreater(average["large"], average["medium"])
        self.assertGreater(average["medium"], average["small"])
        # the three largest buyers of the two years are large enterprises
        top = sorted(self.partners, key=lambda p: sales[p], reverse=True)[:3]
        self.assertEqual({p.customer_scale for p in top}, {"large"})
        # the key customers of the story (the big regular buyers, the growing
        # ones) are rated high; a tier A customer is never rated below good
        for key, profile in CUSTOMER_PROFILES.items():
            if profile in ("key_regular", "growing"):
                partner = self._partner(key)
                self.assertGreaterEqual(int(partner.tier_potential_rating), 4, key)
                self.assertGreaterEqual(int(partner.tier_cooperation_rating), 4, key)
        tier_a = self.partners.filtered(lambda p: p.customer_tier_id.code == "A")
        self.assertTrue(tier_a)
        for partner in tier_a:
            self.assertIn(partner.customer_scale, ("large", "medium"), partner.name)
            self.assertGreaterEqual(int(partner.tier_potential_rating), 3)
            self.assertGreaterEqual(int(partner.tier_cooperation_rating), 3)

        def rating(partners):
            return sum(
                int(p.tier_potential_rating) + int(p.tier_cooperation_rating)
                for p in partners
            ) / len(partners)

        # the better the tier, the better rated on average
        tiers = self.env["res.partner.tier"].search([], order="sequence")
        averages = [
            rating(self.partners.filtered(lambda p, t=t: p.customer_tier_id == t))
            for t in tiers
            if t in self.partners.customer_tier_id
        ]
        self.assertEqual(averages, sorted(averages, reverse=True))
        # the lost customers and the late-paying traders are rated lowest
        for key, profile in CUSTOMER_PROFILES.items():
            if profile in ("lost", "low_margin"):
                partner = self._partner(key)
                self.assertLessEqual(int(partner.tier_potential_rating), 1, key)
                self.assertNotIn(partner, tier_a, key)

    def test_demo_partners_speak_the_database_language(self):
        """zh_CN for the demo's partners when the database has it active;
        otherwise the database's language (the demo loads no language)."""
        if not self.has_demo:
            return
        story = DemoStory(self.env)
        partners = story._demo_partners()
        hengli = self._partner("hengli")
        self.assertIn(hengli, partners)
        self.assertTrue(hengli.child_ids <= partners)
        self.assertIn(
            self.env.ref(f"{MODULE}.res_partner_prospect_xinhe_demo"), partners
        )
        self.assertNotIn(self.env.ref("base.partner_admin"), partners)
        if self.env["res.lang"]._get_code("zh_CN"):
            self.assertEqual(set(partners.mapped("lang")), {"zh_CN"})
            return
        self.assertNotIn("zh_CN", partners.mapped("lang"))
        # the story without zh_CN changes nothing; with it, it speaks Chinese
        before = {partner: partner.lang for partner in partners}
        story._demo_customer_lang()
        self.assertEqual({partner: partner.lang for partner in partners}, before)
        self.env["res.lang"]._activate_lang("zh_CN")
        story._demo_customer_lang()
        self.assertEqual(set(partners.mapped("lang")), {"zh_CN"})
        self.assertNotEqual(self.env.ref("base.partner_admin").lang, "zh_CN")

    def test_pipeline_at_every_stage(self):
        prospect_lead = self.env.ref(
            f"{MODULE}.crm_lead_quancheng_demo", raise_if_not_found=False
        )
        if not self.has_demo:
            self.assertFalse(prospect_lead)
            return
        # a lead for a company that is not a customer yet
        self.assertFalse(prospect_lead.partner_id)
        self.assertEqual(prospect_lead.partner_name, "济南泉城液压件有限公司")
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("user_id", "in", self.partners.user_id.ids)])
        )
        stages = {f"crm.stage_lead{n}" for n in range(1, 5)}
        self.assertTrue(
            stages <= set(leads.filtered("active").stage_id.get_external_id().values())
        )
        lost = leads.filtered(lambda lead: not lead.active)
        self.assertTrue(lost and all(lost.mapped("lost_reason_id")))
        won = leads.filtered(lambda lead: lead.stage_id.is_won)
        self.assertTrue(won.order_ids, "won opportunities lead to confirmed orders")


class TestPartnerFormForEveryRole(TransactionCase):
    """The customer form: a visits smart button for the salespeople and up,
    the same tier tab for every role that sees it (hidden figures are hidden,
    not relabelled)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            role: new_test_user(cls.env, login=f"h7b_form_{role}", groups=groups)
            for role, groups in (
                ("salesperson", "sales_team.group_sale_salesman"),
                ("manager", "sales_team.group_sale_manager"),
                ("accountant", f"base.group_user,{MODULE}.group_customer_accountant"),
            )
        }

    def _form(self, user):
        arch = (
            self.env["res.partner"]
            .with_user(user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        return etree.fromstring(arch)

    def _tier_tab_labels(self, user):
        """The group titles and field labels of the tier tab, in order."""
        page = self._form(user).xpath("//page[@name='customer_tier']")
        self.assertEqual(len(page), 1, user.login)
        strings = self.env["res.partner"].fields_get(attributes=["string"])
        labels = []
        for node in page[0].iter("group", "separator", "field"):
            if node.xpath("ancestor::field"):
                continue  # the columns of the tier history list
            if node.tag != "field":
                labels.append((node.tag, node.get("string")))
            elif node.get("nolabel") != "1":
                label = node.get("string") or strings[node.get("name")]["string"]
                labels.append(("field", label))
        return labels

    def test_tier_tab_reads_the_same_for_every_role(self):
        salesperson = self._tier_tab_labels(self.users["salesperson"])
        self.assertIn(("field", "Customer Score"), salesperson)
        self.assertIn(("group", "Sales and Margin"), salesperson)
        for role in ("manager", "accountant"):
            self.assertEqual(self._tier_tab_labels(self.users[role]), salesperson, role)

    def test_visits_smart_button(self):
        path = "//div[@name='button_box']/button[@name='action_view_customer_visits']"
        for role, shown in (
            ("salesperson", True),
            ("manager", True),
            ("accountant", False),
        ):
            buttons = self._form(self.users[role]).xpath(path)
            self.assertEqual(len(buttons), int(shown), role)
            if shown:
                self.assertEqual(
                    buttons[0].xpath(".//field/@name"), ["customer_visit_count"]
                )
        # its own view, next to the tier tab's (one xmlid each)
        view = self.env.ref(f"{MODULE}.view_partner_form_customer_visits")
        self.assertEqual(view.inherit_id, self.env.ref("base.view_partner_form"))
        self.assertNotEqual(view, self.env.ref(f"{MODULE}.view_partner_form"))
        customer = self.env.ref(
            f"{MODULE}.res_partner_hengli_demo", raise_if_not_found=False
        )
        if not customer:
            return
        # the count and the list it opens: the visits of the customer and its
        # contacts, as its salesperson sees them
        salesperson = customer.user_id
        visits = (
            self.env["sale.customer.visit"]
            .with_user(salesperson)
            .search([("partner_id", "child_of", customer.id)])
        )
        self.assertTrue(visits)
        customer = customer.with_user(salesperson)
        self.assertEqual(customer.customer_visit_count, len(visits))
        action = customer.action_view_customer_visits()
        self.assertEqual(action["res_model"], "sale.customer.visit")
        opened = (
            self.env["sale.customer.visit"]
            .with_user(salesperson)
            .search(action["domain"])
        )
        self.assertEqual(opened, visits)


class TestDemoScreens(TransactionCase):
    """What the demo admin and the demo users see first: every menu of ours
    opens on records, no two menus share a name, managers open on their scope,
    the demo company is Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.has_demo = bool(
            cls.env.ref(f"{MODULE}.res_partner_hengli_demo", raise_if_not_found=False)
        )
        cls.admin = cls.env.ref("base.user_admin")
        data = cls.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.ui.menu")]
        )
        cls.menus = cls.env["ir.ui.menu"].browse(data.mapped("res_id")).exists()

    def _action_dict(self, action, user):
        """The action a menu opens for ``user``, as the web client gets it."""
        if action._name == "ir.actions.server":
            return action.with_user(user).run()
        return action.sudo().read()[0]

    def _eval(self, value, default=None):
        """A domain or context of an action, evaluated as the web client does."""
        if isinstance(value, str) and value:
            return safe_eval(value, self.env["ir.actions.actions"]._get_eval_context())
        return value or ({} if default is None else default)

    def test_no_two_menus_share_a_name(self):
        names = self.menus.mapped("name")
        self.assertGreater(len(names), 20)
        duplicates = sorted({name for name in names if names.count(name) > 1})
        self.assertFalse(duplicates, "menus of ours with the same name")

    def test_every_menu_opens_on_records(self):
        if not self.has_demo:
            return
        visible = self.env["ir.ui.menu"].with_user(self.admin)._visible_menu_ids()
        opened = []
        for menu in self.menus.filtered(lambda m: m.action and m.id in visible):
            action = self._action_dict(menu.action, self.admin)
            if action.get("type") != "ir.actions.act_window":
                continue
            model = self.env[action["res_model"]].with_user(self.admin)
            if action.get("target") == "new" or model._transient:
                continue  # a wizard (what-if), not a list
            if model._name == "sale.product.turnover.report" and (
                "stock.move" not in self.env
            ):
                continue  # turnover needs inventory data: the stock module
            domain = self._eval(action.get("domain"), [])
            self.assertGreater(
                model.search_count(domain), 0, f"{menu.complete_name} opens empty"
            )
            opened.append(menu.complete_name)
        self.assertGreater(len(opened), 20)

    def test_managers_open_on_their_scope(self):
        if not self.has_demo:
            return
        salesperson = self.env.ref(f"{MODULE}.user_salesman_lina_demo")
        manager = self.env.ref(f"{MODULE}.user_sales_manager_demo")
        visits = self.env.ref(f"{MODULE}.sale_customer_visit_action_open")
        pipeline = self.env.ref("crm.action_your_pipeline")
        for action, my_filter in (
            (visits, "search_default_my_visits"),
            (pipeline, "search_default_assigned_to_me"),
        ):
            for user in (self.admin, manager):
                context = self._eval(self._action_dict(action, user)["context"])
                self.assertNotIn(my_filter, context, user.login)
            context = self._eval(self._action_dict(action, salesperson)["context"])
            self.assertTrue(context.get(my_filter), action.name)
        # what the manager's first screen shows: every visit of both teams
        domain = self._eval(self._action_dict(visits, manager).get("domain"), [])
        visible = self.env["sale.customer.visit"].with_user(manager).search(domain)
        self.assertGreater(len(visible.user_id), 1)

    def test_demo_company_is_chinese(self):
        if not self.has_demo:
            return
        company = self.env.ref("base.main_company")
        self.assertEqual(company.country_id, self.env.ref("base.cn"))
        self.assertTrue(company.street and company.city and company.zip)
        for text in (company.name, company.city):
            self.assertTrue(any("\u4e00" <= char <= "\u9fff" for char in text), text)

    def test_demo_users(self):
        if not self.has_demo:
            return
        accountant = self.env.ref(f"{MODULE}.user_accountant_demo")
        self.assertTrue(accountant.has_group(f"{MODULE}.group_customer_accountant"))
        self.assertFalse(accountant.has_group("sales_team.group_sale_salesman"))
        teams = self.env.ref(f"{MODULE}.crm_team_east_demo") | self.env.ref(
            f"{MODULE}.crm_team_south_demo"
        )
        self.assertTrue(all(teams.mapped("member_ids")))
        for user in teams.member_ids | teams.user_id | accountant:
            self.assertTrue(
                all("\u4e00" <= char <= "\u9fff" for char in user.name), user.login
            )

    def test_most_customers_are_not_flagged(self):
        if not self.has_demo:
            return
        customers = self.env["res.partner"]
        for key, profile in CUSTOMER_PROFILES.items():
            if profile not in ("prospect", "quotation_only"):
                customers |= self.env.ref(f"{MODULE}.res_partner_{key}_demo")
        flagged = customers.filtered(
            lambda p: p.churn_state in ("at_risk", "partial", "lost")
        )
        # the story has customers at risk, but most customers buy as usual
        self.assertTrue(flagged)
        self.assertLess(len(flagged), len(customers) / 2, flagged.mapped("name"))

    def test_screens_read_well(self):
        # the MAN analysis groups its rows by a labelled class, not a number
        action = self.env.ref(f"{MODULE}.crm_lead_action_man_analysis")
        rows = self._eval(action.context)["pivot_row_groupby"]
        field = self.env["crm.lead"]._fields[rows[0]]
        self.assertEqual(field.type, "selection")
        labels = dict(field._description_selection(self.env))
        self.assertTrue(labels["1"].startswith("1 MAN"), labels["1"])
        # one score, one format: same digits wherever it is shown
        digits = {
            self.env[model]._fields[fname].get_digits(self.env)
            for model, fname in (
                ("res.partner", "customer_score"),
                ("res.partner", "figure_score"),
                ("res.partner.figures", "customer_score"),
                ("res.partner.tier.history", "score"),
            )
        }
        self.assertEqual(len(digits), 1, digits)
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        for node in etree.fromstring(arch).xpath(
            "//field[@name='customer_score' or @name='figure_score']"
        ):
            self.assertFalse(node.get("widget"), "the score is a number, not a %")
        # the integrated order list fits a 1440 px screen: ten columns at most
        arch = self.env["sale.order.integrated.report"].get_views([(False, "list")])[
            "views"
        ]["list"]["arch"]
        columns = [
            node
            for node in etree.fromstring(arch).xpath("/list/field")
            if node.get("optional") != "hide"
            and node.get("column_invisible") not in ("1", "True")
        ]
        self.assertLessEqual(len(columns), 10, [c.get("name") for c in columns])


class TestStoryLanguage(TransactionCase):
    """With zh_CN active the demo's chatter reads Chinese: the creation
    messages of the records a data file created (without a language) are
    written again in Chinese, and an address read in two languages is not a
    change of address."""

    def _tracked(self, partner, name):
        return self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", partner.id),
                ("field_id.name", "=", name),
            ]
        )

    def test_creation_messages_retold_in_chinese(self):
        env = self.env
        # as a data file creates it: no language
        partner = (
            env["res.partner"].with_context(lang=None).create({"name": "测试客户"})
        )
        created = partner.message_ids
        self.assertEqual(len(created), 1)
        told = created.body
        retell_creation_messages(env)  # no zh_CN: nothing to retell
        self.assertEqual(created.body, told)
        env["res.lang"]._activate_lang("zh_CN")
        model = env["ir.model"]._get("res.partner")
        english = model.name
        model.with_context(lang="zh_CN").name = "联系人"
        self.assertIn(english, html2plaintext(told))
        retell_creation_messages(env)
        retold = html2plaintext(created.body)
        self.assertIn("联系人", retold)
        self.assertNotIn(english, retold)
        self.assertEqual(retold, partner.with_context(lang="zh_CN")._creation_message())
        # told once: the messages of another transaction are left alone
        other = env["res.partner"].with_context(lang=None).create({"name": "另一客户"})
        env.cr.execute(
            "UPDATE mail_message SET create_date = create_date - interval '1 day'"
            " WHERE id = %s",
            [other.message_ids.id],
        )
        other.message_ids.invalidate_recordset()
        retell_creation_messages(env)
        self.assertIn(english, html2plaintext(other.message_ids.body))

    def test_address_read_in_two_languages_is_no_change(self):
        env = self.env
        env["res.lang"]._activate_lang("zh_CN")
        china = env.ref("base.cn")
        china.with_context(lang="zh_CN").name = "中国"
        partners = env["res.partner"].create(
            [
                {"name": f"测试机械 {n}", "city": "苏州", "country_id": china.id}
                for n in (1, 2)
            ]
        )
        env.cr.precommit.run()  # their creation
        env.invalidate_all()
        for partner in partners:
            # written in Chinese (a side effect, say), read in English later
            partner.with_context(lang="zh_CN").write({"phone": "0512 6080 2000"})
        env.invalidate_all()
        # the second one's address is forgotten: the false change is the first's
        pending = env.cr.precommit.data["mail.tracking.res.partner"]
        first = pending.pop(partners[0].id)
        forget_address_tracking(env)
        pending[partners[0].id] = first
        env["res.partner"]._track_finalize()
        # (the false change it avoids: the address in Chinese, then English)
        false_change = self._tracked(partners[0], "contact_address_inline")
        self.assertEqual(len(false_change), 1)
        self.assertIn("中国", false_change.old_value_char)
        self.assertNotIn("中国", false_change.new_value_char)
        self.assertFalse(self._tracked(partners[1], "contact_address_inline"))
        self.assertTrue(self._tracked(partners[1], "phone"))
