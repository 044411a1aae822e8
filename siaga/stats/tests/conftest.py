from siaga.stats.tests.month import november

__all__ = ["november"]
