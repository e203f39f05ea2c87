from . import key_account_demo
