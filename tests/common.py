"""Base classes for the repository-level tests run by pytest-odoo.

Odoo's ``MetaCase`` gives test classes their tags and module name only when they
live in ``odoo.addons.<module>``; these tests live outside any addon, so the base
classes carry the same attributes themselves.
"""

from odoo.tests import HttpCase, TransactionCase


class _RepositoryTestMixin:
    test_tags = {"standard", "post_install"}
    test_module = "customer_mgmt_tests"
    test_sequence = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.test_class = cls.__name__


class CrossAddonCase(_RepositoryTestMixin, TransactionCase):
    """A TransactionCase over the three installed addons."""


class CrossAddonHttpCase(_RepositoryTestMixin, HttpCase):
    """An HttpCase over the three installed addons (needs --odoo-http)."""
