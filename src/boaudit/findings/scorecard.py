"""The outsourcing partner scorecard: in-house work and each partner side by side.

For each kind of data with a ``provider`` column, one row per provider: items, median cycle
time, error rate, rework, SLA compliance, invoices paid on time and the cost per item. The
cost is compared like for like or not at all:

- in-house, the export's handling minutes x the hourly rate is **labour only**; it is shown
  with the full cost it implies (labour / the labour share, 62% with a range of 50% to 75%
  unless set in ``[impact]``), and that correction is printed;
- a partner's cost per item is **what the contract charges** (``[contracts.NAME]``: a fee per
  item, or per month spread over the items the partner handled); without a contract the
  partner's handling time priced at the client's rate is not what the client pays, so no
  saving is claimed.

"Was outsourcing worth it" sets the measured saving against the practitioner claim of savings
of up to 30% on non-core work, marked as a claim, not a benchmark. SLA credits owed under a
contract (breaches beyond what its SLA target allows x the credit per breach, capped) are money
to recover, priced on the ``partner-governance`` finding.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from boaudit.document import JsonObject, number
from boaudit.findings.impact import DAYS_PER_YEAR, ImpactAssumptions
from boaudit.findings.model import Finding, Fix, Money
from boaudit.metrics.facts import DataFacts
from boaudit.metrics.model import MetricsResult

PROVIDER = "provider"
IN_HOUSE = re.compile(r"\b(in[\s_-]?house|internal|own staff|shared service centre)\b", re.I)
"""Provider values that name the organisation's own team; every other value is a partner."""
PRACTITIONER_SAVING = 0.30
PRACTITIONER_ARTICLE = '"10 Common Mistakes in Outsourcing Back-Office Support"'
PRACTITIONER_CLAIM = (
    f"savings of up to 30% on non-core work, a practitioner claim (the article "
    f"{PRACTITIONER_ARTICLE}), not a benchmark"
)
CREDITS_PITFALL = "partner-governance"
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
ITEM = {"tasks": "ticket", "invoices": "invoice", "events": "case"}
A_ITEM = {"ticket": "a ticket", "invoice": "an invoice", "case": "a case", "item": "an item"}


@dataclass(frozen=True)
class Contract:
    """The terms of one outsourcing contract (``[contracts.NAME]``)."""

    name: str
    provider: str
    """The provider value in the exports this contract covers (default: the name)."""
    kinds: tuple[str, ...] = ()
    """The kinds of work it covers; empty: every kind the provider appears in."""
    fee_per_item: float | None = None
    fee_per_month: float | None = None
    currency: str | None = None
    """Currency of the fee and credits; default: the report's."""
    sla_target: float | None = None
    """The share of items the contract requires within the SLA (0.95)."""
    credit_per_breach: float | None = None
    """Service credit owed per item outside the SLA beyond what the target allows."""
    credit_cap: float | None = None
    """Most credits owed per month of the data's span."""

    def covers(self, kind: str, provider: str) -> bool:
        """Whether this contract is the one for ``provider``'s ``kind`` work."""
        return _norm(provider) == _norm(self.provider) and (not self.kinds or kind in self.kinds)


@dataclass(frozen=True)
class ProviderRow:
    """One provider's figures for one kind of work."""

    provider: str
    in_house: bool
    items: int | None
    completed: int | None
    cycle_days: float | None
    error_rate: float | None
    rework_rate: float | None
    sla_compliance: float | None
    on_time_rate: float | None
    measured_cost: float | None
    """Cost per item as measured in the export (labour only when priced from minutes)."""
    cost: float | None
    """The cost per item compared: the contract's fee for a partner, the measured cost for
    in-house work."""
    cost_low: float | None = None
    cost_high: float | None = None
    """In-house: the full cost implied by the labour share's range."""
    full_cost: float | None = None
    """In-house: the labour cost / the labour share (None when not labour only)."""
    cost_basis: str = ""
    contract: str | None = None

    def to_dict(self) -> JsonObject:
        """JSON form."""

        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 6)

        return {
            "provider": self.provider,
            "in_house": self.in_house,
            "items": self.items,
            "completed": self.completed,
            "cycle_time_days_median": r(self.cycle_days),
            "error_rate": r(self.error_rate),
            "rework_rate": r(self.rework_rate),
            "sla_compliance": r(self.sla_compliance),
            "on_time_payment_rate": r(self.on_time_rate),
            "measured_cost_per_item": r(self.measured_cost),
            "cost_per_item": r(self.cost),
            "full_cost_per_item": r(self.full_cost),
            "full_cost_low": r(self.cost_low),
            "full_cost_high": r(self.cost_high),
            "cost_basis": self.cost_basis,
            "contract": self.contract,
        }


