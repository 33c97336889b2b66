"""The model card: what a model is, what it was trained on, and who is owed for it.

A card sits beside its ONNX file as ``<name>.card.json``. Its ``sha256`` must equal the SHA-256 of
the ONNX bytes; a model without a valid card is *undisclosed*, and project policy decides whether
such a model may be used at all. The JSON Schema of the card is exported from this module
(``ModelCard.model_json_schema()``) and shipped as ``catalog/model-card.schema.json``.

Besides the disclosure, a card carries the facts a tool needs to run its model well: how far the
model looks (``receptive_radius``, which sets the tiles' overlap), the multiple its frame sides
must be (``size_multiple``), how many neighbouring frames it takes (``temporal_radius``), and
the colour space it works in (``colour_space``: the colour space its training pictures were
encoded in, named as the pinned OpenColorIO config names it — the shipped models say "sRGB
Encoded Rec.709 (sRGB)" — or ``source``, the clip's code values unconverted). They are
optional: an older or imported card without them gets the tool's defaults, and since absent
fields are left out of the canonical JSON, such a card's digest (what the log pins) is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

import rfc8785
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.colour.config import CONFIG_NAME, SOURCE

CARD_SCHEMA = "workbench.model-card/1"

TASK_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
#: Not a colour space: the clip's code values as decoded, handed to the model unconverted.
SOURCE_COLOUR_SPACE = SOURCE
#: The working space of the shipped models: they were trained on sRGB-encoded photographs.
SRGB_COLOUR_SPACE = "sRGB Encoded Rec.709 (sRGB)"
ConsentBasis = Literal["public-domain", "cc0", "cc-by", "generated", "licensed", "consented"]
C2paAction = Literal["c2pa.enhanced", "c2pa.resized", "c2pa.edited", "c2pa.color_adjustments"]
SourceType = Literal[
    "algorithmicallyEnhanced",
    "compositeWithTrainedAlgorithmicMedia",
    "trainedAlgorithmicMedia",
    "digitalCapture",
]

_SHA256_PATTERN = r"^[0-9a-f]{64}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TensorSpec(_Strict):
    """One input or output tensor: name, layout, channels and value range."""

    name: str
    layout: Literal["NCHW"] = "NCHW"
    channels: int = Field(ge=1, le=64)
    dtype: Literal["float32", "float16"] = "float32"
    value_range: tuple[float, float] = (0.0, 1.0)
    description: str = ""


class DataSource(_Strict):
    """One source of training data, with the basis on which we may use it."""

    name: str
    origin: str = Field(description="package and path, URL-free origin, or generator and seed")
    licence: str = Field(description="SPDX identifier where one exists, e.g. CC0-1.0, CC-BY-4.0")
    author: str
    attribution: str = Field(description="the attribution text the licence asks for")
    consent_basis: ConsentBasis
    items: int = Field(ge=0)
    sha256: str | None = Field(default=None, pattern=_SHA256_PATTERN)


class Contributor(_Strict):
    """A person or organisation whose work trained the model, with their compensation share."""

    name: str
    role: Literal["data", "training", "code"] = "data"
    share: float = Field(ge=0.0, le=1.0)
    basis: str = Field(default="item count", description="how the share was derived")


class Metric(_Strict):
    """One measured figure, with the protocol that produced it."""

    name: str
    value: float
    unit: str = ""
    baseline: str | None = None
    baseline_value: float | None = None
    dataset: str
    protocol: str


#: How much worse than its main file a variant may measure on the card's held-out figures and
#: still be chosen automatically (``ModelVariant.eligible``).
VARIANT_MAX_LOSS_DB = 0.05
#: The same for a percentage figure (a detector's share of defects repaired), in points.
VARIANT_MAX_LOSS_POINTS = 0.1


class ModelVariant(_Strict):
    """Another file of the same model (an int8 quantisation), shipped beside the main one.

    Its bytes are pinned by ``sha256`` and checked exactly like the main file's before a session
    exists; ``metrics`` are the main file's held-out figures measured again on the variant, and
    ``quality_loss_db`` the largest drop among the figures the card's gate compares (main minus
    variant, dB; negative when the variant measured better). The inputs, outputs and run facts
    are the main file's.
    """

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,15}$", description="e.g. int8")
    file: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.onnx$",
        description="the variant's file name, in the main file's folder",
    )
    sha256: str = Field(pattern=_SHA256_PATTERN, description="SHA-256 of the variant's bytes")
    precision: Literal["int8", "float16", "bfloat16"]
    method: str = Field(description="how the variant was made from the main file, reproducibly")
    quality_loss_db: float = Field(
        ge=-100.0,
        le=100.0,
        description="largest held-out drop against the main file over the gated figures (dB)",
    )
    quality_loss_points: float | None = Field(
        default=None,
        ge=-100.0,
        le=100.0,
        description="the same for gated percentage figures (a detector's repair rate), in "
        "percentage points; absent: none are gated",
    )
    gated_metrics: list[str] = Field(
        min_length=1, description="the metrics (by name) whose drop quality_loss_db is"
    )
    metrics: list[Metric] = Field(min_length=1)

    @property
    def eligible(self) -> bool:
        """Good enough to be chosen automatically where it is faster."""
        points = self.quality_loss_points
        return self.quality_loss_db <= VARIANT_MAX_LOSS_DB and (
            points is None or points <= VARIANT_MAX_LOSS_POINTS
        )


class Classification(_Strict):
    """How an edit by this model is disclosed (C2PA action and IPTC digital source type)."""

    c2pa_action: C2paAction
    digital_source_type: SourceType = "algorithmicallyEnhanced"
    nature: Literal["assistive", "generative"] = "assistive"


class ModelCard(_Strict):
    """The full disclosure for one shipped or imported model."""

    card_schema: Literal["workbench.model-card/1"] = Field(
        default="workbench.model-card/1", alias="schema"
    )
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    name: str
    version: str
    sha256: str = Field(pattern=_SHA256_PATTERN, description="SHA-256 of the ONNX file's bytes")
    task: str = Field(
        pattern=TASK_PATTERN,
        description="the tool task the model serves: upscale, denoise, dust, deblock, or the "
        "task of a third-party tool",
    )
    scale: int = Field(default=1, ge=1, le=8)
    receptive_radius: int | None = Field(
        default=None,
        ge=0,
        le=1024,
        description="input pixels on each side of a pixel that still change its output (the "
        "receptive radius, or a measured bound where the field fades sooner): tiles overlap by "
        "twice this plus the feather. Absent: the tool's own default",
    )
    size_multiple: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="height and width the model takes are multiples of this: frames are "
        "reflect-padded up to it and tiles start and end on its grid. Absent: the tool's default",
    )
    temporal_radius: int | None = Field(
        default=None,
        ge=0,
        le=16,
        description="neighbouring frames on each side of the current one that the model takes, "
        "motion-compensated onto it (workbench.tools.temporal_align): the tool hands it that "
        "many and the render decodes them. Absent or 0: a single-frame model",
    )
    colour_space: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,63}$",
        description="the working space the model was trained in: a scene-referred colour space "
        f"of the OpenColorIO config {CONFIG_NAME} (its name or an alias, e.g. 'sRGB Encoded "
        "Rec.709 (sRGB)' for models trained on sRGB-encoded photographs, 'ACEScg'); frames are "
        "converted from the clip's colour space into it and back. 'source': the clip's code "
        "values as decoded, unconverted. Absent: the tool's default ('source')",
    )
    architecture: str
    parameters: int = Field(ge=0)
    flops_per_output_pixel: float = Field(ge=0)
    inputs: list[TensorSpec] = Field(min_length=1)
    outputs: list[TensorSpec] = Field(min_length=1)
    weights_licence: str
    training_data: list[DataSource] = Field(min_length=1)
    contributors: list[Contributor] = Field(min_length=1)
    metrics: list[Metric] = Field(default_factory=list)
    intended_use: str
    limitations: str
    classification: Classification
    created: str | None = None
    training_command: str | None = None
    variants: list[ModelVariant] | None = Field(
        default=None,
        description="other files of this model (int8), each pinned by its SHA-256; absent: none",
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("colour_space")
    @classmethod
    def _known_colour_space(cls, value: str | None) -> str | None:
        if value is None or value == SOURCE:
            return value
        from workbench.colour.config import lookup

        if lookup(value) is None:
            raise ValueError(
                f"{value!r} is not a scene-referred colour space of the OpenColorIO config "
                f"{CONFIG_NAME} (nor 'source')"
            )
        return value

    @field_validator("contributors")
    @classmethod
    def _shares_sum_to_one(cls, value: list[Contributor]) -> list[Contributor]:
        data_shares = [c.share for c in value if c.role == "data"]
        if data_shares and abs(sum(data_shares) - 1.0) > 1e-3:
            raise ValueError(
                f"data contributors' shares must sum to 1 (they sum to {sum(data_shares):.4f})"
            )
        return value

    @model_validator(mode="after")
    def _consent_is_named(self) -> ModelCard:
        for source in self.training_data:
            if source.consent_basis == "cc-by" and not source.attribution.strip():
                raise ValueError(f"training source {source.name!r} is CC BY but has no attribution")
        return self

    @model_validator(mode="after")
    def _variants_are_named_once(self) -> ModelCard:
        names = [v.name for v in self.variants or ()]
        if len(set(names)) != len(names):
            raise ValueError("two variants share a name")
        for variant in self.variants or ():
            if variant.file != f"{self.id}.{variant.name}.onnx":
                raise ValueError(
                    f"variant {variant.name!r} must be the file {self.id}.{variant.name}.onnx"
                )
            if variant.sha256 == self.sha256:
                raise ValueError(f"variant {variant.name!r} has the main file's SHA-256")
            known = {m.name for m in variant.metrics}
            missing = [m for m in variant.gated_metrics if m not in known]
            if missing:
                raise ValueError(f"variant {variant.name!r} gates on unknown metric {missing[0]}")
        return self

    def variant(self, name: str) -> ModelVariant | None:
        return next((v for v in self.variants or () if v.name == name), None)

    @property
    def consent_status(self) -> str:
        """One word for the log: every source has a stated basis we accept."""
        return "consented" if self.training_data else "undisclosed"

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def digest(self) -> str:
        """SHA-256 of the card's canonical JSON: what a log entry pins."""
        return hashlib.sha256(
            rfc8785.dumps(self.model_dump(mode="json", by_alias=True, exclude_none=True))
        ).hexdigest()

    @classmethod
    def from_json_bytes(cls, data: bytes) -> ModelCard:
        return cls.model_validate(json.loads(data))


def card_json_schema() -> dict[str, object]:
    schema = ModelCard.model_json_schema(by_alias=True)
    schema["$id"] = "https://workbench.invalid/schemas/model-card-1.json"
    schema["title"] = "Workbench model card (workbench.model-card/1)"
    return schema


if __name__ == "__main__":  # python -m workbench.catalog.card > model-card.schema.json
    print(json.dumps(card_json_schema(), indent=2, sort_keys=True))
