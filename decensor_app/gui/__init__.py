"""The desktop window (PySide6): a thin shell over the pipeline API, and the painting tool."""
