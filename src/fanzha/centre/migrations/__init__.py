"""Alembic migrations of the centre's store, shipped inside the package and run when the centre starts."""
