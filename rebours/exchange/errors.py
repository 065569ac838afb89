"""The one error an import reports: where in the document, and what is wrong."""


class ExchangeError(ValueError):
    """A fault in a workshop document or its container, named by its JSON path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
