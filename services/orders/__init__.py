"""Orders: the order lifecycle with an audit trail."""
