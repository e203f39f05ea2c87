from . import helpdesk_ticket_team
from . import res_users
from . import helpdesk_sla
from . import helpdesk_ticket_sla
from . import after_sales_form_template
from . import after_sales_form_question
from . import after_sales_form_answer
from . import rating_rating

# helpdesk.ticket: the loop first; the other concerns extend its create and
# write, in this order (each one's work after the write runs in this order)
from . import helpdesk_ticket
from . import helpdesk_ticket_schema
from . import helpdesk_ticket_feedback
from . import helpdesk_ticket_dispatch
from . import helpdesk_ticket_service_form
from . import helpdesk_ticket_complaint
from . import helpdesk_ticket_sla_target

from . import after_sales_evaluation
from . import after_sales_evaluation_figures
from . import after_sales_evaluation_ranking
from . import res_partner
from . import res_config_settings
from . import sale_order