@dataclass(frozen=True)
class KindScorecard:
    """The providers of one kind of work, in-house first, and what they say together."""

    kind: str
    currency: str
    rows: tuple[ProviderRow, ...]
    verdicts: tuple[str, ...] = ()
    """"Was outsourcing worth it" per partner, with its numbers and the claim beside it."""
    notes: tuple[str, ...] = ()
    """What could not be compared, and why."""
    saving: Mapping[str, tuple[float, float, float]] = field(default_factory=dict)
    """Partner -> (saving, low, high) as shares of the in-house full cost."""

    def to_dict(self) -> JsonObject:
        """JSON form."""
        return {
            "kind": self.kind,
            "currency": self.currency,
            "providers": [row.to_dict() for row in self.rows],
            "saving": {
                name: {"share": round(s, 6), "low": round(lo, 6), "high": round(hi, 6)}
                for name, (s, lo, hi) in self.saving.items()
            },
            "verdicts": list(self.verdicts),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Scorecard:
    """Every kind's scorecard, the SLA credits owed, and the contracts that matched nothing."""

    kinds: tuple[KindScorecard, ...]
    credits: tuple[Money, ...] = ()
    notes: tuple[str, ...] = ()
    claim: str = PRACTITIONER_CLAIM

    def to_dict(self) -> JsonObject:
        """The ``scorecard`` object of the report's JSON document."""
        return {
            "kinds": [k.to_dict() for k in self.kinds],
            "credits": [m.to_dict() for m in self.credits],
            "notes": list(self.notes),
            "claim": self.claim,
        }


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().split())


def _int(values: Mapping[str, Any], path: str) -> int | None:
    value = number(values, path)
    return None if value is None else int(value)


def is_labour_only(result: MetricsResult) -> bool:
    """Whether the cost per item was priced from handling minutes (labour only)."""
    return "hourly rate" in str(result.basis.get("cost_per_transaction", ""))


def build_scorecard(
    results: Mapping[str, MetricsResult],
    facts: Mapping[str, DataFacts],
    contracts: Sequence[Contract],
    assumptions: ImpactAssumptions,
    currency: str,
) -> Scorecard | None:
    """The scorecard of every kind whose data names at least one outside partner; None when
    no data does (and no contract was given)."""
    kinds: list[KindScorecard] = []
    credits: list[Money] = []
    used: set[str] = set()
    for kind, result in results.items():
        groups = result.all_groups().get(PROVIDER) or {}
        partners = [name for name in groups if not IN_HOUSE.search(str(name))]
        if not partners:
            continue
        fact = facts.get(kind, DataFacts())
        months = (fact.span_days / DAYS_PER_MONTH) if fact.span_days else None
        card, kind_credits, matched = _kind(
            kind, result, groups, contracts, assumptions, currency, months
        )
        kinds.append(card)
        credits.extend(kind_credits)
        used.update(matched)
    notes = []
    for contract in contracts:
        if contract.name in used:
            continue
        seen = sorted(
            {str(n) for r in results.values() for n in r.all_groups().get(PROVIDER) or {}}
        )
        notes.append(
            f"contract '{contract.name}': no provider '{contract.provider}' in the "
            + (f"data (providers: {', '.join(seen)})" if seen else "data (no provider column)")
            + '; set provider = "..." in [contracts.'
            + contract.name
            + "] to the value the exports use"
        )
    if not kinds and not notes:
        return None
    return Scorecard(tuple(kinds), tuple(credits), tuple(notes))


