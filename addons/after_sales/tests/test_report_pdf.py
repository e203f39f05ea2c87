# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
import subprocess
import unicodedata

from odoo.tests import HttpCase, tagged

from .common import AfterSalesCommon


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
class TestServiceReportPdf(HttpCase, AfterSalesCommon):
    """The service report prints as a PDF with Chinese text.

    In test mode Odoo renders reports as HTML unless the context asks for the
    real rendering (``force_report_rendering``, as Odoo's own report tests do);
    wkhtmltopdf then fetches the report assets from this test's HTTP server.
    """

    def test_service_report_pdf_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["after_sales"], ["zh_CN"])
        self.customer.name = "深圳华星电子有限公司"
        ticket = self._ticket(name="三号线包装机停机", user_id=self.agent_1.id)
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.agent_1)
            .with_context(force_report_rendering=True, lang="zh_CN")
            ._render_qweb_pdf("after_sales.report_service_ticket", ticket.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        text = pdf_text(pdf)
        self.assertIn("深圳华星电子有限公司", text)
        self.assertIn("三号线包装机停机", text)
        self.assertIn("服务报告", text)  # "Service Report"
