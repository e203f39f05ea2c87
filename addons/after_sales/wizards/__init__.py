from . import after_sales_evaluation_wizard
