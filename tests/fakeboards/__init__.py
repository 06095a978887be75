"""A real HTTP server on loopback serving board payloads in their real shapes, with faults."""

from tests.fakeboards.server import FakeBoards, Fault, FaultMix

__all__ = ["FakeBoards", "Fault", "FaultMix"]
