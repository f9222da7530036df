"""The accounts-payable test pack: the standard audit tests on invoices, every exception listed.

Each test has a stable id, parameters with defaults (``[tests.ID]`` in ``boaudit.toml``,
``--test ID.param=value``) and a weight: how likely one of its flags is a real problem. A test
is an ibis query over one *test table* (one row per invoice, keys computed once), so it runs on
every backend the metrics engine runs on; only the flagged rows come back. Two steps run in
Python on what came back, because they are not relational: the vendor-name similarity (on the
distinct vendor names) and the grouping of linked pairs into groups.

**Population.** Cancelled, voided and reversed invoices, credit notes (by their status words,
``data/invoice_status.toml``, or a negative amount) and the invoices a credit note reverses (an
amount and its negative from one vendor) are left out of the duplicate and payment tests, and
counted in :class:`Population`.

**Score.** Each exception's score is the test's weight times the money at stake in it (the
amount, or for early payment the float cost), so the list ranks by how likely times how much.
Scores of different currencies are ranked side by side, never added.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar

from boaudit.document import JsonObject
from boaudit.errors import UsageError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

    from boaudit.metrics.backends import Backend
    from boaudit.metrics.work import Facts

POS = "_pos"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

LEGAL_SUFFIXES = frozenset(
    [
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "pty",
        "gmbh",
        "ag",
        "kg",
        "ug",
        "ohg",
        "mbh",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "sl",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "aps",
        "asa",
        "sro",
        "kft",
        "zrt",
    ]
)
"""Tokens dropped from vendor names before they are compared (legal forms)."""

BENFORD_BANDS = {
    "benford-first-digit": (0.006, 0.012, 0.015),
    "benford-first-two": (0.0012, 0.0018, 0.0022),
}
"""Nigrini's mean absolute deviation bands: close, acceptable, marginal conformity (above:
nonconformity)."""


@dataclass(frozen=True)
class AuditTest:
    """One test of the pack."""

    id: str
    """The stable id (``duplicate-exact``), used in config, options and output."""
    flags: str
    """What it flags, in a client's words."""
    means: str
    """What a flag means for the client."""
    needs: tuple[tuple[str, ...], ...]
    """Canonical columns it needs: each inner tuple is satisfied by any one of its columns."""
    params: Mapping[str, Any]
    """Parameters and their defaults (None: the user must give one)."""
    weight: float
    """How likely one flag is a real problem (0-1): the score is weight x money."""
    run: Callable[[Context, Mapping[str, Any]], Outcome]
    """The test itself."""


@dataclass
class Group:
    """Invoices flagged together (one invoice for single-invoice tests)."""

    members: tuple[int, ...]
    """Row positions in the test table."""
    detail: str = ""
    """Why, in words (``paid 21 days before due``)."""
    money: Mapping[int, float] | None = None
    """Money at stake per member when it is not the invoice's amount."""


@dataclass
class Singles:
    """Invoices flagged one by one: the rows that came back, and how to word each one (worded
    only when its exception is built: a million flags cost no million sentences)."""

    rows: Sequence[Mapping[str, Any]]
    describe: Callable[[Mapping[str, Any]], str]
    money: Sequence[float] | None = None
    """Money at stake per row when it is not the invoice's amount."""

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class Outcome:
    """What one test found: groups of invoices flagged together, or single invoices (a
    :class:`Singles` given as ``groups`` is kept as :attr:`singles`)."""

    groups: list[Group] | Singles
    tested: int
    """Invoices the test looked at."""
    extra: JsonObject = field(default_factory=dict)
    """Test-specific figures (Benford's digits, the float cost)."""
    skipped: str | None = None
    """Why the test did not run (None: it ran)."""
    singles: Singles | None = None

    def __post_init__(self) -> None:
        if isinstance(self.groups, Singles):
            self.singles, self.groups = self.groups, []

    @property
    def grouped(self) -> list[Group]:
        assert not isinstance(self.groups, Singles)
        return self.groups

    def positions(self) -> list[int]:
        found = [p for g in self.grouped for p in g.members]
        if self.singles is not None:
            found.extend(int(r[POS]) for r in self.singles.rows)
        return found


@dataclass(frozen=True)
class Exception_:
    """One flagged invoice of one test: a line of the exceptions file."""

    test: str
    score: float
    vendor: str | None
    number: str | None
    date: str | None
    amount: float | None
    currency: str | None
    status: str | None
    money: float | None
    detail: str
    group: tuple[str, ...]
    """The other invoices of its group (number and row)."""
    source: str | None
    row: int | None
    paid: str | None = None
    """The payment date, when the invoice is paid."""
    action: str | None = None
    """Duplicate tests: ``keep`` (the original), ``recover`` (paid again) or ``block`` (not
    paid yet: stop it before the next payment run); None for the other tests."""

    def to_dict(self) -> JsonObject:
        return {
            "test": self.test,
            "score": self.score,
            "vendor": self.vendor,
            "invoice_id": self.number,
            "invoice_date": self.date,
            "amount": self.amount,
            "currency": self.currency,
            "status": self.status,
            "at_stake": self.money,
            "detail": self.detail,
            "group": list(self.group),
            "paid": self.paid,
            "action": self.action,
            "source": self.source,
            "row": self.row,
        }


@dataclass(frozen=True)
class Population:
    """Which invoices the duplicate and payment tests look at."""

    invoices: int
    tested: int
    cancelled: int
    credit: int
    reversed: int
    reversal_pairs: int

    def to_dict(self) -> JsonObject:
        return {
            "invoices": self.invoices,
            "tested": self.tested,
            "excluded": {
                "cancelled": self.cancelled,
                "credit": self.credit,
                "reversed": self.reversed,
            },
            "reversal_pairs": self.reversal_pairs,
            "rule": (
                "cancelled, voided and reversed invoices and credit notes (by status words or "
                "a negative amount) are left out of the duplicate and payment tests, with the "
                "invoice each credit note reverses (same vendor and currency, the same amount)"
            ),
        }


@dataclass(frozen=True)
class TestResults:
    """Every test's result, the population and every exception, ranked by score."""

    results: Mapping[str, JsonObject]
    population: Population | None
    exceptions: Sequence[Exception_]

    def to_dict(self) -> JsonObject:
        return dict(self.results)


@dataclass
class Context:
    """What every test reads: the test table and what is known about it."""

    table: ir.Table
    backend: Backend
    facts: Facts
    as_of: dt.datetime | None
    eligible_count: int

    def has(self, column: str) -> bool:
        return self.facts.available(column)

    def rows(self, table: ir.Table) -> list[dict[str, Any]]:
        return self.backend.rows(table)

    @property
    def eligible(self) -> ir.Table:
        return self.table.filter(self.table["t_ok"])


# --- status words ---------------------------------------------------------------------------


