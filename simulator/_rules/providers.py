"""What VSS takes from providers: the codes passed through, and the order providers are tried
in (docs/reference.md §9)."""

from __future__ import annotations

from .. import hresults as hr
from .._vocabulary.enums import VSS_PROVIDER_TYPE

__all__ = ["PROVIDER_CODES", "PROVIDER_SELECTION_ORDER"]

#: The codes a provider may return as they are; the rest are converted to
#: VSS_E_UNEXPECTED_PROVIDER_ERROR. The flush, hold and transaction-manager timeouts are VSS's own
#: codes (``KERNEL_STEPS``): a provider returning one is converted too.
PROVIDER_CODES = frozenset(
    {
        hr.E_OUTOFMEMORY,
        hr.E_INVALIDARG,
        hr.E_ACCESSDENIED,
        hr.VSS_E_BAD_STATE,
        hr.VSS_E_OBJECT_NOT_FOUND,
        hr.VSS_E_INSUFFICIENT_STORAGE,
        hr.VSS_E_VOLUME_NOT_SUPPORTED,
        hr.VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER,
        hr.VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED,
        hr.VSS_E_PROVIDER_VETO,
        hr.VSS_E_CANNOT_REVERT_DISKID,
        # DoSnapshotSet: "the provider encountered an error that requires the user to restart
        # the computer" (§5).
        hr.VSS_E_REBOOT_REQUIRED,
    }
)

#: For GUID_NULL ("let VSS choose"), providers are tried by type in this order: hardware, then
#: software, then the system provider (§9); a provider that does not support the volume is
#: skipped.
PROVIDER_SELECTION_ORDER = (
    VSS_PROVIDER_TYPE.VSS_PROV_HARDWARE,
    VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE,
    VSS_PROVIDER_TYPE.VSS_PROV_FILESHARE,
    VSS_PROVIDER_TYPE.VSS_PROV_SYSTEM,
)