def _kind(
    kind: str,
    result: MetricsResult,
    groups: Mapping[str, Mapping[str, Any]],
    contracts: Sequence[Contract],
    assumptions: ImpactAssumptions,
    currency: str,
    months: float | None,
) -> tuple[KindScorecard, list[Money], set[str]]:
    labour = is_labour_only(result)
    share = assumptions.labour_share
    share_low, share_high = assumptions.labour_share_range
    item = ITEM.get(kind, "item")
    rows: list[ProviderRow] = []
    notes: list[str] = []
    credits: list[Money] = []
    matched: set[str] = set()
    names = sorted(groups, key=lambda n: (not IN_HOUSE.search(str(n)), str(n)))
    for name in names:
        values = groups[name]
        in_house = bool(IN_HOUSE.search(str(name)))
        measured = number(values, "cost_per_transaction")
        items = _int(values, "count")
        contract = next((c for c in contracts if c.covers(kind, str(name))), None)
        row = ProviderRow(
            provider=str(name),
            in_house=in_house,
            items=items,
            completed=_int(values, "completed"),
            cycle_days=number(values, "cycle_time_days.median"),
            error_rate=number(values, "error_rate"),
            rework_rate=number(values, "rework_rate"),
            sla_compliance=number(values, "sla_compliance"),
            on_time_rate=number(values, "on_time_payment_rate"),
            measured_cost=measured,
            cost=None,
        )
        if in_house:
            if measured is not None and labour:
                row = replace(
                    row,
                    cost=measured,
                    full_cost=measured / share,
                    cost_low=measured / share_high,
                    cost_high=measured / share_low,
                    cost_basis=(
                        f"labour only ({result.basis.get('cost_per_transaction')}); the full "
                        f"cost is taken as labour / {share:.0%} (the labour share, range "
                        f"{share_low:.0%} to {share_high:.0%}; [impact] labour_share): "
                        f"{measured / share:,.2f} ({measured / share_high:,.2f} to "
                        f"{measured / share_low:,.2f}) {A_ITEM[item]}"
                    ),
                )
            elif measured is not None:
                row = replace(
                    row,
                    cost=measured,
                    full_cost=measured,
                    cost_basis=f"{result.basis.get('cost_per_transaction', 'the export')}, "
                    "taken as the full cost",
                )
        elif contract is not None:
            matched.add(contract.name)
            row = replace(row, contract=contract.name)
            fee, basis = _fee(contract, items, months, item)
            if fee is not None:
                row = replace(row, cost=fee, cost_basis=basis)
            elif basis:
                notes.append(basis)
            money, why = _credits(kind, row, contract, currency, months, item)
            if money is not None:
                credits.append(money)
            elif why:
                notes.append(why)
        else:
            row = replace(
                row,
                cost_basis=(
                    f"no contract fee given: the partner's handling time at your rate "
                    f"({measured:,.2f} {A_ITEM[item]}) is not what you pay it; give "
                    "fee_per_item or fee_per_month in [contracts.NAME] (--contracts FILE) to "
                    "compare"
                    if measured is not None
                    else "no contract fee given ([contracts.NAME] fee_per_item or fee_per_month)"
                ),
            )
        rows.append(row)
    if PROVIDER not in result.groups and all(row.cycle_days is None for row in rows):
        notes.append(
            'median cycle time per provider: add --by provider (by = ["provider"] under '
            "[metrics]) to measure it"
        )
    verdicts, saving = _verdicts(kind, rows, currency, contracts, item)
    return (
        KindScorecard(kind, currency, tuple(rows), tuple(verdicts), tuple(notes), saving),
        credits,
        matched,
    )


