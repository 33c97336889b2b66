"""The model catalogue: ONNX files plus model cards, identified by the SHA-256 of their bytes."""

from workbench.catalog.card import (
    CARD_SCHEMA,
    Classification,
    Contributor,
    DataSource,
    Metric,
    ModelCard,
    ModelVariant,
    TensorSpec,
)
from workbench.catalog.catalog import (
    Catalog,
    CatalogEntry,
    CheckedModel,
    default_model_dirs,
    variant_of,
)
from workbench.catalog.check import ModelLimits, check_onnx_bytes

__all__ = [
    "CARD_SCHEMA",
    "Catalog",
    "CatalogEntry",
    "CheckedModel",
    "Classification",
    "Contributor",
    "DataSource",
    "Metric",
    "ModelCard",
    "ModelLimits",
    "ModelVariant",
    "TensorSpec",
    "check_onnx_bytes",
    "default_model_dirs",
    "variant_of",
]
