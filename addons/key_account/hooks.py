# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .demo.key_account_demo import tell_story


def post_init_hook(env):
    """With demo data, tell the demo story (see demo/key_account_demo.py).

    The hook runs once, at installation, after the demo data is loaded and
    before the tests that run at install; ``demo`` is set by then.
    """
    if env.ref("base.module_key_account").demo:
        tell_story(env)
