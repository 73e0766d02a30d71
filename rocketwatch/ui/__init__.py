"""Everything Qt: the tray app, its windows and models, and the Qt host of the scheduler.

Only this package imports PySide6; the core never does.
"""
