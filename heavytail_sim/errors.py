"""The one exception type the command line turns into a one-line error."""


class UsageError(ValueError):
    """Bad user input (an invalid parameter, an unwritable path, ...).

    The CLI prints ``heavytail-sim: error: <message>`` and exits with status 2; library callers get an
    ordinary ``ValueError`` subclass.
    """


class ParameterError(UsageError):
    """A bad value of one named parameter.

    ``str(err)`` names the parameter as the Python API spells it (``beta1 must lie in [0, 1), got 1.5``);
    a command line rephrases it with the flag the user typed through :meth:`for_flag`.
    """

    def __init__(self, param: str, message: str):
        self.param = param
        self.message = message
        super().__init__(f"{param} {message}")

    def for_flag(self, flags: dict[str, str] | None = None) -> str:
        """The message with the parameter replaced by its flag (``--beta1 must lie ...``)."""
        flag = (flags or {}).get(self.param, "--" + self.param.replace("_", "-"))
        return f"{flag} {self.message}"
