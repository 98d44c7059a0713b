"""Settings: one validated table, read from TOML < environment < flags.

The file is ``<home>/config.toml``; every setting is ``[section] name = value``
in it, ``OCCASIONAL_<SECTION>_<NAME>`` in the environment (lists are
comma-separated), and a flag where the CLI offers one. Two environment
variables are special: ``OCCASIONAL_HOME`` picks the home folder and
``OCCASIONAL_ALLOW_NETWORKS`` is ``fetch.allow_networks``.

This module validates and nothing more: no business logic lives here.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .exceptions import ConfigError

__all__ = [
    "ArticleSettings",
    "Config",
    "DigestSettings",
    "FetchSettings",
    "LLMSettings",
    "PollSettings",
    "QueueSettings",
    "ServeSettings",
    "StorySettings",
    "default_home",
    "load_config",
    "settings_table",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class FetchSettings(BaseModel):
    """How occasional talks to the network."""

    model_config = _FROZEN

    user_agent: str = Field(
        "occasional/0.1 (+https://github.com/occasional-news/occasional; news digest)",
        description="User-Agent sent with every request and matched against robots.txt.",
    )
    concurrency: int = Field(100, ge=1, le=10_000, description="Requests in flight at once.")
    per_host: int = Field(4, ge=1, le=1_000, description="Requests in flight to one host.")
    connect_timeout: float = Field(10.0, gt=0, description="Seconds to connect.")
    read_timeout: float = Field(30.0, gt=0, description="Seconds for the whole response.")
    max_bytes: int = Field(10_000_000, ge=1_000, description="Body size cap, decompressed.")
    max_redirects: int = Field(5, ge=0, le=30, description="Redirects followed per request.")
    allow_networks: tuple[str, ...] = Field(
        (), description="CIDRs the address guard lets through, e.g. 127.0.0.0/8."
    )
    respect_robots: bool = Field(True, description="Obey robots.txt for article pages.")

    @field_validator("allow_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        for net in value:
            try:
                ipaddress.ip_network(net, strict=False)
            except ValueError as exc:
                message = f"{net!r} is not a network in CIDR form (e.g. 127.0.0.0/8)"
                raise ValueError(message) from exc
        return tuple(value)


class PollSettings(BaseModel):
    """Bounds for adaptive polling (a source's own settings narrow them)."""

    model_config = _FROZEN

    min_interval: int = Field(15 * 60, ge=1, description="Shortest seconds between polls.")
    max_interval: int = Field(24 * 3600, ge=1, description="Longest seconds between polls.")
    max_backoff: int = Field(24 * 3600, ge=1, description="Longest wait after failures.")
    deadline: int = Field(
        300,
        ge=1,
        description="Longest seconds one poll runs; sources and pages it did not reach "
        "are done by the next poll.",
    )
    max_entries: int = Field(
        1000, ge=1, description="Entries read from one feed per poll, newest first."
    )
    jobs: int = Field(
        0,
        ge=0,
        le=256,
        description="Processes one poll shares its sources out to, by host; 0: one per CPU core.",
    )


class ArticleSettings(BaseModel):
    """What happens to each new entry."""

    model_config = _FROZEN

    fetch_full: bool = Field(True, description="Fetch and extract each entry's page.")
    keep_html_days: int = Field(30, ge=0, description="Days to keep fetched HTML (0: never).")
    extractor: str = Field(
        "auto", min_length=1, description="Extractor for pages: auto, trafilatura, readability."
    )
    pages_per_poll: int = Field(
        2000, ge=1, description="Pages fetched per poll at most; the rest wait for the next."
    )


class StorySettings(BaseModel):
    """Copies and stories."""

    model_config = _FROZEN

    window_days: int = Field(7, ge=1, description="Days an open story can still gain articles.")
    source_preference: tuple[str, ...] = Field(
        (), description="Hosts preferred as the original, best first, when evidence ties."
    )
    embeddings: bool = Field(
        False,
        description="Mix sentence embeddings into story scores "
        "(the embeddings extra and `occasional models build`).",
    )
    embedding_model: Path | None = Field(
        None, description="Folder of the embedding model (default: <home>/models/minilm-m2v)."
    )


class DigestSettings(BaseModel):
    """What a digest considers."""

    model_config = _FROZEN

    lookback_days: int = Field(3, ge=1, description="Days of story activity a digest considers.")


class LLMSettings(BaseModel):
    """An optional OpenAI-compatible endpoint for story summaries (off unless base_url is set)."""

    model_config = _FROZEN

    base_url: str | None = Field(None, description="API root, e.g. http://127.0.0.1:8080/v1.")
    model: str = Field("gpt-4o-mini", description="Model name sent to the endpoint.")
    api_key_env: str = Field(
        "OCCASIONAL_LLM_API_KEY", description="Environment variable holding the API key."
    )
    timeout: float = Field(30.0, gt=0, description="Seconds to wait for an answer.")


class ServeSettings(BaseModel):
    """``occasional serve``: the web app, the Reader API, feedback links, the poll loop."""

    model_config = _FROZEN

    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(8640, ge=0, le=65535, description="Port of the web app and Reader API.")
    base_url: str | None = Field(
        None, description="Public URL of the endpoint for e-mail links (default http://host:port)."
    )
    poll_every: int = Field(60, ge=1, description="Seconds between checks for due sources.")
    session_days: int = Field(
        30, ge=1, le=3650, description="Days a web login lasts before asking again."
    )
    api_token_days: int = Field(
        365, ge=1, le=3650, description="Days a Reader API login (ClientLogin) lasts."
    )
    header_timeout: float = Field(
        10.0, gt=0, le=300, description="Seconds a client gets to send a request's headers."
    )
    forwarded_allow_ips: str = Field(
        "127.0.0.1",
        description="Proxies whose X-Forwarded-For/-Proto are believed (comma-separated, or *).",
    )
    max_connections: int = Field(
        256, ge=1, le=100_000, description="Connections the HTTP side holds open at once."
    )


class QueueSettings(BaseModel):
    """``worker``, ``poll --queue`` and ``serve --queue``: Celery over PostgreSQL."""

    model_config = _FROZEN

    broker_url: str = Field(
        "redis://127.0.0.1:6379/0", description="Celery broker: redis://… or amqp://… (RabbitMQ)."
    )
    result_backend: str | None = Field(
        None, description="Where task results wait (default: the Redis broker, or rpc:// on AMQP)."
    )
    limiter_url: str | None = Field(
        None,
        description="Redis for the per-host limits all workers share "
        "(default: the Redis broker, or redis://127.0.0.1:6379/0).",
    )
    name: str = Field(
        "occasional",
        min_length=1,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="Queue name and key prefix; deployments sharing a broker need their own.",
    )
    visibility_timeout: int = Field(
        600, ge=5, description="Seconds before a task of a dead worker goes to another (Redis)."
    )


class Config(BaseModel):
    """Every setting, validated. Build it with :func:`load_config`."""

    model_config = _FROZEN

    home: Path
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default sqlite:///<home>/occasional.sqlite."
    )
    fetch: FetchSettings = FetchSettings()
    poll: PollSettings = PollSettings()
    articles: ArticleSettings = ArticleSettings()
    stories: StorySettings = StorySettings()
    digest: DigestSettings = DigestSettings()
    llm: LLMSettings = LLMSettings()
    serve: ServeSettings = ServeSettings()
    queue: QueueSettings = QueueSettings()

    @property
    def database(self) -> str:
        """The database URL in force."""
        return self.database_url or f"sqlite:///{self.home / 'occasional.sqlite'}"


