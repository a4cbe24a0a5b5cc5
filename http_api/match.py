"""``POST /v1/match`` and ``POST /v1/match/batch``: profiles in, ranked answers out.

The document is the one ``loanmatch match`` prints (``MatchResult.to_dict``), so the
CLI and the API can be compared line by line. A bad profile is a 422 listing every
field problem at its JSON Pointer; in a batch each bad profile gets its own errors
at its index and the others are still answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify

from matcher.results.document import to_json
from matcher.results.result import MatchResult
from matcher.vocabulary.profile import ProfileError, load_profile

from .auth import protect
from .inputs import read_json, read_options
from .lead_service import ranking_rates
from .ops import metrics
from .problems import Problem, field_errors
from .schemas import BATCH_LIMIT, BatchOptionsSchema, MatchOptionsSchema
from .state import state

bp = Blueprint("match", __name__, url_prefix="/v1/match")
protect(bp)

_match_options = MatchOptionsSchema()
_batch_options = BatchOptionsSchema()


def run_match(
    data: Any, options: Mapping[str, Any], endpoint: str, product_ids: list[str] | None = None
) -> MatchResult:
    """The catalog's answer for one posted profile; ProfileError when it is invalid.

    Eligible products are ranked with the approval rates of past leads in the
    enterprise's segment when the lead store answers, neutrally when it does not.
    """
    try:
        profile = load_profile(data, as_of=options.get("as_of"))
        catalog = state().catalog
        rates = ranking_rates(catalog.product_ids)
        result = catalog.match(
            profile,
            product_ids=product_ids,
            approval_rates=(rates.for_profile(profile.values) if rates is not None else None),
        )
    except ProfileError:
        metrics().profiles.labels(endpoint, "invalid").inc()
        raise
    metrics().profiles.labels(endpoint, "matched").inc()
    metrics().count_match(result.counts)
    return result


def invalid_profile(exc: ProfileError) -> Problem:
    return Problem(
        422,
        "invalid-profile",
        exc.lines()[0]
        if len(exc.lines()) == 1
        else f"the profile has {len(exc.lines())} problems; see errors",
        errors=field_errors(exc.errors),
    )


@bp.post("")
def match():
    options = read_options(_match_options)
    data = read_json()
    try:
        result = run_match(data, options, "match")
    except ProfileError as exc:
        raise invalid_profile(exc) from None
    # the document's bytes, assembled (``document.to_json``): the same as jsonify(to_dict())
    return current_app.response_class(
        to_json(result, options["explain"], options.get("lang"), options.get("top")),
        mimetype=current_app.json.mimetype,
    )


def _batch_profiles(data: Any) -> list:
    if not isinstance(data, Mapping):
        raise _batch_problem({"_schema": ['the body must be an object {"profiles": [...]}']})
    unknown = [key for key in data if key != "profiles"]
    if unknown:
        raise _batch_problem(
            {key: ["unknown field; the body holds only profiles"] for key in unknown}
        )
    profiles = data.get("profiles")
    if profiles is None:
        raise _batch_problem({"profiles": ["required: a list of profiles"]})
    if not isinstance(profiles, list):
        raise _batch_problem({"profiles": ["must be a list of profiles"]})
    if len(profiles) > BATCH_LIMIT:
        raise _batch_problem(
            {
                "profiles": [
                    f"at most {BATCH_LIMIT} profiles in one call, "
                    f"got {len(profiles)}; split the list"
                ]
            }
        )
    return profiles


def _batch_problem(errors: dict) -> Problem:
    return Problem(
        422, "invalid-request", "the batch cannot be read; see errors", errors=field_errors(errors)
    )


@bp.post("/batch")
def batch():
    """Every valid profile is decided in one pass over the rulesets (``Catalog.match_many``:
    each ruleset's memory stays warm across the batch); invalid ones get their errors."""
    options = read_options(_batch_options)
    profiles = _batch_profiles(read_json())
    results: list[dict | None] = [None] * len(profiles)
    loaded, where = [], []
    for index, data in enumerate(profiles):
        try:
            loaded.append(load_profile(data, as_of=options.get("as_of")))
            where.append(index)
        except ProfileError as exc:
            metrics().profiles.labels("batch", "invalid").inc()
            results[index] = {
                "index": index,
                "errors": field_errors(exc.errors, base=("profiles", index)),
            }
    catalog = state().catalog
    rates = ranking_rates(catalog.product_ids)
    answers = catalog.match_many(
        loaded,
        approval_rates=[rates.for_profile(p.values) if rates is not None else None for p in loaded],
    )
    for index, result in zip(where, answers):
        metrics().profiles.labels("batch", "matched").inc()
        metrics().count_match(result.counts)
        results[index] = {
            "index": index,
            "result": result.to_dict(
                explain=options["explain"], lang=options.get("lang"), top=options.get("top")
            ),
        }
    return jsonify(
        catalog_version=catalog.version,
        results=results,
        summary={
            "profiles": len(profiles),
            "matched": len(loaded),
            "invalid": len(profiles) - len(loaded),
        },
    )
