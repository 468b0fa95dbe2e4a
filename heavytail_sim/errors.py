"""The one exception type the command line turns into a one-line error."""


class UsageError(ValueError):
    """Bad user input (an invalid parameter, an unwritable path, ...).

    The CLI prints ``heavytail-sim: error: <message>`` and exits with status 2; library callers get an
    ordinary ``ValueError`` subclass.
    """
