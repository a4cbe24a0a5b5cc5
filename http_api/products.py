"""The catalog as the portal browses it: ``/v1/products``, one product, one product's check.

A region filter answers "what can a firm registered here apply for": national
products, and products whose regions cover the code (a Hebei product covers
Tangshan's 130203; a Tangshan product does not cover all of Hebei).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from matcher.results.result import DERIVED_SHOWN, INELIGIBLE, EligibilityResult
from matcher.rulefile.product import Product
from matcher.vocabulary.plain import plain
from matcher.vocabulary.profile import ProfileError

from .auth import protect
from .inputs import read_json, read_options
from .match import invalid_profile, run_match
from .problems import Problem
from .readable import render
from .schemas import CheckOptionsSchema, ProductOptionsSchema, ProductQuerySchema
from .state import state

bp = Blueprint("products", __name__, url_prefix="/v1/products")
protect(bp)

_query = ProductQuerySchema()
_detail_options = ProductOptionsSchema()
_check_options = CheckOptionsSchema()


def summary(product: Product) -> dict:
    return {
        "id": product.id,
        "bank": product.bank,
        "bank_name": product.bank_name,
        "name": product.name,
        "terms": product.terms.to_dict(),
        "regions": list(product.regions),
    }


def _product(product_id: str) -> Product:
    product = state().catalog.by_id.get(product_id)
    if product is None:
        raise Problem(
            404,
            "not-found",
            f"no product '{product_id}' in the catalog (GET /v1/products lists them)",
        )
    return product


@bp.get("")
def list_products():
    query = read_options(_query)
    catalog = state().catalog
    chosen = [
        p
        for p in catalog.products
        if (query.get("bank") is None or p.bank == query["bank"])
        and (query.get("region") is None or p.available_in(query["region"]))
    ]
    limit, offset = query["limit"], query["offset"]
    page = chosen[offset : offset + limit]
    following = None
    if offset + limit < len(chosen):
        args = {k: query[k] for k in ("bank", "region") if query.get(k) is not None}
        following = url_for(".list_products", limit=limit, offset=offset + limit, **args)
    return jsonify(
        catalog_version=catalog.version,
        total=len(chosen),
        limit=limit,
        offset=offset,
        next=following,
        products=[summary(p) for p in page],
    )


@bp.get("/<product_id>")
def product_detail(product_id: str):
    options = read_options(_detail_options)
    product = _product(product_id)
    lang = options.get("lang")
    doc = summary(product)
    doc.update(
        catalog_version=state().catalog.version,
        source=product.source,
        eligibility=render(product.eligibility, lang),
        unparsed=[
            {k: str(v) for k, v in clause.items() if k in ("clause", "note")}
            for clause in product.unparsed
        ],
    )
    return jsonify(doc)


@bp.post("/<product_id>/check")
def check(product_id: str):
    """Every criterion of one product against one profile, whatever the verdict.

    ``Catalog.match`` lists an ineligible product only as a near miss; a check must
    explain a product that fails many conditions too, so its answer is built from the
    loaded profile (the explanation is walked lazily, by ``to_dict``).
    """
    options = read_options(_check_options)
    product = _product(product_id)
    data = read_json()
    try:
        result = run_match(data, options, "check", product_ids=[product.id])
    except ProfileError as exc:
        raise invalid_profile(exc) from None
    found = [
        r
        for r in (*result.matches, *result.near_misses, *result.incomplete)
        if r.product.id == product.id
    ]
    if found:
        answer = found[0]
    else:
        answer = EligibilityResult(product, INELIGIBLE, values=result.values)
    return jsonify(
        catalog_version=result.catalog_version,
        as_of=result.as_of.isoformat(),
        profile={k: plain(result.values[k]) for k in DERIVED_SHOWN if k in result.values},
        result=answer.to_dict(result.values, "all", options.get("lang")),
    )
