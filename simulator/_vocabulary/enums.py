"""VSS enumerations with the Windows header names and values (docs/reference.md §1.3, §2.1, §7).

Plain enumerations are :class:`enum.IntEnum`; bit-mask types are :class:`enum.IntFlag` that keep
bits outside the named members. Every member is also a module-level name.
"""

import enum
import sys
import uuid
from typing import Final

if sys.version_info >= (3, 11):

    class _VssFlag(enum.IntFlag, boundary=enum.KEEP):
        """Base of the VSS bit-mask types: unnamed bits are kept, never rejected."""

else:

    class _VssFlag(enum.IntFlag):
        """Base of the VSS bit-mask types: unnamed bits are kept, never rejected."""


class VSS_SUBSCRIBE_MASK(_VssFlag):
    """Writer event subscription flags (docs/reference.md §1.3)."""

    VSS_SM_POST_SNAPSHOT_FLAG = 0x1
    VSS_SM_BACKUP_EVENTS_FLAG = 0x2
    VSS_SM_RESTORE_EVENTS_FLAG = 0x4
    VSS_SM_IO_THROTTLING_FLAG = 0x8
    VSS_SM_ALL_FLAGS = 0xFFFFFFFF


class VSS_WRITER_STATE(enum.IntEnum):
    """Writer states (docs/reference.md §2.1)."""

    VSS_WS_UNKNOWN = 0
    VSS_WS_STABLE = 1
    VSS_WS_WAITING_FOR_FREEZE = 2
    VSS_WS_WAITING_FOR_THAW = 3
    VSS_WS_WAITING_FOR_POST_SNAPSHOT = 4
    VSS_WS_WAITING_FOR_BACKUP_COMPLETE = 5
    VSS_WS_FAILED_AT_IDENTIFY = 6
    VSS_WS_FAILED_AT_PREPARE_BACKUP = 7
    VSS_WS_FAILED_AT_PREPARE_SNAPSHOT = 8
    VSS_WS_FAILED_AT_FREEZE = 9
    VSS_WS_FAILED_AT_THAW = 10
    VSS_WS_FAILED_AT_POST_SNAPSHOT = 11
    VSS_WS_FAILED_AT_BACKUP_COMPLETE = 12
    VSS_WS_FAILED_AT_PRE_RESTORE = 13
    VSS_WS_FAILED_AT_POST_RESTORE = 14
    VSS_WS_FAILED_AT_BACKUPSHUTDOWN = 15
    VSS_WS_COUNT = 16


class VSS_COMPONENT_TYPE(enum.IntEnum):
    """Component types (docs/reference.md §7.2)."""

    VSS_CT_UNDEFINED = 0
    VSS_CT_DATABASE = 1
    VSS_CT_FILEGROUP = 2


class VSS_USAGE_TYPE(enum.IntEnum):
    """Writer usage types (docs/reference.md §7.2)."""

    VSS_UT_UNDEFINED = 0
    VSS_UT_BOOTABLESYSTEMSTATE = 1
    VSS_UT_SYSTEMSERVICE = 2
    VSS_UT_USERDATA = 3
    VSS_UT_OTHER = 4


class VSS_SOURCE_TYPE(enum.IntEnum):
    """Writer data source types (docs/reference.md §7.2)."""

    VSS_ST_UNDEFINED = 0
    VSS_ST_TRANSACTEDDB = 1
    VSS_ST_NONTRANSACTEDDB = 2
    VSS_ST_OTHER = 3


class VSS_RESTOREMETHOD_ENUM(enum.IntEnum):
    """Writer restore methods (docs/reference.md §7.2)."""

    VSS_RME_UNDEFINED = 0
    VSS_RME_RESTORE_IF_NOT_THERE = 1
    VSS_RME_RESTORE_IF_CAN_REPLACE = 2
    VSS_RME_STOP_RESTORE_START = 3
    VSS_RME_RESTORE_TO_ALTERNATE_LOCATION = 4
    VSS_RME_RESTORE_AT_REBOOT = 5
    VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE = 6
    VSS_RME_CUSTOM = 7
    VSS_RME_RESTORE_STOP_START = 8


class VSS_WRITERRESTORE_ENUM(enum.IntEnum):
    """When a writer takes part in restore (docs/reference.md §7.2)."""

    VSS_WRE_UNDEFINED = 0
    VSS_WRE_NEVER = 1
    VSS_WRE_IF_REPLACE_FAILS = 2
    VSS_WRE_ALWAYS = 3


