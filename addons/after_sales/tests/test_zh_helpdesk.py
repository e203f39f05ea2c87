# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Simplified Chinese on the OCA helpdesk screens after_sales relies on.

helpdesk_mgmt, helpdesk_mgmt_sla and helpdesk_mgmt_rating ship no zh_CN.po. after_sales
carries their Chinese in ``i18n_extra/zh_CN.po``. Odoo reads it right after after_sales'
own ``i18n/zh_CN.po`` (``odoo.tools.translate.get_po_paths``) whenever after_sales is
installed or updated. It applies each ``model``/``model_terms`` entry to the record
named by the xmlid of its ``#:`` line, whichever module owns that xmlid. The web client
merges JavaScript terms into one dictionary, so they work from any module. Python
``_()`` terms are looked up in the calling module's own po files only, so they stay in
English until helpdesk_mgmt ships them.

The file tests compare the po with the .pot files of the installed OCA modules. An OCA
upgrade that adds terms fails here with the list of terms to translate.
"""

import re

import polib

from odoo.modules.module import get_manifest
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import file_path

from odoo.addons.base.tests.common import BaseCommon

OCA_MODULES = ("helpdesk_mgmt", "helpdesk_mgmt_sla", "helpdesk_mgmt_rating")
EXTRA_PO = "after_sales/i18n_extra/zh_CN.po"
OWN_PO = "after_sales/i18n/zh_CN.po"
# what must survive translation unchanged: printf and QWeb placeholders, t-out
# expressions, tags (attribute values such as title="..." are text, translated)
PLACEHOLDERS = re.compile(r"%\(\w+\)s|%s|\{\{.*?\}\}|t-out=\"[^\"]*\"|</?[a-z][\w-]*")


@tagged("post_install", "-at_install")
class TestZhHelpdesk(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        # what `-i/-u after_sales` does for an active language (rolled back afterwards)
        cls.env["ir.module.module"]._load_module_terms(["after_sales"], ["zh_CN"])
        cls.user_zh = new_test_user(
            cls.env,
            login="as_zh_agent",
            name="售后工程师",
            lang="zh_CN",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )
        cls.env_zh = cls.env(user=cls.user_zh, context={"lang": "zh_CN"})

    def test_ticket_views_in_chinese(self):
        views = self.env_zh["helpdesk.ticket"].get_views(
            [(False, "form"), (False, "list"), (False, "kanban"), (False, "search")]
        )
        fields = views["models"]["helpdesk.ticket"]["fields"]
        expected = {
            "category_id": "类别",
            "tag_ids": "标签",
            "stage_id": "阶段",
            "team_id": "团队",
            "priority": "优先级",
            "number": "工单编号",
            "closed_date": "关闭日期",
        }
        self.assertEqual(
            {name: fields[name]["string"] for name in expected},
            expected,
        )
        self.assertEqual(
            fields["priority"]["selection"],
            [("0", "低"), ("1", "中等"), ("2", "高"), ("3", "非常高")],
        )
        form = views["views"]["form"]["arch"]
        self.assertIn(
            "指派给我", form
        )  # button "Assign to me" of helpdesk_mgmt.ticket_view_form
        self.assertNotIn('string="Assign to me"', form)
        search = views["views"]["search"]["arch"]
        self.assertIn("未指派", search)  # filter "Unassigned"

    def test_menus_and_stages_in_chinese(self):
        menus = self.env_zh["ir.ui.menu"].load_menus(debug=False)
        helpdesk_root = self.env.ref("helpdesk_mgmt.helpdesk_ticket_main_menu")
        self.assertEqual(menus[helpdesk_root.id]["name"], "服务台")
        for xmlid, name in [
            ("helpdesk_mgmt.helpdesk_ticket_config_main_menu", "配置"),
            ("helpdesk_mgmt.helpdesk_ticket_stage_menu", "阶段"),
            ("helpdesk_mgmt_sla.helpdesk_sla_report_menu", "SLA 报表"),
            ("helpdesk_mgmt_rating.helpdesk_ticket_rating_menu", "客户评价"),
        ]:
            self.assertEqual(self.env.ref(xmlid).with_env(self.env_zh).name, name)
        stages = {
            "new": "新建",
            "in_progress": "处理中",
            "awaiting": "等待中",
            "done": "已完成",
            "cancelled": "已取消",
            "rejected": "已拒绝",
        }
        self.assertEqual(
            {
                key: self.env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{key}")
                .with_env(self.env_zh)
                .name
                for key in stages
            },
            stages,
        )

    def test_sla_and_rating_labels_in_chinese(self):
        sla = self.env_zh["helpdesk.sla"].fields_get(
            ["days", "hours", "ignore_stage_ids"]
        )
        self.assertEqual(
            [sla[name]["string"] for name in ("days", "hours", "ignore_stage_ids")],
            ["天数", "小时数", "不计时阶段"],
        )
        ticket_sla = self.env_zh["helpdesk.ticket.sla"].fields_get(["state"])["state"]
        self.assertIn(("expired", "已超时"), ticket_sla["selection"])
        ticket = self.env_zh["helpdesk.ticket"].fields_get(
            ["sla_deadline", "positive_rate_percentage", "rating_ids"]
        )
        self.assertEqual(ticket["sla_deadline"]["string"], "SLA 截止时间")
        self.assertEqual(ticket["positive_rate_percentage"]["string"], "好评率")
        self.assertEqual(ticket["rating_ids"]["string"], "评分")

    def test_mail_templates_in_chinese(self):
        closed = self.env.ref("helpdesk_mgmt.closed_ticket_template").with_env(
            self.env_zh
        )
        self.assertEqual(closed.subject, "工单 {{object.number}} 已关闭。")
        self.assertIn("已关闭", closed.body_html)
        rating = self.env.ref(
            "helpdesk_mgmt_rating.rating_ticket_email_template"
        ).with_env(self.env_zh)
        self.assertIn("满意度", rating.subject)
        self.assertIn("请告诉我们您对本次服务的感受", rating.body_html)
        self.assertIn('t-attf-href="/rate/{{ access_token }}/5"', rating.body_html)

    def test_portal_javascript_term_in_chinese(self):
        """new_ticket.esm.js's _t() is answered from after_sales' web translations."""
        modules, _params = self.env["ir.http"].get_translations_for_webclient(
            ["after_sales"], "zh_CN"
        )
        messages = {m["id"]: m["string"] for m in modules["after_sales"]["messages"]}
        self.assertEqual(
            messages[
                "The selected file (%sB) is over the maximum allowed file size (%sB)."
            ],
            "所选文件（%sB）超过了允许的最大文件大小（%sB）。",
        )

    def test_every_oca_term_translated(self):
        translated = {e.msgid for e in polib.pofile(file_path(EXTRA_PO)) if e.msgstr}
        for module in OCA_MODULES:
            pot = polib.pofile(file_path(f"{module}/i18n/{module}.pot"))
            missing = sorted({e.msgid for e in pot if e.msgid not in translated})
            self.assertFalse(
                missing,
                f"{EXTRA_PO} has no Chinese for {len(missing)} term(s) of {module} "
                f"{get_manifest(module)['version']}:\n" + "\n".join(map(repr, missing)),
            )

    def test_terms_match_current_english(self):
        """A ``model`` entry is applied by xmlid, its English unchecked: it must match.

        Fails when an OCA upgrade or an after_sales override relabels a record that an
        entry still translates from its old English (a stale, possibly wrong label).
        """
        stale = []
        for entry in polib.pofile(file_path(EXTRA_PO)):
            for occurrence, _line in entry.occurrences:
                match = re.fullmatch(r"model:([\w.]+),(\w+):(\w+\.\S+)", occurrence)
                if not match or match[1] not in self.env:
                    continue
                record = self.env.ref(match[3], raise_if_not_found=False)
                # no record: demo data not loaded; no English: nothing to translate
                english = record and record.with_context(lang="en_US")[match[2]]
                if english and english != entry.msgid:
                    stale.append(f"{occurrence}: {entry.msgid!r} is now {english!r}")
        self.assertFalse(stale, "\n".join(stale))

    def test_placeholders_kept(self):
        broken = [
            e.msgid
            for e in polib.pofile(file_path(EXTRA_PO))
            if sorted(PLACEHOLDERS.findall(e.msgid))
            != sorted(PLACEHOLDERS.findall(e.msgstr))
        ]
        self.assertFalse(
            broken, "placeholders or tags changed in:\n" + "\n".join(broken)
        )

    def test_own_code_terms_not_overridden(self):
        """i18n_extra is read after i18n: a code term in both must read the same."""

        def code_terms(path):
            return {
                e.msgid: e.msgstr
                for e in polib.pofile(file_path(path))
                if "odoo-python" in e.comment or "odoo-javascript" in e.comment
            }

        own, extra = code_terms(OWN_PO), code_terms(EXTRA_PO)
        clashes = {
            k: (own[k], extra[k])
            for k in own.keys() & extra.keys()
            if own[k] != extra[k]
        }
        self.assertFalse(clashes, clashes)
