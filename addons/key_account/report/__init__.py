from . import key_account_stage_report
