"""The application's own exception: a problem the command line reports in one line, without a traceback."""


class CollectorError(Exception):
    """Bad input or a missing prerequisite (unknown agency, no such file, invalid registry, …)."""