class VSS_BACKUP_SCHEMA(_VssFlag):
    """Backup schema bits a writer supports (docs/reference.md §7.2)."""

    VSS_BS_UNDEFINED = 0x0
    VSS_BS_DIFFERENTIAL = 0x1
    VSS_BS_INCREMENTAL = 0x2
    VSS_BS_EXCLUSIVE_INCREMENTAL_DIFFERENTIAL = 0x4
    VSS_BS_LOG = 0x8
    VSS_BS_COPY = 0x10
    VSS_BS_TIMESTAMPED = 0x20
    VSS_BS_LAST_MODIFY = 0x40
    VSS_BS_LSN = 0x80
    VSS_BS_WRITER_SUPPORTS_NEW_TARGET = 0x100
    VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE = 0x200
    VSS_BS_INDEPENDENT_SYSTEM_STATE = 0x400
    VSS_BS_ROLLFORWARD_RESTORE = 0x1000
    VSS_BS_RESTORE_RENAME = 0x2000
    VSS_BS_AUTHORITATIVE_RESTORE = 0x4000
    VSS_BS_WRITER_SUPPORTS_PARALLEL_RESTORES = 0x8000


class VSS_FILE_SPEC_BACKUP_TYPE(_VssFlag):
    """File set backup and snapshot requirements (docs/reference.md §7.2)."""

    VSS_FSBT_FULL_BACKUP_REQUIRED = 0x1
    VSS_FSBT_DIFFERENTIAL_BACKUP_REQUIRED = 0x2
    VSS_FSBT_INCREMENTAL_BACKUP_REQUIRED = 0x4
    VSS_FSBT_LOG_BACKUP_REQUIRED = 0x8
    VSS_FSBT_FULL_SNAPSHOT_REQUIRED = 0x100
    VSS_FSBT_DIFFERENTIAL_SNAPSHOT_REQUIRED = 0x200
    VSS_FSBT_INCREMENTAL_SNAPSHOT_REQUIRED = 0x400
    VSS_FSBT_LOG_SNAPSHOT_REQUIRED = 0x800
    VSS_FSBT_CREATED_DURING_BACKUP = 0x10000
    VSS_FSBT_ALL_BACKUP_REQUIRED = 0xF
    VSS_FSBT_ALL_SNAPSHOT_REQUIRED = 0xF00


class VSS_COMPONENT_FLAGS(_VssFlag):
    """Component flags (docs/reference.md §7.2)."""

    VSS_CF_BACKUP_RECOVERY = 0x1
    VSS_CF_APP_ROLLBACK_RECOVERY = 0x2
    VSS_CF_NOT_SYSTEM_STATE = 0x4


class VSS_APPLICATION_LEVEL(enum.IntEnum):
    """Writer application levels (freeze order) (docs/reference.md §7.2)."""

    VSS_APP_UNKNOWN = 0
    VSS_APP_SYSTEM = 1
    VSS_APP_BACK_END = 2
    VSS_APP_FRONT_END = 3
    VSS_APP_SYSTEM_RM = 4
    VSS_APP_AUTO = -1


class VSS_ALTERNATE_WRITER_STATE(enum.IntEnum):
    """Alternate writer states (docs/reference.md §7.2)."""

    VSS_AWS_UNDEFINED = 0
    VSS_AWS_NO_ALTERNATE_WRITER = 1
    VSS_AWS_ALTERNATE_WRITER_EXISTS = 2
    VSS_AWS_THIS_IS_ALTERNATE_WRITER = 3


class VSS_BACKUP_TYPE(enum.IntEnum):
    """Backup types (docs/reference.md §7.5)."""

    VSS_BT_UNDEFINED = 0
    VSS_BT_FULL = 1
    VSS_BT_INCREMENTAL = 2
    VSS_BT_DIFFERENTIAL = 3
    VSS_BT_LOG = 4
    VSS_BT_COPY = 5
    VSS_BT_OTHER = 6


class VSS_RESTORE_TYPE(enum.IntEnum):
    """Restore types (docs/reference.md §7.5)."""

    VSS_RTYPE_UNDEFINED = 0
    VSS_RTYPE_BY_COPY = 1
    VSS_RTYPE_IMPORT = 2
    VSS_RTYPE_OTHER = 3


class VSS_RESTORE_TARGET(enum.IntEnum):
    """Restore targets (docs/reference.md §7.5)."""

    VSS_RT_UNDEFINED = 0
    VSS_RT_ORIGINAL = 1
    VSS_RT_ALTERNATE = 2
    VSS_RT_DIRECTED = 3
    VSS_RT_ORIGINAL_LOCATION = 4


class VSS_FILE_RESTORE_STATUS(enum.IntEnum):
    """File restore outcomes (docs/reference.md §7.5)."""

    VSS_RS_UNDEFINED = 0
    VSS_RS_NONE = 1
    VSS_RS_ALL = 2
    VSS_RS_FAILED = 3


class VSS_ROLLFORWARD_TYPE(enum.IntEnum):
    """Roll-forward types (docs/reference.md §7.5)."""

    VSS_RF_UNDEFINED = 0
    VSS_RF_NONE = 1
    VSS_RF_ALL = 2
    VSS_RF_PARTIAL = 3


