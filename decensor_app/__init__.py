"""decensor_app."""
