"""What carman knows about Smartcar: permissions, errors and endpoints, as plain data.

Shared by the sandbox (which answers like Smartcar) and the interface (which explains
Smartcar's answers). Standard library only. Import the modules themselves
(``from tui.core.smartcar import errors``): the package imports none of them, so the first
screen, which needs only the vehicle cache, does not load the error and endpoint tables.
"""
