from . import res_partner_tier_pin_wizard
from . import customer_tier_whatif_wizard
from . import customer_tier_whatif_threshold
from . import customer_tier_whatif_result