_SECTIONS: dict[str, type[BaseModel]] = {
    "fetch": FetchSettings,
    "poll": PollSettings,
    "articles": ArticleSettings,
    "stories": StorySettings,
    "digest": DigestSettings,
    "llm": LLMSettings,
    "serve": ServeSettings,
    "queue": QueueSettings,
}


def default_home() -> Path:
    """The platform's user data folder for occasional."""
    return Path(platformdirs.user_data_dir("occasional", appauthor=False))


def settings_table() -> list[tuple[str, object, str]]:
    """Every setting as (dotted name, default, help), for docs and ``config`` listings."""
    rows: list[tuple[str, object, str]] = [
        ("database_url", None, Config.model_fields["database_url"].description or "")
    ]
    for section, model in _SECTIONS.items():
        for name, info in model.model_fields.items():
            rows.append((f"{section}.{name}", info.default, info.description or ""))
    return rows


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "OCCASIONAL_DATABASE_URL" in environ:
        values["database_url"] = environ["OCCASIONAL_DATABASE_URL"]
    for section, model in _SECTIONS.items():
        for name in model.model_fields:
            key = f"OCCASIONAL_{section.upper()}_{name.upper()}"
            if key in environ:
                values.setdefault(section, {})[name] = environ[key]
    if "OCCASIONAL_ALLOW_NETWORKS" in environ:
        values.setdefault("fetch", {})["allow_networks"] = environ["OCCASIONAL_ALLOW_NETWORKS"]
    return values


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (FileNotFoundError, NotADirectoryError):
        return {}  # no home yet: the engine says why when it cannot create one
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc


def _describe(exc: ValidationError, origin: str) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "config"
    return f"invalid setting {where} ({origin}): {first['msg']}"


def load_config(
    home: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read ``<home>/config.toml``, then the environment, then ``overrides``.

    ``home`` defaults to ``OCCASIONAL_HOME``, then :func:`default_home`.
    ``overrides`` is nested like the file (``{"fetch": {"per_host": 2}}``).
    Raises :class:`~occasional.exceptions.ConfigError` naming the bad setting.
    """
    env = os.environ if environ is None else environ
    home_path = Path(home or env.get("OCCASIONAL_HOME") or default_home()).expanduser()
    file_values = _read_toml(home_path / "config.toml")
    values = _merge(_merge(file_values, _from_environment(env)), overrides or {})
    values["home"] = home_path
    try:
        return Config.model_validate(values)
    except ValidationError as exc:
        origin = f"from {home_path / 'config.toml'}, environment or flags"
        raise ConfigError(_describe(exc, origin)) from exc
