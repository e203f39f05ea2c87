from . import test_stage
from . import test_matrix
from . import test_dmu
from . import test_gift_conflict
from . import test_security
from . import test_retention
from . import test_plan
from . import test_tour