def _fee(
    contract: Contract, items: int | None, months: float | None, item: str
) -> tuple[float | None, str]:
    if contract.fee_per_item is not None:
        return contract.fee_per_item, (
            f"the contract's fee, {contract.fee_per_item:,.2f} {A_ITEM[item]} ([contracts."
            f"{contract.name}] fee_per_item)"
        )
    if contract.fee_per_month is not None:
        if not items or months is None:
            return None, (
                f"contract '{contract.name}': a monthly fee needs the items and the span of "
                "the data to give a cost per item; neither is known"
            )
        total = contract.fee_per_month * months
        return total / items, (
            f"the contract's fee, {contract.fee_per_month:,.2f} a month x {months:,.1f} months "
            f"of data / {items:,} {item}s handled = {total / items:,.2f} {A_ITEM[item]} "
            f"([contracts.{contract.name}] fee_per_month)"
        )
    return None, ""


def _credits(
    kind: str,
    row: ProviderRow,
    contract: Contract,
    currency: str,
    months: float | None,
    item: str,
) -> tuple[Money | None, str]:
    """SLA credits owed under ``contract`` (recover), or why they cannot be counted."""
    if contract.sla_target is None or contract.credit_per_breach is None:
        return None, ""
    rate, judged = row.sla_compliance, row.completed
    if rate is None or not judged:
        return None, (
            f"contract '{contract.name}': SLA credits not counted for {kind}: the export has no "
            "SLA judgement for the partner's completed items (an sla_met column, or --sla)"
        )
    exact = (1.0 - rate) * judged
    breaches = round(exact)
    if abs(exact - breaches) > 0.02:
        # Compliance is over the completed items that have a judgement; when some have none,
        # the breaches cannot be counted from the share alone.
        return None, (
            f"contract '{contract.name}': SLA credits not counted for {kind}: not every "
            "completed item has an SLA judgement, so the breaches cannot be counted"
        )
    allowed = math.floor((1.0 - contract.sla_target) * judged + 1e-9)
    excess = max(breaches - allowed, 0)
    owed = excess * contract.credit_per_breach
    cap_text = ""
    if contract.credit_cap is not None and months is not None:
        cap = contract.credit_cap * months
        if owed > cap:
            cap_text = f", capped at {contract.credit_cap:,.2f} a month x {months:,.1f} months"
            owed = cap
    if owed <= 0:
        return None, (
            f"contract '{contract.name}': no SLA credits owed for {kind}: {breaches:,} breaches "
            f"of {judged:,} are within the {allowed:,} the target of {contract.sla_target:.0%} "
            "allows"
        )
    money = Money(
        "recover",
        (contract.currency or currency).upper(),
        owed,
        owed,
        owed,
        "estimated",
        f"SLA credits owed by {row.provider}",
        f"{breaches:,} of {judged:,} completed {item}s outside the SLA; the contract's target of "
        f"{contract.sla_target:.0%} allows {allowed:,}: {excess:,} breaches x "
        f"{contract.credit_per_breach:,.2f}{cap_text}",
        (
            "the export's SLA flag measures what the contract measures (same clock, same "
            "exclusions)",
            "breaches are counted over the whole span of the data against one allowance; a "
            "contract that settles month by month may owe a little more or less",
            f"terms from [contracts.{contract.name}]: sla_target, credit_per_breach"
            + (", credit_cap" if contract.credit_cap is not None else ""),
        ),
        f"{kind}.sla_compliance (provider {row.provider})",
    )
    return money, ""


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _verdicts(
    kind: str,
    rows: Sequence[ProviderRow],
    currency: str,
    contracts: Sequence[Contract],
    item: str,
) -> tuple[list[str], dict[str, tuple[float, float, float]]]:
    home = next((r for r in rows if r.in_house), None)
    verdicts: list[str] = []
    saving: dict[str, tuple[float, float, float]] = {}
    for row in rows:
        if row.in_house:
            continue
        quality = _quality(row, home)
        contract = next((c for c in contracts if c.name == row.contract), None)
        fee_currency = ((contract.currency if contract else None) or currency).upper()
        if home is None:
            verdicts.append(
                f"{row.provider}: no in-house work in the {kind} data to compare it with."
            )
            continue
        if row.cost is None or home.full_cost is None:
            why = (
                "no contract fee is given"
                if row.cost is None
                else "the in-house cost per item is not known"
            )
            verdicts.append(
                f"Was outsourcing worth it ({row.provider}, {kind})? Not measurable on cost: "
                f"{why}. {quality}"
            )
            continue
        if fee_currency != currency.upper():
            verdicts.append(
                f"Was outsourcing worth it ({row.provider}, {kind})? Not compared on cost: the "
                f"contract's fee is in {fee_currency}, the in-house cost in {currency}. {quality}"
            )
            continue
        full, low, high = home.full_cost, home.cost_low, home.cost_high
        share = 1.0 - row.cost / full
        share_low = 1.0 - row.cost / low if low else share
        share_high = 1.0 - row.cost / high if high else share
        saving[row.provider] = (share, share_low, share_high)
        ranged = (
            f" ({share_low:.0%} to {share_high:.0%} over the labour share's range)"
            if low is not None and high is not None
            else ""
        )
        if share >= PRACTITIONER_SAVING:
            against = (
                "at or above the practitioner claim of up to 30%: check that the fee covers "
                "all the work the in-house cost does"
            )
        elif share > 0:
            against = "below the practitioner claim of up to 30%"
        else:
            against = "no saving at all, against a practitioner claim of up to 30%"
        verdicts.append(
            f"Was outsourcing worth it ({row.provider}, {kind})? It costs {row.cost:,.2f} "
            f"{A_ITEM[item]} against {full:,.2f} in-house (fully loaded): "
            + (
                f"a saving of {share:.0%}{ranged}, {against}."
                if share > 0
                else f"{-share:.0%} more{ranged}, {against}."
            )
            + f" {quality}"
        )
    return verdicts, saving


