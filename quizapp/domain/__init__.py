"""Pure rules: no Flask, no SQLAlchemy, no clock (now is always a parameter)."""
