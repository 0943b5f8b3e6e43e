"""The fixtures of ``fakes.pytest_fixtures`` for these tests.

The ``vss_fakes`` entry point registers them wherever the package is installed; importing them
here makes them available when the checkout is tested without being installed.
"""

from fakes.pytest_fixtures import restic, vshadow, vss_capture, vss_faults

__all__ = ["restic", "vshadow", "vss_capture", "vss_faults"]
