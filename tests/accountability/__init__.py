from . import pages  # noqa: F401 - adds this app's pages to the security and accessibility scans
