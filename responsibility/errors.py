"""The exception every service raises when a rule of the domain refuses an operation.

Its own module so that rule modules the services use (`dates`) can raise it without importing
the services package they are part of.
"""


class ServiceError(Exception):
    """A rule of the domain refused the operation; the message is shown to the user."""


class FieldRefused(ServiceError):
    """A rule refused one typed value; `field` names the form field it came from, where the
    form shows the message (forms.show_service_error)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
