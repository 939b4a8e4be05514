"""Forms of the provider console: the write-only key, the routing matrix, the report period."""

from __future__ import annotations

from django import forms

from .models import ProviderConfig, ProviderType, Tier
from .registry import matrix_tasks
from .snapshot import base_url_refusal

KEYLESS_TYPES = {ProviderType.OFFLINE, ProviderType.OPENAI_COMPATIBLE}


class ProviderConfigForm(forms.ModelForm):
    # Write-only: the stored key is never sent back to the browser, not even masked.
    api_key = forms.CharField(
        label="API key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Write-only. Leave blank to keep the stored key, unless you change the base "
        "URL or the provider type: then enter the key again (or remove it), so a stored key "
        "is never sent to a server it was not entered for. Stored encrypted; only its last "
        "four characters are ever shown.",
    )
    base_url = forms.URLField(
        label="Base URL",
        required=False,
        assume_scheme="https",
        help_text="Only for a proxy or an OpenAI-compatible server; empty uses the vendor's. "
        "Changing it requires entering the API key again in the same save.",
    )
    remove_api_key = forms.BooleanField(
        label="Remove the stored key",
        required=False,
        help_text="For servers that need no key (a local Ollama or vLLM).",
    )

    destination_changed = False

    # A new config runs only once a credentials test passed, unless the admin says otherwise.
    activate_untested = forms.BooleanField(
        label="Activate before a test passes",
        required=False,
        help_text="Unticked, a new active config waits, inactive, until its first credentials "
        "test (Test now) passes. Tick to let it serve calls at once, untested.",
    )

    class Meta:
        model = ProviderConfig
        fields = [
            "name",
            "provider_type",
            "base_url",
            "fast_model",
            "quality_model",
            "priority",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        self._check_key(data)
        self._check_base_url(data)
        # Read here: _post_clean copies the new values onto the instance after this.
        self.destination_changed = self._destination_changed()
        self._check_key_destination(data)
        return data

    def _check_key(self, data: dict) -> None:
        """A vendor that needs a key has one (new, or stored and kept); never new and removed."""
        provider_type = data.get("provider_type")
        has_key = bool(data.get("api_key")) or (
            self.instance.pk and self.instance.api_key_encrypted and not data.get("remove_api_key")
        )
        if provider_type and provider_type not in KEYLESS_TYPES and not has_key:
            self.add_error("api_key", "This provider needs an API key.")
        if data.get("api_key") and data.get("remove_api_key"):
            self.add_error("remove_api_key", "Enter a new key or remove the stored one, not both.")

    def _check_base_url(self, data: dict) -> None:
        if data.get("provider_type") == ProviderType.OPENAI_COMPATIBLE and not data.get("base_url"):
            self.add_error("base_url", "An OpenAI-compatible server needs its base URL.")
        if data.get("base_url") and (refusal := base_url_refusal(data["base_url"])):
            self.add_error("base_url", refusal)

    def _check_key_destination(self, data: dict) -> None:
        """A stored key goes only where it was entered for: a save that points the config
        elsewhere enters the key again or removes it. Otherwise anyone allowed to edit configs
        could point one at their own server and press "Test credentials": the stored key would
        travel there in a header."""
        stored_key = bool(self.instance.pk and self.instance.api_key_encrypted)
        key_given = data.get("api_key") or data.get("remove_api_key")
        if stored_key and self.destination_changed and not key_given:
            self.add_error(
                "api_key",
                "You changed the base URL or the provider type: enter the API key again (or "
                "remove the stored key) so the stored one is never sent to the new address.",
            )

    def _destination_changed(self) -> bool:
        """Whether the save points the config at another server or another vendor's API."""
        if not self.instance.pk:
            return False
        return any(
            name in self.changed_data and self.cleaned_data.get(name) != old
            for name, old in (
                ("base_url", self.instance.base_url),
                ("provider_type", self.instance.provider_type),
            )
        )

    def save(self, commit: bool = True) -> ProviderConfig:
        config = super().save(commit=False)
        new_key = self.cleaned_data.get("api_key")
        remove_key = self.cleaned_data.get("remove_api_key")
        if new_key or remove_key:
            config.set_api_key(new_key or "")
        if new_key or remove_key or self.destination_changed:
            # A test of the old key or the old server says nothing about the new ones.
            config.last_test_status = ProviderConfig.TestStatus.UNTESTED
            config.last_tested_at = None
            config.last_test_message = ""
        if (
            config._state.adding
            and config.is_active
            and not self.cleaned_data.get("activate_untested")
        ):
            config.is_active = False
            config.activate_when_tested = True
        if commit:
            config.save()
        return config


class RoutingMatrixForm(forms.Form):
    """One select per (plan, task) cell, named ``tier_<plan id>_<task>``."""

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for plan, tiers in matrix:
            cells = []
            for task in matrix_tasks():
                name = f"tier_{plan.pk}_{task.name}"
                self.fields[name] = forms.ChoiceField(
                    choices=Tier.choices,
                    initial=tiers[task.name],
                    label=f"{plan.code} / {task.label}",
                )
                cells.append(name)
            self.rows.append((plan, cells))

    def tiers(self) -> dict[tuple[int, str], str]:
        return {
            (plan.pk, task.name): self.cleaned_data[f"tier_{plan.pk}_{task.name}"]
            for plan, _ in self.rows
            for task in matrix_tasks()
        }

    def bound_rows(self):
        return [(plan, [self[name] for name in cells]) for plan, cells in self.rows]
