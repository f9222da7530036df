"""The configuration of an unattended run (``boaudit.toml``), validated up front.

Every key of ``boaudit report`` has a place here, so a command line and a configuration file
describe the same audit. Relative paths resolve from the configuration file's folder; file
lists may use glob patterns. Every problem is reported with its key (exit 78).
"""

from __future__ import annotations

import difflib
import glob
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from boaudit.audit.pipeline import AuditInputs, DataSource
from boaudit.errors import ConfigError, InputMissingError, UsageError
from boaudit.findings.impact import ImpactAssumptions
from boaudit.findings.interview_plan import Role, RolesFile
from boaudit.findings.scorecard import Contract
from boaudit.ingest import IngestOptions, read_map_file
from boaudit.metrics import MetricsOptions, SlaTarget, load_benchmarks, load_sla_map
from boaudit.metrics import parse_duration as parse_sla
from boaudit.metrics.calendar import BusinessCalendar
from boaudit.metrics.compute import METRIC_NAMES
from boaudit.metrics.process import parse_expected
from boaudit.report.build import ReportOptions
from boaudit.report.writers import ReportFormat
from boaudit.taxonomy import load_taxonomy
from boaudit.tomlfile import load_model

KINDS = ("tasks", "invoices", "events")
THRESHOLD_PATH = re.compile(
    r"^(score|money\.(recover|block|yearly)\.[A-Z]{3}|pitfall\.[a-z-]+\.(score|severity)|(tasks|invoices|events)\.[a-z_0-9.>-]+)$"
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(_Model):
    """Exports of one kind and how to read them."""

    kind: Literal["tasks", "invoices", "events"]
    files: list[str] = Field(min_length=1)
    map: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal: Literal[",", "."] | None = None
    date_order: Literal["auto", "dayfirst", "monthfirst"] = "auto"
    sheet: str | None = None
    completion: list[str] | None = None


class MetricsConfig(_Model):
    """How metrics are computed (as ``boaudit metrics`` options)."""

    by: list[str] = []
    period: Literal["day", "week", "month", "quarter"] | None = None
    sla: str | None = None
    sla_map: str | None = None
    hourly_rate: float | None = Field(default=None, gt=0)
    benchmarks: str | None = None
    variants: int = Field(default=10, ge=1)
    """Event logs: how many of the most frequent variants to list (``--variants``)."""
    expected: str | list[str] | None = None
    """Event logs: the expected route, ``"A > B > C"`` or a list (``--expected``)."""
    calendar: str | None = None
    """A business calendar file (``--calendar``): durations also in business hours."""

    @field_validator("expected")
    @classmethod
    def _expected_steps(cls, value: str | list[str] | None) -> str | list[str] | None:
        if value is not None:
            _steps(value)
        return value

    @field_validator("sla")
    @classmethod
    def _sla_duration(cls, value: str | None) -> str | None:
        # Checked here, not when the run starts: a bad duration is a configuration error (78).
        if value is not None:
            try:
                parse_sla(value)
            except UsageError as exc:
                raise ValueError(exc.message) from exc
        return value

    @model_validator(mode="after")
    def _one_sla(self) -> MetricsConfig:
        if self.sla is not None and self.sla_map is not None:
            raise ValueError("give sla or sla_map, not both")
        return self


class ImpactConfig(_Model):
    """The money assumptions (as ``boaudit report`` options)."""

    currency: str | None = None
    error_cost: float | None = Field(default=None, ge=0)
    late_payment_rate: float | None = Field(default=None, ge=0, le=1)
    annual_volume: dict[Literal["tasks", "invoices", "events"], float] = {}
    capital_rate: float | None = Field(default=None, ge=0, le=1)
    capital_rate_range: tuple[float, float] = (0.03, 0.08)
    labour_share: float = Field(default=0.62, gt=0, le=1)
    labour_share_range: tuple[float, float] = (0.50, 0.75)
    fx: dict[str, float] = {}
    """Rates into ``currency``: ``EUR = 1.08`` (one euro is 1.08 of it)."""

    @model_validator(mode="after")
    def _ranges(self) -> ImpactConfig:
        for name in ("capital_rate_range", "labour_share_range"):
            low, high = getattr(self, name)
            if not 0 <= low <= high <= 1:
                raise ValueError(f"{name}: give [low, high] with 0 <= low <= high <= 1")
        if self.fx and not self.currency:
            raise ValueError('fx: name the currency the rates convert into (currency = "USD")')
        for code, rate in self.fx.items():
            if not re.fullmatch(r"[A-Z]{3}", code) or rate <= 0:
                raise ValueError(
                    f"fx.{code}: give a three-letter currency code and a positive rate (EUR = 1.08)"
                )
        return self


class ContractConfig(_Model):
    """One outsourcing contract's terms (``[contracts.NAME]``), for the partner scorecard."""

    provider: str | None = None
    """The provider value in the exports (default: the table's name)."""
    kinds: list[Literal["tasks", "invoices", "events"]] = []
    fee_per_item: float | None = Field(default=None, ge=0)
    fee_per_month: float | None = Field(default=None, ge=0)
    currency: str | None = None
    sla_target: float | None = Field(default=None, gt=0, le=1)
    credit_per_breach: float | None = Field(default=None, ge=0)
    credit_cap: float | None = Field(default=None, ge=0)
    """Most credits owed per month."""

    @model_validator(mode="after")
    def _terms(self) -> ContractConfig:
        if self.fee_per_item is not None and self.fee_per_month is not None:
            raise ValueError("give fee_per_item or fee_per_month, not both")
        if self.currency is not None and not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError(f"currency: '{self.currency}' is not a three-letter code (USD)")
        if (self.credit_per_breach is None) != (self.sla_target is None):
            raise ValueError(
                "sla_target and credit_per_breach go together: the credits owed are the "
                "breaches beyond the target x the credit per breach"
            )
        return self

    def terms(self, name: str) -> Contract:
        """The contract as the scorecard uses it."""
        return Contract(
            name=name,
            provider=self.provider or name,
            kinds=tuple(self.kinds),
            fee_per_item=self.fee_per_item,
            fee_per_month=self.fee_per_month,
            currency=self.currency,
            sla_target=self.sla_target,
            credit_per_breach=self.credit_per_breach,
            credit_cap=self.credit_cap,
        )


class ContractsFile(_Model):
    """A file of contracts alone (``boaudit report --contracts FILE``)."""

    contracts: dict[str, ContractConfig] = Field(min_length=1)


class ThresholdConfig(_Model):
    """A value that must stay within bounds; outside them the run exits 1."""

    metric: str
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> ThresholdConfig:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.metric == "money_at_stake":
            raise ValueError(
                "metric 'money_at_stake' added one-off and yearly amounts across currencies "
                "and is no longer given; name one kind and currency: money.recover.USD, "
                "money.block.USD or money.yearly.USD"
            )
        if not THRESHOLD_PATH.match(self.metric):
            raise ValueError(
                f"metric '{self.metric}' is not one of: score, money.KIND.CURRENCY (KIND "
                "recover, block or yearly, e.g. money.recover.USD), "
                "pitfall.ID.score, pitfall.ID.severity, KIND.METRIC[.KEY] "
                "(e.g. tasks.sla_compliance, invoices.cycle_time_days.median)"
            )
        head, _, rest = self.metric.partition(".")
        pitfall = rest.rpartition(".")[0]
        if head in METRIC_NAMES:
            # A misspelt metric would otherwise breach on every run ("no metric 'eror_rate'").
            name = rest.split(".")[0]
            known = METRIC_NAMES[head]
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                hint = f"did you mean '{head}.{close[0]}'? " if close else ""
                raise ValueError(
                    f"metric '{self.metric}': {head} has no metric '{name}'; {hint}the {head} "
                    f"metrics are {', '.join(known)}"
                )
        if head == "pitfall" and pitfall not in load_taxonomy().ids:
            # A misspelt pitfall would otherwise breach on every run ("no evidence about it").
            raise ValueError(
                f"metric '{self.metric}' names unknown pitfall '{pitfall}'; use one of "
                f"{', '.join(load_taxonomy().ids)}"
            )
        return self


class OutputConfig(_Model):
    """One report file; ``{date}`` in the path becomes the run's date (YYYY-MM-DD)."""

    format: ReportFormat
    path: str


class RunConfig(_Model):
    """A whole ``boaudit.toml``."""

    title: str = "Back-office audit"
    questionnaire: str | None = None
    answers: list[str] = []
    by_role: bool = False
    anonymise: bool = False
    """Respondents replaced by their roles in every output (``--anonymise``)."""
    sources: list[SourceConfig] = []
    metrics: MetricsConfig = MetricsConfig()
    impact: ImpactConfig = ImpactConfig()
    effort: dict[str, Literal["low", "medium", "high"]] = {}
    thresholds: list[ThresholdConfig] = []
    outputs: list[OutputConfig] = Field(min_length=1)
    history: str | None = None
    plan: str | None = None
    """The fix plan (``--plan``): an XLSX file read back and rewritten by every run."""
    tests: dict[str, dict[str, str | float | int | list[str] | dict[str, float]]] = {}
    """``[tests.ID]``: parameters of the invoice audit tests (``--test ID.PARAM=VALUE``)."""
    contracts: dict[str, ContractConfig] = {}
    """``[contracts.NAME]``: outsourcing contracts' fees, SLA targets and credits."""

    @field_validator("plan")
    @classmethod
    def _plan_workbook(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().endswith(".xlsx"):
            raise ValueError(f"'{value}': a plan is an XLSX workbook; give a path ending in .xlsx")
        return value

    @model_validator(mode="after")
    def _checks(self) -> RunConfig:
        if not self.answers and not self.sources:
            raise ValueError("nothing to report on: give answers and/or [[sources]]")
        kinds = [source.kind for source in self.sources]
        for kind in set(kinds):
            if kinds.count(kind) > 1:
                raise ValueError(f"{kind} appears in two [[sources]]; list its files in one")
        unknown = sorted(set(self.effort) - set(load_taxonomy().ids))
        if unknown:
            raise ValueError(f"[effort] names unknown pitfall(s): {', '.join(unknown)}")
        from boaudit.metrics.audit_tests import resolve_params

        try:
            resolve_params(self.tests)
        except UsageError as exc:
            raise ValueError(f"[tests] {exc.message.removeprefix('tests: ')}") from None
        return self


def load_config(path: Path) -> RunConfig:
    """Read and validate ``path``; every problem is one line naming its key."""
    return load_model(path, RunConfig)


def load_contracts(path: Path) -> tuple[Contract, ...]:
    """The ``[contracts.NAME]`` tables of a TOML file (``--contracts FILE``), checked."""
    found = load_model(path, ContractsFile)
    return tuple(terms.terms(name) for name, terms in found.contracts.items())


def load_roles(path: Path) -> tuple[Role, ...]:
    """The ``[[roles]]`` of a TOML file (``boaudit plan --roles FILE``), checked."""
    return load_model(path, RolesFile).roles


class ExpectedFile(_Model):
    """An expected route of a case (``--expected FILE.toml``)."""

    steps: list[str] = Field(min_length=2)
    """The activities in order, as the log names them."""

    @field_validator("steps")
    @classmethod
    def _named(cls, value: list[str]) -> list[str]:
        _steps(value)
        return value


def load_expected(path: Path) -> tuple[str, ...]:
    """The ``steps`` of an expected-route TOML file, checked."""
    return _steps(load_model(path, ExpectedFile).steps)


def _steps(value: str | list[str]) -> tuple[str, ...]:
    """An expected route as its activities: ``"A > B"`` or a list; empty steps refused."""
    if isinstance(value, str):
        try:
            return parse_expected(value)
        except UsageError as exc:
            raise ValueError(exc.message) from None
    steps = tuple(step.strip() for step in value)
    if not all(steps):
        raise ValueError("an empty step; name every activity, in order")
    return steps


def _resolve(base: Path, pattern: str, key: str, config_path: Path) -> list[str]:
    """Paths for ``pattern`` (relative to ``base``, globs expanded, sorted); ``-`` kept."""
    if pattern == "-":
        return ["-"]
    full = Path(pattern).expanduser()
    full = full if full.is_absolute() else base / full
    if glob.has_magic(str(full)):
        matches = sorted(glob.glob(str(full)))
        if not matches:
            raise InputMissingError(
                f"{config_path}: {key}: '{pattern}' matches no file (relative to {base})"
            )
        return matches
    return [str(full)]


def _path(base: Path, value: str | None) -> Path | None:
    if value is None:
        return None
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else base / candidate


def run_date(as_of: str | None) -> str:
    """The date that fills ``{date}``: the ``--as-of`` date (checked: an ISO date or date-time,
    never a path), else today (UTC)."""
    if as_of is not None:
        from boaudit.metrics.compute import parse_as_of

        return str(parse_as_of(as_of).date().isoformat())
    return datetime.now(UTC).date().isoformat()


def output_paths(
    config: RunConfig, config_path: Path, as_of: str | None
) -> list[tuple[ReportFormat, Path]]:
    """Each output's format and path, ``{date}`` filled in, relative to the config folder."""
    base = config_path.parent
    date = run_date(as_of)
    out = []
    for index, output in enumerate(config.outputs):
        try:
            text = output.path.format(date=date)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            raise ConfigError(
                f"{config_path}: outputs[{index}].path: only {{date}} may appear in braces"
            ) from exc
        path = _path(base, text)
        assert path is not None
        out.append((output.format, path))
    return out


def _calendar(path: Path | None) -> BusinessCalendar | None:
    if path is None:
        return None
    from boaudit.metrics.calendar import load_calendar

    return load_calendar(path)


def to_inputs(config: RunConfig, config_path: Path, as_of: str | None = None) -> AuditInputs:
    """The :class:`AuditInputs` this configuration describes."""
    base = config_path.parent
    answers = tuple(
        Path(p)
        for index, pattern in enumerate(config.answers)
        for p in _resolve(base, pattern, f"answers[{index}]", config_path)
    )
    sources = []
    for index, source in enumerate(config.sources):
        files = tuple(
            f
            for n, pattern in enumerate(source.files)
            for f in _resolve(base, pattern, f"sources[{index}].files[{n}]", config_path)
        )
        map_path = _path(base, source.map)
        ingest = IngestOptions(
            encoding=source.encoding,
            delimiter=source.delimiter,
            decimal=source.decimal,
            date_order=source.date_order,
            sheet=source.sheet,
            mapping=read_map_file(map_path) if map_path else {},
        )
        if source.completion:
            ingest = replace(ingest, completion_patterns=tuple(source.completion))
        sources.append(DataSource(source.kind, files, ingest))
    metrics = config.metrics
    sla: SlaTarget | None = None
    if metrics.sla is not None:
        sla = SlaTarget(days=parse_sla(metrics.sla), label=metrics.sla)
    elif metrics.sla_map is not None:
        sla_map = _path(base, metrics.sla_map)
        assert sla_map is not None
        sla = load_sla_map(sla_map)
    questionnaire = config.questionnaire
    if questionnaire and (questionnaire.endswith(".toml") or "/" in questionnaire):
        questionnaire = str(_path(base, questionnaire))
    return AuditInputs(
        answers=answers,
        questionnaire=questionnaire,
        by_role=config.by_role,
        anonymise=config.anonymise,
        sources=tuple(sources),
        metrics=MetricsOptions(
            by=tuple(metrics.by),
            period=metrics.period or "month",
            sla=sla,
            hourly_rate=metrics.hourly_rate,
            as_of=as_of,
            benchmarks=load_benchmarks(_path(base, metrics.benchmarks)),
            tests={name: dict(values) for name, values in config.tests.items()},
            variants=metrics.variants,
            expected=_steps(metrics.expected) if metrics.expected is not None else (),
            calendar=_calendar(_path(base, metrics.calendar)),
        ),
        report=ReportOptions(
            title=config.title,
            as_of=as_of,
            effort=dict(config.effort),
            contracts=tuple(terms.terms(name) for name, terms in config.contracts.items()),
            impact=ImpactAssumptions(
                currency=config.impact.currency,
                annual_volume={str(k): v for k, v in config.impact.annual_volume.items()} or None,
                error_cost=config.impact.error_cost,
                late_payment_rate=config.impact.late_payment_rate,
                capital_rate=config.impact.capital_rate,
                capital_rate_range=config.impact.capital_rate_range,
                labour_share=config.impact.labour_share,
                labour_share_range=config.impact.labour_share_range,
                fx=dict(config.impact.fx),
            ),
        ),
    )