class VSS_VOLUME_SNAPSHOT_ATTRIBUTES(_VssFlag):
    """Shadow copy attribute bits (docs/reference.md §7.6)."""

    VSS_VOLSNAP_ATTR_PERSISTENT = 0x1
    VSS_VOLSNAP_ATTR_NO_AUTORECOVERY = 0x2
    VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE = 0x4
    VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE = 0x8
    VSS_VOLSNAP_ATTR_NO_WRITERS = 0x10
    VSS_VOLSNAP_ATTR_TRANSPORTABLE = 0x20
    VSS_VOLSNAP_ATTR_NOT_SURFACED = 0x40
    VSS_VOLSNAP_ATTR_NOT_TRANSACTED = 0x80
    VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED = 0x10000
    VSS_VOLSNAP_ATTR_DIFFERENTIAL = 0x20000
    VSS_VOLSNAP_ATTR_PLEX = 0x40000
    VSS_VOLSNAP_ATTR_IMPORTED = 0x80000
    VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY = 0x100000
    VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY = 0x200000
    VSS_VOLSNAP_ATTR_AUTORECOVER = 0x400000
    VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY = 0x800000
    VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT = 0x1000000
    VSS_VOLSNAP_ATTR_TXF_RECOVERY = 0x2000000
    VSS_VOLSNAP_ATTR_FILE_SHARE = 0x4000000


class VSS_SNAPSHOT_CONTEXT(_VssFlag):
    """Snapshot contexts (ORs of attribute bits) (docs/reference.md §7.6)."""

    VSS_CTX_BACKUP = 0x00
    VSS_CTX_FILE_SHARE_BACKUP = 0x10
    VSS_CTX_NAS_ROLLBACK = 0x19
    VSS_CTX_APP_ROLLBACK = 0x09
    VSS_CTX_CLIENT_ACCESSIBLE = 0x1D
    VSS_CTX_CLIENT_ACCESSIBLE_WRITERS = 0x0D
    VSS_CTX_ALL = 0xFFFFFFFF


class VSS_SNAPSHOT_STATE(enum.IntEnum):
    """Shadow copy states (docs/reference.md §7.6)."""

    VSS_SS_UNKNOWN = 0
    VSS_SS_PREPARING = 1
    VSS_SS_PROCESSING_PREPARE = 2
    VSS_SS_PREPARED = 3
    VSS_SS_PROCESSING_PRECOMMIT = 4
    VSS_SS_PRECOMMITTED = 5
    VSS_SS_PROCESSING_COMMIT = 6
    VSS_SS_COMMITTED = 7
    VSS_SS_PROCESSING_POSTCOMMIT = 8
    VSS_SS_PROCESSING_PREFINALCOMMIT = 9
    VSS_SS_PREFINALCOMMITTED = 10
    VSS_SS_PROCESSING_POSTFINALCOMMIT = 11
    VSS_SS_CREATED = 12
    VSS_SS_ABORTED = 13
    VSS_SS_DELETED = 14
    VSS_SS_POSTCOMMITTED = 15
    VSS_SS_COUNT = 16


class VSS_OBJECT_TYPE(enum.IntEnum):
    """Object types for Query and DeleteSnapshots (docs/reference.md §7.6)."""

    VSS_OBJECT_UNKNOWN = 0
    VSS_OBJECT_NONE = 1
    VSS_OBJECT_SNAPSHOT_SET = 2
    VSS_OBJECT_SNAPSHOT = 3
    VSS_OBJECT_PROVIDER = 4
    VSS_OBJECT_TYPE_COUNT = 5


class VSS_PROVIDER_TYPE(enum.IntEnum):
    """Provider types (docs/reference.md §7.6)."""

    VSS_PROV_UNKNOWN = 0
    VSS_PROV_SYSTEM = 1
    VSS_PROV_SOFTWARE = 2
    VSS_PROV_HARDWARE = 3
    VSS_PROV_FILESHARE = 4


class VSS_SNAPSHOT_PROPERTY_ID(enum.IntEnum):
    """Snapshot property ids (docs/reference.md §7.6)."""

    VSS_SPROPID_UNKNOWN = 0
    VSS_SPROPID_SNAPSHOT_ID = 1
    VSS_SPROPID_SNAPSHOT_SET_ID = 2
    VSS_SPROPID_SNAPSHOTS_COUNT = 3
    VSS_SPROPID_SNAPSHOT_DEVICE = 4
    VSS_SPROPID_ORIGINAL_VOLUME = 5
    VSS_SPROPID_ORIGINATING_MACHINE = 6
    VSS_SPROPID_SERVICE_MACHINE = 7
    VSS_SPROPID_EXPOSED_NAME = 8
    VSS_SPROPID_EXPOSED_PATH = 9
    VSS_SPROPID_PROVIDER_ID = 10
    VSS_SPROPID_SNAPSHOT_ATTRIBUTES = 11
    VSS_SPROPID_CREATION_TIMESTAMP = 12
    VSS_SPROPID_STATUS = 13


INFINITE: Final = 0xFFFFFFFF
"""Default timeout of ``IVssAsync::Wait`` (docs/reference.md §3.4)."""
GUID_NULL: Final = uuid.UUID(int=0)
"""The all-zero GUID (docs/reference.md §9: provider id meaning "let VSS choose")."""
