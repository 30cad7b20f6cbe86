"""Settings: the one reader of ``settings.toml`` and ``XCATALOG_*`` variables.

dynaconf does the reading (files, environments, env overrides, merging); this
module turns the result into a typed, validated :class:`Settings` object. No
other module imports dynaconf.

Sources, later ones winning:

1. the defaults declared on the models below;
2. ``settings.toml`` then ``.secrets.toml`` (in the current folder, or the
   files given to :func:`load_settings`), section ``[default]`` then the
   section of the active environment (``XCATALOG_ENV``, default
   ``development``);
3. environment variables ``XCATALOG_<SECTION>__<KEY>``, for example
   ``XCATALOG_REGISTRY__ENRICHMENT__SAMPLE_SIZE=50``. Values are parsed as TOML
   (``50`` is an int, ``true`` a bool, ``"abc"`` a string). ``XCATALOG_ENV`` and
   ``XCATALOG_TEST_MONGO_URI`` are not settings and are ignored here.

Example:
    >>> from xcatalog.config import load_settings
    >>> settings = load_settings(files=[])
    >>> settings.registry.enrichment.sample_size
    100
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from xcatalog.errors import ConfigError

__all__ = [
    "EnrichmentSettings",
    "FunctionSettings",
    "ImportControlSettings",
    "ModelSettings",
    "MongoSettings",
    "ProfilingSettings",
    "RegistrySettings",
    "Settings",
    "StoreSettings",
    "TypeSettings",
    "load_settings",
]

ENV_PREFIX = "XCATALOG"
DEFAULT_FILES = ("settings.toml", ".secrets.toml")
# XCATALOG_* variables that are not settings: the environment switcher and the
# address of the test database that .ci/run and the test fixtures share.
RESERVED_VARIABLES = frozenset({"env", "test_mongo_uri"})
_DYNACONF_OPTIONS = frozenset(
    {
        "envvar_prefix",
        "settings_file",
        "settings_files",
        "environments",
        "merge_enabled",
        "env_switcher",
        "env",
        "load_dotenv",
    }
)


class _Section(BaseModel):
    # Unknown keys are almost always typos; refusing them beats ignoring them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class FunctionSettings(_Section):
    """``[registry.functions]``: the function registry."""

    default_permissions: list[Literal["execute", "view", "modify"]] = ["execute"]
    track_execution: bool = True
    execution_timeout: float = Field(30.0, gt=0, description="seconds before execute() gives up")
    max_call_history: int = Field(1000, ge=0)
    allow_override: bool = False


class ModelSettings(_Section):
    """``[registry.models]``: the model registry."""

    default_permissions: list[Literal["create", "read", "update", "delete", "list"]] = ["read", "list"]
    enable_versioning: bool = True
    max_version_history: int = Field(10, ge=1)
    auto_generate_ui: bool = True
    allow_override: bool = False


class TypeSettings(_Section):
    """``[registry.types]``: the type registry."""

    enable_validators: bool = True
    cache_validated_values: bool = True
    validation_cache_ttl: float = Field(3600.0, ge=0)
    validate_on_register: bool = True
    allow_override: bool = False


class EnrichmentSettings(_Section):
    """``[registry.enrichment]``: live statistics on registered models."""

    auto_refresh: bool = True
    refresh_interval: float = Field(300.0, gt=0, description="seconds between refreshes")
    max_backoff: float = Field(3600.0, gt=0, description="longest wait after repeated refresh failures")
    sample_size: int = Field(100, ge=1, description="documents sampled per collection")
    enable_categorical_detection: bool = True
    categorical_threshold: int = Field(100, ge=1, description="most distinct values a categorical field may have")
    match_threshold: float = Field(0.8, gt=0, le=1, description="field overlap needed to match a model")


class ImportControlSettings(_Section):
    """``[registry.import_control]``: the models package as gatekeeper."""

    models_path: str = "src/models"
    types_path: str = "src/types"
    auto_discover_on_startup: bool = True
    strict_mode: bool = True
    strict_action: Literal["warn", "raise"] = "warn"


class RegistrySettings(_Section):
    """``[registry]``: general registry behaviour and its sub-sections."""

    namespace_prefix: str = Field("ns", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    auto_discover_models: bool = True
    auto_register_functions: bool = True
    enable_enrichment: bool = True
    enrichment_refresh_interval: float = Field(300.0, gt=0)
    audit_max_events: int = Field(10_000, ge=0)
    functions: FunctionSettings = FunctionSettings()
    models: ModelSettings = ModelSettings()
    types: TypeSettings = TypeSettings()
    enrichment: EnrichmentSettings = EnrichmentSettings()
    import_control: ImportControlSettings = ImportControlSettings()


class StoreSettings(_Section):
    """``[store]``: where the catalog is persisted."""

    backend: Literal["local", "mongodb", "none"] = "local"
    path: str = ".xcatalog/catalog.db"
    uri: str | None = None
    database: str = "xcatalog"
    prefix: str = "xcatalog"


class MongoSettings(_Section):
    """``[mongodb]``: driver timeouts for MongoDB resources."""

    server_selection_timeout_ms: int = Field(5000, ge=1)
    connect_timeout_ms: int = Field(5000, ge=1)
    socket_timeout_ms: int = Field(60_000, ge=1)
    app_name: str = "xcatalog"


class ProfilingSettings(_Section):
    """``[profiling]``: the profiler."""

    sample_rows: int = Field(10, ge=0, description="rows kept as examples in a profile")
    quantiles: bool = True
    histograms: bool = True
    histogram_bins: int = Field(20, ge=1)
    categorical_max_ratio: float = Field(
        0.5, gt=0, le=1, description="distinct/non-null above which a field is not categorical"
    )
    approximate: bool = False


class Settings(_Section):
    """Every xcatalog setting, validated.

    Build it with :func:`load_settings`; ``Settings()`` gives the defaults.
    """

    registry: RegistrySettings = RegistrySettings()
    store: StoreSettings = StoreSettings()
    mongodb: MongoSettings = MongoSettings()
    profiling: ProfilingSettings = ProfilingSettings()


def _lower_keys(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key).lower(): _lower_keys(item) for key, item in value.items()}
    return value


def _describe(error: Mapping[str, Any]) -> str:
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown key '{key}' (check its spelling against settings.toml)"
    return f"'{key}' = {error.get('input')!r}: {error['msg']}"


def settings_from_mapping(data: Mapping[str, Any], source: str = "settings") -> Settings:
    """Validate a nested mapping of settings.

    Args:
        data: Keys as in ``settings.toml`` (case-insensitive).
        source: Where the data came from, for the error message.

    Returns:
        The validated settings.

    Raises:
        ConfigError: A value breaks its rule or a key is unknown; the message
            names every offending key, its value and the rule.
    """
    try:
        return Settings.model_validate(_lower_keys(data))
    except ValidationError as exc:
        problems = "; ".join(_describe(error) for error in exc.errors())
        raise ConfigError(
            f"Invalid settings in {source}: {problems}. "
            f"Fix the value in settings.toml or the matching {ENV_PREFIX}_* variable."
        ) from None


def load_settings(
    files: Sequence[str | os.PathLike[str]] | None = None,
    *,
    env: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read settings files and ``XCATALOG_*`` variables into a :class:`Settings`.

    Args:
        files: Settings files to read, in order; default ``settings.toml`` and
            ``.secrets.toml`` in the current folder (missing ones are skipped).
            Pass ``[]`` to read no file (defaults plus environment only).
        env: The environment section to apply on top of ``[default]``; default
            ``XCATALOG_ENV`` or ``development``.
        overrides: Extra values merged last, nested like the file.

    Returns:
        The validated settings.

    Raises:
        ConfigError: A file cannot be parsed, or a value is invalid.
    """
    from dynaconf import Dynaconf  # imported here so that importing xcatalog stays cheap

    paths = [str(Path(path)) for path in (DEFAULT_FILES if files is None else files)]
    try:
        loaded = Dynaconf(
            envvar_prefix=ENV_PREFIX,
            settings_files=paths,
            environments=True,
            merge_enabled=True,
            env_switcher=f"{ENV_PREFIX}_ENV",
            env=env or os.environ.get(f"{ENV_PREFIX}_ENV", "development"),
            load_dotenv=False,
        )
        data = _lower_keys(loaded.as_dict())
    except Exception as exc:  # dynaconf raises assorted parser errors
        raise ConfigError(f"Cannot read settings from {paths}: {exc}. Check the TOML syntax.") from exc
    # dynaconf echoes its own options back among the settings; they are not ours.
    data = {
        key: value
        for key, value in data.items()
        if key not in _DYNACONF_OPTIONS and key not in RESERVED_VARIABLES and not key.endswith("_for_dynaconf")
    }
    if overrides:
        data = _merge(data, _lower_keys(overrides))
    source = ", ".join(path for path in paths if Path(path).exists()) or "defaults"
    return settings_from_mapping(data, source=f"{source} + {ENV_PREFIX}_* variables")


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