@functools.cache
def status_words() -> dict[str, tuple[str, ...]]:
    """Status class -> its words (``data/invoice_status.toml``)."""
    text = resources.files("boaudit.data").joinpath("invoice_status.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return {name: tuple(str(w).lower() for w in entry["words"]) for name, entry in data.items()}


def status_pattern(words: Sequence[str]) -> str:
    """A regex matching any of ``words`` as a whole word of lower-case text (on every
    backend's regex dialect: no ``\\b``, which is ASCII-only in RE2)."""
    alternatives = "|".join(re.escape(w).replace("\\ ", " ") for w in sorted(words, key=len)[::-1])
    return f"(^|[^a-z0-9])({alternatives})($|[^a-z0-9])"


def status_class(status: str | None) -> str | None:
    """``cancelled``, ``credit`` or None for one status text (Python, for tests and docs)."""
    if status is None:
        return None
    text = status.strip().lower()
    for name, words in status_words().items():
        if re.search(status_pattern(words), text):
            return name
    return None


# --- the test table -------------------------------------------------------------------------


def build_table(canonical: ir.Table, facts: Facts) -> ir.Table:
    """One row per invoice with the keys every test reads: ``t_vendor`` (vendor key),
    ``t_ckey`` (currency, '' when none), ``t_amount``, ``t_number`` (normalised number),
    ``t_day`` / ``t_recv`` / ``t_paid`` / ``t_due`` (day ordinals), ``t_class`` (status class)
    and ``t_ok`` (in the duplicate and payment tests)."""
    import ibis

    from boaudit.metrics import work

    table = canonical
    has = facts.available
    if has("vendor"):
        table = work.with_lookup(table, "vendor", "t_vendor", work.vendor_key)
    else:
        table = table.mutate(t_vendor=ibis.null("string"))
    if has("currency"):
        table = work.with_lookup(table, "currency", "t_ckey", work.currency_key)
        table = table.mutate(t_ckey=table["t_ckey"].fill_null(""))
    else:
        table = table.mutate(t_ckey=ibis.literal(""))
    table = work.with_lookup(table, "invoice_id", "t_number", work.normalised_number)
    if has("status"):
        words = status_words()

        def classify(status: ir.Value) -> ir.Value:
            text = status.cast("string").lower().strip()
            return ibis.cases(
                (text.re_search(status_pattern(words["cancelled"])), "cancelled"),
                (text.re_search(status_pattern(words["credit"])), "credit"),
                else_=ibis.null("string"),
            )

        table = work.with_lookup(table, "status", "t_class", classify)
    else:
        table = table.mutate(t_class=ibis.null("string"))
    amount = table["amount"].cast("float64")
    days: dict[str, ir.Value] = {}
    for name, column in (
        ("t_day", "invoice_date"),
        ("t_recv", "received_at"),
        ("t_paid", "paid_at"),
        ("t_due", "due_date"),
    ):
        days[name] = work.day_ordinal(table[column]) if has(column) else ibis.null("int64")
    if has("approver"):
        text = table["approver"].cast("string").strip()
        days["t_appr"] = ibis.ifelse(text == "", ibis.null("string"), text)
    else:
        days["t_appr"] = ibis.null("string")
    table = table.mutate(t_amount=amount, **days)
    table = table.mutate(
        t_class=ibis.ifelse(table["t_amount"] < 0, ibis.literal("credit"), table["t_class"]).cast(
            "string"
        )
    )
    return _with_reversals(table)


def _with_reversals(table: ir.Table) -> ir.Table:
    """``t_reversed``: the invoices a credit note reverses (per vendor, currency and absolute
    amount, the first invoices in file order, as many as there are credit notes); ``t_ok``:
    a positive, live invoice that no credit note reverses."""
    import ibis

    keys = ["t_vendor", "t_ckey", "t_abs"]
    live = table["t_class"].isnull() & (table["t_amount"] > 0)
    marked = table.mutate(t_abs=table["t_amount"].abs(), t_live=live)
    credits = marked.filter((marked["t_class"] == "credit") & marked["t_vendor"].notnull())
    counts = credits.group_by(keys).aggregate(t_credits=credits.count())
    positives = marked.filter(marked["t_live"] & marked["t_vendor"].notnull())
    rank = ibis.row_number().over(group_by=[positives[k] for k in keys], order_by=positives[POS])
    ranked = positives.select(POS, *keys, t_rank=rank)
    ranked = ranked.inner_join(counts, keys)
    reversed_ = ranked.filter(ranked["t_rank"] < ranked["t_credits"]).select(
        POS, t_reversed=ibis.literal(True)
    )
    joined = marked.left_join(reversed_, POS)
    joined = joined.drop(*(c for c in joined.columns if c.endswith("_right")))
    reversed_flag = joined["t_reversed"].fill_null(False)
    return joined.mutate(t_reversed=reversed_flag, t_ok=joined["t_live"] & ~reversed_flag)


def population(ctx_table: ir.Table, backend: Backend) -> Population:
    """The counts of :class:`Population` in one query."""
    import ibis

    t = ctx_table
    row = backend.rows(
        t.aggregate(
            invoices=t.count(),
            tested=t["t_ok"].cast("int64").sum(),
            cancelled=(t["t_class"] == "cancelled").cast("int64").sum(),
            credit=(t["t_class"] == "credit").cast("int64").sum(),
            reversed=t["t_reversed"].cast("int64").sum(),
            zero=ibis.ifelse(t["t_amount"] == 0, 1, 0).sum(),
        )
    )[0]
    reversed_ = int(row["reversed"] or 0)
    return Population(
        invoices=int(row["invoices"] or 0),
        tested=int(row["tested"] or 0),
        cancelled=int(row["cancelled"] or 0),
        credit=int(row["credit"] or 0),
        reversed=reversed_,
        reversal_pairs=reversed_,
    )


# --- helpers --------------------------------------------------------------------------------

_Key = TypeVar("_Key", int, str)


def _groups_by(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], detail: str) -> list[Group]:
    by: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        by.setdefault(tuple(row[k] for k in keys), []).append(int(row[POS]))
    return [Group(tuple(sorted(members)), detail) for members in by.values()]


def _roots(pairs: Sequence[tuple[_Key, _Key]]) -> dict[_Key, _Key]:
    """Each linked item's group, named by its least member (a chain A-B, B-C is one group)."""
    parent: dict[_Key, _Key] = {}

    def find(x: _Key) -> _Key:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent)}


def _linked(pairs: Sequence[tuple[int, int]], detail: str) -> list[Group]:
    """Groups of invoices linked by pairs (a chain A-B, B-C is one group)."""
    groups: dict[int, list[int]] = {}
    for x, root in _roots(pairs).items():
        groups.setdefault(root, []).append(x)
    return [Group(tuple(sorted(m)), detail) for m in sorted(groups.values(), key=min)]


def _single(
    rows: Sequence[Mapping[str, Any]],
    detail: Callable[[Mapping[str, Any]], str],
    money: Sequence[float] | None = None,
) -> Singles:
    return Singles(rows, detail, money)


def _count(ctx: Context, table: ir.Table) -> int:
    return int(ctx.rows(table.aggregate(n=table.count()))[0]["n"] or 0)


GROUP_LISTED = 10
"""The other invoices of a group named beside each exception (the rest counted)."""

MAX_PAIRED = 200
"""Groups of more invoices than this (one vendor, currency and amount: a recurring charge) are
not compared pair by pair: the pairs would grow with the square of the group. They are counted
in the result (``groups_not_paired``)."""


def _shared(table: ir.Table, keys: Sequence[str], most: int | None = None) -> ir.Table:
    """The rows of ``table`` whose ``keys`` another row shares (in groups of at most
    ``most`` rows when given)."""
    counts = table.group_by(list(keys)).aggregate(t_n=table.count())
    counts = counts.filter(counts["t_n"] > 1)
    if most is not None:
        counts = counts.filter(counts["t_n"] <= most)
    joined = table.inner_join(counts, list(keys))
    return joined.drop(*(c for c in joined.columns if c.endswith("_right")))


