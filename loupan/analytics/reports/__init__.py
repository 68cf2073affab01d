"""Every report, one module per category; importing this package registers them."""

from . import channels, deals, discipline, finance, intentions, inventory, positioning, profiles, sales  # noqa: F401
