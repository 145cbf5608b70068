"""Fault suite (issue 17): real parts on loopback, faults injected, and the invariant that nothing is lost."""
