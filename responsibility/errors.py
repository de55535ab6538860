"""The exception every service raises when a rule of the domain refuses an operation.

Its own module so that rule modules the services use (`dates`) can raise it without importing
the services package they are part of.
"""


class ServiceError(Exception):
    """A rule of the domain refused the operation; the message is shown to the user."""
