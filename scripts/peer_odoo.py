"""Odoo's own test runner, every selected test run once all modules are loaded.

    peer_odoo.py -c .local/odoo.conf -d DB --test-enable --stop-after-init \\
        --test-tags /crm,/sale --http-port PORT --log-level=info

Takes Odoo's command line as it is, without -i/-u (the database is installed).

Why: Odoo runs a module's ``at_install`` tests while it loads that module, when the
registry holds only the modules below it. On a database where our addons are
installed, ``crm``'s at_install tests would never see our ``crm.lead`` override and
would pass whatever our code does. This launcher keeps Odoo's runner as it is: test
tags (with the implied ``standard``), only the test files a ``tests/__init__.py``
imports, only the classes a file defines, Odoo's result and subTest reporting, its
retry rule, the HTTP server and asset bundles of the tours, the closing
``N failed, N error(s) of N tests`` line and the exit code. It changes one thing:
while the registry loads, no at_install suite is built; once every module is
loaded, the post-install phase runs the selected modules' at_install tests first,
then their post_install tests, all with the full registry, so with our overrides.

Odoo builds both suites with ``loader.make_suite(modules, position)``, per module
during loading (``at_install``, odoo/modules/loading.py) and once at the end
(``post_install``, odoo/service/server.py): that one function is wrapped.

Why not pytest-odoo (2.3.0), which also runs every test on the loaded registry: it
collects every ``test_*.py`` file, imported by ``tests/__init__.py`` or not, and every
TestCase class a file imports, with its inherited methods (Odoo runs neither; the
conftest.py of our tests/ cannot apply to /opt/odoo18/addons): on crm, sale_crm, sale,
sale_management and sale_margin it collects 415 tests where Odoo runs 353, the 62 more
being account's tax-totals tests that a sale test file imports; it ignores test tags;
it replaces Odoo's subTest and deletes BaseCase.run (Odoo's retry); and its
``--odoo-http`` sets ``http_port`` to a random free port whatever the configuration or
``--odoo-extra`` says. Its results would not be the ones Odoo's CI gets.
"""

import sys

import odoo.cli
from odoo.tools import config

# odoo.tests logs an ERROR when imported outside test mode: this process is in test
# mode (the --test-enable of the command line, parsed later, sets it again)
config["test_enable"] = True
from odoo.tests import loader  # noqa: E402
from odoo.tests.suite import OdooSuite  # noqa: E402

_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    if position == "at_install":
        # called per module while the registry is still partial: nothing yet
        return OdooSuite([])
    at_install = list(_make_suite(module_names, "at_install"))
    post_install = list(_make_suite(module_names, "post_install"))
    return OdooSuite(at_install + post_install)


loader.make_suite = make_suite

if __name__ == "__main__":
    args = sys.argv[1:]
    if any(a in ("-i", "-u") or a.startswith(("--init", "--update")) for a in args):
        sys.exit("peer_odoo.py runs on an installed database: no -i/-u")
    sys.argv = ["odoo", *args]
    odoo.cli.main()