def _self_pairs(
    cands: ir.Table, keys: Sequence[str], extra: Callable[[ir.Table, ir.Table], ir.BooleanValue]
) -> ir.Table:
    """Per candidate linked to another (equal ``keys`` and ``extra(a, b)``, a symmetric test):
    ``a`` its position and ``b`` the first other it is linked to. Computed where the data is;
    one row per linked invoice comes back, never one per pair."""
    other = cands.view()
    predicates = [cands[k] == other[k] for k in keys]
    predicates.append(cands[POS] != other[POS])
    joined = cands.join(other, predicates)
    joined = joined.filter(extra(cands, other))
    pairs = joined.select(a=cands[POS], b=other[POS])
    return pairs.group_by("a").aggregate(b=pairs["b"].min())


def _pairs(ctx: Context, table: ir.Table) -> list[tuple[int, int]]:
    return [(int(r["a"]), int(r["b"])) for r in ctx.rows(table)]


# --- the tests ------------------------------------------------------------------------------

DUP_KEYS = ["t_vendor", "t_ckey", "t_amount"]


def _candidates(ctx: Context) -> ir.Table:
    e = ctx.eligible
    e = e.filter(e["t_vendor"].notnull())
    return _shared(e.select(POS, *DUP_KEYS, "t_number", "t_day"), DUP_KEYS, MAX_PAIRED)


def _too_large(ctx: Context, keys: Sequence[str], table: ir.Table | None = None) -> JsonObject:
    """How many groups were too large to pair (said in the result only when some were)."""
    e = table if table is not None else ctx.eligible.filter(ctx.eligible["t_vendor"].notnull())
    counts = e.group_by(list(keys)).aggregate(t_n=e.count())
    large = _count(ctx, counts.filter(counts["t_n"] > MAX_PAIRED))
    if not large:
        return {}
    return {
        "groups_not_paired": large,
        "not_paired_because": (
            f"groups of more than {MAX_PAIRED} invoices sharing the test's keys (a recurring "
            "charge, a vendor billed daily) are not compared pair by pair"
        ),
    }


