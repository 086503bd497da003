"""What carman knows about Smartcar: permissions, errors and endpoints, as plain data.

Shared by the sandbox (which answers like Smartcar) and the interface (which explains
Smartcar's answers). Standard library only.
"""

from tui.core.smartcar import endpoints, errors, permissions

__all__ = ["endpoints", "errors", "permissions"]
