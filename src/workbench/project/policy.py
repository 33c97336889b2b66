"""The project policy: which tools and models may be used, and what needs sign-off."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from workbench.errors import PolicyError

POLICY_SCHEMA = "workbench.policy-body/1"


class Policy(BaseModel):
    """``None`` for an allow-list means "anything"; an empty list means "nothing"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    allowed_tools: list[str] | None = None
    allowed_models: list[str] | None = Field(
        default=None, description="model ids or SHA-256 digests"
    )
    allow_undisclosed: bool = False
    signoff_required: list[str] = Field(default_factory=list, description="tools needing sign-off")
    likeness_consent: bool | None = Field(
        default=None,
        description="an AI edit on a shot featuring a performer needs their consent covering "
        "that kind of alteration; None: on when the project has a cast",
    )

    def check_tool(self, tool: str) -> None:
        if self.allowed_tools is not None and tool not in self.allowed_tools:
            raise PolicyError(
                f"the project policy does not allow the tool {tool!r}",
                hint="a producer can change the policy (workbench policy set, or Project > Policy)",
            )

    def check_model(self, model_id: str, sha256: str, disclosed: bool) -> None:
        if not disclosed and not self.allow_undisclosed:
            raise PolicyError(
                f"model {model_id} is undisclosed (no valid model card) and the project policy "
                "refuses undisclosed models",
                hint="use a model with a card, or allow undisclosed models in the policy",
            )
        if self.allowed_models is not None and not (
            model_id in self.allowed_models or sha256 in self.allowed_models
        ):
            raise PolicyError(f"the project policy does not allow the model {model_id!r}")

    def needs_signoff(self, tool: str) -> bool:
        return tool in self.signoff_required

    def likeness_enforced(self, has_cast: bool) -> bool:
        """Whether performers' likeness consent is enforced (on by default with a cast)."""
        return has_cast if self.likeness_consent is None else self.likeness_consent
