"""pytest-odoo configuration for the repository-level tests.

pytest collects every TestCase class a file can see, including classes a file
merely imports and test methods a class inherits. Odoo's runner only runs the
classes defined in the test module itself and the methods defined on the class
(odoo/tests/loader.py, ``get_module_test_cases``). The hook below applies Odoo's
rule, so a test runs once, under the class that defines it, exactly as with
``--test-enable``.
"""


def _odoo_collects(item):
    cls = getattr(item, "cls", None)
    if cls is None:
        return True
    if cls.__module__ != item.module.__name__:
        return False
    if getattr(cls, "allow_inherited_tests_method", False):
        return True
    return item.originalname in cls.__dict__ if hasattr(item, "originalname") else True


def pytest_collection_modifyitems(config, items):
    kept = [item for item in items if _odoo_collects(item)]
    deselected = [item for item in items if item not in kept]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
