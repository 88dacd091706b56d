"""The portal tests use the evidence fixtures (a remediating enterprise with tasks and an order)."""

from tests.evidence.conftest import *  # noqa: F403
