"""The ``loanmatch`` command line, on top of ``matcher``, ``product_catalog`` and the HTTP service."""
