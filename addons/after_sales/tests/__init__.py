from . import test_loop
from . import test_dispatch_sla
from . import test_feedback_http
from . import test_evaluation
from . import test_tour
from . import test_customer_signals
from . import test_query_count
from . import test_cron_concurrency
