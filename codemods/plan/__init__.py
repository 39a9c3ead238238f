"""A migration plan: `model` holds the dataclasses the engine and the codemods read;
`load` reads the TOML and validates it, every mistake with its line and dotted key."""

from codemods.plan.load import (
    DEFAULT_PLAN_NAME,
    ENV_PLAN,
    KNOWN_CODEMODS,
    PlanError,
    PlanProblem,
    bundled_plan_path,
    default_plan_path,
    load_plan,
)
from codemods.plan.model import (
    ON_FAILURE,
    RUNTIMES,
    SYMBOL_KINDS,
    Api,
    Mapping_,
    Param,
    Plan,
    Signature,
    Stage,
    Symbol,
    Template,
    Wave,
    iter_mappings,
    placeholder,
)

__all__ = [
    "DEFAULT_PLAN_NAME",
    "ENV_PLAN",
    "KNOWN_CODEMODS",
    "ON_FAILURE",
    "RUNTIMES",
    "SYMBOL_KINDS",
    "Api",
    "Mapping_",
    "Param",
    "Plan",
    "PlanError",
    "PlanProblem",
    "Signature",
    "Stage",
    "Symbol",
    "Template",
    "Wave",
    "bundled_plan_path",
    "default_plan_path",
    "iter_mappings",
    "load_plan",
    "placeholder",
]
