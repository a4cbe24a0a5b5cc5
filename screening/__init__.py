"""Target-customer screening: every product against the platform's whole firm base.

``Catalog.match`` answers *this enterprise → which products*; this package answers
*this product → which enterprises*, at the scale of a platform's firm base, with the
same three-valued answer for every (firm, product) pair.
"""
