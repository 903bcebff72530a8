"""license-gate: a licence gate for dependencies and AI models."""

__version__ = "0.1.0"