def _duplicate_exact(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    e = ctx.eligible
    e = e.filter(e["t_vendor"].notnull() & e["t_number"].notnull())
    keys = [*DUP_KEYS, "t_number"]
    rows = ctx.rows(_shared(e.select(POS, *keys), keys))
    return Outcome(_groups_by(rows, keys, "same vendor, amount and number"), ctx.eligible_count)


def _different_numbers(a: ir.Table, b: ir.Table) -> ir.BooleanValue:
    return a["t_number"].fill_null("\x00") != b["t_number"].fill_null("\x00")


def _duplicate_near(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    window = float(params["window_days"])
    cands = _candidates(ctx)
    cands = cands.filter(cands["t_day"].notnull())

    def near(a: ir.Table, b: ir.Table) -> ir.BooleanValue:
        return _different_numbers(a, b) & ((a["t_day"] - b["t_day"]).abs() <= window)

    pairs = _pairs(ctx, _self_pairs(cands, DUP_KEYS, near))
    detail = f"same vendor and amount, another number, dated within {window:g} days"
    return Outcome(_linked(pairs, detail), ctx.eligible_count, _too_large(ctx, DUP_KEYS))


def _stem(number: ir.StringValue) -> ir.StringValue:
    """The number without a trailing run of letters after a digit (``IV12398A`` -> ``IV12398``)."""
    return number.re_replace(r"([0-9])[A-Z]+$", r"\1")


def _duplicate_fuzzy(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    distance = int(params["max_distance"])
    cands = _candidates(ctx)
    cands = cands.filter(cands["t_number"].notnull())
    cands = cands.mutate(t_stem=_stem(cands["t_number"]))

    def close(a: ir.Table, b: ir.Table) -> ir.BooleanValue:
        return (a["t_number"] != b["t_number"]) & (
            (a["t_number"].levenshtein(b["t_number"]) <= distance) | (a["t_stem"] == b["t_stem"])
        )

    pairs = _pairs(ctx, _self_pairs(cands, DUP_KEYS, close))
    detail = f"same vendor and amount, numbers within {distance} edit(s) or equal but for a suffix"
    return Outcome(_linked(pairs, detail), ctx.eligible_count, _too_large(ctx, DUP_KEYS))


def _same_number_other_vendor(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    e = ctx.eligible
    e = e.filter(e["t_vendor"].notnull() & e["t_number"].notnull())
    keys = ["t_number", "t_ckey", "t_amount"]
    counts = e.group_by(keys).aggregate(t_v=e["t_vendor"].nunique())
    counts = counts.filter(counts["t_v"] > 1)
    rows = ctx.rows(e.inner_join(counts, keys).select(POS, *keys))
    return Outcome(
        _groups_by(rows, keys, "same number and amount, another vendor"), ctx.eligible_count
    )


def _same_number_other_amount(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    e = ctx.eligible
    e = e.filter(e["t_vendor"].notnull() & e["t_number"].notnull())
    keys = ["t_vendor", "t_number"]
    counts = e.group_by(keys).aggregate(t_a=e["t_amount"].nunique(), t_c=e["t_ckey"].nunique())
    counts = counts.filter((counts["t_a"] > 1) | (counts["t_c"] > 1))
    rows = ctx.rows(e.inner_join(counts, keys).select(POS, *keys))
    return Outcome(
        _groups_by(rows, keys, "same vendor and number, another amount"), ctx.eligible_count
    )


def vendor_name_key(name: str) -> str:
    """A vendor name as compared for near-duplicates: casefolded, punctuation removed, legal
    suffixes dropped, tokens sorted."""
    tokens = re.sub(r"[^\w]+", " ", name.casefold()).split()
    kept = [t for t in tokens if t not in LEGAL_SUFFIXES] or tokens
    return " ".join(sorted(kept))


def _digits(name: str) -> list[str]:
    return re.findall(r"[0-9]+", name)


def _vendor_near_duplicate(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    from rapidfuzz import fuzz, process

    minimum = float(params["min_similarity"])
    t = ctx.table.filter(ctx.table["t_vendor"].notnull())
    names = ctx.rows(t.group_by("t_vendor").aggregate(t_name=t["vendor"].min()))
    by_key: dict[str, list[str]] = {}
    for row in names:
        by_key.setdefault(vendor_name_key(str(row["t_name"])), []).append(str(row["t_vendor"]))
    keys = sorted(by_key)
    pairs: list[tuple[str, str]] = []
    for vendors in by_key.values():
        pairs.extend((vendors[0], other) for other in vendors[1:])
    # compared within blocks of the same first character (a typo in the first letter is missed)
    blocks: dict[str, list[str]] = {}
    for key in keys:
        blocks.setdefault(key[:1], []).append(key)
    for block in blocks.values():
        if len(block) < 2:
            continue
        scores = process.cdist(block, block, scorer=fuzz.ratio, score_cutoff=minimum * 100)
        for i, j in zip(*scores.nonzero(), strict=True):
            # "Store 12" and "Store 13" are two vendors: the numbers in a name must agree
            if i < j and _digits(block[i]) == _digits(block[j]):
                pairs.append((by_key[block[i]][0], by_key[block[j]][0]))
    tested = _count(ctx, t)
    if not pairs:
        return Outcome([], tested, {"vendors_tested": len(names)})
    cluster = _roots(pairs)
    members = ctx.rows(
        t.filter(t["t_vendor"].isin(list(cluster))).select(POS, "t_vendor", "vendor")
    )
    grouped: dict[str, list[int]] = {}
    spelled: dict[str, set[str]] = {}
    for row in members:
        root = cluster[str(row["t_vendor"])]
        grouped.setdefault(root, []).append(int(row[POS]))
        spelled.setdefault(root, set()).add(str(row["vendor"]))
    groups = [
        Group(tuple(sorted(m)), "vendor names: " + " / ".join(sorted(spelled[root])))
        for root, m in grouped.items()
    ]
    groups.sort(key=lambda g: g.members[0])
    return Outcome(groups, tested, {"vendors_tested": len(names)})


def _early_payment(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    days, rate = float(params["days"]), float(params["rate"])
    e = ctx.eligible
    e = e.filter(e["t_paid"].notnull() & e["t_due"].notnull())
    tested = _count(ctx, e)
    early = e.mutate(t_early=e["t_due"] - e["t_paid"])
    early = early.filter(early["t_early"] > days)
    rows = ctx.rows(early.select(POS, "t_early", "t_amount", "t_ckey"))
    cost: dict[str, float] = {}
    money = []
    for r in rows:
        value = float(r["t_amount"]) * rate * int(r["t_early"]) / 365.0
        key = str(r["t_ckey"]) or "(none)"
        cost[key] = cost.get(key, 0.0) + value
        money.append(value)
    singles = _single(rows, lambda r: f"paid {int(r['t_early'])} days before due", money)
    extra: JsonObject = {
        "float_cost": {k: round(v, 2) for k, v in sorted(cost.items())},
        "assumption": f"float cost = amount x {rate:g} a year x days paid early / 365",
    }
    return Outcome(singles, tested, extra)


def _closed_days(
    ctx: Context, params: Mapping[str, Any], columns: Sequence[str]
) -> tuple[list[int], list[int]]:
    """The weekday indexes (Monday 0) and the holiday day ordinals the test treats as closed."""
    names = params["weekdays"]
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    indexes = []
    for name in names:
        key = str(name).strip().lower()[:3]
        if key not in WEEKDAYS:
            raise UsageError(
                f"tests: weekdays: {name!r} is not a weekday; use names such as Sat, Sun"
            )
        indexes.append(WEEKDAYS.index(key))
    country = str(params.get("country") or "").strip()
    if not country:
        return indexes, []
    import holidays

    t = ctx.table
    spans = ctx.rows(
        t.aggregate(
            **{f"lo{i}": t[c].min() for i, c in enumerate(columns)},
            **{f"hi{i}": t[c].max() for i, c in enumerate(columns)},
        )
    )[0]
    lows = [v for k, v in spans.items() if k.startswith("lo") and v is not None]
    highs = [v for k, v in spans.items() if k.startswith("hi") and v is not None]
    if not lows:
        return indexes, []
    epoch = dt.date(1970, 1, 1)
    first = epoch + dt.timedelta(days=int(min(lows)))
    last = epoch + dt.timedelta(days=int(max(highs)))
    try:
        calendar = holidays.country_holidays(country, years=range(first.year, last.year + 1))
    except NotImplementedError:
        raise UsageError(
            f"tests: country {country!r} has no public-holiday calendar; use an ISO 3166 "
            "code such as GB, US, DE or FR"
        ) from None
    return indexes, sorted((day - epoch).days for day in calendar)


def _weekend(ctx: Context, params: Mapping[str, Any], columns: Sequence[str], what: str) -> Outcome:
    present = [c for c in columns if c]
    weekdays, closed = _closed_days(ctx, params, present)
    t = ctx.table
    hits = []
    for column in present:
        day = t[column]
        weekday = ((day + 3) % 7).cast("int64")
        hit = weekday.isin(weekdays)
        if closed:
            hit = hit | day.isin(closed)
        hits.append(hit.fill_null(False))
    flagged = functools.reduce(lambda a, b: a | b, hits)
    tested = _count(
        ctx, t.filter(functools.reduce(lambda a, b: a | b, [t[c].notnull() for c in present]))
    )
    rows = ctx.rows(t.filter(flagged).select(POS, *present))
    epoch = dt.date(1970, 1, 1)
    labels = {"t_day": "invoice date", "t_recv": "received", "t_paid": "paid"}

    def detail(r: Mapping[str, Any]) -> str:
        said = []
        for column in present:
            if r[column] is None:
                continue
            day = epoch + dt.timedelta(days=int(r[column]))
            if day.weekday() in weekdays or int(r[column]) in set(closed):
                said.append(f"{labels[column]} {day.isoformat()} ({day.strftime('%a')})")
        return f"{what} on a closed day: " + ", ".join(said)

    return Outcome(_single(rows, detail), tested)


def _weekend_posting(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    columns = [c for c, n in (("t_day", "invoice_date"), ("t_recv", "received_at")) if ctx.has(n)]
    return _weekend(ctx, params, columns, "posted")


def _weekend_payment(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    return _weekend(ctx, params, ["t_paid"], "paid")


def _future_dated(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    t = ctx.table.filter(ctx.table["t_day"].notnull())
    tested = _count(ctx, t)
    checks: list[tuple[ir.BooleanValue, str]] = []
    if ctx.as_of is not None:
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        as_of_day = math.floor((ctx.as_of - epoch).total_seconds() / 86400)
        checks.append((t["t_day"] > as_of_day, "after the as-of date"))
    for column, label in (("t_recv", "after its receipt"), ("t_paid", "after its payment")):
        checks.append(((t["t_day"] > t[column]).fill_null(False), label))
    flagged = functools.reduce(lambda a, b: a | b, [c for c, _ in checks])
    marks = {f"t_f{i}": check for i, (check, _) in enumerate(checks)}
    rows = ctx.rows(t.filter(flagged).select(POS, **marks))

    def detail(r: Mapping[str, Any]) -> str:
        return "invoice dated " + ", ".join(
            label for i, (_, label) in enumerate(checks) if r[f"t_f{i}"]
        )

    return Outcome(_single(rows, detail), tested)


def _round_amount(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    minimum, multiple = float(params["min_amount"]), float(params["multiple"])
    if multiple <= 0:
        raise UsageError("tests: round-amount.multiple must be above 0")
    e = ctx.eligible
    amount = e["t_amount"]
    nearest = (amount / multiple).round() * multiple
    rows = ctx.rows(e.filter((amount >= minimum) & ((amount - nearest).abs() < 0.005)).select(POS))
    return Outcome(
        _single(rows, lambda r: f"a multiple of {multiple:g}"),
        ctx.eligible_count,
        {"note": "round amounts are common in honest data: a weak signal, weighted low"},
    )


def _limit(params: Mapping[str, Any]) -> float | None:
    limit = params.get("limit")
    return None if limit is None else float(limit)


LIMIT_REASON = (
    "needs an approval limit: set limit under [tests.{id}] in boaudit.toml or give "
    "--test {id}.limit=AMOUNT"
)


def _split_below_limit(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    limit = _limit(params)
    if limit is None:
        return Outcome([], 0, skipped=LIMIT_REASON.format(id="split-below-limit"))
    window, proximity = float(params["window_days"]), float(params["proximity"])
    e = ctx.eligible
    band = e.filter(
        e["t_vendor"].notnull()
        & e["t_day"].notnull()
        & (e["t_amount"] >= proximity * limit)
        & (e["t_amount"] <= limit)
    ).select(POS, "t_vendor", "t_ckey", "t_day", "t_amount")
    too_large = _too_large(ctx, ["t_vendor", "t_ckey"], band)
    band = _shared(band, ["t_vendor", "t_ckey"], MAX_PAIRED).select(
        POS, "t_vendor", "t_ckey", "t_day", "t_amount"
    )

    def near(a: ir.Table, b: ir.Table) -> ir.BooleanValue:
        return (a["t_day"] - b["t_day"]).abs() <= window

    pairs = _pairs(ctx, _self_pairs(band, ["t_vendor", "t_ckey"], near))
    groups = _linked(pairs, "")
    if not groups:
        return Outcome([], ctx.eligible_count, too_large)
    positions = sorted({p for g in groups for p in g.members})
    amounts = {
        int(r[POS]): float(r["t_amount"])
        for r in ctx.rows(band.filter(band[POS].isin(positions)).select(POS, "t_amount"))
    }
    kept = []
    for group in groups:
        total = sum(amounts[p] for p in group.members)
        if total > limit:
            group.detail = (
                f"{len(group.members)} invoices each between {proximity:g} x and the limit "
                f"of {limit:,.2f}, within {window:g} days, together {total:,.2f}"
            )
            kept.append(group)
    return Outcome(kept, ctx.eligible_count, too_large)


def _above_limit(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    import ibis

    limit = _limit(params)
    limits: Mapping[str, float] = params.get("limits") or {}
    by_approver = bool(limits) and ctx.has("approver")
    if limit is None and not by_approver:
        return Outcome([], 0, skipped=LIMIT_REASON.format(id="above-limit"))
    e = ctx.eligible
    general = ibis.null("float64") if limit is None else ibis.literal(limit)
    applied: ir.Value = general
    if by_approver:
        # an approver's own limit (names compared case-folded); the general one otherwise
        key = e["t_appr"].lower()
        applied = ibis.cases(
            *((key == name.strip().casefold(), float(value)) for name, value in limits.items()),
            else_=general,
        )
    e = e.mutate(t_limit=applied.cast("float64"))
    tested = (
        ctx.eligible_count if limit is not None else _count(ctx, e.filter(e["t_limit"].notnull()))
    )
    rows = ctx.rows(
        e.filter(e["t_amount"] > e["t_limit"]).select(
            POS, "t_amount", "t_ckey", "t_appr", "t_limit"
        )
    )

    def detail(r: Mapping[str, Any]) -> str:
        who = r["t_appr"]
        if who is None:
            return f"above the limit of {float(r['t_limit']):,.2f} (no approver)"
        own = by_approver and str(who).casefold() in {n.strip().casefold() for n in limits}
        kind = "the approver's limit" if own else "the general limit"
        return f"approved by {who}, above {kind} of {float(r['t_limit']):,.2f}"

    extra: JsonObject = {}
    if ctx.has("approver") or limits:
        counts: dict[str, dict[str, Any]] = {}
        named = {n.strip().casefold(): n.strip() for n in limits}
        for r in rows:
            who = "(none)" if r["t_appr"] is None else str(r["t_appr"])
            who = named.get(who.casefold(), who)  # j. smith counts under "J. Smith"
            entry = counts.setdefault(
                who, {"flagged": 0, "limit": float(r["t_limit"]), "amount": {}}
            )
            entry["flagged"] += 1
            currency = str(r["t_ckey"]).upper() or "(none)"
            entry["amount"][currency] = round(
                entry["amount"].get(currency, 0.0) + float(r["t_amount"]), 2
            )
        extra["by_approver"] = {k: counts[k] for k in sorted(counts)}
    if limits and not ctx.has("approver"):
        extra["note"] = (
            "per-approver limits are set but the export has no approver column: every invoice "
            "was tested against the general limit"
        )
    return Outcome(_single(rows, detail), tested, extra)


def _amount_outlier(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    minimum, threshold = int(params["min_invoices"]), float(params["z"])
    e = ctx.eligible
    e = e.filter(e["t_vendor"].notnull()).select(POS, "t_vendor", "t_ckey", "t_amount")
    e = e.mutate(t_log=e["t_amount"].ln())
    keys = ["t_vendor", "t_ckey"]
    stats = e.group_by(keys).aggregate(t_n=e.count(), t_med=e["t_log"].median())
    stats = stats.filter(stats["t_n"] >= minimum)
    joined = e.inner_join(stats, keys)
    joined = joined.drop(*(c for c in joined.columns if c.endswith("_right")))
    joined = joined.mutate(t_dev=(joined["t_log"] - joined["t_med"]).abs())
    spread = joined.group_by(keys).aggregate(
        t_mad=joined["t_dev"].median(), t_mean=joined["t_dev"].mean()
    )
    scored = joined.inner_join(spread, keys)
    scored = scored.drop(*(c for c in scored.columns if c.endswith("_right")))
    import ibis

    # the modified z-score of Iglewicz and Hoaglin; when half a vendor's invoices share one
    # amount (MAD 0) the mean absolute deviation stands in (x 1.2533, as for a normal law)
    mad, mean = scored["t_mad"], scored["t_mean"]
    z = ibis.cases(
        (mad > 0, 0.6745 * scored["t_dev"] / mad),
        (mean > 0, scored["t_dev"] / (1.2533 * mean)),
        else_=0.0,
    )
    scored = scored.mutate(t_z=z)
    tested = _count(ctx, scored)
    rows = ctx.rows(scored.filter(scored["t_z"] > threshold).select(POS, "t_z", "t_med"))
    return Outcome(
        _single(
            rows,
            lambda r: (
                f"robust z-score {float(r['t_z']):.1f} against the vendor's median of "
                f"{math.exp(float(r['t_med'])):,.2f}"
            ),
        ),
        tested,
    )


BENFORD_FIRST = {d: math.log10(1 + 1 / d) for d in range(1, 10)}
BENFORD_TWO = {d: math.log10(1 + 1 / d) for d in range(10, 100)}


def _leading(amount: ir.FloatingValue, digits: int) -> ir.IntegerValue:
    """The first ``digits`` digits of a positive amount of at least 10, as an integer."""
    import ibis

    exponent = amount.log10().floor() - (digits - 1)
    lead = (amount / ibis.literal(10.0).pow(exponent) + 1e-9).floor().cast("int64")
    low, high = 10 ** (digits - 1), 10**digits
    return ibis.cases(
        (lead >= high, (lead / 10).floor().cast("int64")),
        (lead < low, (lead * 10).cast("int64")),
        else_=lead,
    )


def _benford(ctx: Context, params: Mapping[str, Any], digits: int, test: str) -> Outcome:
    minimum = int(params["min_count"])
    e = ctx.eligible
    e = e.filter(e["t_amount"] >= 10).select(POS, "t_amount")
    e = e.mutate(t_lead=_leading(e["t_amount"], digits))
    counts = {
        int(r["t_lead"]): int(r["n"]) for r in ctx.rows(e.group_by("t_lead").aggregate(n=e.count()))
    }
    total = sum(counts.values())
    if total < minimum:
        return Outcome(
            [],
            total,
            skipped=(
                f"{total:,} amounts of at least 10; the test needs min_count ({minimum:,}) "
                "for the digit shares to mean anything"
            ),
        )
    spread = ctx.rows(
        e.aggregate(lo=e["t_amount"].quantile(0.01), hi=e["t_amount"].quantile(0.99))
    )[0]
    low, high = float(spread["lo"]), float(spread["hi"])
    if high < 100 * low:
        return Outcome(
            [],
            total,
            skipped=(
                f"the amounts span less than two orders of magnitude (1st percentile "
                f"{low:,.2f}, 99th {high:,.2f}): Benford's law does not describe them"
            ),
        )
    expected = BENFORD_FIRST if digits == 1 else BENFORD_TWO
    mad = sum(abs(counts.get(d, 0) / total - p) for d, p in expected.items()) / len(expected)
    close, acceptable, marginal = BENFORD_BANDS[test]
    conformity = (
        "close"
        if mad <= close
        else "acceptable"
        if mad <= acceptable
        else "marginal"
        if mad <= marginal
        else "nonconformity"
    )
    standing: list[JsonObject] = []
    for d, p in expected.items():
        observed = counts.get(d, 0)
        share = observed / total
        z = (abs(share - p) - 1 / (2 * total)) / math.sqrt(p * (1 - p) / total)
        if z > 1.96 and share > p:
            standing.append(
                {
                    "digits": d,
                    "observed": observed,
                    "expected": round(p * total, 1),
                    "excess": round(observed - p * total, 1),
                    "z": round(z, 2),
                }
            )
    standing.sort(key=lambda s: -float(s["excess"]))
    extra: JsonObject = {
        "mad": round(mad, 6),
        "conformity": conformity,
        "bands": {"close": close, "acceptable": acceptable, "marginal": marginal},
        "digits": standing,
    }
    # a conforming population has a few digits above their share by chance (1 in 40 at this
    # z): their invoices are flagged only when the whole distribution does not conform
    flagging = conformity in {"marginal", "nonconformity"}
    extra["flagged_when"] = "conformity is marginal or nonconformity"
    wanted = [int(s["digits"]) for s in standing] if flagging else []
    rows = ctx.rows(e.filter(e["t_lead"].isin(wanted)).select(POS, "t_lead")) if wanted else []
    groups = _single(rows, lambda r: f"leading digits {int(r['t_lead'])} appear more than expected")
    return Outcome(groups, total, extra)


def _one_time_vendor(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    minimum = float(params["min_amount"])
    t = ctx.table.filter(ctx.table["t_vendor"].notnull() & ctx.table["t_class"].isnull())
    counts = t.group_by("t_vendor").aggregate(t_n=t.count())
    once = counts.filter(counts["t_n"] == 1)
    joined = t.inner_join(once, "t_vendor")
    rows = ctx.rows(joined.filter(joined["t_amount"] >= minimum).select(POS))
    return Outcome(_single(rows, lambda r: "the vendor's only invoice"), _count(ctx, t))


PRICED = frozenset(
    ["duplicate-exact", "duplicate-near", "duplicate-fuzzy-number", "same-number-other-vendor"]
)
"""The tests whose groups are invoices paid or payable twice: each member is kept, money to
recover or money to block (:meth:`_Ranked.priced`)."""

TESTS: tuple[AuditTest, ...] = (
    AuditTest(
        "duplicate-exact",
        "invoices with the same vendor, amount and normalised number",
        "paid or payable twice: recover what was paid, block what is not",
        (("vendor",),),
        {},
        0.95,
        _duplicate_exact,
    ),
    AuditTest(
        "duplicate-near",
        "same vendor and amount, another number, invoice dates within window_days",
        "the same bill keyed twice under two numbers",
        (("vendor",), ("invoice_date", "received_at")),
        {"window_days": 14.0},
        0.6,
        _duplicate_near,
    ),
    AuditTest(
        "duplicate-fuzzy-number",
        "same vendor and amount, numbers within max_distance edits or equal but for a suffix",
        "a duplicate typed with a slip (IV12398 / IV12398a); also catches regular bills",
        (("vendor",),),
        {"max_distance": 1},
        0.5,
        _duplicate_fuzzy,
    ),
    AuditTest(
        "same-number-other-vendor",
        "the same number and amount under two vendors",
        "a payment to the wrong vendor, or a vendor master with duplicates",
        (("vendor",),),
        {},
        0.7,
        _same_number_other_vendor,
    ),
    AuditTest(
        "same-number-other-amount",
        "the same vendor and number with different amounts",
        "a re-issued or reminder invoice that may be paid twice",
        (("vendor",),),
        {},
        0.5,
        _same_number_other_amount,
    ),
    AuditTest(
        "vendor-near-duplicate",
        "vendor names that are near-identical (similarity at or above min_similarity)",
        "a vendor master with duplicates: split spend, duplicate payments, a fraud route",
        (("vendor",),),
        {"min_similarity": 0.92},
        0.4,
        _vendor_near_duplicate,
    ),
    AuditTest(
        "early-payment",
        "paid more than days before the due date",
        "cash handed over early: the float cost at rate a year",
        (("paid_at",), ("due_date",)),
        {"days": 5.0, "rate": 0.05},
        0.9,
        _early_payment,
    ),
    AuditTest(
        "weekend-posting",
        "invoice date or receipt on a closed day (weekdays, public holidays of country)",
        "postings outside working days: a control to review",
        (("invoice_date", "received_at"),),
        {"weekdays": ["Sat", "Sun"], "country": ""},
        0.2,
        _weekend_posting,
    ),
    AuditTest(
        "weekend-payment",
        "payment on a closed day (weekdays, public holidays of country)",
        "payments outside working days: a control to review",
        (("paid_at",),),
        {"weekdays": ["Sat", "Sun"], "country": ""},
        0.3,
        _weekend_payment,
    ),
    AuditTest(
        "future-dated",
        "invoice dated after the as-of date, or after its own receipt or payment",
        "a keying error or a back-dated document",
        (("invoice_date",),),
        {},
        0.5,
        _future_dated,
    ),
    AuditTest(
        "round-amount",
        "totals at or above min_amount that are multiples of multiple",
        "estimates or made-up amounts; a weak signal",
        (),
        {"min_amount": 500.0, "multiple": 100.0},
        0.1,
        _round_amount,
    ),
    AuditTest(
        "split-below-limit",
        "invoices from one vendor within window_days, each just below limit, above it together",
        "a purchase split to stay under an approval limit",
        (("vendor",), ("invoice_date",)),
        {"limit": None, "window_days": 7.0, "proximity": 0.9},
        0.6,
        _split_below_limit,
    ),
    AuditTest(
        "above-limit",
        "invoices above limit",
        "spend above the approval limit: check it was approved at the right level",
        (),
        {"limit": None, "limits": {}},
        0.4,
        _above_limit,
    ),
    AuditTest(
        "amount-outlier",
        "invoices far from the vendor's own typical amount (robust z-score on log amounts)",
        "a keying error (an extra zero) or an unusual charge",
        (("vendor",),),
        {"min_invoices": 10, "z": 3.5},
        0.4,
        _amount_outlier,
    ),
    AuditTest(
        "benford-first-digit",
        "first digits that depart from Benford's law (Nigrini's mean absolute deviation)",
        "amounts that do not arise naturally: thresholds, made-up figures",
        (),
        {"min_count": 1000},
        0.05,
        lambda ctx, p: _benford(ctx, p, 1, "benford-first-digit"),
    ),
    AuditTest(
        "benford-first-two",
        "first two digits that depart from Benford's law (Nigrini's mean absolute deviation)",
        "amounts clustered just below a threshold, or invented",
        (),
        {"min_count": 1000},
        0.05,
        lambda ctx, p: _benford(ctx, p, 2, "benford-first-two"),
    ),
    AuditTest(
        "one-time-vendor",
        "vendors with a single invoice at or above min_amount",
        "a vendor set up for one payment: check it is real",
        (("vendor",),),
        {"min_amount": 1000.0},
        0.2,
        _one_time_vendor,
    ),
)

BY_ID: Mapping[str, AuditTest] = {test.id: test for test in TESTS}


def resolve_params(overrides: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every test's parameters: the defaults with the user's ``overrides`` (test id ->
    parameter -> value); an unknown test or parameter is a UsageError naming the valid ones."""
    params = {test.id: dict(test.params) for test in TESTS}
    for test_id, values in overrides.items():
        if test_id not in BY_ID:
            raise UsageError(f"tests: no test {test_id!r}; the tests are: {', '.join(BY_ID)}")
        for name, value in values.items():
            head, dot, key = name.partition(".")
            if dot and isinstance(BY_ID[test_id].params.get(head), dict):
                name, value = head, {**params[test_id][head], key: value}
            if name not in params[test_id]:
                names = ", ".join(params[test_id]) or "none"
                raise UsageError(
                    f"tests: {test_id} has no parameter {name!r} (its parameters: {names})"
                )
            params[test_id][name] = _typed(test_id, name, BY_ID[test_id].params[name], value)
    return params


def _typed(test_id: str, name: str, default: Any, value: Any) -> Any:
    where = f"tests: {test_id}.{name}"
    if isinstance(default, dict):
        if not isinstance(value, Mapping):
            raise UsageError(f"{where}: expected a table of name = number, got {value!r}")
        return {
            str(key).strip(): _typed(test_id, f"{name}.{key}", 0.0, number)
            for key, number in value.items()
        }
    if isinstance(default, list):
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, list):
            return [str(v) for v in value]
        raise UsageError(f"{where}: expected a list, got {value!r}")
    if isinstance(default, str):
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise UsageError(f"{where}: expected a number of at least 0, got {value!r}")
    if isinstance(default, int) and not isinstance(default, bool):
        if number != int(number):
            raise UsageError(f"{where}: expected a whole number, got {value!r}")
        return int(number)
    return number


def parse_test_option(text: str) -> tuple[str, str, str]:
    """``ID.param=value`` (``--test``) -> (id, param, value); the param of a table parameter
    keeps its key after a dot (``above-limit.limits.J. Smith=5000``: ``limits.J. Smith``)."""
    head, sep, value = text.partition("=")
    test_id, dot, name = head.strip().partition(".")
    if not sep or not dot or not test_id or not name:
        raise UsageError(
            f"--test {text!r}: expected ID.PARAM=VALUE, e.g. duplicate-near.window_days=10"
        )
    return test_id, name.strip(), value.strip()


def run_tests(
    canonical: ir.Table,
    backend: Backend,
    facts: Facts,
    as_of: dt.datetime | None,
    overrides: Mapping[str, Mapping[str, Any]],
) -> TestResults:
    """Every test of the pack over a canonical invoices table."""
    params = resolve_params(overrides)
    if not facts.available("amount") or not facts.available("invoice_id"):
        return TestResults({}, None, [])
    table = backend.materialise(build_table(canonical, facts))
    pop = population(table, backend)
    ctx = Context(table, backend, facts, as_of, pop.tested)
    outcomes: dict[str, Outcome] = {}
    for test in TESTS:
        missing = [
            " or ".join(options)
            for options in test.needs
            if not any(facts.available(c) for c in options)
        ]
        if missing:
            outcomes[test.id] = Outcome(
                [],
                0,
                skipped=f"needs {' and '.join(missing)}: no such column with values in the export",
            )
            continue
        outcomes[test.id] = test.run(ctx, params[test.id])
    details = _details(ctx, outcomes)
    ranked = {test.id: _Ranked(test, outcomes[test.id], details) for test in TESTS}
    results = {
        test.id: _result(test, outcomes[test.id], params[test.id], ranked[test.id])
        for test in TESTS
    }
    return TestResults(results, pop, Exceptions(tuple(ranked.values())))


_DETAIL_COLUMNS = (
    "invoice_id",
    "vendor",
    "invoice_date",
    "amount",
    "currency",
    "status",
    "paid_at",
    "_source",
    "_row",
)


def _details(ctx: Context, outcomes: Mapping[str, Outcome]) -> pd.DataFrame:
    """The flagged invoices' own fields, one row per position (the frame's index), in one
    query joined on the positions (never a literal list in the query)."""
    import pandas as pd

    positions = sorted({p for o in outcomes.values() for p in o.positions()})
    t = ctx.table
    columns = [c for c in _DETAIL_COLUMNS if c in t.columns]
    if not positions:
        return pd.DataFrame(columns=[POS, *columns]).set_index(POS)
    wanted = _positions(ctx, positions)
    frame = ctx.backend.frame(t.inner_join(wanted, POS).select(POS, *columns))
    return frame.set_index(POS).sort_index()


def _positions(ctx: Context, positions: Sequence[int]) -> ir.Table:
    """A table of row positions on the backend (joined, not a literal list in the query)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    return ctx.backend.table(pa.table({POS: pa.array(positions, type=pa.int64())}))


def _text(value: Any) -> str | None:
    """A cell as text; None for every missing value (None, NaN, NA, NaT)."""
    import pandas as pd

    return None if value is None or pd.isna(value) else str(value)


def _day(value: Any) -> str | None:
    """A date or timestamp cell as ``YYYY-MM-DD``."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return _text(value)


class _Ranked:
    """One test's flags as arrays (position, group, money, score), ranked; the exceptions
    themselves are built only when asked for (the examples, the exceptions file)."""

    def __init__(self, test: AuditTest, outcome: Outcome, details: pd.DataFrame) -> None:
        import numpy as np

        self.test = test
        self.groups = outcome.grouped
        self.singles = outcome.singles
        self.details = details
        sizes = [len(g.members) for g in self.groups]
        self.grouped_rows = sum(sizes)
        singles = self.singles.rows if self.singles is not None else []
        self.positions = np.fromiter(
            (p for g in self.groups for p in g.members), dtype=np.int64, count=self.grouped_rows
        )
        if len(singles):
            ones = np.fromiter((int(r[POS]) for r in singles), dtype=np.int64, count=len(singles))
            self.positions = np.concatenate([self.positions, ones])
        self.group_of = np.concatenate(
            [
                np.repeat(np.arange(len(sizes), dtype=np.int64), sizes),
                np.full(len(singles), -1, dtype=np.int64),
            ]
        )
        if len(self.positions):
            amounts = details["amount"].reindex(self.positions).to_numpy(dtype=np.float64)
        else:
            amounts = np.zeros(0)
        money = amounts.copy()
        start = 0
        for group, size in zip(self.groups, sizes, strict=True):
            if group.money:
                for row in range(start, start + size):
                    money[row] = group.money.get(int(self.positions[row]), money[row])
            start += size
        if self.singles is not None and self.singles.money is not None and len(singles):
            money[self.grouped_rows :] = np.asarray(self.singles.money, dtype=np.float64)
        self.amounts = amounts
        self.money = money
        # ranked on the exact product; each exception shows it rounded to cents
        self.scores = test.weight * np.abs(np.nan_to_num(money))
        sources = (
            details["_source"].reindex(self.positions).astype("str").to_numpy()
            if "_source" in details.columns and len(self.positions)
            else np.full(len(self.positions), "")
        )
        rows_ = (
            details["_row"].reindex(self.positions).to_numpy(dtype=np.float64)
            if "_row" in details.columns and len(self.positions)
            else np.zeros(len(self.positions))
        )
        self.order = np.lexsort((np.nan_to_num(rows_), sources, -self.scores))
        self.action: Any = np.full(len(self.positions), None, dtype=object)
        if test.id in PRICED:
            self._price()

    def __len__(self) -> int:
        return len(self.positions)

    def _price(self) -> None:
        """Each member's action: the first paid invoice of a group (by payment date, then file
        order; the first in file order when none is paid) is the original and is kept; every
        other paid member is money to recover, every other unpaid member money to block."""
        paid: Any = (
            self.details["paid_at"].reindex(self.positions)
            if "paid_at" in self.details.columns
            else None
        )
        start = 0
        for group in self.groups:
            size = len(group.members)
            rows = range(start, start + size)
            start += size

            def key(row: int) -> tuple[int, Any, int]:
                when = None if paid is None else paid.iloc[row]
                missing = when is None or bool(_text(when) is None)
                return (1 if missing else 0, "" if missing else str(when), int(self.positions[row]))

            ordered = sorted(rows, key=key)
            self.action[ordered[0]] = "keep"
            for row in ordered[1:]:
                self.action[row] = "block" if key(row)[0] else "recover"

    def currencies(self) -> Any:
        """The currency of each flagged row, upper case; ``(none)`` where it is missing."""
        import numpy as np

        if "currency" not in self.details.columns or not len(self.positions):
            return np.full(len(self.positions), "(none)", dtype=object)
        text = self.details["currency"].reindex(self.positions).astype("str").str.strip()
        upper = text.str.upper().fillna("")
        return upper.where(~upper.isin(["", "NAN", "<NA>", "NONE"]), "(none)").to_numpy()

    def amount_by_currency(self) -> dict[str, float]:
        import pandas as pd

        if not len(self.positions):
            return {}
        frame = pd.DataFrame({"c": self.currencies(), "a": self.amounts})
        sums = frame.groupby("c", sort=True)["a"].sum(min_count=1)
        return {str(k): round(float(v), 2) for k, v in sums.items() if v == v}

    def priced(self) -> JsonObject:
        """Duplicate tests: the money to recover and to block per currency, and the vendors
        with the most to recover first (the first calls to make)."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "action": self.action,
                "currency": self.currencies(),
                "amount": self.amounts,
                "vendor": (
                    self.details["vendor"].reindex(self.positions).to_numpy()
                    if "vendor" in self.details.columns and len(self.positions)
                    else [None] * len(self.positions)
                ),
            }
        )
        money: JsonObject = {}
        for action in ("recover", "block"):
            part = frame[frame["action"] == action]
            sums = part.groupby("currency", sort=True)["amount"].sum()
            money[action] = {str(k): round(float(v), 2) for k, v in sums.items()}
            money[f"{action}_invoices"] = len(part)
        owed = frame[frame["action"] == "recover"].dropna(subset=["vendor"])
        calls = (
            owed.groupby(["vendor", "currency"], sort=False)["amount"]
            .agg(["sum", "count"])
            .reset_index()
            .sort_values(["sum", "vendor"], ascending=[False, True], kind="stable")
        )
        money["calls"] = [
            {
                "vendor": str(r.vendor),
                "currency": str(r.currency),
                "recover": round(float(r["sum"]), 2),
                "invoices": int(r["count"]),
            }
            for _, r in calls.head(10).iterrows()
        ]
        money["rule"] = (
            "in each group the first paid invoice (by payment date, else the first in the "
            "file) is the original; every other paid invoice is money to recover, every other "
            "unpaid one money to block before the next payment run"
        )
        return money

    def exception(self, index: int) -> Exception_:
        """The ``index``-th exception in rank order."""
        at = int(self.order[index])
        position = int(self.positions[at])
        row = self.details.loc[position]
        index = int(self.group_of[at])
        named: list[str] = []
        if index < 0:
            assert self.singles is not None
            detail = self.singles.describe(self.singles.rows[at - self.grouped_rows])
        else:
            group = self.groups[index]
            detail = group.detail
            # the first others only: a group of n invoices must not cost n x n names
            size = len(group.members)
            head = [o for o in group.members[: GROUP_LISTED + 1] if o != position]
            named = [
                f"{_text(self.details.at[o, 'invoice_id'])} (row {self._row(o)})"
                for o in head[:GROUP_LISTED]
            ]
            if size - 1 > GROUP_LISTED:
                named.append(f"and {size - 1 - GROUP_LISTED:,} more")
        date = row.get("invoice_date")
        money = float(self.money[at])
        amount = float(self.amounts[at])
        return Exception_(
            test=self.test.id,
            score=round(float(self.scores[at]), 2),
            vendor=_text(row.get("vendor")),
            number=_text(row.get("invoice_id")),
            date=_day(date),
            amount=None if math.isnan(amount) else amount,
            currency=_text(row.get("currency")),
            status=_text(row.get("status")),
            money=None if math.isnan(money) else round(money, 2),
            detail=detail,
            group=tuple(named),
            source=_text(row.get("_source")),
            row=self._row(position),
            paid=_day(row.get("paid_at")),
            action=self.action[at],
        )

    def _row(self, position: int) -> int | None:
        if "_row" not in self.details.columns:
            return None
        value: Any = self.details.at[position, "_row"]
        text = _text(value)
        return None if text is None else int(float(text))

    def top(self, count: int) -> list[Exception_]:
        return [self.exception(i) for i in range(min(count, len(self)))]


class Exceptions(Sequence[Exception_]):
    """Every exception of every test, ranked by score (then test, source and row); built one
    at a time as they are read, so a million flags cost arrays, not a million objects."""

    def __init__(self, ranked: tuple[_Ranked, ...]) -> None:
        import numpy as np

        self._ranked = ranked
        tests, within, keys = [], [], []
        for number, item in enumerate(ranked):
            tests.append(np.full(len(item), number, dtype=np.int64))
            within.append(np.arange(len(item), dtype=np.int64))
            keys.append(item.scores[item.order] if len(item) else np.zeros(0))
        self._test = np.concatenate(tests) if tests else np.zeros(0, dtype=np.int64)
        self._within = np.concatenate(within) if within else np.zeros(0, dtype=np.int64)
        scores = np.concatenate(keys) if keys else np.zeros(0)
        ids: Any = np.array([ranked[t].test.id for t in self._test]) if len(self._test) else []
        # within one test the order is already by score, source and row
        self._order: Any = np.lexsort((self._within, ids, -scores)) if len(scores) else []

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        at = int(self._order[index])
        return self._ranked[int(self._test[at])].exception(int(self._within[at]))

    def of(self, test_id: str) -> list[Exception_]:
        """One test's exceptions, in rank order."""
        item = next(r for r in self._ranked if r.test.id == test_id)
        return item.top(len(item))


def _result(
    test: AuditTest, outcome: Outcome, params: Mapping[str, Any], ranked: _Ranked
) -> JsonObject:
    tested = outcome.tested
    result: JsonObject = {
        "status": "skipped" if outcome.skipped else "ran",
        "flags": test.flags,
        "params": dict(params),
        "weight": test.weight,
        "tested": tested,
        "flagged": len(ranked),
        "groups": len(outcome.grouped) + len(outcome.singles or ()),
        "amount": ranked.amount_by_currency(),
        "share": round(len(ranked) / tested, 6) if tested else None,
        **outcome.extra,
        **({"money": ranked.priced()} if test.id in PRICED and not outcome.skipped else {}),
        "examples": [item.to_dict() for item in ranked.top(20)],
    }
    if outcome.skipped:
        result["reason"] = outcome.skipped
    return result
