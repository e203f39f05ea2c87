"""The public contract (shared/spec/contract.md) holds: other addons, reports,
integrations and black-box acceptance tests use these technical names.

Checked through ``fields_get`` as an RPC client sees it, plus the public methods.
"""

from .common import CrossAddonCase

SELECTIONS = {
    "purchase_power": {"high", "medium", "low"},
    "card_type": {"fixed", "attack", "development"},
    "churn_state": {"active", "at_risk", "partial", "lost"},
    "card_color": {"red", "yellow", "green"},
    "heat_grade": {"a", "b", "c"},
    "code": {"exploratory", "basic", "cooperative", "partnership", "synergistic"},
    "ka_quadrant": {"key", "develop", "maintain", "opportunistic"},
    "ka_role": {"decision_maker", "rule_maker", "user", "gatekeeper"},
    "ka_stance": {"supporter", "neutral", "opponent"},
    "ka_social_style": {"analytical", "driver", "amiable", "expressive"},
    "loop_state": {
        "received",
        "dispatched",
        "in_progress",
        "resolved",
        "feedback",
        "visited",
        "closed",
    },
    "state": {"draft", "confirmed"},
}

CONTRACT = {
    "res.partner.tier": {
        "name": "char",
        "code": "char",
        "sequence": "integer",
        "min_score": "float",
        "visit_per_month": "integer",
    },
    "res.partner": {
        "customer_tier_id": ("many2one", "res.partner.tier"),
        "customer_score": "float",
        "tier_locked": "boolean",
        "purchase_power": "selection",
        "card_type": "selection",
        "churn_state": "selection",
        "lifetime_value": "monetary",
        "is_key_account": "boolean",
        "ka_stage_id": ("many2one", "key.account.stage"),
        "ka_attractiveness": "float",
        "ka_advantage": "float",
        "ka_quadrant": "selection",
        "ka_role": "selection",
        "ka_stance": "selection",
        "ka_social_style": "selection",
    },
    "crm.lead": {
        "man_money": "boolean",
        "man_authority": "boolean",
        "man_need": "boolean",
        "man_class": "integer",
        "card_color": "selection",
        "heat_grade": "selection",
    },
    "sale.customer.visit": {
        "partner_id": ("many2one", "res.partner"),
        "user_id": ("many2one", "res.users"),
        "date": None,
        "purpose_introduce": "boolean",
        "purpose_reason": "boolean",
        "purpose_service": "boolean",
        "purpose_remembered": "boolean",
        "purpose_first_call": "boolean",
        "is_successful": "boolean",
    },
    "sale.target": {
        "user_id": ("many2one", "res.users"),
        "team_id": ("many2one", "crm.team"),
        "date_from": "date",
        "date_to": "date",
        "amount": None,
        "achieved_amount": None,
        "achievement_rate": "float",
    },
    "key.account.stage": {
        "name": "char",
        "code": "selection",
        "sequence": "integer",
    },
    "key.account.plan": {
        "partner_id": ("many2one", "res.partner"),
        "date_from": "date",
        "date_to": "date",
    },
    "helpdesk.ticket": {
        "loop_state": "selection",
        "feedback_rating": "integer",
        "is_complaint": "boolean",
    },
    "after.sales.evaluation": {
        "user_id": ("many2one", "res.users"),
        "date_from": "date",
        "date_to": "date",
        "score": "float",
        "rank": "integer",
        "state": "selection",
    },
}

STORED = {
    "res.partner": [
        "customer_score",
        "ka_attractiveness",
        "ka_advantage",
        "ka_quadrant",
    ],
    "crm.lead": ["man_class"],
}

METHODS = {
    "res.partner": ["action_recompute_tier", "action_ka_advance_stage"],
}


class TestContract(CrossAddonCase):
    def test_fields(self):
        for model, fields in CONTRACT.items():
            self.assertIn(model, self.env, f"model {model} is missing")
            described = self.env[model].fields_get(attributes=["type", "relation"])
            for name, expected in fields.items():
                with self.subTest(model=model, field=name):
                    self.assertIn(name, described, f"{model}.{name} is missing")
                    if expected is None:
                        continue
                    ftype, relation = (
                        expected if isinstance(expected, tuple) else (expected, None)
                    )
                    self.assertEqual(described[name]["type"], ftype)
                    if relation:
                        self.assertEqual(described[name]["relation"], relation)

    def test_selection_keys(self):
        for model, fields in CONTRACT.items():
            described = self.env[model].fields_get(attributes=["type", "selection"])
            for name in fields:
                if described.get(name, {}).get("type") != "selection":
                    continue
                with self.subTest(model=model, field=name):
                    keys = {key for key, _label in described[name]["selection"]}
                    self.assertEqual(keys, SELECTIONS[name])

    def test_stored_fields(self):
        for model, names in STORED.items():
            for name in names:
                with self.subTest(model=model, field=name):
                    self.assertTrue(self.env[model]._fields[name].store)

    def test_public_methods(self):
        for model, methods in METHODS.items():
            for method in methods:
                with self.subTest(model=model, method=method):
                    self.assertTrue(callable(getattr(self.env[model], method, None)))

    def test_tier_codes_and_ka_stages_exist(self):
        tiers = self.env["res.partner.tier"].with_context(active_test=False).search([])
        self.assertTrue({"A", "B", "C", "D"} <= set(tiers.mapped("code")))
        stages = self.env["key.account.stage"].search([], order="sequence")
        self.assertEqual(
            stages.mapped("code"),
            ["exploratory", "basic", "cooperative", "partnership", "synergistic"],
        )
