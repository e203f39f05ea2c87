"""User-facing strings have Simplified Chinese translations.

The terms are exported from the installed addons by Odoo's own exporter, so a
string added to the code without a translation in ``i18n/zh_CN.po`` fails here.
Regenerate with ``python3 scripts/i18n.py <db>`` and translate the new terms.
"""

import io
import os
import re

import polib

from odoo.tools.translate import trans_export

from .common import CrossAddonCase

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ["sale_customer_mgmt", "key_account", "after_sales"]
# Addons whose zh_CN.po is complete: a new untranslated string fails the test.
COMPLETE_ADDONS = ADDONS
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")


class TestTranslations(CrossAddonCase):
    def _exported(self, addon):
        buf = io.BytesIO()
        trans_export(False, [addon], buf, "po", self.env.cr)
        return polib.pofile(buf.getvalue().decode())

    def _zh_cn(self, addon):
        path = os.path.join(ROOT, "addons", addon, "i18n", "zh_CN.po")
        self.assertTrue(os.path.isfile(path), f"{path} is missing")
        po = polib.pofile(path)
        return {(e.msgctxt, e.msgid): e.msgstr for e in po if not e.obsolete}

    def test_zh_cn_complete(self):
        for addon in COMPLETE_ADDONS:
            with self.subTest(addon=addon):
                translations = self._zh_cn(addon)
                missing = [
                    entry.msgid
                    for entry in self._exported(addon)
                    if not translations.get((entry.msgctxt, entry.msgid))
                ]
                if missing:
                    self.fail(
                        f"{addon}: {len(missing)} terms without zh_CN translation, "
                        f"e.g. {missing[:5]}"
                    )

    def test_zh_cn_placeholders_match(self):
        for addon in ADDONS:
            for (_ctx, msgid), msgstr in self._zh_cn(addon).items():
                if not msgstr:
                    continue
                with self.subTest(addon=addon, msgid=msgid[:60]):
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(msgid)),
                        sorted(PLACEHOLDER.findall(msgstr)),
                    )


class TestPartnerLabels(CrossAddonCase):
    """A customer's fields read apart in Chinese.

    The labels of a model's fields are what custom filters, group-bys and
    exports list: two fields with one label cannot be told apart there (our
    customer tier was 客户等级, the Chinese of Odoo's own Customer Rank, a
    field of the same customer). Odoo only warns about English labels that
    repeat; this checks the zh_CN labels, loaded into the database as
    installing the language does (rolled back afterwards).
    """

    def _zh_labels(self, model):
        """{field name: zh_CN label} of ``model``'s fields, with the zh_CN
        translations of every module that defines one of them loaded."""
        env = self.env
        env["res.lang"]._activate_lang("zh_CN")
        prefix = f"field_{model.replace('.', '_')}__"
        data = env["ir.model.data"].search(
            [("model", "=", "ir.model.fields"), ("name", "=like", f"{prefix}%")]
        )
        env["ir.module.module"]._load_module_terms(
            sorted(set(data.mapped("module"))), ["zh_CN"]
        )
        env.invalidate_all()
        fields = (
            env["ir.model.fields"]
            .with_context(lang="zh_CN")
            .search([("model", "=", model)])
        )
        self.assertIn("customer_rank", fields.mapped("name"))
        return {field.name: field.field_description for field in fields}

    def test_partner_fields_have_distinct_zh_labels(self):
        labels = self._zh_labels("res.partner")
        # the translations were loaded: Odoo's own Customer Rank reads Chinese
        self.assertEqual(labels["customer_rank"], "客户等级")
        ours = set(
            self.env["ir.model.data"]
            .search(
                [
                    ("model", "=", "ir.model.fields"),
                    ("module", "in", ADDONS),
                    ("name", "=like", "field_res_partner__%"),
                ]
            )
            .mapped(lambda data: data.name.split("__", 1)[1])
        )
        self.assertIn("customer_tier_id", ours)
        by_label = {}
        for name, label in labels.items():
            by_label.setdefault(label, []).append(name)
        # Odoo's own repeats (e.g. invoice_ids / invoice_warn, both 发票) are
        # Odoo's; a field of ours never shares its label with another field
        shared = {
            label: sorted(names)
            for label, names in by_label.items()
            if len(names) > 1 and ours.intersection(names)
        }
        self.assertFalse(shared, "res.partner fields with one zh_CN label")
