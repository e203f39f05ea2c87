from . import sale_customer_churn_report
