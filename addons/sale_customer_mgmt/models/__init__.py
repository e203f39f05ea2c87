from . import res_partner_hooks
