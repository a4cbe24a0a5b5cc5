"""The ``loanmatch`` command line, over ``matcher``, ``product_catalog`` and the HTTP service."""
