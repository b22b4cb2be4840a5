"""mlops-report: the report engine, its command line and its language server."""

__version__ = "0.1.0"
