"""The in-box writer set of a Windows Server and SQL Server's writer (docs/reference.md §11).

``inbox_writers()`` has the usage and source types, restore methods and components of the real
Writer Metadata Documents captured on a Windows Server 2012 machine (``KevinGoode/vssbackup``,
``data/no_sql/WM*.xml``), trimmed to a few file sets per component. ``SqlServerWriter()`` adds SQL
Server's writer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence

from simulator import (
    VSS_APPLICATION_LEVEL,
    VSS_COMPONENT_FLAGS,
    VSS_COMPONENT_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
    ComponentMetadata,
    RestoreMethod,
    WriterEvent,
)

from .actions import Action
from .components import FileSet, database, file_group
from .writers import ScriptedWriter

E = WriterEvent
UT = VSS_USAGE_TYPE
ST = VSS_SOURCE_TYPE
APP = VSS_APPLICATION_LEVEL
RME = VSS_RESTOREMETHOD_ENUM
WRE = VSS_WRITERRESTORE_ENUM
FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
DATABASE = VSS_COMPONENT_TYPE.VSS_CT_DATABASE


# ---------------------------------------------------------------------------------------------
# The in-box writers of a Windows Server (docs/reference.md §11)
# ---------------------------------------------------------------------------------------------

#: Writer name -> writer id, docs/reference.md §11 (all [DOC] except the name of the Metadata Store Writer, [OBS]).
INBOX_WRITER_IDS: Mapping[str, uuid.UUID] = {
    "System Writer": uuid.UUID("e8132975-6f93-4464-a53e-1050253ae220"),
    "Registry Writer": uuid.UUID("afbab4a2-367d-4d15-a586-71dbb18f8485"),
    "COM+ REGDB Writer": uuid.UUID("542da469-d3e1-473c-9f4f-7847f01fc64f"),
    "WMI Writer": uuid.UUID("a6ad56c2-b509-4e6c-bb19-49d8f43532f0"),
    "ASR Writer": uuid.UUID("be000cbe-11fe-4426-9c58-531aa6355fc4"),
    "BITS Writer": uuid.UUID("4969d978-be47-48b0-b100-f328f07ac1e0"),
    "Shadow Copy Optimization Writer": uuid.UUID("4dc3bdd4-ab48-4d07-adb0-3bee2926fd7f"),
    "Task Scheduler Writer": uuid.UUID("d61d61c8-d73a-4eee-8cdd-f6f9786b7124"),
    "VSS Metadata Store Writer": uuid.UUID("75dfb225-e2e4-4d39-9ac9-ffaff65ddf06"),
    "Performance Counters Writer": uuid.UUID("0bada1de-01a9-4625-8278-69e735f39dd2"),
}

#: The restore method most in-box system-state writers report (WM0, WM1, WM2, WM3, WM9, WM10).
_AT_REBOOT_IF_CANNOT_REPLACE = RestoreMethod(
    RME.VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE, None, None, WRE.VSS_WRE_NEVER, False
)
_SYSTEM32_CONFIG = "C:\\Windows\\system32\\config"
_ASR_SYSTEM_VOLUME = "Volume{c7463aba-f40d-11e9-80c7-806e6f6e6963}"
_ASR_CRITICAL = "Critical volumes are those which ASR must restore.\n"


def _inbox(
    name: str,
    usage: VSS_USAGE_TYPE,
    restore_method: RestoreMethod | None,
    components: Sequence[ComponentMetadata] = (),
    *,
    exclude_files: Sequence[FileSet] = (),
    exclude_from_snapshot: Sequence[FileSet] = (),
) -> ScriptedWriter:
    # System-state writers (BOOTABLE_SYSTEM_STATE, SYSTEM_SERVICE) freeze at the SYSTEM level [INF].
    level = APP.VSS_APP_FRONT_END if usage == UT.VSS_UT_USERDATA else APP.VSS_APP_SYSTEM
    return ScriptedWriter(
        name=name,
        writer_id=INBOX_WRITER_IDS[name],
        usage=usage,
        source=ST.VSS_ST_OTHER,
        level=level,
        restore_method=restore_method,
        components=components,
        exclude_files=exclude_files,
        exclude_from_snapshot=exclude_from_snapshot,
    )


def inbox_writers() -> list[ScriptedWriter]:
    """The in-box writers of a Windows Server, new and uninitialized (docs/reference.md §11).

    Ids and names from docs/reference.md §11; usage and source types, restore methods and components from
    the real WMDs of a Windows Server 2012 machine (``KevinGoode/vssbackup`` ``data/no_sql``: WM3
    System, WM9 Registry, WM10 COM+ REGDB, WM8 WMI, WM4 ASR, WM7 BITS, WM6 Shadow Copy
    Optimization, WM0 Task Scheduler, WM1 VSS Metadata Store, WM2 Performance Counters), with the
    first few file sets of each component. ASR's components name that machine's volumes and disks,
    so its ``BCD`` component lies on a volume this machine does not have ([INF]: a requester that
    selects components by volume, like VShadow, leaves the ASR Writer out). Levels: SYSTEM for the
    BOOTABLE_SYSTEM_STATE and SYSTEM_SERVICE writers, FRONT_END for the Shadow Copy Optimization
    Writer (USER_DATA) ([INF]). Every handler succeeds; script faults with ``writer.on(...)``.
    """
    bss = UT.VSS_UT_BOOTABLESYSTEMSTATE
    service = UT.VSS_UT_SYSTEMSERVICE
    return [
        _inbox(
            "System Writer",
            bss,
            RestoreMethod(
                RME.VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE, None, None, WRE.VSS_WRE_NEVER, True
            ),
            [
                file_group(
                    "System Files",
                    [
                        (
                            "C:\\Windows\\system32\\CatRoot\\{127D0A1D-4EF2-11D1-8608-00C04FC295EE}",
                            "*",
                            True,
                        ),
                        (
                            "C:\\Windows\\system32\\CatRoot\\{F750E6C3-38EE-11D1-85E5-00C04FC295EE}",
                            "*",
                            True,
                        ),
                        ("%systemroot%\\winsxs", "*.*", True),
                        ("%systemroot%\\servicing\\packages", "*.*", True),
                        ("%systemroot%\\System32\\Microsoft\\Crypto", "*.*", True),
                        ("%ProgramData%\\Microsoft\\Crypto", "*.*", True),
                    ],
                    caption="System Files",
                    selectable=True,
                ),
                file_group(
                    "Win32 Services Files",
                    [
                        (
                            "c:\\program files (x86)\\microsoft sql server\\140\\tools\\dreplaycontroller",
                            "dreplaycontroller.exe",
                            False,
                        ),
                        ("c:\\program files (x86)\\google\\update", "googleupdate.exe", False),
                        (
                            "c:\\program files\\microsoft sql server\\mssql14.mssqlserver\\mssql\\binn",
                            "sqlservr.exe",
                            False,
                        ),
                    ],
                    caption="Win32 Services Files",
                    selectable=True,
                    flags=int(VSS_COMPONENT_FLAGS.VSS_CF_NOT_SYSTEM_STATE),
                ),
            ],
        ),
        _inbox(
            "Registry Writer",
            bss,
            RestoreMethod(
                RME.VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE, None, None, WRE.VSS_WRE_NEVER, True
            ),
            [
                file_group(
                    "Registry",
                    [
                        (_SYSTEM32_CONFIG, "default", False),
                        (_SYSTEM32_CONFIG, "SAM", False),
                        (_SYSTEM32_CONFIG, "SECURITY", False),
                        (_SYSTEM32_CONFIG, "software", False),
                        (_SYSTEM32_CONFIG, "system", False),
                    ],
                    caption="Registry",
                    selectable=True,
                )
            ],
            exclude_files=[
                (_SYSTEM32_CONFIG, "default.LOG", False),
                (_SYSTEM32_CONFIG, "SECURITY.LOG", False),
                (_SYSTEM32_CONFIG, "software.LOG", False),
                (_SYSTEM32_CONFIG, "system.LOG", False),
            ],
        ),
        _inbox(
            "COM+ REGDB Writer",
            bss,
            _AT_REBOOT_IF_CANNOT_REPLACE,
            [
                file_group(
                    "COM+ REGDB",
                    [("%SystemRoot%\\Registration", "*", True)],
                    caption="COM+ REGDB",
                    selectable=True,
                )
            ],
        ),
        _inbox(
            "WMI Writer",
            service,
            RestoreMethod(RME.VSS_RME_RESTORE_AT_REBOOT, None, None, WRE.VSS_WRE_NEVER, True),
            [
                file_group(
                    "WMI",
                    [("C:\\Windows\\system32\\wbem\\repository", "*.*", True)],
                    caption="Windows Managment Instrumentation",
                )
            ],
        ),
        _inbox(
            "ASR Writer",
            bss,
            RestoreMethod(RME.VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, WRE.VSS_WRE_NEVER, True),
            [
                file_group("ASR", logical_path="ASR", caption="ASR"),
                file_group(
                    _ASR_SYSTEM_VOLUME,
                    logical_path="Volumes",
                    caption=(
                        f"Select this volume (\\??\\{_ASR_SYSTEM_VOLUME}) if it is a critical "
                        f"volume.\n{_ASR_CRITICAL}"
                    ),
                ),
                file_group(
                    "Volume{c7463abb-f40d-11e9-80c7-806e6f6e6963}",
                    logical_path="Volumes",
                    caption=f"Select this volume (C:) if it is a critical volume.\n{_ASR_CRITICAL}",
                ),
                file_group(
                    "harddisk0",
                    logical_path="Disks",
                    caption="Select to include disk #0 (of signature 0x9c93ebc7) for ASR restore.",
                    selectable=True,
                    selectable_for_restore=True,
                ),
                file_group(
                    "BCD",
                    [(f"\\\\?\\{_ASR_SYSTEM_VOLUME}\\Boot", "*.*", True)],
                    logical_path="BCD",
                    caption=(
                        "This is the path to the boot BCD store and the boot managers.\n"
                        "All the files in this directory need to be backed up.\n"
                    ),
                ),
            ],
        ),
        _inbox(
            "BITS Writer",
            service,
            None,
            exclude_files=[
                ("C:\\Windows\\System32", "bits.log", False),
                ("C:\\Windows\\System32", "bits.bak", False),
                ("C:\\ProgramData\\Microsoft\\Network\\Downloader\\", "*", True),
            ],
        ),
        _inbox(
            "Shadow Copy Optimization Writer",
            UT.VSS_UT_USERDATA,
            None,
            exclude_from_snapshot=[
                ("C:\\ProgramData\\Microsoft\\RAC", "*", False),
                ("C:\\ProgramData\\Microsoft\\RAC\\StateData", "*", False),
                ("\\System Volume Information\\Heat", "*.*", True),
                ("C:\\Windows\\softwaredistribution", "*.*", True),
            ],
        ),
        _inbox(
            "Task Scheduler Writer",
            bss,
            _AT_REBOOT_IF_CANNOT_REPLACE,
            [
                file_group(
                    "TasksStore",
                    [("%WinDir%\\System32\\Tasks", "*", True), ("%WinDir%\\Tasks", "*", True)],
                    caption="Tasks Store",
                )
            ],
        ),
        _inbox(
            "VSS Metadata Store Writer",
            bss,
            _AT_REBOOT_IF_CANNOT_REPLACE,
            [
                file_group(
                    "WriterMetadataStore",
                    [("%SystemRoot%\\Vss\\Writers", "*.xml", True)],
                    caption="VSS Express Writer Metadata Store",
                    selectable=True,
                )
            ],
        ),
        _inbox(
            "Performance Counters Writer",
            bss,
            _AT_REBOOT_IF_CANNOT_REPLACE,
            [
                file_group(
                    "PerformanceCounters",
                    [
                        ("%SystemRoot%\\System32", "Perfc???.dat", False),
                        ("%SystemRoot%\\System32", "Perfh???.dat", False),
                        ("%SystemRoot%\\System32", "Prfc????.dat", False),
                        ("%SystemRoot%\\System32", "Prfh????.dat", False),
                    ],
                    caption="Performance Counters",
                    selectable=True,
                )
            ],
        ),
    ]


# ---------------------------------------------------------------------------------------------
# SQL Server's writer
# ---------------------------------------------------------------------------------------------

#: docs/reference.md §11 ([OBS], many captures).
SQL_SERVER_WRITER_ID = uuid.UUID("a65faa63-5ea8-4ebc-9dbd-a0c4db26912a")
#: The files of SQL Server's system databases (the captured WM5.xml); others are <db>.mdf, <db>_log.ldf.
_SYSTEM_DATABASE_FILES = {
    "master": ("master.mdf", "mastlog.ldf"),
    "model": ("model.mdf", "modellog.ldf"),
    "msdb": ("MSDBData.mdf", "MSDBLog.ldf"),
}
_SQL_DATA = "C:\\Program Files\\Microsoft SQL Server\\MSSQL14.MSSQLSERVER\\MSSQL\\DATA"


def SqlServerWriter(
    databases: Iterable[str] = ("master", "model", "msdb"),
    *,
    server: str = "SIMHOST",
    data_path: str = _SQL_DATA,
    instance_name: str | None = "Microsoft SQL Server 2017:SQLWriter",
    component_type: VSS_COMPONENT_TYPE = DATABASE,
    script: Mapping[WriterEvent, Action] | None = None,
) -> ScriptedWriter:
    """SQL Server's writer, "SqlServerWriter" {a65faa63-5ea8-4ebc-9dbd-a0c4db26912a} (docs/reference.md §11).

    One component per database, at logical path ``server`` (docs/reference.md §10.3:
    ``SqlServerWriter:\\HOSTNAME\\master``), notify on backup complete, selectable, selectable for
    restore, VSS_CF_APP_ROLLBACK_RECOVERY; files in ``data_path``. USER_DATA / TRANSACTED_DB,
    VSS_RME_RESTORE_IF_CAN_REPLACE / VSS_WRE_ALWAYS and backup schema 881, as in the captured WMD.
    Level BACK_END [INF]. Components are VSS_CT_DATABASE [INF]; the captured SQL Server 2017 WMD
    reports VSS_CT_FILEGROUP components, which ``component_type=VSS_CT_FILEGROUP`` reproduces.
    """
    component_type = VSS_COMPONENT_TYPE(component_type)
    flags = int(VSS_COMPONENT_FLAGS.VSS_CF_APP_ROLLBACK_RECOVERY)
    components = []
    for name in databases:
        data, log = _SYSTEM_DATABASE_FILES.get(name, (f"{name}.mdf", f"{name}_log.ldf"))
        if component_type == DATABASE:
            component = database(
                name,
                [(data_path, data)],
                [(data_path, log)],
                logical_path=server,
                selectable=True,
                selectable_for_restore=True,
                notify_on_backup_complete=True,
                flags=flags,
            )
        else:
            component = file_group(
                name,
                [(data_path, data, False), (data_path, log, False)],
                logical_path=server,
                selectable=True,
                selectable_for_restore=True,
                notify_on_backup_complete=True,
                flags=flags,
            )
        components.append(component)
    return ScriptedWriter(
        name="SqlServerWriter",
        writer_id=SQL_SERVER_WRITER_ID,
        usage=UT.VSS_UT_USERDATA,
        source=ST.VSS_ST_TRANSACTEDDB,
        level=APP.VSS_APP_BACK_END,
        instance_name=instance_name,
        restore_method=RestoreMethod(
            RME.VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, WRE.VSS_WRE_ALWAYS, False
        ),
        components=components,
        backup_schema=881,
        script=script,
    )
