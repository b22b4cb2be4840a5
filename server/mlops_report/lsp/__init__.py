"""The language server: pygls adapters around the core, one module per LSP feature.

Only this package imports pygls and lsprotocol; the CLI's ``check`` never imports it.
"""
