from . import res_partner_tier_pin_wizard
from . import customer_tier_whatif_wizard
