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
