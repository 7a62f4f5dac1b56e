"""The synthetic county generator: demo data, and test data with a known truth."""

from sunlight.synth.county import GenerationReport, generate_county

__all__ = ["GenerationReport", "generate_county"]
