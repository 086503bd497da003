"""Exporters: a collection to Postman v2.1 JSON, a request to a curl command line.

Secrets never leave: no client secret, no literal token. Submodules load on first use.
"""
