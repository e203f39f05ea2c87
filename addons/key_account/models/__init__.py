from . import key_account_record_mixin
from . import key_account_company_record_mixin
from . import key_account_stage
from . import key_account_stage_checklist
from . import key_account_checklist_line
from . import key_account_stage_history
from . import key_account_factor
from . import key_account_rating
from . import key_account_need
from . import key_account_plan
from . import key_account_plan_action
from . import key_account_call
from . import key_account_call_question
from . import key_account_risk
from . import key_account_conflict
from . import key_account_gift
from . import res_config_settings
from . import res_partner_matrix
from . import res_partner_stage
from . import res_partner_dmu
from . import res_partner_retention
from . import res_partner_gift_policy

# last: the key-account access guard in its create/write runs before the
# stage rules of res_partner_stage (see the docstring of res_partner.py)
from . import res_partner