def _quality(row: ProviderRow, home: ProviderRow | None) -> str:
    """The quality side of the comparison, in one sentence."""
    if home is None:
        return ""
    parts = []
    pairs = (
        ("error rate", row.error_rate, home.error_rate, "lower"),
        ("rework", row.rework_rate, home.rework_rate, "lower"),
        ("SLA compliance", row.sla_compliance, home.sla_compliance, "higher"),
        ("invoices paid on time", row.on_time_rate, home.on_time_rate, "higher"),
    )
    worse = []
    for label, theirs, ours, better in pairs:
        if theirs is None or ours is None:
            continue
        parts.append(f"{label} {_pct(theirs)} against {_pct(ours)} in-house")
        if (theirs > ours) if better == "lower" else (theirs < ours):
            worse.append(label)
    if row.cycle_days is not None and home.cycle_days is not None:
        parts.append(
            f"median cycle time {row.cycle_days:.1f} days against {home.cycle_days:.1f} in-house"
        )
        if row.cycle_days > home.cycle_days:
            worse.append("cycle time")
    if not parts:
        return ""
    verdict = (
        f"Quality is worse on {', '.join(worse)}"
        if worse
        else "Quality is as good or better on every measure"
    )
    return f"{verdict}: {'; '.join(parts)}."


def with_contract_targets(
    findings: Sequence[Finding], contracts: Sequence[Contract]
) -> tuple[Finding, ...]:
    """Fixes on a partner's SLA compliance aim at its contract's own target, when it has one."""
    if not any(c.sla_target is not None for c in contracts):
        return tuple(findings)

    def aimed(fix: Fix) -> Fix:
        if fix.kpi is None or fix.group is None or fix.group[0] != PROVIDER:
            return fix
        kind, _, metric = fix.kpi.partition(".")
        if metric != "sla_compliance":
            return fix
        contract = next(
            (c for c in contracts if c.sla_target is not None and c.covers(kind, fix.group[1])),
            None,
        )
        if contract is None or contract.sla_target is None:
            return fix
        return replace(
            fix,
            target=contract.sla_target,
            target_text=f"at least {contract.sla_target * 100:.1f}%",
            target_source=f"the contract's SLA target ([contracts.{contract.name}] sla_target)",
            better="higher",
        )

    return tuple(replace(f, fixes=tuple(aimed(x) for x in f.fixes)) for f in findings)
