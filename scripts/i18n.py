"""Regenerate each addon's .pot and merge it into its zh_CN.po.

    python3 scripts/i18n.py DB [ADDON ...]

DB is a database where the addons are installed (e.g. kept by
``scripts/test.sh --keep``, or the one served by ``scripts/start.sh``). For every
addon: export ``i18n/<addon>.pot`` with Odoo's own exporter, then update
``i18n/zh_CN.po``: existing translations are kept, new terms are added with an
empty msgstr (to be translated), terms that disappeared are dropped. Prints the
number of untranslated terms per addon.
"""

import io
import os
import sys

import polib

import odoo
from odoo.tools import config
from odoo.tools.translate import trans_export

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = ["sale_customer_mgmt", "key_account", "after_sales"]


def export_pot(cr, addon):
    buf = io.BytesIO()
    trans_export(False, [addon], buf, "po", cr)
    return buf.getvalue().decode()


def merge(addon, pot_text):
    i18n = os.path.join(ROOT, "addons", addon, "i18n")
    os.makedirs(i18n, exist_ok=True)
    pot_path = os.path.join(i18n, f"{addon}.pot")
    with open(pot_path, "w", encoding="utf-8") as f:
        f.write(pot_text)
    pot = polib.pofile(pot_text)
    po_path = os.path.join(i18n, "zh_CN.po")
    old = polib.pofile(po_path) if os.path.exists(po_path) else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old if not e.obsolete}
    known_by_id = {e.msgid: e.msgstr for e in old if not e.obsolete and e.msgstr}
    new = polib.POFile(wrapwidth=78)
    new.metadata = {
        "Project-Id-Version": "Odoo Server 18.0",
        "Report-Msgid-Bugs-To": "",
        "Last-Translator": "",
        "Language-Team": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "",
        "Language": "zh_CN",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    missing = 0
    for entry in pot:
        msgstr = known.get((entry.msgctxt, entry.msgid)) or known_by_id.get(
            entry.msgid, ""
        )
        new.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=msgstr,
                msgctxt=entry.msgctxt,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=entry.flags,
            )
        )
        missing += not msgstr
    new.save(po_path)
    return len(pot), missing


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    dbname, addons = sys.argv[1], sys.argv[2:] or ADDONS
    config.parse_config(["-c", os.path.join(ROOT, ".local", "odoo.conf")])
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        for addon in addons:
            total, missing = merge(addon, export_pot(cr, addon))
            sys.stdout.write(f"{addon}: {total} terms, {missing} untranslated\n")


if __name__ == "__main__":
    main()
