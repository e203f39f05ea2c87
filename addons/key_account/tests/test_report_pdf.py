# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
import subprocess
import unicodedata

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import KeyAccountCommon


def pdf_text(pdf):
    """The text of a PDF as pdftotext (poppler-utils) extracts it, without spaces.

    NFKC: the Noto CJK font maps some ideographs (子, 目, 人, 方...) to the Kangxi
    radicals of the same glyph (⼦, ⽬, ⼈, ⽅...), which pdftotext returns. Only
    Chinese text is read: Debian's wkhtmltopdf draws the Latin text (Lato web
    font) as outlines, which look right but have no text to extract.
    """
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@tagged("post_install", "-at_install")
class TestAccountPlanPdf(HttpCase, KeyAccountCommon):
    """The account plan prints as a PDF, in Chinese for a Chinese customer.

    In test mode Odoo renders reports as HTML unless the context asks for the
    real rendering (``force_report_rendering``, as Odoo's own report tests do);
    wkhtmltopdf then fetches the report assets from this test's HTTP server.
    """

    def test_account_plan_pdf_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["key_account"], ["zh_CN"])
        self.account.write({"name": "上海宏达机械有限公司", "lang": "zh_CN"})
        plan = (
            self.env["key.account.plan"]
            .with_user(self.ka_user)
            .create(
                {
                    "name": "2026 年度客户计划",
                    "partner_id": self.account.id,
                    "date_from": "2026-01-01",
                    "date_to": "2026-12-31",
                    "goal_sales": 1_000_000,
                    "action_ids": [Command.create({"name": "技术交流会"})],
                }
            )
        )
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.ka_user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("key_account.report_key_account_plan", plan.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        text = pdf_text(pdf)
        self.assertIn("上海宏达机械有限公司", text)
        self.assertIn("技术交流会", text)
        # the labels are in the customer's language ("Goals")
        self.assertIn("目标", text)
