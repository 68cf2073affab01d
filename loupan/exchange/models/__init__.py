from .imports import ImportJob, ImportMapping, LegacyRecord

__all__ = ["ImportJob", "ImportMapping", "LegacyRecord"]
